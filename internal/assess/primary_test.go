package assess

import (
	"slices"
	"testing"
)

// primaryPupil returns a complete grade-g pupil at the end of the year with
// every subject at level, every quality and competency at q, and every test
// at score.
func primaryPupil(g int, level SubjectLevel, q QualityLevel, score int) PrimaryInput {
	in := PrimaryInput{Grade: g}
	for _, s := range SubjectsForGrade(g) {
		if s.Optional {
			continue
		}
		ps := PrimarySubject{Code: s.Code, Level: level}
		if PrimaryTestRequired(g, PointCN, s.Code) {
			ps.Test, ps.HasTest = score, true
		}
		in.Subjects = append(in.Subjects, ps)
	}
	for i := range in.Qualities {
		in.Qualities[i] = q
	}
	for i := range in.Competencies {
		in.Competencies[i] = q
	}
	return in
}

func TestPrimaryResults(t *testing.T) {
	tests := []struct {
		name      string
		in        PrimaryInput
		modify    func(*PrimaryInput)
		want      Outcome
		award     Award
		completed bool
		primary   bool
	}{
		{name: "HTXS grade 5", in: primaryPupil(5, SubjectT, QualityT, 9), want: OutcomeHTXS, award: AwardExcellent, completed: true, primary: true},
		{name: "HTXS grade 3", in: primaryPupil(3, SubjectT, QualityT, 10), want: OutcomeHTXS, award: AwardExcellent, completed: true},
		{name: "HTT: a test 8", in: primaryPupil(4, SubjectT, QualityT, 9), modify: func(in *PrimaryInput) { in.Subjects[1].Test = 8 },
			want: OutcomeHTT, completed: true},
		{name: "HTT nominated: tieu_bieu", in: primaryPupil(4, SubjectT, QualityT, 7), modify: func(in *PrimaryInput) { in.Nominated = true },
			want: OutcomeHTT, award: AwardExemplary, completed: true},
		{name: "HTXS nominated: xuat_sac", in: primaryPupil(2, SubjectT, QualityT, 10), modify: func(in *PrimaryInput) { in.Nominated = true },
			want: OutcomeHTXS, award: AwardExcellent, completed: true},
		{name: "HT: a subject H", in: primaryPupil(5, SubjectT, QualityT, 10), modify: func(in *PrimaryInput) { in.Subjects[3].Level = SubjectH; in.Nominated = true },
			want: OutcomeHT, completed: true, primary: true},
		{name: "HT: a quality D", in: primaryPupil(1, SubjectT, QualityT, 10), modify: func(in *PrimaryInput) { in.Qualities[2] = QualityD },
			want: OutcomeHT, completed: true},
		{name: "HT: a competency D", in: primaryPupil(1, SubjectT, QualityT, 10), modify: func(in *PrimaryInput) { in.Competencies[9] = QualityD },
			want: OutcomeHT, completed: true},
		{name: "HT: a test 6", in: primaryPupil(3, SubjectT, QualityT, 10), modify: func(in *PrimaryInput) { in.Subjects[0].Test = 6 },
			want: OutcomeHT, completed: true},
		{name: "HT: all H and D, tests 5", in: primaryPupil(5, SubjectH, QualityD, 5), want: OutcomeHT, completed: true, primary: true},
		{name: "CHT: a test 4", in: primaryPupil(5, SubjectH, QualityD, 5), modify: func(in *PrimaryInput) { in.Subjects[0].Test = 4 }, want: OutcomeCHT},
		{name: "CHT: a test 0", in: primaryPupil(2, SubjectT, QualityT, 10), modify: func(in *PrimaryInput) { in.Subjects[1].Test = 0 }, want: OutcomeCHT},
		{name: "CHT: a subject C", in: primaryPupil(5, SubjectT, QualityT, 10), modify: func(in *PrimaryInput) { in.Subjects[5].Level = SubjectC }, want: OutcomeCHT},
		{name: "CHT: a competency C", in: primaryPupil(5, SubjectT, QualityT, 10), modify: func(in *PrimaryInput) { in.Competencies[0] = QualityC }, want: OutcomeCHT},
		{name: "optional ngoai_ngu_1 in grade 1 is tested when studied", in: primaryPupil(1, SubjectT, QualityT, 10),
			modify: func(in *PrimaryInput) {
				in.Subjects = append(in.Subjects, PrimarySubject{Code: "ngoai_ngu_1", Level: SubjectT, Test: 8, HasTest: true})
			}, want: OutcomeHTT, completed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if tc.modify != nil {
				tc.modify(&in)
			}
			r, err := EvalPrimary(in)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Complete || r.Result != tc.want || r.Award != tc.award || r.CompletedGrade != tc.completed || r.CompletedPrimary != tc.primary {
				t.Errorf("got %+v", r)
			}
			e := ExplainPrimary(in, r)
			first := ""
			for _, c := range e.Checks {
				if c.Met {
					first = c.Code
					break
				}
			}
			if want := tc.want.Code(); (want == "CHT" && first != "") || (want != "CHT" && first != want) {
				t.Errorf("explanation first met %q, result %q", first, want)
			}
		})
	}
}

func TestPrimaryIncompleteAndErrors(t *testing.T) {
	in := primaryPupil(4, SubjectT, QualityT, 9)
	in.Subjects[0].HasTest = false
	in.Subjects[2].Level = SubjectNone
	in.Qualities[4] = QualityNone
	r, err := EvalPrimary(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{in.Subjects[0].Code + ".test", in.Subjects[2].Code + ".level", "qualities.trach_nhiem"}
	if r.Complete || r.Result != OutcomeNone || !slices.Equal(r.Missing, want) {
		t.Errorf("got %+v, want missing %v", r, want)
	}

	errs := []struct {
		name   string
		modify func(*PrimaryInput)
	}{
		{"test on an untested subject", func(in *PrimaryInput) {
			for i := range in.Subjects {
				if in.Subjects[i].Code == "dao_duc" {
					in.Subjects[i].Test, in.Subjects[i].HasTest = 9, true
				}
			}
		}},
		{"test above 10", func(in *PrimaryInput) { in.Subjects[0].Test = 11 }},
		{"negative test", func(in *PrimaryInput) { in.Subjects[0].Test = -1 }},
		{"unknown subject", func(in *PrimaryInput) { in.Subjects[0].Code = "khtn" }},
		{"not taught in grade", func(in *PrimaryInput) { in.Subjects[0].Code = "tu_nhien_xa_hoi" }},
		{"grade 6", func(in *PrimaryInput) { in.Grade = 6 }},
		{"grade 0", func(in *PrimaryInput) { in.Grade = 0 }},
		{"bad point", func(in *PrimaryInput) { in.Point = "hk1" }},
	}
	for _, tc := range errs {
		in := primaryPupil(4, SubjectT, QualityT, 9)
		tc.modify(&in)
		if _, err := EvalPrimary(in); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestPrimaryTestRequired(t *testing.T) {
	tests := []struct {
		grade   int
		point   string
		subject string
		want    bool
	}{
		{1, "ck1", "toan", true}, {1, "cn", "tieng_viet", true}, {1, "gk1", "toan", false}, {3, "gk2", "toan", false},
		{4, "gk1", "toan", true}, {4, "gk2", "tieng_viet", true}, {5, "gk1", "khoa_hoc", false}, {5, "ck1", "khoa_hoc", true},
		{3, "cn", "tin_hoc_cong_nghe", true}, {2, "cn", "tin_hoc_cong_nghe", false}, {3, "cn", "lich_su_dia_li", false},
		{4, "cn", "lich_su_dia_li", true}, {5, "cn", "dao_duc", false}, {5, "cn", "gdtc", false}, {5, "xx", "toan", false},
		{3, "cn", "ngoai_ngu_1", true}, {6, "cn", "toan", false},
	}
	for _, tc := range tests {
		if got := PrimaryTestRequired(tc.grade, tc.point, tc.subject); got != tc.want {
			t.Errorf("PrimaryTestRequired(%d, %s, %s) = %v", tc.grade, tc.point, tc.subject, got)
		}
	}
}

func TestPrimaryOtherPoints(t *testing.T) {
	in := primaryPupil(5, SubjectT, QualityT, 9)
	in.Point = PointGK1
	// At gk1 only Tiếng Việt and Toán are tested: the others' tests are errors.
	if _, err := EvalPrimary(in); err == nil {
		t.Error("test on khoa_hoc at gk1 accepted")
	}
	for i := range in.Subjects {
		if !PrimaryTestRequired(5, PointGK1, in.Subjects[i].Code) {
			in.Subjects[i].HasTest = false
		}
	}
	r, err := EvalPrimary(in)
	if err != nil || !r.Complete || r.Result != OutcomeNone {
		t.Errorf("gk1: %+v %v", r, err)
	}
}
