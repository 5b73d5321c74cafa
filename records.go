package sdgdt

import "time"

// Absence is one absent session (buổi) of a pupil.
type Absence struct {
	ID         int64
	SchoolID   int64
	ClassID    int64
	PupilID    int64
	On         time.Time
	Session    string // "sang" (morning) or "chieu" (afternoon)
	Excused    bool
	Reason     string
	RecordedBy int64
	RecordedAt time.Time
}

// AbsenceTotal is a month's absence count of a pupil in a class, entered as totals.
type AbsenceTotal struct {
	ClassID   int64
	PupilID   int64
	Month     string // "2026-10"
	Excused   int
	Unexcused int
}

// AbsenceCount is a pupil's absences in sessions, excused and not.
type AbsenceCount struct {
	Excused, Unexcused int
}

// Total is all sessions missed.
func (c AbsenceCount) Total() int { return c.Excused + c.Unexcused }

// Movement is an event in a pupil's schooling: enrolment, leaving, a class move,
// a transfer out or in.
type Movement struct {
	ID          int64
	SchoolID    int64
	PupilID     int64
	PupilName   string
	Kind        string // enrol | leave | class_move | transfer_out | transfer_in
	On          time.Time
	FromClassID int64
	FromClass   string
	ToClassID   int64
	ToClass     string
	ToSchoolID  int64
	ToSchool    string
	OtherSchool string // a school outside the system
	Reason      string
	Status      string // done | requested | accepted | refused | cancelled
	RequestedBy int64
	RequestedAt time.Time
	DecidedBy   int64
	DecidedAt   time.Time
	Snapshot    string // JSON of the record sent with a transfer
}

// Confirmation is a homeroom teacher's confirmation of a month's records.
type Confirmation struct {
	ClassID     int64
	Month       string
	ConfirmedBy int64
	ByName      string
	At          time.Time
	Note        string
}
