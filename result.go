package sdgdt

import "time"

// Conduct is a pupil's conduct rating of a term (hk1, hk2, summer).
type Conduct struct {
	SchoolID     int64
	SchoolYearID int64
	PupilID      int64
	Term         string
	ClassID      int64
	Level        string // T, K, D, CD or ""
	Comment      string
	ChangedBy    int64
	ChangedAt    time.Time
}

// Retest is a pupil's summer re-test result in a subject.
type Retest struct {
	SchoolID     int64
	SchoolYearID int64
	PupilID      int64
	Subject      string
	ClassID      int64
	Value        string // "6.5", "D", "CD"; "" when cleared
	ChangedBy    int64
	ChangedAt    time.Time
}

// ResultKey names a pupil-year whose results are stale, with the generation
// of its inputs when it was read.
type ResultKey struct {
	SchoolID, SchoolYearID, PupilID, Gen int64
}

// PupilYear is everything the rules engine needs about a pupil's school year:
// his class (the one he studies in now, else the last one of the year), its
// curriculum, his marks (comments left out; the cells carry no sheet or
// version), conduct, re-tests and absences.
type PupilYear struct {
	PupilID  int64
	Class    Class
	Subjects []ClassSubject
	Cells    []Cell
	Conduct  map[string]string // term (hk1, hk2, summer) → level
	Retests  map[string]string // subject → value
	Absent   int
	// NotAssessed holds the subjects the pupil is not assessed in.
	NotAssessed map[string]bool
}

// PupilResult is a pupil's year as computed by the rules engine and stored.
// Levels are "T", "K", "D", "CD" or "" (not computable).
type PupilResult struct {
	SchoolID, SchoolYearID, PupilID, ClassID int64
	Gen                                      int64 // generation of the inputs it was computed from
	Stale                                    bool
	RulesetVersion                           string
	Grade                                    int
	Complete                                 bool
	AbsentSessions                           int
	HK                                       [2]TermLevels
	Year                                     TermLevels
	LearningFinal, ConductFinal              string
	RetestSubjects                           string // comma-separated codes
	Promotion, Award                         string
	SubjectsJSON, MissingJSON                string
	Error                                    string // why it could not be computed, if so
	ComputedAt                               time.Time
}

// TermLevels are the learning level (after and before the Điều 9.3 adjustment,
// and the subject that caused it) and the conduct of a semester or the year.
type TermLevels struct {
	Learning, LearningComputed, AdjustedFor, Conduct string
}

// NotAssessed is the principal's decision that a pupil is not assessed in a
// subject for a school year (TT22 Điều 10-11, pupils with disabilities).
type NotAssessed struct {
	SchoolID     int64
	SchoolYearID int64
	PupilID      int64
	Subject      string
	ClassID      int64
	Reason       string
	DecidedBy    int64
	DeciderName  string
	DecidedAt    time.Time
}
