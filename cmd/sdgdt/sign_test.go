package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"sdgdt/internal/store"
)

// TestSignCommands runs the CA and verification commands over the demo:
// everything verifies; a signed mark changed behind the application's back,
// or a void signature marked valid again, makes sign verify exit 1; ca init
// refuses a second CA; ca issue and ca revoke work with the passphrase.
func TestSignCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo with production key derivation is slow")
	}
	const pw = "Mật-khẩu-dài-2026"
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	if err, _, errs := runCmd(t, "", "demo", "--db", "sqlite:"+base, "--password", pw); err != nil {
		t.Fatalf("demo: %v\n%s", err, errs)
	}
	err, out, errs := runCmd(t, "", "sign", "verify", "--db", "sqlite:"+base)
	if err != nil || !strings.Contains(out, "0 marked valid that do not verify") || !strings.Contains(out, "không hợp lệ") {
		t.Fatalf("the untouched demo: %v\n%s%s", err, out, errs)
	}
	if err, _, _ := runCmd(t, "", "ca", "init", "--db", "sqlite:"+base, "--ca-passphrase", pw); err == nil {
		t.Fatal("a second CA without --replace")
	}
	if err, out, errs := runCmd(t, "", "ca", "issue", "--db", "sqlite:"+base, "--ca-passphrase", pw, "--user", "thcsnd.bqt", "--pin", "314159"); err != nil || !strings.Contains(out, "serial") {
		t.Fatalf("ca issue: %v\n%s%s", err, out, errs)
	}
	if err, _, _ := runCmd(t, "", "ca", "issue", "--db", "sqlite:"+base, "--ca-passphrase", "sai mật khẩu CA rồi", "--user", "thcsnd.bqt", "--pin", "314159"); err == nil {
		t.Fatal("ca issue with a wrong passphrase")
	}
	ctx := context.Background()
	for _, c := range []struct{ name, sql, want string }{
		{"a signed mark changed", `UPDATE marks SET value = CASE WHEN value = '1.5' THEN '2.5' ELSE '1.5' END WHERE field = 'final' AND value <> '' AND pupil_id = (SELECT MIN(pupil_id) FROM marks WHERE field = 'final' AND value <> '' AND sheet_id = (SELECT MIN(id) FROM sheets WHERE class_id = (SELECT class_id FROM signatures WHERE object_kind = 'book' AND valid = TRUE))) AND sheet_id = (SELECT MIN(id) FROM sheets WHERE class_id = (SELECT class_id FROM signatures WHERE object_kind = 'book' AND valid = TRUE))`, "dữ liệu hiện tại khác dữ liệu đã ký"},
		{"a void signature marked valid", `UPDATE signatures SET valid = TRUE WHERE valid = FALSE`, "dữ liệu hiện tại khác dữ liệu đã ký"},
		{"a signature's document changed with its digest", `UPDATE signatures SET canonical = REPLACE(canonical, '"kind":"sheet"', '"kind":"sheet" ') WHERE id = (SELECT MIN(id) FROM signatures)`, "mã băm"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "copy.db")
			copyFile(t, base, path)
			db, err := store.Open(ctx, "sqlite:"+path)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.ExecForTest(ctx, c.sql); err != nil {
				t.Fatal(err)
			}
			db.Close()
			err, out, _ := runCmd(t, "", "sign", "verify", "--db", "sqlite:"+path)
			var ee exitError
			if !errors.As(err, &ee) || ee != 1 || !strings.Contains(out, "ĐÁNH DẤU HỢP LỆ NHƯNG KHÔNG ĐÚNG") || !strings.Contains(out, c.want) {
				t.Fatalf("verify: %v, want exit 1 naming %q:\n%s", err, c.want, out)
			}
		})
	}
}
