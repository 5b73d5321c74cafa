package sdgdt

import "time"

// Sheet kinds: which fields a row has and how values are checked.
const (
	SheetSecondary = "secondary" // tt22, tt43: regular[i], midterm, final, comment, exemption
	SheetPrimary   = "primary"   // tt27: level, test, comment
)

// SheetPrimaryPCNL is the kind of a class's qualities-and-competencies sheet
// of an assessment point (subject PCNLSubject): fields "q.<quality>",
// "c.<competency>" (T, D, C) and their comments. The homeroom teacher writes it.
const SheetPrimaryPCNL = "primary_pcnl"

// PCNLSubject is the subject code under which qualities and competencies are
// kept in sheets and marks (phẩm chất, năng lực).
const PCNLSubject = "pcnl"

// SheetKindOf returns the sheet kind of a class's rule set.
func SheetKindOf(ruleset string) string {
	if ruleset == "tt27" {
		return SheetPrimary
	}
	return SheetSecondary
}

// Sheet is one class × subject × term of the assessment book. Its rows are the
// class's current pupils; its cells are their marks (table marks), keyed by the
// pupil. Version grows with every write through the sheet.
type Sheet struct {
	ID           int64
	SchoolID     int64
	SchoolYearID int64
	ClassID      int64
	Subject      string
	Term         string
	Kind         string
	Version      int64
	UpdatedAt    time.Time
}

// TeacherSheet is a teaching assignment with its sheet and how the subject is
// assessed in the class's curriculum.
type TeacherSheet struct {
	AssignmentInfo
	SheetID        int64
	AssessedBy     string // "" when the subject is not in the class's curriculum
	PeriodsPerYear int
}

// Cell is one stored cell of a pupil.
type Cell struct {
	PupilID      int64
	Subject      string
	Term         string
	Field        string
	Value        string
	SheetID      int64
	SheetVersion int64
}

// CellWrite is a new value of a cell, written through a sheet.
type CellWrite struct {
	PupilID  int64
	Field    string
	Previous string
	Value    string
}

// WriteMeta says who writes cells, how and why.
type WriteMeta struct {
	By           int64
	Via          string // grid, api, upload, correction, import
	Reason       string
	CorrectionID int64
	RequestID    string
}

// MarkChange is one entry of a cell's history.
type MarkChange struct {
	ID            int64
	SheetID       int64
	SheetVersion  int64
	PupilID       int64
	Subject       string
	Term          string
	Field         string
	Previous      string
	Value         string
	ChangedBy     int64
	ChangedByName string
	ChangedAt     time.Time
	Via           string
	Reason        string
	CorrectionID  int64
	RequestID     string
}
