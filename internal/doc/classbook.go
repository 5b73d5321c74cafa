package doc

import (
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// BookSignatures are the valid signatures a class book prints: each subject
// teacher's under his subject (by subject code, then term hk1/hk2), the
// homeroom teacher's and the school leader's. Empty ones print "Chữ ký: ……".
type BookSignatures struct {
	Subjects map[string]map[string][]Signature
	Homeroom []Signature
	Leader   []Signature
	Seal     []Signature // the school's seal certificate, after the leader
}

// ClassBookInput is what the class book of a secondary class prints.
type ClassBookInput struct {
	Book        *app.ClassYear // from app.ClassBook
	Term        string         // hk1, hk2 or year
	Head        Head
	Issue       Issue
	Corrections []sdgdt.Correction // the class's corrections of the year
	Signatures  BookSignatures
}

// ClassBook builds "Sổ theo dõi và đánh giá học sinh (theo lớp học)" of a
// secondary class for a semester or the year (TT22 Điều 18): cover, list of
// pupils, one table per subject and semester, the summaries, the year-end
// lists, the homeroom teacher's comments, the corrections, and the signatures.
func ClassBook(in ClassBookInput) ([]byte, error) {
	cy := in.Book
	c := cy.Class
	termName := app.ClassTermName(in.Term)
	title := "Sổ theo dõi và đánh giá học sinh lớp " + c.Name + " — " + termName + " — năm học " + cy.Year.Name
	b := newBuilder(true, title, in.Head, in.Issue)

	// Cover.
	b.addPage()
	b.officialHeader()
	b.f.Ln(22)
	b.font("B", 24)
	b.f.SetX(margin)
	b.f.CellFormat(b.contentW(), 12, "SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH", "", 2, "C", false, 0, "")
	b.font("I", 13)
	b.f.CellFormat(b.contentW(), 7, "(Theo lớp học)", "", 2, "C", false, 0, "")
	b.f.Ln(14)
	homeroom := c.HomeroomName
	if homeroom == "" {
		homeroom = "………………………………"
	}
	x := margin + b.contentW()*0.3
	b.f.SetLeftMargin(x)
	b.keyValues([][2]string{
		{"Lớp", c.Name},
		{"Năm học", cy.Year.Name},
		{"Kì đánh giá", termName},
		{"Giáo viên chủ nhiệm", homeroom},
		{"Số học sinh", strconv.Itoa(len(cy.Pupils))},
		{"Đánh giá theo", cy.RuleSet.Name},
		{"Trường", in.Head.School},
		{"Địa chỉ", in.Head.Address},
	}, 50)
	b.f.SetLeftMargin(margin)

	// List of pupils.
	b.addPage()
	b.heading("DANH SÁCH HỌC SINH", "Lớp "+c.Name+" · Năm học "+cy.Year.Name)
	lt := table{Cols: []col{{Title: "STT", W: 12}, {Title: "Họ và tên", W: 65, Align: "L"}, {Title: "Ngày sinh", W: 26}, {Title: "Giới tính", W: 20},
		{Title: "Dân tộc", W: 24}, {Title: "Nơi sinh", W: 70, Align: "L"}, {Title: "Ghi chú", Align: "L", Wrap: true}}}
	for _, v := range cy.Pupils {
		lt.Rows = append(lt.Rows, []string{strconv.Itoa(v.N), v.Pupil.FullName(), Date(v.Pupil.DateOfBirth), sdgdt.SexName(v.Pupil.Sex), v.Pupil.Ethnicity, v.Pupil.PlaceOfBirth, v.Error})
	}
	b.drawTable(lt)

	// One table per subject and semester.
	var terms []string
	switch in.Term {
	case "hk1":
		terms = []string{"hk1"}
	case "hk2":
		terms = []string{"hk2"}
	default:
		terms = []string{"hk1", "hk2"}
	}
	for j, sub := range cy.Subjects {
		for _, term := range terms {
			b.subjectPage(cy, j, sub, term, in.Signatures.Subjects[sub.Code][term])
		}
	}

	// Summaries.
	sumTerms := terms
	if in.Term == "year" {
		sumTerms = []string{"hk1", "hk2", "year"}
	}
	for _, term := range sumTerms {
		b.summaryPage(cy, term)
	}
	if in.Term == "year" {
		b.listsPage(cy)
	}

	// Corrections of the class.
	b.addPage()
	b.heading("ĐIỀU CHỈNH SAU KHÓA SỔ", "Lớp "+c.Name+" · Năm học "+cy.Year.Name+" · Các đề nghị điều chỉnh kết quả đánh giá của lớp")
	if len(in.Corrections) == 0 {
		b.para("I", 10.5, "Không có điều chỉnh nào trong năm học.")
	} else {
		b.drawTable(correctionsTable(in.Corrections, false))
	}

	// The homeroom teacher's comments, their last rows with the confirmation.
	b.addPage()
	b.heading("NHẬN XÉT CỦA GIÁO VIÊN CHỦ NHIỆM", "Lớp "+c.Name+" · Năm học "+cy.Year.Name+" · "+termName)
	ct := table{Cols: []col{{Title: "STT", W: 12}, {Title: "Họ và tên", W: 55, Align: "L"}}}
	commentTerms := sumTerms
	for _, t := range commentTerms {
		ct.Cols = append(ct.Cols, col{Title: app.ClassTermName(t), Align: "L", Wrap: true})
	}
	for _, v := range cy.Pupils {
		row := []string{strconv.Itoa(v.N), v.Pupil.FullName()}
		for _, t := range commentTerms {
			row = append(row, v.Comments[t])
		}
		ct.Rows = append(ct.Rows, row)
	}
	ct.Tail, ct.TailRows = closingHeight+30, 4
	b.drawTable(ct)

	// Confirmation.
	b.ensure(closingHeight + 24)
	b.section("XÁC NHẬN")
	ls := countLevels(cy, in.Term)
	b.para("", 10.5, "Sổ gồm {nb} trang, ghi kết quả đánh giá "+lowerFirst(termName)+" của "+strconv.Itoa(len(cy.Pupils))+
		" học sinh lớp "+c.Name+", năm học "+cy.Year.Name+". "+ls+" Dữ liệu in từ Sổ đánh giá điện tử ngày "+DateTime(in.Issue.At)+".")
	b.f.Ln(2)
	b.closing([]signBox{
		{Title: "GIÁO VIÊN CHỦ NHIỆM", Hint: "(Ký, ghi rõ họ tên)", Name: c.HomeroomName, Sigs: in.Signatures.Homeroom},
		{Title: strings.ToUpper(leaderTitle(c, in.Head)), Hint: "(Ký, ghi rõ họ tên và đóng dấu)", Name: in.Head.Principal,
			Sigs: append(append([]Signature{}, in.Signatures.Leader...), in.Signatures.Seal...), Date: true, Stamp: true},
	})
	return b.output()
}

func leaderTitle(c sdgdt.Class, h Head) string {
	if c.Ruleset == "tt43" && h.PrincipalTitle == "" {
		return "Giám đốc trung tâm"
	}
	return h.principalTitle()
}

// subjectPage prints one subject's marks for one semester.
func (b *builder) subjectPage(cy *app.ClassYear, j int, sub app.YearSubject, term string, sigs []Signature) {
	b.addPage()
	hk2 := term == "hk2"
	how := "Đánh giá bằng nhận xét (Đ: Đạt, CĐ: Chưa đạt)"
	if sub.Scored() {
		how = "Đánh giá bằng nhận xét kết hợp điểm số · " + strconv.Itoa(sub.PeriodsPerYear) + " tiết/năm"
	}
	b.heading(strconv.Itoa(j+1)+". "+strings.ToUpper(sub.Name)+" — "+strings.ToUpper(app.ClassTermName(term)),
		"Lớp "+cy.Class.Name+" · Năm học "+cy.Year.Name+" · "+how)
	t := table{Cols: []col{{Title: "STT", W: 10}, {Title: "Họ và tên", W: 55, Align: "L"}}}
	for k := 0; k < sub.RegularCount; k++ {
		t.Cols = append(t.Cols, col{Title: strconv.Itoa(k + 1), W: 13})
	}
	t.Groups = []group{{From: 2, Span: sub.RegularCount, Title: "ĐĐGtx"}}
	avg := "ĐTBmhk"
	if !sub.Scored() {
		avg = "Kết quả " + strings.TrimPrefix(app.ClassTermName(term), "Học kì ")
	}
	t.Cols = append(t.Cols, col{Title: "ĐĐGgk", W: 15}, col{Title: "ĐĐGck", W: 15}, col{Title: avg, W: 17})
	if hk2 {
		yr := "ĐTBmcn"
		if !sub.Scored() {
			yr = "Cả năm"
		}
		t.Cols = append(t.Cols, col{Title: yr, W: 17}, col{Title: "Kiểm tra lại", W: 17})
	}
	t.Cols = append(t.Cols, col{Title: "Ghi chú", Align: "L", Wrap: true})
	for i := range cy.Pupils {
		v := &cy.Pupils[i]
		cells := v.Cells[sub.Code][term]
		row := []string{strconv.Itoa(v.N), v.Pupil.FullName()}
		for k := 0; k < sub.RegularCount; k++ {
			row = append(row, Mark(cells["regular["+strconv.Itoa(k)+"]"]))
		}
		row = append(row, Mark(cells["midterm"]), Mark(cells["final"]), avgText(v.Mark(j, term)))
		if hk2 {
			rt := ""
			if j < len(v.Subjects) && v.Subjects[j].Retest.Known() {
				rt = avgText(v.Subjects[j].Retest)
			}
			row = append(row, avgText(v.Mark(j, "year")), rt)
		}
		note := ""
		if e := cells["exemption"]; e != "" {
			note = "Miễn thực hành: " + e
		}
		if v.NotAssessedIn(j) {
			note = strings.TrimPrefix(note+"; "+app.NotAssessedName+" (quyết định của Hiệu trưởng)", "; ")
		}
		if miss := v.MissingIn(j, term); len(miss) > 0 {
			note = strings.TrimPrefix(note+"; chưa đủ điểm", "; ")
		}
		row = append(row, note)
		t.Rows = append(t.Rows, row)
	}
	t.Tail, t.TailRows = 14, 3
	b.drawTable(t)
	teacher := sub.Teacher(term)
	if teacher == "" {
		teacher = "(chưa phân công)"
	}
	b.ensure(12)
	b.font("", 10.5)
	b.f.SetX(margin)
	line := "Giáo viên bộ môn: " + teacher + "      Chữ ký: ……………………"
	if len(sigs) > 0 {
		var parts []string
		for _, s := range sigs {
			parts = append(parts, "đã ký số "+DateTime(s.SignedAt)+", chứng thư số "+s.Serial)
		}
		line = "Giáo viên bộ môn: " + teacher + " — " + strings.Join(parts, "; ")
	}
	b.f.MultiCell(b.contentW(), 5, line, "", "L", false)
}

// summaryPage prints each pupil's subject results and levels for a term.
func (b *builder) summaryPage(cy *app.ClassYear, term string) {
	b.addPage()
	year := term == "year"
	sub := "ĐTBmhk hoặc Đ/CĐ từng môn, kết quả học tập và rèn luyện"
	if year {
		sub = "ĐTBmcn hoặc Đ/CĐ từng môn; kết quả trước và sau kiểm tra lại, rèn luyện trong hè; lên lớp"
	}
	b.heading("TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ "+strings.ToUpper(app.ClassTermName(term)), "Lớp "+cy.Class.Name+" · Năm học "+cy.Year.Name+" · "+sub)
	t := table{Cols: []col{{Title: "STT", W: 10}, {Title: "Họ và tên", W: 46, Align: "L"}}, Size: 8.5}
	for _, s := range cy.Subjects {
		t.Cols = append(t.Cols, col{Title: shortName(s.Code)})
	}
	t.Groups = []group{{From: 2, Span: len(cy.Subjects), Title: "Môn học"}}
	n := len(t.Cols)
	if year {
		t.Cols = append(t.Cols, col{Title: "HT", W: 9}, col{Title: "RL", W: 9}, col{Title: "HT", W: 9}, col{Title: "RL", W: 9},
			col{Title: "P", W: 7}, col{Title: "K", W: 7}, col{Title: "Lên lớp", W: 24, Wrap: true})
		t.Groups = append(t.Groups, group{From: n, Span: 2, Title: "Cả năm"}, group{From: n + 2, Span: 2, Title: "Sau hè"}, group{From: n + 4, Span: 2, Title: "Vắng"})
		if cy.RuleSet.Awards {
			t.Cols = append(t.Cols, col{Title: "Danh hiệu", W: 20, Wrap: true})
		}
	} else {
		t.Cols = append(t.Cols, col{Title: "Học tập", W: 15}, col{Title: "Rèn luyện", W: 15}, col{Title: "P", W: 7}, col{Title: "K", W: 7})
		t.Groups = append(t.Groups, group{From: n + 2, Span: 2, Title: "Vắng"})
	}
	for i := range cy.Pupils {
		v := &cy.Pupils[i]
		tr := v.Term(term)
		row := []string{strconv.Itoa(v.N), v.Pupil.FullName()}
		for j := range cy.Subjects {
			if v.NotAssessedIn(j) {
				row = append(row, "KĐG")
				continue
			}
			row = append(row, avgText(v.Mark(j, term)))
		}
		learning := levelShort(tr.Learning)
		if tr.AdjustedFor != "" {
			learning += "*"
		}
		if year {
			y := &v.Result.Year
			lf, cf := "", ""
			if y.LearningFinal != y.Learning {
				lf = levelShort(y.LearningFinal)
			}
			if y.ConductFinal != y.Conduct {
				cf = levelShort(y.ConductFinal)
			}
			row = append(row, learning, levelShort(tr.Conduct), lf, cf, strconv.Itoa(v.Absent.Excused), strconv.Itoa(v.Absent.Unexcused),
				assess.PromotionName(y.Promotion, cy.Class.Grade))
			if cy.RuleSet.Awards {
				row = append(row, assess.AwardName(y.Award))
			}
		} else {
			row = append(row, learning, levelShort(tr.Conduct), strconv.Itoa(v.Absent.Excused), strconv.Itoa(v.Absent.Unexcused))
		}
		t.Rows = append(t.Rows, row)
	}
	t.Tail, t.TailRows = 16, 3
	b.drawTable(t)
	b.para("", 9.5, countLevels(cy, term)+" T: Tốt, K: Khá, Đ: Đạt, CĐ: Chưa đạt; KĐG: không đánh giá (Điều 10, 11 Thông tư 22); (*) đã điều chỉnh theo khoản 3 Điều 9 Thông tư 22; P/K: buổi vắng có phép/không phép (cả năm học).")
}

// listsPage prints the year-end lists.
func (b *builder) listsPage(cy *app.ClassYear) {
	b.addPage()
	b.heading("KIỂM TRA LẠI, RÈN LUYỆN TRONG HÈ, LÊN LỚP VÀ KHEN THƯỞNG", "Lớp "+cy.Class.Name+" · Năm học "+cy.Year.Name)
	l := app.Lists(cy)
	subjects := func(e app.ListEntry) string {
		names := make([]string, len(e.Subjects))
		for i, c := range e.Subjects {
			names[i] = assess.SubjectName(c)
		}
		return strings.Join(names, ", ")
	}
	promoted := "Danh sách học sinh được lên lớp"
	if cy.Class.Grade == 9 {
		promoted = "Danh sách học sinh hoàn thành chương trình trung học cơ sở"
	} else if cy.Class.Grade == 12 {
		promoted = "Danh sách học sinh hoàn thành chương trình trung học phổ thông"
	}
	type list struct {
		title string
		es    []app.ListEntry
		extra func(app.ListEntry) string
	}
	lists := []list{
		{promoted, l.Promoted, nil},
		{"Danh sách học sinh kiểm tra, đánh giá lại trong hè", l.Retest, subjects},
		{"Danh sách học sinh rèn luyện trong hè", l.Summer, nil},
		{"Danh sách học sinh ở lại lớp", l.Retained, nil},
	}
	if cy.RuleSet.Awards {
		aw := append(append([]app.ListEntry{}, l.Excellent...), l.Good...)
		lists = append(lists, list{"Danh sách học sinh đề nghị khen thưởng", aw, func(e app.ListEntry) string { return assess.AwardName(e.Pupil.Result.Year.Award) }})
	}
	for _, ls := range lists {
		b.section(ls.title + ": " + strconv.Itoa(len(ls.es)) + " học sinh")
		if len(ls.es) == 0 {
			b.para("I", 10, "Không có.")
			b.f.Ln(2)
			continue
		}
		t := table{Cols: []col{{Title: "STT", W: 12}, {Title: "Họ và tên", W: 70, Align: "L"}, {Title: "Nội dung", Align: "L", Wrap: true}, {Title: "Ghi chú", W: 80, Align: "L", Wrap: true}}}
		for i, e := range ls.es {
			extra := ""
			if ls.extra != nil {
				extra = ls.extra(e)
			}
			t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), e.Pupil.Pupil.FullName(), extra, e.Note})
		}
		b.drawTable(t)
	}
}

// countLevels writes how many pupils reached each learning and conduct level.
func countLevels(cy *app.ClassYear, term string) string {
	levels := []assess.Level{assess.LevelT, assess.LevelK, assess.LevelD, assess.LevelCD, assess.LevelNone}
	name := func(l assess.Level) string {
		if l == assess.LevelNone {
			return "Chưa tính được"
		}
		return l.String()
	}
	count := func(of func(tr assess.TermResult) assess.Level) string {
		var parts []string
		for _, l := range levels {
			n := 0
			for i := range cy.Pupils {
				if of(cy.Pupils[i].Term(term)) == l {
					n++
				}
			}
			if n > 0 || l != assess.LevelNone {
				parts = append(parts, name(l)+" "+strconv.Itoa(n))
			}
		}
		return strings.Join(parts, ", ")
	}
	return "Học tập " + lowerFirst(app.ClassTermName(term)) + ": " + count(func(tr assess.TermResult) assess.Level { return tr.Learning }) +
		". Rèn luyện: " + count(func(tr assess.TermResult) assess.Level { return tr.Conduct }) + "."
}

// lowerFirst lowers the first letter: "Học kì I" → "học kì I".
func lowerFirst(s string) string {
	for i, r := range s {
		if i == 0 {
			return strings.ToLower(string(r)) + s[len(string(r)):]
		}
	}
	return s
}

// avgText writes an average with one decimal ("8,0") or Đ/CĐ.
func avgText(m assess.Mark) string {
	if m.Kind == assess.MarkScore {
		return strconv.Itoa(int(m.Score)/10) + "," + strconv.Itoa(int(m.Score)%10)
	}
	return m.String()
}

// levelShort writes a level as the book's tables do: T, K, Đ, CĐ.
func levelShort(l assess.Level) string {
	switch l {
	case assess.LevelT:
		return "T"
	case assess.LevelK:
		return "K"
	case assess.LevelD:
		return "Đ"
	case assess.LevelCD:
		return "CĐ"
	}
	return ""
}

// subjectShort are column headings where a table holds every subject.
var subjectShort = map[string]string{
	"ngu_van": "Văn", "toan": "Toán", "ngoai_ngu_1": "NN1", "gdcd": "GDCD", "lich_su_dia_li": "LS-ĐL", "khtn": "KHTN",
	"cong_nghe": "CN", "tin_hoc": "Tin", "lich_su": "Sử", "dia_li": "Địa", "gdktpl": "KT-PL", "vat_li": "Lí", "hoa_hoc": "Hoá",
	"sinh_hoc": "Sinh", "gdqp_an": "QP-AN", "gdtc": "GDTC", "nghe_thuat": "NT", "am_nhac": "ÂN", "mi_thuat": "MT",
	"hdtn_hn": "HĐTN", "gddp": "GDĐP",
	"tieng_viet": "TV", "dao_duc": "ĐĐ", "tu_nhien_xa_hoi": "TN-XH", "khoa_hoc": "KH", "tin_hoc_cong_nghe": "Tin-CN",
	"hdtn": "HĐTN", "tieng_dan_toc": "TDT",
}

func shortName(code string) string {
	if s, ok := subjectShort[code]; ok {
		return s
	}
	return assess.SubjectName(code)
}
