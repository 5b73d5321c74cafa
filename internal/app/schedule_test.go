package app_test

import (
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestEntrySchedule: the leader sets a due date, which the progress and the
// subject teacher's deadlines on his home page follow; others may not set it.
func TestEntrySchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 2)
		a1 := b.school["A1"].ID
		v, err := b.a.Schedule(b.ctx, b.as("a1.leader"), a1)
		b.must(err)
		if !v.CanEdit || len(v.Terms) != 2 || v.Terms[0].Term != "hk1" || len(v.Terms[0].Entries) != 6 || v.Terms[0].Entries[0].Own {
			t.Fatalf("schedule %+v", v)
		}
		// The clock is 5 October 2026: due on 20 October, the mid-term of
		// semester I comes up among the mathematics teacher's deadlines.
		due := time.Date(2026, 10, 20, 0, 0, 0, 0, sdgdt.Vietnam)
		for _, u := range []string{"a1.math", "a1.teacher", "b1.leader", "pa.board"} {
			err := b.a.SetSchedule(b.ctx, b.as(u), a1, "hk1", map[string]time.Time{"midterm": due})
			wantCode(t, u+" sets the schedule", err, sdgdt.EFORBIDDEN)
		}
		if _, err := b.a.Schedule(b.ctx, b.as("a1.math"), a1); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("a teacher reads the schedule page: %v", err)
		}
		err = b.a.SetSchedule(b.ctx, b.as("a1.leader"), a1, "hk1", map[string]time.Time{"midterm": time.Date(2030, 1, 1, 0, 0, 0, 0, sdgdt.Vietnam)})
		wantField(t, "a date outside the year", err, "midterm")
		b.must(b.a.SetSchedule(b.ctx, b.as("a1.leader"), a1, "hk1", map[string]time.Time{"midterm": due}))
		v, err = b.a.Schedule(b.ctx, b.as("pa.board"), a1)
		b.must(err)
		if e := v.Terms[0].Entries[4]; e.Item != "midterm" || !e.Own || !e.Due.Equal(due) || v.CanEdit {
			t.Errorf("midterm entry %+v, can edit %v", e, v.CanEdit)
		}
		h, err := b.a.Home(b.ctx, b.as("a1.math"))
		b.must(err)
		found := false
		for _, d := range h.Deadlines {
			if d.Subject == "Toán" && d.Label == app.FieldLabel("midterm") && d.Due.Equal(due) {
				found = true
			}
		}
		if !found {
			t.Errorf("the new due date is not among the teacher's deadlines: %+v", h.Deadlines)
		}
		// The leader's home: the next deadline, the schedule and statistics links.
		h, err = b.a.Home(b.ctx, b.as("a1.leader"))
		b.must(err)
		if len(h.Schools) != 1 || !h.Schools[0].CanSchedule || !h.Schools[0].CanStats || h.Schools[0].NextDue.IsZero() {
			t.Errorf("leader's home %+v", h.Schools)
		}
		// A unit's home: its statistics.
		h, err = b.a.Home(b.ctx, b.as("pa.board"))
		b.must(err)
		if len(h.UnitStats) != 1 || h.UnitStats[0].Figures.Pupils != 2 {
			t.Errorf("office's home statistics %+v", h.UnitStats)
		}
	})
}

// TestHomeApprovalCompleteness: a proposed book shows its empty and
// incomplete sheets to the leader.
func TestHomeApprovalCompleteness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 2)
		b.addUser("a1.board", "A1", sdgdt.RoleBoard)
		_, err := b.patch("a1.math", "toan.hk1", 0, ch(b.pupils[0], "midterm", num("7")))
		b.must(err)
		_, err = b.a.ProposeApproval(b.ctx, b.as("a1.board"), b.class.ID, "hk1", "")
		b.must(err)
		h, err := b.a.Home(b.ctx, b.as("a1.leader"))
		b.must(err)
		if len(h.Schools) != 1 || len(h.Schools[0].Approvals) != 1 {
			t.Fatalf("leader's home %+v", h.Schools)
		}
		ap := h.Schools[0].Approvals[0]
		if ap.ClassName != "6A" || ap.Sheets == 0 || len(ap.Incomplete) != 1 || ap.Incomplete[0].SubjectName != "Toán" || len(ap.Empty) != ap.Sheets-1 {
			t.Errorf("completeness %+v", ap)
		}
	})
}
