package sdgdt

import "time"

// Document kinds: what an issued document is.
const (
	DocClassBook      = "class_book"      // Sổ theo dõi và đánh giá học sinh, a term or the year
	DocPrimarySummary = "primary_summary" // Bảng tổng hợp kết quả đánh giá giáo dục, one point
	DocHocBa          = "hoc_ba"          // Học bạ of a pupil
	DocExtract        = "extract"         // Trích lục sổ: a pupil's extract on request
	DocCorrections    = "corrections"     // Sổ đăng ký điều chỉnh of a school year
)

var docKindNames = map[string]string{
	DocClassBook:      "Sổ theo dõi và đánh giá học sinh",
	DocPrimarySummary: "Bảng tổng hợp kết quả đánh giá giáo dục",
	DocHocBa:          "Học bạ",
	DocExtract:        "Trích lục sổ theo dõi và đánh giá học sinh",
	DocCorrections:    "Sổ đăng ký điều chỉnh kết quả đánh giá",
}

// DocKindName returns the Vietnamese name of a document kind.
func DocKindName(kind string) string {
	if n, ok := docKindNames[kind]; ok {
		return n
	}
	return kind
}

// Document is one issued document: its verification code, what it is, and the
// SHA-256 (hex) of its canonical data when it was issued.
type Document struct {
	ID           int64
	Code         string
	Kind         string
	SchoolID     int64
	SchoolYearID int64
	ClassID      int64
	PupilID      int64
	Term         string
	Digest       string
	IssuedBy     int64
	IssuedByName string
	IssuedAt     time.Time
}

// Job is a background job with its progress.
type Job struct {
	ID         int64
	Kind       string
	SchoolID   int64
	Params     string // JSON
	Status     string // queued, running, done, failed
	Total      int
	Done       int
	Error      string
	ResultPath string
	CreatedBy  int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Job statuses.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)
