package app_test

import (
	"testing"
	"time"

	"sdgdt"
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

// TestProgressSummaries checks that a unit's dashboard reads the summaries
// the job counts, with the figures the schools' own pages show, that a school
// without one is counted live, and that the job counts again only the schools
// whose data changed.
func TestProgressSummaries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 3)
		board := b.as("a1.leader")
		school := b.school["A1"]
		if _, err := b.patch("a1.math", "toan.hk1", 0, ch(b.pupils[0], "regular[0]", num("8"))); err != nil {
			t.Fatal(err)
		}
		live, err := b.a.Progress(b.ctx, board, school.ID, app.ProgressQuery{})
		if err != nil {
			t.Fatal(err)
		}
		unit := func() app.SchoolProgress {
			t.Helper()
			up, err := b.a.UnitProgressOf(b.ctx, b.sys, school.UnitID, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, sp := range up.Schools {
				if sp.School.ID == school.ID {
					return sp
				}
			}
			t.Fatalf("school %d not on its unit's dashboard", school.ID)
			return app.SchoolProgress{}
		}
		if sp := unit(); !sp.CountedAt.IsZero() || sp.Entered != live.Entered || sp.Required != live.Required || sp.TeacherCount != len(live.Teachers) {
			t.Fatalf("before the job: counted at %v, %d/%d by %d teachers, want live %d/%d by %d", sp.CountedAt, sp.Entered, sp.Required, sp.TeacherCount,
				live.Entered, live.Required, len(live.Teachers))
		}
		n, err := b.a.RefreshProgressSummaries(b.ctx)
		if err != nil || n == 0 {
			t.Fatalf("job counted %d (%v)", n, err)
		}
		if again, err := b.a.RefreshProgressSummaries(b.ctx); err != nil || again != 0 {
			t.Fatalf("second run counted %d (%v), want 0: nothing changed", again, err)
		}
		sp := unit()
		if sp.CountedAt.IsZero() || sp.Entered != live.Entered || sp.Required != live.Required || sp.TeacherCount != len(live.Teachers) {
			t.Fatalf("summary: counted at %v, %d/%d by %d teachers, want %d/%d by %d", sp.CountedAt, sp.Entered, sp.Required, sp.TeacherCount,
				live.Entered, live.Required, len(live.Teachers))
		}
		// A new mark: the dashboard shows the summary until the job counts again.
		if _, err := b.patch("a1.math", "toan.hk1", 1, ch(b.pupils[1], "regular[0]", num("9"))); err != nil {
			t.Fatal(err)
		}
		if sp := unit(); sp.Entered != live.Entered {
			t.Fatalf("before the job ran again: entered %d, want the summary's %d", sp.Entered, live.Entered)
		}
		if n, err := b.a.RefreshProgressSummaries(b.ctx); err != nil || n == 0 {
			t.Fatalf("job after a change counted %d (%v)", n, err)
		}
		if sp := unit(); sp.Entered != live.Entered+1 {
			t.Fatalf("after the job: entered %d, want %d", sp.Entered, live.Entered+1)
		}
		// October once it is over and frozen: the snapshot's sums, as the school's page.
		b.clk.Advance(30 * 24 * time.Hour)
		if _, err := b.a.FreezeProgress(b.ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := b.a.RefreshProgressSummaries(b.ctx); err != nil {
			t.Fatal(err)
		}
		oct, err := b.a.Progress(b.ctx, board, school.ID, app.ProgressQuery{Period: "2026-10"})
		if err != nil {
			t.Fatal(err)
		}
		up, err := b.a.UnitProgressOf(b.ctx, b.sys, school.UnitID, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range up.Schools {
			if sp.School.ID == school.ID && (!sp.Frozen || sp.CountedAt.IsZero() || sp.Entered != oct.Entered || sp.Required != oct.Required || sp.TeacherCount != len(oct.Teachers)) {
				t.Fatalf("October on the dashboard: frozen %v, counted %v, %d/%d by %d; the school's page %d/%d by %d", sp.Frozen, sp.CountedAt,
					sp.Entered, sp.Required, sp.TeacherCount, oct.Entered, oct.Required, len(oct.Teachers))
			}
		}
	})
}

// TestRecomputeAll checks that a school year marked stale as a whole (after a
// rule-set change) is computed again, nothing left stale, and that only the
// system may ask it.
func TestRecomputeAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 3)
		b.a.WaitResults()
		stale := func() int {
			var n int
			b.must(b.db.View(b.ctx, func(tx *store.Tx) error {
				ks, err := tx.StaleResults(1000)
				n = len(ks)
				return err
			}))
			return n
		}
		if n, err := b.a.MarkYearStale(b.ctx, b.as("a1.leader"), b.class.SchoolID, b.class.SchoolYearID); err == nil || n != 0 {
			t.Fatalf("a leader marked the year stale: %d, %v", n, err)
		}
		release := b.a.HoldResults()
		n, err := b.a.MarkYearStale(b.ctx, b.sys, b.class.SchoolID, b.class.SchoolYearID)
		if err != nil || n != len(b.pupils) || stale() != n {
			t.Fatalf("marked %d (%v), %d stale; want the class's %d pupils", n, err, stale(), len(b.pupils))
		}
		release()
		if err := b.a.RecomputeAll(b.ctx, b.sys, b.class.SchoolID, b.class.SchoolYearID); err != nil {
			t.Fatal(err)
		}
		b.a.WaitResults()
		if n := stale(); n != 0 {
			t.Fatalf("%d pupil-years still stale after RecomputeAll", n)
		}
	})
}

// TestRecomputeUnchanged checks that a year computed again with nothing
// changed in it marks its results computed without writing them again, nor
// counting its classes' statistics again, on both kinds of school; and that a
// result that does come out otherwise is written and counted.
func TestRecomputeUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		b := newBook(t, w, 3)
		pb := newPrimaryBook(t, w, 2)
		_, err := b.patch("a1.math", "toan.hk1", 0, ch(b.pupils[0], "regular[0]", num("8")))
		b.must(err)
		b.a.WaitResults()
		classes := []sdgdt.Class{b.class, pb.classes[5]}
		for _, c := range classes { // every pupil's first result
			b.must(b.a.RecomputeAll(b.ctx, b.sys, c.SchoolID, c.SchoolYearID))
		}
		pupilsCounted := func(c sdgdt.Class) int64 {
			t.Helper()
			var n int64 = -1
			b.must(db.View(b.ctx, func(tx *store.Tx) error {
				cs, err := tx.ClassStatistics(c.SchoolID, c.SchoolYearID, "year")
				for _, f := range cs {
					if f.ClassID == c.ID {
						n = f.Figures.Pupils
					}
				}
				return err
			}))
			return n
		}
		result := func(c sdgdt.Class, pupil int64) sdgdt.PupilResult {
			t.Helper()
			var r sdgdt.PupilResult
			b.must(db.View(b.ctx, func(tx *store.Tx) error {
				var err error
				r, err = tx.Result(c.SchoolID, c.SchoolYearID, pupil)
				return err
			}))
			return r
		}
		want := map[int64]int64{}
		for _, c := range classes {
			if want[c.ID] = pupilsCounted(c); want[c.ID] <= 0 {
				t.Fatalf("class %s: %d pupils counted, want its pupils", c.Name, want[c.ID])
			}
			// Emptied behind the application's back: a recount would show.
			b.must(db.ExecForTest(b.ctx, `UPDATE result_statistics SET data = '{}' WHERE class_id = $1`, c.ID))
		}
		before := []sdgdt.PupilResult{result(b.class, b.pupils[0]), result(pb.classes[5], pb.pupils[5][0])}
		b.clk.Advance(time.Hour)
		for _, c := range classes {
			b.must(b.a.RecomputeAll(b.ctx, b.sys, c.SchoolID, c.SchoolYearID))
		}
		for i, c := range classes {
			r := result(c, before[i].PupilID)
			if r.Stale || !r.ComputedAt.After(before[i].ComputedAt) || r.Gen <= before[i].Gen {
				t.Errorf("class %s, computed again: stale %v, computed at %s (before %s), gen %d (before %d); want it computed now at the new generation",
					c.Name, r.Stale, r.ComputedAt, before[i].ComputedAt, r.Gen, before[i].Gen)
			}
			if r.Promotion != before[i].Promotion || r.SubjectsJSON != before[i].SubjectsJSON || r.Year != before[i].Year {
				t.Errorf("class %s: the result changed with nothing changed: %+v, was %+v", c.Name, r, before[i])
			}
			if n := pupilsCounted(c); n != 0 {
				t.Errorf("class %s: counted again (%d pupils) with no result changed", c.Name, n)
			}
		}

		// A result that comes out otherwise: written, and its class counted.
		_, err = b.patch("a1.math", "toan.hk1", 1, ch(b.pupils[1], "regular[0]", num("7")))
		b.must(err)
		b.a.WaitResults()
		if n := pupilsCounted(b.class); n != want[b.class.ID] {
			t.Errorf("after a mark: %d pupils counted, want %d", n, want[b.class.ID])
		}
		// A stored result altered behind the application's back is corrected
		// by the next computation, and its class counted again.
		p := pb.pupils[5][0]
		b.must(db.ExecForTest(b.ctx, `UPDATE pupil_results SET promotion = 'x' WHERE pupil_id = $1`, p))
		b.must(b.a.RecomputeAll(b.ctx, b.sys, pb.classes[5].SchoolID, pb.classes[5].SchoolYearID))
		if r := result(pb.classes[5], p); r.Promotion != before[1].Promotion {
			t.Errorf("altered result computed again: promotion %q, want %q", r.Promotion, before[1].Promotion)
		}
		if n := pupilsCounted(pb.classes[5]); n != want[pb.classes[5].ID] {
			t.Errorf("after the correction: %d pupils counted, want %d", n, want[pb.classes[5].ID])
		}
	})
}
