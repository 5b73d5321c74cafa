package app_test

import (
	"fmt"
	"sync"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestParallelStaleSaves saves the same cell from eight clients at once, all
// with the same (stale) version and different values: exactly one save wins,
// the others are told of the conflict, the version moves once and the cell's
// history has one entry. On PostgreSQL (READ COMMITTED) this needs the sheet's
// row lock before the version check; SQLite serialises writers anyway.
func TestParallelStaleSaves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 2)
		pupil := b.pupils[0]
		for round := 0; round < 5; round++ {
			version := b.sheetVersion("toan.hk1")
			const clients = 8
			var wg sync.WaitGroup
			errs := make([]error, clients)
			start := make(chan struct{})
			for i := 0; i < clients; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = b.patch("a1.math", "toan.hk1", version, ch(pupil, "regular[0]", num(fmt.Sprint(round, ",", i))))
				}()
			}
			close(start)
			wg.Wait()
			won, conflicts := 0, 0
			for _, err := range errs {
				switch sdgdt.ErrorCode(err) {
				case "":
					won++
				case sdgdt.ECONFLICT:
					conflicts++
				default:
					t.Errorf("round %d: unexpected error %v", round, err)
				}
			}
			if won != 1 || conflicts != clients-1 {
				t.Fatalf("round %d: %d saves won, %d conflicts; want 1 and %d", round, won, conflicts, clients-1)
			}
			if v := b.sheetVersion("toan.hk1"); v != version+1 {
				t.Fatalf("round %d: version %d → %d, want one step", round, version, v)
			}
		}
		var hist []sdgdt.MarkChange
		b.must(b.db.View(b.ctx, func(tx *store.Tx) error {
			var err error
			hist, err = tx.CellHistory(b.school["A1"].ID, b.year.ID, pupil, "toan", "hk1", "regular[0]")
			return err
		}))
		if len(hist) != 5 {
			t.Errorf("history has %d entries, want 5 (one per round)", len(hist))
		}
		for i := 1; i < len(hist); i++ {
			// oldest first: each entry's previous value is the one before it set
			if hist[i].Previous != hist[i-1].Value {
				t.Errorf("history entry %d: previous %q, the entry before it set %q (a lost update)", i, hist[i].Previous, hist[i-1].Value)
			}
		}
	})
}

func (b *book) sheetVersion(sheet string) int64 {
	var v int64
	b.must(b.db.View(b.ctx, func(tx *store.Tx) error { sh, err := tx.Sheet(b.sheets[sheet]); v = sh.Version; return err }))
	return v
}

// TestCellHistoryOnlyForPupilsOfTheSheet checks that a sheet's cell history
// does not answer for a pupil of another class of the same school.
func TestCellHistoryOnlyForPupilsOfTheSheet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 2)
		other, err := b.a.CreateClass(b.ctx, b.sys, sdgdt.Class{SchoolID: b.school["A1"].ID, SchoolYearID: b.year.ID, Grade: 7, Name: "7Z", Ruleset: "tt22"})
		b.must(err)
		stranger, err := b.a.EnrolNewPupil(b.ctx, b.sys, other.ID, app.PupilInput{FullName: "Lê Thị Lạ", DateOfBirth: "02/03/2013", Sex: "nu"}, b.year.StartsOn)
		b.must(err)
		if _, err := b.patch("a1.math", "toan.hk1", 0, ch(b.pupils[0], "regular[0]", num("8"))); err != nil {
			t.Fatal(err)
		}
		h, err := b.a.CellHistory(b.ctx, b.as("a1.math"), b.sheets["toan.hk1"], b.pupils[0], "regular[0]")
		if err != nil || len(h) != 1 {
			t.Fatalf("own pupil: %d entries, %v", len(h), err)
		}
		if _, err := b.a.CellHistory(b.ctx, b.as("a1.math"), b.sheets["toan.hk1"], stranger.ID, "regular[0]"); sdgdt.ErrorCode(err) != sdgdt.ENOTFOUND {
			t.Errorf("pupil of another class: %v, want not found", err)
		}
	})
}
