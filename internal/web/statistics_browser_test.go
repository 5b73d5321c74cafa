package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sdgdt/internal/store/storetest"
)

// TestStatisticsBrowser: the Sở's dashboard in Chromium — charts drawn, the
// table sorted by a click, a drill-down from the Sở to an office, a school
// and a class. SDGDT_SCREENSHOTS=DIR saves the dashboard at desktop and
// phone widths.
func TestStatisticsBrowser(t *testing.T) {
	exe := btChromium(t)
	e := newEnv(t, storetest.OpenSQLite(t))
	ctx := btBrowser(t, exe)
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "so.bqt"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demoPassword),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main`)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if e.accts["so.bqt"].TOTPSecret != nil {
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`input[name="otp"]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name="otp"]`), e.totp("so.bqt")),
			chromedp.Click(chromedp.CSS(`form button[type="submit"]`))); err != nil {
			t.Fatalf("second factor: %v", err)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`nav.mainnav`)),
		chromedp.Navigate(fmt.Sprintf("%s/units/%d/statistics", e.srv.URL, e.units["SGDDT-DL"])),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart`)),
	)
	if err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	if n := btEval[int](t, ctx, `document.querySelectorAll("table.stats-table tbody tr").length`); n != 3 {
		t.Errorf("%d rows in the Sở's table, want 3", n)
	}
	if n := btEval[int](t, ctx, `document.querySelectorAll("svg.chart rect").length`); n < 10 {
		t.Errorf("only %d shapes in the charts", n)
	}
	if dir := os.Getenv("SDGDT_SCREENSHOTS"); dir != "" {
		for _, s := range []struct {
			name          string
			width, height int64
			mobile        bool
		}{{"stats-desktop.png", 1366, 1800, false}, {"stats-phone.png", 390, 1600, true}} {
			opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
			if s.mobile {
				opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.width, s.height, opts...), chromedp.Sleep(300*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, s.name), b, 0o644)
		}
		chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900))
	}
	// Sort by pupils (a click on the heading), then drill down.
	first := func() string {
		return btEval[string](t, ctx, `document.querySelector("table.stats-table tbody tr td a").textContent`)
	}
	before := first()
	if err := chromedp.Do(ctx, chromedp.Click(`//table[contains(@class,"stats-table")]//th//a[text()="Học sinh"]`),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart`))); err != nil {
		t.Fatal(err)
	}
	desc := first()
	if err := chromedp.Do(ctx, chromedp.Click(`//table[contains(@class,"stats-table")]//th//a[text()="Học sinh"]`),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart`))); err != nil {
		t.Fatal(err)
	}
	if asc := first(); asc == desc {
		t.Errorf("sorting by pupils both ways puts %q first (before: %q)", asc, before)
	}
	for _, step := range []string{"thành phố Buôn Ma Thuột", "Trường THCS Nguyễn Du"} {
		if err := chromedp.Do(ctx, chromedp.Click(fmt.Sprintf(`//table[contains(@class,"stats-table")]//td/a[contains(text(),%q)]`, step)),
			chromedp.WaitVisible(chromedp.CSS(`h1`))); err != nil {
			t.Fatalf("drill down to %s: %v", step, err)
		}
		if h := btEval[string](t, ctx, `document.querySelector("h1").textContent`); !strings.Contains(h, step) {
			t.Fatalf("after clicking %s the page is %q", step, h)
		}
	}
	if n := btEval[int](t, ctx, `document.querySelectorAll("table.stats-table tbody a[href^='/classes/']").length`); n == 0 {
		t.Error("the school's classes are not linked")
	}
	if dir := os.Getenv("SDGDT_SCREENSHOTS"); dir != "" {
		shoot := func(name string) {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 2400, chromedp.EmulateScale(1)), chromedp.Sleep(300*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, name), b, 0o644)
		}
		shoot("stats-school.png")
		if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/schools/%d/statistics?term=hk1", e.srv.URL, e.schools["TH-LVT"])), chromedp.WaitVisible(chromedp.CSS(`h1`))); err != nil {
			t.Fatal(err)
		}
		shoot("stats-primary.png")
	}
}

// TestTeacherHomeBrowser: a subject teacher's home page in Chromium lists his
// sheets with how complete each is and opens one in the grid.
func TestTeacherHomeBrowser(t *testing.T) {
	exe := btChromium(t)
	e := newEnv(t, storetest.OpenSQLite(t))
	var teacher string
	for u, a := range e.accts {
		if a.Role == "subject_teacher" && strings.HasPrefix(u, "thcsnd.") && a.TOTPSecret == nil {
			teacher = u
			break
		}
	}
	if teacher == "" {
		t.Fatal("no THCS subject teacher in the demo")
	}
	ctx := btBrowser(t, exe)
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), teacher),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demoPassword),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.mainnav`)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if h := btEval[string](t, ctx, `document.querySelector("main").textContent`); !strings.Contains(h, "Bảng điểm của tôi") || strings.Contains(h, "Thống kê") {
		t.Fatalf("the teacher's home: %.400s", h)
	}
	if n := btEval[int](t, ctx, `document.querySelectorAll("main a[href^='/sheets/']").length`); n == 0 {
		t.Fatal("no sheet linked from the teacher's home")
	}
	if dir := os.Getenv("SDGDT_SCREENSHOTS"); dir != "" {
		if b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			os.WriteFile(filepath.Join(dir, "home-teacher.png"), b, 0o644)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`main a[href^='/sheets/']`)), chromedp.WaitReady(chromedp.CSS(`table.grid[data-ready="1"]`))); err != nil {
		t.Fatalf("open a sheet from the home page: %v", err)
	}
}
