package app_test

import (
	"testing"
	"time"

	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestProgressFreeze checks that reading a closed period writes nothing, that
// the job freezes it once, and that marks entered late leave the frozen figures
// as they were.
func TestProgressFreeze(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 3)
		leader := b.as("a1.leader")
		if _, err := b.patch("a1.math", "toan.hk1", 0, ch(b.pupils[0], "regular[0]", num("8"))); err != nil {
			t.Fatal(err)
		}
		// October 2026 is over once November starts.
		b.clk.Advance(30 * 24 * time.Hour)
		count := func() int {
			var n int
			b.must(b.db.View(b.ctx, func(tx *store.Tx) error {
				m, err := tx.Snapshots(b.school["A1"].ID, "2026-10")
				n = len(m)
				return err
			}))
			return n
		}
		sp, err := b.a.Progress(b.ctx, leader, b.school["A1"].ID, app.ProgressQuery{Period: "2026-10"})
		if err != nil {
			t.Fatal(err)
		}
		if !sp.Period.Closed || sp.Frozen || count() != 0 {
			t.Fatalf("reading a closed period: closed %v, frozen %v, snapshots %d (reads must not write)", sp.Period.Closed, sp.Frozen, count())
		}
		entered := sp.Entered
		n, err := b.a.FreezeProgress(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 || count() == 0 {
			t.Fatalf("froze %d periods, %d snapshots of 2026-10", n, count())
		}
		if again, err := b.a.FreezeProgress(b.ctx); err != nil || again != 0 {
			t.Fatalf("second run froze %d (%v), want 0", again, err)
		}
		// A mark entered late changes the live figures, not October's.
		if _, err := b.patch("a1.math", "toan.hk1", 1, ch(b.pupils[1], "regular[0]", num("9"))); err != nil {
			t.Fatal(err)
		}
		sp, err = b.a.Progress(b.ctx, leader, b.school["A1"].ID, app.ProgressQuery{Period: "2026-10"})
		if err != nil {
			t.Fatal(err)
		}
		if !sp.Frozen || sp.Entered != entered {
			t.Errorf("October after a late mark: frozen %v, entered %d, want %d", sp.Frozen, sp.Entered, entered)
		}
		live, err := b.a.Progress(b.ctx, leader, b.school["A1"].ID, app.ProgressQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if live.Entered != entered+1 {
			t.Errorf("live figures: entered %d, want %d", live.Entered, entered+1)
		}
	})
}
