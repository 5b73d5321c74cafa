package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/audit"
	"sdgdt/internal/store"
)

// TestAuditVerifyCatchesTampering changes the demo province the way an
// intruder holding the database would — marks, their history, an identity
// number, a role, a whole chain rewritten with its head — and checks that
// sdgdt audit verify exits 1 naming what changed, each time on a fresh copy.
func TestAuditVerifyCatchesTampering(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo with production password hashing is slow")
	}
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	if err, _, errs := runCmd(t, "", "demo", "--db", "sqlite:"+base, "--password", "Mật-khẩu-dài-2026"); err != nil {
		t.Fatalf("demo: %v\n%s", err, errs)
	}
	if err, out, errs := runCmd(t, "", "audit", "verify", "--db", "sqlite:"+base); err != nil || !strings.Contains(out, "Dữ liệu nguyên vẹn") {
		t.Fatalf("the untouched demo: %v\n%s%s", err, out, errs)
	}
	heads := filepath.Join(dir, "heads.json")
	if err, _, errs := runCmd(t, "", "audit", "heads", "--db", "sqlite:"+base, "--out", heads); err != nil {
		t.Fatalf("audit heads: %v\n%s", err, errs)
	}
	ctx := context.Background()
	copyOf := func(t *testing.T) (string, *store.DB) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "copy.db")
		copyFile(t, base, path)
		db, err := store.Open(ctx, "sqlite:"+path)
		if err != nil {
			t.Fatal(err)
		}
		return path, db
	}
	exec := func(t *testing.T, db *store.DB, sqls ...string) {
		t.Helper()
		for _, q := range sqls {
			if err := db.ExecForTest(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	const firstFinal = `(SELECT MIN(pupil_id) FROM marks WHERE field = 'final' AND value <> '')`
	cases := []struct {
		name   string
		tamper []string
		want   string
	}{
		{"a mark changed in marks", []string{`UPDATE marks SET value = '10' WHERE field = 'final' AND pupil_id = ` + firstFinal}, "DỮ LIỆU BỊ SỬA NGOÀI PHẦN MỀM (data changed outside the application): điểm (mark)"},
		{"a mark changed together with its history", []string{
			`UPDATE mark_changes SET value = '10' WHERE field = 'final' AND pupil_id = ` + firstFinal,
			`UPDATE marks SET value = '10' WHERE field = 'final' AND pupil_id = ` + firstFinal}, "DỮ LIỆU BỊ SỬA NGOÀI PHẦN MỀM (data changed outside the application): điểm (mark)"},
		{"history rows deleted", []string{`DELETE FROM mark_changes WHERE id IN (SELECT id FROM mark_changes ORDER BY id LIMIT 3)`}, "DỮ LIỆU BỊ SỬA NGOÀI PHẦN MỀM (data changed outside the application): lịch sử sửa điểm (history)"},
		{"an identity number changed", []string{`UPDATE pupils SET identity_number = '066214009999' WHERE id = (SELECT MIN(id) FROM pupils)`}, "DỮ LIỆU BỊ SỬA NGOÀI PHẦN MỀM (data changed outside the application): học sinh (pupil)"},
		{"a role inserted", []string{`INSERT INTO role_grants (user_id, role, scope_kind, scope_id, duty, granted_at) SELECT MAX(id), 'leader', 'school', (SELECT MIN(id) FROM schools), '', (SELECT MAX(granted_at) FROM role_grants) FROM users`}, "DỮ LIỆU BỊ SỬA NGOÀI PHẦN MỀM (data changed outside the application): phân quyền (grant)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, db := copyOf(t)
			exec(t, db, c.tamper...)
			db.Close()
			err, _, errs := runCmd(t, "", "audit", "verify", "--db", "sqlite:"+path)
			var ee exitError
			if !errors.As(err, &ee) || ee != 1 || !strings.Contains(errs, c.want) {
				t.Fatalf("verify: %v, want exit 1 with %q; stderr:\n%s", err, c.want, errs)
			}
		})
	}

	// A school's chain rewritten with recomputed hashes and head: the chain
	// alone verifies, the heads exported earlier and the anchors do not.
	rewrite := func(t *testing.T, db *store.DB) {
		t.Helper()
		var entries []audit.Entry
		err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			created, err := tx.ListAudit(sdgdt.AuditFilter{Action: string(sdgdt.ActUserCreate), Limit: 1000})
			if err != nil {
				return err
			}
			for _, e := range created { // a school's account: its school's chain
				if e.SchoolID != 0 {
					entries, err = tx.ListAudit(sdgdt.AuditFilter{SchoolIDs: []int64{e.SchoolID}, Limit: 100000})
					return err
				}
			}
			return nil
		})
		if err != nil || len(entries) < 3 {
			t.Fatalf("entries: %d, %v", len(entries), err)
		}
		var chain []audit.Entry
		for _, e := range entries {
			if e.Chain == entries[0].Chain {
				chain = append(chain, e)
			}
		}
		sort.Slice(chain, func(i, j int) bool { return chain[i].Seq < chain[j].Seq })
		// The victim: an entry nearest the middle of the chain whose change
		// touches no data the data check compares (not marks, pupils, roles,
		// groups), so that only the chain can tell.
		compared := func(a string) bool {
			return strings.HasPrefix(a, "sheet.") || strings.HasPrefix(a, "correction.") || strings.HasPrefix(a, "pupil.") || strings.HasPrefix(a, "role.") || strings.HasPrefix(a, "group.")
		}
		victim := -1
		for d := 0; d < len(chain) && victim < 0; d++ {
			for _, i := range []int{len(chain)/2 - d, len(chain)/2 + d} {
				if i >= 0 && i < len(chain) && !compared(chain[i].Action) {
					victim = i
					break
				}
			}
		}
		if victim < 0 {
			seen := map[string]int{}
			for _, e := range chain {
				seen[e.Action]++
			}
			t.Fatalf("no account creation or sign-in in the chain %s (%d entries of %d): %v", entries[0].Chain, len(chain), len(entries), seen)
		}
		chain[victim].After = `{"rewritten_by":"ke.gian"}`
		for i := victim; i < len(chain); i++ {
			if i > 0 {
				chain[i].PrevHash = chain[i-1].Hash
			}
			chain[i].Hash = audit.ComputeHash(&chain[i])
			if err := db.ExecForTest(ctx, `UPDATE audit_log SET after_json = $1, prev_hash = $2, hash = $3 WHERE id = $4`, chain[i].After, chain[i].PrevHash, chain[i].Hash, chain[i].ID); err != nil {
				t.Fatal(err)
			}
		}
		last := chain[len(chain)-1]
		if err := db.ExecForTest(ctx, `UPDATE audit_heads SET hash = $1 WHERE chain = $2`, last.Hash, last.Chain); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("a chain rewritten with its head, heads file", func(t *testing.T) {
		path, db := copyOf(t)
		rewrite(t, db)
		db.Close()
		if err, _, errs := runCmd(t, "", "audit", "verify", "--db", "sqlite:"+path); err != nil {
			t.Fatalf("without the heads the rewrite is invisible to the chain, but verify failed: %v\n%s", err, errs)
		}
		err, _, errs := runCmd(t, "", "audit", "verify", "--db", "sqlite:"+path, "--heads", heads)
		var ee exitError
		if !errors.As(err, &ee) || ee != 1 || !strings.Contains(errs, "viết lại") {
			t.Fatalf("verify --heads: %v; stderr:\n%s", err, errs)
		}
	})
	t.Run("a chain rewritten with its head, anchored in the units' chain", func(t *testing.T) {
		path, db := copyOf(t)
		a := app.New(db, app.DefaultConfig(), nil)
		if n, err := a.AnchorChains(ctx); err != nil || n == 0 {
			t.Fatalf("anchor: %d, %v", n, err)
		}
		rewrite(t, db)
		db.Close()
		err, _, errs := runCmd(t, "", "audit", "verify", "--db", "sqlite:"+path)
		var ee exitError
		if !errors.As(err, &ee) || ee != 1 || !strings.Contains(errs, "mục neo") {
			t.Fatalf("verify: %v; stderr:\n%s", err, errs)
		}
	})
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal"} {
		src, err := os.Open(from + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(to + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
}
