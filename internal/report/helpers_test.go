package report

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// opened is a built workbook read back with excelize.
type opened struct {
	t *testing.T
	f *excelize.File
}

// open reads back what a document function returned:
// open(t)(ClassList(cr)).
func open(t *testing.T) func([]byte, error) *opened {
	return func(b []byte, err error) *opened {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return &opened{t, f}
	}
}

func (o *opened) sheets(want ...string) {
	o.t.Helper()
	if got := o.f.GetSheetList(); !slices.Equal(got, want) {
		o.t.Errorf("sheets = %q, want %q", got, want)
	}
}

// cell asserts the text of a cell.
func (o *opened) cell(sheet, ref, want string) {
	o.t.Helper()
	got, err := o.f.GetCellValue(sheet, ref)
	if err != nil {
		o.t.Fatal(err)
	}
	if got != want {
		o.t.Errorf("%s!%s = %q, want %q", sheet, ref, got, want)
	}
}

// row asserts the texts of a row (from 1), trailing empty cells left off.
func (o *opened) row(sheet string, n int, want ...string) {
	o.t.Helper()
	rows, err := o.f.GetRows(sheet)
	if err != nil {
		o.t.Fatal(err)
	}
	var got []string
	if n <= len(rows) {
		got = rows[n-1]
	}
	if !slices.Equal(got, want) {
		o.t.Errorf("%s row %d =\n%q, want\n%q", sheet, n, got, want)
	}
}

// bold asserts that a cell is bold.
func (o *opened) bold(sheet, ref string) {
	o.t.Helper()
	id, err := o.f.GetCellStyle(sheet, ref)
	if err != nil {
		o.t.Fatal(err)
	}
	st, err := o.f.GetStyle(id)
	if err != nil {
		o.t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold {
		o.t.Errorf("%s!%s is not bold", sheet, ref)
	}
}

// frozen asserts the frozen rows and columns of a sheet.
func (o *opened) frozen(sheet string, cols, rows int) {
	o.t.Helper()
	p, err := o.f.GetPanes(sheet)
	if err != nil {
		o.t.Fatal(err)
	}
	if !p.Freeze || p.XSplit != cols || p.YSplit != rows {
		o.t.Errorf("%s panes = %+v, want %d columns and %d rows frozen", sheet, p, cols, rows)
	}
}

func (o *opened) width(sheet, col string, want float64) {
	o.t.Helper()
	w, err := o.f.GetColWidth(sheet, col)
	if err != nil {
		o.t.Fatal(err)
	}
	if w != want {
		o.t.Errorf("%s column %s width = %v, want %v", sheet, col, w, want)
	}
}
