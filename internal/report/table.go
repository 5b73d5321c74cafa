package report

import (
	"github.com/xuri/excelize/v2"

	"sdgdt"
)

// Table is one sheet of a list: a title above the table, the column headings,
// the rows, and optional column widths (in characters).
type Table struct {
	Sheet   string
	Title   string   // written in the first row when not empty; the table starts below it
	Columns []string // headings
	Widths  []float64
	Rows    [][]any
	Notes   []string // lines written under the table (instructions in templates)
	// Text lists the columns (from 1) formatted as text ("@"), so that dates
	// and codes typed into a template stay as typed (05/09/2013, 0912…).
	Text []int
	// Kind words the title, sheet name and notes for a kind of school
	// (sdgdt.ForKind); the headings stay the templates' own.
	Kind string
}

// Write builds a workbook of the tables and returns its bytes: each a bold
// heading row, frozen, with the given widths.
func Write(tables ...Table) ([]byte, error) {
	b := newBook()
	font := &excelize.Font{Family: "Arial", Size: 10}
	head := b.style(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF", Family: "Arial", Size: 10},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"1D5F8A"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    border("B9C3CF"),
	})
	body := b.style(&excelize.Style{Font: font, Border: border("B9C3CF"), Alignment: &excelize.Alignment{Vertical: "top"}})
	bodyText := b.style(&excelize.Style{Font: font, Border: border("B9C3CF"), Alignment: &excelize.Alignment{Vertical: "top"}, NumFmt: 49})
	text := b.style(&excelize.Style{Font: font, NumFmt: 49})
	title := b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Arial", Size: 13}})
	for i, t := range tables {
		t.Sheet, t.Title = sdgdt.ForKind(t.Kind, t.Sheet), sdgdt.ForKind(t.Kind, t.Title)
		for j := range t.Notes {
			t.Notes[j] = sdgdt.ForKind(t.Kind, t.Notes[j])
		}
		name := t.Sheet
		b.sheet(name, i == 0)
		// Column styles first: excelize restyles a column's existing cells.
		for _, c := range t.Text {
			b.colStyle(name, c, text)
		}
		r := 1
		if t.Title != "" {
			b.set(name, 1, 1, t.Title)
			b.styles(name, 1, 1, 1, 1, title)
			r = 3
		}
		headRow := r
		for c, h := range t.Columns {
			b.set(name, c+1, r, h)
		}
		if len(t.Columns) > 0 {
			b.styles(name, 1, r, len(t.Columns), r, head)
			b.height(name, r, 30)
		}
		for _, row := range t.Rows {
			r++
			for c, v := range row {
				b.set(name, c+1, r, v)
			}
		}
		if len(t.Rows) > 0 && len(t.Columns) > 0 {
			b.styles(name, 1, headRow+1, len(t.Columns), r, body)
			for _, c := range t.Text {
				b.styles(name, c, headRow+1, c, r, bodyText)
			}
		}
		for c, w := range t.Widths {
			b.width(name, c+1, w)
		}
		for _, n := range t.Notes {
			r += 2
			b.set(name, 1, r, n)
			r--
		}
		if len(t.Columns) > 0 {
			b.freeze(name, 0, headRow)
		}
	}
	return b.bytes()
}

func widths(ws ...float64) []float64 { return ws }
