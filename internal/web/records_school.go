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

func init() {
	for k, v := range map[string]string{
		"class_created": "Đã tạo lớp.",
		"homeroom":      "Đã cập nhật giáo viên chủ nhiệm.",
		"curriculum":    "Đã lưu chương trình của lớp.",
		"assigned":      "Đã lưu phân công giảng dạy.",
		"staff_saved":   "Đã lưu hồ sơ cán bộ.",
		"accepted":      "Đã tiếp nhận học sinh chuyển đến.",
		"refused":       "Đã từ chối đề nghị chuyển trường.",
		"pupil_saved":   "Đã lưu hồ sơ học sinh.",
		"pupil_added":   "Đã thêm học sinh vào lớp.",
		"movement":      "Đã ghi nhận biến động.",
		"transfer_req":  "Đã gửi đề nghị chuyển trường; học sinh vẫn ở lớp cho đến khi trường đến tiếp nhận.",
		"absences":      "Đã lưu điểm danh.",
		"totals":        "Đã lưu số buổi vắng của tháng.",
		"confirmed":     "Đã xác nhận số liệu tháng.",
	} {
		flashes[k] = v
	}
	for k, v := range map[string]string{
		"pupil.create":                           "Thêm học sinh",
		"pupil.update":                           "Sửa hồ sơ học sinh",
		"pupil.view":                             "Xem hồ sơ đầy đủ của học sinh",
		"pupil.export":                           "Xuất danh sách có dữ liệu cá nhân",
		"pupil.import":                           "Nhập học sinh từ Excel",
		"pupil.movement.leave":                   "Ghi nhận nghỉ học",
		"pupil.movement.class_move":              "Chuyển lớp",
		"pupil.movement.transfer_out":            "Chuyển trường (đi)",
		"pupil.movement.transfer_in":             "Chuyển trường (đến)",
		"pupil.transfer.accept":                  "Tiếp nhận học sinh chuyển đến",
		"pupil.transfer.refuse":                  "Từ chối học sinh chuyển đến",
		"pupil.transfer.accepted_by_destination": "Trường đến đã tiếp nhận học sinh",
		"absence.record_day":                     "Điểm danh",
		"absence.month_totals":                   "Nhập số buổi vắng của tháng",
		"class.confirm_month":                    "Xác nhận số liệu tháng",
		"class.curriculum":                       "Sửa chương trình lớp",
		"class.set_homeroom":                     "Phân công chủ nhiệm",
		"class.import":                           "Nhập lớp từ Excel",
		"assignment.change_teacher":              "Đổi giáo viên giảng dạy",
		"assignment.import":                      "Nhập phân công từ Excel",
		"staff.profile":                          "Sửa hồ sơ cán bộ",
		"staff.import":                           "Nhập cán bộ từ Excel",
		"staff.export":                           "Xuất danh sách cán bộ",
		"school.rollover":                        "Chuyển năm học (lên lớp)",
	} {
		actionNames[k] = v
	}
	funcs["hasValue"] = func(f url.Values, name, v string) bool { return slices.Contains(f[name], v) }
	funcs["sexName"] = sdgdt.SexName
	funcs["isoDate"] = func(v string) string {
		if t, ok := app.ParseDay(v); ok && v != "" {
			return sdgdt.FormatDate(t)
		}
		return ""
	}
	funcs["subjectNames"] = func(csv string) []string {
		var out []string
		for _, c := range strings.Split(csv, ",") {
			if n := assess.SubjectName(c); n != c {
				out = append(out, n)
			}
		}
		return out
	}
	funcs["subjectName"] = assess.SubjectName
	funcs["termName"] = func(t string) string { return termNames[t] }
	funcs["kindName"] = func(k string) string { return app.MovementKindName[k] }
	funcs["dict2"] = func(p *Page, k string) struct {
		P *Page
		K string
	} {
		return struct {
			P *Page
			K string
		}{p, k}
	}
}

// termNames are the Vietnamese names of assignment terms.
var termNames = map[string]string{"hk1": "Học kì I", "hk2": "Học kì II", "gk1": "Giữa học kì I", "ck1": "Cuối học kì I", "gk2": "Giữa học kì II", "cn": "Cuối năm học"}

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

// showForm renders a page, with the error of a form when there is one: a
// validation error is shown beside the fields (422), anything else is the
// error page.
func (s *Server) showForm(w http.ResponseWriter, r *http.Request, name string, pg *Page, formErr error) {
	status := http.StatusOK
	if formErr != nil {
		if c := sdgdt.ErrorCode(formErr); c != sdgdt.EINVALID && c != sdgdt.ECONFLICT {
			s.fail(w, r, formErr)
			return
		}
		status = statusOf(sdgdt.ErrorCode(formErr))
		pg.Error, pg.Fields = sdgdt.ErrorMessage(formErr), sdgdt.ErrorFields(formErr)
		if pg.Form == nil {
			pg.Form = r.PostForm
		}
	}
	s.render(w, r, status, name, pg)
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

func (s *Server) recordsClasses(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showRecordsClasses(w, r, p, nil)
}

func (s *Server) showRecordsClasses(w http.ResponseWriter, r *http.Request, p *app.Principal, formErr error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, queryID(r, "year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := recordsClassesData{Head: head(sr, "classes"), SR: sr, Teachers: sr.Staff}
	lo, hi := app.GradeRange(sr.School.Kind)
	for g := lo; g <= hi; g++ {
		d.Grades = append(d.Grades, g)
	}
	s.showForm(w, r, "records_classes", &Page{Title: "Lớp học — " + sr.School.Name, Active: "records", Data: d}, formErr)
}

func (s *Server) createClassSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	grade, _ := strconv.Atoi(r.PostForm.Get("grade"))
	c := sdgdt.Class{SchoolID: id, SchoolYearID: sr.Year.ID, Grade: grade, Name: strings.ToUpper(strings.TrimSpace(r.PostForm.Get("name"))),
		Ruleset: app.RulesetFor(sr.School.Kind, grade), HomeroomID: formID(r, "homeroom")}
	if _, err := s.app.CreateClass(r.Context(), p, c); err != nil {
		s.showRecordsClasses(w, r, p, err)
		return
	}
	http.Redirect(w, r, schoolURL(id, "classes")+"?msg=class_created", http.StatusSeeOther)
}

func (s *Server) setHomeroomSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	if err := s.app.SetHomeroom(r.Context(), p, id, formID(r, "teacher")); err != nil {
		if sdgdt.ErrorCode(err) == sdgdt.EINVALID {
			r.SetPathValue("id", strconv.FormatInt(formID(r, "school"), 10))
			s.showRecordsClasses(w, r, p, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, schoolURL(formID(r, "school"), "classes")+"?msg=homeroom", http.StatusSeeOther)
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

func (s *Server) recordsStaff(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showRecordsStaff(w, r, p, queryID(r, "edit"), nil)
}

func (s *Server) showRecordsStaff(w http.ResponseWriter, r *http.Request, p *app.Principal, edit int64, formErr error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
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
	pg := &Page{Title: "Cán bộ, giáo viên — " + sr.School.Name, Active: "records", Data: &d}
	if edit != 0 && sr.CanManage {
		for i := range sr.Staff {
			if sr.Staff[i].User.ID == edit {
				d.Edit = &sr.Staff[i]
			}
		}
		if d.Edit != nil {
			pl, err := s.app.SchoolPlace(r.Context(), p, id)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Groups = pl.Groups
			d.Subjects = schoolSubjects(sr.School.Kind)
			if formErr == nil {
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
	s.showForm(w, r, "records_staff", pg, formErr)
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

func (s *Server) staffProfileSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	uid, _ := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	r.ParseForm()
	f := r.PostForm
	teamID, _ := strconv.ParseInt(f.Get("team"), 10, 64)
	in := app.StaffInput{DateOfBirth: f.Get("date_of_birth"), Sex: f.Get("sex"), Position: f.Get("position"), Subjects: f["subjects"], TeamID: teamID}
	if err := s.app.SetStaffProfile(r.Context(), p, uid, in); err != nil {
		s.showRecordsStaff(w, r, p, uid, err)
		return
	}
	http.Redirect(w, r, schoolURL(id, "staff")+"?msg=staff_saved", http.StatusSeeOther)
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

func (s *Server) recordsAssignments(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showAssignments(w, r, p, nil)
}

func (s *Server) showAssignments(w http.ResponseWriter, r *http.Request, p *app.Principal, formErr error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
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
			s.fail(w, r, err)
			return
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
	s.showForm(w, r, "records_assignments", &Page{Title: "Phân công giảng dạy — " + sr.School.Name, Active: "records", Data: d}, formErr)
}

func (s *Server) assignSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
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
				s.fail(w, r, err)
				return
			}
			msg := sdgdt.ErrorMessage(err)
			for _, m := range sdgdt.ErrorFields(err) {
				msg = m
			}
			fields[name] = msg
		}
	}
	if len(fields) > 0 {
		s.showAssignments(w, r, p, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Một số phân công chưa lưu được; xem các ô được đánh dấu.", Fields: fields})
		return
	}
	http.Redirect(w, r, schoolURL(id, "assignments")+"?grade="+r.PostForm.Get("grade")+"&term="+url.QueryEscape(term)+"&msg=assigned", http.StatusSeeOther)
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

func (s *Server) curriculumPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showCurriculum(w, r, p, nil)
}

func (s *Server) showCurriculum(w http.ResponseWriter, r *http.Request, p *app.Principal, formErr error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cr, err := s.app.ClassRecords(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
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
		if formErr != nil {
			row.Included = r.PostForm.Get("inc_"+sub.Code) == "on"
			row.Periods, _ = strconv.Atoi(r.PostForm.Get("periods_" + sub.Code))
		}
		d.Rows = append(d.Rows, row)
	}
	s.showForm(w, r, "records_curriculum", &Page{Title: "Chương trình lớp " + cr.Class.Name, Active: "records", Data: d}, formErr)
}

func (s *Server) curriculumSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	cr, err := s.app.ClassRecords(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []app.CurriculumRow
	for _, sub := range assess.SubjectsForGrade(cr.Class.Grade) {
		n, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("periods_" + sub.Code)))
		rows = append(rows, app.CurriculumRow{Subject: sub.Code, PeriodsPerYear: n, Included: r.PostForm.Get("inc_"+sub.Code) == "on"})
	}
	if err := s.app.SetCurriculum(r.Context(), p, id, rows); err != nil {
		s.showCurriculum(w, r, p, err)
		return
	}
	http.Redirect(w, r, "/classes/"+strconv.FormatInt(id, 10)+"/curriculum?msg=curriculum", http.StatusSeeOther)
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

func (s *Server) recordsTransfers(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showTransfers(w, r, p, nil)
}

func (s *Server) showTransfers(w http.ResponseWriter, r *http.Request, p *app.Principal, formErr error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := recordsTransfersData{Head: head(sr, "transfers"), Pending: transferRows(sr.Pending), Recent: transferRows(sr.Recent), Classes: sr.Classes}
	s.showForm(w, r, "records_transfers", &Page{Title: "Chuyển trường — " + sr.School.Name, Active: "records", Data: d}, formErr)
}

func (s *Server) decideTransferSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	school := formID(r, "school")
	accept := r.PostForm.Get("decision") == "accept"
	if err := s.app.DecideTransfer(r.Context(), p, id, accept, formID(r, "class")); err != nil {
		r.SetPathValue("id", strconv.FormatInt(school, 10))
		s.showTransfers(w, r, p, err)
		return
	}
	msg := "refused"
	if accept {
		msg = "accepted"
	}
	http.Redirect(w, r, schoolURL(school, "transfers")+"?msg="+msg, http.StatusSeeOther)
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

func (s *Server) rolloverPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showRollover(w, r, p, queryID(r, "to"), false, nil)
}

func (s *Server) showRollover(w http.ResponseWriter, r *http.Request, p *app.Principal, to int64, committed bool, done *app.RolloverPlan) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !sr.CanManage {
		s.fail(w, r, &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ quản trị hệ thống của trường chuyển năm học."})
		return
	}
	d := recordsRolloverData{Head: head(sr, "rollover"), To: to, Committed: committed}
	for _, y := range sr.Years {
		if y.StartsOn.After(sr.Year.StartsOn) {
			d.Years = append(d.Years, y)
		}
	}
	if d.To == 0 && len(d.Years) > 0 {
		d.To = d.Years[0].ID
	}
	status := http.StatusOK
	pg := &Page{Title: "Chuyển năm học — " + sr.School.Name, Active: "records", Data: &d}
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
			if r.Method == http.MethodPost {
				status = statusOf(sdgdt.ErrorCode(err))
			}
		default:
			s.fail(w, r, err)
			return
		}
	}
	if d.Plan != nil {
		for _, c := range d.Plan.Classes {
			d.Pupils += len(c.Pupils)
		}
	}
	s.render(w, r, status, "records_rollover", pg)
}

func (s *Server) rolloverSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	to := formID(r, "to")
	plan, err := s.app.CommitRollover(r.Context(), p, id, to)
	if err != nil {
		if c := sdgdt.ErrorCode(err); c != sdgdt.ECONFLICT && c != sdgdt.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.showRollover(w, r, p, to, false, nil)
		return
	}
	s.showRollover(w, r, p, to, true, &plan)
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
