package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/archive"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
	"sdgdt/internal/web"
)

// Two app servers on one PostgreSQL database behind a round-robin proxy, as
// two processes on two machines behind a load balancer would run: each has
// its own connection pool, its own App (caches, background recomputation)
// and its own job runner; they share only the database, the clock (as NTP
// would) and the jobs folder (a network share).

// instance is one app server of the cluster.
type instance struct {
	name string
	db   *store.DB
	a    *app.App
	jobs *archive.Runner
	srv  *httptest.Server
}

// cluster is two instances behind a proxy that sends each request to the
// next instance in turn.
type cluster struct {
	*env // its srv is the proxy; its db and a are instance a's
	in   [2]*instance
	turn atomic.Int64
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	if os.Getenv("SDGDT_TEST_POSTGRES") == "" {
		t.Skip("two instances share a PostgreSQL database: SDGDT_TEST_POSTGRES not set")
	}
	cfg := testConfig()
	dsn := storetest.SeededDSN(t, "postgres", "demo", seedDemo("postgres", cfg))
	clk := &clock{now: time.Now().UTC()}
	cfg.Clock = clk.Now
	jobsDir := t.TempDir()
	c := &cluster{}
	for i, name := range []string{"a", "b"} {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		in := &instance{name: name, db: db, a: app.New(db, cfg, nil)}
		in.jobs = archive.NewRunner(in.a, jobsDir, nil)
		srv, err := web.NewServer(in.a, testLog(t), web.Options{TrustProxy: true, Version: "test", Jobs: in.jobs})
		if err != nil {
			t.Fatal(err)
		}
		in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Instance", name)
			srv.ServeHTTP(w, r)
		}))
		t.Cleanup(in.srv.Close)
		c.in[i] = in
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		in := c.in[(c.turn.Add(1)-1)%2]
		u, _ := url.Parse(in.srv.URL)
		pr.SetURL(u)
		// The test client's own address, as a load balancer passes it on.
		pr.Out.Header["X-Forwarded-For"] = pr.In.Header["X-Forwarded-For"]
	}}
	c.env = envOver(t, "postgres", c.in[0].db, c.in[0].a, clk)
	c.srv = httptest.NewServer(proxy)
	t.Cleanup(c.srv.Close)
	return c
}

// next makes the next request through the proxy land on instance name.
func (c *cluster) next(name string) {
	if c.in[c.turn.Load()%2].name != name {
		c.turn.Add(1)
	}
}

// TestTwoInstances runs two app servers on one PostgreSQL database behind a
// round-robin proxy and checks that what one instance writes holds on the
// other: sessions and tokens, locks, sheet versions, and that their
// background workers (recomputation of results, print jobs) do each piece of
// work once.
func TestTwoInstances(t *testing.T) {
	c := newCluster(t)
	e := c.env

	t.Run("sessions", func(t *testing.T) {
		const leader = "thcsnd.lanhdao"
		// Password on one instance, second factor on the other.
		c.next("a")
		br := e.login(leader, demoPassword)
		seen := map[string]bool{}
		for i := 0; i < 4; i++ {
			r := br.get("/")
			seen[r.header.Get("X-Instance")] = true
			if r.status != http.StatusOK {
				t.Fatalf("page %d after sign-in: status %d, location %q", i, r.status, r.location())
			}
		}
		if !seen["a"] || !seen["b"] {
			t.Fatalf("requests did not alternate: %v", seen)
		}
		// A token from one instance works on the other; a code of the
		// second factor used on one is refused on the other.
		code := e.totp(leader)
		body := fmt.Sprintf(`{"username":%q,"password":%q,"otp":%q}`, leader, demoPassword, code)
		c.next("a")
		r := e.newClient().do("POST", "/api/v1/auth/token", body, nil)
		if r.status != http.StatusOK {
			t.Fatalf("token: %d %s", r.status, r.body)
		}
		var tok struct{ Token string }
		json.Unmarshal([]byte(r.body), &tok)
		if r := e.newClient().do("POST", "/api/v1/auth/token", body, nil); r.status != http.StatusUnauthorized || r.header.Get("X-Instance") != "b" {
			t.Errorf("second factor code used again on the other instance: %d (%s) %s", r.status, r.header.Get("X-Instance"), r.body)
		}
		for _, in := range []string{"a", "b"} {
			c.next(in)
			r := e.apiCall(tok.Token, "GET", "/api/v1/me", nil)
			if r.status != http.StatusOK || r.header.Get("X-Instance") != in || !strings.Contains(r.body, `"username":"`+leader+`"`) {
				t.Errorf("token on %s: %d (%s) %s", in, r.status, r.header.Get("X-Instance"), r.body)
			}
		}
		// Signing out (or revoking the token) on one ends it on the other.
		c.next("a")
		if r := br.post("/logout", nil); r.status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", r.status)
		}
		if r := br.get("/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") || r.header.Get("X-Instance") != "b" {
			t.Errorf("page after sign-out on the other instance: %d %q (%s)", r.status, r.location(), r.header.Get("X-Instance"))
		}
		c.next("b")
		if r := e.apiCall(tok.Token, "DELETE", "/api/v1/auth/token", nil); r.status/100 != 2 {
			t.Fatalf("revoke token: %d %s", r.status, r.body)
		}
		if r := e.apiCall(tok.Token, "GET", "/api/v1/me", nil); r.status != http.StatusUnauthorized || r.header.Get("X-Instance") != "a" {
			t.Errorf("revoked token on the other instance: %d (%s)", r.status, r.header.Get("X-Instance"))
		}
	})

	teacher, tTok, sheetID := c.scoredSheet(t, "hk2")

	t.Run("versions", func(t *testing.T) {
		sh := c.sheet(t, tTok, sheetID)
		pupil := sh.Rows[0].PupilID
		// Two saves of one cell at the same version, at once, one per
		// instance: one is saved, the other gets the conflict.
		type answer struct {
			status   int
			instance string
			code     string
		}
		answers := make([]answer, 2)
		var wg sync.WaitGroup
		for i, v := range []int{5, 6} {
			wg.Add(1)
			body, _ := json.Marshal(map[string]any{"version": sh.Version, "changes": []chg{{pupil, "midterm", v}}})
			req, _ := http.NewRequest("PATCH", c.srv.URL+"/api/v1/sheets/"+sheetID, strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tTok)
			req.Header.Set("X-Forwarded-For", "10.8.0.1")
			go func() {
				defer wg.Done()
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer res.Body.Close()
				var ae apiErrJSON
				raw, _ := io.ReadAll(res.Body)
				json.Unmarshal(raw, &ae)
				answers[i] = answer{res.StatusCode, res.Header.Get("X-Instance"), ae.Error.Code}
			}()
		}
		wg.Wait()
		if answers[0].instance == answers[1].instance {
			t.Errorf("both saves went to instance %s", answers[0].instance)
		}
		ok, conflict := 0, 0
		for _, a := range answers {
			switch {
			case a.status == http.StatusOK:
				ok++
			case a.status == http.StatusConflict && a.code == "conflict":
				conflict++
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("two saves at version %d: %+v, want one 200 and one 409 conflict", sh.Version, answers)
		}
		if now := c.sheet(t, tTok, sheetID); now.Version != sh.Version+1 {
			t.Errorf("version after the saves: %d, want %d", now.Version, sh.Version+1)
		}
	})

	t.Run("locks", func(t *testing.T) {
		sh := c.sheet(t, tTok, sheetID)
		lTok := e.token("thcsnd.lanhdao")
		c.next("a")
		r := e.apiCall(lTok, "POST", "/api/v1/locks", map[string]any{"school_id": fmt.Sprint(e.schools["THCS-ND"]), "term": "hk2", "reason": "Khóa sổ học kì II"})
		if r.status != http.StatusCreated || r.header.Get("X-Instance") != "a" {
			t.Fatalf("lock on a: %d %s", r.status, r.body)
		}
		r = e.apiCall(tTok, "PATCH", "/api/v1/sheets/"+sheetID, map[string]any{"version": sh.Version,
			"changes": []chg{{sh.Rows[1].PupilID, "midterm", 7}}})
		if r.status != http.StatusLocked || r.header.Get("X-Instance") != "b" || !strings.Contains(r.body, "Khóa sổ học kì II") {
			t.Errorf("%s writes under a lock set on a, through b: %d (%s) %s", teacher, r.status, r.header.Get("X-Instance"), r.body)
		}
	})

	t.Run("recomputation once", func(t *testing.T) {
		ctx := context.Background()
		school := e.schools["THCS-ND"]
		// Every pupil-year of the school is made stale, as a rule-set change
		// would; the results before (once the saves above are computed) are
		// what the recomputation must give.
		for _, in := range c.in {
			in.a.WaitResults()
		}
		var year int64
		before := map[int64][]sdgdt.PupilResult{}
		stale := 0
		err := c.in[0].db.Update(ctx, func(tx *store.Tx) error {
			y, err := tx.CurrentYear()
			if err != nil {
				return err
			}
			year = y.ID
			cs, err := tx.ClassesOf(school, year)
			if err != nil {
				return err
			}
			for _, cl := range cs {
				if before[cl.ID], err = tx.ClassResults(cl.ID); err != nil {
					return err
				}
				for _, r := range before[cl.ID] {
					if r.Stale {
						return fmt.Errorf("pupil %d: stale before the test", r.PupilID)
					}
				}
				ids, err := tx.StudyingPupils(cl.ID)
				if err != nil {
					return err
				}
				if err := tx.MarkResultsStale(school, year, cl.ID, ids); err != nil {
					return err
				}
				stale += len(ids)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if stale < 100 {
			t.Fatalf("only %d pupil-years to compute", stale)
		}
		// Both instances' workers run at once, as at start-up or after a
		// kick, in small batches so that they meet on the same rows.
		var counts [2]int64
		for i, in := range c.in {
			counts[i] = in.a.ResultsComputed()
		}
		var wg sync.WaitGroup
		for _, in := range c.in {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := in.a.RecomputeStale(ctx, 10)
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		var computed [2]int64
		for i, in := range c.in {
			computed[i] = in.a.ResultsComputed() - counts[i]
		}
		t.Logf("%d stale pupil-years; computed by a: %d, by b: %d", stale, computed[0], computed[1])
		if computed[0]+computed[1] != int64(stale) {
			t.Errorf("%d stale pupil-years computed %d times in all (a %d, b %d)", stale, computed[0]+computed[1], computed[0], computed[1])
		}
		// Nothing stale is left and every result is what it was.
		err = c.in[1].db.View(ctx, func(tx *store.Tx) error {
			if left, err := tx.StaleResults(1000); err != nil || len(left) > 0 {
				return fmt.Errorf("still stale: %v %v", left, err)
			}
			for classID, want := range before {
				got, err := tx.ClassResults(classID)
				if err != nil {
					return err
				}
				if len(got) != len(want) {
					return fmt.Errorf("class %d: %d results, want %d", classID, len(got), len(want))
				}
				byPupil := map[int64]sdgdt.PupilResult{}
				for _, w := range want {
					byPupil[w.PupilID] = w
				}
				for _, g := range got {
					w := byPupil[g.PupilID]
					g.Gen, w.Gen, g.ComputedAt = 0, 0, w.ComputedAt
					if !reflect.DeepEqual(g, w) {
						return fmt.Errorf("class %d pupil %d: %+v\nwant %+v", classID, g.PupilID, g, w)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	})

	t.Run("jobs once", func(t *testing.T) {
		ctx := context.Background()
		sys := app.System("test")
		school := e.schools["TH-LVT"]
		var jobs []sdgdt.Job
		for _, term := range []string{"gk1", "ck1", "gk2"} {
			j, err := c.in[0].a.QueueBookJob(ctx, sys, school, term)
			if err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, j)
		}
		runCtx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for _, in := range c.in {
			wg.Add(1)
			go func() { defer wg.Done(); in.jobs.Run(runCtx) }()
			in.jobs.Wake()
		}
		deadline := time.Now().Add(2 * time.Minute)
		for _, j := range jobs {
			for {
				got, _, err := c.in[1].a.Job(ctx, sys, j.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status == sdgdt.JobDone {
					break
				}
				if got.Status == sdgdt.JobFailed || time.Now().After(deadline) {
					cancel()
					t.Fatalf("job: %+v", got)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		cancel()
		wg.Wait()
		// Each job issued each of its class books once: one audit entry per
		// document, with the job's request id.
		issued := map[string]int{}
		err := c.in[0].db.View(ctx, func(tx *store.Tx) error {
			es, err := tx.ListAudit(sdgdt.AuditFilter{SchoolIDs: []int64{school}, Action: string(sdgdt.ActDocumentIssue), Limit: 500})
			for _, en := range es {
				issued[en.RequestID]++
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			got, _, _ := c.in[0].a.Job(ctx, sys, j.ID)
			if n := issued[fmt.Sprintf("job:%d", j.ID)]; n != got.Total || n == 0 {
				t.Errorf("job %d (%s): %d documents issued, want %d", j.ID, j.Params, n, got.Total)
			}
			// The result is on the shared folder, for whichever instance
			// serves the download.
			if _, err := os.Stat(c.in[1].jobs.ResultPath(j.ID)); err != nil {
				t.Errorf("job %d: %v", j.ID, err)
			}
		}
	})
}

// scoredSheet finds a THCS Nguyễn Du subject teacher's scored sheet of term,
// with a token of the teacher.
func (c *cluster) scoredSheet(t *testing.T, term string) (teacher, token, sheetID string) {
	t.Helper()
	for name, ac := range c.accts {
		if ac.Role != "subject_teacher" || !strings.HasPrefix(name, "thcsnd.") {
			continue
		}
		tok := c.token(name)
		var as []map[string]string
		json.Unmarshal([]byte(c.apiCall(tok, "GET", "/api/v1/assignments", nil).body), &as)
		for _, a := range as {
			if a["term"] == term && a["assessed_by"] == "score" {
				return name, tok, a["sheet_id"]
			}
		}
	}
	t.Fatalf("no THCS subject teacher with a scored %s sheet", term)
	return
}

func (c *cluster) sheet(t *testing.T, token, id string) apiSheetJSON {
	t.Helper()
	var sh apiSheetJSON
	r := c.apiCall(token, "GET", "/api/v1/sheets/"+id, nil)
	if r.status != http.StatusOK {
		t.Fatalf("sheet %s: %d %s", id, r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &sh); err != nil || len(sh.Rows) < 2 {
		t.Fatalf("sheet %s: %v %s", id, err, r.body)
	}
	return sh
}
