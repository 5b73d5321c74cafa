package assess

import "testing"

// THCS curriculum of grade 8 used throughout the tests.
var (
	thcsScored  = []string{"ngu_van", "toan", "ngoai_ngu_1", "gdcd", "lich_su_dia_li", "khtn", "cong_nghe", "tin_hoc"}
	thcsComment = []string{"gdtc", "nghe_thuat", "hdtn_hn", "gddp"}
)

// flat returns a semester whose every mark is v, so its average is v.
func flat(v Score, n int) Semester {
	reg := make([]Mark, n)
	for i := range reg {
		reg[i] = ScoreMark(v)
	}
	return Semester{Regular: reg, Midterm: ScoreMark(v), Final: ScoreMark(v)}
}

func flatComment(pass bool) Semester {
	m := Fail
	if pass {
		m = Pass
	}
	return Semester{Regular: []Mark{m, m}, Midterm: m, Final: m}
}

func regularN(code string, grade int) int {
	p, _ := DefaultPeriods(code, grade)
	return RegularCount(ByScore, p)
}

// pupil builds a complete grade-8 pupil: scores[i] is the average of the
// i-th scored subject in both semesters (so also the year), pass[i] the
// result of the i-th comment subject in both semesters.
func pupil(scores []Score, pass []bool) SecondaryInput {
	in := SecondaryInput{Grade: 8, Conduct: [2]Level{LevelT, LevelT}}
	for i, v := range scores {
		code := thcsScored[i]
		n := regularN(code, 8)
		in.Subjects = append(in.Subjects, SubjectInput{Code: code, HK: [2]Semester{flat(v, n), flat(v, n)}})
	}
	for i, p := range pass {
		in.Subjects = append(in.Subjects, SubjectInput{Code: thcsComment[i], HK: [2]Semester{flatComment(p), flatComment(p)}})
	}
	return in
}

func allPass() []bool { return []bool{true, true, true, true} }

func rep(v Score, n int) []Score {
	s := make([]Score, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func cat(parts ...[]Score) []Score {
	var out []Score
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func mustEval(t testing.TB, rs RuleSet, in SecondaryInput) SecondaryResult {
	t.Helper()
	r, err := EvalSecondary(rs, in)
	if err != nil {
		t.Fatalf("EvalSecondary: %v", err)
	}
	return r
}
