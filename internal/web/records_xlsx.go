package web

// School records in spreadsheets: the templates to fill in, the import page
// (upload, row-by-row report, nothing imported on any error) and the exports of
// every list. A file is built whole before its headers are written.

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/report"
	"sdgdt/internal/viet"
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

// slug makes a file name part of a class or school name: 8A1 stays 8A1.
func slug(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0x7e { // Vietnamese letters lose their marks, keep their case: Đ → D
			f := []rune(viet.Fold(string(r)))
			if len(f) == 0 {
				continue
			}
			if unicode.IsUpper(r) {
				r = unicode.ToUpper(f[0])
			} else {
				r = f[0]
			}
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == ' ' || r == '/' || r == '_':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// textColumns formats whole columns of a written workbook as text ("@"), so
// that dates and numbers typed into a template stay as typed.
func textColumns(b []byte, sheet string, cols ...int) ([]byte, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Family: "Arial", Size: 10}})
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		name, _ := excelize.ColumnNumberToName(c)
		if err := f.SetColStyle(sheet, name, st); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func widths(ws ...float64) []float64 { return ws }

// templateFile builds the template of one kind of import for a school.
func templateFile(kind string, school sdgdt.School) ([]byte, string, error) {
	subjects := schoolSubjects(school.Kind)
	var codes []string
	for _, s := range subjects {
		codes = append(codes, s.Code+" = "+s.Name)
	}
	codeNote := "Mã môn: " + strings.Join(codes, "; ") + "."
	lo, hi := app.GradeRange(school.Kind)
	var t report.Table
	var text []int
	switch kind {
	case "pupils":
		t = report.Table{Sheet: "Học sinh", Title: "DANH SÁCH HỌC SINH — " + strings.ToUpper(school.Name), Columns: app.PupilColumns,
			Widths: widths(6, 26, 13, 10, 10, 22, 18, 36, 22, 22, 22, 14, 18, 18, 8),
			Notes: []string{
				"Hướng dẫn: mỗi học sinh một dòng, bắt đầu ngay dưới dòng tiêu đề; không đổi tên hay thứ tự cột. Ngày sinh ghi dd/mm/yyyy. Giới tính: Nam hoặc Nữ. Số định danh cá nhân gồm 12 chữ số. Lớp phải là lớp đã có trong năm học hiện tại.",
				"Ví dụ dòng 1: 1 | Nguyễn Văn An | 05/09/2013 | Nam | Kinh | Buôn Ma Thuột, Đắk Lắk | Nghệ An | 12 Lê Duẩn, phường Tân Lập, Buôn Ma Thuột | Nguyễn Văn Bình | Trần Thị Cúc | Nguyễn Văn Bình | 0912345678 | 066213001234 | 6601234567 | 8A1",
				"Ví dụ dòng 2: 2 | H'Linh Niê | 21/03/2013 | Nữ | Ê Đê | Krông Pắc, Đắk Lắk | Đắk Lắk | Buôn Ky, xã Ea Kao, Buôn Ma Thuột | Y Bih Niê | H'Ngơn Niê | H'Ngơn Niê | 0987654321 | 066313004321 | 6609876543 | 8A1",
			}}
		text = []int{3, 12, 13, 14}
	case "staff":
		t = report.Table{Sheet: "Cán bộ", Title: "DANH SÁCH CÁN BỘ, GIÁO VIÊN — " + strings.ToUpper(school.Name), Columns: app.StaffColumns,
			Widths: widths(6, 26, 22, 13, 10, 14, 26, 18, 30),
			Notes: []string{
				"Hướng dẫn: mỗi người một dòng. Tên đăng nhập: chữ thường không dấu, chữ số, dấu chấm (ví dụ " + schoolPrefix(school) + ".nguyenvanan). Hệ thống tạo mật khẩu tạm thời cho từng tài khoản và chỉ hiện một lần sau khi nhập.",
				"Ví dụ: 1 | Nguyễn Văn An | " + schoolPrefix(school) + ".nguyenvanan | 12/04/1985 | Nam | 0905123456 | an.nv@example.edu.vn | Giáo viên | toan,tin_hoc",
				codeNote,
			}}
		text = []int{4, 6}
	case "classes":
		t = report.Table{Sheet: "Lớp", Title: "DANH SÁCH LỚP — " + strings.ToUpper(school.Name), Columns: app.ClassColumns,
			Widths: widths(6, 14, 8, 36),
			Notes: []string{
				fmt.Sprintf("Hướng dẫn: mỗi lớp một dòng; khối từ %d đến %d. Lớp được tạo trong năm học hiện tại với chương trình mặc định của khối (sửa được sau). Giáo viên chủ nhiệm ghi tên đăng nhập (có thể để trống).", lo, hi),
				fmt.Sprintf("Ví dụ: 1 | %dA1 | %d | %s.nguyenvanan", lo, lo, schoolPrefix(school)),
			}}
		text = []int{2}
	case "assignments":
		terms := "hk1 (Học kì I), hk2 (Học kì II)"
		if lo <= 5 {
			terms = "tiểu học: gk1, ck1, gk2, cn (các kì đánh giá); THCS, THPT: hk1, hk2"
		}
		t = report.Table{Sheet: "Phân công", Title: "PHÂN CÔNG GIẢNG DẠY — " + strings.ToUpper(school.Name), Columns: app.AssignmentColumns,
			Widths: widths(6, 10, 20, 10, 30),
			Notes: []string{
				"Hướng dẫn: mỗi dòng là một lớp × môn × học kì. Học kì: " + terms + ". Môn đã phân công sẽ được đổi sang giáo viên mới.",
				fmt.Sprintf("Ví dụ: 1 | %dA1 | toan | %s | %s.nguyenvanan", lo, app.TermsFor(app.RulesetFor(school.Kind, lo))[0], schoolPrefix(school)),
				codeNote,
			}}
		text = []int{2}
	default:
		return nil, "", &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không có mẫu này."}
	}
	b, err := report.Write(t)
	if err != nil {
		return nil, "", err
	}
	if b, err = textColumns(b, t.Sheet, text...); err != nil {
		return nil, "", err
	}
	for _, k := range importKinds {
		if k.Kind == kind {
			return b, k.File, nil
		}
	}
	return b, kind + ".xlsx", nil
}

// schoolPrefix is the usual username prefix of a school's accounts.
func schoolPrefix(s sdgdt.School) string {
	p := strings.ToLower(strings.ReplaceAll(slug(s.Code), "-", ""))
	if p == "" {
		return "truong"
	}
	return p
}

func (s *Server) templateDownload(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, name, err := templateFile(strings.TrimSuffix(r.PathValue("kind"), ".xlsx"), sr.School)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendXLSX(w, name, b)
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

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showImport(w, r, p, "", "", nil, nil)
}

func (s *Server) showImport(w http.ResponseWriter, r *http.Request, p *app.Principal, kind, file string, rep *app.ImportReport, formErr error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !sr.CanManage {
		s.fail(w, r, &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ quản trị hệ thống của trường nhập dữ liệu từ Excel."})
		return
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
}

func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kind := r.PathValue("kind")
	if err := r.ParseMultipartForm(report.MaxUpload); err != nil {
		s.showImport(w, r, p, kind, "", nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Không nhận được tệp: tệp tối đa 10 MB."})
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		s.showImport(w, r, p, kind, "", nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Vui lòng chọn tệp Excel (.xlsx) để tải lên."})
		return
	}
	defer f.Close()
	rows, err := report.ReadRows(f)
	if err != nil {
		msg := err.Error()
		s.showImport(w, r, p, kind, fh.Filename, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: strings.ToUpper(msg[:1]) + msg[1:] + "."})
		return
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
		s.fail(w, r, err)
		return
	}
	s.showImport(w, r, p, kind, fh.Filename, &rep, nil)
}

// --- Exports ---

func (s *Server) exportClass(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cr, err := s.app.ExportClassList(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var cols []string
	var ws []float64
	if cr.CanProfiles {
		// The template's columns, so that the list can be imported again.
		cols = append(cols, app.PupilColumns...)
		ws = widths(6, 26, 12, 9, 10, 22, 18, 36, 22, 22, 22, 13, 16, 16, 8)
	} else {
		cols = []string{"STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp"}
		ws = widths(6, 28, 12, 9, 10, 8)
	}
	cols = append(cols, "Vắng có phép", "Vắng không phép", "Trạng thái")
	ws = append(ws, 10, 10, 16)
	row := func(n int, e app.ClassRecords, i int, former bool) []any {
		src := e.Roster
		if former {
			src = e.Former
		}
		en := src[i]
		pu := en.Pupil
		var out []any
		if cr.CanProfiles {
			out = []any{n, pu.FullName(), sdgdt.FormatDate(pu.DateOfBirth), sdgdt.SexName(pu.Sex), pu.Ethnicity, pu.PlaceOfBirth, pu.HomeTown, pu.Address,
				pu.FatherName, pu.MotherName, pu.GuardianName, pu.GuardianPhone, pu.IdentityNumber, pu.MinistryCode, cr.Class.Name}
		} else {
			out = []any{n, pu.FullName(), sdgdt.FormatDate(pu.DateOfBirth), sdgdt.SexName(pu.Sex), pu.Ethnicity, cr.Class.Name}
		}
		a := cr.Absences[pu.ID]
		return append(out, a.Excused, a.Unexcused, statusNames[en.Status])
	}
	t := report.Table{Sheet: "Lớp " + cr.Class.Name, Title: "DANH SÁCH HỌC SINH LỚP " + cr.Class.Name + " — NĂM HỌC " + cr.Year.Name + " — " + strings.ToUpper(cr.School.Name),
		Columns: cols, Widths: ws}
	for i := range cr.Roster {
		t.Rows = append(t.Rows, row(i+1, cr, i, false))
	}
	if len(cr.Former) > 0 {
		t.Notes = append(t.Notes, "Học sinh đã chuyển lớp, chuyển trường hoặc nghỉ học trong năm: xem trang tính “Đã rời lớp”.")
	}
	tables := []report.Table{t}
	if len(cr.Former) > 0 {
		f := report.Table{Sheet: "Đã rời lớp", Title: "HỌC SINH ĐÃ RỜI LỚP " + cr.Class.Name, Columns: cols, Widths: ws}
		for i := range cr.Former {
			f.Rows = append(f.Rows, row(i+1, cr, i, true))
		}
		tables = append(tables, f)
	}
	b, err := report.Write(tables...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendXLSX(w, "danh-sach-lop-"+slug(cr.Class.Name)+".xlsx", b)
}

func (s *Server) exportStaff(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, personal, err := s.app.ExportStaffList(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cols := []string{"STT", "Họ và tên", "Tên đăng nhập", "Ngày sinh", "Giới tính", "Điện thoại", "E-mail", "Chức vụ", "Môn dạy"}
	if !personal {
		cols = []string{"STT", "Họ và tên", "Tên đăng nhập", "Giới tính", "Chức vụ", "Môn dạy"}
	}
	t := report.Table{Sheet: "Cán bộ", Title: "DANH SÁCH CÁN BỘ, GIÁO VIÊN — " + strings.ToUpper(sr.School.Name), Columns: cols,
		Widths: widths(6, 26, 24, 12, 9, 13, 28, 18, 40)}
	for i, m := range sr.Staff {
		var names []string
		for _, c := range strings.Split(m.Profile.Subjects, ",") {
			if n := assess.SubjectName(c); n != c {
				names = append(names, n)
			}
		}
		dob := ""
		if d, ok := app.ParseDay(m.Profile.DateOfBirth); ok && m.Profile.DateOfBirth != "" {
			dob = sdgdt.FormatDate(d)
		}
		if personal {
			t.Rows = append(t.Rows, []any{i + 1, m.User.FullName, m.User.Username, dob, sdgdt.SexName(m.Profile.Sex), m.User.Phone, m.User.Email, m.Profile.Position, strings.Join(names, ", ")})
		} else {
			t.Rows = append(t.Rows, []any{i + 1, m.User.FullName, m.User.Username, sdgdt.SexName(m.Profile.Sex), m.Profile.Position, strings.Join(names, ", ")})
		}
	}
	b, err := report.Write(t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendXLSX(w, "danh-sach-can-bo-"+slug(sr.School.Code)+".xlsx", b)
}

func (s *Server) exportClasses(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, queryID(r, "year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := report.Table{Sheet: "Lớp", Title: "DANH SÁCH LỚP NĂM HỌC " + sr.Year.Name + " — " + strings.ToUpper(sr.School.Name),
		Columns: []string{"STT", "Tên lớp", "Khối", "Giáo viên chủ nhiệm", "Sĩ số", "Bộ quy tắc"}, Widths: widths(6, 12, 8, 30, 8, 14)}
	for i, c := range sr.Classes {
		t.Rows = append(t.Rows, []any{i + 1, c.Name, c.Grade, c.HomeroomName, c.Pupils, rulesetName(c.Ruleset)})
	}
	b, err := report.Write(t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendXLSX(w, "danh-sach-lop-hoc-"+slug(sr.Year.Name)+".xlsx", b)
}

func (s *Server) exportAssignments(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users := map[int64]string{}
	for _, m := range sr.Staff {
		users[m.User.ID] = m.User.Username
	}
	// The template's columns (and a name), so that the export is importable.
	t := report.Table{Sheet: "Phân công", Title: "PHÂN CÔNG GIẢNG DẠY NĂM HỌC " + sr.Year.Name + " — " + strings.ToUpper(sr.School.Name),
		Columns: append(append([]string{}, app.AssignmentColumns...), "Họ tên giáo viên", "Tên môn"), Widths: widths(6, 10, 20, 10, 28, 28, 30)}
	for i, a := range sr.Assignments {
		t.Rows = append(t.Rows, []any{i + 1, a.ClassName, a.Subject, a.Term, users[a.TeacherID], a.TeacherName, assess.SubjectName(a.Subject)})
	}
	b, err := report.Write(t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendXLSX(w, "phan-cong-giang-day-"+slug(sr.Year.Name)+".xlsx", b)
}

func rulesetName(r string) string {
	switch r {
	case "tt27":
		return "Thông tư 27"
	case "tt43":
		return "Thông tư 43"
	}
	return "Thông tư 22"
}
