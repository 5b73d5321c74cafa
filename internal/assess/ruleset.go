package assess

import "strings"

// RuleSet is one circular's rules with all its thresholds as parameters. A
// rule set never changes once published: a new circular, or a corrected
// reading of one, is a new RuleSet with a new Version, so stored results can
// be recomputed under the version that produced them.
type RuleSet struct {
	ID      string      // "tt22", "tt43", "tt27"
	Version string      // "tt22/2021.1"
	Name    string      // the circular, in Vietnamese
	Level   SchoolLevel // Primary for tt27; THCS (grades 6-12) for secondary rule sets
	// MinGrade and MaxGrade bound the grades the rule set accepts.
	MinGrade, MaxGrade int

	// Secondary (Điều 6): regular marks per semester. Comment subjects hold
	// RegularComment; scored subjects RegularLow up to PeriodsLow periods a
	// year, RegularMid up to PeriodsMid, RegularHigh above.
	RegularComment, RegularLow, RegularMid, RegularHigh int
	PeriodsLow, PeriodsMid                              int

	// Secondary learning levels (Điều 9.2), scores in tenths.
	GoodAllMin    Score // Tốt: every scored subject ≥ (6.5)
	GoodCountMin  Score // Tốt: at least GoodCount subjects ≥ (8.0)
	GoodCount     int   // (6; 5 in tt43)
	FairAllMin    Score // Khá: every scored subject ≥ (5.0)
	FairCountMin  Score // Khá: at least FairCount subjects ≥ (6.5)
	FairCount     int   // (6; 5 in tt43)
	PassCountMin  Score // Đạt: at least PassCount subjects ≥ (5.0)
	PassCount     int   // (6; 5 in tt43)
	PassFloor     Score // Đạt: no scored subject below (3.5)
	PassMaxFailed int   // Đạt: at most (1) comment subject Chưa đạt

	// Promotion and re-tests (Điều 12-14).
	MaxAbsences int   // promoted only with at most (45) sessions absent
	RetestBelow Score // scored subjects below (5.0) are re-tested

	// Awards (Điều 15). Awards false: the rule set gives none (tt43).
	Awards           bool
	ExcellentMin     Score // Xuất sắc: at least ExcellentCount subjects ≥ (9.0)
	ExcellentCount   int   // (6)
	PrimaryExcellent int   // tt27 HTXS: every end-of-year test ≥ (9)
	PrimaryGood      int   // tt27 HTT: every test ≥ (7)
	PrimaryPass      int   // tt27 HT: every test ≥ (5)
}

// TT22 is Circular 22/2021/TT-BGDĐT, secondary schools (grades 6-12).
var TT22 = RuleSet{
	ID: "tt22", Version: "tt22/2021.1", Name: "Thông tư 22/2021/TT-BGDĐT",
	Level: THCS, MinGrade: 6, MaxGrade: 12,
	RegularComment: 2, RegularLow: 2, RegularMid: 3, RegularHigh: 4,
	PeriodsLow: 35, PeriodsMid: 70,
	GoodAllMin: 65, GoodCountMin: 80, GoodCount: 6,
	FairAllMin: 50, FairCountMin: 65, FairCount: 6,
	PassCountMin: 50, PassCount: 6, PassFloor: 35, PassMaxFailed: 1,
	MaxAbsences: 45, RetestBelow: 50,
	Awards: true, ExcellentMin: 90, ExcellentCount: 6,
}

// TT43 is Circular 43/2021/TT-BGDĐT, continuing education (GDTX): TT22's
// structure with subject-count thresholds of 5 and no awards.
var TT43 = func() RuleSet {
	r := TT22
	r.ID, r.Version, r.Name = "tt43", "tt43/2021.1", "Thông tư 43/2021/TT-BGDĐT"
	r.GoodCount, r.FairCount, r.PassCount = 5, 5, 5
	r.Awards, r.ExcellentMin, r.ExcellentCount = false, 0, 0
	return r
}()

// TT27 is Circular 27/2020/TT-BGDĐT, primary schools (grades 1-5).
var TT27 = RuleSet{
	ID: "tt27", Version: "tt27/2020.1", Name: "Thông tư 27/2020/TT-BGDĐT",
	Level: Primary, MinGrade: 1, MaxGrade: 5,
	Awards:           true,
	PrimaryExcellent: 9, PrimaryGood: 7, PrimaryPass: 5,
}

var registry = []*RuleSet{&TT22, &TT43, &TT27}

// Lookup finds a rule set by id ("tt22", the current version) or by id and
// version ("tt22/2021.1").
func Lookup(id string) (RuleSet, bool) {
	if rs := lookup(id); rs != nil {
		return *rs, true
	}
	return RuleSet{}, false
}

func lookup(id string) *RuleSet {
	for _, rs := range registry {
		if rs.Version == id {
			return rs
		}
	}
	// Latest version of the id: the last registered one.
	var found *RuleSet
	if !strings.Contains(id, "/") {
		for _, rs := range registry {
			if rs.ID == id {
				found = rs
			}
		}
	}
	return found
}

// RuleSets lists every registered rule set, every version.
func RuleSets() []RuleSet {
	out := make([]RuleSet, len(registry))
	for i, rs := range registry {
		out[i] = *rs
	}
	return out
}

// Secondary reports whether the rule set is for secondary grades.
func (rs *RuleSet) Secondary() bool { return rs.Level != Primary }

// RegularCount returns how many regular marks a subject holds per semester.
func (rs *RuleSet) RegularCount(by AssessedBy, periodsPerYear int) int {
	switch {
	case by == ByComment:
		return rs.RegularComment
	case periodsPerYear <= rs.PeriodsLow:
		return rs.RegularLow
	case periodsPerYear <= rs.PeriodsMid:
		return rs.RegularMid
	}
	return rs.RegularHigh
}

// Level is a secondary learning result or conduct level. The zero Level is
// "not computable" (null in JSON); the others are ordered CD < D < K < T.
type Level uint8

// The secondary levels.
const (
	LevelNone Level = iota
	LevelCD         // Chưa đạt
	LevelD          // Đạt
	LevelK          // Khá
	LevelT          // Tốt
)

var levelCodes = [...]string{"", "CD", "D", "K", "T"}
var levelNames = [...]string{"", "Chưa đạt", "Đạt", "Khá", "Tốt"}

// Code returns "T", "K", "D", "CD" or "" for LevelNone.
func (l Level) Code() string {
	if int(l) < len(levelCodes) {
		return levelCodes[l]
	}
	return ""
}

// String returns the Vietnamese word: "Tốt", "Khá", "Đạt", "Chưa đạt".
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return ""
}

// ParseLevel parses "T", "K", "D" or "CD".
func ParseLevel(s string) (Level, bool) {
	for i := 1; i < len(levelCodes); i++ {
		if levelCodes[i] == s {
			return Level(i), true
		}
	}
	return LevelNone, false
}

// MarshalJSON writes the code as a JSON string, or null for LevelNone.
func (l Level) MarshalJSON() ([]byte, error) { return jsonCode(l.Code()), nil }

func jsonCode(s string) []byte {
	if s == "" {
		return []byte("null")
	}
	return []byte(`"` + s + `"`)
}

// conductTable is Điều 8's year conduct, indexed [hk2][hk1].
var conductTable = [5][5]Level{
	LevelT:  {LevelT: LevelT, LevelK: LevelT, LevelD: LevelK, LevelCD: LevelK},
	LevelK:  {LevelT: LevelK, LevelK: LevelK, LevelD: LevelK, LevelCD: LevelD},
	LevelD:  {LevelT: LevelK, LevelK: LevelD, LevelD: LevelD, LevelCD: LevelD},
	LevelCD: {LevelT: LevelCD, LevelK: LevelCD, LevelD: LevelCD, LevelCD: LevelCD},
}

// YearConduct returns the year conduct from the two semesters' (Điều 8 table),
// or LevelNone when either is missing.
func YearConduct(hk1, hk2 Level) Level {
	if hk1 == LevelNone || hk2 == LevelNone || hk1 > LevelT || hk2 > LevelT {
		return LevelNone
	}
	return conductTable[hk2][hk1]
}
