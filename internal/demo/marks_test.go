package demo_test

import (
	"context"
	"sdgdt"
	"testing"

	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
)

// TestSeedMarks checks that the demo's assessment book has something real to
// show: pupils at every level, incomplete results, decisions, re-tests.
func TestSeedMarks(t *testing.T) {
	db, _ := seeded(t, "sqlite")
	ctx := context.Background()
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	a := app.New(db, cfg, nil)
	var classes []sdgdt.Class
	err := db.View(ctx, func(tx *store.Tx) error {
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		for _, code := range []string{"THCS-ND", "THPT-CVA", "GDTX-KP"} {
			id, err := tx.SchoolIDByCode(code)
			if err != nil {
				return err
			}
			cs, err := tx.ClassesOf(id, y.ID)
			if err != nil {
				return err
			}
			classes = append(classes, cs...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	levels, promotions := map[string]int{}, map[string]int{}
	incomplete, retests := 0, 0
	for _, c := range classes {
		rs, err := a.ClassResults(ctx, app.System("test"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			levels[r.HK[0].Learning]++
			promotions[r.Promotion]++
			if r.HK[0].Learning == "" {
				incomplete++
			}
			if r.RetestSubjects != "" {
				retests++
			}
		}
	}
	t.Logf("semester I levels %v, promotions %v, incomplete %d, with re-tests %d", levels, promotions, incomplete, retests)
	for _, l := range []string{"T", "K", "D", "CD"} {
		if levels[l] < 3 {
			t.Errorf("only %d pupils at level %s in semester I", levels[l], l)
		}
	}
	if incomplete == 0 || levels[""] > len(classes)*45/2 {
		t.Errorf("%d pupils with an incomplete semester I: want some, not most", incomplete)
	}
	if promotions["promoted"] == 0 || retests == 0 {
		t.Errorf("promotions %v, pupils with re-tests %d", promotions, retests)
	}
}
