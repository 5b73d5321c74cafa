package web

// The homeroom teacher's pages of a secondary class: the overview of marks,
// the learning and conduct levels with their explanation, conduct entry, the
// homeroom comments, re-test entry and the year-end lists. Every page reads
// the class's year evaluated afresh by the rules engine (app.ClassYear).

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/viet"
)

// levelClass is the tag style of a level: T ok, K brand, D neutral, CD bad.
func levelClass(l assess.Level) string {
	switch l {
	case assess.LevelT:
		return "lv-t"
	case assess.LevelK:
		return "lv-k"
	case assess.LevelD:
		return "lv-d"
	case assess.LevelCD:
		return "lv-cd"
	}
	return "lv-none"
}

// readsBook reports whether the data given to the class tabs (a classHead,
// or a page's own type without the field) says that the viewer reads the
// class's assessment book, for the tabs of the book's pages.
func readsBook(data any) bool {
	switch v := data.(type) {
	case classHead:
		return v.Book
	case hrHead:
		return v.Book
	}
	return false
}

// termLower is the name of a term inside a sentence: "học kì II", "cả năm".
func termLower(term string) string {
	return viet.LowerFirst(app.ClassTermName(term))
}

// avgText shows an average the book's way, always with one decimal ("8,0"),
// or Đ/CĐ.
func avgText(m assess.Mark) string {
	if m.Kind == assess.MarkScore {
		return strconv.Itoa(int(m.Score)/10) + "," + strconv.Itoa(int(m.Score)%10)
	}
	return m.String()
}

// subjectShort are column headings where a table holds every subject.
var subjectShort = map[string]string{
	"ngu_van": "Văn", "toan": "Toán", "ngoai_ngu_1": "NN1", "gdcd": "GDCD", "lich_su_dia_li": "LS-ĐL", "khtn": "KHTN",
	"cong_nghe": "CN", "tin_hoc": "Tin", "lich_su": "Sử", "dia_li": "Địa", "gdktpl": "KT-PL", "vat_li": "Lí", "hoa_hoc": "Hoá",
	"sinh_hoc": "Sinh", "gdqp_an": "QP-AN", "gdtc": "GDTC", "nghe_thuat": "NT", "am_nhac": "ÂN", "mi_thuat": "MT",
	"hdtn_hn": "HĐTN", "gddp": "GDĐP",
}

func shortName(code string) string {
	if s, ok := subjectShort[code]; ok {
		return s
	}
	return assess.SubjectName(code)
}

// hrHead is the heading of the homeroom pages: the class tabs and the term.
type hrHead struct {
	classHead
	Term  string // hk1, hk2, year (summer on the conduct page)
	Terms []hrTerm
	Base  string // the page's path, for the term links
}

type hrTerm struct {
	Code, Name string
}

func (s *Server) hrHeadOf(cy *app.ClassYear, p *app.Principal, active, term string, terms ...string) hrHead {
	t := app.ClassTarget(cy.School, cy.Class.ID)
	h := hrHead{classHead: classHead{Class: cy.Class, School: cy.School, Year: cy.Year, Active: active, CanKeep: app.Can(p, app.ActKeepClassRecords, t),
		CanManage: app.Can(p, app.ActManageSchool, app.SchoolTarget(cy.School)), Month: s.currentMonth(cy.Year),
		Book: app.Can(p, app.ActReadSheet, t), Print: app.CanPrintBook(p, cy.School, cy.Class.ID)},
		Term: term, Base: classURL(cy.Class.ID, active)}
	for _, c := range terms {
		h.Terms = append(h.Terms, hrTerm{c, app.ClassTermName(c)})
	}
	return h
}

// defaultTerm is the term a page opens on: the year once the year-end
// assessment date has passed, semester II once it started, else semester I.
func (s *Server) defaultTerm(y sdgdt.SchoolYear) string {
	now := s.app.Now()
	switch {
	case !y.CNOn.IsZero() && !now.Before(y.CNOn):
		return "year"
	case !y.HK2Starts.IsZero() && !now.Before(y.HK2Starts):
		return "hk2"
	}
	return "hk1"
}

func (s *Server) termOf(r *http.Request, y sdgdt.SchoolYear) string {
	if t := r.URL.Query().Get("term"); app.ValidClassTerm(t) {
		return t
	}
	return s.defaultTerm(y)
}

// --- Overview: pupils × subjects ---

type ovSubject struct {
	app.YearSubject
	Short   string
	Teacher string
	Missing int // cells not entered
	Pupils  int // pupils with a cell not entered
}

type ovCell struct {
	Text    string
	Missing bool
	Low     bool // a scored average below 5,0, or Chưa đạt
	Title   string
}

type ovRow struct {
	V        *app.PupilYearView
	Cells    []ovCell
	Learning assess.Level
	Adjusted string
	Conduct  assess.Level
}

type overviewData struct {
	Head     hrHead
	Subjects []ovSubject
	Rows     []ovRow
	Missing  int // cells not entered, all subjects
	Complete int // pupils whose learning level is computed
}

func (s *Server) homeroomOverview(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	cy, err := s.classYear(r, p)
	if err != nil {
		return err
	}
	term := s.termOf(r, cy.Year)
	d := overviewData{Head: s.hrHeadOf(&cy, p, "overview", term, app.ClassTerms...)}
	for _, sub := range cy.Subjects {
		d.Subjects = append(d.Subjects, ovSubject{YearSubject: sub, Short: shortName(sub.Code), Teacher: sub.Teacher(term)})
	}
	for i := range cy.Pupils {
		v := &cy.Pupils[i]
		tr := v.Term(term)
		row := ovRow{V: v, Learning: tr.Learning, Conduct: tr.Conduct}
		if tr.AdjustedFor != "" {
			row.Adjusted = assess.SubjectName(tr.AdjustedFor)
		}
		if row.Learning != assess.LevelNone {
			d.Complete++
		}
		for j := range cy.Subjects {
			if v.NotAssessedIn(j) {
				row.Cells = append(row.Cells, ovCell{Text: "KĐG"})
				continue
			}
			m := v.Mark(j, term)
			c := ovCell{Text: avgText(m), Low: m.Kind == assess.MarkFail || (m.Kind == assess.MarkScore && m.Score < cy.RuleSet.RetestBelow)}
			if miss := v.MissingIn(j, term); len(miss) > 0 || !m.Known() {
				c.Missing, c.Text = true, "thiếu"
				d.Subjects[j].Missing += len(miss)
				d.Subjects[j].Pupils++
				d.Missing += len(miss)
				who := d.Subjects[j].Teacher
				if who == "" {
					who = "chưa phân công giáo viên"
				}
				labels := make([]string, len(miss))
				for k, f := range miss {
					labels[k] = missingLabel(f)
				}
				c.Title = "Chưa nhập " + strings.Join(labels, ", ") + " — " + who
			}
			row.Cells = append(row.Cells, c)
		}
		d.Rows = append(d.Rows, row)
	}
	return s.render(w, r, http.StatusOK, "homeroom_overview", &Page{Title: "Tổng hợp điểm lớp " + cy.Class.Name, Active: "class", Data: d})
}

// missingLabel names a missing cell: "ĐĐGtx3", "HK II ĐĐGck".
func missingLabel(f string) string {
	prefix := ""
	if t, rest, ok := strings.Cut(f, "."); ok && (t == "hk1" || t == "hk2") {
		prefix, f = map[string]string{"hk1": "HK I ", "hk2": "HK II "}[t], rest
	}
	return prefix + app.FieldLabel(f)
}

// classYear loads the class of the request's {id}.
// classCorrectionURL is the form asking to correct a class's locked homeroom
// data of a term; the summer re-assessment belongs to the year.
func classCorrectionURL(classID int64, term string) string {
	if term == "summer" {
		term = "year"
	}
	return classURL(classID, "corrections/new") + "?term=" + term
}

func (s *Server) classYear(r *http.Request, p *app.Principal) (app.ClassYear, error) {
	id, err := pathID(r)
	if err != nil {
		return app.ClassYear{}, err
	}
	return s.app.ClassYear(r.Context(), p, id)
}

// --- Results: levels and "vì sao" ---

type condView struct {
	Text     string
	Met      bool
	Failing  bool
	Subjects string
}

type checkView struct {
	Name       string
	Met        bool
	Chosen     bool
	Conditions []condView
}

type explainView struct {
	Title  string
	Result string
	Checks []checkView
	Notes  []string
}

// explainOf turns an explanation into its view, naming each subject with its
// result (value gives it by code).
func explainOf(e assess.Explanation, value func(code string) string) explainView {
	ev := explainView{Title: e.Title, Result: e.Result, Notes: e.Notes}
	chosen := false
	for _, c := range e.Checks {
		cv := checkView{Name: c.Name, Met: c.Met}
		if c.Met && !chosen && c.Name == e.Result {
			cv.Chosen, chosen = true, true
		}
		for _, cd := range c.Conditions {
			parts := make([]string, len(cd.Subjects))
			for i, code := range cd.Subjects {
				parts[i] = assess.SubjectName(code)
				if v := value(code); v != "" {
					parts[i] += " " + v
				}
			}
			cv.Conditions = append(cv.Conditions, condView{Text: cd.Text, Met: cd.Met, Failing: cd.Failing, Subjects: strings.Join(parts, "; ")})
		}
		ev.Checks = append(ev.Checks, cv)
	}
	return ev
}

type resultRow struct {
	V                *app.PupilYearView
	Learning         assess.Level
	LearningComputed assess.Level
	Adjusted         string
	Conduct          assess.Level
	Explain          []explainView
	// Year only.
	Promotion     string
	PromotionCode string
	Award         string
	Retests       []string // "Toán 4,2 → 5,5"
	LearningFinal assess.Level
	ConductFinal  assess.Level
	Final         bool // a level changed after re-tests or summer training
}

type levelCount struct {
	Level assess.Level
	Name  string
	N     int
}

type resultsData struct {
	Head     hrHead
	Year     bool
	Rows     []resultRow
	Learning []levelCount
	Conduct  []levelCount
	Lists    app.YearLists
	Awards   bool
}

func countLevels(rows []resultRow, of func(*resultRow) assess.Level) []levelCount {
	out := []levelCount{{assess.LevelT, "Tốt", 0}, {assess.LevelK, "Khá", 0}, {assess.LevelD, "Đạt", 0}, {assess.LevelCD, "Chưa đạt", 0}, {assess.LevelNone, "Chưa tính được", 0}}
	for i := range rows {
		l := of(&rows[i])
		for k := range out {
			if out[k].Level == l {
				out[k].N++
			}
		}
	}
	return out
}

func (s *Server) homeroomResults(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	term := r.URL.Query().Get("term")
	cy, err := s.app.ClassYear(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !app.ValidClassTerm(term) {
		term = s.defaultTerm(cy.Year)
	}
	d := resultsData{Head: s.hrHeadOf(&cy, p, "results", term, app.ClassTerms...), Year: term == "year", Awards: cy.RuleSet.Awards}
	index := map[string]int{}
	for i, sub := range cy.Subjects {
		index[sub.Code] = i
	}
	for i := range cy.Pupils {
		v := &cy.Pupils[i]
		pe := app.ExplainPupil(v, term)
		tr := v.Term(term)
		row := resultRow{V: v, Learning: tr.Learning, LearningComputed: tr.LearningComputed, Conduct: tr.Conduct}
		if tr.AdjustedFor != "" {
			row.Adjusted = assess.SubjectName(tr.AdjustedFor)
		}
		at := func(final bool) func(string) string {
			return func(code string) string {
				j, ok := index[code]
				if !ok {
					return ""
				}
				if final {
					return avgText(v.Subjects[j].YearFinal)
				}
				return avgText(v.Mark(j, term))
			}
		}
		if v.Valid {
			row.Explain = append(row.Explain, explainOf(pe.Learning, at(false)))
			if pe.LearningFinal != nil {
				row.Explain = append(row.Explain, explainOf(*pe.LearningFinal, at(true)))
			}
			row.Explain = append(row.Explain, explainOf(pe.Conduct, at(false)))
			if pe.Promotion != nil {
				row.Explain = append(row.Explain, explainOf(*pe.Promotion, at(false)))
			}
			if pe.Award != nil && cy.RuleSet.Awards {
				row.Explain = append(row.Explain, explainOf(*pe.Award, at(false)))
			}
		}
		if d.Year {
			y := &v.Result.Year
			row.Promotion, row.PromotionCode, row.Award = assess.PromotionName(y.Promotion, cy.Class.Grade), string(y.Promotion), assess.AwardName(y.Award)
			row.LearningFinal, row.ConductFinal = y.LearningFinal, y.ConductFinal
			row.Final = y.LearningFinal != y.Learning || y.ConductFinal != y.Conduct
			for _, code := range y.RetestSubjects {
				j := index[code]
				t := assess.SubjectName(code) + " " + avgText(v.Subjects[j].Year)
				if rt := v.Subjects[j].Retest; rt.Known() {
					t += " → " + avgText(rt)
				}
				row.Retests = append(row.Retests, t)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	d.Learning = countLevels(d.Rows, func(r *resultRow) assess.Level { return r.Learning })
	d.Conduct = countLevels(d.Rows, func(r *resultRow) assess.Level { return r.Conduct })
	if d.Year {
		d.Lists = app.Lists(&cy)
	}
	return s.render(w, r, http.StatusOK, "homeroom_results", &Page{Title: "Kết quả học tập, rèn luyện lớp " + cy.Class.Name, Active: "class", Data: d})
}

// --- Conduct entry ---

type conductRow struct {
	V       *app.PupilYearView
	Level   string // the term's level (code), as stored or typed
	Comment string
	HK1     string // semester I's level, shown beside semester II
	HK2     string
	Year    assess.Level // from the table of Điều 8, with the typed values
	Needs   bool         // summer: the pupil's year conduct is Chưa đạt
	Err     string
}

type conductData struct {
	Head       hrHead
	CorrectURL string // the correction form, when the data is locked and the viewer may ask
	Rows       []conductRow
	Editable   bool
	Lock       string
	Levels     []hrTerm
	Summer     int // pupils who need a summer re-assessment
}

// conductLevels are the choices of a conduct rating.
func conductLevels() []hrTerm {
	return []hrTerm{{"T", "Tốt"}, {"K", "Khá"}, {"D", "Đạt"}, {"CD", "Chưa đạt"}}
}

// conductTermOf is the term of the conduct page: the posted one when the form
// is shown again, else ?term=, else the current semester.
func (s *Server) conductTermOf(r *http.Request, pg *Page, y sdgdt.SchoolYear) string {
	t := r.URL.Query().Get("term")
	if pg.retyped() {
		t = pg.Form.Get("term")
	}
	switch sdgdt.Term(t) {
	case sdgdt.TermHK1, sdgdt.TermHK2, sdgdt.TermSummer:
		return t
	}
	if d := s.defaultTerm(y); d != string(sdgdt.TermYear) {
		return d
	}
	return string(sdgdt.TermHK2)
}

func (s *Server) conductView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	cy, err := s.classYear(r, p)
	if err != nil {
		return "", err
	}
	term := s.conductTermOf(r, pg, cy.Year)
	d := conductData{Head: s.hrHeadOf(&cy, p, "conduct", term, "hk1", "hk2", "summer"), Levels: conductLevels(), Lock: cy.Locks[term]}
	d.Editable = cy.CanConduct && d.Lock == ""
	if cy.CanConduct && d.Lock != "" {
		d.CorrectURL = classCorrectionURL(cy.Class.ID, term)
	}
	for i := range cy.Pupils {
		v := &cy.Pupils[i]
		id := strconv.FormatInt(v.Pupil.ID, 10)
		row := conductRow{V: v, HK1: v.Conduct["hk1"].Level, HK2: v.Conduct["hk2"].Level}
		cur := v.Conduct[term]
		row.Level, row.Comment = cur.Level, cur.Comment
		if _, ok := pg.Form["level_"+id]; ok && pg.retyped() {
			row.Level, row.Comment = pg.Form.Get("level_"+id), pg.Form.Get("comment_"+id)
		}
		hk1, hk2 := row.HK1, row.HK2
		switch term {
		case "hk1":
			hk1 = row.Level
		case "hk2":
			hk2 = row.Level
		}
		l1, _ := assess.ParseLevel(hk1)
		l2, _ := assess.ParseLevel(hk2)
		row.Year = assess.YearConduct(l1, l2)
		row.Needs = row.Year == assess.LevelCD
		if row.Needs {
			d.Summer++
		}
		row.Err = pg.Field(id + "." + term)
		d.Rows = append(d.Rows, row)
	}
	pg.Title, pg.Active, pg.Data = "Rèn luyện lớp "+cy.Class.Name, "class", d
	return "homeroom_conduct", nil
}

func (s *Server) conductSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	in := app.ConductForm{ClassID: id, Term: f.Get("term")}
	for _, raw := range f["pupil"] {
		if pid, err := strconv.ParseInt(raw, 10, 64); err == nil {
			in.Rows = append(in.Rows, app.ConductEntry{PupilID: pid, Level: f.Get("level_" + raw), Comment: f.Get("comment_" + raw)})
		}
	}
	err = s.app.SaveConductForm(r.Context(), p, in)
	return classURL(id, "conduct") + "?term=" + url.QueryEscape(in.Term), "saved", err
}

// --- Homeroom comments ---

type commentRow struct {
	V        *app.PupilYearView
	Learning assess.Level
	Conduct  assess.Level
	Comment  string
	Err      string
}

type commentsData struct {
	Head       hrHead
	CorrectURL string // the correction form, when the data is locked and the viewer may ask
	Rows       []commentRow
	Editable   bool
	Lock       string
}

func (s *Server) commentsView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	cy, err := s.classYear(r, p)
	if err != nil {
		return "", err
	}
	term := s.termOf(r, cy.Year)
	if t := pg.Form.Get("term"); pg.retyped() && app.ValidClassTerm(t) {
		term = t
	}
	d := commentsData{Head: s.hrHeadOf(&cy, p, "comments", term, app.ClassTerms...), Lock: cy.Locks[term]}
	d.Editable = cy.CanConduct && d.Lock == ""
	if cy.CanConduct && d.Lock != "" {
		d.CorrectURL = classCorrectionURL(cy.Class.ID, term)
	}
	for i := range cy.Pupils {
		v := &cy.Pupils[i]
		id := strconv.FormatInt(v.Pupil.ID, 10)
		tr := v.Term(term)
		row := commentRow{V: v, Learning: tr.Learning, Conduct: tr.Conduct, Comment: v.Comments[term]}
		if term == "year" {
			row.Learning, row.Conduct = v.Result.Year.LearningFinal, v.Result.Year.ConductFinal
		}
		if t, ok := pg.Form["comment_"+id]; ok && len(t) > 0 {
			row.Comment = t[0]
		}
		row.Err = pg.Field(id + "." + term)
		d.Rows = append(d.Rows, row)
	}
	pg.Title, pg.Active, pg.Data = "Nhận xét của giáo viên chủ nhiệm lớp "+cy.Class.Name, "class", d
	return "homeroom_comments", nil
}

func (s *Server) commentsSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	in := app.CommentsForm{ClassID: id, Term: f.Get("term")}
	for _, raw := range f["pupil"] {
		if pid, err := strconv.ParseInt(raw, 10, 64); err == nil {
			in.Rows = append(in.Rows, app.HomeroomCommentEntry{PupilID: pid, Comment: f.Get("comment_" + raw)})
		}
	}
	err = s.app.SaveCommentsForm(r.Context(), p, in)
	return classURL(id, "comments") + "?term=" + url.QueryEscape(in.Term), "saved", err
}

// --- Re-tests ---

type retestCell struct {
	Code     string
	Name     string
	Year     string // ĐTBmcn or Đ/CĐ before the re-test
	Value    string // stored or typed
	Editable bool
	Scored   bool
	Err      string
}

type retestRow struct {
	V         *app.PupilYearView
	Cells     []retestCell
	Outcome   string
	Code      string
	Final     assess.Level
	Completed bool
}

type retestsData struct {
	Head       hrHead
	CorrectURL string // the correction form, when the data is locked and the viewer may ask
	Rows       []retestRow
	Editable   bool
	Lock       string
	All        bool
	Mine       []string
}

func (s *Server) retestsView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	rv, err := s.app.ClassRetests(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	cy := &rv.ClassYear
	d := retestsData{Head: s.hrHeadOf(cy, p, "retests", "year"), Lock: cy.Locks["hk2"], All: rv.All}
	for code := range rv.Editable {
		d.Mine = append(d.Mine, assess.SubjectName(code))
	}
	if d.Lock != "" && (rv.All || len(rv.Editable) > 0) {
		d.CorrectURL = classCorrectionURL(cy.Class.ID, "year")
	}
	index := map[string]int{}
	for i, sub := range cy.Subjects {
		index[sub.Code] = i
	}
	for _, e := range rv.Entries {
		v := e.Pupil
		y := &v.Result.Year
		row := retestRow{V: v, Outcome: assess.PromotionName(y.Promotion, cy.Class.Grade), Code: string(y.Promotion), Final: y.LearningFinal,
			Completed: y.Promotion == assess.Promoted || y.Promotion == assess.Retained}
		for _, code := range e.Subjects {
			j := index[code]
			pid := strconv.FormatInt(v.Pupil.ID, 10)
			c := retestCell{Code: code, Name: assess.SubjectName(code), Year: avgText(v.Subjects[j].Year), Value: app.MarkText("", rv.Values[v.Pupil.ID][code]),
				Editable: (rv.All || rv.Editable[code]) && d.Lock == "", Scored: cy.Subjects[j].Scored(), Err: pg.Field(pid + "." + code)}
			if t, ok := pg.Form["retest_"+pid+"_"+code]; ok && len(t) > 0 {
				c.Value = t[0]
			}
			d.Editable = d.Editable || c.Editable
			row.Cells = append(row.Cells, c)
		}
		d.Rows = append(d.Rows, row)
	}
	pg.Title, pg.Active, pg.Data = "Kiểm tra lại lớp "+cy.Class.Name, "class", d
	return "homeroom_retests", nil
}

func (s *Server) retestsSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	var entries []app.RetestEntry
	for name, vals := range pg.Form {
		rest, ok := strings.CutPrefix(name, "retest_")
		if !ok || len(vals) == 0 {
			continue
		}
		ps, code, ok := strings.Cut(rest, "_")
		pid, err := strconv.ParseInt(ps, 10, 64)
		if !ok || err != nil {
			continue
		}
		entries = append(entries, app.RetestEntry{PupilID: pid, Subject: code, Value: vals[0]})
	}
	return classURL(id, "retests"), "saved", s.app.SaveRetestsForm(r.Context(), p, id, entries)
}

// --- Subjects pupils are not assessed in (TT22 Điều 10-11) ---

type notAssessedData struct {
	Head hrHead
	app.ClassNotAssessed
}

func (s *Server) notAssessedView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	cy, err := s.classYear(r, p)
	if err != nil {
		return "", err
	}
	na, err := s.app.NotAssessedOfClass(r.Context(), p, cy.Class.ID)
	if err != nil {
		return "", err
	}
	pg.Title, pg.Active = "Không đánh giá môn học — lớp "+cy.Class.Name, "class"
	pg.Data = notAssessedData{Head: s.hrHeadOf(&cy, p, "results", ""), ClassNotAssessed: na}
	return "homeroom_not_assessed", nil
}

func (s *Server) notAssessedSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	on := f.Get("action") != "withdraw"
	err = s.app.SetNotAssessed(r.Context(), p, id, formID(r, "pupil_id"), f.Get("subject"), on, f.Get("reason"))
	return classURL(id, "not-assessed"), "saved", err
}

// apiNotAssessed lists a class's decisions (GET) or records or withdraws one
// (POST {"pupil_id", "subject", "not_assessed", "reason"}).
func (s *Server) apiNotAssessed(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		return err
	}
	if r.Method == http.MethodPost {
		var req struct {
			PupilID     flexID `json:"pupil_id"`
			Subject     string `json:"subject"`
			NotAssessed bool   `json:"not_assessed"`
			Reason      string `json:"reason"`
		}
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
		if err := s.app.SetNotAssessed(r.Context(), p, id, int64(req.PupilID), req.Subject, req.NotAssessed, req.Reason); err != nil {
			return err
		}
	}
	na, err := s.app.NotAssessedOfClass(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, n := range na.Decisions {
		out = append(out, map[string]any{"pupil_id": id64(n.PupilID), "full_name": na.PupilName(n.PupilID), "subject": n.Subject,
			"reason": n.Reason, "decided_by": n.DeciderName, "decided_at": n.DecidedAt.UTC().Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
