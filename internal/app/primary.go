package app

import (
	"sdgdt"
	"strconv"
	"strings"

	"sdgdt/internal/assess"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// The primary book (Circular 27/2020): it shares the sheets of the secondary
// book. A subject sheet (kind "primary") holds per pupil a level T/H/C, a test
// score where the circular requires one at that point, and a comment; the
// class's qualities-and-competencies sheet of a point (kind "primary_pcnl",
// subject "pcnl") holds the 10 competencies and 5 qualities (T/Đ/C) with
// three comments, written by the homeroom teacher. Both go through
// PatchSheet, so versions, conflicts, history, locks and the grid are the
// same. Results per point are computed by assess.EvalPrimary in the
// background recomputation of results.go (primaryBatch) and stored in
// primary_results.

// PrimaryPoints are the four assessment points, in order.
var PrimaryPoints = []string{assess.PointGK1, assess.PointCK1, assess.PointGK2, assess.PointCN}

// ValidPoint reports whether s is an assessment point of primary school.
func ValidPoint(s string) bool {
	for _, p := range PrimaryPoints {
		if p == s {
			return true
		}
	}
	return false
}

// PointShortName is the short Vietnamese name of an assessment point.
func PointShortName(point string) string {
	switch point {
	case assess.PointGK1:
		return "Giữa kì I"
	case assess.PointCK1:
		return "Cuối kì I"
	case assess.PointGK2:
		return "Giữa kì II"
	case assess.PointCN:
		return "Cuối năm"
	}
	return point
}

// Fields of a qualities-and-competencies sheet, in the order of the Bảng tổng
// hợp: the 3 general competencies and their comment, the 7 specific ones and
// theirs, the 5 qualities and theirs.
const (
	PCNLGeneralComment  = "c.general_comment"
	PCNLSpecificComment = "c.specific_comment"
	PCNLQualityComment  = "q.comment"
)

// PCNLFields returns the fields of a qualities-and-competencies sheet.
func PCNLFields() []string {
	out := make([]string, 0, 18)
	for i, c := range assess.CompetencyCodes {
		out = append(out, "c."+c)
		if i == 2 {
			out = append(out, PCNLGeneralComment)
		}
	}
	out = append(out, PCNLSpecificComment)
	for _, q := range assess.QualityCodes {
		out = append(out, "q."+q)
	}
	return append(out, PCNLQualityComment)
}

// MarkText shows a stored value the Vietnamese way, as the grid, the exports
// and the documents do: 7,5 · Đ · CĐ · P; comments and levels as they are.
func MarkText(field, v string) string {
	switch {
	case v == "":
		return ""
	case IsTextField(field) || field == "level":
		return v
	case v == "D":
		return "Đ"
	case v == "CD":
		return "CĐ"
	}
	return strings.Replace(v, ".", ",", 1)
}

// IsTextField reports whether a field holds free text (a comment) rather than
// a mark or a level.
func IsTextField(field string) bool {
	return field == "comment" || field == "exemption" || strings.HasSuffix(field, "comment")
}

// pcnlFieldLabel is the Vietnamese heading of a qualities-and-competencies field.
func pcnlFieldLabel(field string) (string, bool) {
	switch field {
	case PCNLGeneralComment:
		return "Nhận xét năng lực chung", true
	case PCNLSpecificComment:
		return "Nhận xét năng lực đặc thù", true
	case PCNLQualityComment:
		return "Nhận xét phẩm chất", true
	}
	if c, ok := strings.CutPrefix(field, "c."); ok {
		for i, code := range assess.CompetencyCodes {
			if code == c {
				return assess.CompetencyNames[i], true
			}
		}
	}
	if q, ok := strings.CutPrefix(field, "q."); ok {
		for i, code := range assess.QualityCodes {
			if code == q {
				return assess.QualityNames[i], true
			}
		}
	}
	return "", false
}

// loadPCNL completes the frame of a qualities-and-competencies sheet: its
// fields, and the homeroom teacher's right to write it.
func (sc *sheetCtx) loadPCNL(p *Principal) {
	v := &sc.view
	v.AssessedBy = "quality"
	v.SubjectName = "Năng lực và phẩm chất"
	v.Fields = PCNLFields()
	v.CanWrite = Can(p, ActWriteConduct, ClassTarget(v.School, v.Class.ID))
	v.TeacherName = v.Class.HomeroomName
}

// primaryWriteRefusal is the message of a refused write to a primary sheet,
// or "" to use the secondary one.
func primaryWriteRefusal(v *SheetView) string {
	if v.Sheet.Kind == sdgdt.SheetPrimaryPCNL {
		return "Chỉ giáo viên chủ nhiệm lớp " + v.Class.Name + " đánh giá năng lực, phẩm chất; bạn chỉ được xem."
	}
	return ""
}

// noFieldMessage explains why a sheet has no such field: for a primary test
// score, which subjects and points have periodic tests.
func (sc *sheetCtx) noFieldMessage(field string) string {
	v := &sc.view
	if v.Sheet.Kind == sdgdt.SheetPrimary {
		switch {
		case field == "test":
			s, _ := assess.LookupSubject(assess.Primary, v.Sheet.Subject)
			if !s.Tested {
				return "Môn " + v.SubjectName + " không có bài kiểm tra định kì: chỉ ghi mức đạt được và nhận xét."
			}
			g := strconv.Itoa(v.Class.Grade)
			if v.Sheet.Subject == "tieng_viet" || v.Sheet.Subject == "toan" {
				return "Lớp " + g + " không kiểm tra định kì môn " + v.SubjectName + " ở " + viet.LowerFirst(SheetTermName(v.Sheet.Term)) +
					": chỉ cuối học kì I và cuối năm học (giữa học kì chỉ với lớp 4, 5)."
			}
			return "Môn " + v.SubjectName + " chỉ kiểm tra định kì ở cuối học kì I và cuối năm học, không ở " + viet.LowerFirst(SheetTermName(v.Sheet.Term)) + "."
		case field == "midterm" || field == "final" || strings.HasPrefix(field, "regular["):
			return "Sổ tiểu học không có điểm “" + FieldLabel(field) + "”: ghi mức đạt được (T/H/C), điểm kiểm tra định kì nếu có, và nhận xét."
		}
	}
	return "Bảng điểm này không có cột “" + field + "”."
}

// validatePCNL checks a value of a qualities-and-competencies sheet: a level
// T (Tốt), Đ (Đạt) or C (Cần cố gắng), or a comment.
func validatePCNL(field string, v CellValue) (string, string) {
	if IsTextField(field) {
		return sheetText(v.Text, 500)
	}
	t := strings.TrimSpace(v.Text)
	switch strings.ToUpper(t) {
	case "":
		return "", ""
	case "T":
		return "T", ""
	case "D", "Đ":
		return "D", ""
	case "C":
		return "C", ""
	}
	return "", "Mức năng lực, phẩm chất là T (Tốt), Đ (Đạt) hoặc C (Cần cố gắng)."
}

// parseSubjectLevel reads a stored primary subject level.
func parseSubjectLevel(s string) assess.SubjectLevel {
	switch s {
	case "T":
		return assess.SubjectT
	case "H":
		return assess.SubjectH
	case "C":
		return assess.SubjectC
	}
	return assess.SubjectNone
}

// parseQualityLevel reads a stored quality or competency level.
func parseQualityLevel(s string) assess.QualityLevel {
	switch s {
	case "T":
		return assess.QualityT
	case "D":
		return assess.QualityD
	case "C":
		return assess.QualityC
	}
	return assess.QualityNone
}

// PointCells are a pupil's cells of one assessment point: subject (or "pcnl")
// and field → stored value.
type PointCells map[SubjectField]string

// SubjectField names a cell of a pupil at an assessment point.
type SubjectField struct{ Subject, Field string }

// Set stores a value.
func (pc PointCells) Set(subject, field, value string) { pc[SubjectField{subject, field}] = value }

// Get returns a stored value ("" if none).
func (pc PointCells) Get(subject, field string) string { return pc[SubjectField{subject, field}] }

// PrimaryInputOf builds the rules engine's input for a pupil of a grade at an
// assessment point from the stored cells of the class's curriculum (subjects
// assessed by level). Subjects that the catalogue does not know for the grade
// are returned apart, not evaluated.
func PrimaryInputOf(grade int, point string, curriculum []sdgdt.ClassSubject, cells PointCells, nominated bool) (assess.PrimaryInput, []string) {
	in := assess.PrimaryInput{Grade: grade, Point: point, Nominated: nominated}
	var skipped []string
	for _, cs := range curriculum {
		if cs.AssessedBy != "level" {
			continue
		}
		cat, ok := assess.LookupSubject(assess.Primary, cs.Subject)
		if !ok || !cat.Taught(grade) {
			skipped = append(skipped, cs.Subject)
			continue
		}
		s := assess.PrimarySubject{Code: cs.Subject, Level: parseSubjectLevel(cells.Get(cs.Subject, "level"))}
		if assess.PrimaryTestRequired(grade, point, cs.Subject) {
			if t, err := assess.ParseTest(cells.Get(cs.Subject, "test")); err == nil {
				s.Test, s.HasTest = t, true
			}
		}
		in.Subjects = append(in.Subjects, s)
	}
	for i, c := range qualityFields {
		in.Qualities[i] = parseQualityLevel(cells.Get(sdgdt.PCNLSubject, c))
	}
	for i, c := range competencyFields {
		in.Competencies[i] = parseQualityLevel(cells.Get(sdgdt.PCNLSubject, c))
	}
	return in, skipped
}

// qualityFields and competencyFields are the fields of the qualities' and
// competencies' levels among a pupil's "pcnl" cells.
var qualityFields, competencyFields = prefixed("q.", assess.QualityCodes[:]), prefixed("c.", assess.CompetencyCodes[:])

func prefixed(prefix string, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = prefix + c
	}
	return out
}

// applySupplements puts the additional assessment's values in place of the
// end-of-year ones.
func applySupplements(in assess.PrimaryInput, sups []sdgdt.Supplement) assess.PrimaryInput {
	out := in
	out.Subjects = append([]assess.PrimarySubject(nil), in.Subjects...)
	for _, s := range sups {
		switch {
		case strings.HasPrefix(s.Item, "q."):
			for i, c := range assess.QualityCodes {
				if "q."+c == s.Item && s.Level != "" {
					out.Qualities[i] = parseQualityLevel(s.Level)
				}
			}
		case strings.HasPrefix(s.Item, "c."):
			for i, c := range assess.CompetencyCodes {
				if "c."+c == s.Item && s.Level != "" {
					out.Competencies[i] = parseQualityLevel(s.Level)
				}
			}
		default:
			for i := range out.Subjects {
				if out.Subjects[i].Code != s.Item {
					continue
				}
				if s.Level != "" {
					out.Subjects[i].Level = parseSubjectLevel(s.Level)
				}
				if t, err := assess.ParseTest(s.Test); err == nil && s.Test != "" {
					out.Subjects[i].Test, out.Subjects[i].HasTest = t, true
				}
			}
		}
	}
	return out
}

// Promotion states of a primary pupil at the end of the year.
const (
	PromotionPromoted             = "promoted"
	PromotionRetained             = "retained"
	PromotionAdditionalAssessment = "additional_assessment" // CHT: the additional assessment is pending
	PromotionPrincipalDecision    = "principal_decision"    // still CHT after it: the principal decides
)

// PromotionName is the Vietnamese text of a promotion state.
func PromotionName(s string) string {
	switch s {
	case PromotionPromoted:
		return "Lên lớp"
	case PromotionRetained:
		return "Ở lại lớp"
	case PromotionAdditionalAssessment:
		return "Chờ đánh giá bổ sung"
	case PromotionPrincipalDecision:
		return "Chờ hiệu trưởng quyết định"
	}
	return ""
}

// OutcomeName is the Vietnamese name of a result code (HTXS, HTT, HT, CHT).
func OutcomeName(code string) string {
	for o := assess.OutcomeCHT; o <= assess.OutcomeHTXS; o++ {
		if o.Code() == code {
			return o.String()
		}
	}
	return ""
}

// primaryYearEnd completes an end-of-year result: the additional assessment
// of a CHT pupil and the principal's decision give the final result and the
// promotion.
func primaryYearEnd(r *sdgdt.PrimaryResult, in assess.PrimaryInput, res assess.PrimaryResult, rs *assess.RuleSet, sups []sdgdt.Supplement, dec *sdgdt.Decision) {
	r.Result, r.Award = res.Result.Code(), string(res.Award)
	r.CompletedGrade, r.CompletedPrimary = res.CompletedGrade, res.CompletedPrimary
	if !res.Complete {
		return
	}
	if res.Result != assess.OutcomeCHT {
		r.ResultFinal, r.Promotion = r.Result, PromotionPromoted
		return
	}
	if len(sups) == 0 {
		r.Promotion = PromotionAdditionalAssessment
		if dec != nil {
			r.Promotion = dec.Decision
		}
		return
	}
	after, err := assess.EvalPrimaryWith(*rs, applySupplements(in, sups))
	if err != nil || !after.Complete {
		r.Promotion = PromotionAdditionalAssessment
		return
	}
	r.ResultFinal = after.Result.Code()
	if after.Result >= assess.OutcomeHT {
		r.CompletedGrade, r.CompletedPrimary, r.Promotion = true, after.CompletedPrimary, PromotionPromoted
		return
	}
	r.Promotion = PromotionPrincipalDecision
	if dec != nil {
		r.Promotion = dec.Decision
	}
}

// primarySubjectResult is one subject of primary_results.subjects_json.
type primarySubjectResult struct {
	Subject string `json:"subject"`
	Level   string `json:"level"`
	Test    *int   `json:"test,omitempty"`
}

// primaryBatch computes the primary pupils of a recomputation batch: every
// assessment point into primary_results, and the year into pupil_results (so
// that its stale mark is cleared the same way as in secondary).
type primaryBatch struct {
	nominated   map[int64]bool
	supplements map[int64][]sdgdt.Supplement
	decisions   map[int64]*sdgdt.Decision
	rows        []sdgdt.PrimaryResult
	// points are the cells of the pupil evaluated, by assessment point.
	points map[string]PointCells
}

func isPrimaryYear(py *sdgdt.PupilYear) bool {
	return sdgdt.SheetKindOf(py.Class.Ruleset) == sdgdt.SheetPrimary
}

// load reads the nominations, additional assessments and decisions of the
// batch's primary pupils.
func (b *primaryBatch) load(tx *store.Tx, schoolID, yearID int64, years []sdgdt.PupilYear) error {
	var ids []int64
	for i := range years {
		if isPrimaryYear(&years[i]) {
			ids = append(ids, years[i].PupilID)
		}
	}
	b.nominated, b.supplements, b.decisions = map[int64]bool{}, map[int64][]sdgdt.Supplement{}, map[int64]*sdgdt.Decision{}
	if len(ids) == 0 {
		return nil
	}
	ns, err := tx.Nominations(schoolID, yearID, ids)
	if err != nil {
		return err
	}
	for _, n := range ns {
		b.nominated[n.PupilID] = n.Nominated
	}
	ss, err := tx.Supplements(schoolID, yearID, ids)
	if err != nil {
		return err
	}
	for _, s := range ss {
		if s.Level != "" || s.Test != "" {
			b.supplements[s.PupilID] = append(b.supplements[s.PupilID], s)
		}
	}
	ds, err := tx.Decisions(schoolID, yearID, ids)
	if err != nil {
		return err
	}
	for i := range ds {
		b.decisions[ds[i].PupilID] = &ds[i]
	}
	return nil
}

// evaluate computes a primary pupil's four points; it returns the year as a
// pupil_results row.
func (b *primaryBatch) evaluate(py *sdgdt.PupilYear, schoolID, yearID, gen int64) sdgdt.PupilResult {
	r := sdgdt.PupilResult{PupilID: py.PupilID, ClassID: py.Class.ID, Grade: py.Class.Grade, AbsentSessions: py.Absent, SubjectsJSON: "[]", MissingJSON: "[]"}
	rs, ok := assess.Lookup(py.Class.Ruleset)
	if !ok || rs.Secondary() {
		r.Error = "Bộ quy tắc " + py.Class.Ruleset + " không phải của tiểu học."
		return r
	}
	r.RulesetVersion = rs.Version
	if b.points == nil {
		b.points = map[string]PointCells{}
	}
	for _, pc := range b.points {
		clear(pc) // the maps are used again from pupil to pupil
	}
	for _, c := range py.Cells {
		pc := b.points[c.Term]
		if pc == nil {
			pc = PointCells{}
			b.points[c.Term] = pc
		}
		pc.Set(c.Subject, c.Field, c.Value)
	}
	for _, point := range PrimaryPoints {
		in, skipped := PrimaryInputOf(py.Class.Grade, point, py.Subjects, b.points[point], b.nominated[py.PupilID])
		row := sdgdt.PrimaryResult{SchoolID: schoolID, SchoolYearID: yearID, PupilID: py.PupilID, Point: point, ClassID: py.Class.ID, Gen: gen,
			RulesetVersion: rs.Version, Grade: py.Class.Grade, MissingJSON: "[]"}
		res, err := assess.EvalPrimaryWith(rs, in)
		if err != nil {
			row.Error = err.Error()
		} else {
			row.Complete = res.Complete
			if len(res.Missing) > 0 {
				row.MissingJSON = toJSON(res.Missing)
			}
			subs := make([]primarySubjectResult, 0, len(in.Subjects))
			for _, s := range in.Subjects {
				ps := primarySubjectResult{Subject: s.Code, Level: s.Level.Code()}
				if s.HasTest {
					ps.Test = &s.Test
				}
				subs = append(subs, ps)
				switch s.Level {
				case assess.SubjectT:
					row.SubjectsT++
				case assess.SubjectH:
					row.SubjectsH++
				case assess.SubjectC:
					row.SubjectsC++
				}
			}
			for _, l := range append(in.Qualities[:], in.Competencies[:]...) {
				switch l {
				case assess.QualityT:
					row.QCT++
				case assess.QualityD:
					row.QCD++
				case assess.QualityC:
					row.QCC++
				}
			}
			row.SubjectsJSON = toJSON(subs)
			if point == assess.PointCN {
				primaryYearEnd(&row, in, res, &rs, b.supplements[py.PupilID], b.decisions[py.PupilID])
				r.Complete, r.MissingJSON = row.Complete, row.MissingJSON
				r.Promotion, r.Award = row.Promotion, row.Award
				r.Year.Learning = row.ResultFinal
				if r.Year.Learning == "" {
					r.Year.Learning = row.Result
				}
			}
		}
		if len(skipped) > 0 && row.Error == "" {
			row.Error = "Môn không có trong danh mục của khối, không tính: " + strings.Join(skipped, ", ")
		}
		b.rows = append(b.rows, row)
	}
	return r
}

// save stores the batch's primary results.
func (b *primaryBatch) save(tx *store.Tx) error { return tx.SavePrimaryResults(b.rows) }
