package web

// School records: the school administrator's pages (classes, staff, curricula,
// teaching assignments, transfers, rollover); leaders, the board and the units
// above the school read them.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// schoolHead is the heading and tabs of the school records pages.
type schoolHead struct {
	School    sdgdt.School
	Year      sdgdt.SchoolYear
	Active    string
	CanManage bool
	Pending   int
}

func head(sr app.SchoolRecords, active string) schoolHead {
	return schoolHead{School: sr.School, Year: sr.Year, Active: active, CanManage: sr.CanManage, Pending: len(sr.Pending)}
}

func queryID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return id
}

func schoolURL(id int64, page string) string {
	return "/schools/" + strconv.FormatInt(id, 10) + "/" + page
}

// --- Classes of a year ---

type recordsClassesData struct {
	Head     schoolHead
	SR       app.SchoolRecords
	Teachers []sdgdt.StaffMember
	Grades   []int
}

func (s *Server) classesView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, queryID(r, "year"))
	if err != nil {
		return "", err
	}
	d := recordsClassesData{Head: head(sr, "classes"), SR: sr, Teachers: sr.Staff}
	lo, hi := app.GradeRange(sr.School.Kind)
	for g := lo; g <= hi; g++ {
		d.Grades = append(d.Grades, g)
	}
	pg.Title, pg.Active, pg.Data = "Lớp học — "+sr.School.Name, "records", d
	pg.SchoolKind = sr.School.Kind
	return "records_classes", nil
}

func (s *Server) createClassSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	grade, _ := strconv.Atoi(f.Get("grade"))
	c := sdgdt.Class{SchoolID: id, SchoolYearID: sr.Year.ID, Grade: grade, Name: strings.ToUpper(strings.TrimSpace(f.Get("name"))),
		Ruleset: app.RulesetFor(sr.School.Kind, grade), HomeroomID: formID(r, "homeroom")}
	_, err = s.app.CreateClass(r.Context(), p, c)
	return schoolURL(id, "classes"), "class_created", err
}

// setHomeroomSubmit is posted from the school's class list (the form names the school).
func (s *Server) setHomeroomSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	school := formID(r, "school")
	err = s.app.SetHomeroom(r.Context(), p, id, formID(r, "teacher"))
	r.SetPathValue("id", strconv.FormatInt(school, 10)) // the class list is shown again on an error
	return schoolURL(school, "classes"), "homeroom", err
}

// --- Staff ---

type recordsStaffData struct {
	Head        schoolHead
	Staff       []sdgdt.StaffMember
	CanProfiles bool
	Edit        *sdgdt.StaffMember
	Subjects    []assess.Subject
	Groups      []sdgdt.Group
	Homeroom    map[int64]string // user → class he is homeroom teacher of
	Teaching    map[int64]int    // user → number of assignments
}

// staffView lists a school's staff; ?edit= (or the uid of a posted profile) opens one's profile.
func (s *Server) staffView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	edit := queryID(r, "edit")
	if uid, err := strconv.ParseInt(r.PathValue("uid"), 10, 64); err == nil {
		edit = uid
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return "", err
	}
	d := recordsStaffData{Head: head(sr, "staff"), Staff: sr.Staff, CanProfiles: app.Can(p, app.ActViewProfiles, app.SchoolTarget(sr.School)),
		Homeroom: map[int64]string{}, Teaching: map[int64]int{}}
	for _, c := range sr.Classes {
		if c.HomeroomID != 0 {
			d.Homeroom[c.HomeroomID] = c.Name
		}
	}
	for _, a := range sr.Assignments {
		d.Teaching[a.TeacherID]++
	}
	pg.Title, pg.Active, pg.Data = "Cán bộ, giáo viên — "+sr.School.Name, "records", &d
	pg.SchoolKind = sr.School.Kind
	if edit != 0 && sr.CanManage {
		for i := range sr.Staff {
			if sr.Staff[i].User.ID == edit {
				d.Edit = &sr.Staff[i]
			}
		}
		if d.Edit != nil {
			pl, err := s.app.SchoolPlace(r.Context(), p, id)
			if err != nil {
				return "", err
			}
			d.Groups = pl.Groups
			d.Subjects = schoolSubjects(sr.School.Kind)
			if !pg.retyped() {
				sp := d.Edit.Profile
				dob := ""
				if t, ok := app.ParseDay(sp.DateOfBirth); ok && sp.DateOfBirth != "" {
					dob = sdgdt.FormatDate(t)
				}
				pg.Form = url.Values{"date_of_birth": {dob}, "sex": {sp.Sex}, "position": {sp.Position}, "team": {strconv.FormatInt(sp.TeamID, 10)},
					"subjects": strings.Split(sp.Subjects, ",")}
			}
		}
	}
	return "records_staff", nil
}

// schoolSubjects lists the subjects of the programmes a school teaches.
func schoolSubjects(kind string) []assess.Subject {
	lo, hi := app.GradeRange(kind)
	seen := map[string]bool{}
	var out []assess.Subject
	for g := lo; g <= hi; g++ {
		for _, sub := range assess.SubjectsForGrade(g) {
			if !seen[sub.Code] {
				seen[sub.Code] = true
				out = append(out, sub)
			}
		}
	}
	return out
}

func (s *Server) staffProfileSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	uid, _ := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	f := pg.Form
	teamID, _ := strconv.ParseInt(f.Get("team"), 10, 64)
	in := app.StaffInput{DateOfBirth: f.Get("date_of_birth"), Sex: f.Get("sex"), Position: f.Get("position"), Subjects: f["subjects"], TeamID: teamID}
	return schoolURL(id, "staff"), "staff_saved", s.app.SetStaffProfile(r.Context(), p, uid, in)
}

// --- Teaching assignments ---

type assignCell struct {
	ClassID   int64
	ClassName string
	Taught    bool
	TeacherID int64
	Teacher   string
}

// assignRow is one subject of the grid, with a cell per class of the grade.
type assignRow struct {
	Subject string
	Name    string
	Cells   []assignCell
}

type recordsAssignData struct {
	Head     schoolHead
	Grades   []int
	Grade    int
	Terms    []string
	Term     string
	Classes  []sdgdt.ClassCount // the columns
	Rows     []assignRow
	Teachers []sdgdt.StaffMember
	Missing  int
}

func (s *Server) assignmentsView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return "", err
	}
	q := r.URL.Query()
	if pg.retyped() {
		q = pg.Form
	}
	d := recordsAssignData{Head: head(sr, "assignments"), Teachers: sr.Staff}
	for _, c := range sr.Classes {
		if !slices.Contains(d.Grades, c.Grade) {
			d.Grades = append(d.Grades, c.Grade)
		}
	}
	d.Grade, _ = strconv.Atoi(q.Get("grade"))
	if !slices.Contains(d.Grades, d.Grade) && len(d.Grades) > 0 {
		d.Grade = d.Grades[0]
	}
	ruleset := app.RulesetFor(sr.School.Kind, d.Grade)
	d.Terms = app.TermsFor(ruleset)
	d.Term = q.Get("term")
	if !slices.Contains(d.Terms, d.Term) {
		d.Term = d.Terms[0]
	}
	teacherOf := map[string]sdgdt.AssignmentInfo{}
	for _, a := range sr.Assignments {
		if a.Term == d.Term {
			teacherOf[strconv.FormatInt(a.ClassID, 10)+"/"+a.Subject] = a
		}
	}
	var subjects []string
	taughtBy := map[int64]map[string]bool{}
	for _, c := range sr.Classes {
		if c.Grade != d.Grade {
			continue
		}
		cr, err := s.app.ClassRecords(r.Context(), p, c.ID)
		if err != nil {
			return "", err
		}
		taughtBy[c.ID] = map[string]bool{}
		for _, cs := range cr.Subjects {
			taughtBy[c.ID][cs.Subject] = true
			if !slices.Contains(subjects, cs.Subject) {
				subjects = append(subjects, cs.Subject)
			}
		}
		d.Classes = append(d.Classes, c)
	}
	for _, sub := range subjects {
		row := assignRow{Subject: sub, Name: assess.SubjectName(sub)}
		for _, c := range d.Classes {
			cell := assignCell{ClassID: c.ID, ClassName: c.Name, Taught: taughtBy[c.ID][sub]}
			if a, ok := teacherOf[strconv.FormatInt(c.ID, 10)+"/"+sub]; ok {
				cell.TeacherID, cell.Teacher = a.TeacherID, a.TeacherName
			} else if cell.Taught {
				d.Missing++
			}
			row.Cells = append(row.Cells, cell)
		}
		d.Rows = append(d.Rows, row)
	}
	pg.Title, pg.Active, pg.Data = "Phân công giảng dạy — "+sr.School.Name, "records", d
	pg.SchoolKind = sr.School.Kind
	return "records_assignments", nil
}

func (s *Server) assignSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return "", "", err
	}
	term := r.PostForm.Get("term")
	current := map[string]int64{}
	for _, a := range sr.Assignments {
		if a.Term == term {
			current[strconv.FormatInt(a.ClassID, 10)+"/"+a.Subject] = a.TeacherID
		}
	}
	// Each select is named t/<class>/<subject>; only the changed ones are written.
	fields := map[string]string{}
	for name, vals := range r.PostForm {
		parts := strings.Split(name, "/")
		if len(parts) != 3 || parts[0] != "t" || len(vals) == 0 {
			continue
		}
		teacher, _ := strconv.ParseInt(vals[0], 10, 64)
		if teacher == 0 || teacher == current[parts[1]+"/"+parts[2]] {
			continue
		}
		classID, _ := strconv.ParseInt(parts[1], 10, 64)
		if err := s.app.AssignTeacher(r.Context(), p, classID, parts[2], term, teacher); err != nil {
			if sdgdt.ErrorCode(err) != sdgdt.EINVALID {
				return "", "", err
			}
			msg := sdgdt.ErrorMessage(err)
			for _, m := range sdgdt.ErrorFields(err) {
				msg = m
			}
			fields[name] = msg
		}
	}
	if len(fields) > 0 {
		return "", "", &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Một số phân công chưa lưu được; xem các ô được đánh dấu.", Fields: fields}
	}
	return schoolURL(id, "assignments") + "?grade=" + url.QueryEscape(r.PostForm.Get("grade")) + "&term=" + url.QueryEscape(term), "assigned", nil
}

// --- Curriculum of a class ---

type curriculumRow struct {
	Code     string
	Name     string
	Kind     string
	Default  int
	Periods  int
	Included bool
}

type recordsCurriculumData struct {
	Class     sdgdt.Class
	School    sdgdt.School
	Year      sdgdt.SchoolYear
	Rows      []curriculumRow
	CanManage bool
	Active    string
	CanKeep   bool
	Month     string
}

func (s *Server) curriculumView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	cr, err := s.app.ClassRecords(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	d := recordsCurriculumData{Class: cr.Class, School: cr.School, Year: cr.Year, CanManage: app.Can(p, app.ActManageSchool, app.SchoolTarget(cr.School)),
		Active: "curriculum", CanKeep: cr.CanKeep, Month: s.currentMonth(cr.Year)}
	have := map[string]sdgdt.ClassSubject{}
	for _, cs := range cr.Subjects {
		have[cs.Subject] = cs
	}
	for _, sub := range assess.SubjectsForGrade(cr.Class.Grade) {
		row := curriculumRow{Code: sub.Code, Name: sub.Name, Default: sub.Periods[cr.Class.Grade]}
		switch {
		case cr.Class.Ruleset == "tt27":
			row.Kind = "Mức đạt được"
		case sub.AssessedBy == "comment":
			row.Kind = "Nhận xét"
		default:
			row.Kind = "Điểm số"
		}
		if cs, ok := have[sub.Code]; ok {
			row.Included, row.Periods = true, cs.PeriodsPerYear
		} else {
			row.Periods = row.Default
		}
		if pg.retyped() {
			row.Included = pg.Form.Get("inc_"+sub.Code) == "on"
			row.Periods, _ = strconv.Atoi(pg.Form.Get("periods_" + sub.Code))
		}
		d.Rows = append(d.Rows, row)
	}
	pg.Title, pg.Active, pg.Data = "Chương trình lớp "+cr.Class.Name, "records", d
	pg.SchoolKind = cr.School.Kind
	return "records_curriculum", nil
}

func (s *Server) curriculumSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	cr, err := s.app.ClassRecords(r.Context(), p, id)
	if err != nil {
		return "", "", err
	}
	var rows []app.CurriculumRow
	for _, sub := range assess.SubjectsForGrade(cr.Class.Grade) {
		n, _ := strconv.Atoi(strings.TrimSpace(pg.Form.Get("periods_" + sub.Code)))
		rows = append(rows, app.CurriculumRow{Subject: sub.Code, PeriodsPerYear: n, Included: pg.Form.Get("inc_"+sub.Code) == "on"})
	}
	return classURL(id, "curriculum"), "curriculum", s.app.SetCurriculum(r.Context(), p, id, rows)
}

// --- Transfers ---

type transferRow struct {
	sdgdt.Movement
	FromSchool string
	FromClass  string
	KindName   string
	StatusName string
}

type recordsTransfersData struct {
	Head    schoolHead
	Pending []transferRow
	Recent  []transferRow
	Classes []sdgdt.ClassCount
}

func transferRows(ms []sdgdt.Movement) []transferRow {
	var out []transferRow
	for _, m := range ms {
		t := transferRow{Movement: m, FromClass: m.FromClass, KindName: app.MovementKindName[m.Kind], StatusName: app.MovementStatusName[m.Status]}
		var snap struct {
			School string `json:"school"`
			Class  string `json:"class"`
		}
		if m.Snapshot != "" && json.Unmarshal([]byte(m.Snapshot), &snap) == nil {
			t.FromSchool, t.FromClass = snap.School, snap.Class
		}
		out = append(out, t)
	}
	return out
}

func (s *Server) transfersView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return "", err
	}
	d := recordsTransfersData{Head: head(sr, "transfers"), Pending: transferRows(sr.Pending), Recent: transferRows(sr.Recent), Classes: sr.Classes}
	pg.Title, pg.Active, pg.Data = "Chuyển trường — "+sr.School.Name, "records", d
	pg.SchoolKind = sr.School.Kind
	return "records_transfers", nil
}

// decideTransferSubmit is posted from the school's transfers page (the form names the school).
func (s *Server) decideTransferSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	school := formID(r, "school")
	accept := pg.Form.Get("decision") == "accept"
	err = s.app.DecideTransfer(r.Context(), p, id, accept, formID(r, "class"))
	r.SetPathValue("id", strconv.FormatInt(school, 10)) // the transfers page is shown again on an error
	msg := "refused"
	if accept {
		msg = "accepted"
	}
	return schoolURL(school, "transfers"), msg, err
}

// --- Year rollover ---

type recordsRolloverData struct {
	Head      schoolHead
	Years     []sdgdt.SchoolYear // years after the current one
	To        int64
	Plan      *app.RolloverPlan
	Committed bool
	Conflict  string
	Pupils    int
}

// rolloverView previews the rollover to ?to= (or the posted year); after a
// commit (pg.Result) it shows the classes created.
func (s *Server) rolloverView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return "", err
	}
	if !sr.CanManage {
		return "", &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ quản trị hệ thống của trường chuyển năm học."}
	}
	to := queryID(r, "to")
	if v := formID(r, "to"); v != 0 {
		to = v
	}
	done, _ := pg.Result.(*app.RolloverPlan)
	d := recordsRolloverData{Head: head(sr, "rollover"), To: to, Committed: done != nil}
	for _, y := range sr.Years {
		if y.StartsOn.After(sr.Year.StartsOn) {
			d.Years = append(d.Years, y)
		}
	}
	if d.To == 0 && len(d.Years) > 0 {
		d.To = d.Years[0].ID
	}
	pg.Title, pg.Active, pg.Data = "Chuyển năm học — "+sr.School.Name, "records", &d
	pg.SchoolKind = sr.School.Kind
	switch {
	case done != nil:
		d.Plan = done
	case d.To != 0:
		plan, err := s.app.PlanRollover(r.Context(), p, id, d.To)
		switch sdgdt.ErrorCode(err) {
		case "":
			d.Plan = &plan
		case sdgdt.ECONFLICT, sdgdt.EINVALID:
			d.Conflict = sdgdt.ErrorMessage(err)
			for _, m := range sdgdt.ErrorFields(err) {
				d.Conflict = m
			}
			pg.Error = "" // the conflict is shown in the page
		default:
			return "", err
		}
	}
	if d.Plan != nil {
		for _, c := range d.Plan.Classes {
			d.Pupils += len(c.Pupils)
		}
	}
	return "records_rollover", nil
}

func (s *Server) rolloverSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	plan, err := s.app.CommitRollover(r.Context(), p, id, formID(r, "to"))
	if err == nil {
		pg.Result = &plan
	}
	return "", "", err
}

// recordsNav gives the navigation of the school records: the homeroom
// teacher's class, and the school's records for its administrator and leaders.
func recordsNav(p *app.Principal) []NavItem {
	var nav []NavItem
	for _, r := range p.Roles {
		if r.Role == sdgdt.RoleHomeroom && r.ScopeKind == sdgdt.ScopeClass && r.ScopeID != 0 {
			nav = append(nav, NavItem{"/classes/" + strconv.FormatInt(r.ScopeID, 10), "Lớp chủ nhiệm", "class"})
			break
		}
	}
	for _, r := range p.Roles {
		if (r.Role == sdgdt.RoleSysadmin || r.Role == sdgdt.RoleLeader || r.Role == sdgdt.RoleBoard) && r.ScopeKind == sdgdt.ScopeSchool && r.SchoolID != 0 {
			nav = append(nav, NavItem{schoolURL(r.SchoolID, "classes"), "Hồ sơ trường", "records"})
			break
		}
	}
	return nav
}
