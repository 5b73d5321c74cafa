package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
	"sdgdt/internal/web"
)

const demoPassword = "Demo@SoDanhGia2026"

// clock is the database clock of the web tests: real time, moved forward by
// hand (a second factor's code may be used only once per 30-second step).
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a running server over a demo province.
type env struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	a       *app.App
	clk     *clock
	srv     *httptest.Server
	accts   map[string]demo.Account
	schools map[string]int64 // by code
	units   map[string]int64 // by code
	ipSeq   atomic.Int64
	clients map[string]*client
}

// seededAccounts are the demo accounts of the seeded template, per engine.
var (
	seededMu       sync.Mutex
	seededAccounts = map[string][]demo.Account{}
)

// newEnv starts a server over a copy of the demo province, seeded once per test
// binary and engine (the empty database of storetest.Each only names the engine).
func newEnv(t *testing.T, empty *store.DB) *env {
	t.Helper()
	engine := string(empty.Dialect)
	cfg := testConfig()
	db := storetest.Seeded(t, engine, "demo", seedDemo(engine, cfg))
	clk := &clock{now: time.Now().UTC()}
	cfg.Clock = clk.Now
	a := app.New(db, cfg, nil)
	e := envOver(t, engine, db, a, clk)
	// Client addresses come from X-Forwarded-For, so that each test client has
	// its own and throttling of one does not lock out the others.
	srv, err := web.NewServer(a, testLog(t), web.Options{TrustProxy: true, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(srv)
	t.Cleanup(e.srv.Close)
	return e
}

// testConfig is the app configuration of the web tests (fast password hashing).
func testConfig() app.Config {
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	return cfg
}

// seedDemo seeds the demo province, keeping its accounts for envOver.
func seedDemo(engine string, cfg app.Config) func(db *store.DB) error {
	return func(db *store.DB) error {
		accts, err := demo.Seed(context.Background(), app.New(db, cfg, nil), demoPassword)
		seededMu.Lock()
		seededAccounts[engine] = accts
		seededMu.Unlock()
		return err
	}
}

// testLog sends the server's warnings and errors to the test log.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// envOver is an env over a seeded demo database, without its server (srv).
func envOver(t *testing.T, engine string, db *store.DB, a *app.App, clk *clock) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), db: db, a: a, clk: clk, accts: map[string]demo.Account{},
		schools: map[string]int64{}, units: map[string]int64{}, clients: map[string]*client{}}
	seededMu.Lock()
	for _, ac := range seededAccounts[engine] {
		e.accts[ac.Username] = ac
	}
	seededMu.Unlock()
	err := db.View(e.ctx, func(tx *store.Tx) error {
		for _, c := range []string{"TH-LVT", "THCS-ND", "THPT-CVA", "GDTX-KP"} {
			id, err := tx.SchoolIDByCode(c)
			if err != nil {
				return err
			}
			e.schools[c] = id
		}
		for _, c := range []string{"SGDDT-DL", "PGDDT-BMT", "PGDDT-KP"} {
			id, err := tx.UnitIDByCode(c)
			if err != nil {
				return err
			}
			e.units[c] = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// client is a browser: a cookie jar, its own address, redirects not followed.
type client struct {
	e    *env
	hc   *http.Client
	ip   string
	user string
}

func (e *env) newClient() *client {
	jar, _ := cookiejar.New(nil)
	n := e.ipSeq.Add(1)
	c := &client{e: e, ip: "10.9." + strconv.FormatInt(n/250, 10) + "." + strconv.FormatInt(n%250+1, 10)}
	c.hc = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c
}

// response is what a test looks at.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) location() string { return r.header.Get("Location") }

func (c *client) do(method, path, body string, hdr map[string]string) response {
	c.e.t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	if body != "" {
		if strings.HasPrefix(body, "{") || strings.HasPrefix(path, "/api/") {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

func (c *client) get(path string) response { return c.do("GET", path, "", nil) }

func (c *client) post(path string, form url.Values) response {
	return c.do("POST", path, form.Encode(), nil)
}

// totp returns a fresh code of a demo account's second factor, moving the
// clock to a new 30-second step first so that no code is used twice.
func (e *env) totp(username string) string {
	e.t.Helper()
	ac := e.accts[username]
	if ac.TOTPSecret == nil {
		e.t.Fatalf("%s has no second factor", username)
	}
	e.clk.Advance(31 * time.Second)
	code, err := auth.TOTPCode(*ac.TOTPSecret, e.clk.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

// login signs a new browser in through the forms (with the second factor when
// the account has one) and checks that it lands on the overview.
func (e *env) login(username, password string) *client {
	e.t.Helper()
	c := e.newClient()
	c.user = username
	r := c.post("/login", url.Values{"username": {username}, "password": {password}})
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("sign-in of %s: status %d\n%s", username, r.status, r.body)
	}
	if strings.HasPrefix(r.location(), "/login/otp") {
		r = c.post("/login/otp", url.Values{"otp": {e.totp(username)}, "next": {"/"}})
		if r.status != http.StatusSeeOther || r.location() != "/" {
			e.t.Fatalf("second factor of %s: status %d, location %q", username, r.status, r.location())
		}
	} else if r.location() != "/" {
		e.t.Fatalf("sign-in of %s redirects to %q", username, r.location())
	}
	return c
}

// as returns a signed-in browser of a demo account (one per account).
func (e *env) as(username string) *client {
	e.t.Helper()
	if c, ok := e.clients[username]; ok {
		return c
	}
	c := e.login(username, demoPassword)
	e.clients[username] = c
	return c
}

// token returns an API token of a demo account.
func (e *env) token(username string) string {
	e.t.Helper()
	body := map[string]string{"username": username, "password": demoPassword}
	if e.accts[username].TOTPSecret != nil {
		body["otp"] = e.totp(username)
	}
	b, _ := json.Marshal(body)
	r := e.newClient().do("POST", "/api/v1/auth/token", string(b), nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("token of %s: %d %s", username, r.status, r.body)
	}
	var out struct{ Token string }
	if err := json.Unmarshal([]byte(r.body), &out); err != nil || out.Token == "" {
		e.t.Fatalf("token of %s: %s", username, r.body)
	}
	return out.Token
}

// usersAt returns the usernames of a school's accounts.
func (e *env) usersAt(school string) []string {
	e.t.Helper()
	var out []string
	err := e.db.View(e.ctx, func(tx *store.Tx) error {
		us, err := tx.UsersAt("school", e.schools[school])
		for _, u := range us {
			out = append(out, u.Username)
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) auditCount() int {
	e.t.Helper()
	// Verification walks every entry (ListAudit stops at 500), and checks the chains too.
	p, n, err := e.db.VerifyAudit(e.ctx)
	if err != nil || p != nil {
		e.t.Fatalf("audit: %v, %v", p, err)
	}
	return n
}

// apiErrorShape checks that body is {"error": {"code", "message"}} with code.
func apiErrorShape(t *testing.T, what, body, code string) {
	t.Helper()
	var v struct {
		Error *struct {
			Code    *string `json:"code"`
			Message *string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Error == nil || v.Error.Code == nil || v.Error.Message == nil || *v.Error.Message == "" {
		t.Errorf("%s: not the error shape: %s", what, body)
		return
	}
	if code != "" && *v.Error.Code != code {
		t.Errorf("%s: error code %q, want %q", what, *v.Error.Code, code)
	}
}

// testWriter sends the server's warnings and errors to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// demoAccount describes an account created by a test, with its second factor.
func demoAccount(secret string) demo.Account { return demo.Account{TOTPSecret: &secret} }
