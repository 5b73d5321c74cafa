package report

import (
	"strconv"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// Statistics builds the workbook of a unit's or school's figures in the
// layout of the term reports sent up the chain: one sheet per breakdown,
// each headed by the unit and period, one row per unit, school or class
// below, and a totals row.
func Statistics(st app.Stats) ([]byte, error) {
	title := func(what string) string {
		return st.Name + " — " + what + " — " + sdgdt.StatTermName(st.Query.Term) + ", năm học " + st.Query.Year
	}
	filters := []string{}
	if st.Query.Kind != "" {
		filters = append(filters, "Loại trường: "+sdgdt.SchoolKindName(st.Query.Kind))
	}
	if st.Query.Grade != 0 {
		filters = append(filters, "Khối "+strconv.Itoa(st.Query.Grade))
	}
	childHead := "Đơn vị / trường"
	if st.IsSchool {
		childHead = "Lớp"
	}
	kindName := func(r app.StatRow) string {
		switch r.Kind {
		case "unit":
			return "Đơn vị"
		case "school":
			return sdgdt.SchoolKindName(r.SchoolKind)
		case "class":
			return "Khối " + strconv.Itoa(r.Grade)
		}
		return r.Kind
	}
	// rows gives one row per child and the totals row, the columns from cols.
	rows := func(cols func(f sdgdt.Figures) []any) [][]any {
		var out [][]any
		for i, c := range st.Children {
			out = append(out, append([]any{i + 1, c.Name, kindName(c)}, cols(c.Figures)...))
		}
		return append(out, append([]any{"", "Tổng cộng", ""}, cols(st.Figures)...))
	}
	pct := func(n, of int64) float64 { return sdgdt.Percent(n, of) }
	levels := func(pick func(f sdgdt.Figures) sdgdt.LevelCounts) func(f sdgdt.Figures) []any {
		return func(f sdgdt.Figures) []any {
			l := pick(f)
			known := l.T + l.K + l.D + l.CD
			return []any{f.Pupils, l.T, pct(l.T, known), l.K, pct(l.K, known), l.D, pct(l.D, known), l.CD, pct(l.CD, known), l.None}
		}
	}
	levelCols := []string{"STT", childHead, "Loại", "Học sinh", "Tốt", "%", "Khá", "%", "Đạt", "%", "Chưa đạt", "%", "Chưa có kết quả"}
	w := widths(6, 34, 18, 10, 8, 7, 8, 7, 8, 7, 9, 7, 12)
	tables := []Table{
		{Sheet: "Học sinh", Title: title("Số học sinh"),
			Columns: []string{"STT", childHead, "Loại", "Học sinh", "Nữ", "Dân tộc thiểu số", "Đủ kết quả", "Nghỉ học", "Chuyển đi", "Chuyển đến"},
			Widths:  widths(6, 34, 18, 10, 8, 14, 12, 10, 10, 11),
			Rows: rows(func(f sdgdt.Figures) []any {
				return []any{f.Pupils, f.Female, f.Minority, f.Complete, f.Left, f.TransferredOut, f.TransferredIn}
			}), Notes: filters},
		{Sheet: "Học tập", Title: title("Kết quả học tập (THCS, THPT)"), Columns: levelCols, Widths: w,
			Rows: rows(levels(func(f sdgdt.Figures) sdgdt.LevelCounts { return f.Learning }))},
		{Sheet: "Rèn luyện", Title: title("Kết quả rèn luyện (THCS, THPT)"), Columns: levelCols, Widths: w,
			Rows: rows(levels(func(f sdgdt.Figures) sdgdt.LevelCounts { return f.Conduct }))},
	}
	if st.Query.Term == "year" {
		tables = append(tables,
			Table{Sheet: "Học tập sau thi lại", Title: title("Kết quả học tập sau kiểm tra lại"), Columns: levelCols, Widths: w,
				Rows: rows(levels(func(f sdgdt.Figures) sdgdt.LevelCounts { return f.LearningFinal }))},
			Table{Sheet: "Rèn luyện sau hè", Title: title("Kết quả rèn luyện sau rèn luyện trong hè"), Columns: levelCols, Widths: w,
				Rows: rows(levels(func(f sdgdt.Figures) sdgdt.LevelCounts { return f.ConductFinal }))})
	}
	tables = append(tables, Table{Sheet: "Tiểu học", Title: title("Kết quả giáo dục tiểu học"),
		Columns: []string{"STT", childHead, "Loại", "Học sinh", "HT xuất sắc", "HT tốt", "Hoàn thành", "Chưa HT", "Chưa có kết quả",
			"Môn: HT tốt", "Môn: HT", "Môn: Chưa HT", "PC-NL: Tốt", "PC-NL: Đạt", "PC-NL: Cần cố gắng"},
		Widths: widths(6, 34, 18, 10, 10, 9, 10, 9, 12, 10, 9, 11, 10, 10, 12),
		Rows: rows(func(f sdgdt.Figures) []any {
			p := f.PrimaryFinal
			return []any{f.Pupils, p.HTXS, p.HTT, p.HT, p.CHT, p.None, f.PrimarySubjects.T, f.PrimarySubjects.H, f.PrimarySubjects.C,
				f.Qualities.T, f.Qualities.D, f.Qualities.C}
		})})
	if st.Query.Term == "year" {
		tables = append(tables,
			Table{Sheet: "Lên lớp", Title: title("Lên lớp, kiểm tra lại, rèn luyện hè, ở lại lớp"),
				Columns: []string{"STT", childHead, "Loại", "Học sinh", "Lên lớp", "%", "Kiểm tra lại", "Rèn luyện hè", "Đánh giá bổ sung", "Chờ hiệu trưởng quyết định",
					"Ở lại lớp", "Chưa xét", "Hoàn thành chương trình (lớp 5, 9, 12)"},
				Widths: widths(6, 34, 18, 10, 9, 7, 11, 11, 12, 14, 9, 9, 16),
				Rows: rows(func(f sdgdt.Figures) []any {
					p := f.Promotion
					return []any{f.Pupils, p.Promoted, pct(p.Promoted, f.Pupils), p.Retest, p.SummerTraining, p.AdditionalAssessment, p.PrincipalDecision,
						p.Retained, p.None, f.Completed}
				})},
			Table{Sheet: "Khen thưởng", Title: title("Khen thưởng"),
				Columns: []string{"STT", childHead, "Loại", "Học sinh", "Học sinh Xuất sắc", "%", "Học sinh Giỏi", "%", "Học sinh Tiêu biểu", "%"},
				Widths:  widths(6, 34, 18, 10, 12, 7, 12, 7, 12, 7),
				Rows: rows(func(f sdgdt.Figures) []any {
					a := f.Awards
					return []any{f.Pupils, a.XuatSac, pct(a.XuatSac, f.Pupils), a.Gioi, pct(a.Gioi, f.Pupils), a.TieuBieu, pct(a.TieuBieu, f.Pupils)}
				})})
	}
	tables = append(tables, Table{Sheet: "Trạng thái sổ", Title: title("Trạng thái sổ theo dõi và đánh giá"),
		Columns: []string{"STT", childHead, "Loại", "Sổ (lớp)", "Đã duyệt học kì I", "Đã duyệt cả năm", "Trường đang khóa sổ"},
		Widths:  widths(6, 34, 18, 10, 14, 14, 14),
		Rows: func() [][]any {
			var out [][]any
			for i, c := range st.Children {
				out = append(out, []any{i + 1, c.Name, kindName(c), c.Book.Classes, c.Book.ApprovedHK1, c.Book.ApprovedYear, c.Book.Locked})
			}
			return append(out, []any{"", "Tổng cộng", "", st.Book.Classes, st.Book.ApprovedHK1, st.Book.ApprovedYear, st.Book.Locked})
		}()})
	subjectCols := []string{"STT", "Môn học", "Học sinh có điểm", "Điểm trung bình", "Trung bình của tỉnh"}
	for i := 0; i < 10; i++ {
		subjectCols = append(subjectCols, strconv.Itoa(i)+"–"+strconv.Itoa(i+1))
	}
	subjectCols = append(subjectCols, "Đạt", "Chưa đạt", "Tiểu học: HT tốt", "Hoàn thành", "Chưa hoàn thành")
	var subjectRows [][]any
	for i, s := range st.Figures.Subjects {
		row := []any{i + 1, assess.SubjectName(s.Subject), s.Pupils, avgCell(s), ""}
		if st.Province != nil {
			row[4] = avgCell(st.Province.Subject(s.Subject))
		}
		for _, n := range s.Bins {
			row = append(row, n)
		}
		subjectRows = append(subjectRows, append(row, s.Passed, s.Failed, s.LevelT, s.LevelH, s.LevelC))
	}
	tables = append(tables, Table{Sheet: "Môn học", Title: title("Điểm trung bình môn và phân bố điểm"), Columns: subjectCols,
		Widths: widths(6, 30, 10, 10, 10, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 9, 10, 10, 12), Rows: subjectRows})
	if len(st.History) > 0 {
		var hist [][]any
		for _, h := range append([]app.YearFigures{{Year: st.Query.Year, Figures: st.Figures}}, st.History...) {
			f := h.Figures
			hist = append(hist, []any{h.Year, f.Pupils, f.Learning.T, f.Learning.K, f.Learning.D, f.Learning.CD, f.PrimaryFinal.HTXS + f.PrimaryFinal.HTT,
				f.PrimaryFinal.HT, f.PrimaryFinal.CHT, f.Promotion.Promoted, f.Awards.XuatSac, f.Awards.Gioi, f.Awards.TieuBieu})
		}
		tables = append(tables, Table{Sheet: "Qua các năm", Title: title("So sánh qua các năm học"),
			Columns: []string{"Năm học", "Học sinh", "Học tập Tốt", "Khá", "Đạt", "Chưa đạt", "Tiểu học: HTXS + HTT", "HT", "CHT", "Lên lớp", "Xuất sắc", "Giỏi", "Tiêu biểu"},
			Widths:  widths(12, 10, 10, 8, 8, 9, 14, 8, 8, 9, 9, 8, 9), Rows: hist})
	}
	return Write(tables...)
}

// avgCell is a mean for a cell: a number, or empty without any average.
func avgCell(s sdgdt.SubjectFigures) any {
	if s.Pupils == 0 {
		return ""
	}
	return s.Average()
}
