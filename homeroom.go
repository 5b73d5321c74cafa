package sdgdt

import "time"

// HomeroomComment is the homeroom teacher's comment on a pupil for a term
// (hk1, hk2, year).
type HomeroomComment struct {
	SchoolID     int64
	SchoolYearID int64
	PupilID      int64
	Term         string
	ClassID      int64
	Comment      string
	ChangedBy    int64
	ChangedAt    time.Time
}
