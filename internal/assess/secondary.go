package assess

import (
	"errors"
	"fmt"
	"strconv"
)

// Promotion is the year-end decision for a secondary pupil.
type Promotion string

// The promotion values. PromotionNone: not computable yet (incomplete).
const (
	PromotionNone  Promotion = ""
	Promoted       Promotion = "promoted"        // lên lớp (grade 9/12: programme completed)
	Retest         Promotion = "retest"          // re-tests pending
	SummerTraining Promotion = "summer_training" // summer conduct training pending
	Retained       Promotion = "retained"        // ở lại lớp
)

// MarshalJSON writes the value as a JSON string, or null when empty.
func (p Promotion) MarshalJSON() ([]byte, error) { return jsonCode(string(p)), nil }

// Award is a year-end award.
type Award string

// The awards. AwardNone: no award (null in JSON).
const (
	AwardNone      Award = ""
	AwardExcellent Award = "xuat_sac"  // Học sinh Xuất sắc
	AwardGood      Award = "gioi"      // Học sinh Giỏi (secondary)
	AwardExemplary Award = "tieu_bieu" // Học sinh Tiêu biểu (primary)
)

// MarshalJSON writes the value as a JSON string, or null when empty.
func (a Award) MarshalJSON() ([]byte, error) { return jsonCode(string(a)), nil }

// Semester holds one subject's marks of one semester.
type Semester struct {
	// Regular holds the regular marks (ĐĐGtx). It is either empty (nothing
	// entered: every cell is missing) or holds exactly the rule set's
	// RegularCount marks; use Empty for a cell not yet entered.
	Regular []Mark
	Midterm Mark // ĐĐGgk
	Final   Mark // ĐĐGck
}

// SubjectInput is one subject of a secondary pupil's year.
type SubjectInput struct {
	Code string
	// AssessedBy and PeriodsPerYear may be left zero for the catalogue's
	// codes: the 2018 programme's values for the grade are used.
	AssessedBy     AssessedBy
	PeriodsPerYear int
	// NotAssessed leaves the subject out of every condition (Điều 11).
	NotAssessed bool
	HK          [2]Semester
	// Retest is the summer re-test result (a score, or Pass/Fail for comment
	// subjects); Empty when none.
	Retest Mark
}

// SecondaryInput is a secondary pupil's year.
type SecondaryInput struct {
	Grade          int
	AbsentSessions int      // excused and unexcused together
	Conduct        [2]Level // HK I, HK II; LevelNone when not yet rated
	SummerConduct  Level    // re-assessed after summer training; LevelNone when none
	Subjects       []SubjectInput
}

// SubjectResult is one subject's computed results. HK, Year and YearFinal
// are scores (averages) for scored subjects, Pass/Fail for comment subjects,
// and Empty when not computable (or when the subject is not assessed).
type SubjectResult struct {
	Code        string
	AssessedBy  AssessedBy
	NotAssessed bool
	HK          [2]Mark
	Year        Mark
	Retest      Mark // as given
	YearFinal   Mark // Retest when the subject is to be re-tested and Retest is given, else Year
}

// TermResult is the learning result and conduct of a semester or the year.
type TermResult struct {
	Learning         Level  // after the Điều 9.3 adjustment
	LearningComputed Level  // before it
	AdjustedFor      string // code of the subject that caused the adjustment, or ""
	Conduct          Level
}

// YearResult adds the year-end decisions to the year's TermResult.
type YearResult struct {
	TermResult
	RetestSubjects []string // codes, input order; empty unless learning is CD and conduct allows re-tests
	// LearningFinal is after re-tests (when all are given), else Learning;
	// FinalComputed and FinalAdjustedFor are its computation before adjustment.
	LearningFinal    Level
	FinalComputed    Level
	FinalAdjustedFor string
	ConductFinal     Level // after summer re-assessment when given, else Conduct
	Promotion        Promotion
	Award            Award
}

// SecondaryResult is the whole evaluation of a secondary pupil's year.
type SecondaryResult struct {
	RuleSet        *RuleSet
	Grade          int
	AbsentSessions int
	Complete       bool
	Missing        []string // cells such as "toan.hk2.final", "toan.hk1.regular[2]", "conduct.hk1"
	Subjects       []SubjectResult
	HK             [2]TermResult
	Year           YearResult
}

// CompletesProgramme reports whether a promoted pupil has completed the
// THCS (grade 9) or THPT (grade 12) programme.
func (r *SecondaryResult) CompletesProgramme() bool {
	return r.Year.Promotion == Promoted && (r.Grade == 9 || r.Grade == 12)
}

// FieldError is an invalid input: Field is a JSON-style path such as
// "subjects[0].hk1.regular[1]".
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

// EvalSecondary evaluates a secondary pupil's year under rs (tt22 or tt43).
// It returns an error only for invalid input; incomplete input gives a result
// with Complete false and the missing cells listed.
func EvalSecondary(rs RuleSet, in SecondaryInput) (SecondaryResult, error) {
	var out SecondaryResult
	err := EvalSecondaryInto(&rs, &in, &out)
	return out, err
}

// EvalSecondaryInto is EvalSecondary writing into out, reusing the capacity
// of out's slices: with a reused out, a complete evaluation allocates nothing.
// out.RuleSet is set to rs, which must outlive out.
func EvalSecondaryInto(rs *RuleSet, in *SecondaryInput, out *SecondaryResult) error {
	if !rs.Secondary() {
		return fieldErr("ruleset", "%s is not a secondary rule set", rs.ID)
	}
	if in.Grade < rs.MinGrade || in.Grade > rs.MaxGrade {
		return fieldErr("grade", "%d is outside %d-%d for %s", in.Grade, rs.MinGrade, rs.MaxGrade, rs.ID)
	}
	if in.AbsentSessions < 0 {
		return fieldErr("absent_sessions", "%d is negative", in.AbsentSessions)
	}
	for i, c := range in.Conduct {
		if c > LevelT {
			return fieldErr("conduct.hk"+strconv.Itoa(i+1), "invalid level %d", c)
		}
	}
	if in.SummerConduct > LevelT {
		return fieldErr("conduct.summer", "invalid level %d", in.SummerConduct)
	}
	*out = SecondaryResult{
		RuleSet:        rs,
		Grade:          in.Grade,
		AbsentSessions: in.AbsentSessions,
		Missing:        out.Missing[:0],
		Subjects:       out.Subjects[:0],
		Year:           YearResult{RetestSubjects: out.Year.RetestSubjects[:0]},
	}
	for i := range in.Subjects {
		s := &in.Subjects[i]
		for j := 0; j < i; j++ {
			if in.Subjects[j].Code == s.Code {
				return fieldErr(subjField(i, "code"), "%s appears twice", s.Code)
			}
		}
		r, err := evalSubject(rs, in.Grade, i, s, &out.Missing)
		if err != nil {
			return err
		}
		out.Subjects = append(out.Subjects, r)
	}
	for i, c := range in.Conduct {
		if c == LevelNone {
			out.Missing = append(out.Missing, conductMissing[i])
		}
	}
	out.Complete = len(out.Missing) == 0

	for t := 0; t < 2; t++ {
		out.HK[t].LearningComputed, out.HK[t].Learning, out.HK[t].AdjustedFor = learning(rs, out.Subjects, t)
		out.HK[t].Conduct = in.Conduct[t]
	}
	y := &out.Year
	y.LearningComputed, y.Learning, y.AdjustedFor = learning(rs, out.Subjects, atYear)
	y.Conduct = YearConduct(in.Conduct[0], in.Conduct[1])
	decide(rs, in, out)
	return nil
}

var conductMissing = [2]string{"conduct.hk1", "conduct.hk2"}

// Positions of a subject result used by learning.
const (
	atHK1 = iota
	atHK2
	atYear
	atYearFinal
)

func (r *SubjectResult) at(which int) Mark {
	switch which {
	case atHK1, atHK2:
		return r.HK[which]
	case atYear:
		return r.Year
	}
	return r.YearFinal
}

func subjField(i int, rest string) string {
	return "subjects[" + strconv.Itoa(i) + "]." + rest
}

var hkNames = [2]string{"hk1", "hk2"}

// evalSubject validates one subject and computes its semester and year
// results, appending missing cells to *missing.
func evalSubject(rs *RuleSet, grade, i int, s *SubjectInput, missing *[]string) (SubjectResult, error) {
	r := SubjectResult{Code: s.Code, AssessedBy: s.AssessedBy, NotAssessed: s.NotAssessed, Retest: s.Retest}
	if s.Code == "" {
		return r, fieldErr(subjField(i, "code"), "missing")
	}
	cat := secondaryIndex[s.Code]
	if cat == nil {
		return r, fieldErr(subjField(i, "code"), "unknown subject code %q", s.Code)
	}
	if r.AssessedBy == "" {
		r.AssessedBy = cat.AssessedBy
	} else if r.AssessedBy != ByScore && r.AssessedBy != ByComment {
		return r, fieldErr(subjField(i, "assessed_by"), "%q is neither score nor comment", r.AssessedBy)
	}
	if s.NotAssessed {
		return r, nil
	}
	periods := s.PeriodsPerYear
	if periods == 0 {
		p, ok := DefaultPeriods(s.Code, grade)
		if !ok {
			return r, fieldErr(subjField(i, "periods_per_year"), "%s has no default in grade %d; give periods_per_year", s.Code, grade)
		}
		periods = p
	} else if periods < 0 {
		return r, fieldErr(subjField(i, "periods_per_year"), "%d is negative", periods)
	}
	n := rs.RegularCount(r.AssessedBy, periods)
	for t := 0; t < 2; t++ {
		sem := &s.HK[t]
		if len(sem.Regular) != 0 && len(sem.Regular) != n {
			return r, fieldErr(subjField(i, hkNames[t]+".regular"), "%d marks, want %d", len(sem.Regular), n)
		}
		for k, m := range sem.Regular {
			if err := m.validFor(r.AssessedBy); err != nil {
				return r, &FieldError{Field: subjField(i, hkNames[t]+".regular["+strconv.Itoa(k)+"]"), Err: err}
			}
		}
		if err := sem.Midterm.validFor(r.AssessedBy); err != nil {
			return r, &FieldError{Field: subjField(i, hkNames[t]+".midterm"), Err: err}
		}
		if err := sem.Final.validFor(r.AssessedBy); err != nil {
			return r, &FieldError{Field: subjField(i, hkNames[t]+".final"), Err: err}
		}
		r.HK[t] = semesterResult(r.AssessedBy, sem, n)
		if !r.HK[t].Known() {
			appendMissing(missing, s.Code, t, sem, n)
		}
	}
	if err := s.Retest.validFor(r.AssessedBy); err != nil {
		return r, &FieldError{Field: subjField(i, "retest"), Err: err}
	}
	if s.Retest.Kind == MarkPending {
		return r, fieldErr(subjField(i, "retest"), "P is not a re-test result")
	}
	if r.AssessedBy == ByComment {
		r.Year = r.HK[1]
	} else if r.HK[0].Known() && r.HK[1].Known() {
		r.Year = ScoreMark(YearAverage(r.HK[0].Score, r.HK[1].Score))
	}
	r.YearFinal = r.Year
	return r, nil
}

// semesterResult computes a semester average (or Đ/CĐ), Empty when a cell is
// empty or pending.
func semesterResult(by AssessedBy, sem *Semester, n int) Mark {
	if len(sem.Regular) != n || !sem.Midterm.Known() || !sem.Final.Known() {
		return Empty
	}
	if by == ByComment {
		pass := sem.Midterm.Kind == MarkPass && sem.Final.Kind == MarkPass
		for _, m := range sem.Regular {
			if !m.Known() {
				return Empty
			}
			pass = pass && m.Kind == MarkPass
		}
		if pass {
			return Pass
		}
		return Fail
	}
	sum := 0
	for _, m := range sem.Regular {
		if !m.Known() {
			return Empty
		}
		sum += int(m.Score)
	}
	return ScoreMark(roundTenths(sum+2*int(sem.Midterm.Score)+3*int(sem.Final.Score), n+5))
}

func appendMissing(missing *[]string, code string, t int, sem *Semester, n int) {
	prefix := code + "." + hkNames[t] + "."
	for k := 0; k < n; k++ {
		if k >= len(sem.Regular) || !sem.Regular[k].Known() {
			*missing = append(*missing, prefix+"regular["+strconv.Itoa(k)+"]")
		}
	}
	if !sem.Midterm.Known() {
		*missing = append(*missing, prefix+"midterm")
	}
	if !sem.Final.Known() {
		*missing = append(*missing, prefix+"final")
	}
}

// tally counts what the level conditions of Điều 9.2 look at.
type tally struct {
	scored     int // scored subjects
	failed     int // comment subjects at Chưa đạt
	goodAll    int // scored ≥ GoodAllMin
	goodCount  int // scored ≥ GoodCountMin
	fairAll    int // scored ≥ FairAllMin
	fairCount  int // scored ≥ FairCountMin
	passCount  int // scored ≥ PassCountMin
	belowFloor int // scored < PassFloor
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// add adds (sign 1) or removes (sign -1) one subject result.
func (t *tally) add(rs *RuleSet, m Mark, sign int) {
	switch m.Kind {
	case MarkFail:
		t.failed += sign
	case MarkScore:
		s := m.Score
		t.scored += sign
		t.goodAll += sign * b2i(s >= rs.GoodAllMin)
		t.goodCount += sign * b2i(s >= rs.GoodCountMin)
		t.fairAll += sign * b2i(s >= rs.FairAllMin)
		t.fairCount += sign * b2i(s >= rs.FairCountMin)
		t.passCount += sign * b2i(s >= rs.PassCountMin)
		t.belowFloor += sign * b2i(s < rs.PassFloor)
	}
}

func (t *tally) level(rs *RuleSet) Level {
	switch {
	case t.failed == 0 && t.goodAll == t.scored && t.goodCount >= rs.GoodCount:
		return LevelT
	case t.failed == 0 && t.fairAll == t.scored && t.fairCount >= rs.FairCount:
		return LevelK
	case t.failed <= rs.PassMaxFailed && t.passCount >= rs.PassCount && t.belowFloor == 0:
		return LevelD
	}
	return LevelCD
}

// best is the best possible result of a subject assessed by.
func best(by AssessedBy) Mark {
	if by == ByComment {
		return Pass
	}
	return ScoreMark(MaxScore)
}

// learning computes the learning level at a position: the level before and
// after the Điều 9.3 adjustment and the subject that caused it. All are zero
// when a participating subject's result is not known.
func learning(rs *RuleSet, subs []SubjectResult, which int) (computed, adjusted Level, cause string) {
	var t tally
	for i := range subs {
		if subs[i].NotAssessed {
			continue
		}
		m := subs[i].at(which)
		if !m.Known() {
			return LevelNone, LevelNone, ""
		}
		t.add(rs, m, 1)
	}
	computed = t.level(rs)
	adjusted = computed
	if computed+2 > LevelT {
		return
	}
	for i := range subs {
		if subs[i].NotAssessed {
			continue
		}
		u := t
		u.add(rs, subs[i].at(which), -1)
		u.add(rs, best(subs[i].AssessedBy), 1)
		if u.level(rs) >= computed+2 {
			return computed, computed + 1, subs[i].Code
		}
	}
	return
}

// decide fills the year's re-test list, final levels, promotion and award.
func decide(rs *RuleSet, in *SecondaryInput, out *SecondaryResult) {
	y := &out.Year
	y.LearningFinal, y.FinalComputed, y.FinalAdjustedFor = y.Learning, y.LearningComputed, y.AdjustedFor
	y.ConductFinal = y.Conduct
	if y.Conduct == LevelCD && in.SummerConduct != LevelNone {
		y.ConductFinal = in.SummerConduct
	}

	if rs.Awards && y.Conduct == LevelT && y.Learning == LevelT {
		n := 0
		for i := range out.Subjects {
			s := &out.Subjects[i]
			if !s.NotAssessed && s.Year.Kind == MarkScore && s.Year.Score >= rs.ExcellentMin {
				n++
			}
		}
		if n >= rs.ExcellentCount {
			y.Award = AwardExcellent
		} else {
			y.Award = AwardGood
		}
	}

	switch {
	case in.AbsentSessions > rs.MaxAbsences:
		y.Promotion = Retained
		return
	case y.Conduct == LevelNone:
		return
	case y.Conduct == LevelCD && in.SummerConduct == LevelNone:
		y.Promotion = SummerTraining
		return
	case y.ConductFinal == LevelCD:
		y.Promotion = Retained
		return
	case y.Learning == LevelNone:
		return
	case y.Learning >= LevelD:
		y.Promotion = Promoted
		return
	}
	// Conduct ≥ Đạt, learning Chưa đạt: re-tests.
	all := true
	for i := range out.Subjects {
		s := &out.Subjects[i]
		if s.NotAssessed {
			continue
		}
		if s.Year.Kind == MarkFail || (s.Year.Kind == MarkScore && s.Year.Score < rs.RetestBelow) {
			y.RetestSubjects = append(y.RetestSubjects, s.Code)
			if s.Retest.Known() {
				s.YearFinal = s.Retest
			} else {
				all = false
			}
		}
	}
	if !all {
		y.Promotion = Retest
		return
	}
	y.FinalComputed, y.LearningFinal, y.FinalAdjustedFor = learning(rs, out.Subjects, atYearFinal)
	if y.LearningFinal >= LevelD {
		y.Promotion = Promoted
	} else {
		y.Promotion = Retained
	}
}

// ErrRuleSet is returned (wrapped) for an unknown or unsuitable rule set.
var ErrRuleSet = errors.New("unknown rule set")
