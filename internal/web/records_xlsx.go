package web

// School records in spreadsheets: the templates to fill in, the import page
// (upload, row-by-row report, nothing imported on any error) and the exports of
// every list. A file is built whole before its headers are written.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/report"
)

// importKinds are the spreadsheets a school imports, in the page's order.
var importKinds = []struct{ Kind, Name, File string }{
	{"pupils", "Học sinh", "mau-nhap-hoc-sinh.xlsx"},
	{"staff", "Cán bộ, giáo viên", "mau-nhap-can-bo.xlsx"},
	{"classes", "Lớp học", "mau-nhap-lop.xlsx"},
	{"assignments", "Phân công giảng dạy", "mau-nhap-phan-cong.xlsx"},
}

// sendXLSX writes a finished workbook as a download with a UTF-8 file name.
func sendXLSX(w http.ResponseWriter, name string, b []byte) {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (s *Server) templateDownload(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return err
	}
	kind := strings.TrimSuffix(r.PathValue("kind"), ".xlsx")
	b, err := report.Template(kind, sr.School)
	if err != nil {
		return err
	}
	name := kind + ".xlsx"
	for _, k := range importKinds {
		if k.Kind == kind {
			name = k.File
		}
	}
	sendXLSX(w, name, b)
	return nil
}

// --- Import page ---

type importData struct {
	Head   schoolHead
	Kinds  []struct{ Kind, Name, File string }
	Kind   string
	Name   string
	File   string
	Report *app.ImportReport
	Done   bool
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	return s.showImport(w, r, p, "", "", nil, nil)
}

func (s *Server) showImport(w http.ResponseWriter, r *http.Request, p *app.Principal, kind, file string, rep *app.ImportReport, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return err
	}
	if !sr.CanManage {
		return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ quản trị hệ thống của trường nhập dữ liệu từ Excel."}
	}
	d := importData{Head: head(sr, "import"), Kinds: importKinds, Kind: kind, File: file, Report: rep}
	for _, k := range importKinds {
		if k.Kind == kind {
			d.Name = k.Name
		}
	}
	status := http.StatusOK
	if rep != nil {
		d.Done = len(rep.Errors) == 0
		if !d.Done {
			status = http.StatusUnprocessableEntity
		}
	}
	pg := &Page{Title: "Nhập dữ liệu từ Excel — " + sr.School.Name, Active: "records", Data: d}
	if formErr != nil {
		pg.Error = sdgdt.ErrorMessage(formErr)
		status = statusOf(sdgdt.ErrorCode(formErr))
	}
	s.render(w, r, status, "records_import", pg)
	return nil
}

func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	kind := r.PathValue("kind")
	// Rights first: an upload is read only for someone who may import, and
	// never beyond its size limit (the workbook's unzipped size and rows are
	// bounded by report.ReadRows).
	if err := s.app.MayImport(r.Context(), p, id); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, report.MaxUpload+1<<16)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return s.showImport(w, r, p, kind, "", nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Không nhận được tệp: tệp tối đa 10 MB."})
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		return s.showImport(w, r, p, kind, "", nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Vui lòng chọn tệp Excel (.xlsx) để tải lên."})
	}
	defer f.Close()
	rows, err := report.ReadRows(f)
	if err != nil {
		msg := err.Error()
		return s.showImport(w, r, p, kind, fh.Filename, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: strings.ToUpper(msg[:1]) + msg[1:] + "."})
	}
	var rep app.ImportReport
	switch kind {
	case "pupils":
		rep, err = s.app.ImportPupils(r.Context(), p, id, rows)
	case "staff":
		rep, err = s.app.ImportStaff(r.Context(), p, id, rows)
	case "classes":
		rep, err = s.app.ImportClasses(r.Context(), p, id, rows)
	case "assignments":
		rep, err = s.app.ImportAssignments(r.Context(), p, id, rows)
	default:
		err = &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không có loại dữ liệu này."}
	}
	if err != nil {
		return err
	}
	return s.showImport(w, r, p, kind, fh.Filename, &rep, nil)
}

// --- Exports ---

func (s *Server) exportClass(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cr, err := s.app.ExportClassList(r.Context(), p, id)
	if err != nil {
		return err
	}
	b, err := report.ClassList(cr)
	if err != nil {
		return err
	}
	sendXLSX(w, "danh-sach-lop-"+report.Slug(cr.Class.Name)+".xlsx", b)
	return nil
}

func (s *Server) exportStaff(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sr, personal, err := s.app.ExportStaffList(r.Context(), p, id)
	if err != nil {
		return err
	}
	b, err := report.StaffList(sr, personal)
	if err != nil {
		return err
	}
	sendXLSX(w, "danh-sach-can-bo-"+report.Slug(sr.School.Code)+".xlsx", b)
	return nil
}

func (s *Server) exportClasses(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, queryID(r, "year"))
	if err != nil {
		return err
	}
	b, err := report.Classes(sr)
	if err != nil {
		return err
	}
	sendXLSX(w, "danh-sach-lop-hoc-"+report.Slug(sr.Year.Name)+".xlsx", b)
	return nil
}

func (s *Server) exportAssignments(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return err
	}
	b, err := report.Assignments(sr)
	if err != nil {
		return err
	}
	sendXLSX(w, "phan-cong-giang-day-"+report.Slug(sr.Year.Name)+".xlsx", b)
	return nil
}
