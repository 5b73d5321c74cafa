package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sdgdt"
	"strings"
	"testing"
	"time"

	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/report"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
	"sdgdt/internal/web"
)

// hrFix is what the homeroom page tests need from the demo: class 9A3 of THCS
// Nguyễn Du (the demo fills its whole year), its homeroom teacher, one of its
// subject teachers, its pupils, the homeroom teacher of 6A1 and a primary class.
type hrFix struct {
	class, other, primary int64
	homeroom, otherHR     string
	teacher, subject      string
	pupils                []int64
}

func (e *env) hrFixture() hrFix {
	e.t.Helper()
	var f hrFix
	err := e.db.View(e.ctx, func(tx *store.Tx) error {
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		for name, dst := range map[string]*int64{"9A3": &f.class, "6A1": &f.other} {
			c, err := tx.ClassByName(e.schools["THCS-ND"], y.ID, name)
			if err != nil {
				return err
			}
			*dst = c.ID
			u, err := tx.User(c.HomeroomID)
			if err != nil {
				return err
			}
			if name == "9A3" {
				f.homeroom = u.Username
			} else {
				f.otherHR = u.Username
			}
		}
		asg, err := tx.AssignmentsOfClass(f.class)
		if err != nil {
			return err
		}
		for _, as := range asg {
			u, err := tx.User(as.TeacherID)
			if err != nil {
				return err
			}
			if u.Username != f.homeroom && as.Subject == "toan" {
				f.teacher, f.subject = u.Username, as.Subject
			}
		}
		if f.pupils, err = tx.StudyingPupils(f.class); err != nil {
			return err
		}
		cs, err := tx.ClassesOf(e.schools["TH-LVT"], y.ID)
		if err != nil || len(cs) == 0 {
			return err
		}
		f.primary = cs[0].ID
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if f.teacher == "" || len(f.pupils) == 0 {
		e.t.Fatalf("demo fixture: %+v", f)
	}
	return f
}

func TestHomeroomPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.hrFixture()
		cls := "/classes/" + id(f.class)
		type scenario struct {
			user, method, path string
			form               url.Values
			status             int
			want, notWant      []string
		}
		p0 := id(f.pupils[0])
		scenarios := []scenario{
			{f.homeroom, "GET", cls + "/overview?term=year", nil, 200, []string{"Tổng hợp điểm", "Học tập", "Rèn luyện", "Ô còn thiếu", `aria-current="page">Cả năm`}, nil},
			{f.homeroom, "GET", cls + "/overview?term=hk1", nil, 200, []string{"Học kì I", "LS-ĐL"}, nil},
			{f.homeroom, "GET", cls + "/results?term=year", nil, 200, []string{"Vì sao?", "Kết quả học tập cả năm", "Hoàn thành chương trình trung học cơ sở", "Mức <strong>Tốt</strong>", "Kiểm tra lại"}, nil},
			{f.homeroom, "GET", cls + "/results?term=hk2", nil, 200, []string{"Kết quả học tập học kì II", "Kết quả rèn luyện học kì II"}, []string{"Xét lên lớp"}},
			{f.homeroom, "GET", cls + "/conduct?term=hk1", nil, 200, []string{`name="level_` + p0 + `"`, "Lưu kết quả rèn luyện"}, nil},
			{f.homeroom, "GET", cls + "/conduct?term=summer", nil, 200, []string{"Đánh giá lại"}, nil},
			{f.homeroom, "GET", cls + "/comments?term=year", nil, 200, []string{"Nhận xét của giáo viên chủ nhiệm", `name="comment_` + p0 + `"`}, nil},
			{f.homeroom, "GET", cls + "/retests", nil, 200, []string{"Kết quả kiểm tra, đánh giá lại", "Lưu kết quả kiểm tra lại"}, nil},
			{f.homeroom, "GET", cls + "/lists", nil, 200, []string{"Danh sách học sinh hoàn thành chương trình trung học cơ sở", "Danh sách học sinh kiểm tra, đánh giá lại trong hè",
				"Danh sách học sinh rèn luyện trong hè", "Danh sách học sinh ở lại lớp", "Danh sách học sinh đề nghị khen thưởng", "Tải Excel"}, nil},
			{f.homeroom, "GET", cls + "/book", nil, 200, []string{"SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH", "(Theo lớp học)", "ĐTBmcn", "ĐĐGgk", "Tổng hợp kết quả đánh giá cả năm",
				"Giáo viên bộ môn:", "Toán — Học kì II", "Hiệu trưởng"}, nil},
			{f.homeroom, "GET", cls + "/lists/nope.xlsx", nil, 404, nil, nil},
			// Conduct: a bad level is refused beside the field, nothing stored.
			{f.homeroom, "POST", cls + "/conduct", url.Values{"term": {"hk1"}, "pupil": {p0}, "level_" + p0: {"X"}}, 422,
				[]string{"Kết quả rèn luyện là T (Tốt), K (Khá), Đ (Đạt) hoặc CĐ (Chưa đạt).", `class="row-err"`}, nil},
			{f.homeroom, "POST", cls + "/conduct", url.Values{"term": {"hk1"}, "pupil": {p0}, "level_" + p0: {"K"}, "comment_" + p0: {"Lễ phép, cần mạnh dạn hơn"}}, 303, nil, nil},
			{f.homeroom, "GET", cls + "/conduct?term=hk1", nil, 200, []string{"Lễ phép, cần mạnh dạn hơn"}, nil},
			{f.homeroom, "POST", cls + "/comments", url.Values{"term": {"year"}, "pupil": {p0}, "comment_" + p0: {"Chăm ngoan, học tốt môn Toán"}}, 303, nil, nil},
			{f.homeroom, "GET", cls + "/book", nil, 200, []string{"Chăm ngoan, học tốt môn Toán"}, nil},
			// Rights.
			{f.otherHR, "GET", cls + "/overview", nil, 403, []string{"không có quyền"}, nil},
			{f.otherHR, "GET", cls + "/results", nil, 403, nil, nil},
			{f.otherHR, "POST", cls + "/conduct", url.Values{"term": {"hk1"}, "pupil": {p0}, "level_" + p0: {"T"}}, 403, nil, nil},
			{f.teacher, "POST", cls + "/conduct", url.Values{"term": {"hk1"}, "pupil": {p0}, "level_" + p0: {"T"}}, 403, nil, nil},
			{f.teacher, "POST", cls + "/comments", url.Values{"term": {"hk1"}, "pupil": {p0}, "comment_" + p0: {"x"}}, 403, nil, nil},
			{f.teacher, "GET", cls + "/overview", nil, 403, nil, nil},
			{f.teacher, "GET", cls + "/retests", nil, 200, []string{"Bạn nhập môn: <strong>Toán</strong>"}, []string{"Ngữ văn <span"}},
			{"thcsnd.lanhdao", "GET", cls + "/results?term=year", nil, 200, []string{"Vì sao?"}, nil},
			{"thcsnd.lanhdao", "GET", cls + "/conduct", nil, 200, []string{"chỉ đọc"}, []string{"<select"}},
			{"thcsnd.lanhdao", "POST", cls + "/conduct", url.Values{"term": {"hk1"}, "pupil": {p0}, "level_" + p0: {"T"}}, 403, nil, nil},
			{"thcsnd.lanhdao", "GET", cls + "/book", nil, 200, []string{"SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH"}, nil},
			{"bmt.bqt", "GET", cls + "/lists", nil, 200, []string{"Danh sách học sinh ở lại lớp"}, nil},
			{"thptcva.lanhdao", "GET", cls + "/book", nil, 403, nil, nil},
			{"thlvt.lanhdao", "GET", "/classes/" + id(f.primary) + "/overview", nil, 422, []string{"lớp tiểu học"}, nil},
		}
		for _, sc := range scenarios {
			c := e.as(sc.user)
			var r response
			if sc.method == "POST" {
				r = c.post(sc.path, sc.form)
			} else {
				r = c.get(sc.path)
			}
			if r.status != sc.status {
				t.Errorf("%s %s %s: status %d, want %d\n%.600s", sc.user, sc.method, sc.path, r.status, sc.status, r.body)
				continue
			}
			for _, w := range sc.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s %s %s: no %q", sc.user, sc.method, sc.path, w)
				}
			}
			for _, w := range sc.notWant {
				if strings.Contains(r.body, w) {
					t.Errorf("%s %s %s: unexpected %q", sc.user, sc.method, sc.path, w)
				}
			}
		}
		// Every list exports as a workbook.
		for _, l := range []string{"promoted", "retest", "summer", "retained", "awards"} {
			r := e.as(f.homeroom).get(cls + "/lists/" + l + ".xlsx")
			if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") || !strings.HasPrefix(r.body, "PK") {
				t.Errorf("list %s: %d %s", l, r.status, r.header.Get("Content-Type"))
			}
		}
		// The class page links the book's pages for those who read them.
		if r := e.as(f.homeroom).get(cls); !strings.Contains(r.body, cls+"/results") || !strings.Contains(r.body, cls+"/book") {
			t.Error("the class page does not link the homeroom pages")
		}
	})
}

// BenchmarkClassBook times GET /classes/{id}/book — the whole class book of a
// class of 45 pupils with 12 subjects and both semesters entered — as its
// homeroom teacher, through the handler (server time only):
// go test -run X -bench ClassBook -benchtime 20x ./internal/web/
func BenchmarkClassBook(b *testing.B) {
	ctx, sys := context.Background(), app.System("bench")
	bs := newBenchSchool(b, 4)
	c := bs.classes[0]
	rows, err := report.ReadRows(bytes.NewReader(mustXLSX(b, pupilRows(45, bs.classes[:1]))))
	if err != nil {
		b.Fatal(err)
	}
	if rep, err := bs.a.ImportPupils(ctx, sys, bs.school.ID, rows); err != nil || rep.Created != 45 {
		b.Fatalf("import: %v %v", err, rep.Errors)
	}
	var subjects []sdgdt.ClassSubject
	var pupils []int64
	if err := bs.a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if subjects, err = tx.ClassSubjects(c.ID); err != nil {
			return err
		}
		pupils, err = tx.StudyingPupils(c.ID)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	for j, cs := range subjects {
		n := assess.RegularCount(assess.AssessedBy(cs.AssessedBy), cs.PeriodsPerYear)
		for _, term := range []string{"hk1", "hk2"} {
			as, err := bs.a.CreateAssignment(ctx, sys, sdgdt.Assignment{SchoolID: bs.school.ID, ClassID: c.ID, Subject: cs.Subject, Term: term, TeacherID: bs.teacher.ID})
			if err != nil {
				b.Fatal(err)
			}
			var sheet sdgdt.Sheet
			if err := bs.a.DB.View(ctx, func(tx *store.Tx) error {
				var err error
				sheet, err = tx.SheetFor(as.ClassID, as.Subject, as.Term)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			var chs []app.SheetChange
			for i, p := range pupils {
				mark := func(k int) app.CellValue {
					if cs.AssessedBy == "comment" {
						if (i+k+j)%23 == 0 {
							return app.CellValue{Text: "CD"}
						}
						return app.CellValue{Text: "D"}
					}
					v := 3 + (i*7+k*3+j*5)%7
					if (i+k)%3 == 0 {
						return app.CellValue{Text: fmt.Sprintf("%d,5", v)}
					}
					return app.CellValue{Text: fmt.Sprint(v)}
				}
				for k := 0; k < n; k++ {
					chs = append(chs, app.SheetChange{PupilID: p, Field: fmt.Sprintf("regular[%d]", k), Value: mark(k)})
				}
				chs = append(chs, app.SheetChange{PupilID: p, Field: "midterm", Value: mark(n)}, app.SheetChange{PupilID: p, Field: "final", Value: mark(n + 1)})
			}
			if _, err := bs.a.PatchSheet(ctx, sys, sheet.ID, app.SheetPatch{Changes: chs, Via: app.ViaAPI}); err != nil {
				b.Fatalf("%s %s: %v", cs.Subject, term, err)
			}
		}
	}
	var conduct []app.ConductEntry
	for i, p := range pupils {
		conduct = append(conduct, app.ConductEntry{PupilID: p, Term: "hk1", Level: []string{"T", "K", "D", "T"}[i%4]}, app.ConductEntry{PupilID: p, Term: "hk2", Level: []string{"T", "T", "K", "D", "CD"}[i%5]})
	}
	if err := bs.a.SetConduct(ctx, sys, c.ID, conduct); err != nil {
		b.Fatal(err)
	}
	bs.a.WaitResults()
	srv, err := web.NewServer(bs.a, slog.New(slog.DiscardHandler), web.Options{Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	form := url.Values{"username": {bs.teacher.Username}, "password": {bs.pw}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) == 0 {
		b.Fatalf("sign-in: %d %s", rec.Code, rec.Body.String())
	}
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	path := "/classes/" + id(c.ID) + "/book"
	r := get(path)
	if r.Code != 200 || strings.Count(r.Body.String(), `class="book-page subject-page"`) != 2*len(subjects) || len(subjects) != 12 {
		b.Fatalf("book: %d, %d subject pages, %d subjects", r.Code, strings.Count(r.Body.String(), `class="book-page subject-page"`), len(subjects))
	}
	b.ReportMetric(float64(r.Body.Len())/1024, "KiB/page")
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if r := get(path); r.Code != 200 {
			b.Fatalf("status %d", r.Code)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/page")
	b.StopTimer()
	for _, page := range []string{"/overview?term=year", "/results?term=year", "/lists"} {
		start := time.Now()
		const n = 5
		for i := 0; i < n; i++ {
			if r := get("/classes/" + id(c.ID) + page); r.Code != 200 {
				b.Fatalf("%s: %d", page, r.Code)
			}
		}
		b.Logf("%s: %.1f ms/page", page, float64(time.Since(start).Microseconds())/1000/n)
	}
}
