package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/report"
	"sdgdt/internal/store/storetest"
	"sdgdt/internal/web"
)

// benchSchool is a fresh database with one THCS school, its classes of the
// current year and a homeroom teacher of the first class.
type benchSchool struct {
	a       *app.App
	school  sdgdt.School
	classes []sdgdt.Class
	teacher sdgdt.User
	pw      string
}

func newBenchSchool(b *testing.B, classes int) benchSchool {
	b.Helper()
	ctx, sys := context.Background(), app.System("bench")
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	a := app.New(storetest.OpenSQLite(b), cfg, nil)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }
	y, err := a.CreateSchoolYear(ctx, sys, sdgdt.SchoolYear{Name: "2026-2027", StartsOn: day(2026, 9, 5), GK1On: day(2026, 11, 2), CK1On: day(2027, 1, 4),
		HK1EndsOn: day(2027, 1, 16), HK2Starts: day(2027, 1, 18), GK2On: day(2027, 3, 22), CNOn: day(2027, 5, 10), EndsOn: day(2027, 5, 31), Current: true})
	if err != nil {
		b.Fatal(err)
	}
	u, err := a.CreateUnit(ctx, sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo Đắk Lắk", "SGDDT-DL")
	if err != nil {
		b.Fatal(err)
	}
	s, err := a.CreateSchool(ctx, sys, u.ID, "thcs", "Trường THCS Nguyễn Du", "THCS-ND", "")
	if err != nil {
		b.Fatal(err)
	}
	bs := benchSchool{a: a, school: s}
	for i := 0; i < classes; i++ {
		g := 6 + i%4
		c, err := a.CreateClass(ctx, sys, sdgdt.Class{SchoolID: s.ID, SchoolYearID: y.ID, Grade: g, Name: fmt.Sprintf("%dA%d", g, i/4+1), Ruleset: "tt22"})
		if err != nil {
			b.Fatal(err)
		}
		bs.classes = append(bs.classes, c)
	}
	bs.teacher, bs.pw, err = a.CreateUser(ctx, sys, app.NewUserInput{Username: "thcsnd.gvcn", FullName: "Nguyễn Thị Chủ Nhiệm", HomeKind: sdgdt.ScopeSchool, HomeID: s.ID,
		Password: "Chu-Nhiem@2026-dai"})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.SetupAccount(ctx, sys, bs.teacher.ID, false, ""); err != nil {
		b.Fatal(err)
	}
	if err := a.SetHomeroom(ctx, sys, bs.classes[0].ID, bs.teacher.ID); err != nil {
		b.Fatal(err)
	}
	return bs
}

var (
	benchFamily = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	benchMiddle = []string{"Văn", "Thị", "Minh", "Ngọc", "Thanh", "Đức", "Gia", "Phương", "Xuân", "Hữu"}
	benchGiven  = []string{"An", "Ánh", "Bảo", "Châu", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Khoa", "Lan", "Linh", "Mai", "Minh", "Nam", "Ngân", "Phúc", "Quân", "Thảo", "Trang", "Uyên", "Vy", "Yến"}
)

// pupilRows makes n valid pupils spread over the classes.
func pupilRows(n int, classes []sdgdt.Class) [][]any {
	var rows [][]any
	for i := 0; i < n; i++ {
		c := classes[i%len(classes)]
		year := 2026 - 5 - c.Grade
		female := i%2 == 1
		sex, digit := "Nam", 2
		if female {
			sex, digit = "Nữ", 3
		}
		name := benchFamily[i%len(benchFamily)] + " " + benchMiddle[(i/3)%len(benchMiddle)] + " " + benchGiven[(i/7)%len(benchGiven)]
		rows = append(rows, []any{i + 1, name, fmt.Sprintf("%02d/%02d/%d", 1+i%28, 1+i%12, year), sex, "Kinh", "Buôn Ma Thuột, Đắk Lắk", "Đắk Lắk",
			fmt.Sprintf("%d Lê Duẩn, Buôn Ma Thuột", 1+i%300), "", "", "Phụ Huynh Học Sinh", fmt.Sprintf("09%08d", i), fmt.Sprintf("001%d%02d%06d", digit, year%100, i),
			fmt.Sprintf("66%08d", i), c.Name})
	}
	return rows
}

// BenchmarkImportPupils2500 times an import of 2,500 pupils from one .xlsx
// file (reading the file and ImportPupils), on a fresh SQLite database per
// iteration: go test -run X -bench ImportPupils2500 -benchtime 3x ./internal/web/
func BenchmarkImportPupils2500(b *testing.B) {
	ctx := context.Background()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		bs := newBenchSchool(b, 56)
		file, err := report.Write(report.Table{Sheet: "Học sinh", Title: "DANH SÁCH HỌC SINH", Columns: app.PupilColumns, Rows: pupilRows(2500, bs.classes)})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		rows, err := report.ReadRows(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := bs.a.ImportPupils(ctx, app.System("bench"), bs.school.ID, rows)
		if err != nil || rep.Created != 2500 {
			b.Fatalf("import: %v, %d created, errors %v", err, rep.Created, rep.Errors[:min(3, len(rep.Errors))])
		}
		total += time.Since(start)
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/import")
}

// BenchmarkClassListPage60 times GET /classes/{id} for a class of 60 pupils,
// as its homeroom teacher, through the handler (server time only):
// go test -run X -bench ClassListPage60 ./internal/web/
func BenchmarkClassListPage60(b *testing.B) {
	bs := newBenchSchool(b, 4)
	rows, err := report.ReadRows(bytes.NewReader(mustXLSX(b, pupilRows(60, bs.classes[:1]))))
	if err != nil {
		b.Fatal(err)
	}
	if rep, err := bs.a.ImportPupils(context.Background(), app.System("bench"), bs.school.ID, rows); err != nil || rep.Created != 60 {
		b.Fatalf("import: %v %v", err, rep.Errors)
	}
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
	path := "/classes/" + fmt.Sprint(bs.classes[0].ID)
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	if r := get(); r.Code != 200 || strings.Count(r.Body.String(), `href="/pupils/`) != 60 {
		b.Fatalf("class page: %d, %d pupils", r.Code, strings.Count(r.Body.String(), `href="/pupils/`))
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if r := get(); r.Code != 200 {
			b.Fatalf("status %d", r.Code)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/page")
}

func mustXLSX(b *testing.B, rows [][]any) []byte {
	f, err := report.Write(report.Table{Sheet: "Học sinh", Title: "DANH SÁCH HỌC SINH", Columns: app.PupilColumns, Rows: rows})
	if err != nil {
		b.Fatal(err)
	}
	return f
}
