package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
)

// TestBackupRestoreDrill backs up a SQLite database while writes go on, then
// restores from the copy as an operator would (migrate, audit verify, read):
// every write acknowledged before the backup started is in the copy, and the
// copy's audit chains verify.
func TestBackupRestoreDrill(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "live.db")
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	a := app.New(db, cfg, nil)
	sys := app.System("test")
	root, err := a.CreateUnit(ctx, sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo Thử", "SO")
	if err != nil {
		t.Fatal(err)
	}
	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := a.CreateUnit(ctx, sys, root.ID, sdgdt.UnitDistrict, fmt.Sprintf("Phòng GDĐT số %d", i), fmt.Sprintf("P%d", i)); err != nil {
				t.Error(err)
				return
			}
			acked.Add(1)
		}
	}()
	for deadline := time.Now().Add(30 * time.Second); acked.Load() < 20; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no writes acknowledged")
		}
	}
	before := acked.Load()
	out := filepath.Join(dir, "backup", "sdgdt-copy.db")
	err, stdout, stderr := runCmd(t, "", "backup", "--db", dsn, "--out", out)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "mục nhật ký") {
		t.Errorf("backup output: %q", stdout)
	}
	// A second backup to the same file is refused (it would overwrite a copy).
	if err, _, _ := runCmd(t, "", "backup", "--db", dsn, "--out", out); err == nil {
		t.Error("backup over an existing file accepted")
	}
	// Restore: the copy is a database the server can start on.
	if err, _, stderr := runCmd(t, "", "migrate", "--db", "sqlite:"+out); err != nil {
		t.Fatalf("migrate the copy: %v\n%s", err, stderr)
	}
	if err, _, stderr := runCmd(t, "", "audit", "verify", "--db", "sqlite:"+out); err != nil {
		t.Fatalf("audit verify the copy: %v\n%s", err, stderr)
	}
	restored, err := store.Open(ctx, "sqlite:"+out)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	var n int
	err = restored.View(ctx, func(tx *store.Tx) error {
		us, err := tx.UnitsBelow(root.Path)
		n = len(us)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if int64(n) < before {
		t.Errorf("the copy has %d district units, %d were acknowledged before the backup began", n, before)
	}
	t.Logf("acknowledged before the backup: %d, in the copy: %d, after: %d", before, n, acked.Load())
}
