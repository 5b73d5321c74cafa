package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
)

func TestStatsCommand(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "demo.db")
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	if _, err := demo.Seed(ctx, app.New(db, cfg, nil), "Mật-khẩu-dài-2026"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	file := filepath.Join(dir, "so.xlsx")
	err, out, errs := runCmd(t, "", "stats", "--db", dsn, "--unit", "1", "--term", "year", "--xlsx", file)
	if err != nil {
		t.Fatalf("stats: %v\n%s", err, errs)
	}
	for _, want := range []string{"Sở Giáo dục và Đào tạo Đắk Lắk — Cả năm, năm học 2026-2027", "Tổng cộng", "Trường THPT Chu Văn An", "Toán"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats output lacks %q:\n%s", want, out)
		}
	}
	if st, err := os.Stat(file); err != nil || st.Size() < 2000 {
		t.Errorf("xlsx: %v %v", st, err)
	}
	if err, out, errs := runCmd(t, "", "stats", "--db", dsn, "--school", "2", "--term", "hk1", "--json"); err != nil || !strings.Contains(out, `"Children"`) {
		t.Errorf("stats --school --json: %v %s %s", err, out, errs)
	}
	for _, c := range []struct {
		args []string
		exit int
		msg  string
	}{
		{[]string{"--unit", "1", "--year", "2099-2100"}, 1, "Năm học «2099-2100» không có"},
		{[]string{"--unit", "1", "--term", "hk3"}, 1, "Kì «hk3» không có"},
		{[]string{"--unit", "1", "--grade", "x"}, 1, "Khối lớp phải là một số"},
		{[]string{"--unit", "999"}, 1, "Không tìm thấy"},
		{[]string{}, 2, "usage: sdgdt stats"},
	} {
		err, _, errs := runCmd(t, "", append([]string{"stats", "--db", dsn}, c.args...)...)
		var ee exitError
		if !errors.As(err, &ee) || int(ee) != c.exit || !strings.Contains(errs, c.msg) {
			t.Errorf("stats %v: %v, stderr %q; want exit %d and %q", c.args, err, errs, c.exit, c.msg)
		}
	}
}
