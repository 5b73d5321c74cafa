package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/viet"
)

// Page is what every template receives: the layout's fields and the page's own
// typed data in Data.
type Page struct {
	Title   string
	User    *app.Principal
	Nav     []NavItem
	Active  string
	Flash   string
	Error   string            // the form's or page's error message
	Fields  map[string]string // per-field messages
	Form    url.Values        // the values typed, to show them again
	Status  int
	Version string
	Data    any
	Bare    bool // sign-in pages: no navigation
	// SchoolKind words the page for a kind of school (sdgdt.ForKind: a
	// continuing-education centre says "học viên", "Giám đốc"); by default the
	// kind of the reader's own school.
	SchoolKind string
	Result     any // what a submit that shows a page instead of redirecting gives its view
}

// NavItem is one entry of the navigation.
type NavItem struct {
	Href, Label, Key string
}

// flash returns the message a redirect asks to show with ?msg=key, or "".
func flash(key string) string {
	switch key {
	case "saved":
		return "Đã lưu thay đổi."
	case "password":
		return "Đã đổi mật khẩu."
	case "mfa":
		return "Đã bật xác thực hai lớp."
	case "ended":
		return "Đã kết thúc phiên đăng nhập."
	case "granted":
		return "Đã cấp vai trò."
	case "revoked":
		return "Đã thu hồi vai trò."
	case "disabled":
		return "Đã khóa tài khoản."
	case "enabled":
		return "Đã mở khóa tài khoản."
	case "mfa_reset":
		return "Đã đặt lại xác thực hai lớp; người dùng sẽ đăng ký lại khi đăng nhập."
	case "signed_out":
		return "Bạn đã đăng xuất."
	case "created":
		return "Đã tạo."
	case "year":
		return "Đã tạo năm học."
	case "expired":
		return "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."
	case "must_change":
		return "Bạn cần đổi mật khẩu trước khi tiếp tục."
	case "locked":
		return "Đã khóa."
	case "unlocked":
		return "Đã mở khóa; việc mở khóa được ghi vào nhật ký."
	case "reported":
		return "Đã gửi báo cáo cho Ban quản trị nhà trường."
	case "proposed":
		return "Đã gửi đề nghị phê duyệt."
	case "decided":
		return "Đã ghi quyết định."
	case "requested":
		return "Đã gửi đề nghị điều chỉnh; lãnh đạo nhà trường sẽ xem xét."
	case "applied":
		return "Đủ hai người chứng kiến: các ô đã được điều chỉnh và kết quả được tính lại."
	case "class_created":
		return "Đã tạo lớp."
	case "homeroom":
		return "Đã cập nhật giáo viên chủ nhiệm."
	case "curriculum":
		return "Đã lưu chương trình của lớp."
	case "assigned":
		return "Đã lưu phân công giảng dạy."
	case "staff_saved":
		return "Đã lưu hồ sơ cán bộ."
	case "accepted":
		return "Đã tiếp nhận học sinh chuyển đến."
	case "refused":
		return "Đã từ chối đề nghị chuyển trường."
	case "pupil_saved":
		return "Đã lưu hồ sơ học sinh."
	case "pupil_added":
		return "Đã thêm học sinh vào lớp."
	case "movement":
		return "Đã ghi nhận biến động."
	case "transfer_req":
		return "Đã gửi đề nghị chuyển trường; học sinh vẫn ở lớp cho đến khi trường đến tiếp nhận."
	case "absences":
		return "Đã lưu điểm danh."
	case "totals":
		return "Đã lưu số buổi vắng của tháng."
	case "confirmed":
		return "Đã xác nhận số liệu tháng."
	case "enrolled":
		return "Đã đăng ký chữ ký số: chứng thư số đã được cấp, khóa ký được bảo vệ bằng mã PIN của bạn."
	case "pin_changed":
		return "Đã đổi mã PIN ký."
	case "signed":
		return "Đã ký số."
	case "imported":
		return "Đã nhập chứng thư số; khóa ký được bảo vệ bằng mã PIN ký bạn vừa đặt."
	case "registered":
		return "Đã đăng ký chứng thư số của thiết bị ký riêng: hãy ký bằng thiết bị và tải lên tệp chữ ký."
	}
	return ""
}

func (pg *Page) fill(s *Server, r *http.Request) {
	if pg.User == nil {
		pg.User = principal(r)
	}
	pg.Version = s.opt.Version
	if pg.Flash == "" {
		pg.Flash = flash(r.URL.Query().Get("msg"))
	}
	if pg.User != nil && !pg.Bare {
		pg.Nav = navFor(pg.User)
	}
	if pg.SchoolKind == "" && pg.User != nil && pg.User.User.HomeKind == sdgdt.ScopeSchool {
		pg.SchoolKind = s.app.SchoolKind(r.Context(), pg.User.User.HomeID)
	}
}

// navFor lists the pages a principal can reach, by role.
func navFor(p *app.Principal) []NavItem {
	nav := []NavItem{{"/", "Tổng quan", "home"}}
	units, schools, audit := false, false, false
	for _, r := range p.Roles {
		switch r.ScopeKind {
		case sdgdt.ScopeUnit:
			units = true
		default:
			schools = true
		}
		if r.Role == sdgdt.RoleUnitAdmin || r.Role == sdgdt.RoleUnitBoard || r.Role == sdgdt.RoleLeader || r.Role == sdgdt.RoleSysadmin || r.Role == sdgdt.RoleBoard {
			audit = true
		}
	}
	if units {
		nav = append(nav, NavItem{"/units", "Đơn vị và trường", "units"})
	} else if schools {
		nav = append(nav, NavItem{"/units", "Trường của tôi", "units"})
	}
	if hasSubjectRole(p) {
		nav = append(nav, NavItem{"/sheets", "Sổ điểm", "sheets"})
	}
	nav = append(nav, recordsNav(p)...)
	nav = append(nav, controlNav(p)...)
	nav = append(nav, statsNav(p)...)
	if units {
		nav = append(nav, NavItem{"/years", "Năm học", "years"})
	}
	if audit {
		nav = append(nav, NavItem{"/audit", "Nhật ký", "audit"})
	}
	return nav
}

// statsNav links unit users, leaders and board members to their statistics.
func statsNav(p *app.Principal) []NavItem {
	for _, r := range p.Roles {
		switch r.Role {
		case sdgdt.RoleUnitAdmin, sdgdt.RoleUnitBoard:
			return []NavItem{{"/units/" + strconv.FormatInt(r.ScopeID, 10) + "/statistics", "Thống kê", "statistics"}}
		case sdgdt.RoleLeader, sdgdt.RoleBoard:
			return []NavItem{{"/schools/" + strconv.FormatInt(r.SchoolID, 10) + "/statistics", "Thống kê", "statistics"}}
		}
	}
	return nil
}

// controlNav links leaders, board members and unit users to entry progress,
// from which locks and approvals are one click away.
func controlNav(p *app.Principal) []NavItem {
	for _, r := range p.Roles {
		switch r.Role {
		case sdgdt.RoleUnitAdmin, sdgdt.RoleUnitBoard:
			return []NavItem{{"/units/" + strconv.FormatInt(r.ScopeID, 10) + "/progress", "Kiểm soát sổ", "control"}}
		case sdgdt.RoleLeader, sdgdt.RoleBoard:
			return []NavItem{{"/schools/" + strconv.FormatInt(r.SchoolID, 10) + "/progress", "Kiểm soát sổ", "control"}}
		}
	}
	return nil
}

func (pg *Page) Value(name string) string {
	if pg.Form == nil {
		return ""
	}
	return pg.Form.Get(name)
}

// Field returns the message for a field, or "".
func (pg *Page) Field(name string) string { return pg.Fields[name] }

// funcMap is the functions the templates call; the clock is the server's.
func (s *Server) funcMap() template.FuncMap {
	return template.FuncMap{
		"date":            sdgdt.FormatDate,
		"datetime":        sdgdt.FormatDateTime,
		"roleName":        sdgdt.RoleName,
		"scopeName":       scopeName,
		"fieldName":       fieldName,
		"correctionScope": app.CorrectionScope,
		"schoolKind":      sdgdt.SchoolKindName,
		"unitKind":        func(k string) string { return sdgdt.UnitKindName[k] },
		"ago":             func(t time.Time) string { return ago(s.app.Now(), t) },
		"device":          device,
		"short": func(s string, n int) string {
			r := []rune(s)
			if len(r) <= n {
				return s
			}
			return string(r[:n]) + "…"
		},
		"initials":         initials,
		"depth":            func(path string) int { return strings.Count(path, "/") - 2 },
		"field":            field,
		"fieldLabel":       app.FieldLabel,
		"lockableFields":   func() []struct{ Code, Name string } { return app.LockableFields },
		"seq":              func(n int) []int { return make([]int, n) },
		"inc":              func(i int) int { return i + 1 },
		"tabs":             func(id int64, active string) map[string]any { return map[string]any{"ID": id, "Active": active} },
		"termName":         sdgdt.TermName,
		"signObjectName":   signObjectName,
		"signObjectHref":   signObjectHref,
		"correctionStatus": func(st string) string { return app.CorrectionStatusName[st] },
		"lower":            viet.LowerFirst, // first letter only: "học kì II"
		"grades":           func() []int { return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} },
		// Primary book (primary_*.go).
		"qlv":           qualityText,
		"outcomeName":   app.OutcomeName,
		"promotionName": app.PromotionName,
		"itemName":      app.ItemName,
		"awardName":     func(a string) string { return assess.AwardName(assess.Award(a)) },
		"subjectCols":   subjectCols,
		"levelRows":     levelRows,
		"pickCount":     pickCount,
		"pcnlGroups":    pcnlGroups,
		"primaryPoints": func() []string { return app.PrimaryPoints },
		"pcnlItem":      func(item string) bool { return strings.HasPrefix(item, "q.") || strings.HasPrefix(item, "c.") },
		// Homeroom pages (homeroom_*.go).
		"levelClass":    levelClass,
		"levelName":     func(code string) string { l, _ := assess.ParseLevel(code); return l.String() },
		"classTermName": app.ClassTermName,
		"subjectName":   assess.SubjectName,
		// Statistics (statistics_pages.go).
		"statTerm": sdgdt.StatTermName,
		"binsBelow": func(f sdgdt.SubjectFigures, n int) int64 {
			var t int64
			for _, b := range f.Bins[:n] {
				t += b
			}
			return t
		},
		"binsFrom": func(f sdgdt.SubjectFigures, n int) int64 {
			var t int64
			for _, b := range f.Bins[n:] {
				t += b
			}
			return t
		},
		"vn":        avgText,
		"upper":     strings.ToUpper,
		"termLower": termLower,
		"readsBook": readsBook,
		// School records (records_*.go).
		"hasValue": func(f url.Values, name, v string) bool { return slices.Contains(f[name], v) },
		"sexName":  sdgdt.SexName,
		"isoDate": func(v string) string {
			if t, ok := app.ParseDay(v); ok && v != "" {
				return sdgdt.FormatDate(t)
			}
			return ""
		},
		"subjectNames": func(csv string) []string {
			var out []string
			for _, c := range strings.Split(csv, ",") {
				if n := assess.SubjectName(c); n != c {
					out = append(out, n)
				}
			}
			return out
		},
		"kindName": func(k string) string { return app.MovementKindName[k] },
		"dict2": func(p *Page, k string) struct {
			P *Page
			K string
		} {
			return struct {
				P *Page
				K string
			}{p, k}
		},
	}
}

// ago says how long before now t was.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "vừa xong"
	case d < time.Hour:
		return itoa(int(d.Minutes())) + " phút trước"
	case d < 24*time.Hour:
		return itoa(int(d.Hours())) + " giờ trước"
	}
	return sdgdt.FormatDateTime(t)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// device gives a short description of a User-Agent.
func device(ua string) string {
	browser := "Trình duyệt khác"
	switch {
	case ua == "":
		return "Không rõ"
	case strings.Contains(ua, "Edg/"):
		browser = "Edge"
	case strings.Contains(ua, "Chrome/") || strings.Contains(ua, "Chromium"):
		browser = "Chrome"
	case strings.Contains(ua, "Firefox/"):
		browser = "Firefox"
	case strings.Contains(ua, "Safari/"):
		browser = "Safari"
	case strings.Contains(ua, "python") || strings.Contains(ua, "curl") || strings.Contains(ua, "Go-http"):
		browser = "Ứng dụng (API)"
	}
	os := ""
	switch {
	case strings.Contains(ua, "Android"):
		os = "Android"
	case strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPad"):
		os = "iOS"
	case strings.Contains(ua, "Windows"):
		os = "Windows"
	case strings.Contains(ua, "Mac OS"):
		os = "macOS"
	case strings.Contains(ua, "Linux"):
		os = "Linux"
	}
	if os == "" {
		return browser
	}
	return browser + " trên " + os
}

func initials(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return "?"
	}
	return strings.ToUpper(string([]rune(f[len(f)-1])[:1]))
}

// fieldArgs are the arguments of the "input" template.
type fieldArgs struct {
	P                       *Page
	Name, Label, Type, Auto string
}

func field(p *Page, name, label, typ, auto string) fieldArgs {
	return fieldArgs{P: p, Name: name, Label: label, Type: typ, Auto: auto}
}

// scopeName names the scope of a role: a teaching assignment's scope comes as
// "class – subject code – term code" and is shown with the names.
func scopeName(r sdgdt.RoleRef) string {
	if r.ScopeKind != "assignment" {
		return r.ScopeName
	}
	parts := strings.Split(r.ScopeName, " – ")
	if len(parts) != 3 {
		return r.ScopeName
	}
	return parts[0] + " – " + assess.SubjectName(parts[1]) + " – " + sdgdt.TermName(parts[2])
}
