// Command sdgdt-load is the load generator of the assessment book: it builds a
// school of N classes of P pupils with one teacher per class, serves the real
// HTTP handler on a loopback port, and has every teacher save his whole sheet
// through PATCH /api/v1/sheets/{id} at a fixed interval, as the grid does, then
// measures the grid page. It prints latency percentiles and errors.
//
//	go run ./cmd/sdgdt-load -teachers 100 -pupils 45 -interval 2s -duration 60s
//
// With -db it uses that database (sqlite:PATH or postgres://...; it must be
// empty); by default a temporary SQLite file.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/archive"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
	"sdgdt/internal/web"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sdgdt-load:", err)
		os.Exit(1)
	}
}

// password is every load account's (-password for a province set).
var password = "Load-Test-Password-2026"

type config struct {
	dsn                string
	teachers, pupils   int
	schools            int
	interval, duration time.Duration
	cellsPerPupil      int
	pageLoads          int
	pageEvery          time.Duration
	closed             int
	closedFor          time.Duration
	province           bool
	workers            int
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("sdgdt-load", flag.ContinueOnError)
	fs.StringVar(&c.dsn, "db", "", "database DSN (default: a temporary SQLite file)")
	fs.IntVar(&c.teachers, "teachers", 100, "concurrent teachers (one class and sheet each)")
	fs.IntVar(&c.pupils, "pupils", 45, "pupils per class")
	fs.IntVar(&c.schools, "schools", 1, "spread the classes and teachers over this many schools (each school's audit chain orders its own writes)")
	fs.DurationVar(&c.interval, "interval", 2*time.Second, "each teacher saves his sheet this often")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "how long to run")
	fs.IntVar(&c.cellsPerPupil, "cells", 0, "cells changed per pupil and save (0: every mark of the row: 4 regular, mid-term, end-of-term)")
	fs.IntVar(&c.pageLoads, "page-loads", 100, "grid page loads to time after the run")
	fs.DurationVar(&c.pageEvery, "page-every", 200*time.Millisecond, "while the teachers save, load the grid page this often and time it (0: not)")
	fs.IntVar(&c.closed, "closed", 0, "after the open loop, this many clients save back to back (closed loop), then the same writes run as a raw loop on the store")
	fs.DurationVar(&c.closedFor, "closed-for", 20*time.Second, "how long the closed and the raw loop each run")
	fs.BoolVar(&c.province, "province", false, "use the province that `sdgdt demo --scale N` built in -db: its teachers save their sheets (-teachers of them, one a secondary school), then the statistics and dashboards of the Sở and the year recompute of every school are timed")
	fs.StringVar(&password, "password", password, "with -province: the password the set was built with")
	fs.IntVar(&c.workers, "workers", 4, "with -province: workers of the year recompute (PostgreSQL)")
	recomputeOnly := fs.Bool("recompute-only", false, "with -province: time the year recompute of every school, nothing else")
	hold := fs.Bool("hold-results", false, "hold the background recomputation of results until the load ends (diagnostic)")
	logTo := fs.String("log", "", "write the server's log (JSON, as in production) to this file; by default it is written to nowhere")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run (server and clients) to this file")
	printBooks := fs.String("print-books", "", "while the teachers save, print every class book of the school for this term (hk1, hk2, year) as the bulk print job does, and time it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.dsn == "" {
		dir, err := os.MkdirTemp("", "sdgdt-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.dsn = "sqlite:" + filepath.Join(dir, "load.db")
	}
	db, err := store.Open(ctx, c.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams // sign-in speed is not what is measured
	if c.province {
		cfg.MFARoles = map[string]bool{} // the measuring board member signs in without a second factor
	}
	logOut := io.Discard // requests are logged, as in production, to nowhere unless -log
	if *logTo != "" {
		f, err := os.Create(*logTo)
		if err != nil {
			return err
		}
		defer f.Close()
		logOut = f
	}
	log := slog.New(slog.NewJSONHandler(logOut, nil))
	a := app.New(db, cfg, log) // the background jobs' errors are logged with the requests
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if c.province && *recomputeOnly {
		return provinceRecompute(ctx, a, c.workers, out)
	}
	start := time.Now()
	var w *world
	if c.province {
		if w, err = provinceWorld(ctx, a, c.teachers); err != nil {
			return err
		}
		c.pupils = len(w.teachers[0].pupils)
		fmt.Fprintf(out, "province: %d teachers of mathematics, one a secondary school, %d pupils in the first one's class, on %s\n", len(w.teachers), c.pupils, db.Dialect)
	} else {
		if w, err = build(ctx, a, c); err != nil {
			return fmt.Errorf("build the school: %w %v", err, sdgdt.ErrorFields(err))
		}
		if err := db.Analyze(ctx); err != nil { // as after any bulk load
			return err
		}
		fmt.Fprintf(out, "school: %d classes × %d pupils, %d teachers, in %d school(s) (built in %s) on %s\n", c.teachers, c.pupils, c.teachers, max(c.schools, 1), time.Since(start).Round(time.Millisecond), db.Dialect)
	}

	srv, err := web.NewServer(a, log, web.Options{Version: "load"})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var smu sync.Mutex
	var server []time.Duration
	timed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		srv.ServeHTTP(w, r)
		if r.Method == "PATCH" {
			smu.Lock()
			server = append(server, time.Since(t0))
			smu.Unlock()
		}
	})
	hs := &http.Server{Handler: timed}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.teachers + 10}, Timeout: 30 * time.Second}

	// Sign every teacher in.
	for i := range w.teachers {
		t := &w.teachers[i]
		body, _ := json.Marshal(map[string]string{"username": t.username, "password": password})
		res, err := client.Post(base+"/api/v1/auth/token", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		var tok struct{ Token string }
		json.NewDecoder(res.Body).Decode(&tok)
		res.Body.Close()
		if tok.Token == "" {
			return fmt.Errorf("sign-in of %s: %s", t.username, res.Status)
		}
		t.token = tok.Token
	}

	fields := []string{"regular[0]", "regular[1]", "regular[2]", "regular[3]", "midterm", "final"}
	perPupil := len(fields)
	if c.cellsPerPupil > 0 && c.cellsPerPupil < perPupil {
		perPupil = c.cellsPerPupil
	}
	fmt.Fprintf(out, "load: every %s each teacher saves %d cells (%d pupils × %d); %d teachers; for %s\n",
		c.interval, c.pupils*perPupil, c.pupils, perPupil, c.teachers, c.duration)
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      = map[string]int{}
		requests  atomic.Int64
		late      atomic.Int64
	)
	release := func() {}
	if *hold {
		release = a.HoldResults()
	}
	// save sends one full-sheet PATCH of t's sheet, as the grid's autosave does,
	// and returns its latency and, on failure, what went wrong.
	save := func(t *teacher, rnd *rand.Rand) (time.Duration, string) {
		changes := make([]map[string]any, 0, c.pupils*perPupil)
		for _, p := range t.pupils {
			for _, f := range fields[:perPupil] {
				v := strconv.Itoa(3 + rnd.IntN(7))
				if rnd.IntN(2) == 0 {
					v += ",5"
				}
				changes = append(changes, map[string]any{"pupil_id": p, "field": f, "value": v})
			}
		}
		body, _ := json.Marshal(map[string]any{"version": t.version, "changes": changes})
		req, _ := http.NewRequest("PATCH", base+"/api/v1/sheets/"+t.sheet, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+t.token)
		req.Header.Set("Content-Type", "application/json")
		t0 := time.Now()
		res, err := client.Do(req)
		d := time.Since(t0)
		if err != nil {
			return d, "network: " + err.Error()
		}
		var ans struct {
			Version int64 `json:"version"`
			Error   *struct {
				Code, Message string
				Fields        map[string]string
			}
		}
		json.NewDecoder(res.Body).Decode(&ans)
		res.Body.Close()
		if res.StatusCode != 200 {
			msg := res.Status
			if ans.Error != nil {
				msg += " " + ans.Error.Code
				for k, v := range ans.Error.Fields {
					msg += " (" + k + ": " + v + ")"
					break
				}
			}
			return d, msg
		}
		t.version = ans.Version
		return d, ""
	}
	// The grid page of a full class, as a signed-in teacher's browser asks
	// it: during the open loop every -page-every, and after the runs.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := browser.PostForm(base+"/login", url.Values{"username": {w.teachers[0].username}, "password": {password}})
	if err != nil {
		return err
	}
	res.Body.Close()
	gridPage := func() (time.Duration, error) {
		t0 := time.Now()
		res, err := browser.Get(base + "/sheets/" + w.teachers[0].sheet)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return 0, fmt.Errorf("grid page: %s", res.Status)
		}
		return time.Since(t0), nil
	}

	deadline := time.Now().Add(c.duration)
	var wg sync.WaitGroup
	var during []time.Duration
	var duringErr error
	if c.pageEvery > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next := time.Now().Add(c.pageEvery); ; next = next.Add(c.pageEvery) {
				time.Sleep(time.Until(next))
				if time.Now().After(deadline) {
					return
				}
				d, err := gridPage()
				if err != nil {
					duringErr = err
					return
				}
				during = append(during, d)
			}
		}()
	}
	type printRun struct {
		took          time.Duration
		classes, size int
		err           error
	}
	printed := make(chan printRun, 1)
	if *printBooks != "" {
		go func() {
			var buf bytes.Buffer
			var n int
			t0 := time.Now()
			err := archive.Books(ctx, a, app.System("load"), w.school, *printBooks, &buf, func(done, total int) { n = total })
			printed <- printRun{time.Since(t0), n, buf.Len(), err}
		}()
	}
	for i := range w.teachers {
		wg.Add(1)
		go func(t *teacher, seed uint64) {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(seed, 7))
			next := time.Now().Add(time.Duration(rnd.Int64N(int64(c.interval))))
			for {
				time.Sleep(time.Until(next))
				if time.Now().After(deadline) {
					return
				}
				next = next.Add(c.interval)
				d, fail := save(t, rnd)
				requests.Add(1)
				if d > c.interval {
					late.Add(1)
				}
				mu.Lock()
				latencies = append(latencies, d)
				if fail != "" {
					errs[fail]++
				}
				mu.Unlock()
			}
		}(&w.teachers[i], uint64(i))
	}
	wg.Wait()
	total := requests.Load()
	fmt.Fprintf(out, "PATCH: %d requests in %s (%.1f/s), %d cells written\n", total, c.duration, float64(total)/c.duration.Seconds(), total*int64(c.pupils*perPupil))
	printLatencies(out, "PATCH full sheet", latencies)
	smu.Lock()
	printLatencies(out, "  of which in the server handler", server)
	smu.Unlock()
	if duringErr != nil {
		return duringErr
	}
	if c.pageEvery > 0 {
		printLatencies(out, fmt.Sprintf("GET grid page (%d pupils) while the saves ran, one every %s", c.pupils, c.pageEvery), during)
	}
	nerr := 0
	for k, n := range errs {
		fmt.Fprintf(out, "  error %s: %d\n", k, n)
		nerr += n
	}
	fmt.Fprintf(out, "errors: %d; requests slower than the interval: %d\n", nerr, late.Load())
	if *printBooks != "" {
		pr := <-printed
		if pr.err != nil {
			return fmt.Errorf("print books: %w", pr.err)
		}
		fmt.Fprintf(out, "print books %s: %d class books (%d pupils) in %s while the saves above ran (%.1f MB zip)\n", *printBooks, pr.classes, pr.classes*c.pupils, pr.took.Round(time.Millisecond), float64(pr.size)/1e6)
	}

	// The stored results catch up in the background.
	release()
	t0 := time.Now()
	a.WaitResults()
	stale := 0
	db.View(ctx, func(tx *store.Tx) error {
		ks, err := tx.StaleResults(1 << 20)
		stale = len(ks)
		return err
	})
	fmt.Fprintf(out, "results: background recomputation idle %s after the load; %d pupil-years still stale\n", time.Since(t0).Round(time.Millisecond), stale)

	if c.closed > 0 {
		// Closed loop: the ceiling of full-sheet saves through the whole
		// application (HTTP, rights, locks, conflicts, history, audit, stale
		// results), then the same writes as a raw loop on the store alone
		// (marks, history and version only), in the same run.
		n := min(c.closed, len(w.teachers))
		var done atomic.Int64
		var closedLat []time.Duration
		end := time.Now().Add(c.closedFor)
		var cwg sync.WaitGroup
		for i := 0; i < n; i++ {
			cwg.Add(1)
			go func(t *teacher, seed uint64) {
				defer cwg.Done()
				rnd := rand.New(rand.NewPCG(seed, 11))
				for time.Now().Before(end) {
					d, fail := save(t, rnd)
					mu.Lock()
					closedLat = append(closedLat, d)
					if fail != "" {
						errs["closed loop: "+fail]++
					}
					mu.Unlock()
					done.Add(1)
				}
			}(&w.teachers[i], uint64(1000+i))
		}
		cwg.Wait()
		appRate := float64(done.Load()) / c.closedFor.Seconds()
		a.WaitResults()
		raw, err := rawLoop(ctx, db, w, n, perPupil, fields, c.closedFor)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "closed loop, %d clients, %s: %.1f full-sheet saves/s through the application", n, c.closedFor, appRate)
		printLatencies(out, "", closedLat)
		fmt.Fprintf(out, "raw loop, same writes on the store, %d workers, %s: %.1f saves/s — the application reaches %.0f%% of it\n", n, c.closedFor, raw, 100*appRate/raw)
	}

	var pages []time.Duration
	for i := 0; i < c.pageLoads; i++ {
		d, err := gridPage()
		if err != nil {
			return err
		}
		pages = append(pages, d)
	}
	printLatencies(out, fmt.Sprintf("GET grid page (%d pupils) after the saves", c.pupils), pages)
	var sheets []time.Duration
	for i := 0; i < c.pageLoads; i++ {
		t0 := time.Now()
		req, _ := http.NewRequest("GET", base+"/api/v1/sheets/"+w.teachers[0].sheet, nil)
		req.Header.Set("Authorization", "Bearer "+w.teachers[0].token)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		sheets = append(sheets, time.Since(t0))
	}
	printLatencies(out, "GET /api/v1/sheets/{id}", sheets)
	if c.province {
		if err := provinceDashboards(ctx, a, base, password, c.pageLoads, out); err != nil {
			return err
		}
		if err := provinceRecompute(ctx, a, c.workers, out); err != nil {
			return err
		}
	}
	if nerr > 0 {
		return errors.New("the load had errors")
	}
	return nil
}

func printLatencies(out io.Writer, what string, ds []time.Duration) {
	if len(ds) == 0 {
		fmt.Fprintf(out, "%s: no samples\n", what)
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(out, "%s: n=%d p50=%s p95=%s p99=%s max=%s\n", what, len(ds), ms(q(.50)), ms(q(.95)), ms(q(.99)), ms(ds[len(ds)-1]))
}

type teacher struct {
	username string
	token    string
	sheet    string
	version  int64
	pupils   []string
}

type world struct {
	teachers []teacher
	school   int64
}

var givenNames = []string{"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Nam", "Phương", "Quân", "Sơn", "Trang", "Vy"}

// build creates the school through the use cases, as an operator would.
func build(ctx context.Context, a *app.App, c config) (*world, error) {
	sys := app.System("load")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }
	year, err := a.CreateSchoolYear(ctx, sys, sdgdt.SchoolYear{Name: "2026-2027", StartsOn: day(2026, 9, 5), GK1On: day(2026, 11, 2),
		CK1On: day(2027, 1, 4), HK1EndsOn: day(2027, 1, 16), HK2Starts: day(2027, 1, 18), GK2On: day(2027, 3, 22), CNOn: day(2027, 5, 10),
		EndsOn: day(2027, 5, 31), Current: true})
	if err != nil {
		return nil, err
	}
	unit, err := a.CreateUnit(ctx, sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo (tải thử)", "LOAD")
	if err != nil {
		return nil, err
	}
	var schools []int64
	for i := range max(c.schools, 1) {
		name, code := "Trường THCS Tải Thử", "LOAD-THCS"
		if i > 0 {
			name, code = fmt.Sprintf("%s %d", name, i+1), fmt.Sprintf("%s-%d", code, i+1)
		}
		school, err := a.CreateSchool(ctx, sys, unit.ID, "thcs", name, code, "")
		if err != nil {
			return nil, err
		}
		schools = append(schools, school.ID)
	}
	hash, err := auth.HashPasswordWith(a.Cfg.Argon, password)
	if err != nil {
		return nil, err
	}
	w := &world{school: schools[0]}
	for i := 0; i < c.teachers; i++ {
		school := schools[i%len(schools)]
		u, _, err := a.CreateUser(ctx, sys, app.NewUserInput{Username: fmt.Sprintf("gv%03d", i), FullName: "Giáo viên " + givenNames[i%len(givenNames)],
			HomeKind: sdgdt.ScopeSchool, HomeID: school, Password: password, PasswordHash: hash})
		if err != nil {
			return nil, err
		}
		if err := a.SetupAccount(ctx, sys, u.ID, false, ""); err != nil {
			return nil, err
		}
		cl, err := a.CreateClass(ctx, sys, sdgdt.Class{SchoolID: school, SchoolYearID: year.ID, Grade: 6 + i%4, Name: fmt.Sprintf("%dA%d", 6+i%4, i/4+1), Ruleset: "tt22"})
		if err != nil {
			return nil, err
		}
		t := teacher{username: u.Username}
		for k := 0; k < c.pupils; k++ {
			p, err := a.EnrolNewPupil(ctx, sys, cl.ID, app.PupilInput{FullName: "Nguyễn Văn " + givenNames[k%len(givenNames)] + " " + givenNames[(k/len(givenNames))%len(givenNames)], DateOfBirth: "01/02/2013", Sex: "nam"}, year.StartsOn)
			if err != nil {
				return nil, err
			}
			t.pupils = append(t.pupils, strconv.FormatInt(p.ID, 10))
		}
		as, err := a.CreateAssignment(ctx, sys, sdgdt.Assignment{SchoolID: school, ClassID: cl.ID, Subject: "toan", Term: "hk1", TeacherID: u.ID})
		if err != nil {
			return nil, err
		}
		err = a.DB.View(ctx, func(tx *store.Tx) error {
			sh, err := tx.SheetFor(as.ClassID, "toan", "hk1")
			t.sheet = strconv.FormatInt(sh.ID, 10)
			return err
		})
		if err != nil {
			return nil, err
		}
		w.teachers = append(w.teachers, t)
	}
	return w, nil
}

// rawLoop writes the same cells as the closed loop — every mark of every
// pupil of a sheet, their history rows and the sheet's version — straight
// through the store, with n workers for d, and returns saves per second: the
// reference the application's closed loop is compared with.
func rawLoop(ctx context.Context, db *store.DB, w *world, n, perPupil int, fields []string, d time.Duration) (float64, error) {
	var done atomic.Int64
	var first error
	var mu sync.Mutex
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(t *teacher, seed uint64) {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(seed, 13))
			id, _ := strconv.ParseInt(t.sheet, 10, 64)
			for time.Now().Before(end) {
				err := db.Update(ctx, func(tx *store.Tx) error {
					sh, err := tx.Sheet(id)
					if err != nil {
						return err
					}
					writes := make([]sdgdt.CellWrite, 0, len(t.pupils)*perPupil)
					for _, p := range t.pupils {
						pid, _ := strconv.ParseInt(p, 10, 64)
						for _, f := range fields[:perPupil] {
							writes = append(writes, sdgdt.CellWrite{PupilID: pid, Field: f, Value: strconv.Itoa(3+rnd.IntN(7)) + ".5"})
						}
					}
					v, err := tx.BumpSheet(id)
					if err != nil {
						return err
					}
					return tx.WriteCells(sh, v, writes, sdgdt.WriteMeta{By: 1, Via: "api"})
				})
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				done.Add(1)
			}
		}(&w.teachers[i], uint64(2000+i))
	}
	wg.Wait()
	return float64(done.Load()) / d.Seconds(), first
}
