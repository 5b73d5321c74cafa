package app_test

import (
	"context"
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestNotAssessed: the principal decides a pupil is not assessed in a subject
// (TT22 Điều 10-11); the rules leave the subject out of his results, the
// stored results say so, and the decision is refused to others and under the
// year's lock.
func TestNotAssessed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		f.grantLeader(t)
		leader := f.principal(t, "hieutruong")
		pupil, err := f.a.EnrolNewPupil(ctx, f.adminA, f.c6a1.ID, pupilIn("Nguyễn Văn An", "05/09/2014", "nam", ""), f.year.StartsOn)
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.a.EnrolNewPupil(ctx, f.adminA, f.c6a2.ID, pupilIn("Lê Thị Bình", "05/09/2014", "nu", ""), f.year.StartsOn)
		if err != nil {
			t.Fatal(err)
		}
		view := func() (notAssessed, missingToan bool) {
			cy, err := f.a.ClassYear(ctx, leader, f.c6a1.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range cy.Pupils {
				if v.Pupil.ID != pupil.ID {
					continue
				}
				for i, s := range cy.Subjects {
					if s.Code == "toan" {
						notAssessed = v.Subjects[i].NotAssessed
					}
				}
				for _, m := range v.Result.Missing {
					missingToan = missingToan || strings.HasPrefix(m, "toan.")
				}
			}
			return notAssessed, missingToan
		}
		if s, missing := view(); s || !missing {
			t.Fatalf("before the decision: not assessed %v, Toán missing %v", s, missing)
		}
		bad := []struct {
			name    string
			p       *app.Principal
			pupil   int64
			subject string
			reason  string
			code    string
		}{
			{"homeroom teacher", f.homeroom, pupil.ID, "toan", "Kế hoạch giáo dục cá nhân", sdgdt.EFORBIDDEN},
			{"subject teacher", f.teacher, pupil.ID, "toan", "Kế hoạch giáo dục cá nhân", sdgdt.EFORBIDDEN},
			{"no reason", leader, pupil.ID, "toan", " ", sdgdt.EINVALID},
			{"subject not in the curriculum", leader, pupil.ID, "tieng_viet", "Kế hoạch giáo dục cá nhân", sdgdt.EINVALID},
			{"pupil of another class", leader, other.ID, "toan", "Kế hoạch giáo dục cá nhân", sdgdt.EINVALID},
		}
		for _, b := range bad {
			if err := f.a.SetNotAssessed(ctx, b.p, f.c6a1.ID, b.pupil, b.subject, true, b.reason); sdgdt.ErrorCode(err) != b.code {
				t.Errorf("%s: %v, want %s", b.name, err, b.code)
			}
		}
		if s, _ := view(); s {
			t.Fatal("a refused decision changed the results")
		}
		pupilsOf := func() int { // the pupils the progress of 6A1's Toán sheets expects marks of
			sp, err := f.a.Progress(ctx, leader, f.schoolA.ID, app.ProgressQuery{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range sp.Rows {
				if r.ClassName == f.c6a1.Name && r.Subject == "toan" {
					return r.Pupils
				}
			}
			t.Fatal("no progress row for Toán 6A1")
			return 0
		}
		before := pupilsOf()
		if err := f.a.SetNotAssessed(ctx, leader, f.c6a1.ID, pupil.ID, "toan", true, "Học sinh khuyết tật, kế hoạch giáo dục cá nhân số 12/KH"); err != nil {
			t.Fatal(err)
		}
		if n := pupilsOf(); n != before-1 {
			t.Errorf("progress expects marks of %d pupils, want %d", n, before-1)
		}
		if s, missing := view(); !s || missing {
			t.Fatalf("after the decision: not assessed %v, Toán missing %v", s, missing)
		}
		// The stored result says so too.
		rs, err := f.a.ClassResults(ctx, leader, f.c6a1.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rs {
			if r.PupilID != pupil.ID {
				continue
			}
			subs, err := app.DecodeSubjects(r)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range subs {
				found = found || (s.Subject == "toan" && s.NotAssessed)
			}
			if strings.Contains(r.MissingJSON, "toan.") {
				t.Errorf("stored result still misses Toán: %s", r.MissingJSON)
			}
		}
		if !found {
			t.Error("stored result: Toán not marked as not assessed")
		}
		na, err := f.a.NotAssessedOfClass(ctx, f.homeroom, f.c6a1.ID)
		if err != nil || len(na.Decisions) != 1 || na.Decisions[0].Subject != "toan" || na.CanDecide {
			t.Fatalf("the class's decisions for its homeroom teacher: %+v %v", na.Decisions, err)
		}
		// Withdrawn: assessed again.
		if err := f.a.SetNotAssessed(ctx, leader, f.c6a1.ID, pupil.ID, "toan", false, "Học sinh học được chương trình chung"); err != nil {
			t.Fatal(err)
		}
		if s, missing := view(); s || !missing {
			t.Fatalf("after withdrawal: not assessed %v, Toán missing %v", s, missing)
		}
		// Under the year's lock: refused.
		if _, err := f.a.SetLock(ctx, leader, app.LockInput{SchoolID: f.schoolA.ID, Term: "hk2", Reason: "Khóa sổ cuối năm"}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SetNotAssessed(ctx, leader, f.c6a1.ID, pupil.ID, "toan", true, "Kế hoạch giáo dục cá nhân"); sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
			t.Errorf("decision under the year's lock: %v", err)
		}
		if p, _, err := db.VerifyAudit(ctx); p != nil || err != nil {
			t.Errorf("audit chain: %v %v", p, err)
		}
	})
}
