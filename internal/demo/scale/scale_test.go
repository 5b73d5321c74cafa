package scale_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo/scale"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

const password = "Demo@SoDanhGia2026"

func newApp(db *store.DB) *app.App {
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	return app.New(db, cfg, nil)
}

func principal(t *testing.T, db *store.DB, userID int64) *app.Principal {
	t.Helper()
	p := &app.Principal{IP: "192.0.2.1", UserAgent: "test", RequestID: "test"}
	if err := db.View(context.Background(), func(tx *store.Tx) error {
		var err error
		if p.User, err = tx.User(userID); err != nil {
			return err
		}
		p.Roles, err = tx.RolesOf(userID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBuild builds a 5-school province on each engine and reads it back
// through the use cases: the tree and the schools, class lists, entry
// progress, stored results; the audit chain and the data check pass, then
// still pass after an ordinary save and enrolment on the loaded data, and
// catch a history row of the load changed behind the log's back.
func TestBuild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newApp(db)
		before, err := db.Tables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := scale.Build(ctx, a, scale.Options{Schools: 5, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		// The indexes the load dropped on PostgreSQL are built again as they were.
		after, err := db.Tables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("the schema changed with the load:\nbefore %+v\nafter  %+v", before, after)
		}
		t.Logf("%d schools %v, %d classes, %d pupils, %d marks, %d rows in %s (%.0f rows/s)", sum.Schools, sum.SchoolsByKind, sum.Classes, sum.Pupils,
			sum.Marks, sum.Rows, sum.Elapsed.Round(time.Millisecond), sum.RowsPerSecond())
		if sum.Schools != 5 || sum.SchoolsByKind["th"] == 0 || sum.SchoolsByKind["thcs"] == 0 || sum.SchoolsByKind["thpt"] == 0 {
			t.Fatalf("schools: %+v", sum.SchoolsByKind)
		}
		if sum.Pupils < 5*300*9/10 || sum.Pupils > 5*1300 || sum.Marks < sum.Pupils*50 {
			t.Fatalf("sizes: %d pupils, %d marks", sum.Pupils, sum.Marks)
		}
		var schools []sdgdt.School
		classes := map[int64][]sdgdt.Class{}
		leaders := map[int64]int64{}
		if err := db.View(ctx, func(tx *store.Tx) error {
			y, err := tx.CurrentYear()
			if err != nil {
				return err
			}
			if schools, err = tx.SchoolsBelow("/"); err != nil {
				return err
			}
			for _, s := range schools {
				if classes[s.ID], err = tx.ClassesOf(s.ID, y.ID); err != nil {
					return err
				}
				u, err := tx.UserByUsername(strings.ToLower(strings.ReplaceAll(s.Code, "-", "")) + ".lanhdao")
				if err != nil {
					return err
				}
				leaders[s.ID] = u.ID
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(schools) != 5 {
			t.Fatalf("%d schools below the Sở", len(schools))
		}
		nClasses, nPupils := 0, 0
		start := time.Now()
		for _, s := range schools {
			leader := principal(t, db, leaders[s.ID])
			pupils := 0
			for _, c := range classes[s.ID] {
				nClasses++
				rec, err := a.ClassRecords(ctx, leader, c.ID)
				if err != nil {
					t.Fatalf("%s %s: %v", s.Code, c.Name, err)
				}
				if len(rec.Roster) < 30 || len(rec.Roster) > 50 || len(rec.Subjects) == 0 || c.HomeroomID == 0 {
					t.Fatalf("%s %s: %d pupils, %d subjects, homeroom %d", s.Code, c.Name, len(rec.Roster), len(rec.Subjects), c.HomeroomID)
				}
				pupils += len(rec.Roster) + len(rec.Former)
			}
			nPupils += pupils
			if s.Kind != "gdnn_gdtx" && (pupils < 250 || pupils > 1300) {
				t.Errorf("%s: %d pupils", s.Code, pupils)
			}
			pr, err := a.Progress(ctx, leader, s.ID, app.ProgressQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if pr.Required == 0 || pr.Entered == 0 || len(pr.Rows) == 0 {
				t.Errorf("%s: progress %d of %d, %d rows", s.Code, pr.Entered, pr.Required, len(pr.Rows))
			}
			// Stored results are there, fresh: ClassResults computes none.
			c := classes[s.ID][len(classes[s.ID])-1]
			rs, err := a.ClassResults(ctx, leader, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			levels := map[string]int{}
			for _, r := range rs {
				if r.Stale || r.RulesetVersion == "" {
					t.Fatalf("%s %s: result %+v", s.Code, c.Name, r)
				}
				levels[r.Year.Learning]++
			}
			if len(levels) < 2 {
				t.Errorf("%s %s: year levels %v", s.Code, c.Name, levels)
			}
		}
		// The roster counts a moved pupil in both classes (once as former).
		if nClasses != sum.Classes || nPupils < sum.Pupils || nPupils > sum.Pupils+sum.Movements {
			t.Errorf("read %d classes, %d pupils; built %d, %d (%d movements)", nClasses, nPupils, sum.Classes, sum.Pupils, sum.Movements)
		}
		verify := func(want string) {
			t.Helper()
			if p, n, err := db.VerifyAudit(ctx); err != nil || p != nil {
				t.Fatalf("audit verify after %d entries: %v %v", n, p, err)
			}
			problems, err := db.VerifyData(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range problems {
				found = found || want != "" && strings.Contains(p.String(), want)
			}
			switch {
			case want == "" && len(problems) > 0:
				t.Fatalf("data problems: %d, first %s", len(problems), problems[0])
			case want != "" && (!found || len(problems) > 3):
				t.Fatalf("want a problem with %q, got %d: %.2000v", want, len(problems), problems)
			}
		}
		t.Logf("read back: %s", time.Since(start).Round(time.Millisecond))
		start = time.Now()
		verify("")
		t.Logf("verify: %s", time.Since(start).Round(time.Millisecond))
		// The application goes on writing after the load: a teacher saves a
		// cell, the school enrols a pupil (the ids continue past the load's).
		s := schools[len(schools)-1]
		c := classes[s.ID][0]
		var asg []sdgdt.AssignmentInfo
		var sheet sdgdt.Sheet
		var roster []sdgdt.RosterEntry
		if err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			if asg, err = tx.AssignmentsOfClass(c.ID); err != nil {
				return err
			}
			if sheet, err = tx.SheetFor(c.ID, asg[0].Subject, asg[0].Term); err != nil {
				return err
			}
			roster, err = tx.ClassRoster(c.ID, false)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		field := "midterm"
		if sheet.Kind == sdgdt.SheetPrimary {
			field = "comment"
		}
		if _, err := a.PatchSheet(ctx, principal(t, db, asg[0].TeacherID), sheet.ID, app.SheetPatch{Version: sheet.Version, Via: app.ViaGrid,
			Changes: []app.SheetChange{{PupilID: roster[0].Pupil.ID, Field: field, Value: app.CellValue{Text: "Tiến bộ rõ."}}}}); err != nil && field == "comment" {
			t.Fatalf("save on a loaded sheet: %v", err)
		} else if err != nil {
			if _, err := a.PatchSheet(ctx, principal(t, db, asg[0].TeacherID), sheet.ID, app.SheetPatch{Version: sheet.Version, Via: app.ViaGrid,
				Changes: []app.SheetChange{{PupilID: roster[0].Pupil.ID, Field: field, Value: app.CellValue{Text: "8"}}}}); err != nil {
				t.Fatalf("save on a loaded sheet: %v", err)
			}
		}
		in := app.PupilInput{FullName: "Nguyễn Thị Ánh", DateOfBirth: "03/04/2015", Sex: "nu", IdentityNumber: "066315999999"}
		if _, err := a.EnrolNewPupil(ctx, app.System("test"), c.ID, in, time.Date(2027, 2, 1, 0, 0, 0, 0, sdgdt.Vietnam)); err != nil {
			t.Fatalf("enrol after the load: %v", err)
		}
		verify("")
		// A history row of the load changed behind the log's back.
		if err := db.ExecForTest(ctx, `UPDATE mark_changes SET value = '0' WHERE id = (SELECT MIN(id) FROM mark_changes)`); err != nil {
			t.Fatal(err)
		}
		verify("bad digest")
		// A second build refuses a database that holds data.
		if _, err := scale.Build(ctx, a, scale.Options{Schools: 1, Password: password}); err == nil {
			t.Fatal("a second build on a full database")
		}
	})
}

// BenchmarkBuild builds a 3-school province per iteration on each engine
// and reports the rows written per second.
func BenchmarkBuild(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			var rows int
			var took time.Duration
			for i := 0; i < b.N; i++ {
				db := e.Open(b)
				sum, err := scale.Build(context.Background(), newApp(db), scale.Options{Schools: 3, Password: password})
				if err != nil {
					b.Fatal(err)
				}
				rows += sum.Rows
				took += sum.Elapsed
				db.Close()
			}
			b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
			b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
		})
	}
}
