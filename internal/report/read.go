package report

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// MaxUpload is the largest list accepted for an import.
const MaxUpload = 10 << 20

// MaxRows is the most rows an imported list may have (a whole school's
// pupils fit many times over).
const MaxRows = 20000

// maxUnzipped bounds what an uploaded workbook may claim to hold once
// unzipped: excelize allocates each part's claimed size up front, so without
// it a small file claiming gigabytes would make the server allocate them.
const maxUnzipped = 64 << 20

// openUpload opens an uploaded workbook with the sizes bounded.
func openUpload(r io.Reader) (*excelize.File, error) {
	return excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: 16 << 20})
}

// ReadRows returns the cells of the first sheet as text, row by row, from
// row 1 (rows[i] is Excel's row i+1, empty rows included, so that messages
// name the rows the user sees; the importers find the headings row). Cells come back raw: a date typed as a date
// is its serial number, which app.ParseDay understands. Its errors are plain
// and written to be shown ("không đọc được tệp: ...").
func ReadRows(r io.Reader) ([][]string, error) {
	f, err := openUpload(io.LimitReader(r, MaxUpload+1))
	if err != nil {
		return nil, fmt.Errorf("không đọc được tệp: cần một tệp Excel .xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("tệp không có trang tính nào")
	}
	// Row by row, stopping at MaxRows: a sheet of a million rows is refused
	// without being held in memory.
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("không đọc được trang tính: %v", err)
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		if len(rows) == MaxRows {
			return nil, fmt.Errorf("tệp có quá %d dòng; hãy chia thành nhiều tệp", MaxRows)
		}
		row, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("không đọc được trang tính: %v", err)
		}
		rows = append(rows, row)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("không đọc được trang tính: %v", err)
	}
	return rows, nil
}
