package app

import (
	"context"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
)

// The homeroom teacher's book of a secondary class (tt22, tt43): the class's
// year evaluated afresh by the rules engine from the stored marks, conduct,
// re-tests and absences (the same input the stored results are computed from,
// see evaluator in results.go), for the class overview, the learning levels
// with their explanation, the year-end lists and the class book on screen;
// and the homeroom teacher's comments on each pupil.

// ClassTerms are the terms the homeroom pages show: the two semesters and the year.
var ClassTerms = []string{"hk1", "hk2", "year"}

// ValidClassTerm reports whether term is hk1, hk2 or year.
func ValidClassTerm(term string) bool { return term == "hk1" || term == "hk2" || term == "year" }

// ClassTermName is the Vietnamese name of hk1, hk2, year or summer.
func ClassTermName(term string) string {
	switch term {
	case "year":
		return "Cả năm"
	case "summer":
		return "Sau rèn luyện hè"
	}
	return SheetTermName(term)
}

// YearSubject is a subject of a class's curriculum with its teachers.
type YearSubject struct {
	Code           string
	Name           string
	AssessedBy     assess.AssessedBy
	PeriodsPerYear int
	RegularCount   int
	Teachers       [2]string // semester I and II teachers ("" when not assigned)
}

// Scored reports whether the subject is assessed by score.
func (s YearSubject) Scored() bool { return s.AssessedBy == assess.ByScore }

// Teacher returns the teacher of a term ("hk1", "hk2"; "year": semester II's,
// else semester I's).
func (s YearSubject) Teacher(term string) string {
	switch term {
	case "hk1":
		return s.Teachers[0]
	case "hk2":
		return s.Teachers[1]
	}
	if s.Teachers[1] != "" {
		return s.Teachers[1]
	}
	return s.Teachers[0]
}

// PupilYearView is one pupil's year in a class as the rules engine sees it.
type PupilYearView struct {
	N      int // position in the class list, from 1
	Pupil  sdgdt.Pupil
	Result assess.SecondaryResult
	// Error says why the year could not be evaluated ("" when it was); a
	// result with an Error other than skipped subjects is not shown.
	Error    string
	Valid    bool
	Subjects []assess.SubjectResult // aligned with ClassYear.Subjects; Code "" when absent
	// Missing lists, per subject (aligned) and semester, the cells not entered
	// yet ("regular[2]", "final"), pending make-ups included.
	Missing  [][2][]string
	Conduct  map[string]sdgdt.Conduct // hk1, hk2, summer
	Absent   sdgdt.AbsenceCount
	Comments map[string]string // hk1, hk2, year → homeroom comment
	// Cells holds every stored cell (exemptions included) by subject → term →
	// field, when the class book is loaded.
	Cells map[string]map[string]map[string]string
}

// Term returns the learning and conduct levels of a term (hk1, hk2, year).
func (v *PupilYearView) Term(term string) assess.TermResult {
	switch term {
	case "hk1":
		return v.Result.HK[0]
	case "hk2":
		return v.Result.HK[1]
	}
	return v.Result.Year.TermResult
}

// Mark returns the result of the i-th subject for a term: the semester
// average (or Đ/CĐ), or the year's.
func (v *PupilYearView) Mark(i int, term string) assess.Mark {
	if i < 0 || i >= len(v.Subjects) {
		return assess.Empty
	}
	s := &v.Subjects[i]
	switch term {
	case "hk1":
		return s.HK[0]
	case "hk2":
		return s.HK[1]
	}
	return s.Year
}

// NotAssessedIn reports whether the pupil is not assessed in the i-th subject
// (TT22 Điều 10-11).
func (v *PupilYearView) NotAssessedIn(i int) bool {
	return i < len(v.Subjects) && v.Subjects[i].NotAssessed
}

// MissingIn returns the cells of subject i not entered for a term (for the
// year: both semesters').
func (v *PupilYearView) MissingIn(i int, term string) []string {
	if i < 0 || i >= len(v.Missing) {
		return nil
	}
	switch term {
	case "hk1":
		return v.Missing[i][0]
	case "hk2":
		return v.Missing[i][1]
	}
	var out []string
	for t, fs := range v.Missing[i] {
		for _, f := range fs {
			out = append(out, hkCodes[t]+"."+f)
		}
	}
	return out
}

var hkCodes = [2]string{string(sdgdt.Semesters[0]), string(sdgdt.Semesters[1])}

// ClassYear is a secondary class's school year for the homeroom pages.
type ClassYear struct {
	Class    sdgdt.Class
	School   sdgdt.School
	Unit     sdgdt.Unit // the unit that manages the school
	Year     sdgdt.SchoolYear
	RuleSet  assess.RuleSet
	Subjects []YearSubject
	Pupils   []PupilYearView
	// CanConduct: the viewer rates conduct and writes the homeroom comments
	// (the class's homeroom teacher).
	CanConduct bool
	// Locks gives, per term (hk1, hk2, summer, year), why conduct and
	// comments cannot be written now ("" when they can).
	Locks map[string]string
}

// classYearOptions choose what loadClassYear reads besides the results.
type classYearOptions struct {
	cells    bool // every cell, for the class book
	comments bool // the homeroom comments
	// allow decides access instead of ActReadSheet on the class.
	allow func(tx *store.Tx, s sdgdt.School, c sdgdt.Class) error
}

// ClassYear returns a secondary class's year evaluated afresh, for whoever
// may read the class's sheets (its homeroom teacher, the school's leaders,
// board and administrators, the units above).
func (a *App) ClassYear(ctx context.Context, p *Principal, classID int64) (ClassYear, error) {
	return a.loadClassYear(ctx, p, classID, classYearOptions{comments: true})
}

// ClassBook is ClassYear with every stored cell, for the class book on
// screen: for whoever may print it (CanPrintBook), the school's office and
// the class's teachers included.
func (a *App) ClassBook(ctx context.Context, p *Principal, classID int64) (ClassYear, error) {
	return a.loadClassYear(ctx, p, classID, classYearOptions{cells: true, comments: true, allow: func(tx *store.Tx, s sdgdt.School, c sdgdt.Class) error {
		if !CanPrintBook(p, s, c.ID) {
			return forbidden()
		}
		return nil
	}})
}

func (a *App) loadClassYear(ctx context.Context, p *Principal, classID int64, opt classYearOptions) (ClassYear, error) {
	var cy ClassYear
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if cy.Class, err = tx.Class(classID); err != nil {
			return err
		}
		if cy.School, err = tx.School(cy.Class.SchoolID); err != nil {
			return err
		}
		c, s := cy.Class, cy.School
		if opt.allow != nil {
			err = opt.allow(tx, s, c)
		} else if !Can(p, ActReadSheet, ClassTarget(s, c.ID)) {
			err = forbidden()
		}
		if err != nil {
			return err
		}
		if sdgdt.SheetKindOf(c.Ruleset) != sdgdt.SheetSecondary {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Lớp " + c.Name + " là lớp tiểu học: sổ theo dõi và đánh giá theo Thông tư 22/2021 chỉ dành cho lớp THCS, THPT và GDTX."}
		}
		rs, ok := assess.Lookup(c.Ruleset)
		if !ok {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Lớp có bộ quy tắc đánh giá không hợp lệ: " + c.Ruleset + "."}
		}
		cy.RuleSet = rs
		if cy.Unit, err = tx.Unit(s.UnitID); err != nil {
			return err
		}
		if cy.Year, err = schoolYear(tx, c.SchoolYearID); err != nil {
			return err
		}
		cy.CanConduct = Can(p, ActWriteConduct, ClassTarget(s, c.ID))
		cy.Locks = map[string]string{}
		for _, term := range []string{"hk1", "hk2", "summer", "year"} {
			if err := checkClassConductWritable(tx, c, term); err != nil {
				if sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
					return err
				}
				cy.Locks[term] = sdgdt.ErrorMessage(err)
			}
		}
		return a.fillClassYear(tx, &cy, opt)
	})
	return cy, err
}

// fillClassYear reads the curriculum, teachers, pupils and their years.
func (a *App) fillClassYear(tx *store.Tx, cy *ClassYear, opt classYearOptions) error {
	c := cy.Class
	curriculum, err := tx.ClassSubjects(c.ID)
	if err != nil {
		return err
	}
	index := map[string]int{}
	for _, cs := range curriculum {
		by := assess.AssessedBy(cs.AssessedBy)
		if by != assess.ByScore && by != assess.ByComment {
			continue
		}
		index[cs.Subject] = len(cy.Subjects)
		cy.Subjects = append(cy.Subjects, YearSubject{Code: cs.Subject, Name: assess.SubjectName(cs.Subject), AssessedBy: by,
			PeriodsPerYear: cs.PeriodsPerYear, RegularCount: cy.RuleSet.RegularCount(by, cs.PeriodsPerYear)})
	}
	asg, err := tx.AssignmentsOfClass(c.ID)
	if err != nil {
		return err
	}
	for _, as := range asg {
		i, ok := index[as.Subject]
		if !ok {
			continue
		}
		switch as.Term {
		case "hk1":
			cy.Subjects[i].Teachers[0] = as.TeacherName
		case "hk2":
			cy.Subjects[i].Teachers[1] = as.TeacherName
		}
	}
	roster, err := tx.BookRoster(c.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(roster))
	for i, r := range roster {
		ids[i] = r.Pupil.ID
	}
	years, err := tx.PupilYears(c.SchoolID, c.SchoolYearID, ids)
	if err != nil {
		return err
	}
	byPupil := map[int64]*sdgdt.PupilYear{}
	for i := range years {
		byPupil[years[i].PupilID] = &years[i]
	}
	conducts, err := tx.Conducts(c.SchoolID, c.SchoolYearID, ids)
	if err != nil {
		return err
	}
	absences, err := tx.YearAbsences(c.SchoolID, c.SchoolYearID, ids)
	if err != nil {
		return err
	}
	cy.Pupils = make([]PupilYearView, len(roster))
	at := map[int64]*PupilYearView{}
	for i, r := range roster {
		v := &cy.Pupils[i]
		v.N, v.Pupil, v.Absent = i+1, r.Pupil, absences[r.Pupil.ID]
		v.Conduct, v.Comments = map[string]sdgdt.Conduct{}, map[string]string{}
		at[r.Pupil.ID] = v
		if py := byPupil[r.Pupil.ID]; py != nil {
			evaluateView(v, py, cy.Subjects, index)
		} else {
			v.Error = "Không có dữ liệu năm học của học sinh."
		}
	}
	for _, cd := range conducts {
		if v := at[cd.PupilID]; v != nil {
			v.Conduct[cd.Term] = cd
		}
	}
	if opt.comments {
		cs, err := tx.HomeroomComments(c.SchoolID, c.SchoolYearID, ids)
		if err != nil {
			return err
		}
		for _, hc := range cs {
			if v := at[hc.PupilID]; v != nil {
				v.Comments[hc.Term] = hc.Comment
			}
		}
	}
	if opt.cells && len(ids) > 0 {
		// The marks PupilYears read, and the notes it left out.
		cells, err := tx.NoteCells(c.SchoolID, c.SchoolYearID, ids)
		if err != nil {
			return err
		}
		for i := range years {
			cells = append(cells, years[i].Cells...)
		}
		for _, cell := range cells {
			v := at[cell.PupilID]
			if v == nil || cell.Value == "" {
				continue
			}
			if v.Cells == nil {
				v.Cells = map[string]map[string]map[string]string{}
			}
			bt := v.Cells[cell.Subject]
			if bt == nil {
				bt = map[string]map[string]string{}
				v.Cells[cell.Subject] = bt
			}
			if bt[cell.Term] == nil {
				bt[cell.Term] = map[string]string{}
			}
			bt[cell.Term][cell.Field] = cell.Value
		}
	}
	return nil
}

// skippedSubjects starts the message of evaluator.evaluate for subjects left
// out of the computation; the result itself is still valid.
const skippedSubjects = "Môn không có trong danh mục"

// evaluateView evaluates a pupil-year with the same input the stored results
// are computed from, and lines its subjects up with the curriculum.
func evaluateView(v *PupilYearView, py *sdgdt.PupilYear, subjects []YearSubject, index map[string]int) {
	var ev evaluator
	r := ev.evaluate(py)
	v.Result = ev.res
	v.Error = r.Error
	v.Valid = r.RulesetVersion != "" && (r.Error == "" || strings.HasPrefix(r.Error, skippedSubjects))
	v.Subjects = make([]assess.SubjectResult, len(subjects))
	v.Missing = make([][2][]string, len(subjects))
	if !v.Valid {
		return
	}
	for _, s := range v.Result.Subjects {
		if i, ok := index[s.Code]; ok {
			v.Subjects[i] = s
		}
	}
	for _, m := range v.Result.Missing {
		code, rest, ok := strings.Cut(m, ".")
		i, known := index[code]
		term, field, ok2 := strings.Cut(rest, ".")
		if !ok || !known || !ok2 {
			continue
		}
		switch term {
		case "hk1":
			v.Missing[i][0] = append(v.Missing[i][0], field)
		case "hk2":
			v.Missing[i][1] = append(v.Missing[i][1], field)
		}
	}
}

// PupilExplanation is why a pupil's levels of a term are what they are.
type PupilExplanation struct {
	Pupil    *PupilYearView
	Learning assess.Explanation
	Conduct  assess.Explanation
	// Year only: the learning after re-tests (when recomputed), promotion
	// and award.
	LearningFinal *assess.Explanation
	Promotion     *assess.Explanation
	Award         *assess.Explanation
}

// ClassExplanations returns a class's year and, for each of its pupils, the
// rules engine's explanation of the learning and conduct levels of a term
// (hk1, hk2 or year; for the year also promotion and award).
func (a *App) ClassExplanations(ctx context.Context, p *Principal, classID int64, term string) (ClassYear, []PupilExplanation, error) {
	if !ValidClassTerm(term) {
		return ClassYear{}, nil, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Kì đánh giá là hk1, hk2 hoặc year."}
	}
	cy, err := a.ClassYear(ctx, p, classID)
	if err != nil {
		return cy, nil, err
	}
	out := make([]PupilExplanation, len(cy.Pupils))
	for i := range cy.Pupils {
		out[i] = ExplainPupil(&cy.Pupils[i], term)
	}
	return cy, out, nil
}

// ExplainPupil explains a pupil's levels of a term (hk1, hk2, year).
func ExplainPupil(v *PupilYearView, term string) PupilExplanation {
	pe := PupilExplanation{Pupil: v}
	if !v.Valid {
		return pe
	}
	e := v.Result.Explain()
	switch term {
	case "hk1":
		pe.Learning, pe.Conduct = e.HK[0], e.Conduct[0]
	case "hk2":
		pe.Learning, pe.Conduct = e.HK[1], e.Conduct[1]
	default:
		pe.Learning, pe.Conduct = e.Year, e.Conduct[2]
		pe.LearningFinal, pe.Promotion, pe.Award = e.YearFinal, &e.Promotion, &e.Award
	}
	return pe
}

// ListEntry is a pupil on a year-end list.
type ListEntry struct {
	Pupil    *PupilYearView
	Subjects []string // re-test subjects (codes)
	Note     string
}

// YearLists are the lists the homeroom teacher prepares at the end of the
// year (Điều 12-15): promoted (or having completed the programme in grades
// 9 and 12), to re-test, to train in summer, retained, and awards.
type YearLists struct {
	Promoted  []ListEntry
	Retest    []ListEntry // every pupil with re-test subjects, re-tested or not yet
	Summer    []ListEntry // every pupil whose year conduct is Chưa đạt
	Retained  []ListEntry
	Excellent []ListEntry // Học sinh Xuất sắc
	Good      []ListEntry // Học sinh Giỏi
	Pending   []ListEntry // not decidable yet: data missing
}

// Lists builds the year-end lists of a class from its evaluated year.
func Lists(cy *ClassYear) YearLists {
	var l YearLists
	for i := range cy.Pupils {
		v := &cy.Pupils[i]
		y := &v.Result.Year
		if !v.Valid {
			l.Pending = append(l.Pending, ListEntry{Pupil: v, Note: v.Error})
			continue
		}
		if len(y.RetestSubjects) > 0 {
			note := "Chờ kết quả kiểm tra lại"
			switch y.Promotion {
			case assess.Promoted:
				note = "Đạt sau kiểm tra lại: " + y.LearningFinal.String()
			case assess.Retained:
				note = "Sau kiểm tra lại vẫn " + y.LearningFinal.String()
			}
			l.Retest = append(l.Retest, ListEntry{Pupil: v, Subjects: y.RetestSubjects, Note: note})
		}
		if y.Conduct == assess.LevelCD {
			note := "Chờ đánh giá lại sau rèn luyện hè"
			if s := v.Conduct["summer"].Level; s != "" && y.ConductFinal != assess.LevelNone {
				note = "Đánh giá lại: " + y.ConductFinal.String()
			}
			l.Summer = append(l.Summer, ListEntry{Pupil: v, Note: note})
		}
		switch y.Promotion {
		case assess.Promoted:
			var notes []string
			if len(y.RetestSubjects) > 0 {
				notes = append(notes, "sau kiểm tra lại")
			}
			if y.Conduct == assess.LevelCD {
				notes = append(notes, "sau rèn luyện hè")
			}
			note := ""
			if len(notes) > 0 {
				note = "Lên lớp " + strings.Join(notes, " và ")
			}
			l.Promoted = append(l.Promoted, ListEntry{Pupil: v, Note: note})
		case assess.Retained:
			l.Retained = append(l.Retained, ListEntry{Pupil: v, Note: retainedReason(cy.RuleSet, v)})
		case assess.PromotionNone:
			l.Pending = append(l.Pending, ListEntry{Pupil: v, Note: pendingReason(v)})
		}
		switch y.Award {
		case assess.AwardExcellent:
			l.Excellent = append(l.Excellent, ListEntry{Pupil: v})
		case assess.AwardGood:
			l.Good = append(l.Good, ListEntry{Pupil: v})
		}
	}
	return l
}

func retainedReason(rs assess.RuleSet, v *PupilYearView) string {
	y := &v.Result.Year
	switch {
	case v.Result.AbsentSessions > rs.MaxAbsences:
		return "Nghỉ " + strconv.Itoa(v.Result.AbsentSessions) + " buổi (quá " + strconv.Itoa(rs.MaxAbsences) + " buổi)"
	case y.ConductFinal == assess.LevelCD:
		return "Rèn luyện sau hè vẫn Chưa đạt"
	case len(y.RetestSubjects) > 0:
		return "Học tập sau kiểm tra lại vẫn Chưa đạt"
	}
	return "Học tập cả năm Chưa đạt, không có môn để kiểm tra lại"
}

func pendingReason(v *PupilYearView) string {
	n := len(v.Result.Missing)
	if n == 0 {
		return "Chưa đủ kết quả"
	}
	return "Còn thiếu " + strconv.Itoa(n) + " ô điểm hoặc đánh giá"
}

// RetestView is the re-test entry page of a class: its pupils who have re-test
// subjects, and which subjects the viewer may enter.
type RetestView struct {
	ClassYear
	Entries  []ListEntry
	Editable map[string]bool // subject codes the viewer may enter
	All      bool            // the viewer is the homeroom teacher (every subject)
	Values   map[int64]map[string]string
}

// ClassRetests returns the pupils of a class to re-test with their stored
// re-test results: for the homeroom teacher and those who read the class's
// sheets every subject, for a subject teacher of the class his subjects only.
func (a *App) ClassRetests(ctx context.Context, p *Principal, classID int64) (RetestView, error) {
	var rv RetestView
	var readAll bool
	allow := func(tx *store.Tx, s sdgdt.School, c sdgdt.Class) error {
		var err error
		rv.All, rv.Editable, err = retestRights(tx, p, s, c)
		if err != nil {
			return err
		}
		readAll = rv.All || Can(p, ActReadSheet, ClassTarget(s, c.ID))
		if !readAll && len(rv.Editable) == 0 {
			return forbidden()
		}
		return nil
	}
	cy, err := a.loadClassYear(ctx, p, classID, classYearOptions{allow: allow})
	if err != nil {
		return rv, err
	}
	rv.ClassYear = cy
	var ids []int64
	for i := range cy.Pupils {
		v := &rv.ClassYear.Pupils[i]
		var subs []string
		for _, code := range v.Result.Year.RetestSubjects {
			if readAll || rv.Editable[code] {
				subs = append(subs, code)
			}
		}
		if len(subs) > 0 {
			rv.Entries = append(rv.Entries, ListEntry{Pupil: v, Subjects: subs})
			ids = append(ids, v.Pupil.ID)
		}
	}
	rv.Values = map[int64]map[string]string{}
	err = a.DB.View(ctx, func(tx *store.Tx) error {
		rs, err := tx.Retests(cy.Class.SchoolID, cy.Class.SchoolYearID, ids)
		for _, r := range rs {
			if rv.Values[r.PupilID] == nil {
				rv.Values[r.PupilID] = map[string]string{}
			}
			rv.Values[r.PupilID][r.Subject] = r.Value
		}
		return err
	})
	if !readAll { // a subject teacher sees nothing else of the class
		rv.Locks, rv.CanConduct = map[string]string{"hk2": rv.Locks["hk2"]}, false
	}
	return rv, err
}

// retestRights returns whether p enters re-test results of every subject of a
// class (its homeroom teacher, who keeps the re-test list) and otherwise the
// subjects p teaches in the class (a semester I or II assignment).
func retestRights(tx *store.Tx, p *Principal, s sdgdt.School, c sdgdt.Class) (bool, map[string]bool, error) {
	t := ClassTarget(s, c.ID)
	mine := map[string]bool{}
	if Can(p, ActWriteConduct, t) {
		return true, mine, nil
	}
	asg, err := tx.AssignmentsOfClass(c.ID)
	if err != nil {
		return false, nil, err
	}
	for _, as := range asg {
		at := t
		at.AssignmentID = as.ID
		if Can(p, ActWriteSheet, at) {
			mine[as.Subject] = true
		}
	}
	return false, mine, nil
}

// HomeroomCommentEntry is the homeroom teacher's comment on a pupil for a term
// (hk1, hk2, year); "" clears it.
type HomeroomCommentEntry struct {
	PupilID int64
	Term    string
	Comment string
}

// maxHomeroomComment bounds a homeroom comment, in characters.
const maxHomeroomComment = 1000

// SetHomeroomComments stores the homeroom teacher's comments on pupils of his
// class: all or none, only those that changed, with one audit entry holding
// the texts before and after.
func (a *App) SetHomeroomComments(ctx context.Context, p *Principal, classID int64, entries []HomeroomCommentEntry) error {
	if len(entries) > MaxSheetChanges {
		return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Quá nhiều thay đổi trong một yêu cầu."}
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActWriteConduct, ClassTarget(s, c.ID)) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm lớp " + c.Name + " ghi nhận xét của giáo viên chủ nhiệm."}
		}
		ids, err := tx.StudyingPupils(c.ID)
		if err != nil {
			return err
		}
		on := map[int64]bool{}
		for _, id := range ids {
			on[id] = true
		}
		current, err := tx.HomeroomComments(c.SchoolID, c.SchoolYearID, ids)
		if err != nil {
			return err
		}
		old := map[string]string{}
		for _, hc := range current {
			old[strconv.FormatInt(hc.PupilID, 10)+"."+hc.Term] = hc.Comment
		}
		fields := map[string]string{}
		terms := map[string]bool{}
		var clean []HomeroomCommentEntry
		for _, e := range entries {
			key := strconv.FormatInt(e.PupilID, 10) + "." + e.Term
			if !on[e.PupilID] {
				fields[key] = "Học sinh không có trong danh sách lớp " + c.Name + "."
				continue
			}
			if !ValidClassTerm(e.Term) {
				fields[key] = "Kì nhận xét là hk1, hk2 hoặc year (cả năm)."
				continue
			}
			text, msg := sheetText(e.Comment, maxHomeroomComment)
			if msg != "" {
				fields[key] = msg
				continue
			}
			if text != old[key] {
				clean = append(clean, HomeroomCommentEntry{e.PupilID, e.Term, text})
				terms[e.Term] = true
			}
		}
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		if len(clean) == 0 {
			return nil
		}
		for _, term := range ClassTerms {
			if terms[term] {
				if err := checkClassConductWritable(tx, c, term); err != nil {
					return err
				}
			}
		}
		before, after := map[string]string{}, map[string]string{}
		for _, e := range clean {
			key := strconv.FormatInt(e.PupilID, 10) + "." + e.Term
			before[key], after[key] = old[key], e.Comment
			if err := tx.SetHomeroomComment(sdgdt.HomeroomComment{SchoolID: c.SchoolID, SchoolYearID: c.SchoolYearID, PupilID: e.PupilID,
				Term: e.Term, ClassID: c.ID, Comment: e.Comment, ChangedBy: p.User.ID}); err != nil {
				return err
			}
		}
		var changed []string
		for _, term := range ClassTerms {
			if terms[term] {
				changed = append(changed, term)
			}
		}
		if err := a.voidChanged(tx, p, s.ID, c.ID, changed, VoidEdit); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActHomeroomComment, "class", idStr(c.ID), s.ID, s.UnitPath,
			map[string]any{"comments": before}, map[string]any{"class": c.Name, "comments": after})
	})
}
