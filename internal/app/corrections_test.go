package app_test

import (
	"context"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

func TestCorrectionFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		f.grantLeader(t)
		leader := f.principal(t, "hieutruong")
		board := f.boardMember(t)
		pupil, err := f.a.EnrolNewPupil(ctx, f.adminA, f.c6a1.ID, pupilIn("Nguyễn Văn An", "05/09/2014", "nam", ""), f.year.StartsOn)
		if err != nil {
			t.Fatal(err)
		}
		var sheet sdgdt.Sheet
		if err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			sheet, err = tx.SheetFor(f.c6a1.ID, "toan", "hk1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		num := func(s string) app.CellValue { return app.CellValue{Number: true, Text: s} }
		// The teacher enters a mark while the sheet is open.
		if _, err := f.a.PatchSheet(ctx, f.teacher, sheet.ID, app.SheetPatch{Version: 0, Changes: []app.SheetChange{{PupilID: pupil.ID, Field: "midterm", Value: num("6")}}}); err != nil {
			t.Fatal(err)
		}
		cells := []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "midterm", Value: num("8.5")}}
		// A request on an unlocked sheet: just edit it.
		if _, err := f.a.RequestCorrection(ctx, f.teacher, sheet.ID, cells, "Nhập nhầm"); sdgdt.ErrorFields(err)["sheet"] == "" {
			t.Fatalf("request on an open sheet: %v", err)
		}
		if _, err := f.a.SetLock(ctx, leader, app.LockInput{SchoolID: f.schoolA.ID, Term: "hk1", Reason: "Khóa sổ học kì I"}); err != nil {
			t.Fatal(err)
		}
		// Every write path refuses the locked sheet.
		if _, err := f.a.PatchSheet(ctx, f.teacher, sheet.ID, app.SheetPatch{Version: 1, Changes: []app.SheetChange{{PupilID: pupil.ID, Field: "midterm", Value: num("8.5")}}}); sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
			t.Fatalf("write under lock: %v", err)
		}
		// Bad requests.
		if _, err := f.a.RequestCorrection(ctx, f.teacher, sheet.ID, cells, ""); err == nil {
			t.Error("request without a reason accepted")
		}
		if _, err := f.a.RequestCorrection(ctx, f.teacher, sheet.ID, []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "midterm", Value: num("11")}}, "x"); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("request with 11 accepted: %v", err)
		}
		if _, err := f.a.RequestCorrection(ctx, f.homeroom, sheet.ID, cells, "x"); !app.IsForbidden(err) {
			t.Errorf("request by someone else than the subject teacher: %v", err)
		}
		c, err := f.a.RequestCorrection(ctx, f.teacher, sheet.ID, cells, "Nhập nhầm điểm giữa kì")
		if err != nil {
			t.Fatal(err)
		}
		// Witnessing before approval, approving by a non-leader: refused.
		if _, err := f.a.WitnessCorrection(ctx, board, c.ID); sdgdt.ErrorCode(err) != sdgdt.ECONFLICT {
			t.Errorf("witness before approval: %v", err)
		}
		if err := f.a.DecideCorrection(ctx, board, c.ID, true, ""); !app.IsForbidden(err) {
			t.Errorf("approved by the board: %v", err)
		}
		if err := f.a.DecideCorrection(ctx, leader, c.ID, true, "Đồng ý"); err != nil {
			t.Fatal(err)
		}
		// The requester cannot witness himself; an outsider cannot witness.
		if _, err := f.a.WitnessCorrection(ctx, f.teacher, c.ID); !app.IsForbidden(err) {
			t.Errorf("requester witnessed: %v", err)
		}
		if _, err := f.a.WitnessCorrection(ctx, f.adminB, c.ID); !app.IsForbidden(err) {
			t.Errorf("other school witnessed: %v", err)
		}
		applied, err := f.a.WitnessCorrection(ctx, board, c.ID)
		if err != nil || applied {
			t.Fatalf("board witness: applied %v, %v", applied, err)
		}
		if _, err := f.a.WitnessCorrection(ctx, board, c.ID); sdgdt.ErrorCode(err) != sdgdt.ECONFLICT {
			t.Errorf("the same witness twice: %v", err)
		}
		// Still one witness missing: nothing applied yet.
		v, _ := f.a.GetSheet(ctx, f.teacher, sheet.ID)
		if got := v.Rows[0].Cell("midterm"); got != "6" {
			t.Fatalf("applied with one witness: %q", got)
		}
		applied, err = f.a.WitnessCorrection(ctx, f.homeroom, c.ID)
		if err != nil || !applied {
			t.Fatalf("homeroom witness: applied %v, %v", applied, err)
		}
		v, _ = f.a.GetSheet(ctx, f.teacher, sheet.ID)
		if got := v.Rows[0].Cell("midterm"); got != "8.5" || !v.Locked {
			t.Fatalf("after correction: %q, locked %v", got, v.Locked)
		}
		// Applied once only.
		if _, err := f.a.WitnessCorrection(ctx, board, c.ID); sdgdt.ErrorCode(err) != sdgdt.ECONFLICT {
			t.Errorf("applied twice: %v", err)
		}
		// The cell's history names the correction.
		hist, err := f.a.CellHistory(ctx, f.teacher, sheet.ID, pupil.ID, "midterm")
		if err != nil || len(hist) != 2 || hist[1].Via != "correction" || hist[1].CorrectionID != c.ID || hist[1].Previous != "6" {
			t.Fatalf("history: %+v %v", hist, err)
		}
		if p, _, err := db.VerifyAudit(ctx); p != nil || err != nil {
			t.Errorf("audit chain: %v %v", p, err)
		}
	})
}

// TestClassCorrectionFlow: conduct, homeroom comments and re-test results under
// a lock go through request → approval → two witnesses → applied, as sheets do
// and nothing changes before the second witness.
func TestClassCorrectionFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		f.grantLeader(t)
		leader := f.principal(t, "hieutruong")
		board := f.boardMember(t)
		f.schoolUser(t, "bqt.b", f.schoolA, sdgdt.RoleBoard)
		board2 := f.principal(t, "bqt.b")
		pupil, err := f.a.EnrolNewPupil(ctx, f.adminA, f.c6a1.ID, pupilIn("Nguyễn Văn An", "05/09/2014", "nam", ""), f.year.StartsOn)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.SetConduct(ctx, f.homeroom, f.c6a1.ID, []app.ConductEntry{{PupilID: pupil.ID, Term: "hk1", Level: "T", Comment: "Ngoan"}}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SetHomeroomComments(ctx, f.homeroom, f.c6a1.ID, []app.HomeroomCommentEntry{{PupilID: pupil.ID, Term: "hk1", Comment: "Chăm ngoan"}}); err != nil {
			t.Fatal(err)
		}
		cells := []app.CorrectionCellInput{{PupilID: pupil.ID, Field: app.FieldConduct, Value: text("K")}, {PupilID: pupil.ID, Field: app.FieldComment, Value: text("Cần cố gắng hơn")}}
		// Open data: edit it directly.
		if _, err := f.a.RequestClassCorrection(ctx, f.homeroom, f.c6a1.ID, "hk1", cells, "Đánh giá nhầm"); sdgdt.ErrorFields(err)["term"] == "" {
			t.Fatalf("request on open data: %v", err)
		}
		if _, err := f.a.SetLock(ctx, leader, app.LockInput{SchoolID: f.schoolA.ID, Term: "hk1", Reason: "Khóa sổ học kì I"}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SetConduct(ctx, f.homeroom, f.c6a1.ID, []app.ConductEntry{{PupilID: pupil.ID, Term: "hk1", Level: "K"}}); sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
			t.Fatalf("conduct under lock: %v", err)
		}
		// Bad requests change nothing.
		bad := []struct {
			name  string
			p     *app.Principal
			term  string
			cells []app.CorrectionCellInput
			code  string
		}{
			{"subject teacher on conduct", f.teacher, "hk1", cells, sdgdt.EFORBIDDEN},
			{"other school", f.adminB, "hk1", cells, sdgdt.EFORBIDDEN},
			{"level X", f.homeroom, "hk1", []app.CorrectionCellInput{{PupilID: pupil.ID, Field: app.FieldConduct, Value: text("X")}}, sdgdt.EINVALID},
			{"same value", f.homeroom, "hk1", []app.CorrectionCellInput{{PupilID: pupil.ID, Field: app.FieldConduct, Value: text("T")}}, sdgdt.EINVALID},
			{"conduct of the year", f.homeroom, "year", []app.CorrectionCellInput{{PupilID: pupil.ID, Field: app.FieldConduct, Value: text("K")}}, sdgdt.EINVALID},
			{"unknown field", f.homeroom, "hk1", []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "hanh_kiem", Value: text("K")}}, sdgdt.EINVALID},
			{"bad term", f.homeroom, "hk3", cells, sdgdt.EINVALID},
			{"pupil of another class", f.homeroom, "hk1", []app.CorrectionCellInput{{PupilID: pupil.ID + 1000, Field: app.FieldConduct, Value: text("K")}}, sdgdt.EINVALID},
		}
		for _, b := range bad {
			if _, err := f.a.RequestClassCorrection(ctx, b.p, f.c6a1.ID, b.term, b.cells, "Lý do"); sdgdt.ErrorCode(err) != b.code {
				t.Errorf("%s: %v, want %s", b.name, err, b.code)
			}
		}
		c, err := f.a.RequestClassCorrection(ctx, f.homeroom, f.c6a1.ID, "hk1", cells, "Đánh giá nhầm học sinh")
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.a.Correction(ctx, leader, c.ID)
		if err != nil || got.SheetID != 0 || got.Term != "hk1" || got.ClassName != f.c6a1.Name || len(got.Cells) != 2 {
			t.Fatalf("stored request: %+v %v", got, err)
		}
		for _, x := range got.Cells {
			if want := map[string]string{app.FieldConduct: "T", app.FieldComment: "Chăm ngoan"}[x.Field]; x.OldValue != want {
				t.Errorf("%s: old value %q, want %q", x.Field, x.OldValue, want)
			}
		}
		if app.CorrectionScope(got) != "Dữ liệu chủ nhiệm, Học kì I" {
			t.Errorf("scope %q", app.CorrectionScope(got))
		}
		if err := f.a.DecideCorrection(ctx, leader, c.ID, true, "Đồng ý"); err != nil {
			t.Fatal(err)
		}
		// The requester is the homeroom teacher: he does not witness; two
		// members of the board do.
		if _, err := f.a.WitnessCorrection(ctx, f.homeroom, c.ID); !app.IsForbidden(err) {
			t.Errorf("requester witnessed: %v", err)
		}
		if applied, err := f.a.WitnessCorrection(ctx, board, c.ID); err != nil || applied {
			t.Fatalf("first witness: applied %v, %v", applied, err)
		}
		conduct := func() sdgdt.Conduct {
			cs, err := f.a.ClassConduct(ctx, leader, f.c6a1.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range cs {
				if x.PupilID == pupil.ID && x.Term == "hk1" {
					return x
				}
			}
			return sdgdt.Conduct{}
		}
		if k := conduct(); k.Level != "T" {
			t.Fatalf("applied with one witness: %+v", k)
		}
		if applied, err := f.a.WitnessCorrection(ctx, board2, c.ID); err != nil || !applied {
			t.Fatalf("second witness: applied %v, %v", applied, err)
		}
		if k := conduct(); k.Level != "K" || k.Comment != "Ngoan" {
			t.Errorf("after correction: %+v (the comment beside the level stays)", k)
		}
		cy, err := f.a.ClassYear(ctx, leader, f.c6a1.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range cy.Pupils {
			if v.Pupil.ID == pupil.ID && v.Comments["hk1"] != "Cần cố gắng hơn" {
				t.Errorf("homeroom comment after correction: %q", v.Comments["hk1"])
			}
		}
		if _, err := f.a.WitnessCorrection(ctx, board, c.ID); sdgdt.ErrorCode(err) != sdgdt.ECONFLICT {
			t.Errorf("applied twice: %v", err)
		}
		// A re-test result, asked by the subject's teacher under the year's
		// lock: the homeroom teacher witnesses it.
		if _, err := f.a.SetLock(ctx, leader, app.LockInput{SchoolID: f.schoolA.ID, Term: "hk2", Reason: "Khóa sổ cuối năm"}); err != nil {
			t.Fatal(err)
		}
		rc, err := f.a.RequestClassCorrection(ctx, f.teacher, f.c6a1.ID, "year", []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "retest.toan", Value: text("6.5")}}, "Ghi thiếu điểm kiểm tra lại")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.RequestClassCorrection(ctx, f.teacher, f.c6a1.ID, "year", []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "retest.ngu_van", Value: text("6")}}, "x"); !app.IsForbidden(err) {
			t.Errorf("re-test of a subject he does not teach: %v", err)
		}
		if err := f.a.DecideCorrection(ctx, leader, rc.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.WitnessCorrection(ctx, f.homeroom, rc.ID); err != nil {
			t.Fatal(err)
		}
		if applied, err := f.a.WitnessCorrection(ctx, board, rc.ID); err != nil || !applied {
			t.Fatalf("re-test witnesses: applied %v, %v", applied, err)
		}
		var rs []sdgdt.Retest
		if err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			rs, err = tx.Retests(f.schoolA.ID, f.year.ID, []int64{pupil.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Subject != "toan" || rs[0].Value != "6.5" {
			t.Errorf("re-test after correction: %+v", rs)
		}
		// The profile: under the year's lock what the books print (the name)
		// changes only by a correction; the address stays editable.
		moved := pupilIn("Nguyễn Văn An", "05/09/2014", "nam", "")
		moved.Address = "45 Nguyễn Tất Thành, Buôn Ma Thuột"
		if err := f.a.UpdatePupil(ctx, f.adminA, pupil.ID, moved); err != nil {
			t.Fatalf("address under the year's lock: %v", err)
		}
		renamed := moved
		renamed.FullName = "Nguyễn Văn Ân"
		if err := f.a.UpdatePupil(ctx, f.adminA, pupil.ID, renamed); sdgdt.ErrorCode(err) != sdgdt.ELOCKED || sdgdt.ErrorFields(err)["full_name"] == "" {
			t.Fatalf("name under the year's lock: %v", err)
		}
		if _, err := f.a.RequestClassCorrection(ctx, f.homeroom, f.c6a1.ID, "year", []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "profile.date_of_birth", Value: text("31/02/2014")}}, "Sai ngày sinh"); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("impossible date of birth: %v", err)
		}
		pc, err := f.a.RequestClassCorrection(ctx, f.homeroom, f.c6a1.ID, "year", []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "profile.full_name", Value: text("Nguyễn Văn Ân")}}, "Sai họ tên theo giấy khai sinh")
		if err != nil {
			t.Fatal(err)
		}
		if pc.Cells[0].OldValue != "Nguyễn Văn An" || pc.Cells[0].NewValue != "Nguyễn Văn Ân" {
			t.Errorf("profile cell: %+v", pc.Cells[0])
		}
		if err := f.a.DecideCorrection(ctx, leader, pc.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.WitnessCorrection(ctx, board, pc.ID); err != nil {
			t.Fatal(err)
		}
		if applied, err := f.a.WitnessCorrection(ctx, board2, pc.ID); err != nil || !applied {
			t.Fatalf("profile witnesses: applied %v, %v", applied, err)
		}
		if pp, err := f.a.PupilProfile(ctx, f.adminA, pupil.ID); err != nil || pp.Pupil.FullName() != "Nguyễn Văn Ân" || pp.Pupil.Address != moved.Address {
			t.Errorf("profile after correction: %+v %v", pp.Pupil, err)
		}
		reg, err := f.a.CorrectionsOf(ctx, leader, f.schoolA.ID)
		if err != nil || len(reg.Corrections) != 3 || reg.Corrections[0].Status != "applied" || reg.Corrections[2].Status != "applied" {
			t.Fatalf("register: %+v %v", reg.Corrections, err)
		}
		if p, _, err := db.VerifyAudit(ctx); p != nil || err != nil {
			t.Errorf("audit chain: %v %v", p, err)
		}
	})
}

// TestPrimaryQualityCorrection: the homeroom teacher of a primary class asks
// to correct qualities and competencies under a lock; the request lands on
// the class's qualities-and-competencies sheet.
func TestPrimaryQualityCorrection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newPrimaryBook(t, newWorld(t, db), 2)
		p := b.pupils[5][0]
		if _, err := b.patch("a2.hr5", "5.pcnl.gk1", ch(p, "c.the_chat", text("T")), ch(p, "q.cham_chi", text("T"))); err != nil {
			t.Fatal(err)
		}
		leader := b.as("a2.leader")
		_, err := b.a.SetLock(b.ctx, leader, app.LockInput{SchoolID: b.school["A2"].ID, YearID: b.year.ID, Term: "gk1", ClassID: b.classes[5].ID, Reason: "Đã duyệt giữa kì I"})
		b.must(err)
		cells := []app.CorrectionCellInput{{PupilID: p, Field: "competency.the_chat", Value: text("D")}, {PupilID: p, Field: "quality.cham_chi", Value: text("D")}}
		_, err = b.a.RequestClassCorrection(b.ctx, b.as("a2.spec"), b.classes[5].ID, "gk1", cells, "Đánh giá nhầm")
		wantCode(t, "specialist asks", err, sdgdt.EFORBIDDEN)
		_, err = b.a.RequestClassCorrection(b.ctx, b.as("a2.hr5"), b.classes[5].ID, "hk1", cells, "Đánh giá nhầm")
		wantCode(t, "a term instead of a point", err, sdgdt.EINVALID)
		c, err := b.a.RequestClassCorrection(b.ctx, b.as("a2.hr5"), b.classes[5].ID, "gk1", cells, "Đánh giá nhầm")
		if err != nil {
			t.Fatal(err)
		}
		if c.SheetID != b.sheets["5.pcnl.gk1"] || len(c.Cells) != 2 {
			t.Fatalf("request: %+v", c)
		}
		b.addUser("a2.bqt1", "A2", sdgdt.RoleBoard)
		b.addUser("a2.bqt2", "A2", sdgdt.RoleBoard)
		b.must(b.a.DecideCorrection(b.ctx, leader, c.ID, true, ""))
		if _, err := b.a.WitnessCorrection(b.ctx, b.as("a2.bqt1"), c.ID); err != nil {
			t.Fatal(err)
		}
		if applied, err := b.a.WitnessCorrection(b.ctx, b.as("a2.bqt2"), c.ID); err != nil || !applied {
			t.Fatalf("applied %v, %v", applied, err)
		}
		v, err := b.a.GetSheet(b.ctx, leader, b.sheets["5.pcnl.gk1"])
		b.must(err)
		for _, r := range v.Rows {
			if r.PupilID == p && (r.Cell("c.the_chat") != "D" || r.Cell("q.cham_chi") != "D") {
				t.Errorf("after correction: %q %q", r.Cell("c.the_chat"), r.Cell("q.cham_chi"))
			}
		}
	})
}
