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
