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

// book is the test world with class 6A of school A1 filled with pupils, a
// mathematics teacher assigned for both semesters, and the sheets of 6A.
type book struct {
	*world
	pupils []int64
	sheets map[string]int64 // "toan.hk1" → sheet id
}

var bookNames = []string{"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Nam", "Phương", "Quân", "Sơn", "Trang", "Vy"}

func newBook(t *testing.T, w *world, n int) *book {
	t.Helper()
	b := &book{world: w, sheets: map[string]int64{}}
	w.addUser("a1.math", "A1", "")
	w.addUser("a1.other", "A1", "")
	for i := 0; i < n; i++ {
		p, err := w.a.EnrolNewPupil(w.ctx, w.sys, w.class.ID, app.PupilInput{FullName: "Nguyễn Văn " + bookNames[i%len(bookNames)] + " " + bookNames[i/len(bookNames)%len(bookNames)], DateOfBirth: "02/03/2014", Sex: "nam"}, w.year.StartsOn)
		w.must(err)
		b.pupils = append(b.pupils, p.ID)
	}
	var subjects []sdgdt.ClassSubject
	w.must(w.db.View(w.ctx, func(tx *store.Tx) error { var err error; subjects, err = tx.ClassSubjects(w.class.ID); return err }))
	for _, cs := range subjects {
		for _, term := range []string{"hk1", "hk2"} {
			teacher := w.users["a1.other"].ID
			if cs.Subject == "toan" {
				teacher = w.users["a1.math"].ID
			}
			as, err := w.a.CreateAssignment(w.ctx, w.sys, sdgdt.Assignment{SchoolID: w.school["A1"].ID, ClassID: w.class.ID, Subject: cs.Subject, Term: term, TeacherID: teacher})
			w.must(err)
			w.must(w.db.View(w.ctx, func(tx *store.Tx) error {
				sh, err := tx.SheetFor(as.ClassID, as.Subject, as.Term)
				b.sheets[cs.Subject+"."+term] = sh.ID
				return err
			}))
		}
	}
	return b
}

func num(s string) app.CellValue  { return app.CellValue{Number: true, Text: s} }
func text(s string) app.CellValue { return app.CellValue{Text: s} }

func (b *book) patch(user, sheet string, version int64, changes ...app.SheetChange) (app.PatchResult, error) {
	return b.a.PatchSheet(b.ctx, b.as(user), b.sheets[sheet], app.SheetPatch{Version: version, Changes: changes, Via: app.ViaAPI})
}

func ch(pupil int64, field string, v app.CellValue) app.SheetChange {
	return app.SheetChange{PupilID: pupil, Field: field, Value: v}
}

func TestSheetPatchAndRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 3)
		p0, p1 := b.pupils[0], b.pupils[1]
		// toan: 140 periods → 4 regular marks.
		res, err := b.patch("a1.math", "toan.hk1", 0,
			ch(p0, "regular[0]", num("8")), ch(p0, "regular[1]", text("7,5")), ch(p0, "regular[2]", num("9")), ch(p0, "regular[3]", num("6")),
			ch(p0, "midterm", num("7")), ch(p0, "final", text("8.5")), ch(p0, "comment", text("  Tiến bộ\trõ ")),
			ch(p1, "regular[0]", text("P")))
		if err != nil {
			t.Fatal(err)
		}
		if res.Version != 1 || res.Changed != 8 || len(res.Rows) != 2 {
			t.Fatalf("result: version %d, changed %d, rows %d", res.Version, res.Changed, len(res.Rows))
		}
		for _, r := range res.Rows {
			if r.PupilID == p0 && (r.Average.Kind != assess.MarkScore || r.Average.Score != 78) {
				t.Errorf("average of the spec example = %v, want 7,8", r.Average)
			}
			if r.PupilID == p1 && r.Average.Kind != assess.MarkEmpty {
				t.Errorf("incomplete row has an average %v", r.Average)
			}
		}
		v, err := b.a.GetSheet(b.ctx, b.as("a1.math"), b.sheets["toan.hk1"])
		if err != nil {
			t.Fatal(err)
		}
		if v.RegularCount != 4 || v.Sheet.Version != 1 || len(v.Rows) != 3 || !v.CanWrite {
			t.Fatalf("sheet: regular %d, version %d, rows %d, can write %v", v.RegularCount, v.Sheet.Version, len(v.Rows), v.CanWrite)
		}
		for _, r := range v.Rows {
			if r.PupilID == p0 {
				if r.Cell("regular[1]") != "7.5" || r.Cell("final") != "8.5" || r.Cell("comment") != "Tiến bộ rõ" {
					t.Errorf("stored cells %v", r.Cells)
				}
			}
			if r.PupilID == p1 && r.Cell("regular[0]") != "P" {
				t.Errorf("pending cell %q", r.Cell("regular[0]"))
			}
		}
		// The homeroom teacher reads but does not write; another teacher neither.
		if _, err := b.a.GetSheet(b.ctx, b.as("a1.teacher"), b.sheets["toan.hk1"]); err != nil {
			t.Errorf("homeroom teacher reads: %v", err)
		}
		if _, err := b.patch("a1.teacher", "toan.hk1", 1, ch(p0, "midterm", num("5"))); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("homeroom teacher writes: %v", err)
		}
		if _, err := b.patch("a1.other", "toan.hk1", 1, ch(p0, "midterm", num("5"))); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("another subject teacher writes: %v", err)
		}
		if _, err := b.a.GetSheet(b.ctx, b.as("b1.leader"), b.sheets["toan.hk1"]); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("another school's leader reads: %v", err)
		}
		for _, u := range []string{"a1.leader", "pa.board", "so.admin"} {
			if _, err := b.a.GetSheet(b.ctx, b.as(u), b.sheets["toan.hk1"]); err != nil {
				t.Errorf("%s reads: %v", u, err)
			}
		}
		// History of a cell.
		if _, err := b.patch("a1.math", "toan.hk1", 1, ch(p0, "regular[0]", num("9"))); err != nil {
			t.Fatal(err)
		}
		hist, err := b.a.CellHistory(b.ctx, b.as("a1.teacher"), b.sheets["toan.hk1"], p0, "regular[0]")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Value != "8" || hist[1].Previous != "8" || hist[1].Value != "9" || hist[1].Via != "api" {
			t.Errorf("history %+v", hist)
		}
		// One audit entry per patch, and the chain verifies.
		n := 0
		for _, e := range b.auditEntries() {
			if e.Action == "sheet.patch" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d sheet.patch audit entries, want 2", n)
		}
		b.verifyAudit()
	})
}

func TestSheetInvalidValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 2)
		p0 := b.pupils[0]
		id := strconv.FormatInt(p0, 10)
		_, err := b.patch("a1.math", "toan.hk1", 0,
			ch(p0, "regular[0]", num("11")), ch(p0, "regular[1]", num("-1")), ch(p0, "regular[2]", num("7.25")),
			ch(p0, "regular[3]", text("abc")), ch(p0, "midterm", text("Đ")), ch(p0, "final", num("8")),
			ch(p0, "regular[7]", num("8")), ch(99999, "final", num("8")))
		if sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Fatalf("err %v", err)
		}
		f := sdgdt.ErrorFields(err)
		for _, k := range []string{id + ".regular[0]", id + ".regular[1]", id + ".regular[2]", id + ".regular[3]", id + ".midterm", id + ".regular[7]", "99999.final"} {
			if f[k] == "" {
				t.Errorf("no message for %s (have %v)", k, f)
			}
		}
		if f[id+".final"] != "" {
			t.Errorf("a valid value got a message: %q", f[id+".final"])
		}
		v, err := b.a.GetSheet(b.ctx, b.as("a1.math"), b.sheets["toan.hk1"])
		if err != nil {
			t.Fatal(err)
		}
		if v.Sheet.Version != 0 || len(v.Rows[0].Cells)+len(v.Rows[1].Cells) != 0 {
			t.Errorf("a refused request wrote something: version %d", v.Sheet.Version)
		}
		// A comment subject takes Đ/CĐ, not scores.
		_, err = b.patch("a1.other", "gdtc.hk1", 0, ch(p0, "midterm", num("7")))
		if sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("score in a comment subject: %v", err)
		}
		res, err := b.patch("a1.other", "gdtc.hk1", 0, ch(p0, "midterm", text("Đ")), ch(p0, "final", text("cđ")), ch(p0, "exemption", text("Miễn thực hành HK I")))
		if err != nil || res.Version != 1 {
			t.Fatalf("comment subject: %v", err)
		}
		// A stale version on other cells applies; on a changed cell it conflicts.
		if _, err := b.patch("a1.math", "toan.hk1", 0, ch(p0, "midterm", num("7"))); err != nil {
			t.Fatal(err)
		}
		if _, err := b.patch("a1.math", "toan.hk1", 0, ch(p0, "final", num("8"))); err != nil {
			t.Errorf("stale version on an untouched cell: %v", err)
		}
		_, err = b.patch("a1.math", "toan.hk1", 0, ch(p0, "midterm", num("5")), ch(p0, "regular[0]", num("5")))
		ce, ok := app.AsConflict(err)
		if !ok || sdgdt.ErrorCode(err) != sdgdt.ECONFLICT || len(ce.Conflicts) != 1 || ce.Conflicts[0].Field != "midterm" || ce.Conflicts[0].Value != "7" {
			t.Fatalf("conflict: %v %+v", err, ce)
		}
		v, _ = b.a.GetSheet(b.ctx, b.as("a1.math"), b.sheets["toan.hk1"])
		for _, r := range v.Rows {
			if r.PupilID == p0 && r.Cell("regular[0]") != "" {
				t.Errorf("a conflicting request wrote regular[0] = %q", r.Cell("regular[0]"))
			}
		}
		// Re-sending the same value (a retry) is no conflict.
		if _, err := b.patch("a1.math", "toan.hk1", 0, ch(p0, "midterm", num("7"))); err != nil {
			t.Errorf("retry with the same value: %v", err)
		}
		if _, err := b.patch("a1.math", "toan.hk1", 99, ch(p0, "midterm", num("7"))); sdgdt.ErrorCode(err) != sdgdt.EMALFORMED {
			t.Errorf("future version: %v", err)
		}
	})
}

// TestStoredResults fills a whole year of one pupil and checks the stored
// levels and decisions.
func TestStoredResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 2)
		p0 := b.pupils[0]
		var subjects []sdgdt.ClassSubject
		b.must(b.db.View(b.ctx, func(tx *store.Tx) error { var err error; subjects, err = tx.ClassSubjects(b.class.ID); return err }))
		for _, cs := range subjects {
			n := assess.RegularCount(assess.AssessedBy(cs.AssessedBy), cs.PeriodsPerYear)
			user := "a1.other"
			if cs.Subject == "toan" {
				user = "a1.math"
			}
			for _, term := range []string{"hk1", "hk2"} {
				val := num("9")
				if cs.AssessedBy == "comment" {
					val = text("D")
				}
				var chs []app.SheetChange
				for k := 0; k < n; k++ {
					chs = append(chs, ch(p0, fmt.Sprintf("regular[%d]", k), val))
				}
				chs = append(chs, ch(p0, "midterm", val), ch(p0, "final", val))
				if _, err := b.patch(user, cs.Subject+"."+term, 0, chs...); err != nil {
					t.Fatalf("%s.%s: %v", cs.Subject, term, err)
				}
			}
		}
		if err := b.a.SetConduct(b.ctx, b.as("a1.math"), b.class.ID, []app.ConductEntry{{PupilID: p0, Term: "hk1", Level: "T"}}); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("a subject teacher rates conduct: %v", err)
		}
		err := b.a.SetConduct(b.ctx, b.as("a1.teacher"), b.class.ID, []app.ConductEntry{{PupilID: p0, Term: "hk1", Level: "T"}, {PupilID: p0, Term: "hk2", Level: "t", Comment: "Gương mẫu"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.a.SetConduct(b.ctx, b.as("a1.teacher"), b.class.ID, []app.ConductEntry{{PupilID: p0, Term: "hk3", Level: "X"}}); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("bad conduct: %v", err)
		}
		b.a.WaitResults()
		rs, err := b.a.ClassResults(b.ctx, b.as("a1.teacher"), b.class.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 {
			t.Fatalf("%d results, want 2", len(rs))
		}
		for _, r := range rs {
			if r.Stale {
				t.Errorf("pupil %d still stale", r.PupilID)
			}
			if r.PupilID == p0 {
				if !r.Complete || r.Year.Learning != "T" || r.Year.Conduct != "T" || r.Promotion != "promoted" || r.Award != "xuat_sac" || r.RulesetVersion != "tt22/2021.1" {
					t.Errorf("result %+v", r)
				}
				if !strings.Contains(r.SubjectsJSON, `"subject":"toan","assessed_by":"score","hk1":9,"hk2":9,"year":9`) {
					t.Errorf("subjects %s", r.SubjectsJSON)
				}
			} else if r.Complete || !strings.Contains(r.MissingJSON, "toan.hk1.regular[0]") {
				t.Errorf("empty pupil: complete %v, missing %s", r.Complete, r.MissingJSON)
			}
		}
	})
}
