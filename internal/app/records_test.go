package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// recordsFixture is a unit with two schools; school A has classes 6A1 and 6A2
// (and 9A1), a homeroom teacher of 6A1, a subject teacher and a sysadmin.
type recordsFixture struct {
	a                    *app.App
	sys                  *app.Principal
	year, next           sdgdt.SchoolYear
	schoolA, schoolB     sdgdt.School
	c6a1, c6a2, c9a1, cB sdgdt.Class
	homeroom, teacher    *app.Principal
	adminA, adminB       *app.Principal
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }

func newRecordsFixture(t *testing.T, db *store.DB) *recordsFixture {
	t.Helper()
	ctx := context.Background()
	cfg := app.DefaultConfig()
	cfg.Clock = func() time.Time { return time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC) }
	cfg.Argon = auth.TestParams
	f := &recordsFixture{a: app.New(db, cfg, nil), sys: app.System("test")}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	f.year, err = f.a.CreateSchoolYear(ctx, f.sys, sdgdt.SchoolYear{Name: "2026-2027", StartsOn: day(2026, 9, 5), GK1On: day(2026, 11, 2), CK1On: day(2027, 1, 4),
		HK1EndsOn: day(2027, 1, 16), HK2Starts: day(2027, 1, 18), GK2On: day(2027, 3, 22), CNOn: day(2027, 5, 10), EndsOn: day(2027, 5, 31), Current: true})
	must(err)
	f.next, err = f.a.CreateSchoolYear(ctx, f.sys, sdgdt.SchoolYear{Name: "2027-2028", StartsOn: day(2027, 9, 5), GK1On: day(2027, 11, 2), CK1On: day(2028, 1, 4),
		HK1EndsOn: day(2028, 1, 16), HK2Starts: day(2028, 1, 18), GK2On: day(2028, 3, 22), CNOn: day(2028, 5, 10), EndsOn: day(2028, 5, 31)})
	must(err)
	u, err := f.a.CreateUnit(ctx, f.sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo Thử", "SGD")
	must(err)
	f.schoolA, err = f.a.CreateSchool(ctx, f.sys, u.ID, "thcs", "Trường THCS A", "THCS-A", "")
	must(err)
	f.schoolB, err = f.a.CreateSchool(ctx, f.sys, u.ID, "thcs", "Trường THCS B", "THCS-B", "")
	must(err)
	user := func(name string, school sdgdt.School, role string) int64 {
		us, _, err := f.a.CreateUser(ctx, f.sys, app.NewUserInput{Username: name, FullName: "Người " + name, HomeKind: sdgdt.ScopeSchool, HomeID: school.ID, Password: "mat-khau-rat-dai-2026"})
		must(err)
		if role != "" {
			_, err = f.a.GrantRole(ctx, f.sys, us.ID, role, sdgdt.ScopeSchool, school.ID, "")
			must(err)
		}
		return us.ID
	}
	hr := user("gvcn", f.schoolA, "")
	st := user("gvbm", f.schoolA, "")
	user("quantri.a", f.schoolA, sdgdt.RoleSysadmin)
	user("quantri.b", f.schoolB, sdgdt.RoleSysadmin)
	class := func(s sdgdt.School, grade int, name string, homeroom int64) sdgdt.Class {
		c, err := f.a.CreateClass(ctx, f.sys, sdgdt.Class{SchoolID: s.ID, SchoolYearID: f.year.ID, Grade: grade, Name: name, Ruleset: "tt22", HomeroomID: homeroom})
		must(err)
		return c
	}
	f.c6a1 = class(f.schoolA, 6, "6A1", hr)
	f.c6a2 = class(f.schoolA, 6, "6A2", 0)
	f.c9a1 = class(f.schoolA, 9, "9A1", 0)
	f.cB = class(f.schoolB, 6, "6B1", 0)
	_, err = f.a.CreateAssignment(ctx, f.sys, sdgdt.Assignment{SchoolID: f.schoolA.ID, ClassID: f.c6a1.ID, Subject: "toan", Term: "hk1", TeacherID: st})
	must(err)
	f.homeroom = f.principal(t, "gvcn")
	f.teacher = f.principal(t, "gvbm")
	f.adminA = f.principal(t, "quantri.a")
	f.adminB = f.principal(t, "quantri.b")
	return f
}

// principal signs a user in and returns his principal.
func (f *recordsFixture) principal(t *testing.T, username string) *app.Principal {
	t.Helper()
	ctx := context.Background()
	res, err := f.a.SignIn(ctx, app.SignInInput{Username: username, Password: "mat-khau-rat-dai-2026", IP: "10.0.0.1", Kind: "web"})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := f.a.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func pupilIn(name, dob, sex, id string) app.PupilInput {
	return app.PupilInput{FullName: name, DateOfBirth: dob, Sex: sex, IdentityNumber: id, GuardianPhone: "0912345678", Address: "12 Lê Duẩn, phường Tân Lập, Buôn Ma Thuột"}
}

func auditCount(t *testing.T, db *store.DB) int {
	t.Helper()
	n := 0
	db.View(context.Background(), func(tx *store.Tx) error {
		es, err := tx.ListAudit(sdgdt.AuditFilter{Limit: 500})
		n = len(es)
		return err
	})
	return n
}

func TestPupilProfileValidation(t *testing.T) {
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, sdgdt.Vietnam)
	cases := []struct {
		name  string
		in    app.PupilInput
		field string // "" for valid
	}{
		{"valid", pupilIn("Nguyễn Văn An", "05/09/2013", "Nam", "066213001234"), ""},
		{"valid girl", pupilIn("Trần Thị Ánh", "2013-02-01", "nữ", "066313001234"), ""},
		{"no identity yet", pupilIn("Lê Văn Bình", "05/09/2013", "nam", ""), ""},
		{"one word name", pupilIn("An", "05/09/2013", "nam", ""), "full_name"},
		{"digits in name", pupilIn("Nguyễn Văn 2", "05/09/2013", "nam", ""), "full_name"},
		{"bad date", pupilIn("Nguyễn Văn An", "31/02/2013", "nam", ""), "date_of_birth"},
		{"future date", pupilIn("Nguyễn Văn An", "05/09/2027", "nam", ""), "date_of_birth"},
		{"missing date", pupilIn("Nguyễn Văn An", "", "nam", ""), "date_of_birth"},
		{"bad sex", pupilIn("Nguyễn Văn An", "05/09/2013", "x", ""), "sex"},
		{"identity 11 digits", pupilIn("Nguyễn Văn An", "05/09/2013", "nam", "06621300123"), "identity_number"},
		{"identity letters", pupilIn("Nguyễn Văn An", "05/09/2013", "nam", "06621300123A"), "identity_number"},
		{"identity bad province", pupilIn("Nguyễn Văn An", "05/09/2013", "nam", "003213001234"), "identity_number"},
		{"identity wrong sex digit", pupilIn("Nguyễn Văn An", "05/09/2013", "nam", "066313001234"), "identity_number"},
		{"identity wrong year", pupilIn("Nguyễn Văn An", "05/09/2013", "nam", "066212001234"), "identity_number"},
		{"bad phone", app.PupilInput{FullName: "Nguyễn Văn An", DateOfBirth: "05/09/2013", Sex: "nam", GuardianPhone: "12345"}, "guardian_phone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, fields := c.in.ToPupil(now)
			if c.field == "" && len(fields) > 0 {
				t.Fatalf("unexpected errors %v", fields)
			}
			if c.field != "" && fields[c.field] == "" {
				t.Fatalf("want an error on %s, got %v", c.field, fields)
			}
		})
	}
}

func TestRecordsRightsAndMasking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		p, err := f.a.EnrolNewPupil(ctx, f.homeroom, f.c6a1.ID, pupilIn("Nguyễn Văn An", "05/09/2014", "nam", "066214001234"), f.year.StartsOn)
		if err != nil {
			t.Fatal(err)
		}
		// The homeroom teacher of another class, a subject teacher, another school: refused.
		if _, err := f.a.EnrolNewPupil(ctx, f.homeroom, f.c6a2.ID, pupilIn("Lê Văn Bình", "05/09/2014", "nam", ""), f.year.StartsOn); !app.IsForbidden(err) {
			t.Errorf("homeroom teacher enrolling in another class: %v", err)
		}
		if _, err := f.a.EnrolNewPupil(ctx, f.teacher, f.c6a1.ID, pupilIn("Lê Văn Bình", "05/09/2014", "nam", ""), f.year.StartsOn); !app.IsForbidden(err) {
			t.Errorf("subject teacher enrolling: %v", err)
		}
		if _, err := f.a.EnrolNewPupil(ctx, f.adminB, f.c6a1.ID, pupilIn("Lê Văn Bình", "05/09/2014", "nam", ""), f.year.StartsOn); !app.IsForbidden(err) {
			t.Errorf("other school's admin enrolling: %v", err)
		}
		// Duplicate identity number.
		_, err = f.a.EnrolNewPupil(ctx, f.adminA, f.c6a2.ID, pupilIn("Nguyễn Văn An", "05/09/2014", "nam", "066214001234"), f.year.StartsOn)
		if sdgdt.ErrorFields(err)["identity_number"] == "" {
			t.Errorf("duplicate identity accepted: %v", err)
		}
		// The subject teacher sees the list masked; the homeroom teacher unmasked, and his view is audited.
		cr, err := f.a.ClassRecords(ctx, f.teacher, f.c6a1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := cr.Roster[0].Pupil.IdentityNumber; got != "•••••••••234" || cr.Roster[0].Pupil.GuardianPhone != "•••••••678" {
			t.Errorf("masked identity %q phone %q", got, cr.Roster[0].Pupil.GuardianPhone)
		}
		before := auditCount(t, db)
		pp, err := f.a.PupilProfile(ctx, f.homeroom, p.ID)
		if err != nil || pp.Masked || pp.Pupil.IdentityNumber != "066214001234" {
			t.Fatalf("homeroom profile: masked %v, %v", pp.Masked, err)
		}
		if auditCount(t, db) != before+1 {
			t.Error("a full profile view is not audited")
		}
		pp, err = f.a.PupilProfile(ctx, f.teacher, p.ID)
		if err != nil || !pp.Masked || strings.Contains(pp.Pupil.IdentityNumber, "0662") {
			t.Errorf("subject teacher profile not masked: %+v %v", pp.Pupil.IdentityNumber, err)
		}
		if _, err := f.a.PupilProfile(ctx, f.adminB, p.ID); !app.IsForbidden(err) {
			t.Errorf("other school reads profile: %v", err)
		}
		// Profile change keeps history.
		in := pupilIn("Nguyễn Văn Anh", "05/09/2014", "nam", "066214001234")
		if err := f.a.UpdatePupil(ctx, f.homeroom, p.ID, in); err != nil {
			t.Fatal(err)
		}
		pp, _ = f.a.PupilProfile(ctx, f.homeroom, p.ID)
		if len(pp.History) < 2 || !strings.Contains(pp.History[0].Before, "Nguyễn Văn An") || !strings.Contains(pp.History[0].After, "Nguyễn Văn Anh") {
			t.Errorf("history: %+v", pp.History)
		}
	})
}

func TestAbsencesAndMonth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		a, _ := f.a.EnrolNewPupil(ctx, f.homeroom, f.c6a1.ID, pupilIn("Nguyễn Văn An", "05/09/2014", "nam", ""), f.year.StartsOn)
		b, _ := f.a.EnrolNewPupil(ctx, f.homeroom, f.c6a1.ID, pupilIn("Trần Thị Bé", "05/09/2014", "nữ", ""), f.year.StartsOn)
		d := day(2026, 10, 5)
		err := f.a.RecordDay(ctx, f.homeroom, f.c6a1.ID, d, []app.AbsenceMark{{PupilID: a.ID, Session: "sang", Excused: true, Reason: "Ốm"}, {PupilID: b.ID, Session: "chieu"}})
		if err != nil {
			t.Fatal(err)
		}
		// Re-saving the day with one absence fewer cancels it (kept as history).
		if err := f.a.RecordDay(ctx, f.homeroom, f.c6a1.ID, d, []app.AbsenceMark{{PupilID: a.ID, Session: "sang", Excused: true, Reason: "Ốm"}}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.RecordDay(ctx, f.homeroom, f.c6a1.ID, day(2026, 10, 6), []app.AbsenceMark{{PupilID: a.ID, Session: "sang"}, {PupilID: a.ID, Session: "chieu"}}); err != nil {
			t.Fatal(err)
		}
		cr, err := f.a.ClassRecords(ctx, f.homeroom, f.c6a1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := cr.Absences[a.ID]; got.Excused != 1 || got.Unexcused != 2 {
			t.Errorf("absences of An: %+v", got)
		}
		if got := cr.Absences[b.ID]; got.Total() != 0 {
			t.Errorf("absences of Bé: %+v", got)
		}
		// Monthly totals replace the month's daily entries in the sum.
		if err := f.a.SetMonthTotals(ctx, f.homeroom, f.c6a1.ID, "2026-10", []sdgdt.AbsenceTotal{{PupilID: a.ID, Excused: 4, Unexcused: 1}}); err != nil {
			t.Fatal(err)
		}
		cr, _ = f.a.ClassRecords(ctx, f.homeroom, f.c6a1.ID)
		if got := cr.Absences[a.ID]; got.Excused != 4 || got.Unexcused != 1 {
			t.Errorf("absences with monthly totals: %+v", got)
		}
		// Bad input changes nothing.
		n := auditCount(t, db)
		bad := []struct {
			name string
			err  error
		}{
			{"future day", f.a.RecordDay(ctx, f.homeroom, f.c6a1.ID, day(2026, 12, 30), nil)},
			{"bad session", f.a.RecordDay(ctx, f.homeroom, f.c6a1.ID, d, []app.AbsenceMark{{PupilID: a.ID, Session: "toi"}})},
			{"pupil of another class", f.a.RecordDay(ctx, f.homeroom, f.c6a1.ID, d, []app.AbsenceMark{{PupilID: 999999, Session: "sang"}})},
			{"before the year", f.a.RecordDay(ctx, f.homeroom, f.c6a1.ID, day(2026, 8, 1), nil)},
			{"another class", f.a.RecordDay(ctx, f.homeroom, f.c6a2.ID, d, nil)},
			{"bad month", f.a.SetMonthTotals(ctx, f.homeroom, f.c6a1.ID, "2026-13", nil)},
			{"negative totals", f.a.SetMonthTotals(ctx, f.homeroom, f.c6a1.ID, "2026-10", []sdgdt.AbsenceTotal{{PupilID: a.ID, Excused: -1}})},
		}
		for _, c := range bad {
			if c.err == nil {
				t.Errorf("%s: accepted", c.name)
			}
		}
		if auditCount(t, db) != n {
			t.Error("a refused request wrote something")
		}
		// Month confirmation: the homeroom teacher only, once.
		if err := f.a.ConfirmMonth(ctx, f.adminA, f.c6a1.ID, "2026-10", ""); err == nil {
			t.Error("the sysadmin confirmed a homeroom month")
		}
		if err := f.a.ConfirmMonth(ctx, f.homeroom, f.c6a1.ID, "2026-10", "Đủ"); err != nil {
			t.Fatal(err)
		}
		if err := f.a.ConfirmMonth(ctx, f.homeroom, f.c6a1.ID, "2026-10", ""); sdgdt.ErrorCode(err) != sdgdt.ECONFLICT {
			t.Errorf("second confirmation: %v", err)
		}
		mr, err := f.a.MonthReview(ctx, f.homeroom, f.c6a1.ID, "2026-10")
		if err != nil || mr.Confirmed == nil || len(mr.Absences) != 3 {
			t.Errorf("month review: confirmed %v, %d absences, %v", mr.Confirmed, len(mr.Absences), err)
		}
	})
}

func TestMovementsAndTransfers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		a, _ := f.a.EnrolNewPupil(ctx, f.homeroom, f.c6a1.ID, pupilIn("Nguyễn Văn An", "05/09/2014", "nam", ""), f.year.StartsOn)
		b, _ := f.a.EnrolNewPupil(ctx, f.homeroom, f.c6a1.ID, pupilIn("Trần Thị Bé", "05/09/2014", "nữ", ""), f.year.StartsOn)
		c, _ := f.a.EnrolNewPupil(ctx, f.homeroom, f.c6a1.ID, pupilIn("Lê Văn Cường", "05/09/2014", "nam", ""), f.year.StartsOn)
		// Class move within the school.
		if _, err := f.a.RecordMovement(ctx, f.homeroom, app.MovementInput{PupilID: a.ID, Kind: "class_move", On: day(2026, 10, 1), ToClassID: f.c6a2.ID, Reason: "Theo nguyện vọng"}); err != nil {
			t.Fatal(err)
		}
		cr, _ := f.a.ClassRecords(ctx, f.adminA, f.c6a2.ID)
		if len(cr.Roster) != 1 || cr.Roster[0].Pupil.ID != a.ID {
			t.Errorf("6A2 after the move: %+v", cr.Roster)
		}
		cr, _ = f.a.ClassRecords(ctx, f.adminA, f.c6a1.ID)
		if len(cr.Roster) != 2 || len(cr.Former) != 1 || cr.Former[0].Status != sdgdt.EnrolMoved {
			t.Errorf("6A1 after the move: %d now, former %+v", len(cr.Roster), cr.Former)
		}
		// Leaving school.
		if _, err := f.a.RecordMovement(ctx, f.homeroom, app.MovementInput{PupilID: c.ID, Kind: "leave", On: day(2026, 10, 2)}); sdgdt.ErrorFields(err)["reason"] == "" {
			t.Errorf("leaving without a reason: %v", err)
		}
		if _, err := f.a.RecordMovement(ctx, f.homeroom, app.MovementInput{PupilID: c.ID, Kind: "leave", On: day(2026, 10, 2), Reason: "Gia đình chuyển vào Nam"}); err != nil {
			t.Fatal(err)
		}
		// Transfer to a school that does not exist, to the same school: refused.
		if _, err := f.a.RecordMovement(ctx, f.homeroom, app.MovementInput{PupilID: b.ID, Kind: "transfer_out", On: day(2026, 11, 1), ToSchoolID: 424242}); sdgdt.ErrorFields(err)["to_school"] == "" {
			t.Errorf("transfer to a missing school: %v", err)
		}
		if _, err := f.a.RecordMovement(ctx, f.homeroom, app.MovementInput{PupilID: b.ID, Kind: "transfer_out", On: day(2026, 11, 1), ToSchoolID: f.schoolA.ID}); sdgdt.ErrorFields(err)["to_school"] == "" {
			t.Errorf("transfer to the same school: %v", err)
		}
		// Transfer within the system: requested by the origin, accepted by the destination.
		m, err := f.a.RecordMovement(ctx, f.homeroom, app.MovementInput{PupilID: b.ID, Kind: "transfer_out", On: day(2026, 11, 1), ToSchoolID: f.schoolB.ID, Reason: "Chuyển nhà"})
		if err != nil || m.Status != "requested" {
			t.Fatalf("transfer request: %+v %v", m, err)
		}
		if _, err := f.a.RecordMovement(ctx, f.homeroom, app.MovementInput{PupilID: b.ID, Kind: "transfer_out", On: day(2026, 11, 2), ToSchoolID: f.schoolB.ID}); err == nil {
			t.Error("a second pending transfer was accepted")
		}
		if err := f.a.DecideTransfer(ctx, f.adminA, m.ID, true, f.c6a2.ID); !app.IsForbidden(err) {
			t.Errorf("the origin accepted its own request: %v", err)
		}
		if err := f.a.DecideTransfer(ctx, f.adminB, m.ID, true, f.c6a1.ID); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("accepted into another school's class: %v", err)
		}
		if err := f.a.DecideTransfer(ctx, f.adminB, m.ID, true, f.cB.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.a.DecideTransfer(ctx, f.adminB, m.ID, true, f.cB.ID); sdgdt.ErrorCode(err) != sdgdt.ECONFLICT {
			t.Errorf("accepted twice: %v", err)
		}
		crB, _ := f.a.ClassRecords(ctx, f.adminB, f.cB.ID)
		if len(crB.Roster) != 1 || crB.Roster[0].Pupil.ID != b.ID {
			t.Errorf("6B1 after the transfer: %+v", crB.Roster)
		}
		// The origin keeps a read-only trace; its administrator no longer edits the pupil.
		cr, _ = f.a.ClassRecords(ctx, f.adminA, f.c6a1.ID)
		found := false
		for _, r := range cr.Former {
			found = found || (r.Pupil.ID == b.ID && r.Status == sdgdt.EnrolTransferred)
		}
		if !found || len(cr.Roster) != 0 {
			t.Errorf("origin after transfer: now %d, former %+v", len(cr.Roster), cr.Former)
		}
		if err := f.a.UpdatePupil(ctx, f.adminA, b.ID, pupilIn("Trần Thị Bé", "05/09/2014", "nữ", "")); !app.IsForbidden(err) {
			t.Errorf("origin edits a transferred pupil: %v", err)
		}
		if n, _, err := db.VerifyAudit(ctx); n != nil || err != nil {
			t.Errorf("audit chain: %v %v", n, err)
		}
	})
}

// xlsxRows builds the rows of a pupil import: the heading and n valid rows.
func importRows(n int, class string) [][]string {
	rows := [][]string{app.PupilColumns}
	for i := 0; i < n; i++ {
		rows = append(rows, []string{fmt.Sprint(i + 1), fmt.Sprintf("Nguyễn Văn Học %c", 'A'+rune(i%26)), "05/09/2014", "Nam", "Kinh", "Đắk Lắk", "Đắk Lắk",
			"12 Lê Duẩn", "", "", "", "0912345678", fmt.Sprintf("066214%06d", i), "", class})
	}
	return rows
}

func TestImportPupils(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		rows := importRows(5, "6A1")
		rows[2][2] = "31/02/2014"    // bad date (row 3)
		rows[3][12] = rows[1][12]    // duplicate identity within the file (row 4)
		rows[4][14] = "6Z9"          // unknown class (row 5)
		rows[5][12] = "06621400000X" // bad identity (row 6)
		rep, err := f.a.ImportPupils(ctx, f.adminA, f.schoolA.ID, rows)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{3: "Ngày sinh", 4: "Số định danh cá nhân", 5: "Lớp", 6: "Số định danh cá nhân"}
		if rep.Created != 0 || len(rep.Errors) != len(want) {
			t.Fatalf("report: %+v", rep)
		}
		for _, e := range rep.Errors {
			if want[e.Row] != e.Column {
				t.Errorf("error at row %d column %q: %s", e.Row, e.Column, e.Message)
			}
		}
		cr, _ := f.a.ClassRecords(ctx, f.adminA, f.c6a1.ID)
		if len(cr.Roster) != 0 {
			t.Fatal("a file with errors imported pupils")
		}
		// A wrong layout.
		rep, _ = f.a.ImportPupils(ctx, f.adminA, f.schoolA.ID, [][]string{{"Tên", "Lớp"}})
		if len(rep.Errors) != 1 || rep.Errors[0].Row != 1 || !strings.Contains(rep.Errors[0].Message, "Sai mẫu") {
			t.Errorf("wrong layout report: %+v", rep)
		}
		// The template's layout: a title and a blank row above the headings;
		// errors name the rows as Excel numbers them.
		titled := append([][]string{{"DANH SÁCH HỌC SINH"}, {}}, importRows(2, "6A1")...)
		titled[4][2] = "31/02/2014"
		rep, _ = f.a.ImportPupils(ctx, f.adminA, f.schoolA.ID, titled)
		if len(rep.Errors) != 1 || rep.Errors[0].Row != 5 || rep.Errors[0].Column != "Ngày sinh" {
			t.Errorf("titled file: %+v, want an error in Excel row 5", rep.Errors)
		}
		// Rights.
		if _, err := f.a.ImportPupils(ctx, f.adminB, f.schoolA.ID, importRows(1, "6A1")); !app.IsForbidden(err) {
			t.Errorf("import into another school: %v", err)
		}
		// The fixed file imports every row, in Vietnamese order on the list.
		rep, err = f.a.ImportPupils(ctx, f.adminA, f.schoolA.ID, importRows(30, "6A1"))
		if err != nil || rep.Created != 30 || len(rep.Errors) != 0 {
			t.Fatalf("valid import: %+v %v", rep, err)
		}
		// Importing the same file again: every row is a duplicate of an existing pupil.
		rep, _ = f.a.ImportPupils(ctx, f.adminA, f.schoolA.ID, importRows(30, "6A1"))
		if rep.Created != 0 || len(rep.Errors) != 30 {
			t.Errorf("re-import: created %d, %d errors", rep.Created, len(rep.Errors))
		}
		cr, _ = f.a.ClassRecords(ctx, f.adminA, f.c6a1.ID)
		if len(cr.Roster) != 30 || cr.Roster[0].Pupil.GivenName != "A" {
			t.Errorf("class list after import: %d pupils, first %q", len(cr.Roster), cr.Roster[0].Pupil.FullName())
		}
	})
}

func TestRollover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		var ids []int64
		for i, c := range []sdgdt.Class{f.c6a1, f.c6a1, f.c6a2, f.c9a1} {
			p, err := f.a.EnrolNewPupil(ctx, f.adminA, c.ID, pupilIn(fmt.Sprintf("Nguyễn Văn %c", 'A'+rune(i)), "05/09/2012", "nam", ""), f.year.StartsOn)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		if _, err := f.a.PlanRollover(ctx, f.adminB, f.schoolA.ID, f.next.ID); !app.IsForbidden(err) {
			t.Errorf("another school plans the rollover: %v", err)
		}
		// Pupil 1 of 6A1 is retained: he stays in grade 6.
		if err := db.ExecForTest(ctx, `INSERT INTO pupil_results (school_id, school_year_id, pupil_id, class_id, promotion) VALUES ($1, $2, $3, $4, 'retained')`,
			f.schoolA.ID, f.year.ID, ids[1], f.c6a1.ID); err != nil {
			t.Fatal(err)
		}
		plan, err := f.a.PlanRollover(ctx, f.adminA, f.schoolA.ID, f.next.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, c := range plan.Classes {
			got[fmt.Sprintf("%s/%d", c.Name, c.Grade)] = len(c.Pupils)
		}
		want := map[string]int{"7A1/7": 1, "7A2/7": 1, "6A1/6": 1}
		if fmt.Sprint(got) != fmt.Sprint(want) || len(plan.Leaving) != 1 || plan.Retained != 1 {
			t.Fatalf("plan: classes %v, leaving %d, retained %d", got, len(plan.Leaving), plan.Retained)
		}
		n := auditCount(t, db)
		if auditCount(t, db) != n {
			t.Error("the preview wrote something")
		}
		if _, err := f.a.CommitRollover(ctx, f.adminA, f.schoolA.ID, f.next.ID); err != nil {
			t.Fatal(err)
		}
		// The closed year's book still lists the pupils who finished it.
		if cb, _, err := f.a.ClassBookDocument(ctx, f.adminA, f.c6a1.ID, "year"); err != nil || len(cb.Pupils) != 2 {
			t.Errorf("the book of 6A1 after the rollover: %v, %d pupils", err, len(cb.Pupils))
		}
		if _, err := f.a.CommitRollover(ctx, f.adminA, f.schoolA.ID, f.next.ID); sdgdt.ErrorCode(err) != sdgdt.ECONFLICT {
			t.Errorf("a second rollover: %v", err)
		}
		sr, err := f.a.SchoolRecords(ctx, f.adminA, f.schoolA.ID, f.next.ID)
		if err != nil || len(sr.Classes) != 3 || sr.Pupils != 3 || len(sr.Assignments) != 0 {
			t.Errorf("new year: %d classes, %d pupils, %d assignments, %v", len(sr.Classes), sr.Pupils, len(sr.Assignments), err)
		}
	})
}

// grantLeader creates the leader "hieutruong" of school A and returns his id.
func (f *recordsFixture) grantLeader(t *testing.T) int64 {
	t.Helper()
	return f.schoolUser(t, "hieutruong", f.schoolA, sdgdt.RoleLeader)
}

// boardMember creates a board member of school A and signs him in.
func (f *recordsFixture) boardMember(t *testing.T) *app.Principal {
	t.Helper()
	f.schoolUser(t, "bqt.a", f.schoolA, sdgdt.RoleBoard)
	return f.principal(t, "bqt.a")
}

func (f *recordsFixture) schoolUser(t *testing.T, name string, s sdgdt.School, role string) int64 {
	t.Helper()
	ctx := context.Background()
	u, _, err := f.a.CreateUser(ctx, f.sys, app.NewUserInput{Username: name, FullName: "Người " + name, HomeKind: sdgdt.ScopeSchool, HomeID: s.ID, Password: "mat-khau-rat-dai-2026"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.GrantRole(ctx, f.sys, u.ID, role, sdgdt.ScopeSchool, s.ID, ""); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// unitAdmin creates the administrator of the province unit and signs him in.
func (f *recordsFixture) unitAdmin(t *testing.T) *app.Principal {
	t.Helper()
	ctx := context.Background()
	var unitID int64
	f.a.DB.View(ctx, func(tx *store.Tx) error { var err error; unitID, err = tx.UnitIDByCode("SGD"); return err })
	u, _, err := f.a.CreateUser(ctx, f.sys, app.NewUserInput{Username: "so.admin", FullName: "Quản trị Sở", HomeKind: sdgdt.ScopeUnit, HomeID: unitID, Password: "mat-khau-rat-dai-2026"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.GrantRole(ctx, f.sys, u.ID, sdgdt.RoleUnitAdmin, sdgdt.ScopeUnit, unitID, ""); err != nil {
		t.Fatal(err)
	}
	return f.principal(t, "so.admin")
}

func asError(err error, target **sdgdt.Error) bool { return errors.As(err, target) }

// TestAuditLogMasksPersonalData checks that a board member, who may read the
// audit log but not the profiles, sees personal fields masked there, and that
// an administrator who may see them gets them in full, with the view recorded.
func TestAuditLogMasksPersonalData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		if _, err := f.a.EnrolNewPupil(ctx, f.homeroom, f.c6a1.ID, pupilIn("Nguyễn Văn An", "05/09/2014", "nam", "066214001234"), f.year.StartsOn); err != nil {
			t.Fatal(err)
		}
		us, _, err := f.a.CreateUser(ctx, f.sys, app.NewUserInput{Username: "bqt.a", FullName: "Ban quản trị A", HomeKind: sdgdt.ScopeSchool, HomeID: f.schoolA.ID, Password: "mat-khau-rat-dai-2026"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.GrantRole(ctx, f.sys, us.ID, sdgdt.RoleBoard, sdgdt.ScopeSchool, f.schoolA.ID, ""); err != nil {
			t.Fatal(err)
		}
		board := f.principal(t, "bqt.a")
		entries, err := f.a.AuditLog(ctx, board, app.AuditQuery{SchoolID: f.schoolA.ID, Action: string(sdgdt.ActPupilCreate), Limit: 10})
		if err != nil || len(entries) != 1 {
			t.Fatalf("board: %d entries, %v", len(entries), err)
		}
		for _, secret := range []string{"066214001234", "0912345678", "12 Lê Duẩn"} {
			if strings.Contains(entries[0].After, secret) {
				t.Errorf("board member sees %q in the audit log: %s", secret, entries[0].After)
			}
		}
		if !strings.Contains(entries[0].After, "Nguyễn Văn An") {
			t.Errorf("the name is not personal data to hide: %s", entries[0].After)
		}
		before := auditCount(t, db)
		entries, err = f.a.AuditLog(ctx, f.adminA, app.AuditQuery{SchoolID: f.schoolA.ID, Action: string(sdgdt.ActPupilCreate), Limit: 10})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].After, "066214001234") {
			t.Fatalf("administrator: %v, %v", entries, err)
		}
		if auditCount(t, db) != before+1 {
			t.Errorf("the full view was not recorded")
		}
	})
}

// TestClassGradeFitsSchoolKind checks that a lower secondary school refuses a
// class of grade 3 (and of grade 10) and opens grades 6-9.
func TestClassGradeFitsSchoolKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		for _, g := range []int{3, 10} {
			_, err := f.a.CreateClass(ctx, f.adminA, sdgdt.Class{SchoolID: f.schoolA.ID, SchoolYearID: f.year.ID, Grade: g, Name: fmt.Sprint(g, "Z"), Ruleset: app.RulesetFor("thcs", g)})
			if sdgdt.ErrorFields(err)["grade"] == "" {
				t.Errorf("grade %d in a THCS school: %v", g, err)
			}
		}
		if _, err := f.a.CreateClass(ctx, f.adminA, sdgdt.Class{SchoolID: f.schoolA.ID, SchoolYearID: f.year.ID, Grade: 8, Name: "8Z", Ruleset: "tt22"}); err != nil {
			t.Errorf("grade 8: %v", err)
		}
	})
}
