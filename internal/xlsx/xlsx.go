// Package xlsx writes and reads the spreadsheets of the system (.xlsx, through
// excelize): lists and templates with a styled heading row, and plain rows of
// text read back from an uploaded file.
package xlsx

import (
	"bytes"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Table is one sheet to write: a title above the table, the column headings,
// the rows, and optional column widths (in characters).
type Table struct {
	Sheet   string
	Title   string   // written in the first row when not empty; the table starts below it
	Columns []string // headings
	Widths  []float64
	Rows    [][]any
	Notes   []string // lines written under the table (instructions in templates)
}

// Write builds a workbook of the tables and returns its bytes. The whole file is
// built before anything is sent.
func Write(tables ...Table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF", Family: "Arial", Size: 10},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"1D5F8A"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    border(),
	})
	if err != nil {
		return nil, err
	}
	body, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Arial", Size: 10}, Border: border(), Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Arial", Size: 13}})
	if err != nil {
		return nil, err
	}
	for i, t := range tables {
		name := t.Sheet
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		r := 1
		if t.Title != "" {
			f.SetCellValue(name, "A1", t.Title)
			f.SetCellStyle(name, "A1", "A1", title)
			r = 3
		}
		headRow := r
		for c, h := range t.Columns {
			ref, _ := excelize.CoordinatesToCellName(c+1, r)
			f.SetCellValue(name, ref, h)
		}
		if len(t.Columns) > 0 {
			a, _ := excelize.CoordinatesToCellName(1, r)
			b, _ := excelize.CoordinatesToCellName(len(t.Columns), r)
			f.SetCellStyle(name, a, b, head)
			f.SetRowHeight(name, r, 30)
		}
		for _, row := range t.Rows {
			r++
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r)
				if err := f.SetCellValue(name, ref, v); err != nil {
					return nil, err
				}
			}
		}
		if len(t.Rows) > 0 && len(t.Columns) > 0 {
			a, _ := excelize.CoordinatesToCellName(1, headRow+1)
			b, _ := excelize.CoordinatesToCellName(len(t.Columns), r)
			f.SetCellStyle(name, a, b, body)
		}
		for c, w := range t.Widths {
			col, _ := excelize.ColumnNumberToName(c + 1)
			f.SetColWidth(name, col, col, w)
		}
		for _, n := range t.Notes {
			r += 2
			ref, _ := excelize.CoordinatesToCellName(1, r)
			f.SetCellValue(name, ref, n)
			r--
		}
		if len(t.Columns) > 0 {
			ref, _ := excelize.CoordinatesToCellName(1, headRow+1)
			f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: ref, ActivePane: "bottomLeft"})
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func border() []excelize.Border {
	var b []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: side, Color: "B9C3CF", Style: 1})
	}
	return b
}

// MaxUpload is the largest spreadsheet accepted.
const MaxUpload = 10 << 20

// ReadRows returns the cells of the first sheet as text, row by row, from the
// first non-empty row on (a title above the headings is skipped when the
// headings row starts with "STT"). Cells come back raw: a date typed as a date
// is its serial number, which app.ParseDay understands.
func ReadRows(r io.Reader) ([][]string, error) {
	f, err := excelize.OpenReader(io.LimitReader(r, MaxUpload+1), excelize.Options{})
	if err != nil {
		return nil, fmt.Errorf("không đọc được tệp: cần một tệp Excel .xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("tệp không có trang tính nào")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("không đọc được trang tính: %v", err)
	}
	for i, row := range rows {
		if len(row) > 0 && row[0] == "STT" {
			return rows[i:], nil
		}
	}
	return rows, nil
}
