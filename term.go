package sdgdt

// Term is the part of a school year that a sheet, a lock, a result or a
// signature belongs to: a semester of the secondary book (hk1, hk2), the whole
// year, the summer re-training, or an assessment point of the primary book
// (gk1, ck1, gk2, cn).
type Term string

// The terms.
const (
	TermHK1    Term = "hk1"    // học kì I
	TermHK2    Term = "hk2"    // học kì II
	TermYear   Term = "year"   // cả năm
	TermSummer Term = "summer" // rèn luyện trong kì nghỉ hè
	PointGK1   Term = "gk1"    // giữa học kì I (tiểu học)
	PointCK1   Term = "ck1"    // cuối học kì I
	PointGK2   Term = "gk2"    // giữa học kì II
	PointCN    Term = "cn"     // cuối năm học
)

// Semesters are the two semesters of the secondary book, in order.
var Semesters = [2]Term{TermHK1, TermHK2}

// PrimaryPoints are the four assessment points of the primary book, in order.
var PrimaryPoints = [4]Term{PointGK1, PointCK1, PointGK2, PointCN}

// termOrder is each term's place in the school year: lists of sheets, locks
// and approvals follow the year, not the alphabet (gk1, ck1, gk2, cn).
var termOrder = map[Term]int{PointGK1: 1, TermHK1: 2, PointCK1: 2, PointGK2: 3, TermHK2: 4, PointCN: 4, TermYear: 5, TermSummer: 6}

// Order is the term's place in the school year, for sorting; unknown terms
// come last.
func (t Term) Order() int {
	if n, ok := termOrder[t]; ok {
		return n
	}
	return 9
}

// TermOrderSQL is a SQL expression giving the term in column col its place in
// the school year, for ORDER BY.
func TermOrderSQL(col string) string {
	return "CASE " + col + " WHEN 'gk1' THEN 1 WHEN 'hk1' THEN 2 WHEN 'ck1' THEN 2 WHEN 'gk2' THEN 3 WHEN 'hk2' THEN 4 WHEN 'cn' THEN 4 WHEN 'year' THEN 5 WHEN 'summer' THEN 6 ELSE 9 END"
}

var termNames = map[Term]string{
	TermHK1:    "Học kì I",
	TermHK2:    "Học kì II",
	TermYear:   "Cả năm",
	TermSummer: "Rèn luyện trong hè",
	PointGK1:   "Giữa học kì I",
	PointCK1:   "Cuối học kì I",
	PointGK2:   "Giữa học kì II",
	PointCN:    "Cuối năm học",
}

// Name returns the Vietnamese name of a term; "" for no term (the whole year in
// a lock's scope is named by the caller).
func (t Term) Name() string {
	if n, ok := termNames[t]; ok {
		return n
	}
	return string(t)
}

// Valid reports whether t is one of the declared terms.
func (t Term) Valid() bool { _, ok := termNames[t]; return ok }

// IsSemester reports whether t is hk1 or hk2.
func (t Term) IsSemester() bool { return t == TermHK1 || t == TermHK2 }

// IsPoint reports whether t is an assessment point of the primary book.
func (t Term) IsPoint() bool {
	return t == PointGK1 || t == PointCK1 || t == PointGK2 || t == PointCN
}

// TermName returns the Vietnamese name of a term code.
func TermName(code string) string { return Term(code).Name() }
