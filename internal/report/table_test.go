package report

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"runtime"
	"slices"
	"testing"
)

func TestWrite(t *testing.T) {
	b, err := Write(
		Table{Sheet: "Học sinh", Title: "DANH SÁCH HỌC SINH", Columns: []string{"STT", "Họ và tên", "Ngày sinh"}, Widths: widths(6, 26, 13),
			Rows: [][]any{{1, "Nguyễn Văn An", "05/09/2013"}, {2, "H'Linh Niê", "21/03/2013"}}, Notes: []string{"Ghi chú."}, Text: []int{3}},
		Table{Sheet: "Trống", Columns: []string{"STT"}},
	)
	o := open(t)(b, err)
	o.sheets("Học sinh", "Trống")
	o.cell("Học sinh", "A1", "DANH SÁCH HỌC SINH")
	o.row("Học sinh", 3, "STT", "Họ và tên", "Ngày sinh")
	o.row("Học sinh", 5, "2", "H'Linh Niê", "21/03/2013")
	o.cell("Học sinh", "A7", "Ghi chú.")
	o.bold("Học sinh", "A3")
	o.bold("Học sinh", "C3") // a text column keeps its heading's style
	o.frozen("Học sinh", 0, 3)
	o.frozen("Trống", 0, 1)
	o.width("Học sinh", "B", 26)
	o.width("Học sinh", "C", 13) // and its width
	id, _ := o.f.GetCellStyle("Học sinh", "C20")
	if st, _ := o.f.GetStyle(id); st == nil || st.NumFmt != 49 {
		t.Errorf("C20 is not formatted as text: %+v", st)
	}

	rows, err := ReadRows(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// From row 1, the blank rows kept: rows[i] is Excel's row i+1.
	if len(rows) != 7 || !slices.Equal(rows[2], []string{"STT", "Họ và tên", "Ngày sinh"}) || len(rows[5]) != 0 || rows[6][0] != "Ghi chú." {
		t.Errorf("ReadRows = %q", rows)
	}
}

func TestWriteErrors(t *testing.T) {
	// A sheet name Excel refuses (more than 31 characters, or a "/") is an
	// error, not a file with a missing sheet.
	for _, name := range []string{"Danh sách học sinh lớp 8A1 năm học 2024-2025", "a/b"} {
		if _, err := Write(Table{Sheet: "Lớp", Columns: []string{"STT"}}, Table{Sheet: name, Columns: []string{"STT"}}); err == nil {
			t.Errorf("Write with sheet %q: no error", name)
		}
	}
}

func TestReadRowsErrors(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("STT,Họ và tên\n1,An\n"), []byte("PK\x03\x04 not a zip")} {
		if _, err := ReadRows(bytes.NewReader(in)); err == nil {
			t.Errorf("ReadRows(%q): no error", in)
		}
	}
}

// A small upload claiming a huge part once unzipped is refused without
// allocating what it claims (excelize sizes its buffers by the claim).
func TestReadClaimedSize(t *testing.T) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	var body bytes.Buffer
	fw, _ := flate.NewWriter(&body, flate.BestCompression)
	fw.Write([]byte("<worksheet/>"))
	fw.Close()
	w, err := z.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(body.Len()), UncompressedSize64: 3 << 30, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(body.Bytes())
	z.Close()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, err1 := ReadRows(bytes.NewReader(buf.Bytes()))
	_, err2 := ReadSheet(sheetView(), buf.Bytes())
	runtime.ReadMemStats(&m1)
	if err1 == nil || err2 == nil {
		t.Errorf("errors: %v, %v", err1, err2)
	}
	if n := m1.TotalAlloc - m0.TotalAlloc; n > 64<<20 {
		t.Errorf("reading a %d-byte file allocated %d MB", buf.Len(), n>>20)
	}
}
