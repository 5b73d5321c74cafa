package report

import (
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
)

// YearList is one of the year-end lists of a class that the homeroom teacher
// prepares (promoted, re-tests, summer training, retained, awards).
type YearList struct {
	Title  string
	Retest bool // a column of re-test subjects
	Award  bool // a column of titles
	Rows   []YearListRow
}

// YearListRow is one pupil of a year-end list.
type YearListRow struct {
	N     int
	Pupil *app.PupilYearView
	Extra string // re-test subjects, award title
	Note  string
}

// HomeroomList is a year-end list of the class of cy.
func HomeroomList(cy *app.ClassYear, l YearList) ([]byte, error) {
	cols := []string{"STT", "Họ và tên", "Ngày sinh", "Giới tính"}
	ws := widths(6, 30, 12, 9)
	switch {
	case l.Retest:
		cols, ws = append(cols, "Môn kiểm tra lại"), append(ws, 40)
	case l.Award:
		cols, ws = append(cols, "Danh hiệu"), append(ws, 22)
	}
	cols, ws = append(cols, "Học tập cả năm", "Rèn luyện cả năm", "Ghi chú"), append(ws, 14, 14, 40)
	t := Table{Sheet: "Lớp " + cy.Class.Name, Title: strings.ToUpper(l.Title) + " — LỚP " + cy.Class.Name + " — NĂM HỌC " + cy.Year.Name + " — " + strings.ToUpper(cy.School.Name),
		Columns: cols, Widths: ws}
	for _, e := range l.Rows {
		pu := e.Pupil.Pupil
		row := []any{e.N, pu.FullName(), sdgdt.FormatDate(pu.DateOfBirth), sdgdt.SexName(pu.Sex)}
		if l.Retest || l.Award {
			row = append(row, e.Extra)
		}
		y := &e.Pupil.Result.Year
		t.Rows = append(t.Rows, append(row, y.LearningFinal.String(), y.ConductFinal.String(), e.Note))
	}
	t.Notes = []string{"Số học sinh: " + strconv.Itoa(len(l.Rows)) + ". Kết quả tính theo " + cy.RuleSet.Name + " từ dữ liệu trong sổ đánh giá điện tử."}
	return Write(t)
}
