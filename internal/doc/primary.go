package doc

import (
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// PrimarySummaryInput is what the Bảng tổng hợp of a primary class prints.
type PrimarySummaryInput struct {
	Summary  *app.PrimarySummary // from app.ClassPrimarySummary
	Head     Head
	Issue    Issue
	Homeroom []Signature
	Leader   []Signature
}

var competencyShort = [10]string{"TC-TH", "GT-HT", "GQVĐ-ST", "NN", "TT", "KH", "CN", "TH", "TM", "TC"}
var qualityShort = [5]string{"YN", "NA", "CC", "TT", "TN"}

// PrimarySummary builds "Bảng tổng hợp kết quả đánh giá giáo dục" of a
// primary class at one assessment point (TT27): per pupil each subject's level
// and test score, the competencies and qualities, and at year end the result,
// award, completion and promotion, with the level counts.
func PrimarySummary(in PrimarySummaryInput) ([]byte, error) {
	s := in.Summary
	point := sdgdt.TermName(s.Point)
	title := "Bảng tổng hợp kết quả đánh giá giáo dục lớp " + s.Class.Name + " — " + point + " — năm học " + s.Year.Name
	b := newBuilder(true, title, in.Head, in.Issue)
	b.addPage()
	b.officialHeader()
	b.heading("BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ GIÁO DỤC", "Lớp "+s.Class.Name+" · "+point+" · Năm học "+s.Year.Name+" · Thông tư 27/2020/TT-BGDĐT")

	// Part 1: the subjects, with the test scores where tested.
	b.section("I. MÔN HỌC VÀ HOẠT ĐỘNG GIÁO DỤC")
	t := table{Size: 8.5, Cols: []col{{Title: "STT", W: 10}, {Title: "Họ và tên", W: 48, Align: "L"}}}
	for _, sub := range s.Subjects {
		if sub.Tested {
			t.Groups = append(t.Groups, group{From: len(t.Cols), Span: 2, Title: shortName(sub.Code)})
			t.Cols = append(t.Cols, col{Title: "Mức"}, col{Title: "Điểm"})
		} else {
			t.Cols = append(t.Cols, col{Title: shortName(sub.Code)})
		}
	}
	for _, r := range s.Rows {
		row := []string{strconv.Itoa(r.N), r.FullName}
		for i, sub := range s.Subjects {
			row = append(row, r.Levels[i])
			if sub.Tested {
				row = append(row, r.Tests[i])
			}
		}
		t.Rows = append(t.Rows, row)
	}
	for k, label := range countLabels {
		row := []string{"", label}
		for i, sub := range s.Subjects {
			row = append(row, strconv.Itoa(pick(s.SubjectCounts[i], k)))
			if sub.Tested {
				row = append(row, "")
			}
		}
		t.Rows = append(t.Rows, row)
	}
	t.Bold = boldLast(len(t.Rows), len(countLabels))
	b.drawTable(t)

	// Part 2: competencies, qualities and, at year end, the results.
	b.addPage()
	b.section("II. NĂNG LỰC, PHẨM CHẤT" + map[bool]string{true: " VÀ KẾT QUẢ GIÁO DỤC", false: ""}[s.YearEnd])
	q := table{Size: 8.5, Cols: []col{{Title: "STT", W: 10}, {Title: "Họ và tên", W: 48, Align: "L"}}}
	q.Groups = append(q.Groups, group{From: len(q.Cols), Span: 10, Title: "Năng lực"})
	for _, c := range competencyShort {
		q.Cols = append(q.Cols, col{Title: c})
	}
	q.Groups = append(q.Groups, group{From: len(q.Cols), Span: 5, Title: "Phẩm chất"})
	for _, x := range qualityShort {
		q.Cols = append(q.Cols, col{Title: x})
	}
	if s.YearEnd {
		q.Cols = append(q.Cols, col{Title: "Kết quả", W: 16}, col{Title: "Khen thưởng", W: 20, Wrap: true}, col{Title: "Hoàn thành chương trình", W: 22, Wrap: true}, col{Title: "Lên lớp", W: 24, Wrap: true})
	}
	for _, r := range s.Rows {
		row := []string{strconv.Itoa(r.N), r.FullName}
		for _, c := range r.Competencies {
			row = append(row, qualityText(c))
		}
		for _, x := range r.Qualities {
			row = append(row, qualityText(x))
		}
		if s.YearEnd {
			res := r.Result
			result := res.Result
			if res.ResultFinal != "" && res.ResultFinal != res.Result {
				result += "→" + res.ResultFinal
			}
			award := ""
			switch res.Award {
			case "xuat_sac":
				award = "HS Xuất sắc"
			case "tieu_bieu":
				award = "HS Tiêu biểu"
			}
			done := ""
			switch {
			case res.CompletedPrimary:
				done = "HTCT tiểu học"
			case res.CompletedGrade:
				done = "HTCT lớp " + strconv.Itoa(s.Class.Grade)
			case res.Result == "CHT":
				done = "Chưa hoàn thành"
			}
			row = append(row, result, award, done, app.PromotionName(res.Promotion))
		}
		q.Rows = append(q.Rows, row)
	}
	for k, label := range countLabels {
		row := []string{"", label}
		for _, lc := range s.QCCounts {
			row = append(row, strconv.Itoa(pick(lc, k)))
		}
		if s.YearEnd {
			row = append(row, "", "", "", "")
		}
		q.Rows = append(q.Rows, row)
	}
	q.Bold = boldLast(len(q.Rows), len(countLabels))
	q.Tail, q.TailRows = closingHeight+26, 5
	b.drawTable(q)

	var legend []string
	for _, sub := range s.Subjects {
		legend = append(legend, shortName(sub.Code)+": "+sub.Name)
	}
	for i, c := range competencyShort {
		legend = append(legend, c+": "+assess.CompetencyNames[i])
	}
	for i, q := range qualityShort {
		legend = append(legend, q+": "+assess.QualityNames[i])
	}
	text := "Môn học, hoạt động giáo dục: T Hoàn thành tốt, H Hoàn thành, C Chưa hoàn thành; năng lực, phẩm chất: T Tốt, Đ Đạt, C Cần cố gắng; điểm: bài kiểm tra định kì."
	if s.YearEnd {
		text += " Kết quả: HTXS Hoàn thành xuất sắc, HTT Hoàn thành tốt, HT Hoàn thành, CHT Chưa hoàn thành: " +
			"HTXS " + strconv.Itoa(s.Totals["HTXS"]) + ", HTT " + strconv.Itoa(s.Totals["HTT"]) + ", HT " + strconv.Itoa(s.Totals["HT"]) + ", CHT " + strconv.Itoa(s.Totals["CHT"]) + "."
	}
	b.para("", 8.5, text+" Viết tắt: "+strings.Join(legend, "; ")+".")
	b.para("", 8.5, "Sĩ số: "+strconv.Itoa(len(s.Rows))+" học sinh; "+strconv.Itoa(s.Totals["complete"])+" học sinh đã có đủ mức đạt được, điểm kiểm tra và đánh giá năng lực, phẩm chất.")
	b.f.Ln(2)
	boxes := []signBox{{Title: "GIÁO VIÊN CHỦ NHIỆM", Hint: "(Ký, ghi rõ họ tên)", Name: s.Class.HomeroomName, Sigs: in.Homeroom, Date: !s.YearEnd}}
	if s.YearEnd {
		boxes = append(boxes, signBox{Title: strings.ToUpper(in.Head.principalTitle()), Hint: "(Ký, ghi rõ họ tên và đóng dấu)", Name: in.Head.Principal, Sigs: in.Leader, Date: true, Stamp: true})
	}
	b.closing(boxes)
	return b.output()
}

var countLabels = []string{"Số HS mức T", "Số HS mức H/Đ", "Số HS mức C"}

// boldLast marks the last k of n rows bold.
func boldLast(n, k int) []bool {
	out := make([]bool, n)
	for i := n - k; i < n; i++ {
		if i >= 0 {
			out[i] = true
		}
	}
	return out
}

func qualityText(v string) string {
	if v == "D" {
		return "Đ"
	}
	return v
}

func pick(lc app.LevelCount, k int) int {
	switch k {
	case 0:
		return lc.T
	case 1:
		return lc.M
	}
	return lc.C
}
