package app_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

func TestSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.must(w.a.SetDisabled(w.ctx, w.sys, w.users["b1.teacher"].ID, true))
		cases := []struct {
			name, username, password string
			code, field              string
		}{
			{"right password", "a1.staff", testPassword, "", ""},
			{"username in any case, with spaces", "  A1.Staff ", testPassword, "", ""},
			{"wrong password", "a1.staff", "Sai-mat-khau-2026", sdgdt.EUNAUTHORIZED, ""},
			{"unknown account", "khong.co.ai", testPassword, sdgdt.EUNAUTHORIZED, ""},
			{"empty username", "", testPassword, sdgdt.EINVALID, "username"},
			{"empty password", "a1.staff", "", sdgdt.EINVALID, "password"},
			{"disabled account, right password", "b1.teacher", testPassword, sdgdt.EUNAUTHORIZED, ""},
		}
		for i, c := range cases {
			// Each case from its own address, so that throttling stays out of the way.
			res, err := w.signIn(c.username, c.password, "198.51.100."+itoa(i), "web")
			wantCode(t, c.name, err, c.code)
			if c.field != "" {
				wantField(t, c.name, err, c.field)
			}
			if c.code != "" {
				if res.Token != "" {
					t.Errorf("%s: a failed sign-in returned a token", c.name)
				}
				continue
			}
			if res.Token == "" || res.User.Username != "a1.staff" || res.MFAPending {
				t.Errorf("%s: result %+v", c.name, res)
			}
			p, _, err := w.a.Authenticate(w.ctx, res.Token)
			if err != nil || p.User.Username != "a1.staff" || !hasRole(p, sdgdt.RoleStaff) {
				t.Errorf("%s: Authenticate = %+v, %v", c.name, p, err)
			}
		}
		// A wrong password and an unknown account look the same.
		_, errWrong := w.signIn("a1.staff", "Sai-mat-khau-2026", "203.0.113.1", "web")
		_, errUnknown := w.signIn("khong.co.ai", "Sai-mat-khau-2026", "203.0.113.2", "web")
		if sdgdt.ErrorMessage(errWrong) != sdgdt.ErrorMessage(errUnknown) {
			t.Errorf("messages differ: %q vs %q", sdgdt.ErrorMessage(errWrong), sdgdt.ErrorMessage(errUnknown))
		}
		// A disabled account with a wrong password must not reveal that it exists.
		_, errDisabled := w.signIn("b1.teacher", "Sai-mat-khau-2026", "203.0.113.3", "web")
		if sdgdt.ErrorMessage(errDisabled) != sdgdt.ErrorMessage(errUnknown) {
			t.Errorf("a disabled account with a wrong password answers %q, unlike an unknown one (%q)", sdgdt.ErrorMessage(errDisabled), sdgdt.ErrorMessage(errUnknown))
		}
		// Only successful sign-ins are audited (once each).
		n := 0
		for _, e := range w.auditEntries() {
			if e.Action == "auth.sign_in" {
				n++
				if e.SchoolID != w.school["A1"].ID || e.Chain != "school:"+itoa(int(w.school["A1"].ID)) {
					t.Errorf("sign-in entry in %s (school %d)", e.Chain, e.SchoolID)
				}
			}
		}
		if n != 2 {
			t.Errorf("%d sign-in entries, want 2", n)
		}
		w.verifyAudit()
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestSignInThrottlePerAccount checks that guesses from many addresses slow an
// account down with growing delays but never lock it out, that guesses from
// one address lock that address's attempts on the account for 15 minutes
// (the owner signs in from elsewhere), and that the school's administrator can
// lift the limits, recorded.
func TestSignInThrottlePerAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		// Five wrong passwords, each from another address: a 1 s delay.
		for i := 0; i < 5; i++ {
			_, err := w.signIn("a1.staff", "Sai-mat-khau-2026", "198.51.100."+itoa(i), "web")
			wantCode(t, "wrong password", err, sdgdt.EUNAUTHORIZED)
		}
		_, err := w.signIn("a1.staff", testPassword, "198.51.100.99", "web")
		wantCode(t, "6th attempt at once, right password", err, sdgdt.ETHROTTLED)
		if msg := sdgdt.ErrorMessage(err); !strings.Contains(msg, "1 giây") {
			t.Errorf("delay message %q should say to wait 1 giây", msg)
		}
		// Other accounts are not affected.
		if _, err := w.signIn("a1.leader", testPassword, "198.51.100.98", "web"); err != nil {
			t.Fatalf("another account: %v", err)
		}
		// The delays double: nine more guesses, each after its delay, give
		// 2^9 s, capped at 5 minutes — a delay, never a lockout of the owner.
		for i := 0; i < 9; i++ {
			w.clk.Advance(time.Second<<i + time.Second)
			w.signIn("a1.staff", "Sai-mat-khau-2026", "198.51.100."+itoa(10+i), "web")
		}
		_, err = w.signIn("a1.staff", testPassword, "198.51.100.99", "web")
		wantCode(t, "after 14 failures", err, sdgdt.ETHROTTLED)
		if msg := sdgdt.ErrorMessage(err); !strings.Contains(msg, "5 phút") {
			t.Errorf("delay message %q should say 5 phút", msg)
		}
		w.clk.Advance(5*time.Minute + time.Second)
		if _, err := w.signIn("a1.staff", testPassword, "198.51.100.96", "web"); err != nil {
			t.Fatalf("after the delay: %v", err)
		}
		// Five guesses from one address lock that address on this account for
		// 15 minutes; the owner, elsewhere, waits a second, not 15 minutes.
		const guesser = "203.0.113.50"
		for i := 0; i < 5; i++ {
			w.signIn("a1.staff", "Sai-mat-khau-2026", guesser, "web")
		}
		w.clk.Advance(2 * time.Second)
		_, err = w.signIn("a1.staff", testPassword, guesser, "web")
		wantCode(t, "the guessing address", err, sdgdt.ETHROTTLED)
		if msg := sdgdt.ErrorMessage(err); !strings.Contains(msg, "phút") {
			t.Errorf("lockout message %q should say phút", msg)
		}
		if _, err := w.signIn("a1.staff", testPassword, "198.51.100.95", "web"); err != nil {
			t.Fatalf("the owner from his own address: %v", err)
		}
		// Guesses again; the school's administrator lifts every limit, recorded.
		for i := 0; i < 5; i++ {
			w.signIn("a1.staff", "Sai-mat-khau-2026", guesser, "web")
		}
		if err := w.a.LiftSignInDelay(w.ctx, w.as("b1.admin"), w.users["a1.staff"].ID); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("another school's administrator lifts: %v", err)
		}
		w.must(w.a.LiftSignInDelay(w.ctx, w.as("a1.admin"), w.users["a1.staff"].ID))
		if _, err := w.signIn("a1.staff", testPassword, guesser, "web"); err != nil {
			t.Fatalf("after the administrator lifted the limits: %v", err)
		}
		if es := w.auditEntries(); len(es) == 0 || es[0].Action != string(sdgdt.ActSignIn) || es[1].Action != string(sdgdt.ActUserLiftDelay) {
			t.Errorf("the lift is not recorded: %v", es[:2])
		}
	})
}

// TestSignInThrottlePerAddress checks that a school behind one address is not
// locked out by its own users' mistakes, and that an address guessing across
// many accounts is locked.
func TestSignInThrottlePerAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		const ip = "203.0.113.7"
		names := []string{"a1.staff", "a1.leader", "b1.leader", "khong.co.ai", "a2.leader"}
		// Thirty mistakes of five teachers behind the school's one address.
		for i := 0; i < 30; i++ {
			w.signIn(names[i%len(names)]+"x"+itoa(i), "Sai-mat-khau-2026", ip, "web")
		}
		if _, err := w.signIn("pa.board", testPassword, ip, "web"); err != nil {
			t.Fatalf("a school's address after 30 mistakes: %v", err)
		}
		// A hundred failures from one address lock it, for every account.
		for i := 0; i < 100; i++ {
			w.signIn("khong.co.ai"+itoa(i), "Sai-mat-khau-2026", ip, "web")
		}
		_, err := w.signIn("pb.board", testPassword, ip, "web")
		wantCode(t, "another account from the locked address", err, sdgdt.ETHROTTLED)
		if !strings.Contains(sdgdt.ErrorMessage(err), "phút") {
			t.Errorf("message %q", sdgdt.ErrorMessage(err))
		}
		if _, err := w.signIn("pb.board", testPassword, "203.0.113.8", "web"); err != nil {
			t.Fatalf("the same account from another address: %v", err)
		}
		w.clk.Advance(15*time.Minute + time.Second)
		if _, err := w.signIn("pb.board", testPassword, ip, "web"); err != nil {
			t.Fatalf("the address after the lockout: %v", err)
		}
	})
}

func TestSignInAPIWithTOTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		secret := auth.NewTOTPSecret()
		w.must(w.a.SetupAccount(w.ctx, w.sys, w.users["a1.leader"].ID, false, secret))
		api := func(otp string) (app.SignInResult, error) {
			return w.a.SignIn(w.ctx, app.SignInInput{Username: "a1.leader", Password: testPassword, OTP: otp, IP: "192.0.2.10", Kind: "api"})
		}
		_, err := api("")
		wantCode(t, "no otp", err, sdgdt.EMFAREQUIRED)
		wantField(t, "no otp", err, "otp")
		_, err = api("000000")
		if code, _ := auth.TOTPCode(secret, w.clk.Now()); code == "000000" {
			t.Skip("the random secret gives 000000 now")
		}
		wantCode(t, "wrong otp", err, sdgdt.EUNAUTHORIZED)
		_, err = api("12ab56")
		wantCode(t, "malformed otp", err, sdgdt.EUNAUTHORIZED)
		code, err := auth.TOTPCode(secret, w.clk.Now())
		w.must(err)
		res, err := api(code)
		if err != nil {
			t.Fatalf("right otp: %v", err)
		}
		if res.MFAPending || res.ExpiresAt.Sub(w.clk.Now()) > w.a.Cfg.TokenTTL {
			t.Errorf("result %+v", res)
		}
		p, _, err := w.a.Authenticate(w.ctx, res.Token)
		if err != nil || !hasRole(p, sdgdt.RoleLeader) {
			t.Fatalf("Authenticate: %+v, %v", p, err)
		}
		_, err = api(code)
		wantCode(t, "replayed otp", err, sdgdt.EUNAUTHORIZED)
		// A web sign-in never takes the otp in the same step.
		res, err = w.a.SignIn(w.ctx, app.SignInInput{Username: "a1.leader", Password: testPassword, OTP: code, IP: "192.0.2.11", Kind: "web"})
		if err != nil || !res.MFAPending {
			t.Fatalf("web sign-in with a second factor: %+v, %v", res, err)
		}
	})
}

func TestSignInWebMFA(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		secret := auth.NewTOTPSecret()
		w.must(w.a.SetupAccount(w.ctx, w.sys, w.users["a1.admin"].ID, false, secret))
		before := len(w.auditEntries())
		res, err := w.signIn("a1.admin", testPassword, "192.0.2.20", "web")
		if err != nil || !res.MFAPending {
			t.Fatalf("sign-in: %+v, %v", res, err)
		}
		p, s, err := w.a.Authenticate(w.ctx, res.Token)
		if err != nil || !s.MFAPending || len(p.Roles) != 0 {
			t.Fatalf("pending session: roles %v, pending %v, err %v", p.Roles, s.MFAPending, err)
		}
		if n := len(w.auditEntries()); n != before {
			t.Errorf("a pending sign-in wrote %d audit entries", n-before)
		}
		_, err = w.a.VerifyMFA(w.ctx, res.Token, "abcdef")
		wantCode(t, "wrong code", err, sdgdt.EUNAUTHORIZED)
		wantField(t, "wrong code", err, "otp")
		if _, s, _ := w.a.Authenticate(w.ctx, res.Token); !s.MFAPending {
			t.Fatal("a wrong code completed the second factor")
		}
		code, _ := auth.TOTPCode(secret, w.clk.Now())
		rotated, err := w.a.VerifyMFA(w.ctx, res.Token, code)
		w.must(err)
		if _, _, err := w.a.Authenticate(w.ctx, res.Token); err == nil {
			t.Error("the token of the half-open session still works after the second factor (not rotated)")
		}
		p, s, err = w.a.Authenticate(w.ctx, rotated)
		if err != nil || s.MFAPending || !hasRole(p, sdgdt.RoleSysadmin) {
			t.Fatalf("after the second factor: %+v, %+v, %v", p, s, err)
		}
		es := w.auditEntries()
		if len(es) != before+1 || es[0].Action != "auth.sign_in" || !strings.Contains(es[0].After, "web+totp") {
			t.Errorf("after the second factor: %d new entries, latest %+v", len(es)-before, es[0])
		}
		// The same code cannot open a second session.
		res2, err := w.signIn("a1.admin", testPassword, "192.0.2.20", "web")
		w.must(err)
		wantCode(t, "replayed code", second(w.a.VerifyMFA(w.ctx, res2.Token, code)), sdgdt.EUNAUTHORIZED)
		// Five wrong codes lock the second factor.
		for i := 0; i < 5; i++ {
			w.a.VerifyMFA(w.ctx, res2.Token, "000000")
		}
		w.clk.Advance(time.Minute)
		code, _ = auth.TOTPCode(secret, w.clk.Now())
		wantCode(t, "after five wrong codes", second(w.a.VerifyMFA(w.ctx, res2.Token, code)), sdgdt.ETHROTTLED)
		wantCode(t, "unknown session", second(w.a.VerifyMFA(w.ctx, "no-such-token", code)), sdgdt.ENOTFOUND)
		w.verifyAudit()
	})
}

func TestSessionTimeouts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		auth := func(token string) error { _, _, err := w.a.Authenticate(w.ctx, token); return err }

		// Idle: activity keeps the session; 30 minutes without ends it.
		res, err := w.signIn("a1.staff", testPassword, "192.0.2.30", "web")
		w.must(err)
		for i := 0; i < 3; i++ {
			w.clk.Advance(25 * time.Minute)
			if err := auth(res.Token); err != nil {
				t.Fatalf("active session after %d×25 min: %v", i+1, err)
			}
		}
		w.clk.Advance(31 * time.Minute)
		if err := auth(res.Token); err != app.ErrNoSession {
			t.Fatalf("idle session: %v, want ErrNoSession", err)
		}

		// Absolute: 12 hours after sign-in even when active.
		res, err = w.signIn("a1.staff", testPassword, "192.0.2.30", "web")
		w.must(err)
		start := w.clk.Now()
		for w.clk.Now().Sub(start) < 12*time.Hour-20*time.Minute {
			w.clk.Advance(20 * time.Minute)
			if err := auth(res.Token); err != nil {
				t.Fatalf("active session after %v: %v", w.clk.Now().Sub(start), err)
			}
		}
		w.clk.Advance(20 * time.Minute)
		if err := auth(res.Token); err != app.ErrNoSession {
			t.Fatalf("session after 12 h: %v, want ErrNoSession", err)
		}

		// API tokens have no idle timeout, only their lifetime.
		res, err = w.signIn("a1.staff", testPassword, "192.0.2.30", "api")
		w.must(err)
		w.clk.Advance(2 * time.Hour)
		if err := auth(res.Token); err != nil {
			t.Fatalf("API token after 2 h idle: %v", err)
		}
		w.clk.Advance(w.a.Cfg.TokenTTL)
		if err := auth(res.Token); err != app.ErrNoSession {
			t.Fatalf("expired API token: %v", err)
		}

		// Signing out ends the session, and only it.
		r1, _ := w.signIn("a1.staff", testPassword, "192.0.2.30", "web")
		r2, _ := w.signIn("a1.staff", testPassword, "192.0.2.31", "api")
		p, _, err := w.a.Authenticate(w.ctx, r1.Token)
		w.must(err)
		w.must(w.a.SignOut(w.ctx, p))
		if err := auth(r1.Token); err != app.ErrNoSession {
			t.Errorf("signed-out session: %v", err)
		}
		if err := auth(r2.Token); err != nil {
			t.Errorf("the other session: %v", err)
		}
		w.must(w.a.SignOut(w.ctx, p)) // twice is fine
		if err := auth(""); err != app.ErrNoSession {
			t.Errorf("empty token: %v", err)
		}
	})
}

// TestSignInAPINeedsEnrolledSecondFactor checks that a role that requires a
// second factor gets no API token with the password alone while no factor is
// enrolled (a new account, or after reset-mfa), and that nothing is written.
func TestSignInAPINeedsEnrolledSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		before := len(w.auditEntries())
		for _, name := range []string{"a1.leader", "a1.admin", "so.admin"} {
			_, err := w.a.SignIn(w.ctx, app.SignInInput{Username: name, Password: testPassword, IP: "192.0.2.11", Kind: "api"})
			wantCode(t, name, err, sdgdt.EMFAREQUIRED)
		}
		if n := len(w.auditEntries()); n != before {
			t.Errorf("refused sign-ins wrote %d audit entries", n-before)
		}
		// A teacher's role needs no second factor: the token is given.
		if _, err := w.a.SignIn(w.ctx, app.SignInInput{Username: "a1.teacher", Password: testPassword, IP: "192.0.2.11", Kind: "api"}); err != nil {
			t.Errorf("teacher: %v", err)
		}
	})
}

// TestNoSelfPromotion checks that a school administrator cannot grant himself
// a role, nor grant or revoke the leader role, nor take over the leader's
// account; the unit above can.
func TestNoSelfPromotion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		admin := w.as("a1.admin")
		a1 := w.school["A1"].ID
		if _, err := w.a.GrantRole(w.ctx, admin, w.users["a1.admin"].ID, sdgdt.RoleBoard, sdgdt.ScopeSchool, a1, ""); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("administrator grants himself board: %v", err)
		}
		if _, err := w.a.GrantRole(w.ctx, admin, w.users["a1.staff"].ID, sdgdt.RoleLeader, sdgdt.ScopeSchool, a1, ""); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("administrator makes someone principal: %v", err)
		}
		var leaderGrant int64
		for _, g := range w.grantsOn("A1") {
			if g.Role == sdgdt.RoleLeader {
				leaderGrant = g.ID
			}
		}
		if leaderGrant == 0 {
			t.Fatal("no leader grant at A1")
		}
		if err := w.a.RevokeRole(w.ctx, admin, leaderGrant); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("administrator revokes the principal: %v", err)
		}
		if err := w.a.SetDisabled(w.ctx, admin, w.users["a1.leader"].ID, true); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("administrator locks the principal's account: %v", err)
		}
		// The district's administrator may.
		if _, err := w.a.GrantRole(w.ctx, w.as("pa.admin"), w.users["a1.staff"].ID, sdgdt.RoleLeader, sdgdt.ScopeSchool, a1, "Phó hiệu trưởng"); err != nil {
			t.Errorf("district administrator grants leader: %v %v", err, sdgdt.ErrorFields(err))
		}
	})
}

// TestNamesRefuseHiddenCharacters checks that account names with control,
// bidirectional-override or emoji characters are refused, and that Vietnamese
// names with their diacritics are kept.
func TestNamesRefuseHiddenCharacters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		cases := []struct {
			name string
			ok   bool
		}{
			{"Nguyễn Thị Ngân", true},
			{"Ê-đê H'Hen Niê", true},
			{"Nguyễn \u202eNgân", false},
			{"Trần Văn An 😀", false},
			{"Lê\u0000Văn", false},
			{"Lê\u200fVăn", false},
		}
		for i, c := range cases {
			_, _, err := w.a.CreateUser(w.ctx, w.sys, app.NewUserInput{Username: fmt.Sprintf("ten.%d", i), FullName: c.name, HomeKind: sdgdt.ScopeSchool, HomeID: w.school["A1"].ID, Password: testPassword})
			if c.ok && err != nil {
				t.Errorf("%q refused: %v", c.name, err)
			}
			if !c.ok {
				wantField(t, c.name, err, "full_name")
			}
		}
	})
}

// second returns the error of a two-result call.
func second[T any](_ T, err error) error { return err }
