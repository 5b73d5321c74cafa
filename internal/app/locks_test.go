package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

func TestLockScopesAndRights(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		now := db.Now()
		leaderID := f.grantLeader(t)
		leader := f.principal(t, "hieutruong")
		// The write being checked: THCS A, this year, hk1, grade 6, class 6A1, sheet 77.
		write := app.SheetScope{School: f.schoolA, YearID: f.year.ID, Term: "hk1", Grade: 6, ClassID: f.c6a1.ID, SheetID: 77}
		cases := []struct {
			name   string
			in     app.LockInput
			covers bool
		}{
			{"whole school", app.LockInput{SchoolID: f.schoolA.ID}, true},
			{"this year", app.LockInput{SchoolID: f.schoolA.ID, YearID: f.year.ID}, true},
			{"next year", app.LockInput{SchoolID: f.schoolA.ID, YearID: f.next.ID}, false},
			{"semester I", app.LockInput{SchoolID: f.schoolA.ID, Term: "hk1"}, true},
			{"semester II", app.LockInput{SchoolID: f.schoolA.ID, Term: "hk2"}, false},
			{"grade 6", app.LockInput{SchoolID: f.schoolA.ID, Grade: 6}, true},
			{"grade 9", app.LockInput{SchoolID: f.schoolA.ID, Grade: 9}, false},
			{"class 6A1", app.LockInput{ClassID: f.c6a1.ID}, true},
			{"class 6A2", app.LockInput{ClassID: f.c6a2.ID}, false},
			{"scheduled, not yet", app.LockInput{SchoolID: f.schoolA.ID, From: now.Add(24 * time.Hour), Until: now.Add(48 * time.Hour)}, false},
			{"scheduled, now", app.LockInput{SchoolID: f.schoolA.ID, From: now.Add(-time.Hour), Until: now.Add(time.Hour)}, true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.in.Reason = "Kiểm tra " + c.name
				l, err := f.a.SetLock(ctx, leader, c.in)
				if err != nil {
					t.Fatal(err)
				}
				err = f.a.CheckUnlocked(ctx, write)
				if c.covers && sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
					t.Errorf("write not refused: %v", err)
				}
				if !c.covers && err != nil {
					t.Errorf("write refused: %v", err)
				}
				if err := f.a.LiftLock(ctx, leader, l.ID, "xong", 0); err != nil {
					t.Fatal(err)
				}
				if err := f.a.CheckUnlocked(ctx, write); err != nil {
					t.Errorf("lifted lock still refuses: %v", err)
				}
			})
		}
		// The refusal names the lock.
		l, _ := f.a.SetLock(ctx, leader, app.LockInput{SchoolID: f.schoolA.ID, Term: "hk1", Reason: "Khóa sổ học kì I", Until: now.Add(72 * time.Hour)})
		err := f.a.CheckUnlocked(ctx, write)
		var e *sdgdt.Error
		if !asError(err, &e) || e.Lock == nil || e.Lock.(app.LockInfo).LockID == "" || e.Lock.(app.LockInfo).Reason != "Khóa sổ học kì I" {
			t.Errorf("locked error: %#v", err)
		}
		f.a.LiftLock(ctx, leader, l.ID, "", 0)

		// Rights: teachers, another school's leader and a sysadmin without a leader's request cannot lock.
		for name, p := range map[string]*app.Principal{"homeroom": f.homeroom, "subject teacher": f.teacher, "other school": f.adminB, "sysadmin alone": f.adminA} {
			if _, err := f.a.SetLock(ctx, p, app.LockInput{SchoolID: f.schoolA.ID, Reason: "x"}); !app.IsForbidden(err) {
				t.Errorf("%s set a lock: %v", name, err)
			}
		}
		// The sysadmin at the leader's request: allowed and recorded.
		l, err = f.a.SetLock(ctx, f.adminA, app.LockInput{SchoolID: f.schoolA.ID, Reason: "Theo yêu cầu", RequestedBy: leaderID})
		if err != nil || l.RequestedBy != leaderID {
			t.Fatalf("sysadmin at request: %+v %v", l, err)
		}
		if err := f.a.LiftLock(ctx, f.adminA, l.ID, "mở", 0); !app.IsForbidden(err) {
			t.Errorf("sysadmin lifted without request: %v", err)
		}
		if err := f.a.LiftLock(ctx, f.adminA, l.ID, "mở", leaderID); err != nil {
			t.Errorf("sysadmin lifting at request: %v", err)
		}
		// Bad input.
		bad := []app.LockInput{
			{SchoolID: f.schoolA.ID},
			{SchoolID: f.schoolA.ID, Reason: "x", From: now.Add(2 * time.Hour), Until: now.Add(time.Hour)},
			{SchoolID: f.schoolA.ID, Reason: "x", Term: "hk3"},
			{ClassID: f.cB.ID, SchoolID: f.schoolA.ID, Reason: "x"},
		}
		for i, in := range bad {
			if _, err := f.a.SetLock(ctx, leader, in); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
				t.Errorf("bad lock %d accepted: %v", i, err)
			}
		}
	})
}

func TestInspectionWindowAndApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		f.grantLeader(t)
		leader := f.principal(t, "hieutruong")
		unitAdmin := f.unitAdmin(t)
		write := app.SheetScope{School: f.schoolA, YearID: f.year.ID, Term: "hk1", Grade: 6, ClassID: f.c6a1.ID, SheetID: 1}
		var unitID int64
		db.View(ctx, func(tx *store.Tx) error { var err error; unitID, err = tx.UnitIDByCode("SGD"); return err })
		w, err := f.a.SetLock(ctx, unitAdmin, app.LockInput{UnitID: unitID, Reason: "Thanh tra học kì I", Until: db.Now().Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.SetLock(ctx, leader, app.LockInput{UnitID: unitID, Reason: "x"}); !app.IsForbidden(err) {
			t.Errorf("a school leader set a unit window: %v", err)
		}
		for _, sc := range []app.SheetScope{write, {School: f.schoolB, YearID: f.year.ID, Term: "hk2", Grade: 6, ClassID: f.cB.ID}} {
			if err := f.a.CheckUnlocked(ctx, sc); sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
				t.Errorf("inspection window does not hold over %s: %v", sc.School.Name, err)
			}
		}
		if err := f.a.LiftLock(ctx, leader, w.ID, "", 0); !app.IsForbidden(err) {
			t.Errorf("a school lifted the unit's window: %v", err)
		}
		if err := f.a.LiftLock(ctx, unitAdmin, w.ID, "Xong thanh tra", 0); err != nil {
			t.Fatal(err)
		}

		// Approval: proposed by the board, decided by a leader; approved books are locked.
		board := f.boardMember(t)
		if _, err := f.a.ProposeApproval(ctx, f.teacher, f.c6a1.ID, "hk1", ""); !app.IsForbidden(err) {
			t.Errorf("a teacher proposed: %v", err)
		}
		if _, err := f.a.ProposeApproval(ctx, board, f.c6a1.ID, "ck1", ""); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("a primary point for a secondary class: %v", err)
		}
		ap, err := f.a.ProposeApproval(ctx, board, f.c6a1.ID, "hk1", "Đã đủ điểm")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ProposeApproval(ctx, board, f.c6a1.ID, "hk1", ""); sdgdt.ErrorCode(err) != sdgdt.ECONFLICT {
			t.Errorf("proposed twice: %v", err)
		}
		if err := f.a.DecideApproval(ctx, board, ap.ID, app.ApprovalDecision{Approve: true}); !app.IsForbidden(err) {
			t.Errorf("the board approved: %v", err)
		}
		if err := f.a.DecideApproval(ctx, leader, ap.ID, app.ApprovalDecision{Approve: false}); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("returned without a reason: %v", err)
		}
		if err := f.a.DecideApproval(ctx, leader, ap.ID, app.ApprovalDecision{Approve: true}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.DecideApproval(ctx, leader, ap.ID, app.ApprovalDecision{Approve: true}); sdgdt.ErrorCode(err) != sdgdt.ECONFLICT {
			t.Errorf("decided twice: %v", err)
		}
		err = f.a.CheckUnlocked(ctx, write)
		if sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
			t.Fatalf("approved book not locked: %v", err)
		}
		other := write
		other.ClassID = f.c6a2.ID
		if err := f.a.CheckUnlocked(ctx, other); err != nil {
			t.Errorf("approval of 6A1 locked 6A2: %v", err)
		}
		sa, _ := f.a.ApprovalsOf(ctx, leader, f.schoolA.ID)
		if len(sa.Approvals) != 1 || sa.Approvals[0].LockID == 0 {
			t.Fatalf("approvals: %+v", sa.Approvals)
		}
		if err := f.a.LiftLock(ctx, leader, sa.Approvals[0].LockID, "mở lại", 0); !app.IsForbidden(err) {
			t.Errorf("an approval lock was lifted: %v", err)
		}
	})
}

// TestColumnLock checks a lock of one column, as peers' grids allow: the
// end-of-term marks locked while the rest of the sheet stays open; a patch
// touching the locked column writes nothing; a correction is the way to change
// that column.
func TestColumnLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		f.grantLeader(t)
		leader := f.principal(t, "hieutruong")
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
		if _, err := f.a.SetLock(ctx, leader, app.LockInput{SheetID: sheet.ID, Field: "bogus", Reason: "Thử"}); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("a lock of an unknown column: %v", err)
		}
		if _, err := f.a.SetLock(ctx, leader, app.LockInput{SchoolID: f.schoolA.ID, Term: "hk1", Field: "final", Reason: "Chốt điểm cuối kì"}); err != nil {
			t.Fatal(err)
		}
		v, err := f.a.GetSheet(ctx, f.teacher, sheet.ID)
		if err != nil || v.Locked || v.LockedFields["final"] == "" || len(v.LockedFields) != 1 {
			t.Fatalf("the sheet after locking its final column: locked %v, fields %v, %v", v.Locked, v.LockedFields, err)
		}
		// The open columns take marks.
		if _, err := f.a.PatchSheet(ctx, f.teacher, sheet.ID, app.SheetPatch{Version: v.Sheet.Version, Changes: []app.SheetChange{{PupilID: pupil.ID, Field: "midterm", Value: num("7")}}}); err != nil {
			t.Fatalf("an open column refused: %v", err)
		}
		v, _ = f.a.GetSheet(ctx, f.teacher, sheet.ID)
		// A patch that touches the locked column writes nothing at all.
		_, err = f.a.PatchSheet(ctx, f.teacher, sheet.ID, app.SheetPatch{Version: v.Sheet.Version, Changes: []app.SheetChange{
			{PupilID: pupil.ID, Field: "midterm", Value: num("8")}, {PupilID: pupil.ID, Field: "final", Value: num("9")}}})
		if sdgdt.ErrorCode(err) != sdgdt.ELOCKED || !strings.Contains(sdgdt.ErrorMessage(err), "ĐĐGck") {
			t.Fatalf("a write to the locked column: %v", err)
		}
		if after, _ := f.a.GetSheet(ctx, f.teacher, sheet.ID); after.Sheet.Version != v.Sheet.Version {
			t.Error("a refused patch changed the sheet")
		}
		// The locked column is corrected through a request; the rest is edited directly.
		if _, err := f.a.RequestCorrection(ctx, f.teacher, sheet.ID, []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "midterm", Value: num("9")}}, "Nhầm"); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("a correction of an open column: %v", err)
		}
		if _, err := f.a.RequestCorrection(ctx, f.teacher, sheet.ID, []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "final", Value: num("9")}}, "Chấm phúc khảo"); err != nil {
			t.Errorf("a correction of the locked column: %v", err)
		}
	})
}
