package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"regexp"
	"sdgdt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

// runCmd runs the program to its end with stdin and returns its outputs.
func runCmd(t *testing.T, stdin string, args ...string) (error, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"sdgdt"}, args...), noEnv, strings.NewReader(stdin), &out, &errb)
	return err, out.String(), errb.String()
}

func TestServe(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dsn := storetest.DSN(t, e.Name)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout, stderr syncBuffer
			done := make(chan error, 1)
			env := map[string]string{"SDGDT_DB": dsn} // the database from the environment
			go func() {
				done <- run(ctx, []string{"sdgdt", "serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
			}()
			addrRE := regexp.MustCompile(`đang chạy tại http://(\S+)`)
			var base string
			deadline := time.Now().Add(20 * time.Second)
			for base == "" {
				if m := addrRE.FindStringSubmatch(stdout.String()); m != nil {
					base = "http://" + m[1]
					break
				}
				select {
				case err := <-done:
					t.Fatalf("serve ended early: %v\n%s", err, stderr.String())
				default:
				}
				if time.Now().After(deadline) {
					t.Fatalf("no address printed: %q", stdout.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			for {
				res, err := http.Get(base + "/healthz")
				if err == nil {
					res.Body.Close()
					if res.StatusCode == 200 {
						break
					}
				}
				if time.Now().After(deadline) {
					t.Fatalf("/healthz never answered 200: %v", err)
				}
				time.Sleep(10 * time.Millisecond)
			}
			res, err := http.Get(base + "/login")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("/login: %v %v", res, err)
			}
			res.Body.Close()
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("serve did not stop")
			}
		})
	}
}

func TestCommands(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		stdin  string
		exit   int // -1: success
		stdout string
		stderr string
	}{
		{"version", []string{"version"}, "", -1, "sdgdt ", ""},
		{"help", []string{"help"}, "", -1, "Usage:", ""},
		{"no command", nil, "", 2, "", "Usage:"},
		{"unknown command", []string{"frobnicate"}, "", 2, "", `Lệnh không có: "frobnicate"`},
		{"audit without verify", []string{"audit"}, "", 2, "", "usage: sdgdt audit verify"},
		{"rules without eval", []string{"rules"}, "", 2, "", "usage: sdgdt rules eval"},
		{"demo without password", []string{"demo", "--db", "sqlite:" + filepath.Join(t.TempDir(), "x.db")}, "", 2, "", "cần --password"},
		{"bad flag", []string{"serve", "--no-such-flag"}, "", 2, "", "flag provided but not defined"},
		{"rules eval", []string{"rules", "eval"}, `{"ruleset": "tt27", "grade": 5, "nominated": false,
  "subjects": [{"code": "tieng_viet", "level": "T", "test": 9}, {"code": "toan", "level": "T", "test": 10}, {"code": "dao_duc", "level": "T"}],
  "qualities": {"yeu_nuoc": "T", "nhan_ai": "T", "cham_chi": "T", "trung_thuc": "T", "trach_nhiem": "T"},
  "competencies": {"tu_chu_tu_hoc": "T", "giao_tiep_hop_tac": "T", "gqvd_sang_tao": "T", "ngon_ngu": "T", "tinh_toan": "T",
                   "khoa_hoc": "T", "cong_nghe": "T", "tin_hoc": "T", "tham_mi": "T", "the_chat": "T"}}`, -1, `"result": "HTXS"`, ""},
		{"rules eval, malformed", []string{"rules", "eval"}, `{"ruleset":`, 1, "", "malformed JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err, out, errs := runCmd(t, c.stdin, c.args...)
			if c.exit < 0 {
				if err != nil {
					t.Fatalf("error %v\n%s", err, errs)
				}
			} else {
				var ee exitError
				if !errors.As(err, &ee) || int(ee) != c.exit {
					t.Fatalf("error %v, want exit status %d", err, c.exit)
				}
			}
			if !strings.Contains(out, c.stdout) {
				t.Errorf("stdout %q lacks %q", out, c.stdout)
			}
			if !strings.Contains(errs, c.stderr) {
				t.Errorf("stderr %q lacks %q", errs, c.stderr)
			}
		})
	}
}

// TestDemoAndAuditVerify seeds the demo province once (production password
// hashing: the one expensive run of this package), checks the JSON listing,
// then verifies the audit log, tampers with it and verifies again.
func TestDemoAndAuditVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo with production password hashing is slow")
	}
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	err, out, errs := runCmd(t, "", "demo", "--db", dsn, "--password", "Mật-khẩu-dài-2026", "--json")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, errs)
	}
	var accts []map[string]any
	if err := json.Unmarshal([]byte(out), &accts); err != nil {
		t.Fatalf("demo --json is not a JSON array: %v\n%s", err, out)
	}
	if len(accts) < 30 {
		t.Fatalf("%d accounts", len(accts))
	}
	withSecret := 0
	for _, a := range accts {
		for _, k := range []string{"username", "full_name", "role", "scope_kind", "scope_name", "totp_secret"} {
			if _, ok := a[k]; !ok {
				t.Errorf("account %v lacks %q", a["username"], k)
			}
		}
		if _, signs := a["sign_pin"]; len(a) != 6 && !(signs && len(a) == 7) { // sign_pin: accounts that sign (06-signatures.md)
			t.Errorf("account %v has %d keys", a["username"], len(a))
		}
		if s, ok := a["totp_secret"].(string); ok && s != "" {
			withSecret++
		}
	}
	if withSecret == 0 {
		t.Error("no account has a second factor")
	}
	// A second demo run refuses the filled database.
	if err, _, _ := runCmd(t, "", "demo", "--db", dsn, "--password", "Mật-khẩu-dài-2026"); err == nil || !strings.Contains(err.Error(), "đã có dữ liệu") {
		t.Errorf("second demo: %v", err)
	}

	err, out, errs = runCmd(t, "", "audit", "verify", "--db", dsn)
	if err != nil || !strings.Contains(out, "Nhật ký nguyên vẹn") {
		t.Fatalf("verify: %v\n%s%s", err, out, errs)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	var victim int64
	err = db.View(ctx, func(tx *store.Tx) error {
		es, err := tx.ListAudit(sdgdt.AuditFilter{Action: "user.create", Limit: 5})
		if len(es) > 0 {
			victim = es[len(es)-1].ID
		}
		return err
	})
	if err != nil || victim == 0 {
		t.Fatalf("no entry to tamper with: %v", err)
	}
	if err := db.ExecForTest(ctx, `UPDATE audit_log SET after_json = $1 WHERE id = $2`, `{"username":"ke.gian"}`, victim); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err, _, errs = runCmd(t, "", "audit", "verify", "--db", dsn)
	var ee exitError
	if !errors.As(err, &ee) || ee != 1 {
		t.Fatalf("verify after tampering: %v, want exit status 1", err)
	}
	if !strings.Contains(errs, "mục "+strconv.FormatInt(victim, 10)+" ") || !strings.Contains(errs, "NHẬT KÝ BỊ HỎNG") {
		t.Errorf("stderr does not name entry %d: %s", victim, errs)
	}
}
