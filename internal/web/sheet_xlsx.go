package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// The Excel round trip of a sheet: download it as .xlsx, fill it offline,
// upload it. The download carries a hidden sheet "_sdgdt" with the sheet's id,
// version, columns and the values as downloaded, so that an upload changes
// only the cells edited offline (a three-way comparison), and a cell changed
// on the server since the download is a conflict rather than silently undone.
// The upload is previewed cell by cell and applied, all or nothing, through
// app.PatchSheet: the same rights, locks and validation as the grid.

const (
	xlsxSheet    = "Bảng điểm"
	xlsxMeta     = "_sdgdt"
	xlsxFormat   = "sdgdt-sheet-1"
	xlsxHeadRow  = 4
	xlsxFirstRow = 5
	xlsxMaxBytes = 5 << 20
)

func xlsxHeaders(v *app.SheetView) []string {
	h := []string{"Mã HS", "STT", "Họ và tên"}
	for _, f := range v.Fields {
		h = append(h, app.FieldLabel(f))
	}
	return h
}

// xlsxFileName is the download's name: ascii, e.g. "toan_8A1_hk1.xlsx".
func xlsxFileName(v *app.SheetView) string {
	name := v.Sheet.Subject + "_" + v.Class.Name + "_" + v.Sheet.Term
	var b strings.Builder
	for _, r := range name {
		if r < 128 && (r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	return b.String() + ".xlsx"
}

// buildSheetXLSX writes a sheet as a workbook.
func buildSheetXLSX(v *app.SheetView) (*bytes.Buffer, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", xlsxSheet); err != nil {
		return nil, err
	}
	heads := xlsxHeaders(v)
	last, _ := excelize.ColumnNumberToName(len(heads) + 1)
	title := fmt.Sprintf("SỔ ĐIỂM · %s · Lớp %s · %s · Năm học %s", v.SubjectName, v.Class.Name, app.SheetTermName(v.Sheet.Term), v.SchoolYear)
	f.SetCellValue(xlsxSheet, "A1", title)
	f.MergeCell(xlsxSheet, "A1", last+"1")
	note := "Chỉ sửa các ô điểm và nhận xét. Không thêm, xoá hay đổi thứ tự cột; không sửa cột Mã HS. Điểm 0-10, tối đa 1 chữ số thập phân (7,5); Đ/CĐ cho môn nhận xét; P = vắng, chờ kiểm tra bù."
	f.SetCellValue(xlsxSheet, "A2", note)
	f.MergeCell(xlsxSheet, "A2", last+"2")
	titleStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	noteStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "5B6878", Size: 9}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	border := []excelize.Border{{Type: "left", Color: "C9D1DB", Style: 1}, {Type: "right", Color: "C9D1DB", Style: 1}, {Type: "top", Color: "C9D1DB", Style: 1}, {Type: "bottom", Color: "C9D1DB", Style: 1}}
	headStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"E6F0F7"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: border})
	lockedStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "5B6878"}, Fill: excelize.Fill{Type: "pattern", Color: []string{"F3F6F9"}, Pattern: 1}, Border: border})
	markStyle, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center"}, Border: border, NumFmt: 0})
	textStyle, _ := f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{WrapText: true}})
	avgStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "154867"}, Alignment: &excelize.Alignment{Horizontal: "center"}, Border: border,
		Fill: excelize.Fill{Type: "pattern", Color: []string{"F6F9FC"}, Pattern: 1}})
	f.SetCellStyle(xlsxSheet, "A1", "A1", titleStyle)
	f.SetCellStyle(xlsxSheet, "A2", "A2", noteStyle)
	f.SetRowHeight(xlsxSheet, 2, 30)
	for i, h := range heads {
		cell, _ := excelize.CoordinatesToCellName(i+1, xlsxHeadRow)
		f.SetCellValue(xlsxSheet, cell, h)
	}
	avgHead := "ĐTB (chỉ xem)"
	if v.AssessedBy == "comment" {
		avgHead = "Kết quả (chỉ xem)"
	}
	hasAvg := v.IsSecondary()
	if hasAvg {
		cell, _ := excelize.CoordinatesToCellName(len(heads)+1, xlsxHeadRow)
		f.SetCellValue(xlsxSheet, cell, avgHead)
	}
	hl, _ := excelize.CoordinatesToCellName(len(heads)+boolInt(hasAvg), xlsxHeadRow)
	f.SetCellStyle(xlsxSheet, "A4", hl, headStyle)
	f.SetRowHeight(xlsxSheet, xlsxHeadRow, 30)
	f.SetColWidth(xlsxSheet, "A", "A", 9)
	f.SetColWidth(xlsxSheet, "B", "B", 5)
	f.SetColWidth(xlsxSheet, "C", "C", 28)
	// The hidden sheet: identity, version, columns and the downloaded values.
	f.NewSheet(xlsxMeta)
	f.SetSheetRow(xlsxMeta, "A1", &[]any{"format", xlsxFormat})
	f.SetSheetRow(xlsxMeta, "A2", &[]any{"sheet_id", strconv.FormatInt(v.Sheet.ID, 10)})
	f.SetSheetRow(xlsxMeta, "A3", &[]any{"version", strconv.FormatInt(v.Sheet.Version, 10)})
	f.SetSheetRow(xlsxMeta, "A4", &[]any{"fields", strings.Join(v.Fields, ",")})
	for i := range v.Rows {
		r := &v.Rows[i]
		row := xlsxFirstRow + i
		vals := []any{strconv.FormatInt(r.PupilID, 10), i + 1, r.FullName}
		meta := []any{strconv.FormatInt(r.PupilID, 10)}
		for _, fld := range v.Fields {
			raw := r.Cell(fld)
			meta = append(meta, raw)
			vals = append(vals, xlsxValue(fld, raw))
		}
		if hasAvg {
			vals = append(vals, r.Average.String())
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		f.SetSheetRow(xlsxSheet, cell, &vals)
		mc, _ := excelize.CoordinatesToCellName(1, 6+i)
		f.SetSheetRow(xlsxMeta, mc, &meta)
		lc, _ := excelize.CoordinatesToCellName(3, row)
		f.SetCellStyle(xlsxSheet, "A"+strconv.Itoa(row), lc, lockedStyle)
		for j, fld := range v.Fields {
			c, _ := excelize.CoordinatesToCellName(4+j, row)
			if fld == "comment" || fld == "exemption" {
				f.SetCellStyle(xlsxSheet, c, c, textStyle)
			} else {
				f.SetCellStyle(xlsxSheet, c, c, markStyle)
			}
		}
		if hasAvg {
			c, _ := excelize.CoordinatesToCellName(4+len(v.Fields), row)
			f.SetCellStyle(xlsxSheet, c, c, avgStyle)
		}
	}
	for j, fld := range v.Fields {
		col, _ := excelize.ColumnNumberToName(4 + j)
		w := 8.0
		if fld == "comment" || fld == "exemption" {
			w = 36
		}
		f.SetColWidth(xlsxSheet, col, col, w)
	}
	if hasAvg {
		col, _ := excelize.ColumnNumberToName(4 + len(v.Fields))
		f.SetColWidth(xlsxSheet, col, col, 12)
	}
	f.SetPanes(xlsxSheet, &excelize.Panes{Freeze: true, XSplit: 3, YSplit: xlsxHeadRow, TopLeftCell: "D5", ActivePane: "bottomRight"})
	f.SetSheetVisible(xlsxMeta, false)
	f.SetActiveSheet(0)
	return f.WriteToBuffer()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// xlsxValue is a stored cell as written to Excel: scores as numbers, Đ/CĐ/P
// and texts as text.
func xlsxValue(field, raw string) any {
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
	return markText(field, raw)
}

func (s *Server) sheetExport(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := sheetPathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.GetSheet(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	buf, err := buildSheetXLSX(&v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+xlsxFileName(&v)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}

// uploadPreview is an uploaded workbook compared with the sheet.
type uploadPreview struct {
	SheetID  int64
	FileName string
	Changes  []uploadChange
	Errors   []string
	Payload  string // the changes to apply, as JSON
}

type uploadChange struct {
	Row                    int
	Name, Column, Old, New string
}

// uploadPayload is what the preview form sends back to apply.
type uploadPayload struct {
	Version int64 `json:"version"`
	Changes []struct {
		PupilID int64  `json:"pupil_id"`
		Field   string `json:"field"`
		Value   string `json:"value"`
	} `json:"changes"`
}

func layoutError(msg string) error {
	return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Tệp không đúng mẫu của bảng điểm này: " + msg + " Hãy dùng nút «Tải Excel» để lấy tệp mẫu, điền rồi tải lên lại."}
}

// readUpload parses an uploaded workbook against a sheet: the cells edited
// offline, by row.
func readUpload(v *app.SheetView, data []byte) (uploadPayload, map[int64]int, []string, error) {
	var pl uploadPayload
	rowOf := map[int64]int{}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return pl, nil, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Tệp tải lên không phải tệp Excel (.xlsx) hợp lệ."}
	}
	defer f.Close()
	meta, err := f.GetRows(xlsxMeta)
	if err != nil || len(meta) < 4 || len(meta[0]) < 2 || meta[0][1] != xlsxFormat {
		return pl, nil, nil, layoutError("thiếu phần thông tin ẩn của tệp mẫu.")
	}
	get := func(i int) string {
		if len(meta[i]) < 2 {
			return ""
		}
		return meta[i][1]
	}
	if get(1) != strconv.FormatInt(v.Sheet.ID, 10) {
		return pl, nil, nil, layoutError("tệp này thuộc một bảng điểm khác (môn, lớp hoặc học kì khác).")
	}
	if pl.Version, err = strconv.ParseInt(get(2), 10, 64); err != nil || pl.Version > v.Sheet.Version {
		return pl, nil, nil, layoutError("phiên bản trong tệp không hợp lệ.")
	}
	if get(3) != strings.Join(v.Fields, ",") {
		return pl, nil, nil, layoutError("các cột điểm đã thay đổi từ khi tải tệp (số ĐĐGtx hoặc cột nhận xét).")
	}
	original := map[int64][]string{}
	for _, m := range meta[5:] {
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
	rows, err := f.GetRows(xlsxSheet)
	if err != nil {
		return pl, nil, nil, layoutError("không có trang «" + xlsxSheet + "».")
	}
	heads := xlsxHeaders(v)
	if len(rows) < xlsxHeadRow {
		return pl, nil, nil, layoutError("thiếu dòng tiêu đề (dòng 4).")
	}
	got := rows[xlsxHeadRow-1]
	for j, h := range heads {
		g := ""
		if j < len(got) {
			g = strings.TrimSpace(got[j])
		}
		if g != h {
			col, _ := excelize.ColumnNumberToName(j + 1)
			return pl, nil, nil, layoutError(fmt.Sprintf("ô %s%d phải là «%s», không phải «%s».", col, xlsxHeadRow, h, g))
		}
	}
	var rowErrs []string
	seen := map[int64]int{}
	for i := xlsxFirstRow - 1; i < len(rows); i++ {
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
			rowErrs = append(rowErrs, fmt.Sprintf("Dòng %d: mã học sinh «%s» không có trong tệp mẫu của bảng điểm này (không thêm dòng, không sửa cột Mã HS).", n, idText))
			continue
		}
		if prev, dup := seen[id]; dup {
			rowErrs = append(rowErrs, fmt.Sprintf("Dòng %d: học sinh này đã có ở dòng %d.", n, prev))
			continue
		}
		seen[id], rowOf[id] = n, n
		for j, fld := range v.Fields {
			cell := ""
			if 3+j < len(line) {
				cell = strings.TrimSpace(line[3+j])
			}
			before := strings.TrimSpace(fmt.Sprint(xlsxText(fld, orig[j])))
			if cell == before {
				continue // not edited offline
			}
			pl.Changes = append(pl.Changes, struct {
				PupilID int64  `json:"pupil_id"`
				Field   string `json:"field"`
				Value   string `json:"value"`
			}{id, fld, cell})
		}
	}
	return pl, rowOf, rowErrs, nil
}

// xlsxText is how a stored value reads back from the workbook.
func xlsxText(field, raw string) string {
	switch x := xlsxValue(field, raw).(type) {
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

func (pl uploadPayload) patch(via string) app.SheetPatch {
	p := app.SheetPatch{Version: pl.Version, Via: via}
	for _, c := range pl.Changes {
		val := app.CellValue{Text: c.Value, Null: c.Value == ""}
		p.Changes = append(p.Changes, app.SheetChange{PupilID: c.PupilID, Field: c.Field, Value: val})
	}
	return p
}

// previewErrors turns the errors of a dry run into lines naming row and column.
func previewErrors(v *app.SheetView, err error, rowOf map[int64]int) []string {
	names := map[int64]string{}
	for _, r := range v.Rows {
		names[r.PupilID] = r.FullName
	}
	var out []string
	if ce, ok := app.AsConflict(err); ok {
		for _, c := range ce.Conflicts {
			out = append(out, fmt.Sprintf("Dòng %d (%s), cột %s: ô này đã được sửa sau khi bạn tải tệp (giá trị hiện tại «%s»). Tải lại tệp mẫu hoặc sửa trên bảng nhập.",
				rowOf[c.PupilID], names[c.PupilID], app.FieldLabel(c.Field), markText(c.Field, c.Value)))
		}
		sort.Strings(out)
		return out
	}
	fields := sdgdt.ErrorFields(err)
	if len(fields) == 0 {
		return []string{sdgdt.ErrorMessage(err)}
	}
	type line struct {
		row int
		txt string
	}
	var ls []line
	for k, msg := range fields {
		dot := strings.IndexByte(k, '.')
		id, _ := strconv.ParseInt(k[:max(dot, 0)], 10, 64)
		field := k[dot+1:]
		ls = append(ls, line{rowOf[id], fmt.Sprintf("Dòng %d (%s), cột %s: %s", rowOf[id], names[id], app.FieldLabel(field), msg)})
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].row < ls[j].row || ls[i].row == ls[j].row && ls[i].txt < ls[j].txt })
	for _, l := range ls {
		out = append(out, l.txt)
	}
	return out
}

func (s *Server) sheetUpload(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := sheetPathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.GetSheet(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !v.CanWrite {
		s.fail(w, r, &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Bạn không được nhập điểm vào bảng điểm này."})
		return
	}
	up := &uploadPreview{SheetID: id}
	r.Body = http.MaxBytesReader(w, r.Body, xlsxMaxBytes+1<<16)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.showGrid(w, r, p, id, http.StatusUnprocessableEntity, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Chưa chọn tệp, hoặc tệp lớn hơn 5 MB."})
		return
	}
	defer file.Close()
	up.FileName = hdr.Filename
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(file); err != nil || buf.Len() > xlsxMaxBytes {
		s.showGrid(w, r, p, id, http.StatusUnprocessableEntity, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Không đọc được tệp (tối đa 5 MB)."})
		return
	}
	pl, rowOf, rowErrs, err := readUpload(&v, buf.Bytes())
	if err != nil {
		up.Errors = []string{sdgdt.ErrorMessage(err)}
		s.showGrid(w, r, p, id, http.StatusUnprocessableEntity, up, nil)
		return
	}
	up.Errors = rowErrs
	s.previewAndShow(w, r, p, &v, up, pl, rowOf)
}

// previewAndShow runs the upload as a dry run and shows the preview.
func (s *Server) previewAndShow(w http.ResponseWriter, r *http.Request, p *app.Principal, v *app.SheetView, up *uploadPreview, pl uploadPayload, rowOf map[int64]int) {
	patch := pl.patch(app.ViaUpload)
	patch.DryRun = true
	res, err := s.app.PatchSheet(r.Context(), p, v.Sheet.ID, patch)
	if err != nil {
		up.Errors = append(up.Errors, previewErrors(v, err, rowOf)...)
	}
	names := map[int64]string{}
	for _, row := range v.Rows {
		names[row.PupilID] = row.FullName
	}
	for _, c := range res.Preview {
		up.Changes = append(up.Changes, uploadChange{Row: rowOf[c.PupilID], Name: names[c.PupilID], Column: app.FieldLabel(c.Field),
			Old: markText(c.Field, c.Previous), New: markText(c.Field, c.Value)})
	}
	sort.SliceStable(up.Changes, func(i, j int) bool { return up.Changes[i].Row < up.Changes[j].Row })
	b, _ := json.Marshal(pl)
	up.Payload = string(b)
	status := http.StatusOK
	if len(up.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	up.SheetID = v.Sheet.ID
	s.showGrid(w, r, p, v.Sheet.ID, status, up, nil)
}

func (s *Server) sheetUploadApply(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := sheetPathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Biểu mẫu không hợp lệ."})
		return
	}
	var pl uploadPayload
	if err := json.Unmarshal([]byte(r.PostForm.Get("payload")), &pl); err != nil {
		s.fail(w, r, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Dữ liệu xác nhận không hợp lệ; hãy tải tệp lên lại."})
		return
	}
	res, err := s.app.PatchSheet(r.Context(), p, id, pl.patch(app.ViaUpload))
	if err != nil {
		v, gerr := s.app.GetSheet(r.Context(), p, id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		up := &uploadPreview{SheetID: id, Errors: append([]string{"Chưa áp dụng thay đổi nào:"}, previewErrors(&v, err, map[int64]int{})...)}
		s.showGrid(w, r, p, id, statusOf(sdgdt.ErrorCode(err)), up, nil)
		return
	}
	q := url.Values{"msg": {"saved"}, "applied": {strconv.Itoa(res.Changed)}}
	http.Redirect(w, r, "/sheets/"+strconv.FormatInt(id, 10)+"?"+q.Encode(), http.StatusSeeOther)
}
