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

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/report"
)

// The Excel round trip of a sheet (the workbook's layout: report.Sheet and
// report.ReadSheet): download it, fill it offline, upload it. The upload is
// previewed cell by cell and applied, all or nothing, through app.PatchSheet:
// the same rights, locks and validation as the grid.

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

func (s *Server) sheetExport(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.app.GetSheet(r.Context(), p, id)
	if err != nil {
		return err
	}
	b, err := report.Sheet(&v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+xlsxFileName(&v)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
	return nil
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
		Row     int    `json:"row"` // the row of the workbook, for messages
	} `json:"changes"`
}

// rows is the workbook row of each pupil in the payload.
func (pl uploadPayload) rows() map[int64]int {
	m := map[int64]int{}
	for _, c := range pl.Changes {
		m[c.PupilID] = c.Row
	}
	return m
}

// readUpload parses an uploaded workbook against a sheet: the cells edited
// offline, by row.
func readUpload(v *app.SheetView, data []byte) (uploadPayload, map[int64]int, []string, error) {
	var pl uploadPayload
	up, err := report.ReadSheet(v, data)
	if err != nil {
		return pl, nil, nil, err
	}
	pl.Version = up.Version
	for _, e := range up.Edits {
		pl.Changes = append(pl.Changes, struct {
			PupilID int64  `json:"pupil_id"`
			Field   string `json:"field"`
			Value   string `json:"value"`
			Row     int    `json:"row"`
		}{e.PupilID, e.Field, e.Value, up.Rows[e.PupilID]})
	}
	return pl, up.Rows, up.Errors, nil
}

func (pl uploadPayload) patch(via string) app.SheetPatch {
	p := app.SheetPatch{Version: pl.Version, Via: via}
	for _, c := range pl.Changes {
		val := app.CellValue{Text: c.Value, Null: c.Value == ""}
		p.Changes = append(p.Changes, app.SheetChange{PupilID: c.PupilID, Field: c.Field, Value: val})
	}
	return p
}

// rowName names a pupil's row of the workbook, or only the pupil when the row
// is not known.
func rowName(row int, name string) string {
	if row <= 0 {
		return "Học sinh " + name
	}
	return fmt.Sprintf("Dòng %d (%s)", row, name)
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
			out = append(out, fmt.Sprintf("%s, cột %s: ô này đã được sửa sau khi bạn tải tệp (giá trị hiện tại «%s»). Tải lại tệp mẫu hoặc sửa trên bảng nhập.",
				rowName(rowOf[c.PupilID], names[c.PupilID]), app.FieldLabel(c.Field), app.MarkText(c.Field, c.Value)))
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
		ls = append(ls, line{rowOf[id], fmt.Sprintf("%s, cột %s: %s", rowName(rowOf[id], names[id]), app.FieldLabel(field), msg)})
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].row < ls[j].row || ls[i].row == ls[j].row && ls[i].txt < ls[j].txt })
	for _, l := range ls {
		out = append(out, l.txt)
	}
	return out
}

func (s *Server) sheetUpload(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.app.GetSheet(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !v.CanWrite {
		return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Bạn không được nhập điểm vào bảng điểm này."}
	}
	up := &uploadPreview{SheetID: id}
	r.Body = http.MaxBytesReader(w, r.Body, report.MaxSheetUpload+1<<16)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.showGrid(w, r, p, id, http.StatusUnprocessableEntity, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Chưa chọn tệp, hoặc tệp lớn hơn 5 MB."})
		return nil
	}
	defer file.Close()
	up.FileName = hdr.Filename
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(file); err != nil || buf.Len() > report.MaxSheetUpload {
		s.showGrid(w, r, p, id, http.StatusUnprocessableEntity, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Không đọc được tệp (tối đa 5 MB)."})
		return nil
	}
	pl, rowOf, rowErrs, err := readUpload(&v, buf.Bytes())
	if err != nil {
		up.Errors = []string{sdgdt.ErrorMessage(err)}
		s.showGrid(w, r, p, id, http.StatusUnprocessableEntity, up, nil)
		return nil
	}
	up.Errors = rowErrs
	return s.previewAndShow(w, r, p, &v, up, pl, rowOf)
}

// previewAndShow runs the upload as a dry run and shows the preview.
func (s *Server) previewAndShow(w http.ResponseWriter, r *http.Request, p *app.Principal, v *app.SheetView, up *uploadPreview, pl uploadPayload, rowOf map[int64]int) error {
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
			Old: app.MarkText(c.Field, c.Previous), New: app.MarkText(c.Field, c.Value)})
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
	return nil
}

func (s *Server) sheetUploadApply(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Biểu mẫu không hợp lệ."}
	}
	var pl uploadPayload
	if err := json.Unmarshal([]byte(r.PostForm.Get("payload")), &pl); err != nil {
		return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Dữ liệu xác nhận không hợp lệ; hãy tải tệp lên lại."}
	}
	res, err := s.app.PatchSheet(r.Context(), p, id, pl.patch(app.ViaUpload))
	if err != nil {
		v, gerr := s.app.GetSheet(r.Context(), p, id)
		if gerr != nil {
			return gerr
		}
		up := &uploadPreview{SheetID: id, Errors: append([]string{"Chưa áp dụng thay đổi nào:"}, previewErrors(&v, err, pl.rows())...)}
		s.showGrid(w, r, p, id, statusOf(sdgdt.ErrorCode(err)), up, nil)
		return nil
	}
	q := url.Values{"msg": {"saved"}, "applied": {strconv.Itoa(res.Changed)}}
	http.Redirect(w, r, "/sheets/"+strconv.FormatInt(id, 10)+"?"+q.Encode(), http.StatusSeeOther)
	return nil
}
