package doc

import (
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// PupilRecordInput is what a pupil's học bạ (or extract) prints.
type PupilRecordInput struct {
	Record *app.PupilRecord // from app.PupilRecordDocument
	Head   Head
	Issue  Issue
	// Homeroom holds, per school year name, the homeroom teacher's
	// signatures; Leader the principal's (and the seal's).
	Homeroom map[string][]Signature
	Leader   []Signature
}

// PupilRecord builds a pupil's học bạ — TT27 for primary years, TT22 for
// secondary years — with every school year so far, or the extract (trích lục)
// of what the book holds on him.
func PupilRecord(in PupilRecordInput) ([]byte, error) {
	pr := in.Record
	p := pr.Pupil
	level := "TIỂU HỌC"
	for _, y := range pr.Years {
		if y.Secondary != nil {
			level = "TRUNG HỌC CƠ SỞ"
			if y.Class.Grade >= 10 {
				level = "TRUNG HỌC PHỔ THÔNG"
			}
		}
	}
	name := "HỌC BẠ"
	if pr.Kind == sdgdt.DocExtract {
		name = "TRÍCH LỤC SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH"
	}
	title := strings.ToUpper(name[:1]) + strings.ToLower(name[1:]) + " — " + p.FullName()
	b := newBuilder(false, title, in.Head, in.Issue)
	b.addPage()
	b.officialHeader()
	b.f.Ln(4)
	sub := level
	if len(pr.Chosen) > 0 {
		sub += " · Năm học " + strings.Join(pr.Chosen, ", ")
	}
	b.heading(name, sub)
	b.keyValues2([][2]string{
		{"Họ và tên", p.FullName()},
		{"Giới tính", sdgdt.SexName(p.Sex)},
		{"Ngày sinh", Date(p.DateOfBirth)},
		{"Nơi sinh", p.PlaceOfBirth},
		{"Dân tộc", p.Ethnicity},
		{"Quê quán", p.HomeTown},
		{"Họ và tên cha", p.FatherName},
		{"Họ và tên mẹ", p.MotherName},
		{"Người giám hộ", p.GuardianName},
		{"Mã học sinh", p.MinistryCode},
	}, 32)
	b.keyValues([][2]string{{"Chỗ ở hiện tại", p.Address}}, 32)
	b.f.Ln(3)
	if len(pr.Years) == 0 {
		b.para("I", 11, "Chưa có năm học nào được ghi trong sổ.")
	}
	for i, y := range pr.Years {
		// The last year's results go with the closing block.
		keep := 0.0
		if i == len(pr.Years)-1 {
			keep = closingHeight + 20
		}
		switch {
		case y.Secondary != nil:
			b.secondaryYear(y, in.Homeroom[y.Year.Name], keep)
		case y.Primary != nil:
			b.primaryYear(y, in.Homeroom[y.Year.Name], keep)
		}
	}
	b.f.Ln(2)
	b.ensure(closingHeight + 12)
	b.para("", 10.5, name[:1]+strings.ToLower(name[1:])+" của học sinh "+p.FullName()+" gồm {nb} trang, "+strconv.Itoa(len(pr.Years))+" năm học, in từ Sổ đánh giá điện tử ngày "+DateTime(in.Issue.At)+".")
	b.f.Ln(2)
	b.closing([]signBox{{Title: strings.ToUpper(in.Head.principalTitle()), Hint: "(Ký, ghi rõ họ tên và đóng dấu)", Name: in.Head.Principal, Sigs: in.Leader, Date: true, Stamp: true}})
	return b.output()
}

func (b *builder) yearHeading(y app.RecordYear) {
	b.ensure(60)
	b.font("B", 12.5)
	b.f.SetX(margin)
	b.f.SetFillColor(235, 235, 235)
	b.f.CellFormat(b.contentW(), 7, "NĂM HỌC "+y.Year.Name+" — LỚP "+y.Class.Name, "", 1, "C", true, 0, "")
	b.f.Ln(1)
}

func (b *builder) secondaryYear(y app.RecordYear, sigs []Signature, keep float64) {
	cy := y.Secondary
	b.yearHeading(y)
	if len(cy.Pupils) == 0 {
		b.para("I", 10.5, "Không có dữ liệu của học sinh trong lớp này.")
		return
	}
	v := &cy.Pupils[0]
	t := table{Size: 9.5, Cols: []col{{Title: "Môn học, hoạt động giáo dục", W: 62, Align: "L"}, {Title: "Học kì I", W: 20}, {Title: "Học kì II", W: 20},
		{Title: "Cả năm", W: 20}, {Title: "Sau kiểm tra lại", W: 22}, {Title: "Giáo viên bộ môn", Align: "L", Wrap: true}}}
	notAssessed := false
	for j, s := range cy.Subjects {
		rt := ""
		if j < len(v.Subjects) && v.Subjects[j].Retest.Known() {
			rt = avgText(v.Subjects[j].Retest)
		}
		if v.NotAssessedIn(j) {
			t.Rows = append(t.Rows, []string{s.Name, "KĐG", "KĐG", "KĐG", "", s.Teacher("year")})
			notAssessed = true
			continue
		}
		t.Rows = append(t.Rows, []string{s.Name, avgText(v.Mark(j, "hk1")), avgText(v.Mark(j, "hk2")), avgText(v.Mark(j, "year")), rt, s.Teacher("year")})
	}
	b.drawTable(t)
	if notAssessed {
		b.para("I", 9, "KĐG: không đánh giá môn học theo quyết định của Hiệu trưởng (Điều 10, 11 Thông tư 22).")
	}
	b.ensure(keep + 52)
	yr := &v.Result.Year
	rt := table{Size: 9.5, Cols: []col{{Title: "", W: 62, Align: "L"}, {Title: "Học kì I", W: 20}, {Title: "Học kì II", W: 20}, {Title: "Cả năm", W: 20}, {Title: "Sau hè", W: 22}, {Title: "", Align: "L"}}}
	after := func(final, before assess.Level) string {
		if final != before {
			return final.String()
		}
		return ""
	}
	rt.Rows = [][]string{
		{"Kết quả học tập", v.Term("hk1").Learning.String(), v.Term("hk2").Learning.String(), yr.Learning.String(), after(yr.LearningFinal, yr.Learning), ""},
		{"Kết quả rèn luyện", v.Term("hk1").Conduct.String(), v.Term("hk2").Conduct.String(), yr.Conduct.String(), after(yr.ConductFinal, yr.Conduct), ""},
	}
	b.drawTable(rt)
	award := assess.AwardName(yr.Award)
	if award == "" {
		award = "Không"
	}
	b.keyValues([][2]string{
		{"Số buổi nghỉ", strconv.Itoa(v.Absent.Total()) + " (có phép " + strconv.Itoa(v.Absent.Excused) + ", không phép " + strconv.Itoa(v.Absent.Unexcused) + ")"},
		{"Lên lớp", orNone(assess.PromotionName(yr.Promotion, y.Class.Grade))},
		{"Khen thưởng", award},
	}, 45)
	b.homeroomLine(v.Comments["year"], y.Class.HomeroomName, sigs)
}

func (b *builder) primaryYear(y app.RecordYear, sigs []Signature, keep float64) {
	ps := y.Primary
	b.yearHeading(y)
	if len(ps.Rows) == 0 {
		b.para("I", 10.5, "Không có dữ liệu của học sinh trong lớp này.")
		return
	}
	r := ps.Rows[0]
	t := table{Size: 9.5, Cols: []col{{Title: "Môn học và hoạt động giáo dục", W: 55, Align: "L"}, {Title: "Mức đạt được", W: 20}, {Title: "Điểm KTĐK", W: 18}, {Title: "Nhận xét", Align: "L", Wrap: true}}}
	for i, s := range ps.Subjects {
		t.Rows = append(t.Rows, []string{s.Name, primaryLevel(r.Levels[i]), r.Tests[i], r.Comments[i]})
	}
	b.drawTable(t)
	q := table{Size: 9.5, Cols: []col{{Title: "Năng lực, phẩm chất", W: 55, Align: "L"}, {Title: "Mức đạt được", W: 38}, {Title: "Nhận xét", Align: "L", Wrap: true}}}
	for i, c := range r.Competencies {
		comment := ""
		switch i {
		case 0:
			comment = r.QCComments[0]
		case 3:
			comment = r.QCComments[1]
		}
		q.Rows = append(q.Rows, []string{assess.CompetencyNames[i], qcLevel(c), comment})
	}
	for i, v := range r.Qualities {
		comment := ""
		if i == 0 {
			comment = r.QCComments[2]
		}
		q.Rows = append(q.Rows, []string{assess.QualityNames[i], qcLevel(v), comment})
	}
	b.drawTable(q)
	b.ensure(keep + 36)
	res := r.Result
	award := "Không"
	switch res.Award {
	case "xuat_sac":
		award = "Học sinh Xuất sắc"
	case "tieu_bieu":
		award = "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện"
	}
	done := "Chưa hoàn thành chương trình lớp học"
	if res.CompletedPrimary {
		done = "Hoàn thành chương trình tiểu học"
	} else if res.CompletedGrade {
		done = "Hoàn thành chương trình lớp " + strconv.Itoa(y.Class.Grade)
	} else if res.Result == "" {
		done = "Chưa đánh giá"
	}
	b.keyValues([][2]string{
		{"Kết quả giáo dục", orNone(app.OutcomeName(res.Result))},
		{"Khen thưởng", award},
		{"Hoàn thành chương trình", done},
		{"Lên lớp", orNone(app.PromotionName(res.Promotion))},
	}, 50)
	b.homeroomLine("", y.Class.HomeroomName, sigs)
}

func (b *builder) homeroomLine(comment, name string, sigs []Signature) {
	if comment != "" {
		b.para("", 10.5, "Nhận xét của giáo viên chủ nhiệm: "+comment)
	}
	if name == "" {
		name = "………………………………"
	}
	line := "Giáo viên chủ nhiệm: " + name + "      Chữ ký: ……………………"
	if len(sigs) > 0 {
		line = "Giáo viên chủ nhiệm: " + name + " — đã ký số " + DateTime(sigs[0].SignedAt) + ", chứng thư số " + sigs[0].Serial
	}
	b.para("", 10.5, line)
	b.f.Ln(4)
}

func orNone(s string) string {
	if s == "" {
		return "Chưa xét"
	}
	return s
}

func primaryLevel(v string) string {
	switch v {
	case "T":
		return "Hoàn thành tốt"
	case "H":
		return "Hoàn thành"
	case "C":
		return "Chưa hoàn thành"
	}
	return v
}

func qcLevel(v string) string {
	switch v {
	case "T":
		return "Tốt"
	case "D":
		return "Đạt"
	case "C":
		return "Cần cố gắng"
	}
	return v
}
