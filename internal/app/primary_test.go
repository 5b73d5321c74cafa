package app_test

import (
	"fmt"
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// primaryBook is the test world with classes 2A and 5A of the primary school
// A2: homeroom teachers who teach every subject but physical education, which
// a specialist teaches, at the four assessment points.
type primaryBook struct {
	*world
	classes map[int]sdgdt.Class // by grade
	pupils  map[int][]int64
	sheets  map[string]int64 // "5.toan.gk1" → sheet id; "5.pcnl.cn" for qualities
	subs    map[int][]string // curriculum codes by grade
}

func newPrimaryBook(t *testing.T, w *world, n int) *primaryBook {
	t.Helper()
	b := &primaryBook{world: w, classes: map[int]sdgdt.Class{}, pupils: map[int][]int64{}, sheets: map[string]int64{}, subs: map[int][]string{}}
	w.addUser("a2.hr2", "A2", "")
	w.addUser("a2.hr5", "A2", "")
	w.addUser("a2.spec", "A2", "")
	for _, g := range []int{2, 5} {
		c, err := w.a.CreateClass(w.ctx, w.sys, sdgdt.Class{SchoolID: w.school["A2"].ID, SchoolYearID: w.year.ID, Grade: g, Name: fmt.Sprint(g, "A"),
			Ruleset: "tt27", HomeroomID: w.users[fmt.Sprint("a2.hr", g)].ID})
		w.must(err)
		b.classes[g] = c
		for i := 0; i < n; i++ {
			p, err := w.a.EnrolNewPupil(w.ctx, w.sys, c.ID, app.PupilInput{FullName: "Trần Thị " + bookNames[i%len(bookNames)], DateOfBirth: "02/03/2018", Sex: "nu"}, w.year.StartsOn)
			w.must(err)
			b.pupils[g] = append(b.pupils[g], p.ID)
		}
		var curriculum []sdgdt.ClassSubject
		w.must(w.db.View(w.ctx, func(tx *store.Tx) error { var err error; curriculum, err = tx.ClassSubjects(c.ID); return err }))
		for _, cs := range curriculum {
			b.subs[g] = append(b.subs[g], cs.Subject)
			for _, point := range app.PrimaryPoints {
				teacher := w.users[fmt.Sprint("a2.hr", g)].ID
				if cs.Subject == "gdtc" {
					teacher = w.users["a2.spec"].ID
				}
				as, err := w.a.CreateAssignment(w.ctx, w.sys, sdgdt.Assignment{SchoolID: c.SchoolID, ClassID: c.ID, Subject: cs.Subject, Term: point, TeacherID: teacher})
				w.must(err)
				w.must(w.db.View(w.ctx, func(tx *store.Tx) error {
					sh, err := tx.SheetFor(as.ClassID, as.Subject, as.Term)
					b.sheets[fmt.Sprint(g, ".", cs.Subject, ".", point)] = sh.ID
					return err
				}))
			}
		}
		for _, point := range app.PrimaryPoints {
			id, err := w.a.PCNLSheet(w.ctx, w.as(fmt.Sprint("a2.hr", g)), c.ID, point)
			w.must(err)
			b.sheets[fmt.Sprint(g, ".pcnl.", point)] = id
		}
	}
	return b
}

func (b *primaryBook) version(sheet string) int64 {
	var v int64
	b.must(b.db.View(b.ctx, func(tx *store.Tx) error { sh, err := tx.Sheet(b.sheets[sheet]); v = sh.Version; return err }))
	return v
}

func (b *primaryBook) patch(user, sheet string, changes ...app.SheetChange) (app.PatchResult, error) {
	return b.a.PatchSheet(b.ctx, b.as(user), b.sheets[sheet], app.SheetPatch{Version: b.version(sheet), Changes: changes, Via: app.ViaAPI})
}

func TestPrimarySheetValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newPrimaryBook(t, newWorld(t, db), 3)
		p2, p5 := b.pupils[2][0], b.pupils[5][0]
		cases := []struct {
			name, user, sheet string
			ch                app.SheetChange
			want              string // "" accepted; else words of the message
		}{
			{"level T", "a2.hr2", "2.toan.gk1", ch(p2, "level", text("t")), ""},
			{"level X", "a2.hr2", "2.toan.gk1", ch(p2, "level", text("X")), "T (Hoàn thành tốt)"},
			{"level P is not primary", "a2.hr2", "2.toan.gk1", ch(p2, "level", text("P")), "T (Hoàn thành tốt)"},
			{"test at gk1 in grade 2", "a2.hr2", "2.toan.gk1", ch(p2, "test", num("7")), "không kiểm tra định kì"},
			{"test at ck1 in grade 2", "a2.hr2", "2.toan.ck1", ch(p2, "test", num("7")), ""},
			{"decimal test", "a2.hr2", "2.toan.ck1", ch(p2, "test", num("7.5")), "số nguyên"},
			{"decimal test, comma", "a2.hr2", "2.toan.ck1", ch(p2, "test", text("7,5")), "số nguyên"},
			{"test 11", "a2.hr2", "2.toan.ck1", ch(p2, "test", num("11")), "từ 0 đến 10"},
			{"test -1", "a2.hr2", "2.toan.ck1", ch(p2, "test", num("-1")), "từ 0 đến 10"},
			{"test 0", "a2.hr2", "2.toan.ck1", ch(p2, "test", num("0")), ""},
			{"test on dao_duc", "a2.hr2", "2.dao_duc.ck1", ch(p2, "test", num("8")), "không có bài kiểm tra định kì"},
			{"secondary field", "a2.hr2", "2.toan.ck1", ch(p2, "midterm", num("8")), "Sổ tiểu học"},
			{"test at gk1 in grade 5 Toán", "a2.hr5", "5.toan.gk1", ch(p5, "test", num("8")), ""},
			{"test at gk1 in grade 5 Khoa học", "a2.hr5", "5.khoa_hoc.gk1", ch(p5, "test", num("8")), "chỉ kiểm tra định kì ở cuối học kì I"},
			{"quality Đ", "a2.hr5", "5.pcnl.gk1", ch(p5, "q.yeu_nuoc", text("Đ")), ""},
			{"quality H", "a2.hr5", "5.pcnl.gk1", ch(p5, "q.yeu_nuoc", text("H")), "Cần cố gắng"},
			{"quality comment", "a2.hr5", "5.pcnl.gk1", ch(p5, "q.comment", text("Ngoan. Lễ phép.")), ""},
			{"unknown competency", "a2.hr5", "5.pcnl.gk1", ch(p5, "c.bay_nhay", text("T")), "không có cột"},
		}
		for _, tc := range cases {
			before := b.version(tc.sheet)
			_, err := b.patch(tc.user, tc.sheet, tc.ch)
			if tc.want == "" {
				if err != nil {
					t.Errorf("%s: refused: %v", tc.name, err)
				}
				continue
			}
			wantCode(t, tc.name, err, sdgdt.EINVALID)
			msg := strings.Join(mapValues(sdgdt.ErrorFields(err)), " ")
			if !strings.Contains(msg, tc.want) {
				t.Errorf("%s: message %q, want %q", tc.name, msg, tc.want)
			}
			if b.version(tc.sheet) != before {
				t.Errorf("%s: a refused patch changed the sheet", tc.name)
			}
		}
		// Stored values are normalised: t → T, Đ → D, 0 kept.
		v, err := b.a.GetSheet(b.ctx, b.as("a2.hr2"), b.sheets["2.toan.ck1"])
		b.must(err)
		if got := v.Rows[0].Cell("test"); got != "0" {
			t.Errorf("test 0 stored as %q", got)
		}
		if strings.Join(v.Fields, ",") != "level,test,comment" {
			t.Errorf("fields of a tested sheet: %v", v.Fields)
		}
		v, err = b.a.GetSheet(b.ctx, b.as("a2.hr2"), b.sheets["2.toan.gk1"])
		b.must(err)
		if strings.Join(v.Fields, ",") != "level,comment" || v.Rows[0].Cell("level") != "T" {
			t.Errorf("grade 2 gk1: fields %v, level %q", v.Fields, v.Rows[0].Cell("level"))
		}
		q, err := b.a.GetSheet(b.ctx, b.as("a2.hr5"), b.sheets["5.pcnl.gk1"])
		b.must(err)
		if q.Rows[0].Cell("q.yeu_nuoc") != "D" || q.Sheet.Kind != sdgdt.SheetPrimaryPCNL || len(q.Fields) != 18 {
			t.Errorf("qualities sheet: %q, kind %s, %d fields", q.Rows[0].Cell("q.yeu_nuoc"), q.Sheet.Kind, len(q.Fields))
		}
	})
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestPrimaryRightsAndLocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newPrimaryBook(t, newWorld(t, db), 2)
		p := b.pupils[5][0]
		// The specialist writes his subject only; the homeroom teacher of
		// another class nothing in 5A.
		if _, err := b.patch("a2.spec", "5.gdtc.gk1", ch(p, "level", text("T"))); err != nil {
			t.Fatal(err)
		}
		_, err := b.patch("a2.spec", "5.toan.gk1", ch(p, "level", text("T")))
		wantCode(t, "specialist on Toán", err, sdgdt.EFORBIDDEN)
		_, err = b.patch("a2.hr2", "5.toan.gk1", ch(p, "level", text("T")))
		wantCode(t, "other homeroom teacher", err, sdgdt.EFORBIDDEN)
		// Qualities and competencies: the homeroom teacher only; the
		// specialist teacher does not even read them; the leader reads.
		_, err = b.patch("a2.spec", "5.pcnl.gk1", ch(p, "c.the_chat", text("T")))
		wantCode(t, "specialist on qualities", err, sdgdt.EFORBIDDEN)
		if _, err := b.patch("a2.hr5", "5.pcnl.gk1", ch(p, "c.the_chat", text("T"))); err != nil {
			t.Fatal(err)
		}
		v, err := b.a.GetSheet(b.ctx, b.as("a2.leader"), b.sheets["5.pcnl.gk1"])
		if err != nil || v.CanWrite {
			t.Errorf("leader reads qualities: %v, can write %v", err, v.CanWrite)
		}
		if _, err := b.a.ClassPrimarySummary(b.ctx, b.as("a2.spec"), b.classes[5].ID, "gk1"); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("a specialist reads the Bảng tổng hợp: %v", err)
		}
		// A lock of mid-semester I of the class refuses subject and quality
		// writes; other points stay open.
		_, err = b.a.SetLock(b.ctx, b.as("a2.leader"), app.LockInput{SchoolID: b.school["A2"].ID, YearID: b.year.ID, Term: "gk1", ClassID: b.classes[5].ID, Reason: "Đã duyệt giữa kì I"})
		b.must(err)
		_, err = b.patch("a2.hr5", "5.toan.gk1", ch(p, "level", text("H")))
		wantCode(t, "locked subject", err, sdgdt.ELOCKED)
		_, err = b.patch("a2.hr5", "5.pcnl.gk1", ch(p, "c.the_chat", text("D")))
		wantCode(t, "locked qualities", err, sdgdt.ELOCKED)
		if _, err := b.patch("a2.hr5", "5.toan.ck1", ch(p, "level", text("H"))); err != nil {
			t.Errorf("ck1 is not locked: %v", err)
		}
		// A lock of semester II covers the year end: nominations refused.
		_, err = b.a.SetLock(b.ctx, b.as("a2.leader"), app.LockInput{SchoolID: b.school["A2"].ID, YearID: b.year.ID, Term: "hk2", Reason: "Khóa học kì II"})
		b.must(err)
		err = b.a.SetNomination(b.ctx, b.as("a2.hr5"), b.classes[5].ID, p, true, "Giỏi Toán")
		wantCode(t, "nomination under lock", err, sdgdt.ELOCKED)
		err = b.a.DecidePromotion(b.ctx, b.as("a2.leader"), b.classes[5].ID, p, "retained", "")
		wantCode(t, "decision under lock", err, sdgdt.ELOCKED)
	})
}

// yearData is one pupil's end-of-year data, written through the sheets.
type yearData struct {
	level   string // every subject
	low     string // subject with another level ("" none)
	lowLv   string
	test    int // every test
	lowTest int // test of the low subject
	qc      string
	qcLow   string // one competency with this level ("" none)
}

func (b *primaryBook) fillYear(g int, pupil int64, d yearData) {
	b.t.Helper()
	user := fmt.Sprint("a2.hr", g)
	for _, sub := range b.subs[g] {
		u := user
		if sub == "gdtc" {
			u = "a2.spec"
		}
		lv, test := d.level, d.test
		if sub == d.low {
			lv, test = d.lowLv, d.lowTest
		}
		chs := []app.SheetChange{ch(pupil, "level", text(lv))}
		if assess.PrimaryTestRequired(g, "cn", sub) {
			chs = append(chs, ch(pupil, "test", num(fmt.Sprint(test))))
		}
		_, err := b.patch(u, fmt.Sprint(g, ".", sub, ".cn"), chs...)
		b.must(err)
	}
	var chs []app.SheetChange
	for _, f := range app.PCNLFields() {
		if app.IsTextField(f) {
			continue
		}
		v := d.qc
		if f == "c.tinh_toan" && d.qcLow != "" {
			v = d.qcLow
		}
		chs = append(chs, ch(pupil, f, text(v)))
	}
	_, err := b.patch(user, fmt.Sprint(g, ".pcnl.cn"), chs...)
	b.must(err)
}

// engineInput builds the rules engine's input directly from yearData.
func (b *primaryBook) engineInput(g int, d yearData, nominated bool) assess.PrimaryInput {
	in := assess.PrimaryInput{Grade: g, Point: "cn", Nominated: nominated}
	lvOf := map[string]assess.SubjectLevel{"T": assess.SubjectT, "H": assess.SubjectH, "C": assess.SubjectC}
	qOf := map[string]assess.QualityLevel{"T": assess.QualityT, "D": assess.QualityD, "C": assess.QualityC}
	for _, sub := range b.subs[g] {
		s := assess.PrimarySubject{Code: sub, Level: lvOf[d.level]}
		t := d.test
		if sub == d.low {
			s.Level, t = lvOf[d.lowLv], d.lowTest
		}
		if assess.PrimaryTestRequired(g, "cn", sub) {
			s.Test, s.HasTest = t, true
		}
		in.Subjects = append(in.Subjects, s)
	}
	for i := range in.Qualities {
		in.Qualities[i] = qOf[d.qc]
	}
	for i, c := range assess.CompetencyCodes {
		in.Competencies[i] = qOf[d.qc]
		if c == "tinh_toan" && d.qcLow != "" {
			in.Competencies[i] = qOf[d.qcLow]
		}
	}
	return in
}

func (b *primaryBook) yearRow(g int, pupil int64) app.SummaryRow {
	b.t.Helper()
	sum, err := b.a.ClassPrimarySummary(b.ctx, b.as("a2.leader"), b.classes[g].ID, "cn")
	b.must(err)
	for _, r := range sum.Rows {
		if r.PupilID == pupil {
			return r
		}
	}
	b.t.Fatalf("pupil %d not in the summary", pupil)
	return app.SummaryRow{}
}

func TestPrimaryYearEndEqualsEngine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newPrimaryBook(t, newWorld(t, db), 6)
		datas := []yearData{
			{level: "T", test: 9, qc: "T"},                                            // HTXS
			{level: "T", test: 10, qc: "T", low: "toan", lowLv: "T", lowTest: 8},      // HTT
			{level: "H", test: 7, qc: "D"},                                            // HT
			{level: "T", test: 9, qc: "T", low: "toan", lowLv: "C", lowTest: 4},       // CHT
			{level: "T", test: 9, qc: "D", qcLow: "C"},                                // CHT by a competency
			{level: "T", test: 9, qc: "T", low: "tieng_viet", lowLv: "H", lowTest: 6}, // HT
		}
		for _, g := range []int{2, 5} {
			for i, d := range datas {
				b.fillYear(g, b.pupils[g][i], d)
			}
			for i, d := range datas {
				row := b.yearRow(g, b.pupils[g][i])
				want, err := assess.EvalPrimary(b.engineInput(g, d, false))
				b.must(err)
				r := row.Result
				if !r.Complete || r.Result != want.Result.Code() || r.Award != string(want.Award) || r.CompletedGrade != want.CompletedGrade ||
					r.CompletedPrimary != want.CompletedPrimary || r.RulesetVersion != assess.TT27.Version {
					t.Errorf("grade %d pupil %d: stored %+v, engine %+v", g, i, r, want)
				}
				if row.Explanation == nil || row.Explanation.Result != want.Result.String() {
					t.Errorf("grade %d pupil %d: explanation %+v", g, i, row.Explanation)
				}
			}
			// Grade 5 completes the primary programme.
			if r := b.yearRow(g, b.pupils[g][0]).Result; r.CompletedPrimary != (g == 5) || r.Promotion != app.PromotionPromoted {
				t.Errorf("grade %d HTXS: completed primary %v, promotion %q", g, r.CompletedPrimary, r.Promotion)
			}
		}
	})
}

func TestPrimaryAwardsAndCHTDecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newPrimaryBook(t, newWorld(t, db), 4)
		c := b.classes[5]
		ps := b.pupils[5]
		b.fillYear(5, ps[0], yearData{level: "T", test: 10, qc: "T", low: "toan", lowLv: "T", lowTest: 8}) // HTT
		b.fillYear(5, ps[1], yearData{level: "H", test: 7, qc: "D"})                                       // HT
		b.fillYear(5, ps[2], yearData{level: "T", test: 9, qc: "T", low: "toan", lowLv: "C", lowTest: 3})  // CHT
		hr, leader := b.as("a2.hr5"), b.as("a2.leader")

		// Nomination: HTT only, with a reason, by the homeroom teacher.
		wantField(t, "nomination without reason", b.a.SetNomination(b.ctx, hr, c.ID, ps[0], true, " "), "reason")
		wantCode(t, "nomination of an HT pupil", b.a.SetNomination(b.ctx, hr, c.ID, ps[1], true, "Chăm ngoan"), sdgdt.EINVALID)
		wantCode(t, "nomination by the leader", b.a.SetNomination(b.ctx, leader, c.ID, ps[0], true, "Giỏi Toán"), sdgdt.EFORBIDDEN)
		b.must(b.a.SetNomination(b.ctx, hr, c.ID, ps[0], true, "Giải Nhất Toán cấp trường"))
		row := b.yearRow(5, ps[0])
		if row.Result.Award != "tieu_bieu" || row.Nomination == nil || row.Nomination.Reason != "Giải Nhất Toán cấp trường" {
			t.Errorf("nominated HTT pupil: award %q, nomination %+v", row.Result.Award, row.Nomination)
		}
		want, _ := assess.EvalPrimary(b.engineInput(5, yearData{level: "T", test: 10, qc: "T", low: "toan", lowLv: "T", lowTest: 8}, true))
		if string(want.Award) != row.Result.Award {
			t.Errorf("award %q, engine %q", row.Result.Award, want.Award)
		}
		b.must(b.a.SetNomination(b.ctx, hr, c.ID, ps[0], false, ""))
		if r := b.yearRow(5, ps[0]).Result; r.Award != "" {
			t.Errorf("withdrawn nomination still gives %q", r.Award)
		}

		// CHT: pending the additional assessment; the principal cannot decide yet.
		row = b.yearRow(5, ps[2])
		if row.Result.Result != "CHT" || row.Result.Promotion != app.PromotionAdditionalAssessment || !containsAll(strings.Join(row.Below, ","), "toan") {
			t.Fatalf("CHT pupil: %+v, below %v", row.Result, row.Below)
		}
		wantCode(t, "decision before the additional assessment", b.a.DecidePromotion(b.ctx, leader, c.ID, ps[2], "retained", ""), sdgdt.EINVALID)
		wantCode(t, "supplement of an HT pupil", b.a.RecordSupplement(b.ctx, hr, c.ID, ps[1], []app.SupplementEntry{{Item: "toan", Level: "T"}}, ""), sdgdt.EINVALID)
		err := b.a.RecordSupplement(b.ctx, hr, c.ID, ps[2], []app.SupplementEntry{{Item: "toan", Level: "H", Test: "4.5"}}, "")
		wantField(t, "decimal supplement test", err, "toan")
		err = b.a.RecordSupplement(b.ctx, hr, c.ID, ps[2], []app.SupplementEntry{{Item: "dao_duc", Level: "H", Test: "6"}}, "")
		wantField(t, "supplement test on dao_duc", err, "dao_duc")
		// Still CHT after it (test 4): the principal decides; then a better
		// additional assessment completes the grade.
		b.must(b.a.RecordSupplement(b.ctx, hr, c.ID, ps[2], []app.SupplementEntry{{Item: "toan", Level: "H", Test: "4"}}, "Kiểm tra lại ngày 20/7"))
		row = b.yearRow(5, ps[2])
		if row.Result.ResultFinal != "CHT" || row.Result.Promotion != app.PromotionPrincipalDecision {
			t.Fatalf("after a weak additional assessment: %+v", row.Result)
		}
		wantCode(t, "decision by the homeroom teacher", b.a.DecidePromotion(b.ctx, hr, c.ID, ps[2], "promoted", ""), sdgdt.EFORBIDDEN)
		wantField(t, "bad decision", b.a.DecidePromotion(b.ctx, leader, c.ID, ps[2], "maybe", ""), "decision")
		b.must(b.a.DecidePromotion(b.ctx, leader, c.ID, ps[2], app.PromotionRetained, "Ở lại lớp 5 theo đề nghị của hội đồng"))
		row = b.yearRow(5, ps[2])
		if row.Result.Promotion != app.PromotionRetained || row.Decision == nil || row.Decision.DecidedByName != b.users["a2.leader"].FullName || row.Result.CompletedGrade {
			t.Errorf("decision: %+v, %+v", row.Result, row.Decision)
		}
		found := false
		for _, e := range b.auditEntries() {
			found = found || (e.Action == "primary.decision" && strings.Contains(e.After, "retained"))
		}
		if !found {
			t.Error("the decision is not in the audit log")
		}
		b.must(b.a.RecordSupplement(b.ctx, hr, c.ID, ps[2], []app.SupplementEntry{{Item: "toan", Level: "H", Test: "6"}}, "Kiểm tra lại lần hai"))
		row = b.yearRow(5, ps[2])
		if row.Result.Result != "CHT" || row.Result.ResultFinal != "HT" || row.Result.Promotion != app.PromotionPromoted || !row.Result.CompletedPrimary {
			t.Errorf("after a good additional assessment: %+v", row.Result)
		}
		b.verifyAudit()
	})
}

// TestEnsureSheets checks that a primary class made without its qualities
// sheets (by an older version) gets them from EnsureSheets, once.
func TestEnsureSheets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.must(db.ExecForTest(w.ctx, `INSERT INTO classes (school_id, school_year_id, grade, name, ruleset) VALUES ($1, $2, 3, '3Z', 'tt27')`, w.school["A2"].ID, w.year.ID))
		n, err := w.a.EnsureSheets(w.ctx)
		if err != nil || n != 4 {
			t.Fatalf("EnsureSheets: %d, %v; want 4 sheets", n, err)
		}
		if n, err := w.a.EnsureSheets(w.ctx); err != nil || n != 0 {
			t.Fatalf("EnsureSheets again: %d, %v; want 0", n, err)
		}
	})
}
