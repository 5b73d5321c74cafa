package assess

import "testing"

// benchPupil is a realistic THCS pupil-year: 12 subjects, both semesters.
func benchPupil() SecondaryInput {
	in := pupil([]Score{78, 82, 91, 95, 67, 88, 93, 90}, allPass())
	in.AbsentSessions = 3
	in.Conduct = [2]Level{LevelT, LevelT}
	// Vary the marks so the averages are not trivial.
	for i := range thcsScored {
		for t := 0; t < 2; t++ {
			reg := in.Subjects[i].HK[t].Regular
			reg[0].Score = min(100, reg[0].Score+5)
			reg[len(reg)-1].Score -= 5
		}
	}
	return in
}

func BenchmarkEvalTHCSPupilYear(b *testing.B) {
	in := benchPupil()
	rs := &TT22
	var out SecondaryResult
	if err := EvalSecondaryInto(rs, &in, &out); err != nil || !out.Complete || out.Year.Promotion != Promoted {
		b.Fatalf("setup: %v %+v", err, out.Year)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := EvalSecondaryInto(rs, &in, &out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}

// BenchmarkEvalSecondary is the convenience API that returns a fresh result.
func BenchmarkEvalSecondary(b *testing.B) {
	in := benchPupil()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := EvalSecondary(TT22, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}

func BenchmarkEvalCommand(b *testing.B) {
	input := specInput()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if code, _, _ := run(b, input); code != 0 {
			b.Fatal(code)
		}
	}
}
