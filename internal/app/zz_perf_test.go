package app_test

import (
	"fmt"
	"testing"
	"time"

	"sdgdt/internal/app"
	"sdgdt/internal/store/storetest"
)

func TestZZPerf(t *testing.T) {
	db := storetest.OpenSQLite(t)
	b := newBook(t, newWorld(t, db), 45)
	release := b.a.HoldResults()
	var v int64
	p := b.as("a1.math")
	var tot time.Duration
	for it := 0; it < 30; it++ {
		var chs []app.SheetChange
		for i, pid := range b.pupils {
			for _, f := range []string{"regular[0]", "regular[1]", "regular[2]", "regular[3]", "midterm", "final"} {
				chs = append(chs, ch(pid, f, text(fmt.Sprint(3+(i+it)%7))))
			}
		}
		t0 := time.Now()
		res, err := b.a.PatchSheet(b.ctx, p, b.sheets["toan.hk1"], app.SheetPatch{Version: v, Changes: chs})
		tot += time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		v = res.Version
	}
	t.Logf("patch avg %s", tot/30)
	release()
	t0 := time.Now()
	b.a.WaitResults()
	t.Logf("recompute 45: %s", time.Since(t0))
}
