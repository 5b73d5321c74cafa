package report

import (
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
)

func TestProgress(t *testing.T) {
	sp := app.SchoolProgress{School: school, Year: year, Period: app.ProgressPeriod{Key: "hk1", Label: "Học kì I"},
		Teachers: []app.TeacherProgress{{TeacherID: 5, Name: "Trịnh Thu Hà", Sheets: 2, Required: 80, Entered: 60, Late: 1}},
		Rows: []app.ProgressRow{{TeacherName: "Trịnh Thu Hà", ClassName: "8A1", SubjectName: "Toán", Term: "hk1", Required: 40, Entered: 20,
			Late: []app.LateItem{{Field: "midterm", Label: "ĐĐGgk", Due: time.Date(2025, 11, 15, 0, 0, 0, 0, sdgdt.Vietnam), Missing: 20}}}}}
	o := open(t)(Progress(sp))
	o.sheets("Theo giáo viên", "Theo sổ")
	o.cell("Theo giáo viên", "A1", "Tiến độ cập nhật — Trường THCS Nguyễn Du — Học kì I")
	o.row("Theo giáo viên", 3, "STT", "Giáo viên", "Số sổ", "Cần nhập", "Đã nhập", "Tỉ lệ (%)", "Số sổ chậm")
	o.row("Theo giáo viên", 4, "1", "Trịnh Thu Hà", "2", "80", "60", "75", "1")
	o.row("Theo sổ", 1, "STT", "Giáo viên", "Lớp", "Môn", "Kì", "Cần nhập", "Đã nhập", "Tỉ lệ (%)", "Chậm")
	o.row("Theo sổ", 2, "1", "Trịnh Thu Hà", "8A1", "Toán", "Học kì I", "40", "20", "50", "ĐĐGgk (hạn 15/11/2025, thiếu 20)")
	o.frozen("Theo sổ", 0, 1)
	o.bold("Theo sổ", "I1")
}

func TestCorrections(t *testing.T) {
	at := time.Date(2026, 1, 20, 2, 30, 0, 0, time.UTC) // 09:30 in Vietnam
	sc := app.SchoolCorrections{School: school, Corrections: []sdgdt.Correction{{ID: 4, SheetID: 12, ClassName: "8A1", Subject: "toan", Term: "hk1",
		Status: "applied", Reason: "Nhập nhầm", RequesterName: "Trịnh Thu Hà", DeciderName: "Lê Văn Hiệu", RequestedAt: at, AppliedAt: at.Add(24 * time.Hour),
		Cells: []sdgdt.CorrectionCell{{PupilName: "Nguyễn Văn An", Field: "midterm", OldValue: "6.5", NewValue: "7.5"}, {PupilName: "Niê H'Linh", Field: "regular[0]", OldValue: "CD", NewValue: "D"}}}}}
	o := open(t)(Corrections(sc))
	o.sheets("Sổ điều chỉnh")
	o.cell("Sổ điều chỉnh", "A1", "Sổ điều chỉnh kết quả đánh giá — Trường THCS Nguyễn Du")
	o.cell("Sổ điều chỉnh", "A3", "Số")
	o.row("Sổ điều chỉnh", 4, "4", "20/01/2026 09:30", "8A1", "Toán", "Học kì I", "Nguyễn Văn An", "ĐĐGgk", "6,5", "7,5", "Nhập nhầm", "Trịnh Thu Hà",
		"Lê Văn Hiệu", "", "", app.CorrectionStatusName["applied"], "21/01/2026 09:30")
	o.cell("Sổ điều chỉnh", "H5", "CĐ")
	o.cell("Sổ điều chỉnh", "I5", "Đ")
	o.frozen("Sổ điều chỉnh", 0, 3)
}
