package sdgdt

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Statistics (08-statistics.md). Every figure of a unit, school, grade or
// class is a Figures value: counts of pupils by level, decision and award,
// and per subject the sum and distribution of averages. Figures of a class
// are counted from its pupils' stored results; those of a school, grade or
// unit are sums of their classes' figures (Add), kept per school in the
// store, so that nothing above a school is ever counted pupil by pupil.

// StatTerms are the periods statistics are kept for.
var StatTerms = []string{"hk1", "hk2", "year"}

// ValidStatTerm reports whether term is one of StatTerms.
func ValidStatTerm(term string) bool { return slices.Contains(StatTerms, term) }

// StatTermName is the Vietnamese name of a statistics period.
func StatTermName(term string) string {
	switch term {
	case "hk1":
		return "Học kì I"
	case "hk2":
		return "Học kì II"
	case "year":
		return "Cả năm"
	}
	return term
}

// LevelCounts counts secondary learning or conduct levels; None counts the
// pupils without a level yet.
type LevelCounts struct {
	T    int64 `json:"T"`
	K    int64 `json:"K"`
	D    int64 `json:"D"`
	CD   int64 `json:"CD"`
	None int64 `json:"none"`
}

func (l *LevelCounts) count(code string) {
	switch code {
	case "T":
		l.T++
	case "K":
		l.K++
	case "D":
		l.D++
	case "CD":
		l.CD++
	default:
		l.None++
	}
}

// Total is the number of pupils counted.
func (l LevelCounts) Total() int64 { return l.T + l.K + l.D + l.CD + l.None }

// PrimaryCounts counts primary year results (HTXS, HTT, HT, CHT).
type PrimaryCounts struct {
	HTXS int64 `json:"HTXS"`
	HTT  int64 `json:"HTT"`
	HT   int64 `json:"HT"`
	CHT  int64 `json:"CHT"`
	None int64 `json:"none"`
}

func (l *PrimaryCounts) count(code string) {
	switch code {
	case "HTXS":
		l.HTXS++
	case "HTT":
		l.HTT++
	case "HT":
		l.HT++
	case "CHT":
		l.CHT++
	default:
		l.None++
	}
}

// Total is the number of pupils counted.
func (l PrimaryCounts) Total() int64 { return l.HTXS + l.HTT + l.HT + l.CHT + l.None }

// ItemCounts counts primary subject levels (T Hoàn thành tốt, H Hoàn thành,
// C Chưa hoàn thành) over every pupil and subject.
type ItemCounts struct {
	T int64 `json:"T"`
	H int64 `json:"H"`
	C int64 `json:"C"`
}

func (l *ItemCounts) add(o ItemCounts) {
	l.T += o.T
	l.H += o.H
	l.C += o.C
}

// QualityCounts counts primary levels of qualities and competencies (T Tốt,
// D Đạt, C Cần cố gắng) over every pupil and item.
type QualityCounts struct {
	T int64 `json:"T"`
	D int64 `json:"D"`
	C int64 `json:"C"`
}

func (l *QualityCounts) add(o QualityCounts) {
	l.T += o.T
	l.D += o.D
	l.C += o.C
}

// PromotionCounts counts the year-end decisions.
type PromotionCounts struct {
	Promoted             int64 `json:"promoted"`
	Retest               int64 `json:"retest"`
	SummerTraining       int64 `json:"summer_training"`
	Retained             int64 `json:"retained"`
	AdditionalAssessment int64 `json:"additional_assessment"` // primary, CHT: pending
	PrincipalDecision    int64 `json:"principal_decision"`    // primary: the principal decides
	None                 int64 `json:"none"`
}

func (l *PromotionCounts) count(code string) {
	switch code {
	case "promoted":
		l.Promoted++
	case "retest":
		l.Retest++
	case "summer_training":
		l.SummerTraining++
	case "retained":
		l.Retained++
	case "additional_assessment":
		l.AdditionalAssessment++
	case "principal_decision":
		l.PrincipalDecision++
	default:
		l.None++
	}
}

// Total is the number of pupils counted.
func (l PromotionCounts) Total() int64 {
	return l.Promoted + l.Retest + l.SummerTraining + l.Retained + l.AdditionalAssessment + l.PrincipalDecision + l.None
}

// AwardCounts counts year-end awards.
type AwardCounts struct {
	XuatSac  int64 `json:"xuat_sac"`
	Gioi     int64 `json:"gioi"`
	TieuBieu int64 `json:"tieu_bieu"`
}

// SubjectFigures are a subject's averages of a period: how many pupils have
// one, their sum in tenths (exact), the distribution in one-point bins
// (0-1, …, 9-10; 10 falls in the last), and for comment-assessed subjects the
// counts of Đạt and Chưa đạt.
type SubjectFigures struct {
	Subject    string    `json:"subject"`
	Pupils     int64     `json:"pupils"`
	SumTenths  int64     `json:"sum_tenths"`
	Bins       [10]int64 `json:"bins"`
	Passed     int64     `json:"D"`
	Failed     int64     `json:"CD"`
	AssessedBy string    `json:"assessed_by"` // score, comment; level (primary)
	// Primary levels of the subject: Hoàn thành tốt, Hoàn thành, Chưa hoàn
	// thành (the bins then hold the periodic test scores).
	LevelT int64 `json:"T"`
	LevelH int64 `json:"H"`
	LevelC int64 `json:"C"`
}

// Average is the mean of the averages, rounded to two decimals (0 without any).
func (s SubjectFigures) Average() float64 {
	if s.Pupils == 0 {
		return 0
	}
	return math.Round(float64(s.SumTenths)/float64(s.Pupils)*10) / 100
}

// Figures are the statistics of a group of pupils for one period.
type Figures struct {
	Pupils          int64            `json:"pupils"`
	Female          int64            `json:"female"`
	Minority        int64            `json:"minority"`
	Grades          map[string]int64 `json:"grades,omitempty"` // grade → pupils
	Complete        int64            `json:"complete"`         // pupils whose results can be computed (nothing missing)
	Learning        LevelCounts      `json:"learning"`
	Conduct         LevelCounts      `json:"conduct"`
	LearningFinal   LevelCounts      `json:"learning_final"` // after re-tests (year)
	ConductFinal    LevelCounts      `json:"conduct_final"`  // after summer training (year)
	Primary         PrimaryCounts    `json:"primary"`
	PrimaryFinal    PrimaryCounts    `json:"primary_final"` // after the additional assessment (year)
	PrimarySubjects ItemCounts       `json:"primary_subjects"`
	Qualities       QualityCounts    `json:"qualities"` // qualities and competencies
	Promotion       PromotionCounts  `json:"promotion"`
	Completed       int64            `json:"completed"` // programme completed (grades 5, 9, 12)
	Awards          AwardCounts      `json:"awards"`
	Subjects        []SubjectFigures `json:"subjects"`
	// Movements of the year: pupils who left school, transferred out (done or
	// accepted by the other school) and transferred in.
	Left           int64 `json:"left"`
	TransferredOut int64 `json:"transferred_out"`
	TransferredIn  int64 `json:"transferred_in"`
	PrimaryPupils  int64 `json:"primary_pupils"` // pupils of primary classes (the others are secondary)
}

// Counters returns pointers to every count of f but the grades and the
// subjects, in a fixed order (the store's compact encoding, and Add).
func (f *Figures) Counters() []*int64 {
	return []*int64{&f.Pupils, &f.Female, &f.Minority, &f.Complete, &f.Completed,
		&f.Learning.T, &f.Learning.K, &f.Learning.D, &f.Learning.CD, &f.Learning.None,
		&f.Conduct.T, &f.Conduct.K, &f.Conduct.D, &f.Conduct.CD, &f.Conduct.None,
		&f.LearningFinal.T, &f.LearningFinal.K, &f.LearningFinal.D, &f.LearningFinal.CD, &f.LearningFinal.None,
		&f.ConductFinal.T, &f.ConductFinal.K, &f.ConductFinal.D, &f.ConductFinal.CD, &f.ConductFinal.None,
		&f.Primary.HTXS, &f.Primary.HTT, &f.Primary.HT, &f.Primary.CHT, &f.Primary.None,
		&f.PrimaryFinal.HTXS, &f.PrimaryFinal.HTT, &f.PrimaryFinal.HT, &f.PrimaryFinal.CHT, &f.PrimaryFinal.None,
		&f.PrimarySubjects.T, &f.PrimarySubjects.H, &f.PrimarySubjects.C, &f.Qualities.T, &f.Qualities.D, &f.Qualities.C,
		&f.Promotion.Promoted, &f.Promotion.Retest, &f.Promotion.SummerTraining, &f.Promotion.Retained,
		&f.Promotion.AdditionalAssessment, &f.Promotion.PrincipalDecision, &f.Promotion.None,
		&f.Awards.XuatSac, &f.Awards.Gioi, &f.Awards.TieuBieu,
		&f.Left, &f.TransferredOut, &f.TransferredIn, &f.PrimaryPupils} // new counters go last: rows written before read them as 0
}

// AddSubject adds one subject's figures to f.
func (f *Figures) AddSubject(s SubjectFigures) {
	t := f.subject(s.Subject)
	t.Pupils += s.Pupils
	t.SumTenths += s.SumTenths
	for i := range t.Bins {
		t.Bins[i] += s.Bins[i]
	}
	t.Passed += s.Passed
	t.Failed += s.Failed
	t.LevelT += s.LevelT
	t.LevelH += s.LevelH
	t.LevelC += s.LevelC
	if t.AssessedBy == "" {
		t.AssessedBy = s.AssessedBy
	}
}

// Add adds o's figures to f.
func (f *Figures) Add(o Figures) {
	dst, src := f.Counters(), o.Counters()
	for i := range dst {
		*dst[i] += *src[i]
	}
	for g, n := range o.Grades {
		if f.Grades == nil {
			f.Grades = map[string]int64{}
		}
		f.Grades[g] += n
	}
	for _, s := range o.Subjects {
		f.AddSubject(s)
	}
}

// subject returns f's figures of a subject, added in code order if new.
func (f *Figures) subject(code string) *SubjectFigures {
	i, found := slices.BinarySearchFunc(f.Subjects, code, func(s SubjectFigures, c string) int { return strings.Compare(s.Subject, c) })
	if !found {
		f.Subjects = slices.Insert(f.Subjects, i, SubjectFigures{Subject: code})
	}
	return &f.Subjects[i]
}

// Subject returns the figures of one subject (zero when no pupil has it).
func (f Figures) Subject(code string) SubjectFigures {
	for _, s := range f.Subjects {
		if s.Subject == code {
			return s
		}
	}
	return SubjectFigures{Subject: code}
}

// StatPupil is what the figures count of one pupil placed in a class: his
// stored year result (nil when none yet) and, in primary, his stored results
// at the end of semester I (ck1) and of the year (cn).
type StatPupil struct {
	Female, Minority bool
	Grade            int
	Primary          bool
	Result           *PupilResult
	CK1, CN          *PrimaryResult
	marks            []subjectMarks // Result's subjects, decoded once (Prepare)
	prepared         bool
}

// subjectMarks is one subject of pupil_results.subjects_json.
type subjectMarks struct {
	Subject    string          `json:"subject"`
	AssessedBy string          `json:"assessed_by"`
	HK1        json.RawMessage `json:"hk1"`
	HK2        json.RawMessage `json:"hk2"`
	Year       json.RawMessage `json:"year"`
}

// Prepare decodes the pupil's subjects once, for counting him in several
// periods (Count would decode them at each call).
func (p *StatPupil) Prepare() {
	p.prepared = true
	p.marks = nil
	if p.Result != nil && p.Result.SubjectsJSON != "" {
		if json.Unmarshal([]byte(p.Result.SubjectsJSON), &p.marks) != nil {
			p.marks = nil
		}
	}
}

// Count adds one pupil to f's figures of term (hk1, hk2, year).
func (f *Figures) Count(term string, p StatPupil) {
	f.Pupils++
	if p.Female {
		f.Female++
	}
	if p.Minority {
		f.Minority++
	}
	if f.Grades == nil {
		f.Grades = map[string]int64{}
	}
	f.Grades[strconv.Itoa(p.Grade)]++
	r := p.Result
	if r == nil {
		r = &PupilResult{}
	}
	if p.Primary {
		f.PrimaryPupils++
		f.Learning.None++
		f.Conduct.None++
		f.countPrimary(term, p)
	} else {
		f.Primary.None++
		if !p.prepared {
			p.Prepare()
		}
		f.countSecondary(term, r, p.marks)
	}
	if term == "year" {
		f.LearningFinal.count(map[bool]string{true: "", false: r.LearningFinal}[p.Primary])
		f.ConductFinal.count(map[bool]string{true: "", false: r.ConductFinal}[p.Primary])
		f.Promotion.count(r.Promotion)
		if r.Promotion == "promoted" && (p.Grade == 5 || p.Grade == 9 || p.Grade == 12) {
			f.Completed++
		}
		switch r.Award {
		case "xuat_sac":
			f.Awards.XuatSac++
		case "gioi":
			f.Awards.Gioi++
		case "tieu_bieu":
			f.Awards.TieuBieu++
		}
	} else {
		f.LearningFinal.None++
		f.ConductFinal.None++
		f.Promotion.None++
	}
}

func (f *Figures) countSecondary(term string, r *PupilResult, marks []subjectMarks) {
	var lv TermLevels
	switch term {
	case "hk1":
		lv = r.HK[0]
	case "hk2":
		lv = r.HK[1]
	default:
		lv = r.Year
	}
	f.Learning.count(lv.Learning)
	f.Conduct.count(lv.Conduct)
	f.PrimaryFinal.None++
	if r.Complete && lv.Learning != "" {
		f.Complete++
	}
	for _, s := range marks {
		if s.Subject == "" {
			continue
		}
		m := s.Year
		switch term {
		case "hk1":
			m = s.HK1
		case "hk2":
			m = s.HK2
		}
		raw := strings.TrimSpace(string(m))
		switch {
		case raw == "" || raw == "null" || raw == `"P"`:
			continue
		case raw == `"D"`:
			t := f.subject(s.Subject)
			t.AssessedBy, t.Passed = s.AssessedBy, t.Passed+1
		case raw == `"CD"`:
			t := f.subject(s.Subject)
			t.AssessedBy, t.Failed = s.AssessedBy, t.Failed+1
		default:
			v, err := strconv.ParseFloat(raw, 64)
			if err != nil || v < 0 || v > 10 {
				continue
			}
			tenths := int64(math.Round(v * 10))
			t := f.subject(s.Subject)
			t.AssessedBy = s.AssessedBy
			t.Pupils++
			t.SumTenths += tenths
			t.Bins[min(tenths/10, 9)]++
		}
	}
}

func (f *Figures) countPrimary(term string, p StatPupil) {
	row := p.CN
	if term == "hk1" {
		row = p.CK1
	}
	if row == nil {
		f.Primary.None++
		f.PrimaryFinal.None++
		return
	}
	f.PrimarySubjects.add(ItemCounts{T: int64(row.SubjectsT), H: int64(row.SubjectsH), C: int64(row.SubjectsC)})
	var subs []struct {
		Subject string `json:"subject"`
		Level   string `json:"level"`
		Test    *int   `json:"test"`
	}
	if json.Unmarshal([]byte(row.SubjectsJSON), &subs) == nil {
		for _, s := range subs {
			if s.Subject == "" {
				continue
			}
			t := f.subject(s.Subject)
			t.AssessedBy = "level"
			switch s.Level {
			case "T":
				t.LevelT++
			case "H":
				t.LevelH++
			case "C":
				t.LevelC++
			}
			if s.Test != nil && *s.Test >= 0 && *s.Test <= 10 {
				t.Pupils++
				t.SumTenths += int64(*s.Test) * 10
				t.Bins[min(*s.Test, 9)]++
			}
		}
	}
	f.Qualities.add(QualityCounts{T: int64(row.QCT), D: int64(row.QCD), C: int64(row.QCC)})
	if row.Complete {
		f.Complete++
	}
	if term == "hk1" { // no overall result at the end of semester I
		f.Primary.None++
		f.PrimaryFinal.None++
		return
	}
	f.Primary.count(row.Result)
	final := row.ResultFinal
	if final == "" {
		final = row.Result
	}
	f.PrimaryFinal.count(final)
}

// Percent is part of whole in percent, one decimal (0 when whole is 0).
func Percent(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}

// SchoolFigures are a school's figures of a period (or of one grade of it).
type SchoolFigures struct {
	School  School
	Figures Figures
}

// ClassFigures are a class's figures of a period.
type ClassFigures struct {
	ClassID int64
	Name    string
	Grade   int
	Figures Figures
}

// IsMinority reports whether an ethnicity is an ethnic minority (not Kinh).
func IsMinority(ethnicity string) bool {
	e := strings.TrimSpace(ethnicity)
	return e != "" && !strings.EqualFold(e, "Kinh")
}

// BookState is the state of the class books of a school (or of the schools
// of a unit, summed; or of one class): how many books, how many approved at
// the end of semester I and of the year, and whether the school's book is
// locked now (a lock over the whole school year or a term).
type BookState struct {
	Classes      int64 `json:"classes"`
	ApprovedHK1  int64 `json:"approved_hk1"`  // hk1 (secondary) or ck1 (primary)
	ApprovedYear int64 `json:"approved_year"` // hk2 (secondary) or cn (primary)
	Locked       int64 `json:"locked"`        // schools (or classes) under a lock now
}

// Add adds o to b.
func (b *BookState) Add(o BookState) {
	b.Classes += o.Classes
	b.ApprovedHK1 += o.ApprovedHK1
	b.ApprovedYear += o.ApprovedYear
	b.Locked += o.Locked
}
