package report

import (
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
)

func TestStatisticsWorkbook(t *testing.T) {
	child := func(name string, t, k, none int64) app.StatRow {
		f := sdgdt.Figures{Pupils: t + k + none, Learning: sdgdt.LevelCounts{T: t, K: k, None: none}, LearningFinal: sdgdt.LevelCounts{T: t, K: k, None: none},
			Promotion: sdgdt.PromotionCounts{Promoted: t + k, None: none}, Awards: sdgdt.AwardCounts{Gioi: t},
			Subjects: []sdgdt.SubjectFigures{{Subject: "toan", Pupils: t + k, SumTenths: 80 * (t + k), Bins: [10]int64{8: t + k}}}}
		return app.StatRow{Kind: "school", Name: name, SchoolKind: "thcs", Figures: f}
	}
	st := app.Stats{Name: "Phòng Giáo dục và Đào tạo thành phố Buôn Ma Thuột", Query: app.StatsQuery{Year: "2026-2027", Term: "year"},
		Children: []app.StatRow{child("Trường THCS Nguyễn Du", 3, 2, 1), child("Trường THCS Lê Lợi", 1, 1, 0)}}
	for _, c := range st.Children {
		st.Figures.Add(c.Figures)
	}
	st.History = []app.YearFigures{{Year: "2025-2026", Figures: st.Children[0].Figures}}
	o := open(t)(Statistics(st))
	o.sheets("Học sinh", "Học tập", "Rèn luyện", "Học tập sau thi lại", "Rèn luyện sau hè", "Tiểu học", "Lên lớp", "Khen thưởng", "Trạng thái sổ", "Môn học", "Qua các năm")
	o.cell("Học tập", "A1", "Phòng Giáo dục và Đào tạo thành phố Buôn Ma Thuột — Kết quả học tập (THCS, THPT) — Cả năm, năm học 2026-2027")
	o.row("Học tập", 4, "1", "Trường THCS Nguyễn Du", "Trung học cơ sở", "6", "3", "60", "2", "40", "0", "0", "0", "0", "1")
	o.row("Học tập", 6, "", "Tổng cộng", "", "8", "4", "57.1", "3", "42.9", "0", "0", "0", "0", "1")
	o.cell("Môn học", "B4", "Toán")
	o.cell("Môn học", "D4", "8")
	o.cell("Khen thưởng", "G6", "4")
	o.cell("Qua các năm", "A5", "2025-2026")
}
