package app_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// fillYear enters both semesters of every subject of class 6A for a pupil:
// comment subjects Đạt, scored subjects 9 except those given in low.
func (b *book) fillYear(pupil int64, low map[string]string) {
	b.t.Helper()
	var subjects []sdgdt.ClassSubject
	b.must(b.db.View(b.ctx, func(tx *store.Tx) error { var err error; subjects, err = tx.ClassSubjects(b.class.ID); return err }))
	for _, cs := range subjects {
		n := assess.RegularCount(assess.AssessedBy(cs.AssessedBy), cs.PeriodsPerYear)
		user := "a1.other"
		if cs.Subject == "toan" {
			user = "a1.math"
		}
		val := num("9")
		if v, ok := low[cs.Subject]; ok {
			val = num(v)
		}
		if cs.AssessedBy == "comment" {
			val = text("D")
		}
		for _, term := range []string{"hk1", "hk2"} {
			var chs []app.SheetChange
			for k := 0; k < n; k++ {
				chs = append(chs, ch(pupil, fmt.Sprintf("regular[%d]", k), val))
			}
			chs = append(chs, ch(pupil, "midterm", val), ch(pupil, "final", val))
			if _, err := b.a.PatchSheet(b.ctx, b.as(user), b.sheets[cs.Subject+"."+term], app.SheetPatch{Version: 0, Changes: chs, Via: app.ViaAPI}); err != nil {
				b.t.Fatalf("%s.%s: %v", cs.Subject, term, err)
			}
		}
	}
}

func (b *book) result(pupil int64) sdgdt.PupilResult {
	b.t.Helper()
	b.a.WaitResults()
	rs, err := b.a.ClassResults(b.ctx, b.as("a1.teacher"), b.class.ID)
	b.must(err)
	for _, r := range rs {
		if r.PupilID == pupil {
			return r
		}
	}
	b.t.Fatalf("no result for pupil %d", pupil)
	return sdgdt.PupilResult{}
}

func TestHomeroomConduct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 2)
		p0, p1 := b.pupils[0], b.pupils[1]
		hr := b.as("a1.teacher")
		// Rights: a subject teacher, another school's leader, the school's
		// leader (reads, does not rate) are refused.
		for _, u := range []string{"a1.math", "b1.leader", "a1.leader"} {
			err := b.a.SetConduct(b.ctx, b.as(u), b.class.ID, []app.ConductEntry{{PupilID: p0, Term: "hk1", Level: "T"}})
			wantCode(t, u+" rates conduct", err, sdgdt.EFORBIDDEN)
		}
		// Validation: all or nothing, a message per field.
		err := b.a.SetConduct(b.ctx, hr, b.class.ID, []app.ConductEntry{{PupilID: p0, Term: "hk1", Level: "T"}, {PupilID: p1, Term: "hk1", Level: "Giỏi"},
			{PupilID: p1, Term: "hk3", Level: "K"}})
		wantCode(t, "bad levels", err, sdgdt.EINVALID)
		wantField(t, "bad level", err, strconv.FormatInt(p1, 10)+".hk1")
		wantField(t, "bad term", err, strconv.FormatInt(p1, 10)+".hk3")
		cy, err := b.a.ClassYear(b.ctx, hr, b.class.ID)
		b.must(err)
		if len(cy.Pupils) != 2 || cy.Pupils[0].Conduct["hk1"].Level != "" || !cy.CanConduct {
			t.Fatalf("nothing may be stored after a refused request: %+v", cy.Pupils[0].Conduct)
		}
		b.must(b.a.SetConduct(b.ctx, hr, b.class.ID, []app.ConductEntry{{PupilID: p0, Term: "hk1", Level: "Đ", Comment: "Cần cố gắng hơn"},
			{PupilID: p0, Term: "hk2", Level: "CĐ"}, {PupilID: p1, Term: "hk1", Level: "t"}, {PupilID: p1, Term: "hk2", Level: "K"}}))
		cy, err = b.a.ClassYear(b.ctx, b.as("a1.leader"), b.class.ID)
		b.must(err)
		if cy.CanConduct {
			t.Error("a leader may rate conduct")
		}
		byID := map[int64]*app.PupilYearView{}
		for i := range cy.Pupils {
			byID[cy.Pupils[i].Pupil.ID] = &cy.Pupils[i]
		}
		if c := byID[p0].Conduct["hk1"]; c.Level != "D" || c.Comment != "Cần cố gắng hơn" {
			t.Errorf("stored conduct %+v", c)
		}
		if y := byID[p0].Result.Year.Conduct; y != assess.LevelCD {
			t.Errorf("year conduct of Đ, CĐ = %v, want Chưa đạt", y)
		}
		if y := byID[p1].Result.Year.Conduct; y != assess.LevelK {
			t.Errorf("year conduct of T, K = %v, want Khá", y)
		}
		// A lock on semester II refuses conduct of semester II and the summer.
		l, err := b.a.SetLock(b.ctx, b.as("a1.leader"), app.LockInput{SchoolID: b.school["A1"].ID, Term: "hk2", Reason: "Khóa sổ học kì II"})
		b.must(err)
		for _, term := range []string{"hk2", "summer"} {
			err := b.a.SetConduct(b.ctx, hr, b.class.ID, []app.ConductEntry{{PupilID: p0, Term: term, Level: "D"}})
			wantCode(t, "conduct under a lock", err, sdgdt.ELOCKED)
		}
		b.must(b.a.SetConduct(b.ctx, hr, b.class.ID, []app.ConductEntry{{PupilID: p0, Term: "hk1", Level: "K"}}))
		cy, err = b.a.ClassYear(b.ctx, hr, b.class.ID)
		b.must(err)
		if cy.Locks["hk2"] == "" || cy.Locks["summer"] == "" || cy.Locks["hk1"] != "" {
			t.Errorf("locks shown: %v", cy.Locks)
		}
		b.must(b.a.LiftLock(b.ctx, b.as("a1.leader"), l.ID, "xong", 0))
	})
}

func TestHomeroomRetestsAndLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 3)
		p0, p1, p2 := b.pupils[0], b.pupils[1], b.pupils[2]
		low := map[string]string{"toan": "3", "ngu_van": "3"}
		b.fillYear(p0, low)
		b.fillYear(p1, low)
		b.fillYear(p2, nil)
		hr := b.as("a1.teacher")
		var conduct []app.ConductEntry
		for _, p := range b.pupils {
			conduct = append(conduct, app.ConductEntry{PupilID: p, Term: "hk1", Level: "T"}, app.ConductEntry{PupilID: p, Term: "hk2", Level: "T"})
		}
		b.must(b.a.SetConduct(b.ctx, hr, b.class.ID, conduct))
		r := b.result(p0)
		if r.Year.Learning != "CD" || r.Promotion != "retest" || r.RetestSubjects != "ngu_van,toan" && r.RetestSubjects != "toan,ngu_van" {
			t.Fatalf("before re-tests: learning %q, promotion %q, re-tests %q", r.Year.Learning, r.Promotion, r.RetestSubjects)
		}
		// Rights: the mathematics teacher enters mathematics, not literature;
		// the literature teacher enters literature; a teacher of another
		// school nothing; the homeroom teacher every subject.
		err := b.a.RecordRetests(b.ctx, b.as("a1.math"), b.class.ID, []app.RetestEntry{{PupilID: p0, Subject: "ngu_van", Value: "6"}})
		wantCode(t, "maths teacher enters literature", err, sdgdt.EFORBIDDEN)
		err = b.a.RecordRetests(b.ctx, b.as("b1.teacher"), b.class.ID, []app.RetestEntry{{PupilID: p0, Subject: "toan", Value: "6"}})
		wantCode(t, "teacher of another school", err, sdgdt.EFORBIDDEN)
		err = b.a.RecordRetests(b.ctx, b.as("a1.math"), b.class.ID, []app.RetestEntry{{PupilID: p0, Subject: "toan", Value: "6,55"}})
		wantCode(t, "two decimals", err, sdgdt.EINVALID)
		b.must(b.a.RecordRetests(b.ctx, b.as("a1.math"), b.class.ID, []app.RetestEntry{{PupilID: p0, Subject: "toan", Value: "6,5"}, {PupilID: p1, Subject: "toan", Value: "2"}}))
		b.must(b.a.RecordRetests(b.ctx, b.as("a1.other"), b.class.ID, []app.RetestEntry{{PupilID: p0, Subject: "ngu_van", Value: "5"}}))
		b.must(b.a.RecordRetests(b.ctx, hr, b.class.ID, []app.RetestEntry{{PupilID: p1, Subject: "ngu_van", Value: "3"}}))
		// Recomputed in the background: passed re-tests → promoted; still
		// below the floor → retained.
		if r := b.result(p0); r.Promotion != "promoted" || r.LearningFinal != "K" || r.Year.Learning != "CD" {
			t.Errorf("p0 after re-tests: promotion %q, final %q, year %q", r.Promotion, r.LearningFinal, r.Year.Learning)
		}
		if r := b.result(p1); r.Promotion != "retained" || r.LearningFinal != "CD" {
			t.Errorf("p1 after re-tests: promotion %q, final %q", r.Promotion, r.LearningFinal)
		}
		// The re-test page: the homeroom teacher sees both pupils and every
		// subject; the maths teacher only mathematics; another school nothing.
		rv, err := b.a.ClassRetests(b.ctx, hr, b.class.ID)
		b.must(err)
		if !rv.All || len(rv.Entries) != 2 || len(rv.Entries[0].Subjects) != 2 || rv.Values[p0]["toan"] != "6.5" {
			t.Errorf("homeroom re-test view: all %v, %d entries, values %v", rv.All, len(rv.Entries), rv.Values)
		}
		rv, err = b.a.ClassRetests(b.ctx, b.as("a1.math"), b.class.ID)
		b.must(err)
		if rv.All || !rv.Editable["toan"] || rv.Editable["ngu_van"] || len(rv.Entries) != 2 || len(rv.Entries[0].Subjects) != 1 || rv.Entries[0].Subjects[0] != "toan" {
			t.Errorf("maths teacher's re-test view: %+v %+v", rv.Editable, rv.Entries)
		}
		_, err = b.a.ClassRetests(b.ctx, b.as("b1.teacher"), b.class.ID)
		wantCode(t, "re-test page of another school", err, sdgdt.EFORBIDDEN)
		// The lists.
		cy, err := b.a.ClassYear(b.ctx, hr, b.class.ID)
		b.must(err)
		l := app.Lists(&cy)
		names := func(es []app.ListEntry) string {
			var out []string
			for _, e := range es {
				out = append(out, strconv.FormatInt(e.Pupil.Pupil.ID, 10))
			}
			return strings.Join(out, ",")
		}
		id := func(p int64) string { return strconv.FormatInt(p, 10) }
		if got := names(l.Promoted); !containsAll(","+got+",", ","+id(p0)+",", ","+id(p2)+",") || len(l.Promoted) != 2 {
			t.Errorf("promoted %s", got)
		}
		if names(l.Retained) != id(p1) || len(l.Retest) != 2 || len(l.Summer) != 0 || len(l.Pending) != 0 {
			t.Errorf("retained %s, retest %d, summer %d, pending %d", names(l.Retained), len(l.Retest), len(l.Summer), len(l.Pending))
		}
		if names(l.Excellent) != id(p2) || len(l.Good) != 0 {
			t.Errorf("excellent %s, good %d", names(l.Excellent), len(l.Good))
		}
		if !strings.Contains(l.Promoted[0].Note+l.Promoted[1].Note, "sau kiểm tra lại") {
			t.Errorf("promoted after re-tests not noted: %+v", l.Promoted)
		}
		// Explanations: the year of p0 explains re-tests and the final level.
		_, ex, err := b.a.ClassExplanations(b.ctx, b.as("a1.leader"), b.class.ID, "year")
		b.must(err)
		for _, e := range ex {
			if e.Pupil.Pupil.ID != p0 {
				continue
			}
			if e.Learning.Result != "Chưa đạt" || e.LearningFinal == nil || e.LearningFinal.Result != "Khá" || e.Promotion == nil || e.Promotion.Result != "Lên lớp" {
				t.Errorf("explanation of p0: %+v", e)
			}
			if len(e.Learning.Checks) != 3 || e.Learning.Checks[2].Met || !strings.Contains(e.Learning.Checks[2].Conditions[2].Text, "3,5") {
				t.Errorf("checks of p0: %+v", e.Learning.Checks)
			}
		}
		_, _, err = b.a.ClassExplanations(b.ctx, b.as("b1.leader"), b.class.ID, "year")
		wantCode(t, "explanations to another school", err, sdgdt.EFORBIDDEN)
		_, _, err = b.a.ClassExplanations(b.ctx, hr, b.class.ID, "hk3")
		wantCode(t, "explanations of a bad term", err, sdgdt.EMALFORMED)
	})
}

func TestHomeroomSummerTraining(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 1)
		p0 := b.pupils[0]
		b.fillYear(p0, nil)
		hr := b.as("a1.teacher")
		b.must(b.a.SetConduct(b.ctx, hr, b.class.ID, []app.ConductEntry{{PupilID: p0, Term: "hk1", Level: "K"}, {PupilID: p0, Term: "hk2", Level: "CD"}}))
		if r := b.result(p0); r.Promotion != "summer_training" || r.Award != "" {
			t.Fatalf("conduct CĐ: promotion %q award %q", r.Promotion, r.Award)
		}
		b.must(b.a.SetConduct(b.ctx, hr, b.class.ID, []app.ConductEntry{{PupilID: p0, Term: "summer", Level: "D", Comment: "Tiến bộ sau hè"}}))
		if r := b.result(p0); r.Promotion != "promoted" || r.ConductFinal != "D" {
			t.Fatalf("after the summer re-assessment: promotion %q, conduct %q", r.Promotion, r.ConductFinal)
		}
		cy, err := b.a.ClassYear(b.ctx, hr, b.class.ID)
		b.must(err)
		l := app.Lists(&cy)
		if len(l.Summer) != 1 || !strings.Contains(l.Summer[0].Note, "Đạt") || len(l.Promoted) != 1 || !strings.Contains(l.Promoted[0].Note, "rèn luyện hè") {
			t.Errorf("lists: summer %+v, promoted %+v", l.Summer, l.Promoted)
		}
	})
}

func TestHomeroomComments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 2)
		p0, p1 := b.pupils[0], b.pupils[1]
		hr := b.as("a1.teacher")
		err := b.a.SetHomeroomComments(b.ctx, b.as("a1.math"), b.class.ID, []app.HomeroomCommentEntry{{PupilID: p0, Term: "hk1", Comment: "Ngoan"}})
		wantCode(t, "a subject teacher comments", err, sdgdt.EFORBIDDEN)
		err = b.a.SetHomeroomComments(b.ctx, hr, b.class.ID, []app.HomeroomCommentEntry{{PupilID: p0, Term: "hk1", Comment: "Ngoan"},
			{PupilID: p1, Term: "year", Comment: strings.Repeat("dài ", 300)}, {PupilID: p1, Term: "cn", Comment: "x"}})
		wantCode(t, "bad comments", err, sdgdt.EINVALID)
		wantField(t, "too long", err, strconv.FormatInt(p1, 10)+".year")
		wantField(t, "bad term", err, strconv.FormatInt(p1, 10)+".cn")
		n0 := len(b.auditEntries())
		b.must(b.a.SetHomeroomComments(b.ctx, hr, b.class.ID, []app.HomeroomCommentEntry{{PupilID: p0, Term: "hk1", Comment: "  Ngoan,\tchăm học "},
			{PupilID: p1, Term: "hk1", Comment: ""}}))
		b.must(b.a.SetHomeroomComments(b.ctx, hr, b.class.ID, []app.HomeroomCommentEntry{{PupilID: p0, Term: "hk1", Comment: "Ngoan, chăm học, tiến bộ"}}))
		// Unchanged texts write nothing.
		b.must(b.a.SetHomeroomComments(b.ctx, hr, b.class.ID, []app.HomeroomCommentEntry{{PupilID: p0, Term: "hk1", Comment: "Ngoan, chăm học, tiến bộ"}}))
		es := b.auditEntries()
		if len(es)-n0 != 2 || es[0].Action != "homeroom_comment.set" || !strings.Contains(es[0].Before, "Ngoan, chăm học") || !strings.Contains(es[0].After, "tiến bộ") {
			t.Fatalf("audit: %d new entries, newest %+v", len(es)-n0, es[0])
		}
		cy, err := b.a.ClassBook(b.ctx, b.as("a1.leader"), b.class.ID)
		b.must(err)
		for _, v := range cy.Pupils {
			if v.Pupil.ID == p0 && v.Comments["hk1"] != "Ngoan, chăm học, tiến bộ" {
				t.Errorf("comment %q", v.Comments["hk1"])
			}
		}
		b.verifyAudit()
	})
}
