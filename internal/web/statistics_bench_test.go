package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/report"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
	webpkg "sdgdt/internal/web"
)

// BenchmarkUnitStats measures GET /api/v1/units/{id}/statistics end to end
// (token, HTTP, JSON), and the Sở's dashboard page,: on the demo province, and on a province of 1,000
// schools in 20 offices with 30 classes each (about 1,200,000 pupils' worth
// of figures: the statistics read one row per school, so the pupils
// themselves are not needed to measure it). It prints the median and p95.
//
//	go test ./internal/web/ -run '^$' -bench BenchmarkUnitStats -benchtime 50x
func BenchmarkUnitStats(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(e.Name+"/demo", func(b *testing.B) {
			cfg := app.DefaultConfig()
			cfg.Argon = auth.TestParams
			seedCfg := cfg
			cfg.MFARoles = map[string]bool{} // the measuring account signs in without a second factor
			db := storetest.Seeded(b, e.Name, "demo", func(db *store.DB) error {
				_, err := demo.Seed(context.Background(), app.New(db, seedCfg, nil), demoPassword)
				return err
			})
			benchStatsAPI(b, app.New(db, cfg, nil), "/api/v1/units/1/statistics?term=year")
		})
		b.Run(e.Name+"/province", func(b *testing.B) {
			cfg := app.DefaultConfig()
			cfg.Argon = auth.TestParams
			cfg.MFARoles = map[string]bool{}
			a := app.New(e.Open(b), cfg, nil)
			root, office := provinceFigures(b, a, 20, 50, 30)
			b.Run("so", func(b *testing.B) { benchStatsAPI(b, a, fmt.Sprintf("/api/v1/units/%d/statistics?term=year", root)) })
			b.Run("office", func(b *testing.B) { benchStatsAPI(b, a, fmt.Sprintf("/api/v1/units/%d/statistics?term=year", office)) })
			b.Run("so-page", func(b *testing.B) {
				benchStatsAPI(b, a, fmt.Sprintf("/units/%d/statistics?term=year&sort=learning_T", root))
			})
			b.Run("so-grade", func(b *testing.B) {
				benchStatsAPI(b, a, fmt.Sprintf("/api/v1/units/%d/statistics?term=year&grade=7", root))
			})
			b.Run("so-xlsx", func(b *testing.B) {
				st, err := a.UnitStatistics(context.Background(), app.System("bench"), root, app.StatsQuery{Term: "year"})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				for i := 0; i < b.N; i++ {
					if _, err := report.Statistics(st); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N)/1000, "ms/xlsx")
			})
		})
	}
}

// benchStatsAPI calls path b.N times as the Sở's board member and reports
// the median and p95 in milliseconds.
func benchStatsAPI(b *testing.B, a *app.App, path string) {
	ctx := context.Background()
	sys := app.System("bench")
	u, _, err := a.CreateUser(ctx, sys, app.NewUserInput{Username: fmt.Sprintf("bench%d", time.Now().UnixNano()), FullName: "Người đo", HomeKind: sdgdt.ScopeUnit, HomeID: 1, Password: demoPassword})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.SetupAccount(ctx, sys, u.ID, false, ""); err != nil {
		b.Fatal(err)
	}
	if _, err := a.GrantRole(ctx, sys, u.ID, sdgdt.RoleUnitBoard, sdgdt.ScopeUnit, 1, ""); err != nil {
		b.Fatal(err)
	}
	web := !strings.HasPrefix(path, "/api/") // a page: a browser's session cookie
	kind := "api"
	if web {
		kind = "web"
	}
	res, err := a.SignIn(ctx, app.SignInInput{Username: u.Username, Password: demoPassword, IP: "192.0.2.9", UserAgent: "bench", Kind: kind})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := webpkg.NewServer(a, slog.New(slog.NewTextHandler(io.Discard, nil)), webpkg.Options{Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	call := func() {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		if web {
			req.AddCookie(&http.Cookie{Name: "sdgdt_session", Value: res.Token})
		} else {
			req.Header.Set("Authorization", "Bearer "+res.Token)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 {
			b.Fatalf("%s: %d %s", path, r.StatusCode, body)
		}
	}
	call()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		call()
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[min(len(times)-1, len(times)*95/100)].Microseconds())/1000, "ms-p95")
}

// provinceFigures builds a province of offices × schools × classes with their
// figures (rows of result_statistics as the refresher writes them) and
// returns the root's and the first office's ids.
func provinceFigures(b *testing.B, a *app.App, offices, schools, classes int) (int64, int64) {
	b.Helper()
	ctx, sys := context.Background(), app.System("bench")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }
	y, err := a.CreateSchoolYear(ctx, sys, sdgdt.SchoolYear{Name: "2026-2027", StartsOn: day(2026, 9, 5), GK1On: day(2026, 11, 2), CK1On: day(2027, 1, 4),
		HK1EndsOn: day(2027, 1, 16), HK2Starts: day(2027, 1, 18), GK2On: day(2027, 3, 22), CNOn: day(2027, 5, 10), EndsOn: day(2027, 5, 31), Current: true})
	if err != nil {
		b.Fatal(err)
	}
	so, err := a.CreateUnit(ctx, sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo Đắk Lắk", "SGDDT-DL")
	if err != nil {
		b.Fatal(err)
	}
	// A class of 40 with every breakdown and twelve subjects.
	var class sdgdt.Figures
	for i := 0; i < 40; i++ {
		subs := []string{}
		for j, s := range []string{"ngu_van", "toan", "ngoai_ngu_1", "gdcd", "lich_su_dia_li", "khtn", "cong_nghe", "tin_hoc"} {
			subs = append(subs, fmt.Sprintf(`{"subject":%q,"assessed_by":"score","hk1":7.5,"hk2":8,"year":%d.%d}`, s, 3+(i+j)%7, i%10))
		}
		subs = append(subs, `{"subject":"gdtc","assessed_by":"comment","year":"D"}`)
		class.Count("year", sdgdt.StatPupil{Female: i%2 == 0, Grade: 7, Result: &sdgdt.PupilResult{
			Year:          sdgdt.TermLevels{Learning: []string{"T", "K", "D", "CD", ""}[i%5], Conduct: []string{"T", "K", "D"}[i%3]},
			LearningFinal: []string{"T", "K", "D", "D", ""}[i%5], ConductFinal: "T", Promotion: []string{"promoted", "retest", "promoted"}[i%3],
			Award: []string{"gioi", "", "", "xuat_sac"}[i%4], Complete: true, SubjectsJSON: "[" + strings.Join(subs, ",") + "]"}})
	}
	classData := store.EncodeFigures(class)
	var school, grade sdgdt.Figures
	for i := 0; i < classes; i++ {
		school.Add(class)
		if i%4 == 0 {
			grade.Add(class)
		}
	}
	schoolData, gradeData := store.EncodeFigures(school), store.EncodeFigures(grade)
	var first int64
	id := int64(0)
	for o := 0; o < offices; o++ {
		u, err := a.CreateUnit(ctx, sys, so.ID, sdgdt.UnitDistrict, fmt.Sprintf("Phòng Giáo dục và Đào tạo số %d", o+1), fmt.Sprintf("PGD-%d", o+1))
		if err != nil {
			b.Fatal(err)
		}
		if first == 0 {
			first = u.ID
		}
		var sb, st strings.Builder
		var sargs, targs []any
		for s := 0; s < schools; s++ {
			id++
			if s > 0 {
				sb.WriteString(",")
			}
			n := len(sargs)
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
			sargs = append(sargs, 100000+id, u.ID, u.Path, "thcs", fmt.Sprintf("Trường THCS số %d", id), fmt.Sprintf("THCS-%d", id), "", time.Now().UTC())
		}
		if err := a.DB.ExecForTest(ctx, `INSERT INTO schools (id, unit_id, unit_path, kind, name, code, address, created_at) VALUES `+sb.String(), sargs...); err != nil {
			b.Fatal(err)
		}
		for s := 0; s < schools; s++ {
			sid := 100000 + id - int64(schools) + int64(s) + 1
			st.Reset()
			targs = targs[:0]
			for c := -4; c <= classes; c++ {
				if c > -4 {
					st.WriteString(",")
				}
				n := len(targs)
				fmt.Fprintf(&st, "($%d,$%d,'year',$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7)
				switch {
				case c < 0: // the grades 6-9
					targs = append(targs, sid, y.ID, c-5, 5-c, grade.Pupils, gradeData, time.Now().UTC())
				case c == 0:
					targs = append(targs, sid, y.ID, 0, 0, school.Pupils, schoolData, time.Now().UTC())
				default:
					targs = append(targs, sid, y.ID, sid*100+int64(c), 6+c%4, class.Pupils, classData, time.Now().UTC())
				}
			}
			if err := a.DB.ExecForTest(ctx, `INSERT INTO result_statistics (school_id, school_year_id, term, class_id, grade, pupils, data, updated_at) VALUES `+st.String(), targs...); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := a.DB.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	return so.ID, first
}

// BenchmarkRefreshStatistics measures the write side: counting again every
// class of THCS Nguyễn Du (12 classes, about 480 pupils) from its pupils'
// stored results and summing the school, in one transaction — what a
// recomputation batch adds for the classes it touched.
//
//	go test ./internal/web/ -run '^$' -bench BenchmarkRefreshStatistics -benchtime 20x
func BenchmarkRefreshStatistics(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			cfg := app.DefaultConfig()
			cfg.Argon = auth.TestParams
			db := storetest.Seeded(b, e.Name, "demo", func(db *store.DB) error {
				_, err := demo.Seed(context.Background(), app.New(db, cfg, nil), demoPassword)
				return err
			})
			ctx := context.Background()
			var school, year int64
			var classes int
			if err := db.View(ctx, func(tx *store.Tx) error {
				var err error
				if school, err = tx.SchoolIDByCode("THCS-ND"); err != nil {
					return err
				}
				y, err := tx.CurrentYear()
				year = y.ID
				cs, _ := tx.ClassesOf(school, year)
				classes = len(cs)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if err := db.Update(ctx, func(tx *store.Tx) error { return tx.RefreshStatistics(school, year) }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N*classes)/1000, "ms/class")
		})
	}
}
