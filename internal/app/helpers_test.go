package app_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/audit"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
)

// testPassword is the password of every account of the test world.
const testPassword = "Mật-khẩu-thử-2026"

// clock is a test clock that moves 1 ms at every reading (so that rows written
// one after another have distinct times) and jumps when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 10, 5, 1, 0, 0, 0, time.UTC)}
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

// world is a small province: root unit SO with districts PA and PB; schools A1
// and A2 in PA, B1 in PB; accounts with their roles.
//
//	so.admin  unit_admin @SO      pa.admin  unit_admin @PA   pa.board  unit_board @PA
//	pb.board  unit_board @PB      a1.leader leader @A1       a1.admin  sysadmin @A1
//	a1.teacher (homeroom of 6A, A1)  a1.staff staff @A1      a2.leader leader @A2
//	b1.leader leader @B1          b1.admin  sysadmin @B1     b1.teacher (no role)
type world struct {
	t      *testing.T
	ctx    context.Context
	db     *store.DB
	a      *app.App
	clk    *clock
	sys    *app.Principal
	year   sdgdt.SchoolYear
	units  map[string]sdgdt.Unit
	school map[string]sdgdt.School
	users  map[string]sdgdt.User
	class  sdgdt.Class
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	clk := newClock()
	cfg := app.DefaultConfig()
	cfg.Clock = clk.Now
	cfg.Argon = auth.TestParams
	w := &world{t: t, ctx: context.Background(), db: db, a: app.New(db, cfg, nil), clk: clk, sys: app.System("test"),
		units: map[string]sdgdt.Unit{}, school: map[string]sdgdt.School{}, users: map[string]sdgdt.User{}}
	var err error
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }
	w.year, err = w.a.CreateSchoolYear(w.ctx, w.sys, sdgdt.SchoolYear{Name: "2026-2027", StartsOn: day(2026, 9, 5), GK1On: day(2026, 11, 2),
		CK1On: day(2027, 1, 4), HK1EndsOn: day(2027, 1, 16), HK2Starts: day(2027, 1, 18), GK2On: day(2027, 3, 22), CNOn: day(2027, 5, 10),
		EndsOn: day(2027, 5, 31), Current: true})
	w.must(err)
	so, err := w.a.CreateUnit(w.ctx, w.sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo Thử", "SO")
	w.must(err)
	w.units["SO"] = so
	for _, code := range []string{"PA", "PB"} {
		u, err := w.a.CreateUnit(w.ctx, w.sys, so.ID, sdgdt.UnitDistrict, "Phòng Giáo dục "+code, code)
		w.must(err)
		w.units[code] = u
	}
	for _, s := range []struct{ code, unit, kind string }{{"A1", "PA", "thcs"}, {"A2", "PA", "th"}, {"B1", "PB", "thcs"}} {
		sc, err := w.a.CreateSchool(w.ctx, w.sys, w.units[s.unit].ID, s.kind, "Trường "+s.code, s.code, "")
		w.must(err)
		w.school[s.code] = sc
	}
	for _, u := range []struct{ username, home, role string }{
		{"so.admin", "SO", sdgdt.RoleUnitAdmin}, {"pa.admin", "PA", sdgdt.RoleUnitAdmin}, {"pa.board", "PA", sdgdt.RoleUnitBoard},
		{"pb.board", "PB", sdgdt.RoleUnitBoard}, {"a1.leader", "A1", sdgdt.RoleLeader}, {"a1.admin", "A1", sdgdt.RoleSysadmin},
		{"a1.teacher", "A1", ""}, {"a1.staff", "A1", sdgdt.RoleStaff}, {"a2.leader", "A2", sdgdt.RoleLeader},
		{"b1.leader", "B1", sdgdt.RoleLeader}, {"b1.admin", "B1", sdgdt.RoleSysadmin}, {"b1.teacher", "B1", ""},
	} {
		w.addUser(u.username, u.home, u.role)
	}
	w.class, err = w.a.CreateClass(w.ctx, w.sys, sdgdt.Class{SchoolID: w.school["A1"].ID, SchoolYearID: w.year.ID, Grade: 6, Name: "6A",
		Ruleset: "tt22", HomeroomID: w.users["a1.teacher"].ID})
	w.must(err)
	return w
}

// addUser creates an account at a unit or school (by code) with the test
// password, ready to sign in, and grants it role there (if any).
func (w *world) addUser(username, home, role string) sdgdt.User {
	w.t.Helper()
	kind, id := sdgdt.ScopeSchool, w.school[home].ID
	if u, ok := w.units[home]; ok {
		kind, id = sdgdt.ScopeUnit, u.ID
	}
	u, _, err := w.a.CreateUser(w.ctx, w.sys, app.NewUserInput{Username: username, FullName: "Người " + username, HomeKind: kind, HomeID: id, Password: testPassword})
	w.must(err)
	w.must(w.a.SetupAccount(w.ctx, w.sys, u.ID, false, ""))
	if role != "" {
		_, err := w.a.GrantRole(w.ctx, w.sys, u.ID, role, kind, id, "")
		w.must(err)
	}
	w.users[username] = w.user(username)
	return w.users[username]
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// user reads an account afresh.
func (w *world) user(username string) sdgdt.User {
	w.t.Helper()
	var u sdgdt.User
	w.must(w.db.View(w.ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.UserByUsername(username)
		return err
	}))
	return u
}

// as returns the principal of an account, as Authenticate would build it.
func (w *world) as(username string) *app.Principal {
	w.t.Helper()
	p := &app.Principal{IP: "192.0.2.1", UserAgent: "test", RequestID: "req-" + username}
	w.must(w.db.View(w.ctx, func(tx *store.Tx) error {
		var err error
		if p.User, err = tx.UserByUsername(username); err != nil {
			return err
		}
		p.Roles, err = tx.RolesOf(p.User.ID)
		return err
	}))
	return p
}

// signIn opens a session of kind ("web" or "api") from ip.
func (w *world) signIn(username, password, ip, kind string) (app.SignInResult, error) {
	return w.a.SignIn(w.ctx, app.SignInInput{Username: username, Password: password, IP: ip, UserAgent: "test", Kind: kind})
}

// auditEntries returns every entry of the log, newest first.
func (w *world) auditEntries() []audit.Entry {
	w.t.Helper()
	var es []audit.Entry
	w.must(w.db.View(w.ctx, func(tx *store.Tx) error {
		var err error
		es, err = tx.ListAudit(sdgdt.AuditFilter{Limit: 500})
		return err
	}))
	if len(es) == 500 {
		w.t.Fatal("the test world outgrew auditEntries")
	}
	return es
}

// verifyAudit fails the test if the audit chains do not verify.
func (w *world) verifyAudit() {
	w.t.Helper()
	p, n, err := w.db.VerifyAudit(w.ctx)
	if err != nil || p != nil {
		w.t.Fatalf("audit chain after %d entries: problem %v, err %v", n, p, err)
	}
}

// usersAt returns the usernames at a unit or school (by code).
func (w *world) usersAt(home string) []string {
	w.t.Helper()
	kind, id := sdgdt.ScopeSchool, w.school[home].ID
	if u, ok := w.units[home]; ok {
		kind, id = sdgdt.ScopeUnit, u.ID
	}
	var names []string
	w.must(w.db.View(w.ctx, func(tx *store.Tx) error {
		us, err := tx.UsersAt(kind, id)
		for _, u := range us {
			names = append(names, u.Username)
		}
		return err
	}))
	return names
}

// grantsOn returns the active grants on a unit or school (by code).
func (w *world) grantsOn(home string) []sdgdt.Grant {
	w.t.Helper()
	kind, id := sdgdt.ScopeSchool, w.school[home].ID
	if u, ok := w.units[home]; ok {
		kind, id = sdgdt.ScopeUnit, u.ID
	}
	var gs []sdgdt.Grant
	w.must(w.db.View(w.ctx, func(tx *store.Tx) error {
		var err error
		gs, err = tx.GrantsOnScope(kind, id)
		return err
	}))
	return gs
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := sdgdt.ErrorCode(err); got != code {
		t.Fatalf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

// wantField fails unless err is an *sdgdt.Error with a message for field.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	var e *sdgdt.Error
	if !errors.As(err, &e) || e.Fields[field] == "" {
		t.Fatalf("%s: want a message for field %q, got %v", what, field, err)
	}
}

func hasRole(p *app.Principal, role string) bool {
	return p.HasRole(role)
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
