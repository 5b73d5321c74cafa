package web

import (
	"net/http"
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
	Home      app.HomeView
	Tree      app.Tree
	Roles     []sdgdt.RoleRef
	ByKind    map[string]int
	MFAOff    bool
	LastLogin string
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	tree, err := s.app.VisibleTree(r.Context(), p)
	if err != nil {
		return err
	}
	home, err := s.app.Home(r.Context(), p)
	if err != nil {
		return err
	}
	d := homeData{Home: home, Tree: tree, Roles: p.Roles, ByKind: map[string]int{}, MFAOff: !p.User.TOTPEnabled}
	for _, sc := range tree.Schools {
		d.ByKind[sc.Kind]++
	}
	return s.render(w, r, http.StatusOK, "home", &Page{Title: "Tổng quan", Active: "home", Data: d})
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	tree, err := s.app.VisibleTree(r.Context(), p)
	if err != nil {
		return err
	}
	if len(tree.Units) == 0 && len(tree.Schools) == 1 {
		http.Redirect(w, r, "/schools/"+strconv.FormatInt(tree.Schools[0].ID, 10), http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, "units", &Page{Title: "Đơn vị và trường", Active: "units", Data: tree})
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

// tempLogin is a one-time password just set, shown once on the place's page.
type tempLogin struct{ User, Pass string }

// showPlace fills the page of a unit or a school.
func (s *Server) showPlace(r *http.Request, p *app.Principal, pg *Page, kind string, id int64) (string, error) {
	var pl app.Place
	var err error
	if kind == sdgdt.ScopeSchool {
		pl, err = s.app.SchoolPlace(r.Context(), p, id)
	} else {
		kind = sdgdt.ScopeUnit
		pl, err = s.app.UnitPlace(r.Context(), p, id)
	}
	if err != nil {
		return "", err
	}
	d := s.placeData(pl, kind)
	if t, ok := pg.Result.(tempLogin); ok {
		d.TempUser, d.TempPass = t.User, t.Pass
	}
	pg.Active, pg.Data = "units", d
	if kind == sdgdt.ScopeSchool {
		pg.Title = pl.School.Name
		return "school", nil
	}
	pg.Title = pl.Unit.Name
	return "unit", nil
}

func (s *Server) unitView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	return s.showPlace(r, p, pg, sdgdt.ScopeUnit, id)
}

func (s *Server) schoolView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	return s.showPlace(r, p, pg, sdgdt.ScopeSchool, id)
}

// placeURL is the page of an account's home.
func placeURL(kind string, id int64) string {
	if kind == sdgdt.ScopeSchool {
		return "/schools/" + strconv.FormatInt(id, 10)
	}
	return "/units/" + strconv.FormatInt(id, 10)
}

// placeFormView shows again the place a form came from, named by two of its
// fields (home_kind and home_id, or scope_kind and scope_id).
func (s *Server) placeFormView(kindField, idField string) viewFunc {
	return func(r *http.Request, p *app.Principal, pg *Page) (string, error) {
		return s.showPlace(r, p, pg, r.PostForm.Get(kindField), formID(r, idField))
	}
}

func (s *Server) createUnit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	u, err := s.app.CreateUnit(r.Context(), p, id, f.Get("kind"), f.Get("name"), f.Get("code"))
	return placeURL(sdgdt.ScopeUnit, u.ID), "created", err
}

func (s *Server) createSchool(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	sc, err := s.app.CreateSchool(r.Context(), p, id, f.Get("kind"), f.Get("name"), f.Get("code"), f.Get("address"))
	return placeURL(sdgdt.ScopeSchool, sc.ID), "created", err
}

// createUser shows the new account's one-time password on the page (never in a URL).
func (s *Server) createUser(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	f := pg.Form
	in := app.NewUserInput{Username: f.Get("username"), FullName: f.Get("full_name"), Email: f.Get("email"),
		Phone: f.Get("phone"), HomeKind: f.Get("home_kind"), HomeID: formID(r, "home_id")}
	u, pw, err := s.app.CreateUser(r.Context(), p, in)
	pg.Result = tempLogin{u.Username, pw}
	return "", "", err
}

// userAction runs an action on an account and returns to its home page; a
// password reset shows the one-time password there.
func (s *Server) userAction(r *http.Request, pg *Page, msg string, act func(id int64) (string, error)) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	pw, err := act(id)
	if err != nil || pw != "" {
		pg.Result = tempLogin{pg.Form.Get("username"), pw}
		return "", "", err
	}
	return placeURL(pg.Form.Get("home_kind"), formID(r, "home_id")), msg, nil
}

func (s *Server) resetPassword(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	return s.userAction(r, pg, "", func(id int64) (string, error) { return s.app.ResetPassword(r.Context(), p, id) })
}

func (s *Server) resetMFA(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	return s.userAction(r, pg, "mfa_reset", func(id int64) (string, error) { return "", s.app.ResetMFA(r.Context(), p, id) })
}

func (s *Server) disableUser(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	return s.userAction(r, pg, "disabled", func(id int64) (string, error) { return "", s.app.SetDisabled(r.Context(), p, id, true) })
}

func (s *Server) enableUser(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	return s.userAction(r, pg, "enabled", func(id int64) (string, error) { return "", s.app.SetDisabled(r.Context(), p, id, false) })
}

func (s *Server) grantRole(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	f := pg.Form
	kind, scope := f.Get("scope_kind"), formID(r, "scope_id")
	_, err := s.app.GrantRole(r.Context(), p, formID(r, "user_id"), f.Get("role"), kind, scope, f.Get("duty"))
	return placeURL(kind, scope), "granted", err
}

func (s *Server) revokeRole(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	err = s.app.RevokeRole(r.Context(), p, id)
	return placeURL(pg.Form.Get("scope_kind"), formID(r, "scope_id")), "revoked", err
}

// yearsData is the school-year page.
type yearsData struct {
	Years     []sdgdt.SchoolYear
	CanCreate bool
}

func (s *Server) yearsView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	years, err := s.app.SchoolYears(r.Context())
	if err != nil {
		return "", err
	}
	pg.Title, pg.Active, pg.Data = "Năm học", "years", yearsData{Years: years, CanCreate: s.app.CanManageYears(p)}
	return "years", nil
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

func (s *Server) createYear(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	f := pg.Form
	y := sdgdt.SchoolYear{Name: strings.TrimSpace(f.Get("name")), StartsOn: parseDay(f.Get("starts_on")), GK1On: parseDay(f.Get("gk1_on")),
		CK1On: parseDay(f.Get("ck1_on")), HK1EndsOn: parseDay(f.Get("hk1_ends_on")), HK2Starts: parseDay(f.Get("hk2_starts_on")),
		GK2On: parseDay(f.Get("gk2_on")), CNOn: parseDay(f.Get("cn_on")), EndsOn: parseDay(f.Get("ends_on")), Current: f.Get("current") == "on"}
	_, err := s.app.CreateSchoolYear(r.Context(), p, y)
	return "/years", "year", err
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
	Lines      []auditLine
	IP         string
	Chain      string
	Hash       string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	q := r.URL.Query()
	aq := app.AuditQuery{Action: strings.TrimSpace(q.Get("action")), Actor: strings.TrimSpace(q.Get("actor")), ObjectID: strings.TrimSpace(q.Get("object")), Limit: 50}
	aq.SchoolID, _ = strconv.ParseInt(q.Get("school"), 10, 64)
	aq.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	aq.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	entries, err := s.app.AuditLog(r.Context(), p, aq)
	if err != nil {
		return err
	}
	d := auditData{Query: aq}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRow{ID: e.ID, At: e.At, Actor: e.ActorName, Action: e.Action, ActionName: sdgdt.Action(e.Action).Name(),
			Object: e.ObjectKind + " #" + e.ObjectID, Lines: auditLines(e.Before, e.After), IP: e.IP, Chain: e.Chain, Hash: e.Hash[:12]})
	}
	if len(entries) == aq.Limit {
		d.NextID = entries[len(entries)-1].ID
	}
	return s.render(w, r, http.StatusOK, "audit", &Page{Title: "Nhật ký hệ thống", Active: "audit", Data: d, Form: q})
}
