package report

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

func sheetView() *app.SheetView {
	return &app.SheetView{
		Sheet: sdgdt.Sheet{ID: 42, Subject: "toan", Term: "hk1", Kind: sdgdt.SheetSecondary, Version: 9},
		Class: class, School: school, SchoolYear: "2025-2026", SubjectName: "Toán", AssessedBy: "score",
		Fields: []string{"regular[0]", "regular[1]", "midterm", "final", "comment"},
		Rows: []app.SheetRow{
			{PupilID: 11, FullName: "Nguyễn Văn An", Cells: map[string]string{"regular[0]": "8", "regular[1]": "7.5", "midterm": "P", "final": "9", "comment": "Chăm chỉ"},
				Average: assess.ScoreMark(83)},
			{PupilID: 12, FullName: "Niê H'Linh", Cells: map[string]string{"regular[0]": "6"}},
		},
	}
}

func TestSheet(t *testing.T) {
	v := sheetView()
	o := open(t)(Sheet(v))
	o.sheets("Bảng điểm", "_sdgdt")
	if vis, _ := o.f.GetSheetVisible("_sdgdt"); vis {
		t.Error("the metadata sheet is visible")
	}
	o.cell("Bảng điểm", "A1", "SỔ ĐIỂM · Toán · Lớp 8A1 · Học kì I · Năm học 2025-2026")
	o.row("Bảng điểm", 4, "Mã HS", "STT", "Họ và tên", "ĐĐGtx1", "ĐĐGtx2", "ĐĐGgk", "ĐĐGck", "Nhận xét", "ĐTB (chỉ xem)")
	o.row("Bảng điểm", 5, "11", "1", "Nguyễn Văn An", "8", "7.5", "P", "9", "Chăm chỉ", "8,3")
	o.row("Bảng điểm", 6, "12", "2", "Niê H'Linh", "6")
	if typ, _ := o.f.GetCellType("Bảng điểm", "E5"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("E5 (7,5) is not a number: %v", typ)
	}
	o.bold("Bảng điểm", "A4")
	o.bold("Bảng điểm", "I4")
	o.frozen("Bảng điểm", 3, 4)
	o.width("Bảng điểm", "C", 28)
	o.width("Bảng điểm", "H", 36)
	o.row("_sdgdt", 1, "format", "sdgdt-sheet-1")
	o.row("_sdgdt", 6, "11", "8", "7.5", "P", "9", "Chăm chỉ")
}

// edit returns the workbook of v with some cells changed as a teacher would.
func edit(t *testing.T, v *app.SheetView, cells map[string]any) []byte {
	t.Helper()
	b, err := Sheet(v)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for ref, val := range cells {
		if err := f.SetCellValue("Bảng điểm", ref, val); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadSheet(t *testing.T) {
	v := sheetView()
	b, err := Sheet(v)
	if err != nil {
		t.Fatal(err)
	}
	up, err := ReadSheet(v, b)
	if err != nil || up.Version != 9 || len(up.Edits) != 0 || len(up.Errors) != 0 || up.Rows[12] != 6 {
		t.Fatalf("untouched file: %+v, %v", up, err)
	}

	up, err = ReadSheet(v, edit(t, v, map[string]any{"D5": 9, "E5": "7,5", "F5": 6.5, "E6": "8,5", "H6": "Tiến bộ", "D6": nil, "A8": "99", "A9": "11"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []SheetEdit{{11, "regular[0]", "9"}, {11, "regular[1]", "7,5"}, {11, "midterm", "6.5"}, {12, "regular[0]", ""}, {12, "regular[1]", "8,5"}, {12, "comment", "Tiến bộ"}}
	if !slices.Equal(up.Edits, want) {
		t.Errorf("edits =\n%v, want\n%v", up.Edits, want)
	}
	if len(up.Errors) != 2 || up.Errors[0] != "Dòng 8: mã học sinh «99» không có trong tệp mẫu của bảng điểm này (không thêm dòng, không sửa cột Mã HS)." ||
		up.Errors[1] != "Dòng 9: học sinh này đã có ở dòng 5." {
		t.Errorf("errors = %q", up.Errors)
	}

	// A sheet without pupils has four rows of metadata and none of values.
	empty := sheetView()
	empty.Rows = nil
	if up, err := ReadSheet(empty, must(Sheet(empty))); err != nil || len(up.Edits) != 0 {
		t.Errorf("empty sheet: %+v, %v", up, err)
	}

	other := sheetView()
	other.Sheet.ID = 43
	moved := sheetView()
	moved.Fields = moved.Fields[1:]
	for name, c := range map[string]struct {
		v    *app.SheetView
		data []byte
	}{
		"not a workbook": {v, []byte("Mã HS,STT\n")},
		"another sheet":  {other, b},
		"new columns":    {moved, b},
		"older version":  {&app.SheetView{Sheet: sdgdt.Sheet{ID: 42, Version: 8}, Fields: v.Fields}, b},
		"heading edited": {v, edit(t, v, map[string]any{"D4": "TX1"})},
		"list of pupils": {v, must(Template("pupils", school))},
	} {
		_, err := ReadSheet(c.v, c.data)
		var e *sdgdt.Error
		if !errors.As(err, &e) || e.Code != sdgdt.EINVALID || e.Message == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzReadSheet: no upload makes ReadSheet or ReadRows panic, and their
// errors are safe to show: an EINVALID *sdgdt.Error, a plain non-empty one.
func FuzzReadSheet(f *testing.F) {
	v := sheetView()
	f.Add(must(Sheet(v)))
	f.Add(must(Template("pupils", school)))
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ReadSheet(v, data); err != nil {
			var e *sdgdt.Error
			if !errors.As(err, &e) || e.Code != sdgdt.EINVALID || e.Message == "" {
				t.Errorf("ReadSheet: %#v", err)
			}
		}
		if _, err := ReadRows(bytes.NewReader(data)); err != nil && err.Error() == "" {
			t.Error("ReadRows: an empty error")
		}
	})
}
