package sdgdt

import "time"

// Approval is the approval (xét duyệt) of a class book for a term.
type Approval struct {
	ID           int64
	SchoolID     int64
	SchoolYearID int64
	ClassID      int64
	ClassName    string
	Term         string
	Status       string // proposed, approved, returned
	ProposedBy   int64
	ProposerName string
	ProposedAt   time.Time
	ProposalNote string
	DecidedBy    int64
	DeciderName  string
	DecidedAt    time.Time
	DecisionNote string
	LockID       int64
}

// Correction is a request to change cells of a locked (approved, signed) sheet.
type Correction struct {
	ID                int64
	SchoolID          int64
	SchoolYearID      int64
	SheetID           int64
	ClassID           int64
	ClassName         string
	Subject           string
	Term              string
	Status            string // requested, approved, rejected, applied, cancelled
	Reason            string
	RequestedBy       int64
	RequesterName     string
	RequestedAt       time.Time
	DecidedBy         int64
	DeciderName       string
	DecidedAt         time.Time
	DecisionNote      string
	BoardWitness      int64
	BoardWitnessName  string
	BoardWitnessAt    time.Time
	HomeroomWitness   int64
	HomeroomName      string
	HomeroomWitnessAt time.Time
	AppliedAt         time.Time
	Cells             []CorrectionCell
}

// CorrectionCell is one cell of a correction: its value when requested and the
// value asked for.
type CorrectionCell struct {
	PupilID   int64
	PupilName string
	Field     string
	OldValue  string
	NewValue  string
}

// Lock is a lock on part of the book. Zero fields are not part of its scope.
type Lock struct {
	ID           int64
	UnitPath     string // a unit's inspection window over the schools below it
	SchoolID     int64
	SchoolYearID int64
	Term         string
	Grade        int
	ClassID      int64
	SheetID      int64
	Field        string // one column of the sheets in scope; "" for whole sheets
	From         time.Time
	Until        time.Time // zero: until lifted
	Reason       string
	Source       string // manual, approval, inspection
	SetBy        int64
	SetByName    string
	RequestedBy  int64 // the leader who asked the sysadmin to set it
	SetAt        time.Time
	LiftedBy     int64
	LiftedAt     time.Time
	LiftReason   string
	ClassName    string
	SchoolName   string
}

// ActiveAt reports whether the lock holds at t.
func (l Lock) ActiveAt(t time.Time) bool {
	return l.LiftedAt.IsZero() && !t.Before(l.From) && (l.Until.IsZero() || t.Before(l.Until))
}

// SheetRef is where a sheet belongs.
type SheetRef struct {
	ID           int64
	SchoolID     int64
	SchoolYearID int64
	ClassID      int64
	Subject      string
	Term         string
}
