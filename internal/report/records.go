package report

// The school records as lists: the templates of the imports and the exports
// of pupils, staff, classes and teaching assignments. An export that carries
// the template's columns can be imported again.

import (
	"fmt"
	"strings"
	"unicode"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/viet"
)

// Template builds the template of one kind of import (pupils, staff,
// classes, assignments) for a school: the headings, the widths, instructions
// and examples under the table, and the date and code columns as text.
func Template(kind string, school sdgdt.School) ([]byte, error) {
	var codes []string
	for _, s := range schoolSubjects(school.Kind) {
		codes = append(codes, s.Code+" = "+s.Name)
	}
	codeNote := "Mã môn: " + strings.Join(codes, "; ") + "."
	lo, hi := app.GradeRange(school.Kind)
	prefix := schoolPrefix(school)
	var t Table
	switch kind {
	case "pupils":
		t = Table{Sheet: "Học sinh", Title: "DANH SÁCH HỌC SINH — " + strings.ToUpper(school.Name), Columns: app.PupilColumns, Kind: school.Kind,
			Widths: widths(6, 26, 13, 10, 10, 22, 18, 36, 22, 22, 22, 14, 18, 18, 8),
			Notes: []string{
				"Hướng dẫn: mỗi học sinh một dòng, bắt đầu ngay dưới dòng tiêu đề; không đổi tên hay thứ tự cột. Ngày sinh ghi dd/mm/yyyy. Giới tính: Nam hoặc Nữ. Số định danh cá nhân gồm 12 chữ số. Lớp phải là lớp đã có trong năm học hiện tại.",
				"Ví dụ dòng 1: 1 | Nguyễn Văn An | 05/09/2013 | Nam | Kinh | Buôn Ma Thuột, Đắk Lắk | Nghệ An | 12 Lê Duẩn, phường Tân Lập, Buôn Ma Thuột | Nguyễn Văn Bình | Trần Thị Cúc | Nguyễn Văn Bình | 0912345678 | 066213001234 | 6601234567 | 8A1",
				"Ví dụ dòng 2: 2 | H'Linh Niê | 21/03/2013 | Nữ | Ê Đê | Krông Pắc, Đắk Lắk | Đắk Lắk | Buôn Ky, xã Ea Kao, Buôn Ma Thuột | Y Bih Niê | H'Ngơn Niê | H'Ngơn Niê | 0987654321 | 066313004321 | 6609876543 | 8A1",
			},
			Text: []int{3, 12, 13, 14}}
	case "staff":
		t = Table{Sheet: "Cán bộ", Title: "DANH SÁCH CÁN BỘ, GIÁO VIÊN — " + strings.ToUpper(school.Name), Columns: app.StaffColumns,
			Widths: widths(6, 26, 22, 13, 10, 14, 26, 18, 30),
			Notes: []string{
				"Hướng dẫn: mỗi người một dòng. Tên đăng nhập: chữ thường không dấu, chữ số, dấu chấm (ví dụ " + prefix + ".nguyenvanan). Hệ thống tạo mật khẩu tạm thời cho từng tài khoản và chỉ hiện một lần sau khi nhập.",
				"Ví dụ: 1 | Nguyễn Văn An | " + prefix + ".nguyenvanan | 12/04/1985 | Nam | 0905123456 | an.nv@example.edu.vn | Giáo viên | toan,tin_hoc",
				codeNote,
			},
			Text: []int{4, 6}}
	case "classes":
		t = Table{Sheet: "Lớp", Title: "DANH SÁCH LỚP — " + strings.ToUpper(school.Name), Columns: app.ClassColumns,
			Widths: widths(6, 14, 8, 36),
			Notes: []string{
				fmt.Sprintf("Hướng dẫn: mỗi lớp một dòng; khối từ %d đến %d. Lớp được tạo trong năm học hiện tại với chương trình mặc định của khối (sửa được sau). Giáo viên chủ nhiệm ghi tên đăng nhập (có thể để trống).", lo, hi),
				fmt.Sprintf("Ví dụ: 1 | %dA1 | %d | %s.nguyenvanan", lo, lo, prefix),
			},
			Text: []int{2}}
	case "assignments":
		terms := "hk1 (Học kì I), hk2 (Học kì II)"
		if lo <= 5 {
			terms = "tiểu học: gk1, ck1, gk2, cn (các kì đánh giá); THCS, THPT: hk1, hk2"
		}
		t = Table{Sheet: "Phân công", Title: "PHÂN CÔNG GIẢNG DẠY — " + strings.ToUpper(school.Name), Columns: app.AssignmentColumns,
			Widths: widths(6, 10, 20, 10, 30),
			Notes: []string{
				"Hướng dẫn: mỗi dòng là một lớp × môn × học kì. Học kì: " + terms + ". Môn đã phân công sẽ được đổi sang giáo viên mới.",
				fmt.Sprintf("Ví dụ: 1 | %dA1 | toan | %s | %s.nguyenvanan", lo, app.TermsFor(app.RulesetFor(school.Kind, lo))[0], prefix),
				codeNote,
			},
			Text: []int{2}}
	default:
		return nil, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không có mẫu này."}
	}
	return Write(t)
}

// ClassList is a class's list of pupils, with a second sheet of those who
// left the class during the year. A viewer who may see profiles gets the
// pupil template's columns, so that the list can be imported again.
func ClassList(cr app.ClassRecords) ([]byte, error) {
	var cols []string
	var ws []float64
	if cr.CanProfiles {
		cols = append(cols, app.PupilColumns...)
		ws = widths(6, 26, 12, 9, 10, 22, 18, 36, 22, 22, 22, 13, 16, 16, 8)
	} else {
		cols = []string{"STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp"}
		ws = widths(6, 28, 12, 9, 10, 8)
	}
	cols = append(cols, "Vắng có phép", "Vắng không phép", "Trạng thái")
	ws = append(ws, 10, 10, 16)
	rows := func(es []sdgdt.RosterEntry) [][]any {
		var out [][]any
		for i, en := range es {
			pu := en.Pupil
			var row []any
			if cr.CanProfiles {
				row = []any{i + 1, pu.FullName(), sdgdt.FormatDate(pu.DateOfBirth), sdgdt.SexName(pu.Sex), pu.Ethnicity, pu.PlaceOfBirth, pu.HomeTown, pu.Address,
					pu.FatherName, pu.MotherName, pu.GuardianName, pu.GuardianPhone, pu.IdentityNumber, pu.MinistryCode, cr.Class.Name}
			} else {
				row = []any{i + 1, pu.FullName(), sdgdt.FormatDate(pu.DateOfBirth), sdgdt.SexName(pu.Sex), pu.Ethnicity, cr.Class.Name}
			}
			a := cr.Absences[pu.ID]
			out = append(out, append(row, a.Excused, a.Unexcused, enrolmentNames[en.Status]))
		}
		return out
	}
	t := Table{Sheet: "Lớp " + cr.Class.Name, Title: "DANH SÁCH HỌC SINH LỚP " + cr.Class.Name + " — NĂM HỌC " + cr.Year.Name + " — " + strings.ToUpper(cr.School.Name),
		Columns: cols, Widths: ws, Rows: rows(cr.Roster), Kind: cr.School.Kind}
	if len(cr.Former) == 0 {
		return Write(t)
	}
	t.Notes = append(t.Notes, "Học sinh đã chuyển lớp, chuyển trường hoặc nghỉ học trong năm: xem trang tính “Đã rời lớp”.")
	return Write(t, Table{Sheet: "Đã rời lớp", Title: "HỌC SINH ĐÃ RỜI LỚP " + cr.Class.Name, Columns: cols, Widths: ws, Rows: rows(cr.Former), Kind: cr.School.Kind})
}

// StaffList is a school's staff; personal adds dates of birth, phones and
// e-mail addresses, for those who may see them.
func StaffList(sr app.SchoolRecords, personal bool) ([]byte, error) {
	cols := []string{"STT", "Họ và tên", "Tên đăng nhập", "Ngày sinh", "Giới tính", "Điện thoại", "E-mail", "Chức vụ", "Môn dạy"}
	ws := widths(6, 26, 24, 12, 9, 13, 28, 18, 40)
	if !personal {
		cols = []string{"STT", "Họ và tên", "Tên đăng nhập", "Giới tính", "Chức vụ", "Môn dạy"}
		ws = widths(6, 26, 24, 9, 18, 40)
	}
	t := Table{Sheet: "Cán bộ", Title: "DANH SÁCH CÁN BỘ, GIÁO VIÊN — " + strings.ToUpper(sr.School.Name), Columns: cols, Widths: ws}
	for i, m := range sr.Staff {
		var names []string
		for _, c := range strings.Split(m.Profile.Subjects, ",") {
			if n := assess.SubjectName(c); n != c {
				names = append(names, n)
			}
		}
		if personal {
			dob := ""
			if d, ok := app.ParseDay(m.Profile.DateOfBirth); ok && m.Profile.DateOfBirth != "" {
				dob = sdgdt.FormatDate(d)
			}
			t.Rows = append(t.Rows, []any{i + 1, m.User.FullName, m.User.Username, dob, sdgdt.SexName(m.Profile.Sex), m.User.Phone, m.User.Email, m.Profile.Position, strings.Join(names, ", ")})
		} else {
			t.Rows = append(t.Rows, []any{i + 1, m.User.FullName, m.User.Username, sdgdt.SexName(m.Profile.Sex), m.Profile.Position, strings.Join(names, ", ")})
		}
	}
	return Write(t)
}

// Classes is the list of a school's classes in the year of sr.
func Classes(sr app.SchoolRecords) ([]byte, error) {
	t := Table{Sheet: "Lớp", Title: "DANH SÁCH LỚP NĂM HỌC " + sr.Year.Name + " — " + strings.ToUpper(sr.School.Name),
		Columns: []string{"STT", "Tên lớp", "Khối", "Giáo viên chủ nhiệm", "Sĩ số", "Bộ quy tắc"}, Widths: widths(6, 12, 8, 30, 8, 14)}
	for i, c := range sr.Classes {
		t.Rows = append(t.Rows, []any{i + 1, c.Name, c.Grade, c.HomeroomName, c.Pupils, rulesetName(c.Ruleset)})
	}
	return Write(t)
}

// Assignments is a school's teaching assignments: the template's columns
// (so that the export is importable), then the teacher's and subject's names.
func Assignments(sr app.SchoolRecords) ([]byte, error) {
	users := map[int64]string{}
	for _, m := range sr.Staff {
		users[m.User.ID] = m.User.Username
	}
	t := Table{Sheet: "Phân công", Title: "PHÂN CÔNG GIẢNG DẠY NĂM HỌC " + sr.Year.Name + " — " + strings.ToUpper(sr.School.Name),
		Columns: append(append([]string{}, app.AssignmentColumns...), "Họ tên giáo viên", "Tên môn"), Widths: widths(6, 10, 20, 10, 28, 28, 30)}
	for i, a := range sr.Assignments {
		t.Rows = append(t.Rows, []any{i + 1, a.ClassName, a.Subject, a.Term, users[a.TeacherID], a.TeacherName, assess.SubjectName(a.Subject)})
	}
	return Write(t)
}

// enrolmentNames name the states of a pupil in a class (as on the class page).
var enrolmentNames = map[string]string{
	sdgdt.EnrolStudying:    "Đang học",
	sdgdt.EnrolMoved:       "Đã chuyển lớp",
	sdgdt.EnrolLeft:        "Nghỉ học",
	sdgdt.EnrolTransferred: "Chuyển trường",
	sdgdt.EnrolFinished:    "Kết thúc năm học",
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

// schoolSubjects lists the subjects of the programmes a school teaches.
func schoolSubjects(kind string) []assess.Subject {
	lo, hi := app.GradeRange(kind)
	seen := map[string]bool{}
	var out []assess.Subject
	for g := lo; g <= hi; g++ {
		for _, sub := range assess.SubjectsForGrade(g) {
			if !seen[sub.Code] {
				seen[sub.Code] = true
				out = append(out, sub)
			}
		}
	}
	return out
}

// schoolPrefix is the usual username prefix of a school's accounts.
func schoolPrefix(s sdgdt.School) string {
	p := strings.ToLower(strings.ReplaceAll(Slug(s.Code), "-", ""))
	if p == "" {
		return "truong"
	}
	return p
}

// Slug makes a file name part of a class or school name: 8A1 stays 8A1,
// "Năm học 2024/2025" becomes "Nam-hoc-2024-2025".
func Slug(s string) string {
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
