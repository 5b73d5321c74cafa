package web

// School records: the pages of one class (the homeroom teacher's book) and of
// one pupil — class list, profiles, absences, movements, monthly confirmation.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
)

// classHead is the heading and tabs of a class's pages.
type classHead struct {
	Class     sdgdt.Class
	School    sdgdt.School
	Year      sdgdt.SchoolYear
	Active    string
	CanKeep   bool
	CanManage bool
	Month     string // the month the "month" tab opens
	Book      bool   // the viewer reads the class's assessment book (homeroom_*.go)
	Print     bool   // the viewer prints the class's book (office staff included)
}

// PrintTerms are the terms the class's book prints for: the semesters and the
// year, or the primary assessment points.
func (h classHead) PrintTerms() []printTerm {
	codes := []string{"hk1", "hk2", "year"}
	if sdgdt.SheetKindOf(h.Class.Ruleset) != sdgdt.SheetSecondary {
		codes = app.PrimaryPoints
	}
	out := make([]printTerm, len(codes))
	for i, c := range codes {
		out[i] = printTerm{c, sdgdt.TermName(c)}
	}
	return out
}

type printTerm struct{ Code, Name string }

func (s *Server) classHeadOf(cr app.ClassRecords, p *app.Principal, active string) classHead {
	return classHead{Class: cr.Class, School: cr.School, Year: cr.Year, Active: active, CanKeep: cr.CanKeep,
		CanManage: app.Can(p, app.ActManageSchool, app.SchoolTarget(cr.School)), Month: s.currentMonth(cr.Year),
		Book:  app.Can(p, app.ActReadSheet, app.ClassTarget(cr.School, cr.Class.ID)),
		Print: app.CanPrintBook(p, cr.School, cr.Class.ID)}
}

// today is the current day in Vietnam.
func (s *Server) today() time.Time {
	n := s.app.Now().In(sdgdt.Vietnam)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, sdgdt.Vietnam)
}

// currentMonth is this month, or the nearest month of the school year.
func (s *Server) currentMonth(y sdgdt.SchoolYear) string {
	n := s.app.Now().In(sdgdt.Vietnam)
	switch {
	case !y.StartsOn.IsZero() && n.Before(y.StartsOn):
		n = y.StartsOn
	case !y.EndsOn.IsZero() && n.After(y.EndsOn):
		n = y.EndsOn
	}
	return n.Format("2006-01")
}

var statusNames = map[string]string{
	sdgdt.EnrolStudying:    "Đang học",
	sdgdt.EnrolMoved:       "Đã chuyển lớp",
	sdgdt.EnrolLeft:        "Nghỉ học",
	sdgdt.EnrolTransferred: "Chuyển trường",
	sdgdt.EnrolFinished:    "Kết thúc năm học",
}

func classURL(id int64, page string) string {
	u := "/classes/" + strconv.FormatInt(id, 10)
	if page != "" {
		u += "/" + page
	}
	return u
}

// --- Class list ---

type classRow struct {
	N      int
	Entry  sdgdt.RosterEntry
	Abs    sdgdt.AbsenceCount
	Status string
}

type classListData struct {
	Head     classHead
	Rows     []classRow
	Former   []classRow
	Boys     int
	Girls    int
	Absences int
	Masked   bool
}

func (s *Server) classPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cr, err := s.app.ClassRecords(r.Context(), p, id)
	if err != nil {
		return err
	}
	d := classListData{Head: s.classHeadOf(cr, p, "list"), Masked: !cr.CanProfiles}
	for i, e := range cr.Roster {
		a := cr.Absences[e.Pupil.ID]
		d.Rows = append(d.Rows, classRow{N: i + 1, Entry: e, Abs: a, Status: statusNames[e.Status]})
		if e.Pupil.Sex == "nu" {
			d.Girls++
		} else {
			d.Boys++
		}
		d.Absences += a.Total()
	}
	for i, e := range cr.Former {
		d.Former = append(d.Former, classRow{N: i + 1, Entry: e, Abs: cr.Absences[e.Pupil.ID], Status: statusNames[e.Status]})
	}
	return s.render(w, r, http.StatusOK, "records_class", &Page{Title: "Lớp " + cr.Class.Name + " — " + cr.School.Name, Active: "class", Data: d})
}

// --- New pupil ---

type pupilFormData struct {
	Head    classHead
	Mode    string
	Pupil   *app.PupilProfile
	Schools []sdgdt.School
	Classes []sdgdt.ClassCount
}

// pupilFields are the profile form's fields, in order, with their labels.
func pupilFields() []struct{ Name, Label, Type string } {
	return []struct{ Name, Label, Type string }{
		{"full_name", "Họ và tên", "text"}, {"date_of_birth", "Ngày sinh (dd/mm/yyyy)", "text"}, {"sex", "Giới tính", "sex"},
		{"ethnicity", "Dân tộc", "text"}, {"place_of_birth", "Nơi sinh", "text"}, {"home_town", "Quê quán", "text"},
		{"address", "Địa chỉ thường trú", "text"}, {"father_name", "Họ tên cha", "text"}, {"mother_name", "Họ tên mẹ", "text"},
		{"guardian_name", "Người giám hộ", "text"}, {"guardian_phone", "SĐT phụ huynh", "tel"},
		{"identity_number", "Số định danh cá nhân (12 chữ số)", "text"}, {"ministry_code", "Mã học sinh (Bộ GDĐT)", "text"},
	}
}

func pupilInput(f url.Values) app.PupilInput {
	return app.PupilInput{FullName: f.Get("full_name"), DateOfBirth: f.Get("date_of_birth"), Sex: f.Get("sex"), Ethnicity: f.Get("ethnicity"),
		PlaceOfBirth: f.Get("place_of_birth"), HomeTown: f.Get("home_town"), Address: f.Get("address"), FatherName: f.Get("father_name"),
		MotherName: f.Get("mother_name"), GuardianName: f.Get("guardian_name"), GuardianPhone: f.Get("guardian_phone"),
		IdentityNumber: f.Get("identity_number"), MinistryCode: f.Get("ministry_code")}
}

func pupilValues(p sdgdt.Pupil) url.Values {
	return url.Values{"full_name": {p.FullName()}, "date_of_birth": {sdgdt.FormatDate(p.DateOfBirth)}, "sex": {p.Sex}, "ethnicity": {p.Ethnicity},
		"place_of_birth": {p.PlaceOfBirth}, "home_town": {p.HomeTown}, "address": {p.Address}, "father_name": {p.FatherName},
		"mother_name": {p.MotherName}, "guardian_name": {p.GuardianName}, "guardian_phone": {p.GuardianPhone},
		"identity_number": {p.IdentityNumber}, "ministry_code": {p.MinistryCode}}
}

func (s *Server) newPupilView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	cr, err := s.app.ClassRecords(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	if !cr.CanKeep {
		return "", &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm của lớp và quản trị hệ thống của trường thêm học sinh."}
	}
	d := pupilFormData{Head: s.classHeadOf(cr, p, "list"), Mode: r.URL.Query().Get("mode")}
	if pg.retyped() {
		d.Mode = pg.Form.Get("mode")
	} else {
		pg.Form = url.Values{"ethnicity": {"Kinh"}, "from": {sdgdt.FormatDate(clampDay(s.today(), cr.Year))}, "mode": {d.Mode}}
	}
	pg.Title, pg.Active, pg.Data = "Thêm học sinh — lớp "+cr.Class.Name, "class", d
	pg.SchoolKind = cr.School.Kind
	return "records_pupil_new", nil
}

// clampDay keeps a day inside a school year.
func clampDay(t time.Time, y sdgdt.SchoolYear) time.Time {
	if !y.StartsOn.IsZero() && t.Before(y.StartsOn) {
		return y.StartsOn
	}
	if !y.EndsOn.IsZero() && t.After(y.EndsOn) {
		return y.EndsOn
	}
	return t
}

func (s *Server) newPupilSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	from := parseDay(f.Get("from"))
	if from.IsZero() {
		return "", "", sdgdt.Invalid(map[string]string{"from": "Ngày vào lớp không hợp lệ (dd/mm/yyyy)."})
	}
	if f.Get("mode") == "transfer_in" {
		_, err = s.app.TransferIn(r.Context(), p, id, pupilInput(f), from, f.Get("from_school"), f.Get("reason"))
	} else {
		_, err = s.app.EnrolNewPupil(r.Context(), p, id, pupilInput(f), from)
	}
	return classURL(id, ""), "pupil_added", err
}

// --- Pupil profile ---

type historyRow struct {
	At      time.Time
	By      string
	Action  string
	Changes []fieldChange
}

type fieldChange struct{ Label, Old, New string }

type pupilPageData struct {
	PP        app.PupilProfile
	Head      classHead
	HasClass  bool
	Status    string
	History   []historyRow
	Movements []transferRow
	Classes   []sdgdt.ClassCount
	Schools   []sdgdt.School
	CanMove   bool
	Fields    []struct{ Name, Label, Type string }
	MoveKind  string
	CanPrint  bool // the học bạ and the extract
}

var pupilLabels = map[string]string{"full_name": "Họ và tên", "date_of_birth": "Ngày sinh", "sex": "Giới tính", "ethnicity": "Dân tộc",
	"place_of_birth": "Nơi sinh", "home_town": "Quê quán", "address": "Địa chỉ", "father_name": "Họ tên cha", "mother_name": "Họ tên mẹ",
	"guardian_name": "Người giám hộ", "guardian_phone": "SĐT phụ huynh", "identity_number": "Số định danh", "ministry_code": "Mã học sinh"}

// changesOf lists what a profile change changed, field by field.
func changesOf(before, after string) []fieldChange {
	var b, a map[string]any
	json.Unmarshal([]byte(before), &b)
	json.Unmarshal([]byte(after), &a)
	if p, ok := a["pupil"].(map[string]any); ok { // pupil.create: {"pupil": {...}}
		a = p
	}
	var out []fieldChange
	for _, f := range pupilFields() {
		ov, nv := str(b[f.Name]), str(a[f.Name])
		if ov != nv && (b != nil || nv != "") {
			out = append(out, fieldChange{Label: pupilLabels[f.Name], Old: ov, New: nv})
		}
	}
	return out
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if x == "nam" || x == "nu" {
			return sdgdt.SexName(x)
		}
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (s *Server) pupilView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	pp, err := s.app.PupilProfile(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	d := pupilPageData{PP: pp, HasClass: pp.Class.ID != 0, Status: statusNames[pp.Status], Movements: transferRows(pp.Movements), Fields: pupilFields()}
	if d.Status == "" {
		d.Status = "Không còn học ở trường"
	}
	if d.HasClass {
		cr, err := s.app.ClassRecords(r.Context(), p, pp.Class.ID)
		if err != nil {
			return "", err
		}
		d.Head = s.classHeadOf(cr, p, "list")
	} else {
		d.Head = classHead{School: pp.School}
	}
	for _, h := range pp.History {
		hr := historyRow{At: h.At, By: h.By, Action: sdgdt.Action(h.Action).Name()}
		if !pp.Masked && sdgdt.Action(h.Action) == sdgdt.ActPupilUpdate {
			hr.Changes = changesOf(h.Before, h.After)
		}
		d.History = append(d.History, hr)
	}
	d.CanPrint = app.Can(p, app.ActReadSheet, app.ClassTarget(pp.School, pp.Class.ID)) || app.Can(p, app.ActPrint, app.ClassTarget(pp.School, pp.Class.ID))
	d.CanMove = pp.CanEdit && pp.Status == sdgdt.EnrolStudying
	if d.CanMove {
		sr, err := s.app.SchoolRecords(r.Context(), p, pp.School.ID, 0)
		if err != nil {
			return "", err
		}
		for _, c := range sr.Classes {
			if c.ID != pp.Class.ID {
				d.Classes = append(d.Classes, c)
			}
		}
		all, err := s.app.SchoolDirectory(r.Context(), p)
		if err != nil {
			return "", err
		}
		for _, sc := range all {
			if sc.ID != pp.School.ID {
				d.Schools = append(d.Schools, sc)
			}
		}
	}
	pg.Title, pg.Active, pg.Data = pp.Pupil.FullName(), "class", &d
	pg.SchoolKind = pp.School.Kind
	switch {
	case !pg.retyped():
		if pp.CanEdit && !pp.Masked {
			pg.Form = pupilValues(pp.Pupil)
			pg.Form.Set("on", sdgdt.FormatDate(s.today()))
		}
	case pg.Form.Get("kind") == "": // the profile form: keep what was typed
		pg.Form.Set("on", sdgdt.FormatDate(s.today()))
	default: // a movement: the profile as stored, the movement as typed
		d.MoveKind = pg.Form.Get("kind")
		f := pupilValues(pp.Pupil)
		for k, v := range pg.Form {
			f[k] = v
		}
		pg.Form = f
	}
	return "records_pupil", nil
}

func (s *Server) pupilSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	return "/pupils/" + strconv.FormatInt(id, 10), "pupil_saved", s.app.UpdatePupil(r.Context(), p, id, pupilInput(pg.Form))
}

func (s *Server) movementSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	in := app.MovementInput{PupilID: id, Kind: f.Get("kind"), On: parseDay(f.Get("on")), Reason: f.Get("reason")}
	switch in.Kind {
	case "class_move":
		in.ToClassID = formID(r, "to_class")
	case "transfer_out":
		if f.Get("dest") == "outside" {
			in.OtherSchool = f.Get("other_school")
		} else {
			in.ToSchoolID = formID(r, "to_school")
		}
	}
	if in.Kind == "" {
		f.Set("kind", "leave")
	}
	m, err := s.app.RecordMovement(r.Context(), p, in)
	if err != nil {
		return "", "", err
	}
	msg := "movement"
	if m.Status == "requested" {
		msg = "transfer_req"
	}
	if m.FromClassID != 0 && m.Status == "done" {
		return classURL(m.FromClassID, ""), msg, nil
	}
	return "/pupils/" + strconv.FormatInt(id, 10), msg, nil
}

// --- Absences of a day ---

type absenceRow struct {
	N       int
	Pupil   sdgdt.Pupil
	Sang    bool
	Chieu   bool
	Excused bool
	Reason  string
	Year    sdgdt.AbsenceCount
}

type absencesData struct {
	Head       classHead
	Day        time.Time
	DayName    string
	Prev, Next string
	Rows       []absenceRow
	Absent     int
	Sessions   int
	Future     bool
	InYear     bool
}

// weekday is the Vietnamese name of a day of the week.
func weekday(d time.Weekday) string {
	return [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}[d]
}

func (s *Server) absencesView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	cr, err := s.app.ClassRecords(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	v := r.URL.Query().Get("date")
	if pg.retyped() {
		v = pg.Form.Get("date")
	}
	day := parseDay(v)
	if day.IsZero() {
		if v != "" {
			return "", &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy."}
		}
		day = clampDay(s.today(), cr.Year)
	}
	marks, err := s.app.DayAbsences(r.Context(), p, id, day)
	if err != nil {
		return "", err
	}
	d := absencesData{Head: s.classHeadOf(cr, p, "absences"), Day: day, DayName: weekday(day.Weekday()), Future: day.After(s.today()),
		InYear: !day.Before(cr.Year.StartsOn) && !day.After(cr.Year.EndsOn)}
	prev, next := day.AddDate(0, 0, -1), day.AddDate(0, 0, 1)
	if prev.Weekday() == time.Sunday {
		prev = prev.AddDate(0, 0, -1)
	}
	if next.Weekday() == time.Sunday {
		next = next.AddDate(0, 0, 1)
	}
	d.Prev, d.Next = sdgdt.FormatDate(prev), sdgdt.FormatDate(next)
	byPupil := map[int64]*absenceRow{}
	for i, e := range cr.Roster {
		d.Rows = append(d.Rows, absenceRow{N: i + 1, Pupil: e.Pupil, Year: cr.Absences[e.Pupil.ID]})
	}
	for i := range d.Rows {
		byPupil[d.Rows[i].Pupil.ID] = &d.Rows[i]
	}
	for _, m := range marks {
		row := byPupil[m.PupilID]
		if row == nil {
			continue
		}
		if m.Session == "sang" {
			row.Sang = true
		} else {
			row.Chieu = true
		}
		row.Excused = row.Excused || m.Excused
		if m.Reason != "" {
			row.Reason = m.Reason
		}
		d.Sessions++
	}
	if pg.retyped() { // show what was typed
		d.Sessions = 0
		for i := range d.Rows {
			row := &d.Rows[i]
			k := strconv.FormatInt(row.Pupil.ID, 10)
			row.Sang, row.Chieu = pg.Form.Get("s_"+k) == "on", pg.Form.Get("c_"+k) == "on"
			row.Excused, row.Reason = pg.Form.Get("e_"+k) == "on", pg.Form.Get("r_"+k)
		}
	}
	for _, row := range d.Rows {
		if row.Sang || row.Chieu {
			d.Absent++
		}
	}
	pg.Title, pg.Active, pg.Data = "Điểm danh lớp "+cr.Class.Name, "class", d
	pg.SchoolKind = cr.School.Kind
	return "records_absences", nil
}

func (s *Server) absencesSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	day := parseDay(f.Get("date"))
	var marks []app.AbsenceMark
	var ids []int64
	for k := range f {
		if strings.HasPrefix(k, "p_") {
			if pid, err := strconv.ParseInt(k[2:], 10, 64); err == nil {
				ids = append(ids, pid)
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, pid := range ids {
		k := strconv.FormatInt(pid, 10)
		excused, reason := f.Get("e_"+k) == "on", strings.TrimSpace(f.Get("r_"+k))
		for _, sess := range []struct{ key, name string }{{"s_", "sang"}, {"c_", "chieu"}} {
			if f.Get(sess.key+k) == "on" {
				marks = append(marks, app.AbsenceMark{PupilID: pid, Session: sess.name, Excused: excused, Reason: reason})
			}
		}
	}
	err = s.app.RecordDay(r.Context(), p, id, day, marks)
	return classURL(id, "absences") + "?date=" + url.QueryEscape(sdgdt.FormatDate(day)), "absences", err
}

// --- Monthly totals ---

type totalsRow struct {
	N         int
	Pupil     sdgdt.Pupil
	Excused   string // as stored, or as typed
	Unexcused string
	Err       string
}

type monthTotalsData struct {
	Head       classHead
	Month      string
	MonthName  string
	Prev, Next string
	Rows       []totalsRow
}

func monthName(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return "tháng " + strconv.Itoa(int(t.Month())) + "/" + strconv.Itoa(t.Year())
}

func shiftMonth(m string, n int) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}

func (s *Server) monthTotalsView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	cr, err := s.app.ClassRecords(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	month := r.URL.Query().Get("m")
	if pg.retyped() {
		month = pg.Form.Get("m")
	}
	if month == "" {
		month = s.currentMonth(cr.Year)
	}
	mr, err := s.app.MonthReview(r.Context(), p, id, month)
	if err != nil {
		return "", err
	}
	d := monthTotalsData{Head: s.classHeadOf(cr, p, "totals"), Month: month, MonthName: monthName(month), Prev: shiftMonth(month, -1), Next: shiftMonth(month, 1)}
	counts := map[int64]*sdgdt.AbsenceCount{}
	for _, a := range mr.Absences {
		c := counts[a.PupilID]
		if c == nil {
			c = &sdgdt.AbsenceCount{}
			counts[a.PupilID] = c
		}
		if a.Excused {
			c.Excused++
		} else {
			c.Unexcused++
		}
	}
	for i, e := range cr.Roster {
		row := totalsRow{N: i + 1, Pupil: e.Pupil, Excused: "0", Unexcused: "0", Err: pg.Field(app.MonthTotalsField(e.Pupil.ID))}
		if c := counts[e.Pupil.ID]; c != nil {
			row.Excused, row.Unexcused = strconv.Itoa(c.Excused), strconv.Itoa(c.Unexcused)
		}
		if pg.retyped() {
			k := strconv.FormatInt(e.Pupil.ID, 10)
			row.Excused, row.Unexcused = pg.Form.Get("ex_"+k), pg.Form.Get("un_"+k)
		}
		d.Rows = append(d.Rows, row)
	}
	pg.Title, pg.Active, pg.Data = "Số buổi vắng "+d.MonthName+" — lớp "+cr.Class.Name, "class", d
	pg.SchoolKind = cr.School.Kind
	return "records_totals", nil
}

func (s *Server) monthTotalsSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	var rows []app.MonthTotalsRow
	for k := range f {
		if pid, err := strconv.ParseInt(strings.TrimPrefix(k, "ex_"), 10, 64); err == nil && strings.HasPrefix(k, "ex_") {
			ks := strconv.FormatInt(pid, 10)
			rows = append(rows, app.MonthTotalsRow{PupilID: pid, Excused: f.Get("ex_" + ks), Unexcused: f.Get("un_" + ks)})
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].PupilID < rows[j].PupilID })
	month := f.Get("m")
	err = s.app.SaveMonthTotalsForm(r.Context(), p, id, month, rows)
	return classURL(id, "absences/month") + "?m=" + url.QueryEscape(month), "totals", err
}

// --- Month review and confirmation ---

type monthPupil struct {
	Name      string
	PupilID   int64
	Excused   int
	Unexcused int
	Days      []string
}

type monthReviewData struct {
	Head       classHead
	MR         app.MonthReview
	MonthName  string
	Prev, Next string
	Pupils     []monthPupil
	Movements  []transferRow
	Excused    int
	Unexcused  int
	Started    bool
}

func (s *Server) monthView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	month := r.PathValue("month")
	cr, err := s.app.ClassRecords(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	mr, err := s.app.MonthReview(r.Context(), p, id, month)
	if err != nil {
		return "", err
	}
	d := monthReviewData{Head: s.classHeadOf(cr, p, "month"), MR: mr, MonthName: monthName(month), Prev: shiftMonth(month, -1), Next: shiftMonth(month, 1),
		Movements: transferRows(mr.Movements), Started: month <= s.today().Format("2006-01")}
	d.Head.Month = month
	byPupil := map[int64]*monthPupil{}
	var order []int64
	sort.SliceStable(mr.Absences, func(i, j int) bool { // by day, morning first
		a, b := mr.Absences[i], mr.Absences[j]
		if !a.On.Equal(b.On) {
			return a.On.Before(b.On)
		}
		return a.Session == "sang" && b.Session != "sang"
	})
	for _, a := range mr.Absences {
		mp := byPupil[a.PupilID]
		if mp == nil {
			mp = &monthPupil{Name: mr.Names[a.PupilID], PupilID: a.PupilID}
			byPupil[a.PupilID] = mp
			order = append(order, a.PupilID)
		}
		label := a.On.Format("02/01") + " " + map[string]string{"sang": "S", "chieu": "C"}[a.Session]
		if a.Excused {
			mp.Excused++
			d.Excused++
			label += " (P)"
		} else {
			mp.Unexcused++
			d.Unexcused++
			label += " (K)"
		}
		mp.Days = append(mp.Days, label)
	}
	keys := map[int64]string{}
	for _, e := range cr.Roster {
		keys[e.Pupil.ID] = e.Key
	}
	for _, e := range cr.Former {
		keys[e.Pupil.ID] = e.Key
	}
	sort.SliceStable(order, func(i, j int) bool { return keys[order[i]] < keys[order[j]] })
	for _, pid := range order {
		d.Pupils = append(d.Pupils, *byPupil[pid])
	}
	pg.Title, pg.Active, pg.Data = "Xác nhận "+d.MonthName+" — lớp "+cr.Class.Name, "class", d
	pg.SchoolKind = cr.School.Kind
	return "records_month", nil
}

func (s *Server) confirmMonthSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	month := r.PathValue("month")
	return classURL(id, "months/"+month), "confirmed", s.app.ConfirmMonth(r.Context(), p, id, month, pg.Form.Get("note"))
}
