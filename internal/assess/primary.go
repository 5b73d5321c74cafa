package assess

import "strconv"

// SubjectLevel is a primary subject's level (Điều 6 TT27). The zero value
// is "not entered".
type SubjectLevel uint8

// The primary subject levels, ordered C < H < T.
const (
	SubjectNone SubjectLevel = iota
	SubjectC                 // Chưa hoàn thành
	SubjectH                 // Hoàn thành
	SubjectT                 // Hoàn thành tốt
)

var subjectLevelCodes = [...]string{"", "C", "H", "T"}
var subjectLevelNames = [...]string{"", "Chưa hoàn thành", "Hoàn thành", "Hoàn thành tốt"}

// Code returns "T", "H", "C" or "".
func (l SubjectLevel) Code() string { return pick(subjectLevelCodes[:], int(l)) }

// String returns the Vietnamese words.
func (l SubjectLevel) String() string { return pick(subjectLevelNames[:], int(l)) }

// QualityLevel is the level of a quality or competency. The zero value is
// "not entered".
type QualityLevel uint8

// The quality and competency levels, ordered C < D < T.
const (
	QualityNone QualityLevel = iota
	QualityC                 // Cần cố gắng
	QualityD                 // Đạt
	QualityT                 // Tốt
)

var qualityLevelCodes = [...]string{"", "C", "D", "T"}
var qualityLevelNames = [...]string{"", "Cần cố gắng", "Đạt", "Tốt"}

// Code returns "T", "D", "C" or "".
func (l QualityLevel) Code() string { return pick(qualityLevelCodes[:], int(l)) }

// String returns the Vietnamese words.
func (l QualityLevel) String() string { return pick(qualityLevelNames[:], int(l)) }

// Outcome is a primary pupil's year-end result. The zero value is "not
// computable".
type Outcome uint8

// The outcomes, ordered CHT < HT < HTT < HTXS.
const (
	OutcomeNone Outcome = iota
	OutcomeCHT          // Chưa hoàn thành
	OutcomeHT           // Hoàn thành
	OutcomeHTT          // Hoàn thành tốt
	OutcomeHTXS         // Hoàn thành xuất sắc
)

var outcomeCodes = [...]string{"", "CHT", "HT", "HTT", "HTXS"}
var outcomeNames = [...]string{"", "Chưa hoàn thành", "Hoàn thành", "Hoàn thành tốt", "Hoàn thành xuất sắc"}

// Code returns "HTXS", "HTT", "HT", "CHT" or "".
func (o Outcome) Code() string { return pick(outcomeCodes[:], int(o)) }

// String returns the Vietnamese words.
func (o Outcome) String() string { return pick(outcomeNames[:], int(o)) }

// MarshalJSON writes the code, or null.
func (o Outcome) MarshalJSON() ([]byte, error) { return jsonCode(o.Code()), nil }

func pick(list []string, i int) string {
	if i >= 0 && i < len(list) {
		return list[i]
	}
	return ""
}

// Assessment points of primary school.
const (
	PointGK1 = "gk1" // giữa học kì I
	PointCK1 = "ck1" // cuối học kì I
	PointGK2 = "gk2" // giữa học kì II
	PointCN  = "cn"  // cuối năm học
)

// PrimarySubject is one subject of a primary pupil at an assessment point.
type PrimarySubject struct {
	Code    string
	Level   SubjectLevel
	Test    int  // 0-10, when HasTest
	HasTest bool // a test score was entered
}

// PrimaryInput is a primary pupil's data at an assessment point (by default
// the end of the year).
type PrimaryInput struct {
	Grade        int
	Point        string // "gk1", "ck1", "gk2" or "cn"; "" means "cn"
	Nominated    bool   // proposed as Học sinh Tiêu biểu by the homeroom teacher and class
	Subjects     []PrimarySubject
	Qualities    [5]QualityLevel  // in the order of QualityCodes
	Competencies [10]QualityLevel // in the order of CompetencyCodes
}

// PrimaryResult is the evaluation of a primary pupil. Result, Award,
// CompletedGrade and CompletedPrimary are computed at the end of the year
// only ("cn"), and only when the input is complete.
type PrimaryResult struct {
	RuleSet          *RuleSet
	Grade            int
	Complete         bool
	Missing          []string // e.g. "toan.test", "toan.level", "qualities.cham_chi"
	Result           Outcome
	Award            Award
	CompletedGrade   bool // Result is HT or better
	CompletedPrimary bool // CompletedGrade in grade 5
}

// EvalPrimary evaluates a primary pupil under tt27.
func EvalPrimary(in PrimaryInput) (PrimaryResult, error) {
	return EvalPrimaryWith(TT27, in)
}

// EvalPrimaryWith evaluates a primary pupil under a primary rule set.
func EvalPrimaryWith(rs RuleSet, in PrimaryInput) (PrimaryResult, error) {
	var out PrimaryResult
	err := evalPrimary(&rs, &in, &out)
	return out, err
}

func evalPrimary(rs *RuleSet, in *PrimaryInput, out *PrimaryResult) error {
	if rs.Secondary() {
		return fieldErr("ruleset", "%s is not a primary rule set", rs.ID)
	}
	if in.Grade < rs.MinGrade || in.Grade > rs.MaxGrade {
		return fieldErr("grade", "%d is outside %d-%d for %s", in.Grade, rs.MinGrade, rs.MaxGrade, rs.ID)
	}
	point := in.Point
	if point == "" {
		point = PointCN
	}
	switch point {
	case PointGK1, PointCK1, PointGK2, PointCN:
	default:
		return fieldErr("point", "%q is not gk1, ck1, gk2 or cn", in.Point)
	}
	*out = PrimaryResult{RuleSet: rs, Grade: in.Grade, Missing: out.Missing[:0]}
	subjOK, subjT := true, true
	minTest := 10
	for i, s := range in.Subjects {
		cat := primaryIndex[s.Code]
		if cat == nil {
			return fieldErr(subjField(i, "code"), "unknown primary subject code %q", s.Code)
		}
		if !cat.Taught(in.Grade) {
			return fieldErr(subjField(i, "code"), "%s is not taught in grade %d", s.Code, in.Grade)
		}
		for j := 0; j < i; j++ {
			if in.Subjects[j].Code == s.Code {
				return fieldErr(subjField(i, "code"), "%s appears twice", s.Code)
			}
		}
		if s.Level > SubjectT {
			return fieldErr(subjField(i, "level"), "invalid level %d", s.Level)
		}
		required := PrimaryTestRequired(in.Grade, point, s.Code)
		if s.HasTest {
			if !required {
				return fieldErr(subjField(i, "test"), "%s has no periodic test at %s in grade %d", s.Code, point, in.Grade)
			}
			if s.Test < 0 || s.Test > 10 {
				return fieldErr(subjField(i, "test"), "%d is outside 0-10", s.Test)
			}
			minTest = min(minTest, s.Test)
		} else if required {
			out.Missing = append(out.Missing, s.Code+".test")
		}
		switch s.Level {
		case SubjectNone:
			out.Missing = append(out.Missing, s.Code+".level")
		case SubjectH:
			subjT = false
		case SubjectC:
			subjOK, subjT = false, false
		}
	}
	qualOK, qualT := true, true
	check := func(kind string, codes []string, levels []QualityLevel) error {
		for i, l := range levels {
			switch l {
			case QualityNone:
				out.Missing = append(out.Missing, kind+"."+codes[i])
			case QualityT:
			case QualityD:
				qualT = false
			case QualityC:
				qualOK, qualT = false, false
			default:
				return fieldErr(kind+"."+codes[i], "invalid level %d", l)
			}
		}
		return nil
	}
	if err := check("qualities", QualityCodes[:], in.Qualities[:]); err != nil {
		return err
	}
	if err := check("competencies", CompetencyCodes[:], in.Competencies[:]); err != nil {
		return err
	}
	out.Complete = len(out.Missing) == 0
	if !out.Complete || point != PointCN {
		return nil
	}
	switch {
	case subjT && qualT && minTest >= rs.PrimaryExcellent:
		out.Result = OutcomeHTXS
	case subjT && qualT && minTest >= rs.PrimaryGood:
		out.Result = OutcomeHTT
	case subjOK && qualOK && minTest >= rs.PrimaryPass:
		out.Result = OutcomeHT
	default:
		out.Result = OutcomeCHT
	}
	if rs.Awards {
		switch {
		case out.Result == OutcomeHTXS:
			out.Award = AwardExcellent
		case out.Result == OutcomeHTT && in.Nominated:
			out.Award = AwardExemplary
		}
	}
	out.CompletedGrade = out.Result >= OutcomeHT
	out.CompletedPrimary = out.CompletedGrade && in.Grade == 5
	return nil
}

func idx(i int) string { return "[" + strconv.Itoa(i) + "]" }
