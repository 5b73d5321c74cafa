package report

import (
	"bytes"

	"github.com/xuri/excelize/v2"
)

// book is a workbook being built. Every call records the first error of
// excelize and does nothing afterwards, so that a document's code reads as a
// list of cells and styles and still returns every failure.
type book struct {
	f   *excelize.File
	err error
}

func newBook() *book { return &book{f: excelize.NewFile()} }

func (b *book) fail(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

// ref names the cell at column col, row row (both from 1).
func (b *book) ref(col, row int) string {
	r, err := excelize.CoordinatesToCellName(col, row)
	b.fail(err)
	return r
}

// colName names column col (from 1): 1 → A.
func (b *book) colName(col int) string {
	n, err := excelize.ColumnNumberToName(col)
	b.fail(err)
	return n
}

// sheet names the first sheet, or adds another.
func (b *book) sheet(name string, first bool) {
	if b.err != nil {
		return
	}
	if first {
		b.fail(b.f.SetSheetName("Sheet1", name))
		return
	}
	_, err := b.f.NewSheet(name)
	b.fail(err)
}

func (b *book) style(s *excelize.Style) int {
	if b.err != nil {
		return 0
	}
	id, err := b.f.NewStyle(s)
	b.fail(err)
	return id
}

func (b *book) set(sheet string, col, row int, v any) {
	if b.err != nil {
		return
	}
	b.fail(b.f.SetCellValue(sheet, b.ref(col, row), v))
}

// row writes the values from column col on.
func (b *book) row(sheet string, col, row int, vals []any) {
	if b.err != nil {
		return
	}
	b.fail(b.f.SetSheetRow(sheet, b.ref(col, row), &vals))
}

// styles sets style id on the rectangle from (c1, r1) to (c2, r2).
func (b *book) styles(sheet string, c1, r1, c2, r2, id int) {
	if b.err != nil {
		return
	}
	b.fail(b.f.SetCellStyle(sheet, b.ref(c1, r1), b.ref(c2, r2), id))
}

func (b *book) width(sheet string, col int, w float64) {
	if b.err != nil {
		return
	}
	n := b.colName(col)
	b.fail(b.f.SetColWidth(sheet, n, n, w))
}

// colStyle is the style of the empty cells of a whole column.
func (b *book) colStyle(sheet string, col, id int) {
	if b.err != nil {
		return
	}
	b.fail(b.f.SetColStyle(sheet, b.colName(col), id))
}

func (b *book) height(sheet string, row int, h float64) {
	if b.err != nil {
		return
	}
	b.fail(b.f.SetRowHeight(sheet, row, h))
}

func (b *book) merge(sheet string, c1, r1, c2, r2 int) {
	if b.err != nil {
		return
	}
	b.fail(b.f.MergeCell(sheet, b.ref(c1, r1), b.ref(c2, r2)))
}

// freeze keeps the first cols columns and rows rows in view.
func (b *book) freeze(sheet string, cols, rows int) {
	if b.err != nil || rows == 0 && cols == 0 {
		return
	}
	pane := "bottomLeft"
	switch {
	case cols > 0 && rows > 0:
		pane = "bottomRight"
	case cols > 0:
		pane = "topRight"
	}
	b.fail(b.f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: cols, YSplit: rows, TopLeftCell: b.ref(cols+1, rows+1), ActivePane: pane}))
}

func (b *book) hide(sheet string) {
	if b.err != nil {
		return
	}
	b.fail(b.f.SetSheetVisible(sheet, false))
}

// bytes finishes the workbook: its bytes, or the first error met.
func (b *book) bytes() ([]byte, error) {
	defer b.f.Close()
	if b.err != nil {
		return nil, b.err
	}
	b.f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := b.f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func border(color string) []excelize.Border {
	var bs []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		bs = append(bs, excelize.Border{Type: side, Color: color, Style: 1})
	}
	return bs
}
