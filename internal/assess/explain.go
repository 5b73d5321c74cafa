package assess

import (
	"strconv"
	"strings"
)

// Condition is one condition checked for a level, with the subjects (or
// qualities and competencies) that failed it — for "every …" and "no …"
// conditions — or that met it — for "at least n …" conditions.
type Condition struct {
	Text     string   // Vietnamese, e.g. "Mọi môn tính điểm có ĐTBm ≥ 6,5"
	Met      bool     //
	Subjects []string // codes; see Failing
	Failing  bool     // Subjects lists those failing (true) or those meeting (false)
}

// LevelCheck is the check of one level: met when all its conditions are.
type LevelCheck struct {
	Code       string // "T", "K", "D"; "HTXS", "HTT", "HT"; "xuat_sac", "gioi"; "promoted"
	Name       string // Vietnamese
	Met        bool
	Conditions []Condition
}

// Explanation says why a result is what it is ("vì sao"): the levels checked
// from the highest down and notes such as an adjustment or missing data.
type Explanation struct {
	Title  string // e.g. "Kết quả học tập học kì I"
	Result string // the result in Vietnamese, "" when not computable
	Checks []LevelCheck
	Notes  []string
}

// SecondaryExplanation explains every level of a SecondaryResult.
type SecondaryExplanation struct {
	HK        [2]Explanation // learning of each semester
	Year      Explanation    // year learning
	YearFinal *Explanation   // year learning after re-tests, when recomputed
	Conduct   [3]Explanation // HK I, HK II, year
	Promotion Explanation
	Award     Explanation
}

// fixed formats a threshold with one decimal, the Vietnamese way: "8,0".
func fixed(s Score) string {
	return strconv.Itoa(int(s)/10) + "," + strconv.Itoa(int(s)%10)
}

func names(codes []string) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = SubjectName(c)
	}
	return strings.Join(parts, ", ")
}

// Explain builds the explanation of every level of the result. It is
// computed on demand so that evaluation itself stays allocation-light.
func (r *SecondaryResult) Explain() SecondaryExplanation {
	var e SecondaryExplanation
	hkTitle := [2]string{"học kì I", "học kì II"}
	for t := 0; t < 2; t++ {
		e.HK[t] = r.explainLearning("Kết quả học tập "+hkTitle[t], t, r.HK[t])
		e.Conduct[t] = Explanation{Title: "Kết quả rèn luyện " + hkTitle[t], Result: r.HK[t].Conduct.String(),
			Notes: []string{"Do giáo viên chủ nhiệm đánh giá (Điều 8)."}}
		if r.HK[t].Conduct == LevelNone {
			e.Conduct[t].Notes = []string{"Chưa có đánh giá của giáo viên chủ nhiệm."}
		}
	}
	e.Year = r.explainLearning("Kết quả học tập cả năm", atYear, r.Year.TermResult)
	if len(r.Year.RetestSubjects) > 0 && (r.Year.Promotion == Promoted || r.Year.Promotion == Retained) {
		f := r.explainLearning("Kết quả học tập cả năm sau kiểm tra lại", atYearFinal,
			TermResult{Learning: r.Year.LearningFinal, LearningComputed: r.Year.FinalComputed, AdjustedFor: r.Year.FinalAdjustedFor})
		e.YearFinal = &f
	}
	c := Explanation{Title: "Kết quả rèn luyện cả năm", Result: r.Year.Conduct.String()}
	if r.Year.Conduct == LevelNone {
		c.Notes = append(c.Notes, "Chưa tính được: cần kết quả rèn luyện của cả hai học kì.")
	} else {
		c.Notes = append(c.Notes, "Học kì I: "+r.HK[0].Conduct.String()+", học kì II: "+r.HK[1].Conduct.String()+
			" → cả năm: "+r.Year.Conduct.String()+" (bảng Điều 8; học kì II là chính).")
	}
	if r.Year.ConductFinal != r.Year.Conduct {
		c.Notes = append(c.Notes, "Sau rèn luyện trong hè, đánh giá lại: "+r.Year.ConductFinal.String()+".")
	}
	e.Conduct[2] = c
	e.Promotion = r.explainPromotion()
	e.Award = r.explainAward()
	return e
}

func (r *SecondaryResult) explainLearning(title string, which int, tr TermResult) Explanation {
	rs := r.RuleSet
	e := Explanation{Title: title, Result: tr.Learning.String()}
	avg := "ĐTBm"
	var unknown, commentFail []string
	for i := range r.Subjects {
		s := &r.Subjects[i]
		if s.NotAssessed {
			e.Notes = append(e.Notes, SubjectName(s.Code)+": không đánh giá (Điều 11), không tính vào điều kiện nào.")
			continue
		}
		m := s.at(which)
		switch m.Kind {
		case MarkFail:
			commentFail = append(commentFail, s.Code)
		case MarkScore, MarkPass:
		default:
			unknown = append(unknown, s.Code)
		}
	}
	if len(unknown) > 0 {
		e.Notes = append(e.Notes, "Chưa tính được: thiếu kết quả môn "+names(unknown)+".")
		return e
	}
	filter := func(keep func(Score) bool) []string {
		var out []string
		for i := range r.Subjects {
			s := &r.Subjects[i]
			if m := s.at(which); !s.NotAssessed && m.Kind == MarkScore && keep(m.Score) {
				out = append(out, s.Code)
			}
		}
		return out
	}
	allComment := Condition{Text: "Tất cả môn đánh giá bằng nhận xét đạt Đạt", Met: len(commentFail) == 0,
		Subjects: commentFail, Failing: true}
	every := func(min Score) Condition {
		f := filter(func(s Score) bool { return s < min })
		return Condition{Text: "Mọi môn tính điểm có " + avg + " ≥ " + fixed(min), Met: len(f) == 0, Subjects: f, Failing: true}
	}
	atLeast := func(n int, min Score) Condition {
		f := filter(func(s Score) bool { return s >= min })
		return Condition{Text: "Ít nhất " + strconv.Itoa(n) + " môn tính điểm có " + avg + " ≥ " + fixed(min) +
			" (có " + strconv.Itoa(len(f)) + " môn)", Met: len(f) >= n, Subjects: f}
	}
	checks := []LevelCheck{
		{Code: "T", Name: "Tốt", Conditions: []Condition{allComment, every(rs.GoodAllMin), atLeast(rs.GoodCount, rs.GoodCountMin)}},
		{Code: "K", Name: "Khá", Conditions: []Condition{allComment, every(rs.FairAllMin), atLeast(rs.FairCount, rs.FairCountMin)}},
		{Code: "D", Name: "Đạt", Conditions: []Condition{
			{Text: "Nhiều nhất " + strconv.Itoa(rs.PassMaxFailed) + " môn đánh giá bằng nhận xét Chưa đạt",
				Met: len(commentFail) <= rs.PassMaxFailed, Subjects: commentFail, Failing: true},
			atLeast(rs.PassCount, rs.PassCountMin),
			func() Condition {
				f := filter(func(s Score) bool { return s < rs.PassFloor })
				return Condition{Text: "Không có môn tính điểm nào có " + avg + " dưới " + fixed(rs.PassFloor),
					Met: len(f) == 0, Subjects: f, Failing: true}
			}(),
		}},
	}
	for i := range checks {
		checks[i].Met = true
		for _, c := range checks[i].Conditions {
			checks[i].Met = checks[i].Met && c.Met
		}
	}
	e.Checks = checks
	if tr.LearningComputed == LevelCD {
		e.Notes = append(e.Notes, "Không đủ điều kiện mức Đạt nên kết quả là Chưa đạt.")
	}
	if tr.AdjustedFor != "" {
		e.Notes = append(e.Notes, "Điều chỉnh theo Điều 9.3: mức tính được là "+tr.LearningComputed.String()+
			", thấp hơn từ hai mức trở lên chỉ do kết quả môn "+SubjectName(tr.AdjustedFor)+
			" (nếu môn này đạt kết quả tốt nhất thì mức cao hơn hai mức), nên được nâng lên "+tr.Learning.String()+".")
	}
	return e
}

var promotionNames = map[Promotion]string{
	Promoted:       "Lên lớp",
	Retest:         "Kiểm tra, đánh giá lại trong hè",
	SummerTraining: "Rèn luyện trong hè",
	Retained:       "Ở lại lớp",
}

// PromotionName returns the Vietnamese words for a promotion decision in a
// grade ("Hoàn thành chương trình THCS" for a promoted pupil of grade 9).
func PromotionName(p Promotion, grade int) string {
	if p == Promoted && grade == 9 {
		return "Hoàn thành chương trình trung học cơ sở"
	}
	if p == Promoted && grade == 12 {
		return "Hoàn thành chương trình trung học phổ thông"
	}
	return promotionNames[p]
}

func (r *SecondaryResult) explainPromotion() Explanation {
	y := &r.Year
	e := Explanation{Title: "Lên lớp", Result: PromotionName(y.Promotion, r.Grade)}
	conductOK := y.ConductFinal >= LevelD
	learningOK := y.LearningFinal >= LevelD
	absOK := r.AbsentSessions <= r.RuleSet.MaxAbsences
	e.Checks = []LevelCheck{{Code: string(Promoted), Name: PromotionName(Promoted, r.Grade),
		Met: conductOK && learningOK && absOK, Conditions: []Condition{
			{Text: "Kết quả rèn luyện cả năm (sau rèn luyện trong hè, nếu có) từ mức Đạt trở lên", Met: conductOK},
			{Text: "Kết quả học tập cả năm (sau kiểm tra lại, nếu có) từ mức Đạt trở lên", Met: learningOK},
			{Text: "Nghỉ không quá " + strconv.Itoa(r.RuleSet.MaxAbsences) + " buổi trong năm học (đã nghỉ " +
				strconv.Itoa(r.AbsentSessions) + " buổi)", Met: absOK},
		}}}
	switch y.Promotion {
	case Retest:
		e.Notes = append(e.Notes, "Kiểm tra lại các môn: "+names(y.RetestSubjects)+"; kết quả kiểm tra lại thay kết quả cả năm của môn đó và kết quả học tập được tính lại.")
	case SummerTraining:
		e.Notes = append(e.Notes, "Rèn luyện cả năm Chưa đạt: rèn luyện trong hè, sau đó giáo viên chủ nhiệm đánh giá lại.")
	case Retained:
		if !absOK {
			e.Notes = append(e.Notes, "Nghỉ quá "+strconv.Itoa(r.RuleSet.MaxAbsences)+" buổi: ở lại lớp, không kiểm tra lại hay rèn luyện hè.")
		}
	case PromotionNone:
		e.Notes = append(e.Notes, "Chưa xét được: thiếu kết quả.")
	}
	return e
}

func (r *SecondaryResult) explainAward() Explanation {
	rs := r.RuleSet
	y := &r.Year
	e := Explanation{Title: "Khen thưởng", Result: awardName(y.Award)}
	if !rs.Awards {
		e.Notes = []string{rs.Name + " không quy định danh hiệu khen thưởng; khen thưởng do trung tâm ghi nhận."}
		return e
	}
	var ge []string
	for _, s := range r.Subjects {
		if !s.NotAssessed && s.Year.Kind == MarkScore && s.Year.Score >= rs.ExcellentMin {
			ge = append(ge, s.Code)
		}
	}
	conduct := Condition{Text: "Kết quả rèn luyện cả năm mức Tốt", Met: y.Conduct == LevelT}
	learn := Condition{Text: "Kết quả học tập cả năm mức Tốt", Met: y.Learning == LevelT}
	count := Condition{Text: "Ít nhất " + strconv.Itoa(rs.ExcellentCount) + " môn tính điểm có ĐTBmcn ≥ " + fixed(rs.ExcellentMin) +
		" (có " + strconv.Itoa(len(ge)) + " môn)", Met: len(ge) >= rs.ExcellentCount, Subjects: ge}
	e.Checks = []LevelCheck{
		{Code: string(AwardExcellent), Name: "Học sinh Xuất sắc", Met: conduct.Met && learn.Met && count.Met,
			Conditions: []Condition{conduct, learn, count}},
		{Code: string(AwardGood), Name: "Học sinh Giỏi", Met: conduct.Met && learn.Met,
			Conditions: []Condition{conduct, learn}},
	}
	return e
}

func awardName(a Award) string {
	switch a {
	case AwardExcellent:
		return "Học sinh Xuất sắc"
	case AwardGood:
		return "Học sinh Giỏi"
	case AwardExemplary:
		return "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện"
	}
	return ""
}

// AwardName returns the Vietnamese title of an award, "" for none.
func AwardName(a Award) string { return awardName(a) }

// ExplainPrimary explains a primary year-end result computed from in.
func ExplainPrimary(in PrimaryInput, res PrimaryResult) Explanation {
	rs := res.RuleSet
	if rs == nil {
		rs = &TT27
	}
	e := Explanation{Title: "Kết quả giáo dục cả năm", Result: res.Result.String()}
	if !res.Complete {
		e.Notes = append(e.Notes, "Chưa tính được: còn thiếu "+strings.Join(res.Missing, ", ")+".")
		return e
	}
	if res.Result == OutcomeNone {
		e.Notes = append(e.Notes, "Kết quả chỉ được tính ở thời điểm cuối năm học.")
		return e
	}
	var notT, notH []string
	for _, s := range in.Subjects {
		if s.Level != SubjectT {
			notT = append(notT, s.Code)
		}
		if s.Level < SubjectH {
			notH = append(notH, s.Code)
		}
	}
	var qNotT, qNotD []string
	for i, l := range in.Qualities {
		if l != QualityT {
			qNotT = append(qNotT, QualityCodes[i])
		}
		if l < QualityD {
			qNotD = append(qNotD, QualityCodes[i])
		}
	}
	for i, l := range in.Competencies {
		if l != QualityT {
			qNotT = append(qNotT, CompetencyCodes[i])
		}
		if l < QualityD {
			qNotD = append(qNotD, CompetencyCodes[i])
		}
	}
	tests := func(min int) Condition {
		var f []string
		for _, s := range in.Subjects {
			if s.HasTest && s.Test < min {
				f = append(f, s.Code)
			}
		}
		return Condition{Text: "Mọi bài kiểm tra định kì cuối năm đạt từ " + strconv.Itoa(min) + " điểm trở lên",
			Met: len(f) == 0, Subjects: f, Failing: true}
	}
	subjT := Condition{Text: "Tất cả môn học và hoạt động giáo dục đạt Hoàn thành tốt", Met: len(notT) == 0, Subjects: notT, Failing: true}
	qualT := Condition{Text: "Tất cả phẩm chất, năng lực đạt mức Tốt", Met: len(qNotT) == 0, Subjects: qNotT, Failing: true}
	checks := []LevelCheck{
		{Code: "HTXS", Name: OutcomeHTXS.String(), Conditions: []Condition{subjT, qualT, tests(rs.PrimaryExcellent)}},
		{Code: "HTT", Name: OutcomeHTT.String(), Conditions: []Condition{subjT, qualT, tests(rs.PrimaryGood)}},
		{Code: "HT", Name: OutcomeHT.String(), Conditions: []Condition{
			{Text: "Tất cả môn học và hoạt động giáo dục đạt Hoàn thành tốt hoặc Hoàn thành", Met: len(notH) == 0, Subjects: notH, Failing: true},
			{Text: "Tất cả phẩm chất, năng lực đạt mức Tốt hoặc Đạt", Met: len(qNotD) == 0, Subjects: qNotD, Failing: true},
			tests(rs.PrimaryPass)}},
	}
	for i := range checks {
		checks[i].Met = true
		for _, c := range checks[i].Conditions {
			checks[i].Met = checks[i].Met && c.Met
		}
	}
	e.Checks = checks
	switch {
	case res.Award == AwardExemplary:
		e.Notes = append(e.Notes, "Được giáo viên chủ nhiệm đề nghị và tập thể lớp nhất trí: "+awardName(res.Award)+".")
	case res.Result == OutcomeHTT:
		e.Notes = append(e.Notes, "Đủ điều kiện xét danh hiệu Học sinh Tiêu biểu nếu được đề nghị.")
	case res.Result == OutcomeCHT:
		e.Notes = append(e.Notes, "Chưa hoàn thành: giáo viên lập kế hoạch hỗ trợ và đánh giá bổ sung trong hè; nếu vẫn Chưa hoàn thành, hiệu trưởng quyết định lên lớp hay ở lại lớp.")
	}
	if res.CompletedPrimary {
		e.Notes = append(e.Notes, "Hoàn thành chương trình tiểu học.")
	} else if res.CompletedGrade {
		e.Notes = append(e.Notes, "Hoàn thành chương trình lớp học.")
	}
	return e
}
