package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestArchiveCommandsBadInput(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "x.db")
	broken := filepath.Join(dir, "broken.zip")
	if err := os.WriteFile(broken, []byte("PK\x03\x04 not really a zip"), 0o600); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing.zip")
	if err := os.WriteFile(existing, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.zip")
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"verify a corrupted zip", []string{"archive", "verify", broken}, 1, broken + ": không phải tệp zip hợp lệ"},
		{"verify a missing file", []string{"archive", "verify", filepath.Join(dir, "none.zip")}, 1, "none.zip: không mở được tệp"},
		{"verify without a file", []string{"archive", "verify"}, 2, "usage"},
		{"export without flags", []string{"archive", "export", "--db", dsn}, 2, "usage"},
		{"export over a file", []string{"archive", "export", "--db", dsn, "--school", "1", "--year", "2026-2027", "--out", existing}, 1, "đã có"},
		{"export of an unknown school", []string{"archive", "export", "--db", dsn, "--school", "KHONG-CO", "--year", "2026-2027", "--out", out}, 1, "--school KHONG-CO: Không tìm thấy"},
		{"export of a school that does not exist", []string{"archive", "export", "--db", dsn, "--school", "99", "--year", "2026-2027", "--out", out}, 1, "Không tìm thấy"},
		{"print books without flags", []string{"print", "books", "--db", dsn}, 2, "usage"},
		{"print books of a bad term", []string{"print", "books", "--db", dsn, "--school", "99", "--term", "hk3", "--out", out}, 1, "Kì không hợp lệ"},
		{"print status of no job", []string{"print", "status", "--db", dsn, "--job", "12345"}, 1, "Không tìm thấy công việc"},
	}
	for _, c := range cases {
		err, _, stderr := runCmd(t, "", c.args...)
		code := 0
		if e, ok := err.(exitError); ok {
			code = int(e)
		} else if err != nil {
			code = -1
		}
		if code != c.code || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%s: exit %d (%v), want %d with %q; stderr:\n%s", c.name, code, err, c.code, c.stderr, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed export left a file")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".sdgdt-archive-*")); len(m) > 0 {
		t.Errorf("a failed export left temporary files: %v", m)
	}
}
