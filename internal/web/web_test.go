package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// scenario is one request and what its answer must and must not hold.
type scenario struct {
	name     string
	as       string // demo account whose browser sends it; "" for a new anonymous one
	method   string
	url      string
	body     string // form (url-encoded) or JSON
	headers  map[string]string
	status   int
	location string   // prefix of the Location header, for redirects
	contains []string // texts the body must hold
	absent   []string // texts it must not
	check    func(t *testing.T, r response)
}

func (e *env) run(t *testing.T, scs []scenario) {
	t.Helper()
	for _, sc := range scs {
		t.Run(sc.name, func(t *testing.T) {
			c := e.newClient()
			if sc.as != "" {
				c = e.as(sc.as)
			}
			method := sc.method
			if method == "" {
				method = "GET"
			}
			r := c.do(method, sc.url, sc.body, sc.headers)
			if r.status != sc.status {
				t.Fatalf("%s %s: status %d, want %d\n%.2000s", method, sc.url, r.status, sc.status, r.body)
			}
			if sc.location != "" && !strings.HasPrefix(r.location(), sc.location) {
				t.Errorf("Location %q, want %q…", r.location(), sc.location)
			}
			for _, s := range sc.contains {
				if !strings.Contains(r.body, s) {
					t.Errorf("body lacks %q\n%.3000s", s, r.body)
				}
			}
			for _, s := range sc.absent {
				if strings.Contains(r.body, s) {
					t.Errorf("body holds %q", s)
				}
			}
			if sc.check != nil {
				sc.check(t, r)
			}
		})
	}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// TestWeb runs the pages and the API over the demo province on each engine.
// The province is seeded once per engine; each group of scenarios uses its own
// browsers (and client addresses).
func TestWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		t.Run("public", func(t *testing.T) { testPublic(t, e) })
		t.Run("signin", func(t *testing.T) { testSignInPages(t, e) })
		t.Run("setup", func(t *testing.T) { testAccountSetup(t, e) })
		t.Run("scope", func(t *testing.T) { testScopes(t, e) })
		t.Run("users", func(t *testing.T) { testCreateUser(t, e) })
		t.Run("csrf", func(t *testing.T) { testCrossOrigin(t, e) })
		t.Run("api", func(t *testing.T) { testAPI(t, e) })
		t.Run("metrics", func(t *testing.T) { testMetrics(t, e) })
	})
}

func testPublic(t *testing.T, e *env) {
	e.run(t, []scenario{
		{name: "healthz", url: "/healthz", status: 200, contains: []string{"ok"}},
		{name: "readyz", url: "/readyz", status: 200, contains: []string{"ready"}},
		{name: "login page in Vietnamese", url: "/login", status: 200,
			contains: []string{`lang="vi"`, "Đăng nhập", "Tên đăng nhập", "Mật khẩu", `action="/login"`},
			check: func(t *testing.T, r response) {
				if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
					t.Errorf("CSP %q", csp)
				}
				if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Frame-Options") != "DENY" {
					t.Errorf("headers %v", r.header)
				}
				if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
					t.Errorf("content type %q", r.header.Get("Content-Type"))
				}
			}},
		{name: "overview needs a session", url: "/", status: http.StatusSeeOther, location: "/login?next=%2F"},
		{name: "school page needs a session", url: "/schools/" + id(e.schools["TH-LVT"]), status: http.StatusSeeOther, location: "/login?next=%2Fschools%2F"},
		{name: "unknown page", url: "/khong-co", status: 404, contains: []string{"Không tìm thấy"}},
		{name: "static file", url: "/static/app.css", status: 200},
		{name: "post to users without a session", method: "POST", url: "/users", body: "username=x", status: http.StatusSeeOther, location: "/login"},
		{name: "openapi", url: "/api/v1/openapi.json", status: 200, contains: []string{`"openapi"`, "/api/v1/auth/token"}},
	})
}

func testSignInPages(t *testing.T, e *env) {
	name := e.accts["thcsnd.vanthu"].FullName
	e.run(t, []scenario{
		{name: "wrong password", method: "POST", url: "/login", body: "username=thcsnd.vanthu&password=sai-mat-khau-roi", status: 401,
			contains: []string{"Tên đăng nhập hoặc mật khẩu không đúng", `value="thcsnd.vanthu"`}, absent: []string{"sai-mat-khau-roi"}},
		{name: "NUL in the username", method: "POST", url: "/login", body: "username=thcsnd.vanthu%00&password=x", status: 401, contains: []string{"Tên đăng nhập hoặc mật khẩu không đúng"}},
		{name: "invalid UTF-8 in the username", method: "POST", url: "/login", body: "username=%FF%FE&password=x", status: 401},
		{name: "empty form", method: "POST", url: "/login", body: "username=&password=", status: 422, contains: []string{"Vui lòng nhập tên đăng nhập"}},
		{name: "overview shows the user's name", as: "thcsnd.vanthu", url: "/", status: 200, contains: []string{name, "Xin chào", "Trường THCS Nguyễn Du"},
			absent: []string{"Trường Tiểu học Lê Văn Tám", "Krông Pắc"},
			check: func(t *testing.T, r response) {
				if r.header.Get("Content-Security-Policy") == "" {
					t.Error("no CSP on a page")
				}
			}},
		{name: "login page of a signed-in user redirects", as: "thcsnd.vanthu", url: "/login?next=/account", status: http.StatusSeeOther, location: "/account"},
		{name: "next cannot leave the site", as: "thcsnd.vanthu", url: "/login?next=//evil.example/", status: http.StatusSeeOther, location: "/"},
		{name: "account page", as: "thcsnd.vanthu", url: "/account", status: 200, contains: []string{name}},
	})

	// The redirect after sign-in keeps a local next and drops another site.
	c := e.newClient()
	r := c.post("/login", url.Values{"username": {"thcsnd.vanthu"}, "password": {demoPassword}, "next": {"https://evil.example/"}})
	if r.status != http.StatusSeeOther || r.location() != "/" {
		t.Errorf("next to another site: %d %q", r.status, r.location())
	}
	c = e.newClient()
	r = c.post("/login", url.Values{"username": {"thcsnd.vanthu"}, "password": {demoPassword}, "next": {"/account"}})
	if r.location() != "/account" {
		t.Errorf("local next: %q", r.location())
	}
	cookie := r.header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Errorf("session cookie %q", cookie)
	}

	// A leader passes the second factor: until then every page sends him back to it.
	c = e.newClient()
	r = c.post("/login", url.Values{"username": {"thcsnd.lanhdao"}, "password": {demoPassword}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login/otp") {
		t.Fatalf("leader sign-in: %d %q", r.status, r.location())
	}
	if r := c.get("/"); r.status != http.StatusSeeOther || r.location() != "/login/otp" {
		t.Errorf("page before the second factor: %d %q", r.status, r.location())
	}
	if r := c.get("/login/otp"); r.status != 200 || !strings.Contains(r.body, "Mã xác thực") {
		t.Errorf("otp page: %d", r.status)
	}
	if r := c.post("/login/otp", url.Values{"otp": {"000000"}}); r.status != 401 || !strings.Contains(r.body, "Mã xác thực không đúng") {
		t.Errorf("wrong code: %d", r.status)
	}
	if r := c.post("/login/otp", url.Values{"otp": {e.totp("thcsnd.lanhdao")}, "next": {"/account"}}); r.status != http.StatusSeeOther || r.location() != "/account" {
		t.Errorf("right code: %d %q", r.status, r.location())
	}
	if r := c.get("/"); r.status != 200 || !strings.Contains(r.body, e.accts["thcsnd.lanhdao"].FullName) {
		t.Errorf("page after the second factor: %d", r.status)
	}
	// Signing out ends the session: the cookie no longer opens pages.
	if r := c.post("/logout", nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
		t.Errorf("logout: %d %q", r.status, r.location())
	}
	if r := c.get("/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
		t.Errorf("page after logout: %d %q", r.status, r.location())
	}
}

func testAccountSetup(t *testing.T, e *env) {
	sys := app.System("test")
	// An account created by an administrator must change its password first.
	u, temp, err := e.a.CreateUser(e.ctx, sys, app.NewUserInput{Username: "thcsnd.giaovienmoi", FullName: "Phạm Thị Mới", HomeKind: sdgdt.ScopeSchool, HomeID: e.schools["THCS-ND"]})
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("thcsnd.giaovienmoi", temp)
	for _, path := range []string{"/", "/account", "/schools/" + id(e.schools["THCS-ND"])} {
		if r := c.get(path); r.status != http.StatusSeeOther || r.location() != "/account/password?msg=must_change" {
			t.Errorf("%s before the change: %d %q", path, r.status, r.location())
		}
	}
	if r := c.get("/account/password?msg=must_change"); r.status != 200 || !strings.Contains(r.body, "Đổi mật khẩu") {
		t.Errorf("password page: %d", r.status)
	}
	r := c.post("/account/password", url.Values{"old": {temp}, "new": {"ngan"}, "confirm": {"ngan"}})
	if r.status != 422 || !strings.Contains(r.body, "ít nhất 10 ký tự") {
		t.Errorf("short password: %d", r.status)
	}
	r = c.post("/account/password", url.Values{"old": {temp}, "new": {"Câu-mật-khẩu-riêng-2026"}, "confirm": {"Câu-mật-khẩu-riêng-2026"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("password change: %d %s", r.status, r.body)
	}
	if r := c.get("/"); r.status != 200 || !strings.Contains(r.body, "Phạm Thị Mới") {
		t.Errorf("overview after the change: %d", r.status)
	}

	// A leader without a second factor is sent to enrol one.
	if _, err := e.a.GrantRole(e.ctx, sys, u.ID, sdgdt.RoleLeader, sdgdt.ScopeSchool, e.schools["THCS-ND"], ""); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/units", "/audit"} {
		if r := c.get(path); r.status != http.StatusSeeOther || r.location() != "/account/mfa" {
			t.Errorf("%s without a second factor: %d %q", path, r.status, r.location())
		}
	}
	r = c.get("/account/mfa")
	if r.status != 200 || !strings.Contains(r.body, "Khóa bí mật") || !strings.Contains(r.body, "bắt buộc") {
		t.Fatalf("enrolment page: %d", r.status)
	}
	if qr := c.get("/account/mfa/qr.png"); qr.status != 200 || qr.header.Get("Content-Type") != "image/png" {
		t.Errorf("QR code: %d %q", qr.status, qr.header.Get("Content-Type"))
	}
	var secret string
	e.db.View(e.ctx, func(tx *store.Tx) error { u, err := tx.User(u.ID); secret = u.TOTPSecret; return err })
	if secret == "" || !strings.Contains(r.body, secret) {
		t.Fatal("the secret shown is not the one stored")
	}
	if r := c.post("/account/mfa", url.Values{"otp": {"000000"}}); r.status != 422 {
		t.Errorf("wrong enrolment code: %d", r.status)
	}
	e.accts["thcsnd.giaovienmoi"] = demoAccount(secret)
	if r := c.post("/account/mfa", url.Values{"otp": {e.totp("thcsnd.giaovienmoi")}}); r.status != http.StatusSeeOther {
		t.Errorf("enrolment: %d", r.status)
	}
	if r := c.get("/"); r.status != 200 {
		t.Errorf("overview after enrolment: %d %q", r.status, r.location())
	}
}

func testScopes(t *testing.T, e *env) {
	s, u := e.schools, e.units
	forbidden := []string{"Không có quyền truy cập", "Bạn không có quyền"}
	e.run(t, []scenario{
		{name: "leader reads his school", as: "thcsnd.lanhdao", url: "/schools/" + id(s["THCS-ND"]), status: 200, contains: []string{"Trường THCS Nguyễn Du", "Ban quản trị"}},
		{name: "leader and another school of the unit", as: "thcsnd.lanhdao", url: "/schools/" + id(s["TH-LVT"]), status: 403, contains: forbidden, absent: []string{"Lê Văn Tám"}},
		{name: "leader and a school of another unit", as: "thcsnd.lanhdao", url: "/schools/" + id(s["GDTX-KP"]), status: 403},
		{name: "leader and the department", as: "thcsnd.lanhdao", url: "/units/" + id(u["SGDDT-DL"]), status: 403, contains: forbidden},
		{name: "leader and his unit", as: "thcsnd.lanhdao", url: "/units/" + id(u["PGDDT-BMT"]), status: 403},
		{name: "leader's units page goes to his school", as: "thcsnd.lanhdao", url: "/units", status: http.StatusSeeOther, location: "/schools/" + id(s["THCS-ND"])},
		{name: "leader's audit log", as: "thcsnd.lanhdao", url: "/audit", status: 200, contains: []string{"Nhật ký hệ thống"}},
		{name: "leader and another school's audit log", as: "thcsnd.lanhdao", url: "/audit?school=" + id(s["TH-LVT"]), status: 403},
		{name: "district board reads its school", as: "bmt.bqt", url: "/schools/" + id(s["THCS-ND"]), status: 200, contains: []string{"Trường THCS Nguyễn Du"}},
		{name: "district board reads its other school", as: "bmt.bqt", url: "/schools/" + id(s["TH-LVT"]), status: 200},
		{name: "district board and another district's school", as: "bmt.bqt", url: "/schools/" + id(s["GDTX-KP"]), status: 403},
		{name: "district board and a school under the department", as: "bmt.bqt", url: "/schools/" + id(s["THPT-CVA"]), status: 403},
		{name: "district board and another district", as: "bmt.bqt", url: "/units/" + id(u["PGDDT-KP"]), status: 403},
		{name: "district board and the department", as: "bmt.bqt", url: "/units/" + id(u["SGDDT-DL"]), status: 403},
		{name: "district board reads its unit", as: "bmt.bqt", url: "/units/" + id(u["PGDDT-BMT"]), status: 200, contains: []string{"Buôn Ma Thuột", "Trường THCS Nguyễn Du"}, absent: []string{"Krông Pắc"}},
		{name: "district board's overview", as: "bmt.bqt", url: "/", status: 200, contains: []string{"Trường Tiểu học Lê Văn Tám", "Trường THCS Nguyễn Du"}, absent: []string{"Trung tâm GDNN-GDTX", "Chu Văn An"}},
		{name: "district board and another district's audit", as: "bmt.bqt", url: "/audit?school=" + id(s["GDTX-KP"]), status: 403},
		{name: "Krông Pắc board sees its centre only", as: "kp.bqt", url: "/", status: 200, contains: []string{"Trung tâm GDNN-GDTX huyện Krông Pắc"}, absent: []string{"Lê Văn Tám", "Nguyễn Du", "Chu Văn An"}},
		{name: "department board reads every school", as: "so.bqt", url: "/schools/" + id(s["GDTX-KP"]), status: 200},
		{name: "department board's overview", as: "so.bqt", url: "/", status: 200, contains: []string{"Lê Văn Tám", "Nguyễn Du", "Chu Văn An", "Krông Pắc"}},
		{name: "department units page", as: "so.quantri", url: "/units", status: 200, contains: []string{"Buôn Ma Thuột", "Krông Pắc"}},
		{name: "staff has no audit log", as: "thlvt.vanthu", url: "/audit", status: 403},
		{name: "staff reads its school", as: "thlvt.vanthu", url: "/schools/" + id(s["TH-LVT"]), status: 200, absent: []string{"Tạo tài khoản"}},
		{name: "sysadmin sees the account form", as: "thlvt.quantri", url: "/schools/" + id(s["TH-LVT"]), status: 200, contains: []string{"Tạo tài khoản", "Cấp vai trò"}},
		{name: "bad id", as: "so.quantri", url: "/schools/abc", status: 404},
		{name: "no such school", as: "so.quantri", url: "/schools/99999", status: 404},
	})
	// A subject teacher sees his school only.
	var teacher string
	for name, ac := range e.accts {
		if ac.Role == sdgdt.RoleSubjectTeacher && strings.HasPrefix(name, "thcsnd.") {
			teacher = name
		}
	}
	e.run(t, []scenario{
		{name: "subject teacher reads his school", as: teacher, url: "/schools/" + id(s["THCS-ND"]), status: 200},
		{name: "subject teacher and another school", as: teacher, url: "/schools/" + id(s["TH-LVT"]), status: 403},
		{name: "subject teacher and the department", as: teacher, url: "/units/" + id(u["SGDDT-DL"]), status: 403},
	})
}

func testCreateUser(t *testing.T, e *env) {
	var teacher string
	for name, ac := range e.accts {
		if ac.Role == sdgdt.RoleSubjectTeacher && strings.HasPrefix(name, "thlvt.") {
			teacher = name
		}
	}
	form := func(username, school string) string {
		return url.Values{"username": {username}, "full_name": {"Đỗ Văn Thử"}, "home_kind": {"school"}, "home_id": {id(e.schools[school])}}.Encode()
	}
	cases := []struct {
		name, as, username, school string
		status                     int
		created                    bool
	}{
		{"subject teacher", teacher, "thlvt.tu.teacher", "TH-LVT", 403, false},
		{"staff", "thlvt.vanthu", "thlvt.tu.staff", "TH-LVT", 403, false},
		{"leader", "thlvt.lanhdao", "thlvt.tu.leader", "TH-LVT", 403, false},
		{"sysadmin of another school of the unit", "thlvt.quantri", "thcsnd.tu.other", "THCS-ND", 403, false},
		{"sysadmin of another unit's school", "thlvt.quantri", "gdtxkp.tu.other", "GDTX-KP", 403, false},
		{"district board", "bmt.bqt", "thlvt.tu.board", "TH-LVT", 403, false},
		{"district admin in another district", "bmt.quantri", "gdtxkp.tu.bmt", "GDTX-KP", 403, false},
		{"invalid username", "thlvt.quantri", "Tên Có Dấu", "TH-LVT", 422, false},
		{"sysadmin in his school", "thlvt.quantri", "thlvt.tu.moi", "TH-LVT", 200, true},
		{"district admin in its school", "bmt.quantri", "thcsnd.tu.moi", "THCS-ND", 200, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			browser := e.as(c.as) // signed in before counting
			before, audits := e.usersAt(c.school), e.auditCount()
			r := browser.do("POST", "/users", form(c.username, c.school), nil)
			if r.status != c.status {
				t.Fatalf("status %d, want %d\n%.1500s", r.status, c.status, r.body)
			}
			after := e.usersAt(c.school)
			if got := slices.Contains(after, c.username); got != c.created {
				t.Fatalf("account created: %v, want %v", got, c.created)
			}
			if !c.created {
				if len(after) != len(before) || e.auditCount() != audits {
					t.Errorf("a refused request changed data: %d→%d accounts, %d→%d audit entries", len(before), len(after), audits, e.auditCount())
				}
				return
			}
			if !strings.Contains(r.body, "Mật khẩu tạm thời") || !strings.Contains(r.body, c.username) {
				t.Errorf("no temporary password shown")
			}
			if e.auditCount() != audits+1 {
				t.Errorf("%d audit entries written", e.auditCount()-audits)
			}
		})
	}
}

func testCrossOrigin(t *testing.T, e *env) {
	hostile := []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "same-site", "Origin": "https://sub.evil.example"},
	}
	admin := e.as("thcsnd.quantri")
	for i, h := range hostile {
		// Sign-in from another site: refused, no session, nothing recorded.
		audits := e.auditCount()
		c := e.newClient()
		r := c.do("POST", "/login", url.Values{"username": {"thcsnd.vanthu"}, "password": {demoPassword}}.Encode(), h)
		if r.status != 403 || strings.Contains(r.header.Get("Set-Cookie"), "sdgdt_session=") && !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
			t.Errorf("%d: cross-origin sign-in: %d, cookie %q", i, r.status, r.header.Get("Set-Cookie"))
		}
		if !strings.Contains(r.body, "CSRF") {
			t.Errorf("%d: refusal does not say why", i)
		}
		// Account creation from another site, with a real session: refused.
		before := e.usersAt("THCS-ND")
		r = admin.do("POST", "/users", url.Values{"username": {"thcsnd.csrf" + strconv.Itoa(i)}, "full_name": {"Kẻ Giả Mạo"},
			"home_kind": {"school"}, "home_id": {id(e.schools["THCS-ND"])}}.Encode(), h)
		if r.status != 403 {
			t.Errorf("%d: cross-origin POST /users: %d", i, r.status)
		}
		if after := e.usersAt("THCS-ND"); len(after) != len(before) || e.auditCount() != audits {
			t.Errorf("%d: a cross-origin request changed data", i)
		}
	}
	// The same requests from the site itself pass.
	same := map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": e.srv.URL}
	r := e.newClient().do("POST", "/login", url.Values{"username": {"thcsnd.vanthu"}, "password": {demoPassword}}.Encode(), same)
	if r.status != http.StatusSeeOther {
		t.Errorf("same-origin sign-in: %d", r.status)
	}
	// Safe methods are not refused.
	if r := e.as("thcsnd.vanthu").do("GET", "/", "", map[string]string{"Sec-Fetch-Site": "cross-site"}); r.status != 200 {
		t.Errorf("cross-site GET: %d", r.status)
	}
}

func testAPI(t *testing.T, e *env) {
	tok := e.token("thcsnd.vanthu")
	bearer := map[string]string{"Authorization": "Bearer " + tok}
	errShape := func(code string) func(t *testing.T, r response) {
		return func(t *testing.T, r response) {
			apiErrorShape(t, "body", r.body, code)
			if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Errorf("content type %q", r.header.Get("Content-Type"))
			}
		}
	}
	e.run(t, []scenario{
		{name: "token, good", method: "POST", url: "/api/v1/auth/token", body: `{"username":"thlvt.vanthu","password":"` + demoPassword + `"}`, status: 200,
			contains: []string{`"token"`, `"expires_at"`}},
		{name: "token, bad password", method: "POST", url: "/api/v1/auth/token", body: `{"username":"thlvt.vanthu","password":"sai-mat-khau"}`, status: 401, check: errShape(sdgdt.EUNAUTHORIZED)},
		{name: "token, otp required", method: "POST", url: "/api/v1/auth/token", body: `{"username":"thlvt.lanhdao","password":"` + demoPassword + `"}`, status: 401,
			check: errShape(sdgdt.EMFAREQUIRED), contains: []string{`"otp"`}},
		{name: "token, malformed JSON", method: "POST", url: "/api/v1/auth/token", body: `{"username":`, status: 400, check: errShape(sdgdt.EMALFORMED)},
		{name: "token, unknown field", method: "POST", url: "/api/v1/auth/token", body: `{"username":"a","password":"b","role":"admin"}`, status: 400, check: errShape(sdgdt.EMALFORMED), contains: []string{"role"}},
		{name: "token, trailing data", method: "POST", url: "/api/v1/auth/token", body: `{"username":"a","password":"b"} {}`, status: 400, check: errShape(sdgdt.EMALFORMED)},
		{name: "token, wrong types", method: "POST", url: "/api/v1/auth/token", body: `{"username":1,"password":true}`, status: 400, check: errShape(sdgdt.EMALFORMED)},
		{name: "token, empty body", method: "POST", url: "/api/v1/auth/token", status: 400, check: errShape(sdgdt.EMALFORMED)},
		{name: "token, empty fields", method: "POST", url: "/api/v1/auth/token", body: `{}`, status: 422, check: errShape(sdgdt.EINVALID)},
		{name: "me without token", url: "/api/v1/me", status: 401, check: errShape(sdgdt.EUNAUTHORIZED)},
		{name: "me with a bad token", url: "/api/v1/me", headers: map[string]string{"Authorization": "Bearer xyz"}, status: 401, check: errShape(sdgdt.EUNAUTHORIZED)},
		{name: "me with a session cookie only", as: "thcsnd.vanthu", url: "/api/v1/me", status: 401, check: errShape(sdgdt.EUNAUTHORIZED)},
		{name: "me", url: "/api/v1/me", headers: bearer, status: 200, contains: []string{`"username":"thcsnd.vanthu"`, `"role":"staff"`, `"scope_kind":"school"`},
			check: func(t *testing.T, r response) {
				var me struct {
					ID       string `json:"id"`
					Username string `json:"username"`
					FullName string `json:"full_name"`
					Roles    []struct {
						Role      string `json:"role"`
						ScopeKind string `json:"scope_kind"`
						ScopeID   string `json:"scope_id"`
						ScopeName string `json:"scope_name"`
					} `json:"roles"`
				}
				if err := json.Unmarshal([]byte(r.body), &me); err != nil || me.ID == "" || me.FullName != e.accts["thcsnd.vanthu"].FullName || len(me.Roles) != 1 ||
					me.Roles[0].ScopeID != id(e.schools["THCS-ND"]) || me.Roles[0].ScopeName != "Trường THCS Nguyễn Du" {
					t.Errorf("me: %+v, %v", me, err)
				}
			}},
		{name: "units of a staff member", url: "/api/v1/units", headers: bearer, status: 200, contains: []string{"THCS-ND"}, absent: []string{"TH-LVT", "GDTX-KP", "PGDDT"}},
		{name: "audit of a staff member", url: "/api/v1/audit", headers: bearer, status: 403, check: errShape(sdgdt.EFORBIDDEN)},
		{name: "unknown endpoint", url: "/api/v1/xyz", headers: bearer, status: 404, check: errShape(sdgdt.ENOTFOUND)},
		{name: "unknown endpoint, no token", method: "POST", url: "/api/v1/xyz", status: 404, check: errShape(sdgdt.ENOTFOUND)},
		{name: "wrong method", method: "PUT", url: "/api/v1/me", headers: bearer, status: 404, check: errShape("")},
	})

	// A leader's token (with the second factor), his audit log, and another school's.
	lt := map[string]string{"Authorization": "Bearer " + e.token("thcsnd.lanhdao")}
	e.run(t, []scenario{
		{name: "leader's audit", url: "/api/v1/audit?limit=5", headers: lt, status: 200, contains: []string{`"action"`, `"hash"`}},
		{name: "leader, another school's audit", url: "/api/v1/audit?school_id=" + id(e.schools["TH-LVT"]), headers: lt, status: 403, check: errShape(sdgdt.EFORBIDDEN)},
		{name: "leader, the unit's audit", url: "/api/v1/audit?unit_id=" + id(e.units["PGDDT-BMT"]), headers: lt, status: 403, check: errShape(sdgdt.EFORBIDDEN)},
	})

	// Revoking the token ends it.
	c := e.newClient()
	if r := c.do("DELETE", "/api/v1/auth/token", "", bearer); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	r := c.do("GET", "/api/v1/me", "", bearer)
	if r.status != 401 {
		t.Errorf("me after revoke: %d", r.status)
	}
	apiErrorShape(t, "me after revoke", r.body, sdgdt.EUNAUTHORIZED)
	if r := c.do("DELETE", "/api/v1/auth/token", "", bearer); r.status != 401 {
		t.Errorf("revoke twice: %d", r.status)
	}

	// Throttling answers 429 with the error shape.
	c = e.newClient()
	for i := 0; i < 5; i++ {
		c.do("POST", "/api/v1/auth/token", `{"username":"gdtxkp.vanthu","password":"sai-mat-khau"}`, nil)
	}
	r = c.do("POST", "/api/v1/auth/token", `{"username":"gdtxkp.vanthu","password":"`+demoPassword+`"}`, nil)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "phút") {
		t.Errorf("throttled: %d %s", r.status, r.body)
	}
	apiErrorShape(t, "throttled", r.body, sdgdt.ETHROTTLED)
}

func testMetrics(t *testing.T, e *env) {
	c := e.newClient()
	c.get("/healthz")
	c.get("/login")
	r := c.get("/metrics")
	if r.status != 200 || !strings.Contains(r.body, "sdgdt_http_requests_total") || !strings.Contains(r.body, "sdgdt_http_request_duration_seconds_bucket") || !strings.Contains(r.body, "sdgdt_results_computed_total ") {
		t.Fatalf("metrics: %d\n%s", r.status, r.body)
	}
	// From another host, /metrics needs the token.
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = "192.0.2.9:4000"
	rec := httptest.NewRecorder()
	e.srv.Config.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("metrics from another host: %d, want 403", rec.Code)
	}
	// Requests are counted by route pattern, not all as unmatched.
	for _, want := range []string{`route="GET /healthz",code="200"`, `route="GET /login",code="200"`, `route="GET /schools/{id}"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("metrics lack %s\n%s", want, r.body)
		}
	}
}
