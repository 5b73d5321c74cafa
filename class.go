package sdgdt

// Class is a class of a school year, with its homeroom teacher.
type Class struct {
	ID           int64
	SchoolID     int64
	SchoolYearID int64
	Grade        int
	Name         string
	Ruleset      string
	HomeroomID   int64
	HomeroomName string
}

// Assignment is a teaching assignment: a teacher × class × subject × term.
type Assignment struct {
	ID        int64
	SchoolID  int64
	ClassID   int64
	Subject   string
	Term      string
	TeacherID int64
}

// ClassSubject is a subject of a class's curriculum.
type ClassSubject struct {
	ClassID        int64
	SchoolID       int64
	Subject        string
	PeriodsPerYear int
	AssessedBy     string // "score", "comment" or "level" (primary)
	Position       int
}

// AssignmentInfo is a teaching assignment with what a list of them shows.
type AssignmentInfo struct {
	Assignment
	ClassName    string
	Grade        int
	Ruleset      string
	SchoolYearID int64
	SchoolYear   string
	TeacherName  string
}

// ClassCount is a class with its number of pupils studying.
type ClassCount struct {
	Class
	Pupils int
}
