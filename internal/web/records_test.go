package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/report"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// recordsFix holds what the school records tests look up in the demo province.
type recordsFix struct {
	school    int64            // THCS Nguyễn Du
	classes   map[string]int64 // its classes by name
	homeroom  string           // homeroom teacher of 8A1
	homeroom2 string           // homeroom teacher of 8A2
	subject   string           // a subject teacher of the school, homeroom of no class
	taught    int64            // a class he teaches
	untaught  int64            // a class of the school he does not teach
	pupil     sdgdt.Pupil      // a pupil of 8A1
	other     string           // a homeroom teacher of another school (TH Lê Văn Tám)
}

func (e *env) recordsFixture() recordsFix {
	e.t.Helper()
	f := recordsFix{school: e.schools["THCS-ND"], classes: map[string]int64{}}
	err := e.db.View(e.ctx, func(tx *store.Tx) error {
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		cs, err := tx.ClassesOf(f.school, y.ID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			f.classes[c.Name] = c.ID
			if c.Name == "8A1" || c.Name == "8A2" {
				u, err := tx.User(c.HomeroomID)
				if err != nil {
					return err
				}
				if c.Name == "8A1" {
					f.homeroom = u.Username
				} else {
					f.homeroom2 = u.Username
				}
			}
		}
		r, err := tx.ClassRoster(f.classes["8A1"], false)
		if err != nil {
			return err
		}
		f.pupil = r[0].Pupil
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	names := make([]string, 0, len(e.accts))
	for name := range e.accts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		// A subject teacher with no role over the whole school (not a board
		// member, not the office): needs to know applies to him.
		if ac := e.accts[name]; ac.Role == sdgdt.RoleSubjectTeacher && strings.HasPrefix(name, "thcsnd.") && f.subject == "" && e.onlyTeaches(name) {
			f.subject = name
		}
	}
	for name, ac := range e.accts {
		if ac.Role == sdgdt.RoleHomeroom && strings.HasPrefix(name, "thlvt.") && f.other == "" {
			f.other = name
		}
	}
	f.taught, f.untaught = e.teaching(f)
	return f
}

// upload posts a spreadsheet to an import form.
func (c *client) uploadXLSX(path, filename string, data []byte) response {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.e.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return c.do("POST", path, body.String(), map[string]string{"Content-Type": mw.FormDataContentType()})
}

// pupilSheet builds a pupil list in the template's layout.
func pupilSheet(t testing.TB, rows [][]any) []byte {
	t.Helper()
	b, err := report.Write(report.Table{Sheet: "Học sinh", Title: "DANH SÁCH HỌC SINH", Columns: app.PupilColumns, Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) pupilsOf(classID int64) []sdgdt.RosterEntry {
	e.t.Helper()
	var r []sdgdt.RosterEntry
	if err := e.db.View(e.ctx, func(tx *store.Tx) error { var err error; r, err = tx.ClassRoster(classID, false); return err }); err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) auditActions(action string) int {
	e.t.Helper()
	n := 0
	err := e.db.View(e.ctx, func(tx *store.Tx) error {
		es, err := tx.ListAudit(sdgdt.AuditFilter{Action: action, Limit: 500})
		for _, x := range es {
			if x.Action == action {
				n++
			}
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestRecords runs the school records pages over the demo province.
func TestRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.recordsFixture()
		t.Run("pages", func(t *testing.T) { testRecordsPages(t, e, f) })
		t.Run("masking", func(t *testing.T) { testRecordsMasking(t, e, f) })
		t.Run("absences", func(t *testing.T) { testRecordsAbsences(t, e, f) })
		t.Run("movements", func(t *testing.T) { testRecordsMovements(t, e, f) })
		t.Run("import", func(t *testing.T) { testRecordsImport(t, e, f) })
		t.Run("exports", func(t *testing.T) { testRecordsExports(t, e, f) })
		t.Run("rollover", func(t *testing.T) { testRecordsRollover(t, e, f) })
		t.Run("continuing education words", func(t *testing.T) { testContinuingEducationWords(t, e) })
		t.Run("groups", func(t *testing.T) { testGroupsPage(t, e, f) })
		t.Run("incidents", func(t *testing.T) { testIncidentsPage(t, e, f) })
	})
}

// testContinuingEducationWords checks that a GDTX centre's pages and exports
// say "học viên" and "Giám đốc", and a school's still "học sinh".
func testContinuingEducationWords(t *testing.T, e *env) {
	var teacher string
	for name, ac := range e.accts {
		if ac.Role == sdgdt.RoleHomeroom && strings.HasPrefix(name, "gdtxkp.") {
			teacher = name
		}
	}
	if teacher == "" {
		t.Fatal("no homeroom teacher at the GDTX centre")
	}
	c := e.as(teacher)
	home := c.get("/")
	if home.status != 200 {
		t.Fatalf("home: %d", home.status)
	}
	var class string
	if i := strings.Index(home.body, `href="/classes/`); i >= 0 {
		class = strings.SplitN(home.body[i+len(`href="/classes/`):], `"`, 2)[0]
	}
	r := c.get("/classes/" + class)
	if r.status != 200 || !strings.Contains(r.body, "học viên") || strings.Contains(strings.ToLower(r.body), "học sinh") {
		t.Errorf("the centre's class page %s: %d, says học sinh or not học viên", class, r.status)
	}
	x := c.get("/classes/" + class + "/export.xlsx")
	rows, err := report.ReadRows(strings.NewReader(x.body))
	if x.status != 200 || err != nil || len(rows) == 0 || !strings.Contains(rows[0][0], "HỌC VIÊN") {
		t.Errorf("the centre's class export: %d %v %q", x.status, err, rows)
	}
}

func testRecordsPages(t *testing.T, e *env, f recordsFix) {
	s := id(f.school)
	c81 := id(f.classes["8A1"])
	month := time.Now().In(sdgdt.Vietnam).Format("2006-01")
	e.run(t, []scenario{
		{name: "classes for the administrator", as: "thcsnd.quantri", url: "/schools/" + s + "/classes", status: 200,
			contains: []string{"Hồ sơ nhà trường", "Lớp học năm 2026-2027", "8A1", "Tạo lớp", "Đổi giáo viên chủ nhiệm", "Nhập từ Excel"}},
		{name: "classes read-only for the leader", as: "thcsnd.lanhdao", url: "/schools/" + s + "/classes", status: 200,
			contains: []string{"8A1", "Chỉ xem"}, absent: []string{"Tạo lớp", "Nhập từ Excel"}},
		{name: "classes read by the unit above", as: "bmt.bqt", url: "/schools/" + s + "/classes", status: 200, contains: []string{"9A3"}, absent: []string{"Tạo lớp"}},
		{name: "classes of another school", as: f.other, url: "/schools/" + s + "/classes", status: 403},
		{name: "staff", as: "thcsnd.quantri", url: "/schools/" + s + "/staff", status: 200, contains: []string{"Cán bộ, giáo viên", "Sửa hồ sơ", "Chủ nhiệm 8A1"}},
		{name: "assignments grid", as: "thcsnd.quantri", url: "/schools/" + s + "/assignments?grade=8&term=hk1", status: 200,
			contains: []string{"Phân công giảng dạy — khối 8, Học kì I", "Khoa học tự nhiên", `name="t/` + c81 + `/toan"`}},
		{name: "assignments read-only for the board", as: "thcsnd.bqt", url: "/schools/" + s + "/assignments", status: 200, absent: []string{"Lưu phân công"}},
		{name: "curriculum", as: "thcsnd.quantri", url: "/classes/" + c81 + "/curriculum", status: 200, contains: []string{"Chương trình của lớp 8A1", "Ngữ văn", "Lưu chương trình"}},
		{name: "curriculum refuses 0 periods", as: "thcsnd.quantri", method: "POST", url: "/classes/" + c81 + "/curriculum", body: "inc_toan=on&periods_toan=0", status: 422,
			contains: []string{"Số tiết/năm từ 1 đến 300"}},
		{name: "import page", as: "thcsnd.quantri", url: "/schools/" + s + "/import", status: 200, contains: []string{"Tải tệp mẫu", "Kiểm tra và nhập", "Phân công giảng dạy"}},
		{name: "import page not for the leader", as: "thcsnd.lanhdao", url: "/schools/" + s + "/import", status: 403},
		{name: "transfers", as: "thcsnd.quantri", url: "/schools/" + s + "/transfers", status: 200, contains: []string{"Đề nghị chuyển đến chờ tiếp nhận"}},
		{name: "class list for the homeroom teacher", as: f.homeroom, url: "/classes/" + c81, status: 200,
			contains: []string{"Lớp 8A1", "STT", "Vắng P", "+ Thêm học sinh", "Xuất Excel", f.pupil.GuardianPhone}},
		{name: "class list of another class, read-only", as: f.homeroom, url: "/classes/" + id(f.classes["8A2"]), status: 200,
			contains: []string{"Chỉ xem"}, absent: []string{"+ Thêm học sinh"}},
		{name: "class of another school", as: f.other, url: "/classes/" + c81, status: 403},
		{name: "new pupil form", as: f.homeroom, url: "/classes/" + c81 + "/pupils/new", status: 200, contains: []string{"Sơ yếu lý lịch", "Chuyển đến từ trường ngoài hệ thống"}},
		{name: "new pupil: bad date and identity number", as: f.homeroom, method: "POST", url: "/classes/" + c81 + "/pupils",
			body: "mode=new&from=10/10/2026&full_name=Lê+Thị+Mai&date_of_birth=31/02/2013&sex=nu&identity_number=123", status: 422,
			contains: []string{"Ngày sinh không hợp lệ", "Số định danh cá nhân gồm đúng 12 chữ số", `value="Lê Thị Mai"`}},
		{name: "new pupil", as: f.homeroom, method: "POST", url: "/classes/" + c81 + "/pupils",
			body: "mode=new&from=10/10/2026&full_name=Lê+Thị+Mai&date_of_birth=03/02/2013&sex=nu&identity_number=001313009999", status: 303, location: "/classes/" + c81},
		{name: "new pupil not in another class", as: f.homeroom, method: "POST", url: "/classes/" + id(f.classes["8A2"]) + "/pupils",
			body: "mode=new&from=10/10/2026&full_name=Lê+Thị+Hoa&date_of_birth=03/02/2013&sex=nu", status: 403},
		{name: "transfer in from outside", as: f.homeroom, method: "POST", url: "/classes/" + c81 + "/pupils",
			body: "mode=transfer_in&from=12/10/2026&from_school=Trường+THCS+Lê+Lợi+(Gia+Lai)&full_name=Rơ+Châm+Ngọc&date_of_birth=09/09/2013&sex=nam&ethnicity=Gia+Rai", status: 303},
		{name: "month review", as: f.homeroom, url: "/classes/" + c81 + "/months/" + month, status: 200, contains: []string{"Xác nhận của giáo viên chủ nhiệm", "Xác nhận tháng"}},
		{name: "month confirmed", as: f.homeroom, method: "POST", url: "/classes/" + c81 + "/months/" + month + "/confirm", body: "note=Đủ", status: 303},
		{name: "month shows confirmed", as: f.homeroom, url: "/classes/" + c81 + "/months/" + month, status: 200, contains: []string{"đã xác nhận danh sách vắng", "Đã xác nhận"}},
		{name: "month confirmed twice", as: f.homeroom, method: "POST", url: "/classes/" + c81 + "/months/" + month + "/confirm", status: 409, contains: []string{"Tháng này đã được xác nhận"}},
		{name: "administrator cannot confirm for the teacher", as: "thcsnd.quantri", method: "POST", url: "/classes/" + id(f.classes["8A2"]) + "/months/" + month + "/confirm", status: 403},
		{name: "nav has the homeroom class", as: f.homeroom, url: "/", status: 200, contains: []string{"Lớp chủ nhiệm", `href="/classes/` + c81 + `"`}},
		{name: "nav has the school records", as: "thcsnd.quantri", url: "/", status: 200, contains: []string{"Hồ sơ trường", `href="/schools/` + s + `/classes"`}},
		{name: "school page links the records", as: "thcsnd.lanhdao", url: "/schools/" + s, status: 200, contains: []string{"Hồ sơ nhà trường", "/schools/" + s + "/staff"}},
	})
	var uid, teacher2 int64
	e.db.View(e.ctx, func(tx *store.Tx) error {
		u, _ := tx.UserByUsername(f.homeroom)
		v, _ := tx.UserByUsername(f.subject)
		uid, teacher2 = u.ID, v.ID
		return nil
	})
	e.run(t, []scenario{
		{name: "staff profile form", as: "thcsnd.quantri", url: "/schools/" + s + "/staff?edit=" + id(uid), status: 200, contains: []string{"Hồ sơ của", "Môn dạy", "Lưu hồ sơ"}},
		{name: "staff profile: unknown subject", as: "thcsnd.quantri", method: "POST", url: "/schools/" + s + "/staff/" + id(uid), body: "sex=nu&subjects=toan&subjects=xyz", status: 422,
			contains: []string{"Môn xyz không có trong chương trình"}},
		{name: "staff profile saved", as: "thcsnd.quantri", method: "POST", url: "/schools/" + s + "/staff/" + id(uid), body: "date_of_birth=12/05/1986&sex=nu&position=Tổ+trưởng&subjects=toan&subjects=tin_hoc", status: 303},
		{name: "staff list shows it", as: "thcsnd.quantri", url: "/schools/" + s + "/staff", status: 200, contains: []string{"Tổ trưởng", "12/05/1986", "Tin học"}},
		{name: "staff profile not by the leader", as: "thcsnd.lanhdao", method: "POST", url: "/schools/" + s + "/staff/" + id(uid), body: "sex=nu", status: 403},
		{name: "create a class", as: "thcsnd.quantri", method: "POST", url: "/schools/" + s + "/classes", body: "name=9a4&grade=9&homeroom=0", status: 303},
		{name: "create a class twice", as: "thcsnd.quantri", method: "POST", url: "/schools/" + s + "/classes", body: "name=9A4&grade=9", status: 422, contains: []string{"Lớp này đã có trong năm học"}},
		{name: "set the homeroom teacher", as: "thcsnd.quantri", method: "POST", url: "/classes/" + id(f.classes["9A3"]) + "/homeroom", body: "school=" + s + "&teacher=" + id(teacher2), status: 303},
		{name: "change an assignment", as: "thcsnd.quantri", method: "POST", url: "/schools/" + s + "/assignments", body: "grade=8&term=hk2&t/" + c81 + "/toan=" + id(teacher2), status: 303},
		{name: "grid shows the change", as: "thcsnd.bqt", url: "/schools/" + s + "/assignments?grade=8&term=hk2", status: 200, contains: []string{e.accts[f.subject].FullName}},
		{name: "assignment by a teacher", as: f.homeroom, method: "POST", url: "/schools/" + s + "/assignments", body: "grade=8&term=hk2&t/" + c81 + "/toan=" + id(uid), status: 403},
	})
	// The new pupils are on the list, in Vietnamese order (Mai after the names before it).
	r := e.as(f.homeroom).get("/classes/" + c81)
	for _, n := range []string{"Lê Thị <strong>Mai</strong>", "Rơ Châm <strong>Ngọc</strong>"} {
		if !strings.Contains(r.body, n) {
			t.Errorf("class list lacks %s", n)
		}
	}
	roster := e.pupilsOf(f.classes["8A1"])
	for i := 1; i < len(roster); i++ {
		if roster[i-1].Key > roster[i].Key {
			t.Fatalf("class list not in Vietnamese order at %d", i)
		}
	}
}

func testRecordsMasking(t *testing.T, e *env, f recordsFix) {
	pu := "/pupils/" + id(f.pupil.ID)
	before := e.auditActions("pupil.view")
	e.run(t, []scenario{
		{name: "subject teacher sees a masked profile", as: f.subject, url: pu, status: 200,
			contains: []string{"•••", f.pupil.FullName(), "được ẩn"}, absent: []string{f.pupil.IdentityNumber, f.pupil.GuardianPhone, "Sửa sơ yếu lý lịch"}},
		{name: "subject teacher sees masked phones on the class list", as: f.subject, url: "/classes/" + id(f.classes["8A1"]), status: 200,
			contains: []string{"•••"}, absent: []string{f.pupil.GuardianPhone}},
		{name: "homeroom teacher sees the full profile", as: f.homeroom, url: pu, status: 200,
			contains: []string{f.pupil.IdentityNumber, f.pupil.GuardianPhone, "Sửa sơ yếu lý lịch", "Ghi nhận biến động", "Trường THPT Chu Văn An"}},
		{name: "homeroom teacher of another class sees it masked", as: f.homeroom2, url: pu, status: 200, absent: []string{f.pupil.IdentityNumber}},
		{name: "teacher of another school", as: f.other, url: pu, status: 403},
		{name: "profile edit keeps history", as: f.homeroom, method: "POST", url: pu, body: url.Values{"full_name": {f.pupil.FullName()},
			"date_of_birth": {sdgdt.FormatDate(f.pupil.DateOfBirth)}, "sex": {f.pupil.Sex}, "ethnicity": {f.pupil.Ethnicity}, "address": {"99 Lê Duẩn, Buôn Ma Thuột"},
			"identity_number": {f.pupil.IdentityNumber}, "guardian_phone": {f.pupil.GuardianPhone}}.Encode(), status: 303},
		{name: "history shows the change", as: f.homeroom, url: pu, status: 200, contains: []string{"Sửa hồ sơ học sinh", "99 Lê Duẩn, Buôn Ma Thuột"}},
		{name: "history hides values from a masked viewer", as: f.subject, url: pu, status: 200, contains: []string{"Sửa hồ sơ học sinh"}, absent: []string{"99 Lê Duẩn, Buôn Ma Thuột"}},
		{name: "bad identity number on edit", as: f.homeroom, method: "POST", url: pu, body: "full_name=Nguyễn+Văn+A&date_of_birth=01/01/2013&sex=nam&identity_number=066313123456", status: 422,
			contains: []string{"Chữ số thứ 4 không khớp"}},
	})
	if after := e.auditActions("pupil.view"); after < before+3 {
		t.Errorf("pupil.view entries: %d → %d, want a new one per full view", before, after)
	}
}

func testRecordsAbsences(t *testing.T, e *env, f recordsFix) {
	c81, c82 := id(f.classes["8A1"]), id(f.classes["8A2"])
	day := "02/11/2026"
	roster := e.pupilsOf(f.classes["8A1"])
	p1, p2 := id(roster[0].Pupil.ID), id(roster[1].Pupil.ID)
	body := url.Values{"date": {day}, "p_" + p1: {"1"}, "p_" + p2: {"1"}, "s_" + p1: {"on"}, "c_" + p1: {"on"}, "e_" + p1: {"on"}, "r_" + p1: {"Ốm, có giấy của phụ huynh"},
		"c_" + p2: {"on"}}.Encode()
	e.run(t, []scenario{
		{name: "daily grid", as: f.homeroom, url: "/classes/" + c81 + "/absences?date=" + day, status: 200,
			contains: []string{"Thứ Hai, 02/11/2026", "Sáng", "Chiều", "Có phép", "Lưu điểm danh"}},
		{name: "record a day", as: f.homeroom, method: "POST", url: "/classes/" + c81 + "/absences", body: body, status: 303, location: "/classes/" + c81 + "/absences?date="},
		{name: "grid shows the day", as: f.homeroom, url: "/classes/" + c81 + "/absences?date=" + day, status: 200,
			contains: []string{"2 học sinh vắng · 3 buổi", "Ốm, có giấy của phụ huynh"}},
		{name: "class list counts them", as: f.homeroom, url: "/classes/" + c81, status: 200, contains: []string{"3</strong> buổi vắng trong năm"}},
		{name: "not for another class", as: f.homeroom, method: "POST", url: "/classes/" + c82 + "/absences", body: "date=" + day, status: 403},
		{name: "not for a subject teacher", as: f.subject, method: "POST", url: "/classes/" + c81 + "/absences", body: "date=" + day, status: 403},
		{name: "not in the future", as: f.homeroom, method: "POST", url: "/classes/" + c81 + "/absences", body: "date=01/01/2027", status: 422, contains: []string{"tương lai"}},
		{name: "bad date", as: f.homeroom, url: "/classes/" + c81 + "/absences?date=32/13/2026", status: 422, contains: []string{"Ngày không hợp lệ"}},
		{name: "month totals form", as: f.homeroom, url: "/classes/" + c81 + "/absences/month?m=2026-11", status: 200, contains: []string{"Số buổi vắng tháng 11/2026", "Không phép (K)"}},
		{name: "month totals", as: f.homeroom, method: "POST", url: "/classes/" + c81 + "/absences/month", body: "m=2026-10&ex_" + p2 + "=2&un_" + p2 + "=1", status: 303},
		{name: "month totals out of range", as: f.homeroom, method: "POST", url: "/classes/" + c81 + "/absences/month", body: "m=2026-10&ex_" + p2 + "=70&un_" + p2 + "=1", status: 422,
			contains: []string{"từ 0 đến 62"}},
		{name: "month review lists them", as: f.homeroom, url: "/classes/" + c81 + "/months/2026-11", status: 200, contains: []string{"02/11 S (P)", "02/11 C (K)"}},
	})
}

func testRecordsMovements(t *testing.T, e *env, f recordsFix) {
	roster := e.pupilsOf(f.classes["9A1"])
	mover, leaver, transfer := roster[2].Pupil, roster[3].Pupil, roster[4].Pupil
	hr := ""
	e.db.View(e.ctx, func(tx *store.Tx) error {
		c, _ := tx.Class(f.classes["9A1"])
		u, _ := tx.User(c.HomeroomID)
		hr = u.Username
		return nil
	})
	cva := e.schools["THPT-CVA"]
	e.run(t, []scenario{
		{name: "move class", as: hr, method: "POST", url: "/pupils/" + id(mover.ID) + "/movements",
			body: "kind=class_move&to_class=" + id(f.classes["9A2"]) + "&on=05/11/2026&reason=Theo+nguyện+vọng", status: 303, location: "/classes/" + id(f.classes["9A1"])},
		{name: "moved pupil listed apart", as: hr, url: "/classes/" + id(f.classes["9A1"]), status: 200, contains: []string{"Học sinh đã rời lớp", "Đã chuyển lớp"}},
		{name: "moved pupil in the new class", as: "thcsnd.quantri", url: "/classes/" + id(f.classes["9A2"]), status: 200, contains: []string{mover.GivenName}},
		{name: "leave needs a reason", as: hr, method: "POST", url: "/pupils/" + id(leaver.ID) + "/movements", body: "kind=leave&on=05/11/2026", status: 422,
			contains: []string{"Vui lòng ghi lý do nghỉ học"}},
		{name: "leave", as: hr, method: "POST", url: "/pupils/" + id(leaver.ID) + "/movements", body: "kind=leave&on=05/11/2026&reason=Gia+đình+chuyển+vào+Nam", status: 303},
		{name: "transfer to a school that does not exist", as: hr, method: "POST", url: "/pupils/" + id(transfer.ID) + "/movements",
			body: "kind=transfer_out&dest=system&to_school=999999&on=06/11/2026", status: 422, contains: []string{"không có trong hệ thống"}},
		{name: "transfer requested", as: hr, method: "POST", url: "/pupils/" + id(transfer.ID) + "/movements",
			body: "kind=transfer_out&dest=system&to_school=" + id(cva) + "&on=06/11/2026&reason=Chuyển+nơi+ở", status: 303, location: "/pupils/"},
		{name: "destination sees the request", as: "thptcva.quantri", url: "/schools/" + id(cva) + "/transfers", status: 200,
			contains: []string{transfer.FullName(), "Trường THCS Nguyễn Du", "Tiếp nhận"}},
	})
	// The destination accepts it into a class.
	var mid, cls int64
	e.db.View(e.ctx, func(tx *store.Tx) error {
		ms, _ := tx.PendingTransfersTo(cva)
		mid = ms[0].ID
		y, _ := tx.CurrentYear()
		cs, _ := tx.ClassesOf(cva, y.ID)
		cls = cs[0].ID
		return nil
	})
	e.run(t, []scenario{
		{name: "origin cannot accept", as: "thcsnd.quantri", method: "POST", url: "/transfers/" + id(mid) + "/decide", body: "decision=accept&school=" + id(f.school), status: 403},
		{name: "accept without a class", as: "thptcva.quantri", method: "POST", url: "/transfers/" + id(mid) + "/decide", body: "decision=accept&school=" + id(cva), status: 422,
			contains: []string{"Chọn lớp tiếp nhận"}},
		{name: "accept", as: "thptcva.quantri", method: "POST", url: "/transfers/" + id(mid) + "/decide", body: "decision=accept&class=" + id(cls) + "&school=" + id(cva), status: 303},
		{name: "accepted once", as: "thptcva.quantri", method: "POST", url: "/transfers/" + id(mid) + "/decide", body: "decision=accept&class=" + id(cls) + "&school=" + id(cva), status: 409},
		{name: "pupil in the new school", as: "thptcva.quantri", url: "/classes/" + id(cls), status: 200, contains: []string{transfer.GivenName}},
	})
}

func testRecordsImport(t *testing.T, e *env, f recordsFix) {
	s := id(f.school)
	admin := e.as("thcsnd.quantri")
	// Templates download with their headings.
	for _, k := range []struct {
		kind string
		cols []string
	}{{"pupils", app.PupilColumns}, {"staff", app.StaffColumns}, {"classes", app.ClassColumns}, {"assignments", app.AssignmentColumns}} {
		r := admin.get("/schools/" + s + "/templates/" + k.kind)
		if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "filename*=UTF-8''mau-nhap-") {
			t.Fatalf("template %s: %d %v", k.kind, r.status, r.header)
		}
		rows, err := readTable(r.body)
		if err != nil || strings.Join(rows[0], "|") != strings.Join(k.cols, "|") {
			t.Errorf("template %s: headings %q (%v)", k.kind, rows, err)
		}
	}
	// The template itself, filled in below its headings with its notes left in place, imports.
	tpl := admin.get("/schools/" + s + "/templates/pupils")
	xf, err := excelize.OpenReader(strings.NewReader(tpl.body))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []any{1, "Kiều Thị Xuân", "07/07/2013", "Nữ", "Kinh", "", "", "", "", "", "", "", "001313000777", "", "8A3"} {
		ref, _ := excelize.CoordinatesToCellName(i+1, 4)
		xf.SetCellValue("Học sinh", ref, v)
	}
	var buf bytes.Buffer
	xf.Write(&buf)
	if r := admin.uploadXLSX("/schools/"+s+"/import/pupils", "mau.xlsx", buf.Bytes()); r.status != 200 || !strings.Contains(r.body, "Đã nhập 1 học sinh") {
		t.Fatalf("filled template: %d\n%.3000s", r.status, r.body)
	}
	c91 := f.classes["9A1"]
	n0 := len(e.pupilsOf(c91))
	good := func(n int, name, dob, sex, number, class string) []any {
		return []any{n, name, dob, sex, "Kinh", "Buôn Ma Thuột, Đắk Lắk", "Đắk Lắk", "12 Lê Duẩn, Buôn Ma Thuột", "", "", "Trần Văn Phụ", "0912345678", number, "", class}
	}
	bad := pupilSheet(t, [][]any{
		good(1, "Phạm Thị Ánh", "12/03/2012", "Nữ", "001312000101", "9A1"),
		good(2, "Hoàng Văn Bảo", "31/02/2012", "Nam", "001212000102", "9A1"),
		good(3, "Đỗ Minh Châu", "15/06/2012", "Nữ", "12345", "9A1"),
		good(4, "Vũ Đức Dũng", "20/01/2012", "Nam", "001212000104", "9A9"),
		good(5, "Ngô Thị Em", "02/02/2012", "Nữ", "001312000101", "9A1"),
	})
	before := e.auditCount()
	r := admin.uploadXLSX("/schools/"+s+"/import/pupils", "hoc-sinh.xlsx", bad)
	if r.status != 422 {
		t.Fatalf("import with errors: %d\n%.2000s", r.status, r.body)
	}
	// Rows as Excel numbers them: the title is row 1, the headings row 3.
	for _, want := range []string{"có 4 lỗi — chưa nhập dữ liệu nào", "<strong>5</strong>", "Ngày sinh không hợp lệ", "<strong>6</strong>", "Số định danh cá nhân gồm đúng 12 chữ số",
		"<strong>7</strong>", "Lớp 9A9 không có trong năm học", "<strong>8</strong>", "Trùng số định danh với dòng 4", "Số định danh cá nhân"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := len(e.pupilsOf(c91)); n != n0 {
		t.Fatalf("an import with errors added %d pupils", n-n0)
	}
	if a := e.auditCount(); a != before {
		t.Errorf("an import with errors wrote %d audit entries", a-before)
	}
	fixed := pupilSheet(t, [][]any{
		good(1, "Phạm Thị Ánh", "12/03/2012", "Nữ", "001312000101", "9A1"),
		good(2, "Hoàng Văn Bảo", "28/02/2012", "Nam", "001212000102", "9A1"),
		good(3, "Đỗ Minh Châu", "15/06/2012", "Nữ", "001312000103", "9A1"),
		good(4, "Vũ Đức Dũng", "20/01/2012", "Nam", "001212000104", "9a2"),
	})
	r = admin.uploadXLSX("/schools/"+s+"/import/pupils", "hoc-sinh.xlsx", fixed)
	if r.status != 200 || !strings.Contains(r.body, "Đã nhập 4 học sinh") {
		t.Fatalf("valid import: %d\n%.2000s", r.status, r.body)
	}
	if n := len(e.pupilsOf(c91)); n != n0+3 {
		t.Errorf("9A1 has %d pupils, want %d", n, n0+3)
	}
	r = admin.uploadXLSX("/schools/"+s+"/import/pupils", "hoc-sinh.xlsx", fixed)
	if r.status != 422 || !strings.Contains(r.body, "đã có trong hệ thống") {
		t.Errorf("the same file again: %d", r.status)
	}
	if r := admin.uploadXLSX("/schools/"+s+"/import/pupils", "x.xlsx", []byte("not a spreadsheet")); r.status != 422 || !strings.Contains(r.body, "Không đọc được tệp") {
		t.Errorf("not a spreadsheet: %d", r.status)
	}
	wrong, _ := report.Write(report.Table{Sheet: "A", Columns: []string{"STT", "Tên"}, Rows: [][]any{{1, "x"}}})
	if r := admin.uploadXLSX("/schools/"+s+"/import/pupils", "x.xlsx", wrong); r.status != 422 || !strings.Contains(r.body, "Sai mẫu") {
		t.Errorf("wrong template: %d", r.status)
	}
	// Rights before reading: a file that is not a spreadsheet, from someone
	// who may not import, is refused as forbidden (it was read first, and
	// refused as unreadable, when uploads were parsed before the check).
	if r := e.as("thcsnd.lanhdao").uploadXLSX("/schools/"+s+"/import/pupils", "x.xlsx", []byte("not a spreadsheet")); r.status != 403 {
		t.Errorf("leader's unreadable upload: %d, want 403 before reading", r.status)
	}
	if r := e.as("thcsnd.lanhdao").uploadXLSX("/schools/"+s+"/import/pupils", "hoc-sinh.xlsx", fixed); r.status != 403 {
		t.Errorf("leader import: %d", r.status)
	}

	// Staff: accounts with temporary passwords shown once.
	staff, _ := report.Write(report.Table{Sheet: "Cán bộ", Columns: app.StaffColumns, Rows: [][]any{
		{1, "Trịnh Thu Hà", "thcsnd.trinhthuha", "12/04/1988", "Nữ", "0905123456", "ha.tt@example.edu.vn", "Giáo viên", "toan, khtn"},
		{2, "Lý Văn Khoa", "thcsnd.quantri", "01/01/2020", "Nam", "12", "", "", "hoa_hoc_x"},
	}})
	r = admin.uploadXLSX("/schools/"+s+"/import/staff", "can-bo.xlsx", staff)
	if r.status != 422 || !strings.Contains(r.body, "đã được dùng") || !strings.Contains(r.body, "Mã môn “hoa_hoc_x”") || !strings.Contains(r.body, "Số điện thoại gồm 10 chữ số") {
		t.Errorf("staff with errors: %d\n%.3000s", r.status, r.body)
	}
	staff, _ = report.Write(report.Table{Sheet: "Cán bộ", Columns: app.StaffColumns, Rows: [][]any{
		{1, "Trịnh Thu Hà", "thcsnd.trinhthuha", "12/04/1988", "Nữ", "0905123456", "ha.tt@example.edu.vn", "Giáo viên", "toan, khtn"},
		{2, "Lý Văn Khoa", "thcsnd.lyvankhoa", "", "Nam", "", "", "Giáo viên", "ngu_van"},
	}})
	r = admin.uploadXLSX("/schools/"+s+"/import/staff", "can-bo.xlsx", staff)
	if r.status != 200 || !strings.Contains(r.body, "Đã nhập 2 tài khoản") || !strings.Contains(r.body, "Mật khẩu tạm thời") || !strings.Contains(r.body, "thcsnd.lyvankhoa") {
		t.Fatalf("staff import: %d\n%.3000s", r.status, r.body)
	}

	// Classes, then assignments of the new teacher.
	classes, _ := report.Write(report.Table{Sheet: "Lớp", Columns: app.ClassColumns, Rows: [][]any{
		{1, "6A4", 6, "thcsnd.trinhthuha"}, {2, "6A1", 6, ""}, {3, "10A1", 10, ""}, {4, "7A4", 7, "khong.co.ai"},
	}})
	r = admin.uploadXLSX("/schools/"+s+"/import/classes", "lop.xlsx", classes)
	if r.status != 422 || !strings.Contains(r.body, "Lớp 6A1 đã có") || !strings.Contains(r.body, "Khối là một số từ 6 đến 9") || !strings.Contains(r.body, "Không có giáo viên “khong.co.ai”") {
		t.Errorf("classes with errors: %d\n%.3000s", r.status, r.body)
	}
	classes, _ = report.Write(report.Table{Sheet: "Lớp", Columns: app.ClassColumns, Rows: [][]any{{1, "6A4", 6, "thcsnd.trinhthuha"}, {2, "7A4", "7", ""}}})
	if r = admin.uploadXLSX("/schools/"+s+"/import/classes", "lop.xlsx", classes); r.status != 200 || !strings.Contains(r.body, "Đã nhập 2 lớp") {
		t.Fatalf("classes import: %d\n%.2000s", r.status, r.body)
	}
	assign, _ := report.Write(report.Table{Sheet: "Phân công", Columns: app.AssignmentColumns, Rows: [][]any{
		{1, "6A4", "toan", "hk1", "thcsnd.trinhthuha"}, {2, "6A4", "vat_li", "hk1", "thcsnd.trinhthuha"}, {3, "6A9", "toan", "hk1", "thcsnd.trinhthuha"},
		{4, "6A4", "toan", "gk1", "thcsnd.trinhthuha"}, {5, "6A4", "ngu_van", "hk1", "thcsnd.khongco"},
	}})
	r = admin.uploadXLSX("/schools/"+s+"/import/assignments", "pc.xlsx", assign)
	if r.status != 422 || !strings.Contains(r.body, "không học môn") || !strings.Contains(r.body, "Lớp 6A9 không có") || !strings.Contains(r.body, "Học kì của lớp 6A4") {
		t.Errorf("assignments with errors: %d\n%.3000s", r.status, r.body)
	}
	assign, _ = report.Write(report.Table{Sheet: "Phân công", Columns: app.AssignmentColumns, Rows: [][]any{
		{1, "6A4", "toan", "hk1", "thcsnd.trinhthuha"}, {2, "6A4", "toan", "Học kì II", "thcsnd.trinhthuha"}, {3, "6A4", "ngu_van", "hk1", "thcsnd.lyvankhoa"},
	}})
	if r = admin.uploadXLSX("/schools/"+s+"/import/assignments", "pc.xlsx", assign); r.status != 200 || !strings.Contains(r.body, "Đã nhập 3 phân công") {
		t.Fatalf("assignments import: %d\n%.2000s", r.status, r.body)
	}
	if r := admin.get("/schools/" + s + "/assignments?grade=6&term=hk2"); !strings.Contains(r.body, "Trịnh Thu Hà") {
		t.Errorf("assignment grid lacks the imported teacher")
	}
}

func testRecordsExports(t *testing.T, e *env, f recordsFix) {
	c81 := id(f.classes["8A1"])
	before := e.auditActions("pupil.export")
	r := e.as(f.homeroom).get("/classes/" + c81 + "/export.xlsx")
	if r.status != 200 || r.header.Get("Content-Disposition") != `attachment; filename="danh-sach-lop-8A1.xlsx"; filename*=UTF-8''danh-sach-lop-8A1.xlsx` {
		t.Fatalf("export: %d %q", r.status, r.header.Get("Content-Disposition"))
	}
	rows, err := readTable(r.body)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 30 || rows[0][1] != "Họ và tên" || rows[0][12] != "Số định danh cá nhân" {
		t.Fatalf("export rows: %d, headings %q", len(rows), rows[0])
	}
	found := false
	for _, row := range rows[1:] {
		if len(row) > 12 && row[1] == f.pupil.FullName() && row[12] == f.pupil.IdentityNumber {
			found = true
		}
	}
	if !found {
		t.Errorf("export lacks %s with the identity number", f.pupil.FullName())
	}
	if after := e.auditActions("pupil.export"); after != before+1 {
		t.Errorf("pupil.export entries %d → %d", before, after)
	}
	// Without the right to see profiles: no personal columns, no audit entry.
	r = e.as(f.subject).get("/classes/" + id(f.taught) + "/export.xlsx")
	if r.status != 200 || strings.Contains(r.body, f.pupil.IdentityNumber) {
		t.Fatalf("subject teacher's export: %d", r.status)
	}
	rows, _ = readTable(r.body)
	if strings.Contains(strings.Join(rows[0], "|"), "định danh") {
		t.Errorf("subject teacher's export has personal columns: %q", rows[0])
	}
	if after := e.auditActions("pupil.export"); after != before+1 {
		t.Errorf("an export without personal data was audited")
	}
	s := id(f.school)
	for _, u := range []string{"/schools/" + s + "/staff.xlsx", "/schools/" + s + "/classes.xlsx", "/schools/" + s + "/assignments.xlsx"} {
		r := e.as("thcsnd.quantri").get(u)
		if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("%s: %d", u, r.status)
			continue
		}
		rows, err := report.ReadRows(strings.NewReader(r.body))
		if err != nil || len(rows) < 2 {
			t.Errorf("%s: %v %d rows", u, err, len(rows))
		}
	}
	// Needs to know: a subject teacher reads the lists of the classes he
	// teaches only, and is not shown links to the others.
	f.taught, f.untaught = e.teaching(f)
	for _, u := range []string{"/classes/" + id(f.untaught), "/classes/" + id(f.untaught) + "/export.xlsx", "/pupils/" + id(e.firstPupil(f.untaught))} {
		if r := e.as(f.subject).get(u); r.status != 403 {
			t.Errorf("a subject teacher opens %s of a class he does not teach: %d", u, r.status)
		}
	}
	if r := e.as(f.subject).get("/schools/" + id(f.school) + "/classes"); r.status != 200 || strings.Contains(r.body, `href="/classes/`+id(f.untaught)+`"`) || !strings.Contains(r.body, `href="/classes/`+id(f.taught)+`"`) {
		t.Errorf("the class list links for a subject teacher: %d", r.status)
	}
	if r := e.as(f.other).get("/classes/" + c81 + "/export.xlsx"); r.status != 403 {
		t.Errorf("export by another school: %d", r.status)
	}
}

func testRecordsRollover(t *testing.T, e *env, f recordsFix) {
	s := id(f.school)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }
	next, err := e.a.CreateSchoolYear(e.ctx, app.System("test"), sdgdt.SchoolYear{Name: "2027-2028", StartsOn: day(2027, 9, 5), GK1On: day(2027, 11, 1),
		CK1On: day(2028, 1, 3), HK1EndsOn: day(2028, 1, 15), HK2Starts: day(2028, 1, 17), GK2On: day(2028, 3, 20), CNOn: day(2028, 5, 8), EndsOn: day(2028, 5, 31)})
	if err != nil {
		t.Fatal(err)
	}
	e.run(t, []scenario{
		{name: "preview", as: "thcsnd.quantri", url: "/schools/" + s + "/rollover?to=" + id(next.ID), status: 200,
			contains: []string{"Xem trước: lớp năm học 2027-2028", "7A1", "hoàn thành chương trình của trường", "Thực hiện chuyển năm học"}},
		{name: "not for the leader", as: "thcsnd.lanhdao", url: "/schools/" + s + "/rollover", status: 403},
		{name: "not for the leader (commit)", as: "thcsnd.lanhdao", method: "POST", url: "/schools/" + s + "/rollover", body: "to=" + id(next.ID), status: 403},
		{name: "commit", as: "thcsnd.quantri", method: "POST", url: "/schools/" + s + "/rollover", body: "to=" + id(next.ID), status: 200,
			contains: []string{"Đã chuyển sang năm học 2027-2028", "Các lớp đã tạo"}, absent: []string{"Thực hiện chuyển năm học"}},
		{name: "second commit", as: "thcsnd.quantri", method: "POST", url: "/schools/" + s + "/rollover", body: "to=" + id(next.ID), status: 409,
			contains: []string{"việc lên lớp đã được thực hiện, không làm lại"}},
		{name: "new year's classes", as: "thcsnd.quantri", url: "/schools/" + s + "/classes?year=" + id(next.ID), status: 200, contains: []string{"Lớp học năm 2027-2028", "9A1"}},
	})
	var n int
	e.db.View(e.ctx, func(tx *store.Tx) error { cs, err := tx.ClassesOf(f.school, next.ID); n = len(cs); return err })
	if n == 0 {
		t.Errorf("no classes in %s after the rollover", next.Name)
	}
	_ = fmt.Sprint
	_ = http.StatusOK
}

// readTable reads a downloaded workbook's first sheet from its headings row
// (the first whose first cell is "STT") down.
func readTable(body string) ([][]string, error) {
	rows, err := report.ReadRows(strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	for i, row := range rows {
		if len(row) > 0 && row[0] == "STT" {
			return rows[i:], nil
		}
	}
	return rows, nil
}

// teaching returns a class the fixture's subject teacher teaches now and one
// of the school he neither teaches nor is homeroom teacher of (other tests
// change his assignments and classes).
func (e *env) teaching(f recordsFix) (taught, untaught int64) {
	e.t.Helper()
	err := e.db.View(e.ctx, func(tx *store.Tx) error {
		u, err := tx.UserByUsername(f.subject)
		if err != nil {
			return err
		}
		ts, err := tx.TeacherSheets(u.ID)
		if err != nil || len(ts) == 0 {
			return fmt.Errorf("the sheets of %s: %d, %v", f.subject, len(ts), err)
		}
		teaches := map[int64]bool{}
		for _, x := range ts {
			teaches[x.ClassID] = true
		}
		taught = ts[0].ClassID
		for _, c := range f.classes {
			cl, err := tx.Class(c)
			if err != nil {
				return err
			}
			if !teaches[c] && cl.HomeroomID != u.ID { // the pages test makes him homeroom teacher of 9A3
				untaught = c
			}
		}
		return nil
	})
	if err != nil || untaught == 0 {
		e.t.Fatalf("a class %s does not teach: %v", f.subject, err)
	}
	return taught, untaught
}

// onlyTeaches reports whether an account's roles are all teaching
// assignments (no homeroom class, nothing over a whole school or unit).
func (e *env) onlyTeaches(username string) bool {
	e.t.Helper()
	only := true
	err := e.db.View(e.ctx, func(tx *store.Tx) error {
		u, err := tx.UserByUsername(username)
		if err != nil {
			return err
		}
		roles, err := tx.RolesOf(u.ID)
		for _, r := range roles {
			if r.ScopeKind != sdgdt.ScopeAssignment {
				only = false
			}
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return only
}

func (e *env) firstPupil(classID int64) int64 {
	e.t.Helper()
	r := e.pupilsOf(classID)
	if len(r) == 0 {
		e.t.Fatalf("class %d has no pupils", classID)
	}
	return r[0].Pupil.ID
}

// testGroupsPage goes through the groups page: the administrator creates a
// subject team with members and grants it a role; the leader reads it.
func testGroupsPage(t *testing.T, e *env, f recordsFix) {
	s := id(f.school)
	admin := e.as("thcsnd.quantri")
	r := admin.get("/schools/" + s + "/groups")
	if r.status != 200 || !strings.Contains(r.body, "Tạo tổ/nhóm") {
		t.Fatalf("groups page: %d", r.status)
	}
	uid := between(r.body, `name="members" value="`, `"`)
	if r := admin.post("/schools/"+s+"/groups", url.Values{"kind": {"team"}, "name": {""}}); r.status != 422 || !strings.Contains(r.body, "Tên tổ/nhóm") {
		t.Errorf("a team without a name: %d", r.status)
	}
	if r := admin.post("/schools/"+s+"/groups", url.Values{"kind": {"team"}, "name": {"Tổ Ngoại ngữ"}, "members": {uid}}); r.status != http.StatusSeeOther {
		t.Fatalf("create a team: %d %s", r.status, r.body)
	}
	r = admin.get("/schools/" + s + "/groups")
	gid := ""
	if i := strings.Index(r.body, "<h2>Tổ Ngoại ngữ"); i > 0 {
		head := r.body[:i]
		gid = between(head[strings.LastIndex(head, `id="g`):], `id="g`, `"`)
	}
	if gid == "" {
		t.Fatalf("the new team is not listed")
	}
	if r := admin.post("/schools/"+s+"/groups/"+gid+"/grants", url.Values{"role": {sdgdt.RoleBoard}, "duty": {"Giám sát nhập điểm"}}); r.status != http.StatusSeeOther {
		t.Errorf("grant to the team: %d %s", r.status, r.body)
	}
	r = e.as("thcsnd.lanhdao").get("/schools/" + s + "/groups")
	if r.status != 200 || !strings.Contains(r.body, "Giám sát nhập điểm") || strings.Contains(r.body, "Tạo tổ/nhóm") {
		t.Errorf("the leader's view of the groups: %d", r.status)
	}
	if r := e.as(f.other).post("/schools/"+s+"/groups", url.Values{"kind": {"team"}, "name": {"Tổ lạ"}}); r.status != 403 {
		t.Errorf("another school's teacher creates a team: %d", r.status)
	}
}

// testIncidentsPage: a homeroom teacher reports an entry error from his
// class's page; the leader sees it, answers and closes it; the teacher reads
// the answer.
func testIncidentsPage(t *testing.T, e *env, f recordsFix) {
	s, c := id(f.school), id(f.classes["8A1"])
	hr := e.as(f.homeroom)
	if r := hr.get("/classes/" + c); !strings.Contains(r.body, "/schools/"+s+"/incidents?class="+c) {
		t.Errorf("the class page has no link to report")
	}
	r := hr.get("/schools/" + s + "/incidents?class=" + c)
	if r.status != 200 || !strings.Contains(r.body, "Về: <strong>Lớp 8A1</strong>") {
		t.Fatalf("report form: %d", r.status)
	}
	if r := hr.post("/schools/"+s+"/incidents", url.Values{"class_id": {c}, "kind": {"entry"}, "body": {"ngắn"}}); r.status != 422 || !strings.Contains(r.body, "Mô tả vấn đề") {
		t.Errorf("a report too short: %d", r.status)
	}
	body := "Em Lê Thị Hoa bị ghi vắng không phép ngày 02/11 nhưng có giấy phép."
	if r := hr.post("/schools/"+s+"/incidents", url.Values{"class_id": {c}, "kind": {"entry"}, "body": {body}}); r.status != http.StatusSeeOther {
		t.Fatalf("report: %d %s", r.status, r.body)
	}
	r = e.as("thcsnd.lanhdao").get("/schools/" + s + "/incidents")
	iid := between(r.body, `action="/schools/`+s+`/incidents/`, `/answer"`)
	if !strings.Contains(r.body, body) || iid == "" {
		t.Fatalf("the leader does not see the report")
	}
	if r := e.as("thcsnd.lanhdao").post("/schools/"+s+"/incidents/"+iid+"/answer", url.Values{"answer": {"Đã sửa điểm danh ngày 02/11."}, "close": {"1"}}); r.status != http.StatusSeeOther {
		t.Errorf("answer: %d %s", r.status, r.body)
	}
	if r := hr.get("/schools/" + s + "/incidents"); !strings.Contains(r.body, "Đã sửa điểm danh ngày 02/11.") || !strings.Contains(r.body, "Đã đóng") {
		t.Errorf("the teacher does not read the answer")
	}
	if r := e.as(f.other).get("/schools/" + s + "/incidents"); r.status != 403 {
		t.Errorf("another school's teacher reads the reports: %d", r.status)
	}
}
