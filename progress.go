package sdgdt

import "time"

// ScheduleItem is when one assessment of a term is due at a school.
type ScheduleItem struct {
	Term  string
	Item  string // regular[0]…, midterm, final; level, test
	DueOn time.Time
}

// ProgressSheet is one sheet of a school year with what progress needs: its
// teacher, size, regular-mark count, and how many cells of each field were
// filled as of a moment.
type ProgressSheet struct {
	SheetID      int64
	ClassID      int64
	ClassName    string
	Grade        int
	Subject      string
	Term         string
	Kind         string
	TeacherID    int64
	TeacherName  string
	Pupils       int
	RegularCount int
	AssessedBy   string
	Filled       map[string]int // field → pupils with a value
}

// ProgressSnapshot is a frozen progress figure of a sheet for a period.
type ProgressSnapshot struct {
	Period    string // "2026-10" (a month) or "2026-2027/hk1" (a term)
	SheetID   int64
	TeacherID int64
	ClassID   int64
	Subject   string
	Term      string
	Required  int
	Entered   int
	TakenAt   time.Time
}

// ProgressSummary is a school's entry progress for a period as the job last
// counted it, for the dashboards of the units above it: the same figures as
// the school's own page, without its rows.
type ProgressSummary struct {
	SchoolID     int64
	SchoolYearID int64
	Period       string // "" (up to now), a month "2026-10", or "hk1", "hk2"
	Teachers     int
	Required     int
	Entered      int
	Frozen       bool
	AuditSeq     int64 // the school's audit chain when counted: a later entry may change them
	ComputedAt   time.Time
}
