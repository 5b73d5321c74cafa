package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
)

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy trang."}
	}
	return id, nil
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PostForm.Get(name), 10, 64)
	return id
}

// homeData is the dashboard of a signed-in user.
type homeData struct {
	Tree      app.Tree
	Roles     []sdgdt.RoleRef
	ByKind    map[string]int
	MFAOff    bool
	LastLogin string
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	tree, err := s.app.VisibleTree(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := homeData{Tree: tree, Roles: p.Roles, ByKind: map[string]int{}, MFAOff: !p.User.TOTPEnabled}
	for _, sc := range tree.Schools {
		d.ByKind[sc.Kind]++
	}
	s.render(w, r, http.StatusOK, "home", &Page{Title: "Tổng quan", Active: "home", Data: d})
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	tree, err := s.app.VisibleTree(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(tree.Units) == 0 && len(tree.Schools) == 1 {
		http.Redirect(w, r, "/schools/"+strconv.FormatInt(tree.Schools[0].ID, 10), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "units", &Page{Title: "Đơn vị và trường", Active: "units", Data: tree})
}

// placeData is the page of a unit or a school.
type placeData struct {
	app.Place
	Roles       []sdgdt.RoleInfo // roles grantable here
	SchoolKinds any
	TempUser    string
	TempPass    string
	HomeKind    string
	HomeID      int64
}

func (s *Server) placeData(pl app.Place, kind string) placeData {
	d := placeData{Place: pl, SchoolKinds: sdgdt.SchoolKinds, HomeKind: kind, HomeID: pl.School.ID}
	if kind == sdgdt.ScopeUnit {
		d.HomeID = pl.Unit.ID
	}
	for _, r := range sdgdt.Roles {
		if r.Grantable && r.Scope == kind {
			d.Roles = append(d.Roles, r)
		}
	}
	return d
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showUnit(w, r, p, http.StatusOK, nil, nil)
}

func (s *Server) showUnit(w http.ResponseWriter, r *http.Request, p *app.Principal, status int, formErr error, extra func(*placeData)) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pl, err := s.app.UnitPlace(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := s.placeData(pl, sdgdt.ScopeUnit)
	if extra != nil {
		extra(&d)
	}
	pg := &Page{Title: pl.Unit.Name, Active: "units", Data: d, Form: r.PostForm}
	if formErr != nil {
		pg.Error, pg.Fields = sdgdt.ErrorMessage(formErr), sdgdt.ErrorFields(formErr)
	}
	s.render(w, r, status, "unit", pg)
}

func (s *Server) schoolPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showSchool(w, r, p, http.StatusOK, nil, nil)
}

func (s *Server) showSchool(w http.ResponseWriter, r *http.Request, p *app.Principal, status int, formErr error, extra func(*placeData)) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pl, err := s.app.SchoolPlace(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := s.placeData(pl, sdgdt.ScopeSchool)
	if extra != nil {
		extra(&d)
	}
	pg := &Page{Title: pl.School.Name, Active: "units", Data: d, Form: r.PostForm}
	if formErr != nil {
		pg.Error, pg.Fields = sdgdt.ErrorMessage(formErr), sdgdt.ErrorFields(formErr)
	}
	s.render(w, r, status, "school", pg)
}

// placeURL is the page of an account's home.
func placeURL(kind string, id int64) string {
	if kind == sdgdt.ScopeSchool {
		return "/schools/" + strconv.FormatInt(id, 10)
	}
	return "/units/" + strconv.FormatInt(id, 10)
}

// backTo shows a form error on the place the form came from, or redirects there.
func (s *Server) backTo(w http.ResponseWriter, r *http.Request, p *app.Principal, kind string, id int64, err error, msg string, extra func(*placeData)) {
	if err != nil && sdgdt.ErrorCode(err) != sdgdt.EINVALID {
		s.fail(w, r, err)
		return
	}
	if err == nil && extra == nil {
		http.Redirect(w, r, placeURL(kind, id)+"?msg="+msg, http.StatusSeeOther)
		return
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusUnprocessableEntity
	}
	r.SetPathValue("id", strconv.FormatInt(id, 10))
	if kind == sdgdt.ScopeSchool {
		s.showSchool(w, r, p, status, err, extra)
	} else {
		s.showUnit(w, r, p, status, err, extra)
	}
}

func (s *Server) createUnit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	u, err := s.app.CreateUnit(r.Context(), p, id, r.PostForm.Get("kind"), r.PostForm.Get("name"), r.PostForm.Get("code"))
	if err == nil {
		http.Redirect(w, r, placeURL(sdgdt.ScopeUnit, u.ID)+"?msg=created", http.StatusSeeOther)
		return
	}
	s.backTo(w, r, p, sdgdt.ScopeUnit, id, err, "", nil)
}

func (s *Server) createSchool(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	sc, err := s.app.CreateSchool(r.Context(), p, id, r.PostForm.Get("kind"), r.PostForm.Get("name"), r.PostForm.Get("code"), r.PostForm.Get("address"))
	if err == nil {
		http.Redirect(w, r, placeURL(sdgdt.ScopeSchool, sc.ID)+"?msg=created", http.StatusSeeOther)
		return
	}
	s.backTo(w, r, p, sdgdt.ScopeUnit, id, err, "", nil)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	r.ParseForm()
	in := app.NewUserInput{Username: r.PostForm.Get("username"), FullName: r.PostForm.Get("full_name"), Email: r.PostForm.Get("email"),
		Phone: r.PostForm.Get("phone"), HomeKind: r.PostForm.Get("home_kind"), HomeID: formID(r, "home_id")}
	u, pw, err := s.app.CreateUser(r.Context(), p, in)
	if err != nil {
		s.backTo(w, r, p, in.HomeKind, in.HomeID, err, "", nil)
		return
	}
	r.PostForm = url.Values{}
	s.backTo(w, r, p, in.HomeKind, in.HomeID, nil, "", func(d *placeData) { d.TempUser, d.TempPass = u.Username, pw })
}

// userAction runs an action on an account and returns to its home page.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, p *app.Principal, msg string, act func(id int64) (string, error)) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	kind, home := r.PostForm.Get("home_kind"), formID(r, "home_id")
	pw, err := act(id)
	if err != nil {
		s.backTo(w, r, p, kind, home, err, "", nil)
		return
	}
	if pw != "" {
		username := r.PostForm.Get("username")
		r.PostForm = url.Values{}
		s.backTo(w, r, p, kind, home, nil, "", func(d *placeData) { d.TempUser, d.TempPass = username, pw })
		return
	}
	s.backTo(w, r, p, kind, home, nil, msg, nil)
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.userAction(w, r, p, "", func(id int64) (string, error) { return s.app.ResetPassword(r.Context(), p, id) })
}

func (s *Server) resetMFA(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.userAction(w, r, p, "mfa_reset", func(id int64) (string, error) { return "", s.app.ResetMFA(r.Context(), p, id) })
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.userAction(w, r, p, "disabled", func(id int64) (string, error) { return "", s.app.SetDisabled(r.Context(), p, id, true) })
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.userAction(w, r, p, "enabled", func(id int64) (string, error) { return "", s.app.SetDisabled(r.Context(), p, id, false) })
}

func (s *Server) grantRole(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	r.ParseForm()
	kind, scope := r.PostForm.Get("scope_kind"), formID(r, "scope_id")
	_, err := s.app.GrantRole(r.Context(), p, formID(r, "user_id"), r.PostForm.Get("role"), kind, scope, r.PostForm.Get("duty"))
	s.backTo(w, r, p, kind, scope, err, "granted", nil)
}

func (s *Server) revokeRole(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	err = s.app.RevokeRole(r.Context(), p, id)
	s.backTo(w, r, p, r.PostForm.Get("scope_kind"), formID(r, "scope_id"), err, "revoked", nil)
}

// yearsData is the school-year page.
type yearsData struct {
	Years     []sdgdt.SchoolYear
	CanCreate bool
}

func (s *Server) yearsPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showYears(w, r, p, http.StatusOK, nil)
}

func (s *Server) showYears(w http.ResponseWriter, r *http.Request, p *app.Principal, status int, formErr error) {
	years, err := s.app.SchoolYears(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := yearsData{Years: years, CanCreate: s.app.CanManageYears(p)}
	pg := &Page{Title: "Năm học", Active: "years", Data: d, Form: r.PostForm}
	if formErr != nil {
		pg.Error, pg.Fields = sdgdt.ErrorMessage(formErr), sdgdt.ErrorFields(formErr)
	}
	s.render(w, r, status, "years", pg)
}

// parseDay reads dd/mm/yyyy (or yyyy-mm-dd from a date input) as a day in Vietnam.
func parseDay(v string) time.Time {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, sdgdt.Vietnam); err == nil {
			return t
		}
	}
	return time.Time{}
}

func (s *Server) createYear(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	r.ParseForm()
	f := r.PostForm
	y := sdgdt.SchoolYear{Name: strings.TrimSpace(f.Get("name")), StartsOn: parseDay(f.Get("starts_on")), GK1On: parseDay(f.Get("gk1_on")),
		CK1On: parseDay(f.Get("ck1_on")), HK1EndsOn: parseDay(f.Get("hk1_ends_on")), HK2Starts: parseDay(f.Get("hk2_starts_on")),
		GK2On: parseDay(f.Get("gk2_on")), CNOn: parseDay(f.Get("cn_on")), EndsOn: parseDay(f.Get("ends_on")), Current: f.Get("current") == "on"}
	_, err := s.app.CreateSchoolYear(r.Context(), p, y)
	if err != nil {
		if sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.showYears(w, r, p, http.StatusUnprocessableEntity, err)
		return
	}
	http.Redirect(w, r, "/years?msg=year", http.StatusSeeOther)
}

// auditData is the audit log page.
type auditData struct {
	Entries []auditRow
	Query   app.AuditQuery
	NextID  int64
}

type auditRow struct {
	ID         int64
	At         time.Time
	Actor      string
	Action     string
	ActionName string
	Object     string
	Before     string
	After      string
	IP         string
	Chain      string
	Hash       string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	q := r.URL.Query()
	aq := app.AuditQuery{Action: strings.TrimSpace(q.Get("action")), Actor: strings.TrimSpace(q.Get("actor")), ObjectID: strings.TrimSpace(q.Get("object")), Limit: 50}
	aq.SchoolID, _ = strconv.ParseInt(q.Get("school"), 10, 64)
	aq.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	aq.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	entries, err := s.app.AuditLog(r.Context(), p, aq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := auditData{Query: aq}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRow{ID: e.ID, At: e.At, Actor: e.ActorName, Action: e.Action, ActionName: actionName(e.Action),
			Object: e.ObjectKind + " #" + e.ObjectID, Before: e.Before, After: e.After, IP: e.IP, Chain: e.Chain, Hash: e.Hash[:12]})
	}
	if len(entries) == aq.Limit {
		d.NextID = entries[len(entries)-1].ID
	}
	s.render(w, r, http.StatusOK, "audit", &Page{Title: "Nhật ký hệ thống", Active: "audit", Data: d, Form: q})
}

// actionNames are the Vietnamese names of audited actions.
var actionNames = map[string]string{
	"auth.sign_in":         "Đăng nhập",
	"user.create":          "Tạo tài khoản",
	"user.reset_password":  "Đặt lại mật khẩu",
	"user.reset_mfa":       "Đặt lại xác thực hai lớp",
	"user.disable":         "Khóa tài khoản",
	"user.enable":          "Mở khóa tài khoản",
	"user.update_profile":  "Cập nhật thông tin cá nhân",
	"user.change_password": "Đổi mật khẩu",
	"user.enable_mfa":      "Bật xác thực hai lớp",
	"session.end":          "Kết thúc phiên đăng nhập",
	"unit.create":          "Tạo đơn vị",
	"school.create":        "Tạo trường",
	"school_year.create":   "Tạo năm học",
	"role.grant":           "Cấp vai trò",
	"role.revoke":          "Thu hồi vai trò",
	"class.create":         "Tạo lớp",
	"assignment.create":    "Phân công giảng dạy",
	"group.create":         "Tạo tổ/nhóm",
}

func actionName(a string) string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return a
}
