package app_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestWritesAreAudited runs every write use case once and checks that each
// leaves exactly one audit entry, with its action, in the right chain, and
// that the chains verify afterwards.
func TestWritesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		a1, pa := w.school["A1"], w.units["PA"]
		a1Chain := "school:" + strconv.FormatInt(a1.ID, 10)
		var grant sdgdt.Grant
		var session string
		steps := []struct {
			name, action, chain string
			run                 func() error
		}{
			{"create user", "user.create", a1Chain, func() error {
				_, _, err := w.a.CreateUser(w.ctx, w.as("a1.admin"), app.NewUserInput{Username: "a1.moi", FullName: "Trần Văn Mới", HomeKind: sdgdt.ScopeSchool, HomeID: a1.ID})
				return err
			}},
			{"reset password", "user.reset_password", a1Chain, func() error {
				_, err := w.a.ResetPassword(w.ctx, w.as("a1.admin"), w.users["a1.staff"].ID)
				return err
			}},
			{"disable", "user.disable", a1Chain, func() error { return w.a.SetDisabled(w.ctx, w.as("a1.admin"), w.users["a1.staff"].ID, true) }},
			{"enable", "user.enable", a1Chain, func() error { return w.a.SetDisabled(w.ctx, w.as("pa.admin"), w.users["a1.staff"].ID, false) }},
			{"update profile", "user.update_profile", a1Chain, func() error {
				return w.a.UpdateProfile(w.ctx, w.as("a1.teacher"), "Lê Thị Hoa", "hoa@example.vn", "0912345678")
			}},
			{"change password", "user.change_password", a1Chain, func() error {
				return w.a.ChangePassword(w.ctx, w.as("a1.teacher"), testPassword, "Mật-khẩu-mới-2027", "Mật-khẩu-mới-2027")
			}},
			{"enable second factor", "user.enable_mfa", a1Chain, func() error {
				p := w.as("a1.leader")
				secret, err := w.a.BeginTOTP(w.ctx, p)
				if err != nil {
					return err
				}
				code, _ := auth.TOTPCode(secret, w.clk.Now())
				return w.a.ConfirmTOTP(w.ctx, p, code)
			}},
			{"reset second factor", "user.reset_mfa", a1Chain, func() error { return w.a.ResetMFA(w.ctx, w.as("pa.admin"), w.users["a1.leader"].ID) }},
			{"sign in", "auth.sign_in", a1Chain, func() error {
				res, err := w.signIn("a1.leader", testPassword, "192.0.2.40", "web")
				if err == nil {
					var p *app.Principal
					p, _, err = w.a.Authenticate(w.ctx, res.Token)
					if err == nil {
						session = p.SessionID
					}
				}
				return err
			}},
			{"end own session", "session.end", a1Chain, func() error { return w.a.EndMySession(w.ctx, w.as("a1.leader"), session) }},
			{"grant role", "role.grant", a1Chain, func() error {
				var err error
				grant, err = w.a.GrantRole(w.ctx, w.as("a1.admin"), w.users["a1.teacher"].ID, sdgdt.RoleBoard, sdgdt.ScopeSchool, a1.ID, "Thư ký")
				return err
			}},
			{"revoke role", "role.revoke", a1Chain, func() error { return w.a.RevokeRole(w.ctx, w.as("a1.admin"), grant.ID) }},
			{"create class", "class.create", a1Chain, func() error {
				_, err := w.a.CreateClass(w.ctx, w.as("a1.admin"), sdgdt.Class{SchoolID: a1.ID, SchoolYearID: w.year.ID, Grade: 7, Name: "7A", Ruleset: "tt22"})
				return err
			}},
			{"create assignment", "assignment.create", a1Chain, func() error {
				_, err := w.a.CreateAssignment(w.ctx, w.as("a1.admin"), sdgdt.Assignment{SchoolID: a1.ID, ClassID: w.class.ID, Subject: "toan", Term: "hk1", TeacherID: w.users["a1.teacher"].ID})
				return err
			}},
			{"create group", "group.create", a1Chain, func() error {
				_, err := w.a.CreateGroup(w.ctx, w.as("a1.admin"), a1.ID, "team", "Tổ Toán", []int64{w.users["a1.teacher"].ID})
				return err
			}},
			{"create unit", "unit.create", "system", func() error {
				_, err := w.a.CreateUnit(w.ctx, w.as("pa.admin"), pa.ID, sdgdt.UnitCommune, "Cụm trường xã Ea Tu", "PA-EATU")
				return err
			}},
			{"create school", "school.create", "", func() error {
				_, err := w.a.CreateSchool(w.ctx, w.as("pa.admin"), pa.ID, "th", "Trường Tiểu học Mới", "A3", "")
				return err
			}},
			{"create school year", "school_year.create", "system", func() error {
				day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }
				_, err := w.a.CreateSchoolYear(w.ctx, w.as("so.admin"), sdgdt.SchoolYear{Name: "2027-2028", StartsOn: day(2027, 9, 5), GK1On: day(2027, 11, 2),
					CK1On: day(2028, 1, 4), HK1EndsOn: day(2028, 1, 15), HK2Starts: day(2028, 1, 17), GK2On: day(2028, 3, 20), CNOn: day(2028, 5, 10), EndsOn: day(2028, 5, 31)})
				return err
			}},
		}
		for _, s := range steps {
			before := w.auditEntries()
			if err := s.run(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			after := w.auditEntries()
			if len(after) != len(before)+1 {
				t.Errorf("%s: %d audit entries written, want 1", s.name, len(after)-len(before))
				continue
			}
			e := after[0]
			if e.Action != s.action {
				t.Errorf("%s: action %q, want %q", s.name, e.Action, s.action)
			}
			if s.chain != "" && e.Chain != s.chain {
				t.Errorf("%s: chain %q, want %q", s.name, e.Chain, s.chain)
			}
			if e.ActorName == "" || e.Hash == "" || e.At.IsZero() {
				t.Errorf("%s: incomplete entry %+v", s.name, e)
			}
		}
		w.verifyAudit()
	})
}

// TestFailedWritesChangeNothing checks that refused and invalid use cases
// write neither data nor audit entries.
func TestFailedWritesChangeNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		a1, a2, b1 := w.school["A1"], w.school["A2"], w.school["B1"]
		newUser := func(p *app.Principal, username string, home sdgdt.School) func() error {
			return func() error {
				_, _, err := w.a.CreateUser(w.ctx, p, app.NewUserInput{Username: username, FullName: "Người Mới", HomeKind: sdgdt.ScopeSchool, HomeID: home.ID})
				return err
			}
		}
		cases := []struct {
			name, code string
			run        func() error
		}{
			{"teacher creates a user", sdgdt.EFORBIDDEN, newUser(w.as("a1.teacher"), "x.teacher", a1)},
			{"leader creates a user", sdgdt.EFORBIDDEN, newUser(w.as("a1.leader"), "x.leader", a1)},
			{"sysadmin creates a user in another school of the unit", sdgdt.EFORBIDDEN, newUser(w.as("a1.admin"), "x.a2", a2)},
			{"sysadmin creates a user in another unit's school", sdgdt.EFORBIDDEN, newUser(w.as("a1.admin"), "x.b1", b1)},
			{"district admin creates a user in another district", sdgdt.EFORBIDDEN, newUser(w.as("pa.admin"), "x.pb", b1)},
			{"unit board creates a user", sdgdt.EFORBIDDEN, newUser(w.as("pa.board"), "x.board", a1)},
			{"invalid username", sdgdt.EINVALID, newUser(w.as("a1.admin"), "X Y", a1)},
			{"duplicate username", sdgdt.EINVALID, newUser(w.as("a1.admin"), "a1.staff", a1)},
			{"bad e-mail and phone", sdgdt.EINVALID, func() error {
				_, _, err := w.a.CreateUser(w.ctx, w.as("a1.admin"), app.NewUserInput{Username: "x.mail", FullName: "Người Mới", Email: "khong-phai-email", Phone: "12345", HomeKind: sdgdt.ScopeSchool, HomeID: a1.ID})
				return err
			}},
			{"no such home", sdgdt.ENOTFOUND, func() error {
				_, _, err := w.a.CreateUser(w.ctx, w.as("so.admin"), app.NewUserInput{Username: "x.nohome", FullName: "Người Mới", HomeKind: sdgdt.ScopeSchool, HomeID: 99999})
				return err
			}},
			{"sysadmin resets a password in another school", sdgdt.EFORBIDDEN, func() error {
				_, err := w.a.ResetPassword(w.ctx, w.as("a1.admin"), w.users["b1.teacher"].ID)
				return err
			}},
			{"leader resets a password", sdgdt.EFORBIDDEN, func() error {
				_, err := w.a.ResetPassword(w.ctx, w.as("a1.leader"), w.users["a1.teacher"].ID)
				return err
			}},
			{"district admin resets a root account", sdgdt.EFORBIDDEN, func() error {
				_, err := w.a.ResetPassword(w.ctx, w.as("pa.admin"), w.users["so.admin"].ID)
				return err
			}},
			{"sysadmin disables another school's account", sdgdt.EFORBIDDEN, func() error { return w.a.SetDisabled(w.ctx, w.as("b1.admin"), w.users["a1.staff"].ID, true) }},
			{"sysadmin disables himself", sdgdt.EINVALID, func() error { return w.a.SetDisabled(w.ctx, w.as("a1.admin"), w.users["a1.admin"].ID, true) }},
			{"sysadmin resets another school's second factor", sdgdt.EFORBIDDEN, func() error { return w.a.ResetMFA(w.ctx, w.as("b1.admin"), w.users["a1.leader"].ID) }},
			{"bad profile", sdgdt.EINVALID, func() error { return w.a.UpdateProfile(w.ctx, w.as("a1.teacher"), "X", "a@", "") }},
			{"class with a bad grade and rule set", sdgdt.EINVALID, func() error {
				_, err := w.a.CreateClass(w.ctx, w.as("a1.admin"), sdgdt.Class{SchoolID: a1.ID, SchoolYearID: w.year.ID, Grade: 3, Name: "3A", Ruleset: "tt22"})
				return err
			}},
			{"class in another school", sdgdt.EFORBIDDEN, func() error {
				_, err := w.a.CreateClass(w.ctx, w.as("a1.admin"), sdgdt.Class{SchoolID: b1.ID, SchoolYearID: w.year.ID, Grade: 6, Name: "6Z", Ruleset: "tt22"})
				return err
			}},
			{"class with another school's homeroom teacher", sdgdt.EINVALID, func() error {
				_, err := w.a.CreateClass(w.ctx, w.as("a1.admin"), sdgdt.Class{SchoolID: a1.ID, SchoolYearID: w.year.ID, Grade: 6, Name: "6Z", Ruleset: "tt22", HomeroomID: w.users["b1.teacher"].ID})
				return err
			}},
			{"duplicate class", sdgdt.EINVALID, func() error {
				_, err := w.a.CreateClass(w.ctx, w.as("a1.admin"), sdgdt.Class{SchoolID: a1.ID, SchoolYearID: w.year.ID, Grade: 6, Name: "6A", Ruleset: "tt22"})
				return err
			}},
			{"assignment of another school's teacher", sdgdt.EINVALID, func() error {
				_, err := w.a.CreateAssignment(w.ctx, w.as("a1.admin"), sdgdt.Assignment{SchoolID: a1.ID, ClassID: w.class.ID, Subject: "toan", Term: "hk1", TeacherID: w.users["b1.teacher"].ID})
				return err
			}},
			{"group with another school's member", sdgdt.EINVALID, func() error {
				_, err := w.a.CreateGroup(w.ctx, w.as("a1.admin"), a1.ID, "team", "Tổ lẫn", []int64{w.users["a1.teacher"].ID, w.users["b1.teacher"].ID})
				return err
			}},
			{"district admin creates a unit under the root", sdgdt.EFORBIDDEN, func() error {
				_, err := w.a.CreateUnit(w.ctx, w.as("pa.admin"), w.units["SO"].ID, sdgdt.UnitDistrict, "Phòng mới", "PX")
				return err
			}},
			{"root admin creates a second root", sdgdt.EFORBIDDEN, func() error {
				_, err := w.a.CreateUnit(w.ctx, w.as("so.admin"), 0, sdgdt.UnitProvince, "Sở khác", "SX")
				return err
			}},
			{"duplicate unit code", sdgdt.EINVALID, func() error {
				_, err := w.a.CreateUnit(w.ctx, w.as("so.admin"), w.units["SO"].ID, sdgdt.UnitDistrict, "Phòng trùng mã", "PA")
				return err
			}},
			{"district admin creates a school in another district", sdgdt.EFORBIDDEN, func() error {
				_, err := w.a.CreateSchool(w.ctx, w.as("pa.admin"), w.units["PB"].ID, "th", "Trường lạ", "BX", "")
				return err
			}},
			{"sysadmin creates a school", sdgdt.EFORBIDDEN, func() error {
				_, err := w.a.CreateSchool(w.ctx, w.as("a1.admin"), w.units["PA"].ID, "th", "Trường lạ", "AX", "")
				return err
			}},
			{"district admin creates a school year", sdgdt.EFORBIDDEN, func() error {
				y := w.year
				y.Name, y.ID = "2027-2028", 0
				for _, d := range []*time.Time{&y.StartsOn, &y.GK1On, &y.CK1On, &y.HK1EndsOn, &y.HK2Starts, &y.GK2On, &y.CNOn, &y.EndsOn} {
					*d = d.AddDate(1, 0, 0)
				}
				_, err := w.a.CreateSchoolYear(w.ctx, w.as("pa.admin"), y)
				return err
			}},
			{"school year with dates out of order", sdgdt.EINVALID, func() error {
				y := w.year
				y.Name, y.ID, y.EndsOn = "2027-2028", 0, y.StartsOn.AddDate(0, 0, -1)
				_, err := w.a.CreateSchoolYear(w.ctx, w.as("so.admin"), y)
				return err
			}},
			{"change password with a wrong old one", sdgdt.EINVALID, func() error {
				return w.a.ChangePassword(w.ctx, w.as("a1.teacher"), "Sai-mat-khau-2026", "Mật-khẩu-mới-2027", "Mật-khẩu-mới-2027")
			}},
		}
		snapshot := func() (int, map[string][]string, int) {
			users := map[string][]string{}
			grants := 0
			for _, h := range []string{"SO", "PA", "PB", "A1", "A2", "B1"} {
				users[h] = w.usersAt(h)
				grants += len(w.grantsOn(h))
			}
			return len(w.auditEntries()), users, grants
		}
		for _, c := range cases {
			n0, users0, grants0 := snapshot()
			err := c.run()
			wantCode(t, c.name, err, c.code)
			if sdgdt.ErrorMessage(err) == "" {
				t.Errorf("%s: no message", c.name)
			}
			n1, users1, grants1 := snapshot()
			if n1 != n0 || grants1 != grants0 {
				t.Errorf("%s: audit entries %d→%d, grants %d→%d", c.name, n0, n1, grants0, grants1)
			}
			for h := range users0 {
				if !slices.Equal(users0[h], users1[h]) {
					t.Errorf("%s: accounts at %s changed: %v → %v", c.name, h, users0[h], users1[h])
				}
			}
		}
		// The refused password reset left the account as it was.
		if u := w.user("b1.teacher"); u.MustChangePW || u.PasswordHash != w.users["b1.teacher"].PasswordHash {
			t.Error("a refused reset changed the account")
		}
		if _, err := w.signIn("a1.staff", testPassword, "192.0.2.50", "web"); err != nil {
			t.Errorf("a refused disable locked the account: %v", err)
		}
		w.verifyAudit()
	})
}

func TestChangePassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		const newPW = "Một-câu-dễ-nhớ-2027"
		cases := []struct {
			name, old, new, confirm, field string
		}{
			{"wrong old password", "Sai-mat-khau-2026", newPW, newPW, "old"},
			{"confirmation differs", testPassword, newPW, newPW + "x", "confirm"},
			{"too short", testPassword, "ngan-qua", "ngan-qua", "new"},
			{"contains the username", testPassword, "a1.teacher-2027!", "a1.teacher-2027!", "new"},
			{"same as the old one", testPassword, testPassword, testPassword, "new"},
			{"common password", testPassword, "password123", "password123", "new"},
			{"empty", testPassword, "", "", "new"},
		}
		for _, c := range cases {
			if c.name == "common password" && !auth.IsCommonPassword(c.new) {
				t.Fatalf("%q is not in the common list any more", c.new)
			}
			n := len(w.auditEntries())
			err := w.a.ChangePassword(w.ctx, w.as("a1.teacher"), c.old, c.new, c.confirm)
			wantCode(t, c.name, err, sdgdt.EINVALID)
			wantField(t, c.name, err, c.field)
			if len(w.auditEntries()) != n {
				t.Errorf("%s: wrote an audit entry", c.name)
			}
		}
		if _, err := w.signIn("a1.teacher", testPassword, "192.0.2.60", "web"); err != nil {
			t.Fatalf("refused changes changed the password: %v", err)
		}

		// Success: the current session stays, every other one ends.
		cur, err := w.signIn("a1.teacher", testPassword, "192.0.2.61", "web")
		w.must(err)
		other, err := w.signIn("a1.teacher", testPassword, "192.0.2.62", "api")
		w.must(err)
		p, _, err := w.a.Authenticate(w.ctx, cur.Token)
		w.must(err)
		w.must(w.a.ChangePassword(w.ctx, p, testPassword, newPW, newPW))
		if _, _, err := w.a.Authenticate(w.ctx, cur.Token); err != nil {
			t.Errorf("the current session ended: %v", err)
		}
		if _, _, err := w.a.Authenticate(w.ctx, other.Token); err != app.ErrNoSession {
			t.Errorf("another session survived: %v", err)
		}
		if _, err := w.signIn("a1.teacher", testPassword, "192.0.2.63", "web"); sdgdt.ErrorCode(err) != sdgdt.EUNAUTHORIZED {
			t.Errorf("the old password still works: %v", err)
		}
		if _, err := w.signIn("a1.teacher", newPW, "192.0.2.64", "web"); err != nil {
			t.Errorf("the new password: %v", err)
		}
		w.verifyAudit()
	})
}

func TestResetPasswordAndDisable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		s1, err := w.signIn("a1.staff", testPassword, "192.0.2.70", "web")
		w.must(err)
		s2, err := w.signIn("a1.staff", testPassword, "192.0.2.71", "api")
		w.must(err)
		temp, err := w.a.ResetPassword(w.ctx, w.as("a1.admin"), w.users["a1.staff"].ID)
		w.must(err)
		if auth.CheckPolicy("a1.staff", temp) != nil {
			t.Errorf("temporary password %q fails the policy", temp)
		}
		for _, tok := range []string{s1.Token, s2.Token} {
			if _, _, err := w.a.Authenticate(w.ctx, tok); err != app.ErrNoSession {
				t.Errorf("a session survived the reset: %v", err)
			}
		}
		if !w.user("a1.staff").MustChangePW {
			t.Error("the reset does not force a change")
		}
		if _, err := w.signIn("a1.staff", testPassword, "192.0.2.72", "web"); sdgdt.ErrorCode(err) != sdgdt.EUNAUTHORIZED {
			t.Errorf("the old password still works: %v", err)
		}
		res, err := w.signIn("a1.staff", temp, "192.0.2.73", "web")
		w.must(err)
		p, _, err := w.a.Authenticate(w.ctx, res.Token)
		if err != nil || !p.User.MustChangePW {
			t.Fatalf("signed in with the temporary password: %+v, %v", p, err)
		}
		w.must(w.a.ChangePassword(w.ctx, p, temp, "Mật-khẩu-riêng-2027", "Mật-khẩu-riêng-2027"))
		if w.user("a1.staff").MustChangePW {
			t.Error("changing the password did not clear the flag")
		}

		// The district's administrator may disable an account of its school: its
		// sessions end and it cannot sign in until enabled again.
		w.must(w.a.SetDisabled(w.ctx, w.as("pa.admin"), w.users["a1.staff"].ID, true))
		if _, _, err := w.a.Authenticate(w.ctx, res.Token); err != app.ErrNoSession {
			t.Errorf("a session of a disabled account: %v", err)
		}
		_, err = w.signIn("a1.staff", "Mật-khẩu-riêng-2027", "192.0.2.74", "web")
		wantCode(t, "disabled account", err, sdgdt.EUNAUTHORIZED)
		if p := w.as("a1.staff"); app.Can(p, app.ActRead, app.SchoolTarget(w.school["A1"])) {
			t.Error("a disabled account may read its school")
		}
		w.must(w.a.SetDisabled(w.ctx, w.as("a1.admin"), w.users["a1.staff"].ID, false))
		if _, err := w.signIn("a1.staff", "Mật-khẩu-riêng-2027", "192.0.2.75", "web"); err != nil {
			t.Errorf("enabled again: %v", err)
		}

		// Resetting the second factor ends sessions and leaves the account to enrol again.
		secret := auth.NewTOTPSecret()
		w.must(w.a.SetupAccount(w.ctx, w.sys, w.users["a1.leader"].ID, false, secret))
		// A school administrator cannot reset his leader's credentials (he
		// could take the account over); the unit above can.
		if err := w.a.ResetMFA(w.ctx, w.as("a1.admin"), w.users["a1.leader"].ID); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("school administrator resets the leader's second factor: %v", err)
		}
		if _, err := w.a.ResetPassword(w.ctx, w.as("a1.admin"), w.users["a1.leader"].ID); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
			t.Errorf("school administrator resets the leader's password: %v", err)
		}
		w.must(w.a.ResetMFA(w.ctx, w.as("pa.admin"), w.users["a1.leader"].ID))
		if u := w.user("a1.leader"); u.TOTPEnabled || u.TOTPSecret != "" {
			t.Errorf("second factor still on: %+v", u)
		}
		p = w.as("a1.leader")
		if !w.a.NeedsMFAEnrolment(p) {
			t.Error("a leader without a second factor need not enrol")
		}
		if w.a.NeedsMFAEnrolment(w.as("a1.staff")) {
			t.Error("staff must enrol a second factor")
		}
		w.verifyAudit()
	})
}

func TestTOTPEnrolment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := w.as("a1.leader")
		wantCode(t, "confirm before begin", w.a.ConfirmTOTP(w.ctx, p, "123456"), sdgdt.EINVALID)
		secret, err := w.a.BeginTOTP(w.ctx, p)
		w.must(err)
		err = w.a.ConfirmTOTP(w.ctx, p, "12345x")
		wantCode(t, "bad code", err, sdgdt.EINVALID)
		wantField(t, "bad code", err, "otp")
		code, _ := auth.TOTPCode(secret, w.clk.Now())
		w.must(w.a.ConfirmTOTP(w.ctx, p, code))
		wantCode(t, "confirm twice", w.a.ConfirmTOTP(w.ctx, p, code), sdgdt.ECONFLICT)
		_, err = w.a.BeginTOTP(w.ctx, w.as("a1.leader"))
		wantCode(t, "begin when enabled", err, sdgdt.ECONFLICT)
		// The code used to enrol cannot be used again to sign in.
		_, err = w.a.SignIn(w.ctx, app.SignInInput{Username: "a1.leader", Password: testPassword, OTP: code, IP: "192.0.2.80", Kind: "api"})
		wantCode(t, "enrolment code replayed", err, sdgdt.EUNAUTHORIZED)
		w.clk.Advance(30 * time.Second)
		code, _ = auth.TOTPCode(secret, w.clk.Now())
		if _, err := w.a.SignIn(w.ctx, app.SignInInput{Username: "a1.leader", Password: testPassword, OTP: code, IP: "192.0.2.80", Kind: "api"}); err != nil {
			t.Errorf("next code: %v", err)
		}
	})
}
