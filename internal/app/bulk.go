package app

import "sdgdt"

// EvaluateYears computes the results of pupil-years held in memory as the
// background recomputation computes and stores them, for bulk loaders that
// write results with their inputs (sdgdt demo --scale). The pupils have no
// nominations, additional assessments or principal's decisions. It returns
// the pupil_results rows (primary pupils' years included) and the primary
// pupils' results per assessment point, at generation gen.
func EvaluateYears(schoolID, yearID, gen int64, years []sdgdt.PupilYear) ([]sdgdt.PupilResult, []sdgdt.PrimaryResult) {
	prim := primaryBatch{nominated: map[int64]bool{}, supplements: map[int64][]sdgdt.Supplement{}, decisions: map[int64]*sdgdt.Decision{}}
	var ev evaluator
	out := make([]sdgdt.PupilResult, 0, len(years))
	for i := range years {
		py := &years[i]
		var r sdgdt.PupilResult
		if isPrimaryYear(py) {
			r = prim.evaluate(py, schoolID, yearID, gen)
		} else {
			r = ev.evaluate(py)
		}
		r.SchoolID, r.SchoolYearID, r.Gen = schoolID, yearID, gen
		out = append(out, r)
	}
	return out, prim.rows
}
