package sdgdt

import "time"

// Incident is a report to the school's admin board: an
// incident or error of the system, an entry error in the data, or another
// difficulty with the data, from a teacher, about a class or a sheet.
type Incident struct {
	ID         int64
	SchoolID   int64
	Kind       string // IncidentSystem, IncidentEntry, IncidentOther
	ClassID    int64  // 0: the whole school
	ClassName  string
	SheetID    int64 // 0: not about one sheet
	Subject    string
	Term       string
	Body       string
	Status     string // IncidentOpen, IncidentAnswered, IncidentClosed
	ReportedBy int64
	Reporter   string
	ReportedAt time.Time
	Answer     string
	AnsweredBy int64
	Answerer   string
	AnsweredAt time.Time
}

// Kinds and states of an incident report.
const (
	IncidentSystem = "system" // sự cố, lỗi của hệ thống
	IncidentEntry  = "entry"  // nhầm lẫn khi cập nhật dữ liệu
	IncidentOther  = "other"  // khó khăn khác khi cập nhật dữ liệu

	IncidentOpen     = "open"
	IncidentAnswered = "answered"
	IncidentClosed   = "closed"
)

// IncidentKindName and IncidentStatusName are the Vietnamese names.
var (
	IncidentKindName   = map[string]string{IncidentSystem: "Sự cố, lỗi của hệ thống", IncidentEntry: "Nhầm lẫn khi cập nhật dữ liệu", IncidentOther: "Khó khăn khác khi cập nhật dữ liệu"}
	IncidentStatusName = map[string]string{IncidentOpen: "Chờ Ban quản trị trả lời", IncidentAnswered: "Đã trả lời", IncidentClosed: "Đã đóng"}
)
