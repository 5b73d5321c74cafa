package web

import (
	"strings"

	"sdgdt/internal/app"
)

// The columns of a primary qualities-and-competencies sheet in the grid: a
// level T/Đ/C per competency and quality, and three comments.

// pcnlShort are short headings for the narrow level columns.
var pcnlShort = map[string]string{
	"c.tu_chu_tu_hoc": "Tự chủ, tự học", "c.giao_tiep_hop_tac": "Giao tiếp, hợp tác", "c.gqvd_sang_tao": "GQVĐ, sáng tạo",
	"c.ngon_ngu": "Ngôn ngữ", "c.tinh_toan": "Tính toán", "c.khoa_hoc": "Khoa học", "c.cong_nghe": "Công nghệ", "c.tin_hoc": "Tin học",
	"c.tham_mi": "Thẩm mĩ", "c.the_chat": "Thể chất", "q.yeu_nuoc": "Yêu nước", "q.nhan_ai": "Nhân ái", "q.cham_chi": "Chăm chỉ",
	"q.trung_thuc": "Trung thực", "q.trach_nhiem": "Trách nhiệm",
}

// pcnlGroup is the group heading of a qualities-and-competencies field.
func pcnlGroup(field string) string {
	switch {
	case field == app.PCNLGeneralComment, field == "c.tu_chu_tu_hoc", field == "c.giao_tiep_hop_tac", field == "c.gqvd_sang_tao":
		return "Năng lực chung"
	case strings.HasPrefix(field, "c."):
		return "Năng lực đặc thù"
	case strings.HasPrefix(field, "q."):
		return "Phẩm chất chủ yếu"
	}
	return ""
}

func pcnlGridCol(field string) (gridCol, bool) {
	if !strings.HasPrefix(field, "q.") && !strings.HasPrefix(field, "c.") {
		return gridCol{}, false
	}
	label := app.FieldLabel(field)
	if app.IsTextField(field) {
		return gridCol{Field: field, Label: label, Title: label + " (" + pcnlGroup(field) + ")", Type: "text", Wide: true}, true
	}
	return gridCol{Field: field, Label: pcnlShort[field], Title: label + ": T (Tốt), Đ (Đạt), C (Cần cố gắng)", Type: "qlevel"}, true
}

// gridGroup is a group heading over consecutive columns of the grid.
type gridGroup struct {
	Label string
	Span  int
}

// pcnlGroups returns the group headings of a qualities-and-competencies grid.
func pcnlGroups(cols []gridCol) []gridGroup {
	var out []gridGroup
	for _, c := range cols {
		g := pcnlGroup(c.Field)
		if n := len(out); n > 0 && out[n-1].Label == g {
			out[n-1].Span++
			continue
		}
		out = append(out, gridGroup{g, 1})
	}
	return out
}
