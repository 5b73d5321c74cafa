package assess

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

func TestSemesterAndYearAverage(t *testing.T) {
	sc := func(vs ...Score) []Score { return vs }
	tests := []struct {
		name     string
		regular  []Score
		mid, fin Score
		want     Score
	}{
		{"spec example HK I", sc(80, 75, 90, 60), 70, 85, 78},
		{"spec HK II of the JSON example", sc(80, 80, 90, 70), 80, 85, 82},
		{"exactly 6.65 rounds up", sc(65, 65, 65), 65, 69, 67},
		{"6.642… rounds down", sc(65, 65), 65, 68, 66},
		{"all tens", sc(100, 100), 100, 100, 100},
		{"all zeros", sc(0, 0, 0, 0), 0, 0, 0},
		{"x.x5 exactly with two regular", sc(60, 65), 66, 66, 65}, // (125+132+198)/7 = 65
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SemesterAverage(tc.regular, tc.mid, tc.fin); got != tc.want {
				t.Errorf("SemesterAverage = %v, want %v", got, tc.want)
			}
		})
	}
	years := []struct{ hk1, hk2, want Score }{
		{78, 83, 81}, // spec: (7.8 + 16.6)/3 = 8.133…
		{78, 82, 81}, // JSON example: 8.066…
		{66, 67, 67}, // 6.666…
		{67, 66, 66}, // 6.633…
		{100, 100, 100},
		{0, 0, 0},
		{49, 50, 50}, // 4.966…
		{50, 49, 49}, // 4.933…
	}
	for _, tc := range years {
		if got := YearAverage(tc.hk1, tc.hk2); got != tc.want {
			t.Errorf("YearAverage(%v, %v) = %v, want %v", tc.hk1, tc.hk2, got, tc.want)
		}
	}
}

// TestRoundTenthsExhaustive checks half-up rounding against the definition
// for every fraction the formulas can produce.
func TestRoundTenthsExhaustive(t *testing.T) {
	for den := 1; den <= 9; den++ {
		for num := 0; num <= 100*den; num++ {
			got := int(roundTenths(num, den))
			// got is the unique integer with got-0.5 ≤ num/den < got+0.5.
			if !(2*num >= (2*got-1)*den && 2*num < (2*got+1)*den) {
				t.Fatalf("roundTenths(%d, %d) = %d", num, den, got)
			}
		}
	}
}

func TestParseScore(t *testing.T) {
	tests := []struct {
		in      string
		want    Score
		wantErr error
	}{
		{"7", 70, nil}, {"7.5", 75, nil}, {"7,5", 75, nil}, {"10", 100, nil}, {"0", 0, nil},
		{"10.0", 100, nil}, {"7.50", 75, nil}, {"1e1", 100, nil}, {"75e-1", 75, nil}, {"0.0", 0, nil},
		{" 8,5 ", 85, nil}, {"-0", 0, nil},
		{"7.25", 0, ErrScoreDecimals}, {"0.05", 0, ErrScoreDecimals}, {"1e-2", 0, ErrScoreDecimals},
		{"10.5", 0, ErrScoreRange}, {"11", 0, ErrScoreRange}, {"-1", 0, ErrScoreRange}, {"1e5", 0, ErrScoreRange},
		{"1e99999999999999999999", 0, ErrScoreRange}, {"1e-99999999999999999999", 0, ErrScoreDecimals},
		{"", 0, ErrScoreSyntax}, {"abc", 0, ErrScoreSyntax}, {"7.", 0, ErrScoreSyntax}, {".5", 0, ErrScoreSyntax},
		{"7,5,1", 0, ErrScoreSyntax}, {"1e", 0, ErrScoreSyntax},
	}
	for _, tc := range tests {
		got, err := ParseScore(tc.in)
		if tc.wantErr != nil {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr.Error()) {
				t.Errorf("ParseScore(%q) = %v, %v; want error %v", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseScore(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if err := func() error { _, err := ParseScore("7.25"); return err }(); err.Error() != "7.25 has more than one decimal" {
		t.Errorf("message %q", err)
	}
}

func TestScoreFormat(t *testing.T) {
	for _, tc := range []struct {
		s       Score
		vi, dot string
	}{{75, "7,5", "7.5"}, {80, "8", "8"}, {100, "10", "10"}, {0, "0", "0"}, {5, "0,5", "0.5"}} {
		if tc.s.String() != tc.vi || tc.s.Dot() != tc.dot {
			t.Errorf("%d: %q %q", tc.s, tc.s.String(), tc.s.Dot())
		}
	}
}

func TestRegularCount(t *testing.T) {
	tests := []struct {
		by      AssessedBy
		periods int
		want    int
	}{
		{ByComment, 35, 2}, {ByComment, 140, 2}, {ByScore, 35, 2}, {ByScore, 36, 3}, {ByScore, 52, 3},
		{ByScore, 70, 3}, {ByScore, 71, 4}, {ByScore, 105, 4}, {ByScore, 140, 4},
	}
	for _, tc := range tests {
		if got := RegularCount(tc.by, tc.periods); got != tc.want {
			t.Errorf("RegularCount(%s, %d) = %d, want %d", tc.by, tc.periods, got, tc.want)
		}
	}
}

func TestDefaultPeriods(t *testing.T) {
	tests := []struct {
		code  string
		grade int
		want  int
		ok    bool
	}{
		{"toan", 6, 140, true}, {"toan", 10, 105, true}, {"cong_nghe", 7, 35, true}, {"cong_nghe", 8, 52, true},
		{"cong_nghe", 11, 70, true}, {"gdcd", 10, 0, false}, {"lich_su", 9, 0, false}, {"lich_su", 12, 52, true},
		{"nope", 8, 0, false}, {"toan", 5, 0, false},
	}
	for _, tc := range tests {
		got, ok := DefaultPeriods(tc.code, tc.grade)
		if got != tc.want || ok != tc.ok {
			t.Errorf("DefaultPeriods(%s, %d) = %d, %v", tc.code, tc.grade, got, ok)
		}
	}
	if SubjectName("hoa_hoc") != "Hoá học" || SubjectName("tieng_viet") != "Tiếng Việt" {
		t.Error("SubjectName")
	}
	if n := len(SubjectsForGrade(8)); n != 12 {
		t.Errorf("grade 8 has %d subjects, want 12", n)
	}
}

func TestLearningLevels(t *testing.T) {
	cd1 := []bool{true, false, true, true}
	cd2 := []bool{false, false, true, true}
	tests := []struct {
		name     string
		rs       RuleSet
		scores   []Score
		pass     []bool
		computed Level
		learning Level
		cause    string
	}{
		// Tốt and each of its conditions.
		{"T all conditions", TT22, cat(rep(80, 6), rep(65, 2)), allPass(), LevelT, LevelT, ""},
		{"T boundaries 8.0 and 6.5 count", TT22, cat(rep(80, 6), rep(65, 2)), allPass(), LevelT, LevelT, ""},
		{"T fails: a scored subject 6.4", TT22, cat(rep(80, 7), rep(64, 1)), allPass(), LevelK, LevelK, ""},
		{"T fails: only 5 subjects ≥ 8.0", TT22, cat(rep(80, 5), rep(79, 3)), allPass(), LevelK, LevelK, ""},
		{"T fails: a comment subject CD → D, adjusted to K", TT22, rep(90, 8), cd1, LevelD, LevelK, "nghe_thuat"},
		// Khá and each of its conditions.
		{"K all conditions", TT22, cat(rep(65, 6), rep(50, 2)), allPass(), LevelK, LevelK, ""},
		{"K fails: a scored subject 4.9", TT22, cat(rep(65, 6), rep(50, 1), rep(49, 1)), allPass(), LevelD, LevelD, ""},
		{"K fails: only 5 subjects ≥ 6.5", TT22, cat(rep(65, 5), rep(64, 3)), allPass(), LevelD, LevelD, ""},
		{"K fails: a comment subject CD", TT22, cat(rep(65, 6), rep(50, 2)), cd1, LevelD, LevelD, ""},
		// Đạt and each of its conditions.
		{"D all conditions", TT22, cat(rep(50, 6), rep(35, 2)), cd1, LevelD, LevelD, ""},
		{"D fails: two comment subjects CD", TT22, rep(50, 8), cd2, LevelCD, LevelCD, ""},
		{"D fails: only 5 subjects ≥ 5.0", TT22, cat(rep(50, 5), rep(49, 3)), allPass(), LevelCD, LevelCD, ""},
		{"D fails: a subject below 3.5", TT22, cat(rep(50, 7), rep(34, 1)), allPass(), LevelCD, LevelCD, ""},
		// Điều 9.3 adjustment.
		{"T pulled to D by one subject → K", TT22, cat(rep(80, 7), rep(49, 1)), allPass(), LevelD, LevelK, "tin_hoc"},
		{"T pulled to CD by one subject → D", TT22, cat(rep(80, 7), rep(30, 1)), allPass(), LevelCD, LevelD, "tin_hoc"},
		{"K pulled to CD by one subject → D", TT22, cat(rep(30, 1), rep(65, 7)), allPass(), LevelCD, LevelD, "ngu_van"},
		{"T pulled to CD by a comment subject and… no: two CD", TT22, rep(90, 8), cd2, LevelCD, LevelCD, ""},
		{"best change reaches only one level up", TT22, cat(rep(65, 7), rep(49, 1)), allPass(), LevelD, LevelD, ""},
		{"too few scored subjects: no adjustment possible", TT22, rep(90, 5), allPass(), LevelCD, LevelCD, ""},
		// tt43: counts of 5.
		{"tt43 T with 5 subjects ≥ 8.0", TT43, cat(rep(80, 5), rep(65, 3)), allPass(), LevelT, LevelT, ""},
		{"tt22 same marks: K", TT22, cat(rep(80, 5), rep(65, 3)), allPass(), LevelK, LevelK, ""},
		{"tt43 K with 5 subjects ≥ 6.5", TT43, cat(rep(65, 5), rep(50, 3)), allPass(), LevelK, LevelK, ""},
		{"tt43 D with 5 subjects ≥ 5.0", TT43, cat(rep(50, 5), rep(49, 3)), allPass(), LevelD, LevelD, ""},
		{"tt43 only 5 scored subjects, all 8.0", TT43, rep(80, 5), allPass(), LevelT, LevelT, ""},
		{"tt22 only 5 scored subjects, all 8.0", TT22, rep(80, 5), allPass(), LevelCD, LevelCD, ""},
		{"tt43 4 subjects ≥ 5.0", TT43, cat(rep(50, 4), rep(49, 4)), allPass(), LevelCD, LevelCD, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustEval(t, tc.rs, pupil(tc.scores, tc.pass))
			for _, tr := range []TermResult{r.HK[0], r.HK[1], r.Year.TermResult} {
				if tr.LearningComputed != tc.computed || tr.Learning != tc.learning || tr.AdjustedFor != tc.cause {
					t.Errorf("got computed %s learning %s cause %q; want %s %s %q",
						tr.LearningComputed.Code(), tr.Learning.Code(), tr.AdjustedFor,
						tc.computed.Code(), tc.learning.Code(), tc.cause)
				}
			}
			// Every level has an explanation whose first met check is the computed level.
			e := r.Explain()
			got := ""
			for _, c := range e.Year.Checks {
				if c.Met {
					got = c.Code
					break
				}
			}
			if want := tc.computed.Code(); (want == "CD" && got != "") || (want != "CD" && got != want) {
				t.Errorf("explanation's first met level %q, computed %q", got, want)
			}
			if tc.cause != "" && len(e.Year.Notes) == 0 {
				t.Error("adjustment not explained")
			}
		})
	}
}

func TestNotAssessed(t *testing.T) {
	in := pupil(cat(rep(80, 6), rep(65, 1), rep(20, 1)), allPass())
	if r := mustEval(t, TT22, in); r.Year.LearningComputed != LevelCD {
		t.Fatalf("setup: %s", r.Year.LearningComputed.Code())
	}
	in.Subjects[7].NotAssessed = true
	in.Subjects[7].HK = [2]Semester{} // nothing entered: not missing either
	in.Subjects[9].NotAssessed = true
	in.Subjects[9].HK = [2]Semester{}
	r := mustEval(t, TT22, in)
	if !r.Complete || r.Year.Learning != LevelT || r.Subjects[7].Year.Known() {
		t.Errorf("not assessed: complete %v learning %s %v", r.Complete, r.Year.Learning.Code(), r.Subjects[7].Year)
	}
}

func TestConductTable(t *testing.T) {
	T, K, D, CD := LevelT, LevelK, LevelD, LevelCD
	// want[hk2][hk1] in the order T, K, D, CD, as in the spec's table.
	order := []Level{T, K, D, CD}
	want := [][]Level{
		{T, T, K, K},
		{K, K, K, D},
		{K, D, D, D},
		{CD, CD, CD, CD},
	}
	for i, hk2 := range order {
		for j, hk1 := range order {
			if got := YearConduct(hk1, hk2); got != want[i][j] {
				t.Errorf("HK I %s, HK II %s: %s, want %s", hk1.Code(), hk2.Code(), got.Code(), want[i][j].Code())
			}
			in := pupil(rep(80, 8), allPass())
			in.Conduct = [2]Level{hk1, hk2}
			if r := mustEval(t, TT22, in); r.Year.Conduct != want[i][j] {
				t.Errorf("EvalSecondary: HK I %s, HK II %s: %s", hk1.Code(), hk2.Code(), r.Year.Conduct.Code())
			}
		}
	}
	if YearConduct(LevelNone, T) != LevelNone {
		t.Error("missing semester conduct must give none")
	}
}

func TestPromotion(t *testing.T) {
	good := cat(rep(80, 6), rep(65, 2))
	weak := cat(rep(50, 4), rep(40, 3), rep(65, 1)) // 5 subjects ≥ 5.0 → CD; re-test the three at 4.0
	tests := []struct {
		name      string
		scores    []Score
		pass      []bool
		conduct   [2]Level
		summer    Level
		absent    int
		grade     int
		retest    map[string]Mark
		promotion Promotion
		list      []string
		final     Level
		conductF  Level
	}{
		{name: "promoted", scores: good, pass: allPass(), conduct: [2]Level{LevelT, LevelT}, promotion: Promoted, final: LevelT, conductF: LevelT},
		{name: "45 sessions absent: promoted", scores: good, pass: allPass(), conduct: [2]Level{LevelT, LevelT}, absent: 45, promotion: Promoted, final: LevelT, conductF: LevelT},
		{name: "46 sessions absent: retained", scores: good, pass: allPass(), conduct: [2]Level{LevelT, LevelT}, absent: 46, promotion: Retained, final: LevelT, conductF: LevelT},
		{name: "absences beat re-tests", scores: weak, pass: allPass(), conduct: [2]Level{LevelT, LevelT}, absent: 60,
			retest: map[string]Mark{"cong_nghe": ScoreMark(80), "lich_su_dia_li": ScoreMark(80), "khtn": ScoreMark(80)}, promotion: Retained, final: LevelCD, conductF: LevelT},
		{name: "conduct CD: summer training", scores: good, pass: allPass(), conduct: [2]Level{LevelT, LevelCD}, promotion: SummerTraining, final: LevelT, conductF: LevelCD},
		{name: "conduct CD, summer D: promoted", scores: good, pass: allPass(), conduct: [2]Level{LevelT, LevelCD}, summer: LevelD, promotion: Promoted, final: LevelT, conductF: LevelD},
		{name: "conduct CD, summer CD: retained", scores: good, pass: allPass(), conduct: [2]Level{LevelT, LevelCD}, summer: LevelCD, promotion: Retained, final: LevelT, conductF: LevelCD},
		{name: "conduct and learning CD: training first", scores: weak, pass: allPass(), conduct: [2]Level{LevelCD, LevelCD}, promotion: SummerTraining, final: LevelCD, conductF: LevelCD},
		{name: "conduct and learning CD, summer K: re-tests", scores: weak, pass: allPass(), conduct: [2]Level{LevelCD, LevelCD}, summer: LevelK,
			promotion: Retest, list: []string{"lich_su_dia_li", "khtn", "cong_nghe"}, final: LevelCD, conductF: LevelK},
		{name: "learning CD: re-test pending", scores: weak, pass: []bool{true, false, true, true}, conduct: [2]Level{LevelK, LevelK},
			promotion: Retest, list: []string{"lich_su_dia_li", "khtn", "cong_nghe", "nghe_thuat"}, final: LevelCD, conductF: LevelK},
		{name: "some re-tests given: still pending", scores: weak, pass: allPass(), conduct: [2]Level{LevelK, LevelK},
			retest: map[string]Mark{"cong_nghe": ScoreMark(60)}, promotion: Retest, list: []string{"lich_su_dia_li", "khtn", "cong_nghe"}, final: LevelCD, conductF: LevelK},
		{name: "re-tests pass: promoted", scores: weak, pass: []bool{true, false, true, true}, conduct: [2]Level{LevelK, LevelK},
			retest:    map[string]Mark{"cong_nghe": ScoreMark(50), "lich_su_dia_li": ScoreMark(45), "khtn": ScoreMark(35), "nghe_thuat": Pass},
			promotion: Promoted, list: []string{"lich_su_dia_li", "khtn", "cong_nghe", "nghe_thuat"}, final: LevelD, conductF: LevelK},
		{name: "re-tests fail: retained", scores: weak, pass: allPass(), conduct: [2]Level{LevelK, LevelK},
			retest:    map[string]Mark{"cong_nghe": ScoreMark(40), "lich_su_dia_li": ScoreMark(45), "khtn": ScoreMark(30)},
			promotion: Retained, list: []string{"lich_su_dia_li", "khtn", "cong_nghe"}, final: LevelCD, conductF: LevelK},
		{name: "re-test recomputation includes the adjustment", scores: cat(rep(80, 4), rep(30, 2), rep(80, 2)), pass: allPass(), conduct: [2]Level{LevelT, LevelT},
			retest:    map[string]Mark{"lich_su_dia_li": ScoreMark(100), "khtn": ScoreMark(49)},
			promotion: Promoted, list: []string{"lich_su_dia_li", "khtn"}, final: LevelK, conductF: LevelT},
		{name: "grade 9 promoted", grade: 9, scores: good, pass: allPass(), conduct: [2]Level{LevelT, LevelT}, promotion: Promoted, final: LevelT, conductF: LevelT},
		{name: "too few scored subjects: nothing to re-test, retained", scores: rep(90, 5), pass: allPass(), conduct: [2]Level{LevelT, LevelT}, promotion: Retained, final: LevelCD, conductF: LevelT},
		{name: "missing conduct: undecided", scores: good, pass: allPass(), conduct: [2]Level{LevelT, LevelNone}, promotion: PromotionNone, final: LevelT, conductF: LevelNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := pupil(tc.scores, tc.pass)
			if tc.grade != 0 {
				in.Grade = tc.grade
			}
			in.Conduct, in.SummerConduct, in.AbsentSessions = tc.conduct, tc.summer, tc.absent
			for i := range in.Subjects {
				if m, ok := tc.retest[in.Subjects[i].Code]; ok {
					in.Subjects[i].Retest = m
				}
			}
			r := mustEval(t, TT22, in)
			y := r.Year
			if y.Promotion != tc.promotion || y.LearningFinal != tc.final || y.ConductFinal != tc.conductF {
				t.Errorf("promotion %q final %s conduct_final %s; want %q %s %s (learning %s)", y.Promotion, y.LearningFinal.Code(),
					y.ConductFinal.Code(), tc.promotion, tc.final.Code(), tc.conductF.Code(), y.Learning.Code())
			}
			if !slices.Equal(y.RetestSubjects, tc.list) && !(len(y.RetestSubjects) == 0 && len(tc.list) == 0) {
				t.Errorf("retest subjects %v, want %v", y.RetestSubjects, tc.list)
			}
			if r.CompletesProgramme() != (tc.grade == 9 && tc.promotion == Promoted) {
				t.Errorf("CompletesProgramme %v", r.CompletesProgramme())
			}
			if e := r.Explain(); e.Promotion.Title == "" || len(e.Promotion.Checks) != 1 {
				t.Error("promotion explanation")
			}
		})
	}
}

func TestRetestYearFinal(t *testing.T) {
	in := pupil(cat(rep(50, 4), rep(40, 3), rep(65, 1)), allPass())
	for i := range thcsScored {
		in.Subjects[i].Retest = ScoreMark(60) // on every scored subject; only the listed ones count
	}
	r := mustEval(t, TT22, in)
	for _, s := range r.Subjects {
		listed := slices.Contains(r.Year.RetestSubjects, s.Code)
		if listed && s.YearFinal != ScoreMark(60) || !listed && s.YearFinal != s.Year {
			t.Errorf("%s: year %v final %v listed %v", s.Code, s.Year, s.YearFinal, listed)
		}
	}
}

func TestAwards(t *testing.T) {
	tests := []struct {
		name    string
		rs      RuleSet
		scores  []Score
		conduct [2]Level
		want    Award
	}{
		{"xuat sac: 6 subjects ≥ 9.0", TT22, cat(rep(90, 6), rep(70, 2)), [2]Level{LevelT, LevelT}, AwardExcellent},
		{"gioi: 5 subjects ≥ 9.0", TT22, cat(rep(90, 5), rep(89, 1), rep(80, 2)), [2]Level{LevelT, LevelT}, AwardGood},
		{"conduct K (HK II K): none", TT22, rep(100, 8), [2]Level{LevelT, LevelK}, AwardNone},
		{"conduct T from HK I K, HK II T", TT22, rep(100, 8), [2]Level{LevelK, LevelT}, AwardExcellent},
		{"learning K: none", TT22, cat(rep(95, 7), rep(60, 1)), [2]Level{LevelT, LevelT}, AwardNone},
		{"tt43 gives no award", TT43, rep(100, 8), [2]Level{LevelT, LevelT}, AwardNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := pupil(tc.scores, allPass())
			in.Conduct = tc.conduct
			r := mustEval(t, tc.rs, in)
			if r.Year.Award != tc.want {
				t.Errorf("award %q, want %q", r.Year.Award, tc.want)
			}
			e := r.Explain().Award
			if tc.rs.Awards && (len(e.Checks) != 2 || (e.Checks[0].Met != (tc.want == AwardExcellent))) {
				t.Errorf("award explanation %+v", e)
			}
		})
	}
}

func TestIncomplete(t *testing.T) {
	in := pupil(rep(80, 8), allPass())
	in.Subjects[1].HK[1].Final = Empty
	in.Subjects[1].HK[0].Regular[2] = Pending
	in.Subjects[8].HK[1].Midterm = Empty // gdtc HK II
	in.Conduct[0] = LevelNone
	r := mustEval(t, TT22, in)
	want := []string{"toan.hk1.regular[2]", "toan.hk2.final", "gdtc.hk2.midterm", "conduct.hk1"}
	if r.Complete || !slices.Equal(r.Missing, want) {
		t.Fatalf("complete %v missing %v", r.Complete, r.Missing)
	}
	if r.HK[0].Learning != LevelNone || r.HK[1].Learning != LevelNone || r.Year.Learning != LevelNone {
		t.Errorf("levels computed from incomplete data")
	}
	if r.Subjects[1].HK[0].Known() || r.Subjects[1].Year.Known() || r.Subjects[8].Year.Known() {
		t.Error("subject results from incomplete data")
	}
	if r.Year.Conduct != LevelNone || r.HK[1].Conduct != LevelT || r.Year.Promotion != PromotionNone {
		t.Error("conduct/promotion")
	}
	if e := r.Explain(); e.Year.Result != "" || len(e.Year.Notes) == 0 {
		t.Error("incomplete explanation")
	}
	// A semester with nothing entered lists every cell.
	in = pupil(rep(80, 8), allPass())
	in.Subjects[0].HK[1] = Semester{}
	r = mustEval(t, TT22, in)
	if len(r.Missing) != 6 || r.HK[0].Learning != LevelT {
		t.Errorf("missing %v, hk1 %s", r.Missing, r.HK[0].Learning.Code())
	}
}

func TestEvalSecondaryErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*SecondaryInput)
		rs     RuleSet
		field  string
	}{
		{"grade low", func(in *SecondaryInput) { in.Grade = 5 }, TT22, "grade"},
		{"grade high", func(in *SecondaryInput) { in.Grade = 13 }, TT22, "grade"},
		{"primary rule set", func(in *SecondaryInput) {}, TT27, "ruleset"},
		{"unknown code", func(in *SecondaryInput) { in.Subjects[0].Code = "xyz" }, TT22, "subjects[0].code"},
		{"duplicate", func(in *SecondaryInput) { in.Subjects[1].Code = "ngu_van" }, TT22, "subjects[1].code"},
		{"too many marks", func(in *SecondaryInput) { in.Subjects[0].HK[0].Regular = append(in.Subjects[0].HK[0].Regular, Pass) }, TT22, "subjects[0].hk1.regular"},
		{"score out of range", func(in *SecondaryInput) { in.Subjects[0].HK[1].Regular[1] = ScoreMark(101) }, TT22, "subjects[0].hk2.regular[1]"},
		{"D on scored", func(in *SecondaryInput) { in.Subjects[0].HK[0].Final = Pass }, TT22, "subjects[0].hk1.final"},
		{"score on comment", func(in *SecondaryInput) { in.Subjects[8].HK[0].Midterm = ScoreMark(80) }, TT22, "subjects[8].hk1.midterm"},
		{"P retest", func(in *SecondaryInput) { in.Subjects[0].Retest = Pending }, TT22, "subjects[0].retest"},
		{"no default periods", func(in *SecondaryInput) { in.Subjects[0].Code = "vat_li" }, TT22, "subjects[0].periods_per_year"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := pupil(rep(80, 8), allPass())
			tc.modify(&in)
			_, err := EvalSecondary(tc.rs, in)
			if err == nil || !strings.HasPrefix(err.Error(), tc.field+":") {
				t.Errorf("err %v, want field %s", err, tc.field)
			}
		})
	}
}

// randomPupil returns a complete random pupil, scores biased to the
// thresholds so that every level occurs.
func randomPupil(rng *rand.Rand) SecondaryInput {
	in := SecondaryInput{Grade: 6 + rng.Intn(4), Conduct: [2]Level{Level(1 + rng.Intn(4)), Level(1 + rng.Intn(4))}}
	in.AbsentSessions = rng.Intn(50)
	base := 30 + rng.Intn(70)
	for _, code := range thcsScored {
		n := regularN(code, in.Grade)
		var hk [2]Semester
		for t := range hk {
			reg := make([]Mark, n)
			for k := range reg {
				reg[k] = ScoreMark(Score(min(100, max(0, base+rng.Intn(41)-20))))
			}
			hk[t] = Semester{Regular: reg, Midterm: ScoreMark(Score(min(100, max(0, base+rng.Intn(41)-20)))),
				Final: ScoreMark(Score(min(100, max(0, base+rng.Intn(41)-20))))}
		}
		in.Subjects = append(in.Subjects, SubjectInput{Code: code, HK: hk})
	}
	for _, code := range thcsComment {
		var hk [2]Semester
		for t := range hk {
			m := func() Mark {
				if rng.Intn(12) == 0 {
					return Fail
				}
				return Pass
			}
			hk[t] = Semester{Regular: []Mark{m(), m()}, Midterm: m(), Final: m()}
		}
		in.Subjects = append(in.Subjects, SubjectInput{Code: code, HK: hk})
	}
	rng.Shuffle(len(in.Subjects), func(i, j int) { in.Subjects[i], in.Subjects[j] = in.Subjects[j], in.Subjects[i] })
	return in
}

func clone(in SecondaryInput) SecondaryInput {
	out := in
	out.Subjects = slices.Clone(in.Subjects)
	for i := range out.Subjects {
		for t := 0; t < 2; t++ {
			out.Subjects[i].HK[t].Regular = slices.Clone(in.Subjects[i].HK[t].Regular)
		}
	}
	return out
}

func TestPropertyMonotoneAndAdjustment(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	seen := map[Level]int{}
	adjusted := 0
	for iter := 0; iter < 20000; iter++ {
		rs := TT22
		if iter%3 == 0 {
			rs = TT43
		}
		in := randomPupil(rng)
		r := mustEval(t, rs, in)
		terms := func(r SecondaryResult) [3]TermResult { return [3]TermResult{r.HK[0], r.HK[1], r.Year.TermResult} }
		for _, tr := range terms(r) {
			if d := int(tr.Learning) - int(tr.LearningComputed); d < 0 || d > 1 {
				t.Fatalf("adjustment by %d levels", d)
			}
			if (tr.AdjustedFor != "") != (tr.Learning != tr.LearningComputed) {
				t.Fatal("adjusted_for inconsistent")
			}
			if tr.AdjustedFor != "" {
				adjusted++
			}
		}
		seen[r.Year.Learning]++
		for _, s := range r.Subjects {
			if s.AssessedBy == ByComment && s.Year != s.HK[1] {
				t.Fatalf("comment subject %s: year %v, HK II %v", s.Code, s.Year, s.HK[1])
			}
		}
		// Raise one mark.
		up := clone(in)
		s := &up.Subjects[rng.Intn(len(up.Subjects))]
		sem := &s.HK[rng.Intn(2)]
		cell := rng.Intn(len(sem.Regular) + 2)
		var m *Mark
		switch cell {
		case len(sem.Regular):
			m = &sem.Midterm
		case len(sem.Regular) + 1:
			m = &sem.Final
		default:
			m = &sem.Regular[cell]
		}
		if m.Kind == MarkScore {
			m.Score += Score(rng.Intn(int(MaxScore-m.Score) + 1))
		} else {
			*m = Pass
		}
		r2 := mustEval(t, rs, up)
		a, b := terms(r), terms(r2)
		for k := range a {
			if b[k].Learning < a[k].Learning || b[k].LearningComputed < a[k].LearningComputed {
				t.Fatalf("raising a mark lowered term %d: %s→%s (computed %s→%s)", k,
					a[k].Learning.Code(), b[k].Learning.Code(), a[k].LearningComputed.Code(), b[k].LearningComputed.Code())
			}
		}
	}
	for l := LevelCD; l <= LevelT; l++ {
		if seen[l] == 0 {
			t.Errorf("random pupils never reached %s", l.Code())
		}
	}
	if adjusted == 0 {
		t.Error("random pupils never adjusted")
	}
}

func TestExplainTexts(t *testing.T) {
	r := mustEval(t, TT22, pupil(cat(rep(80, 7), rep(49, 1)), allPass()))
	e := r.Explain()
	texts := []string{}
	for _, c := range e.Year.Checks {
		for _, cond := range c.Conditions {
			texts = append(texts, cond.Text)
		}
	}
	joined := strings.Join(texts, "\n")
	for _, want := range []string{"Tất cả môn đánh giá bằng nhận xét đạt Đạt", "Mọi môn tính điểm có ĐTBm ≥ 6,5",
		"Ít nhất 6 môn tính điểm có ĐTBm ≥ 8,0 (có 7 môn)", "Không có môn tính điểm nào có ĐTBm dưới 3,5"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %q in\n%s", want, joined)
		}
	}
	if c := e.Year.Checks[0].Conditions[1]; c.Met || !slices.Equal(c.Subjects, []string{"tin_hoc"}) || !c.Failing {
		t.Errorf("T second condition %+v", c)
	}
	if !strings.Contains(strings.Join(e.Year.Notes, " "), "Tin học") {
		t.Errorf("adjustment note %v", e.Year.Notes)
	}
}

func TestLookup(t *testing.T) {
	for _, id := range []string{"tt22", "tt22/2021.1", "tt43", "tt27", "tt27/2020.1"} {
		if _, ok := Lookup(id); !ok {
			t.Errorf("Lookup(%q) failed", id)
		}
	}
	for _, id := range []string{"", "tt58", "tt22/1999.1", "TT22"} {
		if _, ok := Lookup(id); ok {
			t.Errorf("Lookup(%q) succeeded", id)
		}
	}
	rs, _ := Lookup("tt43")
	if rs.GoodCount != 5 || rs.FairCount != 5 || rs.PassCount != 5 || rs.Awards {
		t.Errorf("tt43 parameters %+v", rs)
	}
}
