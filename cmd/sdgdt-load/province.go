package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
)

// provinceWorld takes its teachers from a province built by `sdgdt demo
// --scale N` (-province): the teacher of mathematics, semester I, of one
// class in each of the first n secondary schools, with the class's pupils
// and the sheet's version, so that the open loop saves real sheets of a
// province-sized database. Every account of the set has its password.
func provinceWorld(ctx context.Context, a *app.App, n int) (*world, error) {
	w := &world{}
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		year, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		schools, err := tx.SchoolsBelow("/")
		if err != nil {
			return err
		}
		for _, s := range schools {
			if len(w.teachers) == n {
				break
			}
			if s.Kind != "thcs" && s.Kind != "thpt" {
				continue
			}
			as, err := tx.AssignmentsOfSchool(s.ID, year.ID)
			if err != nil {
				return err
			}
			for _, as := range as {
				if as.Subject != "toan" || as.Term != "hk1" {
					continue
				}
				sh, err := tx.SheetFor(as.ClassID, as.Subject, as.Term)
				if err != nil {
					return err
				}
				u, err := tx.User(as.TeacherID)
				if err != nil {
					return err
				}
				ids, err := tx.StudyingPupils(as.ClassID)
				if err != nil {
					return err
				}
				t := teacher{username: u.Username, sheet: strconv.FormatInt(sh.ID, 10), version: sh.Version}
				for _, id := range ids {
					t.pupils = append(t.pupils, strconv.FormatInt(id, 10))
				}
				if w.school == 0 {
					w.school = s.ID
				}
				w.teachers = append(w.teachers, t)
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(w.teachers) < n {
		return nil, fmt.Errorf("the database has %d secondary schools with a mathematics sheet of semester I, not %d: build it with sdgdt demo --scale", len(w.teachers), n)
	}
	return w, nil
}

// provinceDashboards signs a new member of the Sở's board in and times, n
// times each, the statistics API of the Sở and of an office, the Sở's
// statistics page and its entry-progress dashboard.
func provinceDashboards(ctx context.Context, a *app.App, base, pass string, n int, out io.Writer) error {
	var root, office int64
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		schools, err := tx.SchoolsBelow("/")
		if err != nil || len(schools) == 0 {
			return fmt.Errorf("no schools: %v", err)
		}
		path := strings.Split(strings.Trim(schools[0].UnitPath, "/"), "/")
		root, _ = strconv.ParseInt(path[0], 10, 64)
		for _, s := range schools {
			if s.UnitID != root { // a district office's school
				office = s.UnitID
				break
			}
		}
		return nil
	}); err != nil {
		return err
	}
	sys := app.System("load")
	u, _, err := a.CreateUser(ctx, sys, app.NewUserInput{Username: fmt.Sprintf("do.tai.%d", time.Now().UnixNano()), FullName: "Người đo tải",
		HomeKind: sdgdt.ScopeUnit, HomeID: root, Password: pass})
	if err != nil {
		return err
	}
	if err := a.SetupAccount(ctx, sys, u.ID, false, ""); err != nil {
		return err
	}
	if _, err := a.GrantRole(ctx, sys, u.ID, sdgdt.RoleUnitBoard, sdgdt.ScopeUnit, root, ""); err != nil {
		return err
	}
	api, err := a.SignIn(ctx, app.SignInInput{Username: u.Username, Password: pass, IP: "192.0.2.9", UserAgent: "sdgdt-load", Kind: "api"})
	if err != nil {
		return err
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := browser.PostForm(base+"/login", url.Values{"username": {u.Username}, "password": {pass}})
	if err != nil {
		return err
	}
	res.Body.Close()
	get := func(path string, api string) (time.Duration, error) {
		req, _ := http.NewRequest("GET", base+path, nil)
		c := browser
		if api != "" {
			req.Header.Set("Authorization", "Bearer "+api)
			c = http.DefaultClient
		}
		t0 := time.Now()
		res, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return 0, fmt.Errorf("GET %s: %s", path, res.Status)
		}
		return time.Since(t0), nil
	}
	// The job serve runs every few minutes counts every school once here.
	t0 := time.Now()
	counted, err := a.RefreshProgressSummaries(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "progress summaries of the dashboards: %d counted in %s (the job, every school once)\n", counted, time.Since(t0).Round(time.Millisecond))
	for _, p := range []struct{ what, path, token string }{
		{"statistics API of the Sở", fmt.Sprintf("/api/v1/units/%d/statistics?term=year", root), api.Token},
		{"statistics API of an office", fmt.Sprintf("/api/v1/units/%d/statistics?term=year", office), api.Token},
		{"statistics page of the Sở", fmt.Sprintf("/units/%d/statistics?term=year", root), ""},
		{"entry-progress dashboard of the Sở", fmt.Sprintf("/units/%d/progress", root), ""},
	} {
		var ds []time.Duration
		for i := 0; i <= n; i++ {
			d, err := get(p.path, p.token)
			if err != nil {
				return err
			}
			if i > 0 { // the first call warms the caches
				ds = append(ds, d)
			}
		}
		printLatencies(out, "GET "+p.what+" "+p.path, ds)
	}
	return nil
}

// provinceRecompute marks the result of every pupil of the current year
// stale, one transaction a school, and has workers compute them all again
// as the background recomputation does (on PostgreSQL each worker claims its
// own batches), then prints how long each part took.
func provinceRecompute(ctx context.Context, a *app.App, workers int, out io.Writer) error {
	if a.DB.Dialect != store.Postgres {
		workers = 1 // SQLite's batches are not claimed: one worker
	}
	t0 := time.Now()
	var marked int
	var schools []sdgdt.School
	var year sdgdt.SchoolYear
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if year, err = tx.CurrentYear(); err != nil {
			return err
		}
		schools, err = tx.SchoolsBelow("/")
		return err
	}); err != nil {
		return err
	}
	release := a.HoldResults() // the workers below compute, not the background loop
	defer release()
	for _, s := range schools {
		n, err := a.MarkYearStale(ctx, app.System("load"), s.ID, year.ID)
		if err != nil {
			return err
		}
		marked += n
	}
	markTook := time.Since(t0)
	t1 := time.Now()
	var computed atomic.Int64
	var first error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := a.RecomputeStale(ctx, 500)
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					return
				}
				if n == 0 {
					return
				}
				computed.Add(int64(n))
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	took := time.Since(t1)
	fmt.Fprintf(out, "year recompute of the province (%d schools): %d pupils marked stale in %s; %d pupil-years computed and stored in %s by %d workers (%.0f/s); %s in all\n",
		len(schools), marked, markTook.Round(time.Millisecond), computed.Load(), took.Round(time.Millisecond), workers,
		float64(computed.Load())/took.Seconds(), time.Since(t0).Round(time.Millisecond))
	return nil
}
