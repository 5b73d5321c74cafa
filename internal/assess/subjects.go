package assess

// AssessedBy says how a secondary subject is assessed.
type AssessedBy string

// The two ways a secondary subject is assessed (Điều 5).
const (
	ByScore   AssessedBy = "score"   // comment and score; averages in tenths
	ByComment AssessedBy = "comment" // comment only; Đạt / Chưa đạt
)

// SchoolLevel is a level of general education.
type SchoolLevel string

// The levels of the subject catalogue.
const (
	Primary SchoolLevel = "primary" // tiểu học, grades 1-5
	THCS    SchoolLevel = "thcs"    // trung học cơ sở, grades 6-9
	THPT    SchoolLevel = "thpt"    // trung học phổ thông, grades 10-12
)

// Subject is one entry of the 2018 programme's catalogue for one level.
type Subject struct {
	Code       string
	Name       string     // Vietnamese name, with diacritics
	AssessedBy AssessedBy // secondary only; primary subjects are assessed by level
	// Periods holds the default periods per year by grade (index 1-12); 0
	// where the subject is not taught in that grade. For primary subjects it
	// is 1 for every grade the subject is taught in (periods do not matter).
	Periods  [13]int
	Optional bool // primary: tiếng dân tộc; ngoại ngữ 1 in grades 1-2
	Tested   bool // primary: has periodic tests (Điều 7 TT27)
}

// Taught reports whether the subject is taught in the grade.
func (s Subject) Taught(grade int) bool {
	return grade >= 1 && grade <= 12 && s.Periods[grade] > 0
}

func thcs(p int) [13]int { return [13]int{6: p, 7: p, 8: p, 9: p} }
func thpt(p int) [13]int { return [13]int{10: p, 11: p, 12: p} }
func both(a, b int) [13]int {
	return [13]int{6: a, 7: a, 8: a, 9: a, 10: b, 11: b, 12: b}
}
func grades(from, to int) [13]int {
	var p [13]int
	for g := from; g <= to; g++ {
		p[g] = 1
	}
	return p
}

var secondarySubjects = []Subject{
	{Code: "ngu_van", Name: "Ngữ văn", AssessedBy: ByScore, Periods: both(140, 105)},
	{Code: "toan", Name: "Toán", AssessedBy: ByScore, Periods: both(140, 105)},
	{Code: "ngoai_ngu_1", Name: "Ngoại ngữ 1", AssessedBy: ByScore, Periods: both(105, 105)},
	{Code: "gdcd", Name: "Giáo dục công dân", AssessedBy: ByScore, Periods: thcs(35)},
	{Code: "lich_su_dia_li", Name: "Lịch sử và Địa lí", AssessedBy: ByScore, Periods: thcs(105)},
	{Code: "khtn", Name: "Khoa học tự nhiên", AssessedBy: ByScore, Periods: thcs(140)},
	{Code: "cong_nghe", Name: "Công nghệ", AssessedBy: ByScore,
		Periods: [13]int{6: 35, 7: 35, 8: 52, 9: 52, 10: 70, 11: 70, 12: 70}},
	{Code: "tin_hoc", Name: "Tin học", AssessedBy: ByScore, Periods: both(35, 70)},
	{Code: "lich_su", Name: "Lịch sử", AssessedBy: ByScore, Periods: thpt(52)},
	{Code: "dia_li", Name: "Địa lí", AssessedBy: ByScore, Periods: thpt(70)},
	{Code: "gdktpl", Name: "Giáo dục kinh tế và pháp luật", AssessedBy: ByScore, Periods: thpt(70)},
	{Code: "vat_li", Name: "Vật lí", AssessedBy: ByScore, Periods: thpt(70)},
	{Code: "hoa_hoc", Name: "Hoá học", AssessedBy: ByScore, Periods: thpt(70)},
	{Code: "sinh_hoc", Name: "Sinh học", AssessedBy: ByScore, Periods: thpt(70)},
	{Code: "gdqp_an", Name: "Giáo dục quốc phòng và an ninh", AssessedBy: ByScore, Periods: thpt(35)},
	{Code: "gdtc", Name: "Giáo dục thể chất", AssessedBy: ByComment, Periods: both(70, 70)},
	{Code: "nghe_thuat", Name: "Nghệ thuật (Âm nhạc, Mĩ thuật)", AssessedBy: ByComment, Periods: thcs(70)},
	{Code: "am_nhac", Name: "Âm nhạc", AssessedBy: ByComment, Periods: thpt(70)},
	{Code: "mi_thuat", Name: "Mĩ thuật", AssessedBy: ByComment, Periods: thpt(70)},
	{Code: "hdtn_hn", Name: "Hoạt động trải nghiệm, hướng nghiệp", AssessedBy: ByComment, Periods: both(105, 105)},
	{Code: "gddp", Name: "Nội dung giáo dục của địa phương", AssessedBy: ByComment, Periods: both(35, 35)},
}

var primarySubjects = []Subject{
	{Code: "tieng_viet", Name: "Tiếng Việt", Periods: grades(1, 5), Tested: true},
	{Code: "toan", Name: "Toán", Periods: grades(1, 5), Tested: true},
	{Code: "ngoai_ngu_1", Name: "Ngoại ngữ 1", Periods: grades(1, 5), Tested: true, Optional: true},
	{Code: "dao_duc", Name: "Đạo đức", Periods: grades(1, 5)},
	{Code: "tu_nhien_xa_hoi", Name: "Tự nhiên và Xã hội", Periods: grades(1, 3)},
	{Code: "khoa_hoc", Name: "Khoa học", Periods: grades(4, 5), Tested: true},
	{Code: "lich_su_dia_li", Name: "Lịch sử và Địa lí", Periods: grades(4, 5), Tested: true},
	{Code: "tin_hoc_cong_nghe", Name: "Tin học và Công nghệ", Periods: grades(3, 5), Tested: true},
	{Code: "gdtc", Name: "Giáo dục thể chất", Periods: grades(1, 5)},
	{Code: "am_nhac", Name: "Âm nhạc", Periods: grades(1, 5)},
	{Code: "mi_thuat", Name: "Mĩ thuật", Periods: grades(1, 5)},
	{Code: "hdtn", Name: "Hoạt động trải nghiệm", Periods: grades(1, 5)},
	{Code: "tieng_dan_toc", Name: "Tiếng dân tộc thiểu số", Periods: grades(1, 5), Optional: true},
}

var (
	secondaryIndex = indexSubjects(secondarySubjects)
	primaryIndex   = indexSubjects(primarySubjects)
)

func indexSubjects(list []Subject) map[string]*Subject {
	m := make(map[string]*Subject, len(list))
	for i := range list {
		m[list[i].Code] = &list[i]
	}
	return m
}

// Subjects returns the catalogue of a level: for THCS and THPT the subjects
// taught in at least one of its grades, for Primary the primary subjects. The
// slice is a copy the caller may modify.
func Subjects(level SchoolLevel) []Subject {
	var out []Subject
	switch level {
	case Primary:
		out = append(out, primarySubjects...)
	case THCS, THPT:
		from, to := 6, 9
		if level == THPT {
			from, to = 10, 12
		}
		for _, s := range secondarySubjects {
			for g := from; g <= to; g++ {
				if s.Periods[g] > 0 {
					out = append(out, s)
					break
				}
			}
		}
	}
	return out
}

// SubjectsForGrade returns the subjects taught in a grade (1-12) by default,
// optional primary subjects included.
func SubjectsForGrade(grade int) []Subject {
	list := secondarySubjects
	if grade <= 5 {
		list = primarySubjects
	}
	var out []Subject
	for _, s := range list {
		if s.Taught(grade) {
			out = append(out, s)
		}
	}
	return out
}

// LookupSubject returns the catalogue entry of a code at a level (THCS and
// THPT share one catalogue).
func LookupSubject(level SchoolLevel, code string) (Subject, bool) {
	var s *Subject
	if level == Primary {
		s = primaryIndex[code]
	} else {
		s = secondaryIndex[code]
	}
	if s == nil {
		return Subject{}, false
	}
	return *s, true
}

// DefaultPeriods returns the 2018 programme's periods per year of a secondary
// subject in a grade (6-12), and false when the subject is not taught there
// by default.
func DefaultPeriods(code string, grade int) (int, bool) {
	s := secondaryIndex[code]
	if s == nil || grade < 6 || grade > 12 || s.Periods[grade] == 0 {
		return 0, false
	}
	return s.Periods[grade], true
}

// SubjectName returns the Vietnamese name of a subject code (secondary or
// primary), or the code itself when it is unknown.
func SubjectName(code string) string {
	if s := secondaryIndex[code]; s != nil {
		return s.Name
	}
	if s := primaryIndex[code]; s != nil {
		return s.Name
	}
	return code
}

// RegularCount returns how many regular marks (ĐĐGtx) a subject holds per
// semester under tt22 (Điều 6): 2 for comment subjects; for scored subjects 2
// up to 35 periods a year, 3 up to 70, 4 above.
func RegularCount(assessedBy AssessedBy, periodsPerYear int) int {
	return TT22.RegularCount(assessedBy, periodsPerYear)
}

// Quality codes (phẩm chất), in the order of PrimaryInput.Qualities.
var QualityCodes = [5]string{"yeu_nuoc", "nhan_ai", "cham_chi", "trung_thuc", "trach_nhiem"}

// QualityNames are the Vietnamese names of QualityCodes.
var QualityNames = [5]string{"Yêu nước", "Nhân ái", "Chăm chỉ", "Trung thực", "Trách nhiệm"}

// Competency codes (năng lực: 3 general, 7 specific), in the order of
// PrimaryInput.Competencies.
var CompetencyCodes = [10]string{"tu_chu_tu_hoc", "giao_tiep_hop_tac", "gqvd_sang_tao",
	"ngon_ngu", "tinh_toan", "khoa_hoc", "cong_nghe", "tin_hoc", "tham_mi", "the_chat"}

// CompetencyNames are the Vietnamese names of CompetencyCodes.
var CompetencyNames = [10]string{"Tự chủ và tự học", "Giao tiếp và hợp tác",
	"Giải quyết vấn đề và sáng tạo", "Ngôn ngữ", "Tính toán", "Khoa học",
	"Công nghệ", "Tin học", "Thẩm mĩ", "Thể chất"}

// PrimaryTestRequired reports whether a primary pupil of the grade takes a
// periodic test in the subject at the assessment point ("gk1", "ck1", "gk2",
// "cn"): every tested subject taught in the grade at "ck1" and "cn"; in grades
// 4 and 5 also Tiếng Việt and Toán at "gk1" and "gk2".
func PrimaryTestRequired(grade int, point string, subject string) bool {
	s := primaryIndex[subject]
	if s == nil || !s.Tested || !s.Taught(grade) || grade > 5 {
		return false
	}
	switch point {
	case "ck1", "cn":
		return true
	case "gk1", "gk2":
		return grade >= 4 && (subject == "tieng_viet" || subject == "toan")
	}
	return false
}
