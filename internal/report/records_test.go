package report

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

var (
	school = sdgdt.School{ID: 1, Kind: "thcs", Name: "Trường THCS Nguyễn Du", Code: "THCS-ND"}
	year   = sdgdt.SchoolYear{ID: 3, Name: "2025-2026", Current: true}
	class  = sdgdt.Class{ID: 7, SchoolID: 1, Grade: 8, Name: "8A1", Ruleset: "tt22"}
	an     = sdgdt.Pupil{ID: 11, FamilyName: "Nguyễn", MiddleName: "Văn", GivenName: "An", DateOfBirth: time.Date(2012, 9, 5, 0, 0, 0, 0, sdgdt.Vietnam),
		Sex: "nam", Ethnicity: "Kinh", GuardianPhone: "0912345678", IdentityNumber: "066212001234", MinistryCode: "6601234567"}
	linh = sdgdt.Pupil{ID: 12, FamilyName: "Niê", GivenName: "H'Linh", DateOfBirth: time.Date(2012, 3, 21, 0, 0, 0, 0, sdgdt.Vietnam), Sex: "nu", Ethnicity: "Ê Đê"}
)

func TestTemplate(t *testing.T) {
	for _, c := range []struct {
		kind, sheet string
		heads       []string
		text        string // a column formatted as text
	}{
		{"pupils", "Học sinh", app.PupilColumns, "C"},
		{"staff", "Cán bộ", app.StaffColumns, "D"},
		{"classes", "Lớp", app.ClassColumns, "B"},
		{"assignments", "Phân công", app.AssignmentColumns, "B"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			b, err := Template(c.kind, school)
			o := open(t)(b, err)
			o.sheets(c.sheet)
			o.row(c.sheet, 3, c.heads...)
			o.bold(c.sheet, c.text+"3")
			o.frozen(c.sheet, 0, 3)
			id, _ := o.f.GetCellStyle(c.sheet, c.text+"4")
			if st, _ := o.f.GetStyle(id); st == nil || st.NumFmt != 49 {
				t.Errorf("%s4 is not text", c.text)
			}
			rows, err := ReadRows(bytes.NewReader(b))
			// The whole sheet, from row 1: the title, a blank row, the headings.
			if err != nil || len(rows) < 3 || !slices.Equal(rows[2], c.heads) {
				t.Errorf("ReadRows: %q, %v", rows, err)
			}
		})
	}
	o := open(t)(Template("staff", school))
	o.cell("Cán bộ", "A1", "DANH SÁCH CÁN BỘ, GIÁO VIÊN — TRƯỜNG THCS NGUYỄN DU")
	o.cell("Cán bộ", "A5", "Hướng dẫn: mỗi người một dòng. Tên đăng nhập: chữ thường không dấu, chữ số, dấu chấm (ví dụ thcsnd.nguyenvanan). Hệ thống tạo mật khẩu tạm thời cho từng tài khoản và chỉ hiện một lần sau khi nhập.")
	if _, err := Template("grades", school); sdgdt.ErrorCode(err) != sdgdt.ENOTFOUND {
		t.Errorf("unknown template: %v", err)
	}
}

func TestClassList(t *testing.T) {
	cr := app.ClassRecords{Class: class, School: school, Year: year,
		Roster:   []sdgdt.RosterEntry{{Pupil: an, Status: sdgdt.EnrolStudying}},
		Former:   []sdgdt.RosterEntry{{Pupil: linh, Status: sdgdt.EnrolTransferred}},
		Absences: map[int64]sdgdt.AbsenceCount{11: {Excused: 2, Unexcused: 1}}}
	o := open(t)(ClassList(cr))
	o.sheets("Lớp 8A1", "Đã rời lớp")
	o.cell("Lớp 8A1", "A1", "DANH SÁCH HỌC SINH LỚP 8A1 — NĂM HỌC 2025-2026 — TRƯỜNG THCS NGUYỄN DU")
	o.row("Lớp 8A1", 3, "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Vắng có phép", "Vắng không phép", "Trạng thái")
	o.row("Lớp 8A1", 4, "1", "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "8A1", "2", "1", "Đang học")
	o.row("Đã rời lớp", 4, "1", "Niê H'Linh", "21/03/2012", "Nữ", "Ê Đê", "8A1", "0", "0", "Chuyển trường")
	o.bold("Lớp 8A1", "A3")
	o.frozen("Lớp 8A1", 0, 3)
	o.width("Lớp 8A1", "B", 28)

	// With profiles: the pupil template's columns, so that it imports again.
	cr.CanProfiles, cr.Former = true, nil
	b, err := ClassList(cr)
	o = open(t)(b, err)
	o.sheets("Lớp 8A1")
	o.row("Lớp 8A1", 3, append(slices.Clone(app.PupilColumns), "Vắng có phép", "Vắng không phép", "Trạng thái")...)
	o.cell("Lớp 8A1", "M4", "066212001234")
	rows, err := ReadRows(bytes.NewReader(b))
	if err != nil || len(rows) != 4 || rows[3][1] != "Nguyễn Văn An" {
		t.Errorf("ReadRows: %q, %v", rows, err)
	}
}

func TestStaffList(t *testing.T) {
	sr := app.SchoolRecords{School: school, Year: year, Staff: []sdgdt.StaffMember{{
		User:    sdgdt.User{ID: 5, Username: "thcsnd.trinhthuha", FullName: "Trịnh Thu Hà", Phone: "0905123456", Email: "ha@example.edu.vn"},
		Profile: sdgdt.StaffProfile{DateOfBirth: "1985-04-12", Sex: "nu", Position: "Giáo viên", Subjects: "toan,tin_hoc"}}}}
	o := open(t)(StaffList(sr, true))
	o.sheets("Cán bộ")
	o.row("Cán bộ", 3, "STT", "Họ và tên", "Tên đăng nhập", "Ngày sinh", "Giới tính", "Điện thoại", "E-mail", "Chức vụ", "Môn dạy")
	o.row("Cán bộ", 4, "1", "Trịnh Thu Hà", "thcsnd.trinhthuha", "12/04/1985", "Nữ", "0905123456", "ha@example.edu.vn", "Giáo viên", "Toán, Tin học")
	o = open(t)(StaffList(sr, false))
	o.row("Cán bộ", 3, "STT", "Họ và tên", "Tên đăng nhập", "Giới tính", "Chức vụ", "Môn dạy")
	o.row("Cán bộ", 4, "1", "Trịnh Thu Hà", "thcsnd.trinhthuha", "Nữ", "Giáo viên", "Toán, Tin học")
	o.width("Cán bộ", "F", 40) // the subjects, not the phone's width
}

func TestClassesAndAssignments(t *testing.T) {
	c := class
	c.HomeroomName = "Trịnh Thu Hà"
	sr := app.SchoolRecords{School: school, Year: year, Classes: []sdgdt.ClassCount{{Class: c, Pupils: 38}},
		Staff:       []sdgdt.StaffMember{{User: sdgdt.User{ID: 5, Username: "thcsnd.trinhthuha", FullName: "Trịnh Thu Hà"}}},
		Assignments: []sdgdt.AssignmentInfo{{Assignment: sdgdt.Assignment{Subject: "toan", Term: "hk1", TeacherID: 5}, ClassName: "8A1", TeacherName: "Trịnh Thu Hà"}}}
	o := open(t)(Classes(sr))
	o.sheets("Lớp")
	o.cell("Lớp", "A1", "DANH SÁCH LỚP NĂM HỌC 2025-2026 — TRƯỜNG THCS NGUYỄN DU")
	o.row("Lớp", 4, "1", "8A1", "8", "Trịnh Thu Hà", "38", "Thông tư 22")
	b, err := Assignments(sr)
	o = open(t)(b, err)
	o.sheets("Phân công")
	o.row("Phân công", 3, append(slices.Clone(app.AssignmentColumns), "Họ tên giáo viên", "Tên môn")...)
	o.row("Phân công", 4, "1", "8A1", "toan", "hk1", "thcsnd.trinhthuha", "Trịnh Thu Hà", "Toán")
	if rows, err := ReadRows(bytes.NewReader(b)); err != nil || len(rows) != 4 {
		t.Errorf("ReadRows: %q, %v", rows, err)
	}
}

func TestHomeroomList(t *testing.T) {
	cy := &app.ClassYear{Class: class, School: school, Year: year, RuleSet: assess.RuleSet{Name: "Thông tư 22/2021/TT-BGDĐT"}}
	v := &app.PupilYearView{N: 1, Pupil: an}
	v.Result.Year.LearningFinal, v.Result.Year.ConductFinal = assess.LevelCD, assess.LevelT
	o := open(t)(HomeroomList(cy, YearList{Title: "Danh sách học sinh kiểm tra, đánh giá lại trong hè", Retest: true,
		Rows: []YearListRow{{N: 1, Pupil: v, Extra: "Toán, Ngữ văn"}}}))
	o.sheets("Lớp 8A1")
	o.cell("Lớp 8A1", "A1", "DANH SÁCH HỌC SINH KIỂM TRA, ĐÁNH GIÁ LẠI TRONG HÈ — LỚP 8A1 — NĂM HỌC 2025-2026 — TRƯỜNG THCS NGUYỄN DU")
	o.row("Lớp 8A1", 3, "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Môn kiểm tra lại", "Học tập cả năm", "Rèn luyện cả năm", "Ghi chú")
	o.row("Lớp 8A1", 4, "1", "Nguyễn Văn An", "05/09/2012", "Nam", "Toán, Ngữ văn", "Chưa đạt", "Tốt")
	o.cell("Lớp 8A1", "A6", "Số học sinh: 1. Kết quả tính theo Thông tư 22/2021/TT-BGDĐT từ dữ liệu trong sổ đánh giá điện tử.")
	o.width("Lớp 8A1", "E", 40)
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"8A1": "8A1", "2025-2026": "2025-2026", "Đắk Lắk 1/2": "Dak-Lak-1-2", "THCS_ND": "THCS-ND"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
