package demo_test

import (
	"context"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

const password = "Demo@SoDanhGia2026"

var (
	seededMu    sync.Mutex
	seededAccts = map[string][]demo.Account{}
)

// seeded returns a copy of the demo province, seeded once per engine for the
// whole test binary (seeding is what these tests check, and it takes seconds),
// with the accounts Seed returned.
func seeded(t *testing.T, engine string) (*store.DB, []demo.Account) {
	t.Helper()
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	db := storetest.Seeded(t, engine, "demo", func(db *store.DB) error {
		accts, err := demo.Seed(context.Background(), app.New(db, cfg, nil), password)
		seededMu.Lock()
		seededAccts[engine] = accts
		seededMu.Unlock()
		return err
	})
	seededMu.Lock()
	defer seededMu.Unlock()
	return db, seededAccts[engine]
}

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, empty *store.DB) {
		ctx := context.Background()
		cfg := app.DefaultConfig()
		cfg.Argon = auth.TestParams
		db, accts := seeded(t, string(empty.Dialect))
		a := app.New(db, cfg, nil)
		byName := map[string]demo.Account{}
		for _, ac := range accts {
			if _, dup := byName[ac.Username]; dup {
				t.Errorf("account %s listed twice", ac.Username)
			}
			byName[ac.Username] = ac
		}
		for _, u := range []string{"so.quantri", "so.bqt", "bmt.quantri", "bmt.bqt", "kp.quantri", "kp.bqt",
			"thlvt.lanhdao", "thlvt.quantri", "thlvt.bqt", "thlvt.vanthu", "thcsnd.lanhdao", "thptcva.lanhdao", "gdtxkp.lanhdao", "gdtxkp.quantri"} {
			if _, ok := byName[u]; !ok {
				t.Errorf("no demo account %s", u)
			}
		}
		if len(accts) < 35 {
			t.Errorf("only %d demo accounts", len(accts))
		}

		// Every account signs in (with its second factor when it has one) and
		// holds the role it is listed with.
		now := time.Date(2026, 10, 5, 2, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		principals := map[string]*app.Principal{}
		for i, ac := range accts {
			needsMFA := cfg.MFARoles[ac.Role]
			if needsMFA != (ac.TOTPSecret != nil) {
				t.Errorf("%s (%s): totp secret %v, role needs one: %v", ac.Username, ac.Role, ac.TOTPSecret != nil, needsMFA)
			}
			in := app.SignInInput{Username: ac.Username, Password: password, IP: "10.0.0." + string(rune('0'+i%10)), Kind: "api"}
			if ac.TOTPSecret != nil {
				in.OTP, _ = auth.TOTPCode(*ac.TOTPSecret, now)
			}
			res, err := a.SignIn(ctx, in)
			if err != nil {
				t.Errorf("%s cannot sign in: %v", ac.Username, err)
				continue
			}
			p, _, err := a.Authenticate(ctx, res.Token)
			if err != nil {
				t.Errorf("%s: %v", ac.Username, err)
				continue
			}
			if p.User.MustChangePW || a.NeedsMFAEnrolment(p) {
				t.Errorf("%s is not ready: must change %v, needs enrolment %v", ac.Username, p.User.MustChangePW, a.NeedsMFAEnrolment(p))
			}
			found := false
			for _, r := range p.Roles {
				if r.Role == ac.Role && r.ScopeKind == ac.ScopeKind {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: roles %+v do not include %s on a %s", ac.Username, p.Roles, ac.Role, ac.ScopeKind)
			}
			principals[ac.Username] = p
			now = now.Add(time.Second)
		}

		// Each role sees its scope only.
		all := []string{"GDTX-KP", "TH-LVT", "THCS-ND", "THPT-CVA", "THTHCS-EK"}
		scopes := []struct {
			user    string
			schools []string
			units   int
		}{
			{"so.quantri", all, 3},
			{"so.bqt", all, 3},
			{"bmt.quantri", []string{"TH-LVT", "THCS-ND"}, 1},
			{"bmt.bqt", []string{"TH-LVT", "THCS-ND"}, 1},
			{"kp.bqt", []string{"GDTX-KP", "THTHCS-EK"}, 1},
			{"kp.quantri", []string{"GDTX-KP", "THTHCS-EK"}, 1},
			{"ththcsek.lanhdao", []string{"THTHCS-EK"}, 0},
			{"thlvt.lanhdao", []string{"TH-LVT"}, 0},
			{"thcsnd.lanhdao", []string{"THCS-ND"}, 0},
			{"thptcva.quantri", []string{"THPT-CVA"}, 0},
			{"gdtxkp.vanthu", []string{"GDTX-KP"}, 0},
		}
		for _, sc := range scopes {
			p := principals[sc.user]
			if p == nil {
				t.Errorf("no principal for %s", sc.user)
				continue
			}
			tr, err := a.VisibleTree(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range tr.Schools {
				got = append(got, s.Code)
			}
			sort.Strings(got)
			if !slices.Equal(got, sc.schools) || len(tr.Units) != sc.units {
				t.Errorf("%s sees schools %v and %d units, want %v and %d", sc.user, got, len(tr.Units), sc.schools, sc.units)
			}
		}
		// Teachers see their own school only.
		for _, ac := range accts {
			if ac.Role != sdgdt.RoleHomeroom && ac.Role != sdgdt.RoleSubjectTeacher {
				continue
			}
			tr, err := a.VisibleTree(ctx, principals[ac.Username])
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Units) != 0 || len(tr.Schools) != 1 || !strings.HasPrefix(ac.Username, prefixOf(tr.Schools[0].Code)) {
				t.Errorf("teacher %s sees %+v", ac.Username, tr)
			}
		}

		// The multi-level school: grades 1-5 under TT27, 6-9 under TT22,
		// each secondary class's pupils with results.
		err := db.View(ctx, func(tx *store.Tx) error {
			id, err := tx.SchoolIDByCode("THTHCS-EK")
			if err != nil {
				return err
			}
			s, err := tx.School(id)
			if err != nil {
				return err
			}
			if s.Kind != "th_thcs" {
				t.Errorf("THTHCS-EK is a %s school", s.Kind)
			}
			y, err := tx.CurrentYear()
			if err != nil {
				return err
			}
			cs, err := tx.ClassesOf(id, y.ID)
			if err != nil {
				return err
			}
			rulesets := map[string]int{}
			for _, c := range cs {
				want := "tt22"
				if c.Grade <= 5 {
					want = "tt27"
				}
				if c.Ruleset != want {
					t.Errorf("class %s (grade %d) under %s, want %s", c.Name, c.Grade, c.Ruleset, want)
				}
				rulesets[c.Ruleset]++
				if c.Ruleset == "tt22" {
					rs, err := tx.ClassResults(c.ID)
					if err != nil {
						return err
					}
					if len(rs) == 0 {
						t.Errorf("class %s: no results", c.Name)
					}
				}
			}
			if rulesets["tt27"] != 5 || rulesets["tt22"] != 4 {
				t.Errorf("THTHCS-EK classes per ruleset: %v", rulesets)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		if p, n, err := db.VerifyAudit(ctx); err != nil || p != nil || n == 0 {
			t.Errorf("audit after seeding: %v, %d entries, %v", p, n, err)
		}

		// A database with data is refused, and a weak password too.
		if _, err := demo.Seed(ctx, a, password); err == nil || !strings.Contains(err.Error(), "đã có dữ liệu") {
			t.Errorf("seeding twice: %v", err)
		}
	})
}

func TestSeedRefusesWeakPassword(t *testing.T) {
	db := storetest.OpenSQLite(t)
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	if _, err := demo.Seed(context.Background(), app.New(db, cfg, nil), "ngan"); err == nil {
		t.Error("a short demo password was accepted")
	}
	var empty bool
	db.View(context.Background(), func(tx *store.Tx) error { var err error; empty, err = tx.IsEmpty(); return err })
	if !empty {
		t.Error("a refused seed wrote data")
	}
}

func prefixOf(code string) string {
	return map[string]string{"TH-LVT": "thlvt.", "THCS-ND": "thcsnd.", "THPT-CVA": "thptcva.", "GDTX-KP": "gdtxkp.", "THTHCS-EK": "ththcsek."}[code]
}
