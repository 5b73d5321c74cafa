package doc

import (
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
)

// CorrectionsInput is what the corrections register of a school prints.
type CorrectionsInput struct {
	Year        string // "2026-2027"
	Corrections []sdgdt.Correction
	Head        Head
	Issue       Issue
	Leader      []Signature
}

// Corrections builds "Sổ đăng ký sửa chữa" — the school's register of every
// correction requested in a school year, with its request, decision and
// witnesses.
func Corrections(in CorrectionsInput) ([]byte, error) {
	title := "Sổ đăng ký điều chỉnh kết quả đánh giá — năm học " + in.Year
	b := newBuilder(true, title, in.Head, in.Issue)
	b.addPage()
	b.officialHeader()
	b.heading("SỔ ĐĂNG KÝ ĐIỀU CHỈNH KẾT QUẢ ĐÁNH GIÁ", "Năm học "+in.Year+" · "+in.Head.School+" · Mọi đề nghị điều chỉnh sau khóa sổ, người duyệt và người chứng kiến")
	if len(in.Corrections) == 0 {
		b.para("I", 11, "Trong năm học không có đề nghị điều chỉnh nào.")
		b.f.Ln(4)
	} else {
		t := correctionsTable(in.Corrections, true)
		t.Tail, t.TailRows = closingHeight+12, 2
		b.drawTable(t)
	}
	counts := map[string]int{}
	for _, c := range in.Corrections {
		counts[c.Status]++
	}
	var parts []string
	for _, st := range []string{"applied", "approved", "requested", "rejected", "cancelled"} {
		if counts[st] > 0 {
			parts = append(parts, app.CorrectionStatusName[st]+" "+strconv.Itoa(counts[st]))
		}
	}
	summary := "Tổng số đề nghị: " + strconv.Itoa(len(in.Corrections))
	if len(parts) > 0 {
		summary += " (" + strings.Join(parts, ", ") + ")"
	}
	b.para("", 10.5, summary+".")
	b.f.Ln(2)
	b.closing([]signBox{
		{Title: "NGƯỜI LẬP SỔ", Hint: "(Ký, ghi rõ họ tên)"},
		{Title: strings.ToUpper(in.Head.principalTitle()), Hint: "(Ký, ghi rõ họ tên và đóng dấu)", Name: in.Head.Principal, Sigs: in.Leader, Date: true, Stamp: true},
	})
	return b.output()
}

// correctionsTable is the table of corrections; school adds the class column.
func correctionsTable(cs []sdgdt.Correction, school bool) table {
	t := table{Size: 8.5, Cols: []col{{Title: "STT", W: 11}, {Title: "Ngày đề nghị", W: 19}}}
	if school {
		t.Cols = append(t.Cols, col{Title: "Lớp", W: 13})
	}
	t.Cols = append(t.Cols,
		col{Title: "Môn, kì", W: 30, Wrap: true},
		col{Title: "Nội dung điều chỉnh (học sinh, cột: cũ → mới)", Align: "L", Wrap: true},
		col{Title: "Lý do", W: 40, Align: "L", Wrap: true},
		col{Title: "Người đề nghị", W: 28, Wrap: true},
		col{Title: "Lãnh đạo duyệt", W: 32, Wrap: true},
		col{Title: "Người chứng kiến", W: 34, Wrap: true},
		col{Title: "Trạng thái", W: 20, Wrap: true})
	for i, c := range cs {
		var changes []string
		for _, cell := range c.Cells {
			changes = append(changes, cell.PupilName+", "+app.FieldLabel(cell.Field)+": "+orDash(Mark(cell.OldValue))+" → "+orDash(Mark(cell.NewValue)))
		}
		decided := ""
		if !c.DecidedAt.IsZero() {
			decided = c.DeciderName + " (" + Date(c.DecidedAt) + ")"
			if c.DecisionNote != "" {
				decided += ": " + c.DecisionNote
			}
		}
		var witnesses []string
		if !c.BoardWitnessAt.IsZero() {
			witnesses = append(witnesses, c.BoardWitnessName+" ("+Date(c.BoardWitnessAt)+")")
		}
		if !c.HomeroomWitnessAt.IsZero() {
			witnesses = append(witnesses, c.HomeroomName+" ("+Date(c.HomeroomWitnessAt)+")")
		}
		status := app.CorrectionStatusName[c.Status]
		if c.Status == "applied" && !c.AppliedAt.IsZero() {
			status += " " + Date(c.AppliedAt)
		}
		row := []string{strconv.Itoa(i + 1), Date(c.RequestedAt)}
		if school {
			row = append(row, c.ClassName)
		}
		row = append(row, app.CorrectionScope(c), strings.Join(changes, "; "), c.Reason,
			c.RequesterName, decided, strings.Join(witnesses, "; "), status)
		t.Rows = append(t.Rows, row)
	}
	return t
}

func orDash(s string) string {
	if s == "" {
		return "(trống)"
	}
	return s
}
