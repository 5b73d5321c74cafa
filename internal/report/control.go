package report

import (
	"fmt"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// Progress is a school's entry progress for a period: one sheet by teacher,
// one by sheet with what is late.
func Progress(sp app.SchoolProgress) ([]byte, error) {
	teachers := Table{Sheet: "Theo giáo viên", Title: "Tiến độ cập nhật — " + sp.School.Name + " — " + sp.Period.Label,
		Columns: []string{"STT", "Giáo viên", "Số sổ", "Cần nhập", "Đã nhập", "Tỉ lệ (%)", "Số sổ chậm"}, Widths: widths(6, 30, 10, 12, 12, 10, 12)}
	for i, t := range sp.Teachers {
		teachers.Rows = append(teachers.Rows, []any{i + 1, t.Name, t.Sheets, t.Required, t.Entered, t.Rate(), t.Late})
	}
	sheets := Table{Sheet: "Theo sổ", Columns: []string{"STT", "Giáo viên", "Lớp", "Môn", "Kì", "Cần nhập", "Đã nhập", "Tỉ lệ (%)", "Chậm"},
		Widths: widths(6, 28, 8, 24, 12, 10, 10, 10, 50)}
	for i, row := range sp.Rows {
		var late []string
		for _, l := range row.Late {
			late = append(late, fmt.Sprintf("%s (hạn %s, thiếu %d)", l.Label, sdgdt.FormatDate(l.Due), l.Missing))
		}
		sheets.Rows = append(sheets.Rows, []any{i + 1, row.TeacherName, row.ClassName, row.SubjectName, app.SheetTermName(row.Term), row.Required, row.Entered, row.Rate(), strings.Join(late, "; ")})
	}
	return Write(teachers, sheets)
}

// Corrections is a school's register of corrections, one row per corrected
// cell; values are shown as on the grid (7,5 · Đ · CĐ).
func Corrections(sc app.SchoolCorrections) ([]byte, error) {
	t := Table{Sheet: "Sổ điều chỉnh", Title: "Sổ điều chỉnh kết quả đánh giá — " + sc.School.Name,
		Columns: []string{"Số", "Ngày đề nghị", "Lớp", "Môn", "Kì", "Học sinh", "Đầu điểm", "Giá trị cũ", "Giá trị mới", "Lý do", "Người đề nghị",
			"Người duyệt", "Thành viên BQT chứng kiến", "GVCN chứng kiến", "Trạng thái", "Ngày điều chỉnh"},
		Widths: widths(6, 16, 8, 18, 10, 24, 10, 10, 10, 30, 22, 22, 22, 22, 22, 16)}
	for _, c := range sc.Corrections {
		subject, term := assess.SubjectName(c.Subject), app.SheetTermName(c.Term)
		if c.SheetID == 0 {
			subject, term = "Dữ liệu chủ nhiệm", app.ClassTermName(c.Term)
		}
		for _, cell := range c.Cells {
			t.Rows = append(t.Rows, []any{c.ID, sdgdt.FormatDateTime(c.RequestedAt), c.ClassName, subject, term, cell.PupilName,
				app.FieldLabel(cell.Field), app.MarkText(cell.Field, cell.OldValue), app.MarkText(cell.Field, cell.NewValue), c.Reason, c.RequesterName, c.DeciderName,
				c.BoardWitnessName, c.HomeroomName, app.CorrectionStatusName[c.Status], sdgdt.FormatDateTime(c.AppliedAt)})
		}
	}
	return Write(t)
}
