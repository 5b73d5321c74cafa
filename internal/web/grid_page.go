package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// The grade-entry grid: the page a teacher lives in. The table is rendered on
// the server (fast first paint, readable without JavaScript); grid.js makes it
// editable and saves through the JSON API (PATCH /api/v1/sheets/{id}).

// gridCol is one editable column.
type gridCol struct {
	Field string
	Label string
	Title string // full name, shown as a tooltip
	Type  string // "mark" (score or Đ/CĐ/P), "text", "plevel", "ptest"
	Wide  bool
	Lock  string // why the column is locked alone (the rest of the sheet open)
}

// gridCell is one cell as first shown.
type gridCell struct {
	Field string
	Raw   string // stored text
	Text  string // Vietnamese display
	Type  string
}

// gridRow is one pupil.
type gridRow struct {
	N          int
	PupilID    int64
	Name       string
	RowVersion int64
	Cells      []gridCell
	Average    string
	HK1        string
	Year       string
}

// gridData is the grid page.
type gridData struct {
	V        app.SheetView
	TermName string
	ByLabel  string
	Cols     []gridCol
	Rows     []gridRow
	HK2      bool
	Scored   bool
	Other    []app.SheetAssignment // the teacher's other sheets, to switch
	Upload   *uploadPreview        // an Excel upload awaiting confirmation
	Sig      *sigBadge             // the sheet's digital signature state
}

// resultText shows an average with its one decimal (7,0), as the circular
// writes averages; Đ/CĐ as they are.
func resultText(m assess.Mark) string { return avgText(m) }

func gridColumns(v *app.SheetView) []gridCol {
	var cols []gridCol
	for _, f := range v.Fields {
		if pc, ok := pcnlGridCol(f); ok { // primary qualities and competencies: primary_grid.go
			cols = append(cols, pc)
			continue
		}
		c := gridCol{Field: f, Label: app.FieldLabel(f), Type: "mark"}
		switch {
		case strings.HasPrefix(f, "regular["):
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(f, "regular["), "]"))
			c.Label, c.Title = "TX"+strconv.Itoa(n+1), "Đánh giá thường xuyên lần "+strconv.Itoa(n+1)+" (ĐĐGtx)"
		case f == "midterm":
			c.Label, c.Title = "GK", "Đánh giá giữa kì (ĐĐGgk)"
		case f == "final":
			c.Label, c.Title = "CK", "Đánh giá cuối kì (ĐĐGck)"
		case f == "comment":
			c.Type, c.Wide, c.Title = "text", true, "Nhận xét của giáo viên bộ môn"
		case f == "exemption":
			c.Type, c.Wide, c.Title = "text", true, "Miễn phần thực hành (Điều 10): ghi quyết định, thời hạn"
		case f == "level":
			c.Type, c.Label, c.Title = "plevel", "Mức", "Mức đạt được: T (Hoàn thành tốt), H (Hoàn thành), C (Chưa hoàn thành)"
		case f == "test":
			c.Type, c.Label, c.Title = "ptest", "KTĐK", "Điểm kiểm tra định kì: số nguyên 0-10"
		}
		if why, ok := v.LockedFields[f]; ok {
			c.Lock, c.Title = why, c.Title+" — "+why
		}
		cols = append(cols, c)
	}
	return cols
}

func buildGrid(v *app.SheetView) gridData {
	d := gridData{V: *v, TermName: app.SheetTermName(v.Sheet.Term), HK2: v.Sheet.Term == "hk2" && v.IsSecondary(), Scored: v.AssessedBy == "score"}
	switch v.AssessedBy {
	case "score":
		d.ByLabel = "Đánh giá bằng nhận xét kết hợp điểm số"
	case "comment":
		d.ByLabel = "Đánh giá bằng nhận xét (Đ / CĐ)"
	case "quality":
		d.ByLabel = "Năng lực, phẩm chất theo mức T (Tốt) / Đ (Đạt) / C (Cần cố gắng) · giáo viên chủ nhiệm nhập"
	default:
		d.ByLabel = "Đánh giá theo mức (T / H / C)"
	}
	d.Cols = gridColumns(v)
	for i := range v.Rows {
		r := &v.Rows[i]
		row := gridRow{N: i + 1, PupilID: r.PupilID, Name: r.FullName, RowVersion: r.RowVersion,
			Average: resultText(r.Average), HK1: resultText(r.HK1), Year: resultText(r.YearAverage)}
		for _, c := range d.Cols {
			raw := r.Cell(c.Field)
			row.Cells = append(row.Cells, gridCell{Field: c.Field, Raw: raw, Text: app.MarkText(c.Field, raw), Type: c.Type})
		}
		d.Rows = append(d.Rows, row)
	}
	return d
}

func (s *Server) gridPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "id")
	if err != nil {
		return err
	}
	s.showGrid(w, r, p, id, http.StatusOK, nil, nil)
	return nil
}

// showGrid renders the grid of a sheet, with an upload preview or an error.
func (s *Server) showGrid(w http.ResponseWriter, r *http.Request, p *app.Principal, id int64, status int, up *uploadPreview, formErr error) {
	v, err := s.app.GetSheet(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := buildGrid(&v)
	d.Upload = up
	if v.CanWrite {
		if mine, err := s.app.MyAssignments(r.Context(), p); err == nil {
			for _, a := range mine {
				if a.ClassID == v.Class.ID && a.Subject == v.Sheet.Subject {
					d.Other = append(d.Other, a)
				}
			}
		}
	}
	d.Sig = s.sheetSigBadge(r, p, id)
	pg := &Page{Title: v.SubjectName + " · " + v.Class.Name + " · " + d.TermName, Active: "sheets", Data: d, SchoolKind: v.School.Kind}
	if formErr != nil {
		pg.Error = sdgdt.ErrorMessage(formErr)
	}
	s.render(w, r, status, "grid", pg)
}

// sheetsData is the list of a teacher's sheets.
type sheetsData struct {
	Classes []sheetsClass
	Terms   []string // the terms of the teacher's sheets, for batch signing
}

type sheetsClass struct {
	ClassName  string
	SchoolYear string
	Sheets     []app.SheetAssignment
}

func (s *Server) sheetsPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	list, err := s.app.MyAssignments(r.Context(), p)
	if err != nil {
		return err
	}
	var d sheetsData
	for _, a := range list {
		if n := len(d.Classes); n == 0 || d.Classes[n-1].ClassName != a.ClassName {
			d.Classes = append(d.Classes, sheetsClass{ClassName: a.ClassName, SchoolYear: a.SchoolYear})
		}
		c := &d.Classes[len(d.Classes)-1]
		c.Sheets = append(c.Sheets, a)
		if !slices.Contains(d.Terms, a.Term) {
			d.Terms = append(d.Terms, a.Term) // for batch signing
		}
	}
	return s.render(w, r, http.StatusOK, "sheets", &Page{Title: "Sổ điểm", Active: "sheets", Data: d})
}

// hasSubjectRole reports whether the principal teaches (for the navigation).
func hasSubjectRole(p *app.Principal) bool { return p.HasRole(sdgdt.RoleSubjectTeacher) }
