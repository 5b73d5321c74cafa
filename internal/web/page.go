package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
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
}

// NavItem is one entry of the navigation.
type NavItem struct {
	Href, Label, Key string
}

// flashes are the messages a redirect can ask to show.
var flashes = map[string]string{
	"saved":       "Đã lưu thay đổi.",
	"password":    "Đã đổi mật khẩu.",
	"mfa":         "Đã bật xác thực hai lớp.",
	"ended":       "Đã kết thúc phiên đăng nhập.",
	"granted":     "Đã cấp vai trò.",
	"revoked":     "Đã thu hồi vai trò.",
	"disabled":    "Đã khóa tài khoản.",
	"enabled":     "Đã mở khóa tài khoản.",
	"mfa_reset":   "Đã đặt lại xác thực hai lớp; người dùng sẽ đăng ký lại khi đăng nhập.",
	"signed_out":  "Bạn đã đăng xuất.",
	"created":     "Đã tạo.",
	"year":        "Đã tạo năm học.",
	"expired":     "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
	"must_change": "Bạn cần đổi mật khẩu trước khi tiếp tục.",
	"locked":      "Đã khóa.",
	"unlocked":    "Đã mở khóa; việc mở khóa được ghi vào nhật ký.",
	"proposed":    "Đã gửi đề nghị phê duyệt.",
	"decided":     "Đã ghi quyết định.",
	"requested":   "Đã gửi đề nghị điều chỉnh; lãnh đạo nhà trường sẽ xem xét.",
	"applied":     "Đủ hai người chứng kiến: các ô đã được điều chỉnh và kết quả được tính lại.",
}

func (pg *Page) fill(s *Server, r *http.Request) {
	if pg.User == nil {
		pg.User = principal(r)
	}
	pg.Version = s.opt.Version
	if pg.Flash == "" {
		pg.Flash = flashes[r.URL.Query().Get("msg")]
	}
	if pg.User != nil && !pg.Bare {
		pg.Nav = navFor(pg.User)
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
	if units {
		nav = append(nav, NavItem{"/years", "Năm học", "years"})
	}
	if audit {
		nav = append(nav, NavItem{"/audit", "Nhật ký", "audit"})
	}
	return nav
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

var funcs = template.FuncMap{
	"date":       sdgdt.FormatDate,
	"datetime":   sdgdt.FormatDateTime,
	"roleName":   sdgdt.RoleName,
	"schoolKind": sdgdt.SchoolKindName,
	"unitKind":   func(k string) string { return sdgdt.UnitKindName[k] },
	"ago":        ago,
	"device":     device,
	"short": func(s string, n int) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		return string(r[:n]) + "…"
	},
	"initials":   initials,
	"depth":      func(path string) int { return strings.Count(path, "/") - 2 },
	"field":      field,
	"fieldLabel": app.FieldLabel,
	"seq":        func(n int) []int { return make([]int, n) },
	"inc":        func(i int) int { return i + 1 },
	"tabs":       func(id int64, active string) map[string]any { return map[string]any{"ID": id, "Active": active} },
	"termName":   app.SheetTermName,
	"lower":      strings.ToLower,
	"grades":     func() []int { return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} },
	// Primary book (primary_*.go).
	"qlv":           qualityText,
	"outcomeName":   app.OutcomeName,
	"promotionName": app.PromotionName,
	"itemName":      app.ItemName,
	"awardName":     func(a string) string { return assess.AwardName(assess.Award(a)) },
	"subjectCols":   subjectCols,
	"levelRows":     func() [][2]string { return levelRows },
	"pickCount":     pickCount,
	"pcnlGroups":    pcnlGroups,
	"primaryPoints": func() []string { return app.PrimaryPoints },
	"pcnlItem":      func(item string) bool { return strings.HasPrefix(item, "q.") || strings.HasPrefix(item, "c.") },
}

func ago(t time.Time) string {
	d := time.Since(t)
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
