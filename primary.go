package sdgdt

import "time"

// PrimaryResult is a pupil's result at an assessment point, as computed by
// the rules engine and stored.
type PrimaryResult struct {
	SchoolID, SchoolYearID, PupilID int64
	Point                           string
	ClassID                         int64
	Gen                             int64
	RulesetVersion                  string
	Grade                           int
	Complete                        bool
	MissingJSON                     string
	SubjectsT, SubjectsH, SubjectsC int
	QCT, QCD, QCC                   int
	Result, Award                   string
	CompletedGrade                  bool
	CompletedPrimary                bool
	ResultFinal                     string
	Promotion                       string
	Error                           string
	ComputedAt                      time.Time
	SubjectsJSON                    string // [{"subject","level","test"}]: for the statistics
}

// Nomination is the homeroom teacher's nomination of a pupil as Học sinh
// Tiêu biểu, with its reason.
type Nomination struct {
	SchoolID, SchoolYearID, PupilID, ClassID int64
	Nominated                                bool
	Reason                                   string
	ChangedBy                                int64
	ChangedByName                            string
	ChangedAt                                time.Time
}

// Supplement is one item of a pupil's additional assessment: the updated
// level (and test score) of a subject, quality ("q.…") or competency ("c.…").
type Supplement struct {
	SchoolID, SchoolYearID, PupilID int64
	Item                            string
	ClassID                         int64
	Level, Test, Note               string
	ChangedBy                       int64
	ChangedAt                       time.Time
}

// Decision is the principal's decision on a pupil still CHT after the
// additional assessment.
type Decision struct {
	SchoolID, SchoolYearID, PupilID, ClassID int64
	Decision                                 string // "promoted" or "retained"
	Note                                     string
	DecidedBy                                int64
	DecidedByName                            string
	DecidedAt                                time.Time
}
