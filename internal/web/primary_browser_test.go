package web_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sdgdt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
	"sdgdt/internal/web"
)

// The primary book in a real browser: a subject teacher types levels and test
// scores, the homeroom teacher fills the qualities and competencies and reads
// the Bảng tổng hợp, for a grade 2 and a grade 5 class of the demo school.

type pbWorld struct {
	url     string
	db      *store.DB
	classes map[string]sdgdt.Class
	teacher map[string]string // "2A.toan" → username of the assigned teacher; "2A.hr" → homeroom
}

func pbSetup(t *testing.T) *pbWorld {
	t.Helper()
	db := storetest.OpenSQLite(t)
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	a := app.New(db, cfg, nil)
	if _, err := demo.Seed(context.Background(), a, demoPassword); err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(a, slog.New(slog.NewTextHandler(btLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})), web.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	w := &pbWorld{url: ts.URL, db: db, classes: map[string]sdgdt.Class{}, teacher: map[string]string{}}
	err = db.View(context.Background(), func(tx *store.Tx) error {
		id, err := tx.SchoolIDByCode("TH-LVT")
		if err != nil {
			return err
		}
		ys, err := tx.SchoolYears()
		if err != nil {
			return err
		}
		for _, y := range ys {
			if !y.Current {
				continue
			}
			cs, err := tx.ClassesOf(id, y.ID)
			if err != nil {
				return err
			}
			for _, c := range cs {
				w.classes[c.Name] = c
				u, err := tx.User(c.HomeroomID)
				if err != nil {
					return err
				}
				w.teacher[c.Name+".hr"] = u.Username
				as, err := tx.AssignmentsOfClass(c.ID)
				if err != nil {
					return err
				}
				for _, x := range as {
					u, err := tx.User(x.TeacherID)
					if err != nil {
						return err
					}
					w.teacher[c.Name+"."+x.Subject] = u.Username
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *pbWorld) sheet(t *testing.T, class, subject, term string) int64 {
	t.Helper()
	var id int64
	err := w.db.View(context.Background(), func(tx *store.Tx) error {
		sh, err := tx.SheetFor(w.classes[class].ID, subject, term)
		id = sh.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func pbLogin(t *testing.T, ctx context.Context, url, user string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demoPassword),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.mainnav`)),
	)
	if err != nil {
		t.Fatalf("sign in %s: %v", user, err)
	}
}

func pbOpen(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`table.grid[data-ready="1"]`))); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// pbType types a row of values from a cell, Tab after each.
func pbType(t *testing.T, ctx context.Context, row int, field string, values ...string) {
	t.Helper()
	btClickCell(t, ctx, row, field)
	for _, v := range values {
		btKeys(t, ctx, v, kb.Tab)
	}
}

func TestBrowserPrimaryBook(t *testing.T) {
	exe := btChromium(t)
	w := pbSetup(t)
	for _, class := range []string{"2A", "5A"} {
		t.Run(class, func(t *testing.T) {
			ctx := btBrowser(t, exe)
			tctx, cancel := context.WithTimeout(ctx, 120*time.Second)
			defer cancel()
			// The subject teacher of Toán (the homeroom teacher in primary)
			// enters the end of the year: level and test with the keyboard.
			user := w.teacher[class+".toan"]
			pbLogin(t, tctx, w.url, user)
			cn := w.sheet(t, class, "toan", "cn")
			pbOpen(t, tctx, w.url+"/sheets/"+strconv.FormatInt(cn, 10))
			pbType(t, tctx, 0, "level", "t", "9")
			btKeys(t, tctx, "Tiến bộ rõ")
			btKeys(t, tctx, kb.Enter)
			pbType(t, tctx, 1, "level", "h", "7")
			// Bad input stays in the cell with a message and is not sent.
			btClickCell(t, tctx, 2, "test")
			btKeys(t, tctx, "7,5", kb.Enter)
			msg := btEval[string](t, tctx, `document.querySelectorAll("#grid tbody tr")[2].querySelector('td.c[data-f="test"]').dataset.err || ""`)
			if !strings.Contains(msg, "số nguyên") {
				t.Errorf("message for 7,5: %q", msg)
			}
			btClickCell(t, tctx, 3, "level")
			btKeys(t, tctx, "x", kb.Enter)
			if m := btEval[string](t, tctx, `document.querySelectorAll("#grid tbody tr")[3].querySelector('td.c[data-f="level"]').dataset.err || ""`); !strings.Contains(m, "Hoàn thành tốt") {
				t.Errorf("message for level x: %q", m)
			}
			btWaitSavedOrInvalid(t, tctx)
			pbOpen(t, tctx, w.url+"/sheets/"+strconv.FormatInt(cn, 10))
			if got := btCell(t, tctx, 0, "level") + "/" + btCell(t, tctx, 0, "test") + "/" + btCell(t, tctx, 0, "comment"); got != "T/9/Tiến bộ rõ" {
				t.Errorf("row 1 after reload: %q", got)
			}
			if got := btCell(t, tctx, 1, "level") + "/" + btCell(t, tctx, 1, "test"); got != "H/7" {
				t.Errorf("row 2 after reload: %q", got)
			}
			if got := btCell(t, tctx, 2, "test"); got != "" {
				t.Errorf("the refused 7,5 was stored as %q", got)
			}
			// Mid-semester II: a test column only in grade 5.
			gk2 := w.sheet(t, class, "toan", "gk2")
			pbOpen(t, tctx, w.url+"/sheets/"+strconv.FormatInt(gk2, 10))
			hasTest := btEval[bool](t, tctx, `!!document.querySelector('#grid th[data-f="test"]')`)
			if hasTest != (class == "5A") {
				t.Errorf("class %s mid-semester II test column: %v", class, hasTest)
			}

			// The homeroom teacher: qualities and competencies, then the summary.
			hr := w.teacher[class+".hr"]
			if hr != user {
				ctx2 := btBrowser(t, exe)
				tctx, cancel = context.WithTimeout(ctx2, 120*time.Second)
				defer cancel()
				pbLogin(t, tctx, w.url, hr)
			}
			id := strconv.FormatInt(w.classes[class].ID, 10)
			pbOpen(t, tctx, w.url+"/classes/"+id+"/qualities?point=gk2")
			pbType(t, tctx, 0, "c.tu_chu_tu_hoc", "t", "d", "t")
			btClickCell(t, tctx, 0, "q.yeu_nuoc")
			btKeys(t, tctx, "đ", kb.Tab, "t", kb.Tab, "h", kb.Enter)
			if m := btEval[string](t, tctx, `document.querySelectorAll("#grid tbody tr")[0].querySelector('td.c[data-f="q.cham_chi"]').dataset.err || ""`); !strings.Contains(m, "Cần cố gắng") {
				t.Errorf("message for a quality H: %q", m)
			}
			btWaitSavedOrInvalid(t, tctx)
			if err := chromedp.Do(tctx, chromedp.Navigate(w.url+"/classes/"+id+"/summary?point=gk2"), chromedp.WaitVisible(chromedp.CSS(`#p-sum`))); err != nil {
				t.Fatal(err)
			}
			first := btEval[string](t, tctx, `Array.from(document.querySelectorAll("#p-sum tbody tr:first-child td.lv")).map(function(td){return td.textContent}).join("")`)
			if !strings.Contains(first, "TĐT") || !strings.Contains(first, "ĐT") {
				t.Errorf("the summary's first row does not show the typed levels: %q", first)
			}
			if err := chromedp.Do(tctx, chromedp.Navigate(w.url+"/classes/"+id+"/summary?point=cn"), chromedp.WaitVisible(chromedp.CSS(`#p-sum`))); err != nil {
				t.Fatal(err)
			}
			if got := btEval[string](t, tctx, `document.querySelector("#p-sum tbody tr:first-child").textContent`); !strings.Contains(got, "T") {
				t.Errorf("the year-end summary does not show Toán T: %q", got)
			}
		})
	}
}

// btWaitSavedOrInvalid waits until nothing is pending (cells left invalid on
// purpose are not sent).
func btWaitSavedOrInvalid(t *testing.T, ctx context.Context) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Poll[bool](`(function(){ var s = window.__gridState(); return s.pending === 0 && !s.inflight && !/error|saving/.test(s.state); })()`,
		chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("not saved: %s", btEval[string](t, ctx, `document.getElementById("save-state").textContent + " | " + document.getElementById("grid-alert").textContent`))
	}
}
