package report

// The Excel round trip of a sheet: download it as .xlsx, fill it offline,
// upload it. The download carries a hidden sheet "_sdgdt" with the sheet's id,
// version, columns and the values as downloaded, so that an upload changes
// only the cells edited offline (a three-way comparison), and a cell changed
// on the server since the download is a conflict rather than silently undone.
// ReadSheet finds the edits; applying them (all or nothing, the same rights,
// locks and validation as the grid) is app.PatchSheet's work.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

const (
	sheetName     = "Bảng điểm"
	sheetMeta     = "_sdgdt"
	sheetFormat   = "sdgdt-sheet-1"
	sheetHeadRow  = 4
	sheetFirstRow = 5
	metaFirstRow  = 6 // the downloaded values in the hidden sheet
)

// MaxSheetUpload is the largest sheet workbook accepted for an upload.
const MaxSheetUpload = 5 << 20

func sheetHeaders(v *app.SheetView) []string {
	h := []string{"Mã HS", "STT", "Họ và tên"}
	for _, f := range v.Fields {
		h = append(h, app.FieldLabel(f))
	}
	return h
}

// Sheet is a sheet of marks as a workbook to fill in offline: the pupils'
// rows with their marks (scores as numbers, Đ/CĐ/P and comments as text), the
// result column read-only, and the hidden sheet that ReadSheet compares with.
func Sheet(v *app.SheetView) ([]byte, error) {
	b := newBook()
	b.sheet(sheetName, true)
	heads := sheetHeaders(v)
	hasAvg := v.IsSecondary()
	lastCol := len(heads)
	if hasAvg {
		lastCol++
	}
	title := fmt.Sprintf("SỔ ĐIỂM · %s · Lớp %s · %s · Năm học %s", v.SubjectName, v.Class.Name, app.SheetTermName(v.Sheet.Term), v.SchoolYear)
	b.set(sheetName, 1, 1, title)
	b.merge(sheetName, 1, 1, len(heads)+1, 1)
	b.set(sheetName, 1, 2, "Chỉ sửa các ô điểm và nhận xét. Không thêm, xoá hay đổi thứ tự cột; không sửa cột Mã HS. Điểm 0-10, tối đa 1 chữ số thập phân (7,5); Đ/CĐ cho môn nhận xét; P = vắng, chờ kiểm tra bù.")
	b.merge(sheetName, 1, 2, len(heads)+1, 2)
	edge := border("C9D1DB")
	titleStyle := b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	noteStyle := b.style(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "5B6878", Size: 9}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	headStyle := b.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"E6F0F7"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: edge})
	lockedStyle := b.style(&excelize.Style{Font: &excelize.Font{Color: "5B6878"}, Fill: excelize.Fill{Type: "pattern", Color: []string{"F3F6F9"}, Pattern: 1}, Border: edge})
	markStyle := b.style(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center"}, Border: edge, NumFmt: 0})
	textStyle := b.style(&excelize.Style{Border: edge, Alignment: &excelize.Alignment{WrapText: true}})
	avgStyle := b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "154867"}, Alignment: &excelize.Alignment{Horizontal: "center"}, Border: edge,
		Fill: excelize.Fill{Type: "pattern", Color: []string{"F6F9FC"}, Pattern: 1}})
	b.styles(sheetName, 1, 1, 1, 1, titleStyle)
	b.styles(sheetName, 1, 2, 1, 2, noteStyle)
	b.height(sheetName, 2, 30)
	for i, h := range heads {
		b.set(sheetName, i+1, sheetHeadRow, h)
	}
	if hasAvg {
		avgHead := "ĐTB (chỉ xem)"
		if v.AssessedBy == "comment" {
			avgHead = "Kết quả (chỉ xem)"
		}
		b.set(sheetName, len(heads)+1, sheetHeadRow, avgHead)
	}
	b.styles(sheetName, 1, sheetHeadRow, lastCol, sheetHeadRow, headStyle)
	b.height(sheetName, sheetHeadRow, 30)
	b.width(sheetName, 1, 9)
	b.width(sheetName, 2, 5)
	b.width(sheetName, 3, 28)
	// The hidden sheet: identity, version, columns and the downloaded values.
	b.sheet(sheetMeta, false)
	b.row(sheetMeta, 1, 1, []any{"format", sheetFormat})
	b.row(sheetMeta, 1, 2, []any{"sheet_id", strconv.FormatInt(v.Sheet.ID, 10)})
	b.row(sheetMeta, 1, 3, []any{"version", strconv.FormatInt(v.Sheet.Version, 10)})
	b.row(sheetMeta, 1, 4, []any{"fields", strings.Join(v.Fields, ",")})
	for i := range v.Rows {
		r := &v.Rows[i]
		row := sheetFirstRow + i
		id := strconv.FormatInt(r.PupilID, 10)
		vals := []any{id, i + 1, r.FullName}
		meta := []any{id}
		for _, fld := range v.Fields {
			raw := r.Cell(fld)
			meta = append(meta, raw)
			vals = append(vals, cellValue(fld, raw))
		}
		if hasAvg {
			vals = append(vals, r.Average.String())
		}
		b.row(sheetName, 1, row, vals)
		b.row(sheetMeta, 1, metaFirstRow+i, meta)
		b.styles(sheetName, 1, row, 3, row, lockedStyle)
		for j, fld := range v.Fields {
			st := markStyle
			if isTextColumn(fld) {
				st = textStyle
			}
			b.styles(sheetName, 4+j, row, 4+j, row, st)
		}
		if hasAvg {
			b.styles(sheetName, 4+len(v.Fields), row, 4+len(v.Fields), row, avgStyle)
		}
	}
	for j, fld := range v.Fields {
		w := 8.0
		if isTextColumn(fld) {
			w = 36
		}
		b.width(sheetName, 4+j, w)
	}
	if hasAvg {
		b.width(sheetName, 4+len(v.Fields), 12)
	}
	b.freeze(sheetName, 3, sheetHeadRow)
	b.hide(sheetMeta)
	return b.bytes()
}

func isTextColumn(field string) bool { return field == "comment" || field == "exemption" }

// cellValue is a stored cell as written to Excel: scores as numbers, Đ/CĐ/P
// and texts as text.
func cellValue(field, raw string) any {
	if raw == "" {
		return nil
	}
	if app.IsTextField(field) || field == "level" {
		return raw
	}
	if s, err := assess.ParseScore(raw); err == nil {
		if s%10 == 0 {
			return int(s / 10)
		}
		return float64(s) / 10 // one decimal: exact enough to print back as written
	}
	return app.MarkText(field, raw)
}

// cellText is how a stored value reads back from the workbook.
func cellText(field, raw string) string {
	switch x := cellValue(field, raw).(type) {
	case nil:
		return ""
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	}
	return raw
}

// SheetUpload is what an uploaded sheet workbook changes.
type SheetUpload struct {
	Version int64       // the sheet's version when it was downloaded
	Edits   []SheetEdit // the cells edited offline, in the file's order
	// Rows gives the row of the file of each pupil, to name it in messages.
	Rows map[int64]int
	// Errors are the rows that cannot be read ("Dòng 7: ..."); the other
	// rows' edits are still given, so that a preview shows everything wrong.
	Errors []string
}

// SheetEdit is one cell edited offline: its new text as typed ("" clears it).
type SheetEdit struct {
	PupilID int64
	Field   string
	Value   string
}

func layoutError(msg string) error {
	return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Tệp không đúng mẫu của bảng điểm này: " + msg + " Hãy dùng nút «Tải Excel» để lấy tệp mẫu, điền rồi tải lên lại."}
}

// ReadSheet compares an uploaded workbook with the sheet it was downloaded
// from (Sheet's layout and hidden sheet) and returns the cells edited
// offline. A file that is not a workbook of this sheet is an EINVALID
// *sdgdt.Error saying what is wrong.
func ReadSheet(v *app.SheetView, data []byte) (SheetUpload, error) {
	up := SheetUpload{Rows: map[int64]int{}}
	if len(data) > MaxSheetUpload {
		return up, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Không đọc được tệp (tối đa 5 MB)."}
	}
	f, err := openUpload(bytes.NewReader(data))
	if err != nil {
		return up, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Tệp tải lên không phải tệp Excel (.xlsx) hợp lệ."}
	}
	defer f.Close()
	meta, err := f.GetRows(sheetMeta)
	if err != nil || len(meta) < 4 || len(meta[0]) < 2 || meta[0][1] != sheetFormat {
		return up, layoutError("thiếu phần thông tin ẩn của tệp mẫu.")
	}
	get := func(i int) string {
		if len(meta[i]) < 2 {
			return ""
		}
		return meta[i][1]
	}
	if get(1) != strconv.FormatInt(v.Sheet.ID, 10) {
		return up, layoutError("tệp này thuộc một bảng điểm khác (môn, lớp hoặc học kì khác).")
	}
	if up.Version, err = strconv.ParseInt(get(2), 10, 64); err != nil || up.Version > v.Sheet.Version {
		return up, layoutError("phiên bản trong tệp không hợp lệ.")
	}
	if get(3) != strings.Join(v.Fields, ",") {
		return up, layoutError("các cột điểm đã thay đổi từ khi tải tệp (số ĐĐGtx hoặc cột nhận xét).")
	}
	original := map[int64][]string{}
	for _, m := range meta[min(metaFirstRow-1, len(meta)):] {
		if len(m) == 0 {
			continue
		}
		id, err := strconv.ParseInt(m[0], 10, 64)
		if err != nil {
			continue
		}
		vals := make([]string, len(v.Fields))
		for j := range vals {
			if j+1 < len(m) {
				vals[j] = m[j+1]
			}
		}
		original[id] = vals
	}
	rows, err := f.GetRows(sheetName)
	if err != nil {
		return up, layoutError("không có trang «" + sheetName + "».")
	}
	if len(rows) < sheetHeadRow {
		return up, layoutError("thiếu dòng tiêu đề (dòng 4).")
	}
	got := rows[sheetHeadRow-1]
	for j, h := range sheetHeaders(v) {
		g := ""
		if j < len(got) {
			g = strings.TrimSpace(got[j])
		}
		if g != h {
			col, _ := excelize.ColumnNumberToName(j + 1)
			return up, layoutError(fmt.Sprintf("ô %s%d phải là «%s», không phải «%s».", col, sheetHeadRow, h, g))
		}
	}
	seen := map[int64]int{}
	for i := sheetFirstRow - 1; i < len(rows); i++ {
		line := rows[i]
		n := i + 1
		empty := true
		for _, c := range line {
			empty = empty && strings.TrimSpace(c) == ""
		}
		if empty {
			continue
		}
		idText := ""
		if len(line) > 0 {
			idText = strings.TrimSpace(line[0])
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		orig, known := original[id]
		if err != nil || !known {
			up.Errors = append(up.Errors, fmt.Sprintf("Dòng %d: mã học sinh «%s» không có trong tệp mẫu của bảng điểm này (không thêm dòng, không sửa cột Mã HS).", n, idText))
			continue
		}
		if prev, dup := seen[id]; dup {
			up.Errors = append(up.Errors, fmt.Sprintf("Dòng %d: học sinh này đã có ở dòng %d.", n, prev))
			continue
		}
		seen[id], up.Rows[id] = n, n
		for j, fld := range v.Fields {
			cell := ""
			if 3+j < len(line) {
				cell = strings.TrimSpace(line[3+j])
			}
			if cell == strings.TrimSpace(cellText(fld, orig[j])) {
				continue // not edited offline
			}
			up.Edits = append(up.Edits, SheetEdit{PupilID: id, Field: fld, Value: cell})
		}
	}
	return up, nil
}
