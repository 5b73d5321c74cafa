package sdgdt

import "time"

// AuditFilter selects audit entries. UnitPath limits to entries below a unit;
// SchoolIDs (when not nil) limits to those schools.
type AuditFilter struct {
	UnitPath  string
	SchoolIDs []int64
	ActorID   int64
	Action    string // prefix
	ObjectID  string
	From, To  time.Time
	Limit     int
	BeforeID  int64 // page: entries older than this id
}
