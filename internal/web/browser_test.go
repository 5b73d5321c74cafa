package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
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

// The grid in a real browser: Debian's Chromium driven by chromedp. Skipped
// when no Chromium is installed. SDGDT_SCREENSHOTS=DIR saves screenshots of
// the grid (desktop and phone) there.

func btChromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skip("no Chromium: /usr/bin/chromium or chromium in PATH")
	return ""
}

// btBrowser starts a fresh headless Chromium and returns a tab's context.
func btBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// btWorld is a server over the demo province and a teacher with an empty
// semester II sheet.
type btWorld struct {
	url      string
	db       *store.DB
	a        *app.App
	teacher  string
	sheetID  int64
	pupils   int
	fields   []string
	hk1Sheet int64
}

func btSetup(t *testing.T) *btWorld {
	t.Helper()
	db := storetest.OpenSQLite(t)
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	a := app.New(db, cfg, nil)
	accts, err := demo.Seed(context.Background(), a, demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(a, slog.New(slog.NewTextHandler(btLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})), web.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	w := &btWorld{url: ts.URL, db: db, a: a}
	// A THCS teacher with a scored subject; his semester II sheet of a class
	// that the demo filled for semester I only is empty.
	for _, ac := range accts {
		if !strings.HasPrefix(ac.Username, "thcsnd.") || (ac.Role != "subject_teacher" && ac.Role != "homeroom") {
			continue
		}
		var p *app.Principal
		err := db.View(context.Background(), func(tx *store.Tx) error {
			u, err := tx.UserByUsername(ac.Username)
			if err != nil {
				return err
			}
			roles, err := tx.RolesOf(u.ID)
			p = &app.Principal{User: u, Roles: roles}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		list, err := a.MyAssignments(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		for _, as := range list {
			if as.Term != "hk2" || as.AssessedBy != "score" || as.ClassName == "9A3" {
				continue
			}
			v, err := a.GetSheet(context.Background(), p, as.SheetID)
			if err != nil {
				t.Fatal(err)
			}
			if v.RegularCount >= 3 && len(v.Rows) >= 30 {
				w.teacher, w.sheetID, w.pupils, w.fields = ac.Username, as.SheetID, len(v.Rows), v.Fields
				for _, o := range list {
					if o.ClassID == as.ClassID && o.Subject == as.Subject && o.Term == "hk1" {
						w.hk1Sheet = o.SheetID
					}
				}
				return w
			}
		}
	}
	t.Fatal("no THCS teacher with an empty scored semester II sheet in the demo")
	return nil
}

type btLog struct{ t *testing.T }

func (l btLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// btLogin signs a browser in through the sign-in form.
func btLogin(t *testing.T, ctx context.Context, w *btWorld) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(w.url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), w.teacher),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demoPassword),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.mainnav`)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
}

func btOpenGrid(t *testing.T, ctx context.Context, w *btWorld, id int64) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(w.url+"/sheets/"+strconv.FormatInt(id, 10)), chromedp.WaitReady(chromedp.CSS(`table.grid[data-ready="1"]`))); err != nil {
		t.Fatalf("open grid: %v", err)
	}
}

// btEval evaluates an expression in the page.
func btEval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// btWaitSaved waits until the grid says everything is saved.
func btWaitSaved(t *testing.T, ctx context.Context) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Poll[bool](`document.getElementById("save-state").className === "pill saved"`, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		st := btEval[string](t, ctx, `document.getElementById("save-state").textContent + " | " + document.getElementById("grid-alert").textContent + " | " +
			Array.from(document.querySelectorAll("#grid td.c.bad")).map(function(td){ return td.parentNode.rowIndex + ":" + td.dataset.f + "=" + td.dataset.raw + " " + td.dataset.err }).join("; ")`)
		t.Fatalf("not saved: %s", st)
	}
}

// cell returns the stored value of a cell (row i, field f) as the page holds it.
func btCell(t *testing.T, ctx context.Context, i int, f string) string {
	t.Helper()
	return btEval[string](t, ctx, `document.querySelectorAll("#grid tbody tr")[`+strconv.Itoa(i)+`].querySelector('td.c[data-f="`+f+`"]').dataset.v || ""`)
}

func btKeys(t *testing.T, ctx context.Context, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(k)); err != nil {
			t.Fatalf("keys %q: %v", k, err)
		}
	}
}

func btClickCell(t *testing.T, ctx context.Context, i int, f string) {
	t.Helper()
	sel := `#grid tbody tr:nth-child(` + strconv.Itoa(i+1) + `) td.c[data-f="` + f + `"]`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

func TestBrowserGrid(t *testing.T) {
	exe := btChromium(t)
	w := btSetup(t)
	ctx := btBrowser(t, exe)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	btLogin(t, tctx, w)
	btOpenGrid(t, tctx, w, w.sheetID)
	n := len(w.fields) - 1 // the last field is the comment
	// Type a whole row with the keyboard: Tab moves right, typing replaces,
	// the Vietnamese decimal comma is accepted.
	btClickCell(t, tctx, 0, "regular[0]")
	typed := []string{"8", "7,5", "9", "6", "7", "8,5"}[6-n:]
	for _, v := range typed {
		btKeys(t, tctx, v, kb.Tab)
	}
	btKeys(t, tctx, "Tiến bộ rõ", kb.Enter)
	// Enter moves down: the next row's comment.
	if got := btEval[string](t, tctx, `document.querySelector("#grid td.c.cur").parentNode.rowIndex + ":" + document.querySelector("#grid td.c.cur").dataset.f`); got != "2:comment" {
		t.Errorf("after Enter the cursor is at %s, want row 2, comment", got)
	}
	// Paste a block of 3 rows × all marks copied from a spreadsheet, at row 2.
	btClickCell(t, tctx, 1, "regular[0]")
	var block []string
	for r := 0; r < 3; r++ {
		var line []string
		for c := 0; c < n; c++ {
			line = append(line, []string{"6", "7", "8,5", "9", "5", "6,5"}[(r+c)%6])
		}
		block = append(block, strings.Join(line, "\t"))
	}
	text, _ := json.Marshal(strings.Join(block, "\r\n") + "\r\n")
	btEval[bool](t, tctx, `(function(){ var dt = new DataTransfer(); dt.setData("text/plain", `+string(text)+`);
		document.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true})); return true; })()`)
	btWaitSaved(t, tctx)
	// Averages appear for the complete rows, computed by the server.
	avg := btEval[string](t, tctx, `document.querySelector("#grid tbody tr td.avg[data-avg=hk]").textContent`)
	if avg == "—" || avg == "" {
		t.Errorf("no semester average for a complete row: %q", avg)
	}
	if got := btEval[string](t, tctx, `document.querySelectorAll("#grid tbody tr")[3].querySelector("td.avg[data-avg=hk]").textContent`); got == "—" {
		t.Errorf("no average for a pasted complete row")
	}
	if got := btEval[string](t, tctx, `document.querySelectorAll("#grid tbody tr")[4].querySelector("td.avg[data-avg=hk]").textContent`); got != "—" {
		t.Errorf("an empty row has an average %q", got)
	}
	// Bad input: 11 is refused at the cell with a Vietnamese message, and is not sent.
	btClickCell(t, tctx, 5, "regular[0]")
	btKeys(t, tctx, "11", kb.Enter)
	msg := btEval[string](t, tctx, `document.querySelectorAll("#grid tbody tr")[5].querySelector('td.c[data-f="regular[0]"]').dataset.err || ""`)
	if !strings.Contains(msg, "từ 0 đến 10") {
		t.Errorf("message for 11: %q", msg)
	}
	// Undo the bad value and fill down the first row's mid-term into rows 2-3.
	btKeys(t, tctx, "\x7f") // Delete
	if os.Getenv("SDGDT_SCREENSHOTS") != "" {
		btClickCell(t, tctx, 2, "midterm")
		btScreens(t, ctx, w)
	}
	// Reload: everything is there.
	btOpenGrid(t, tctx, w, w.sheetID)
	if got := btCell(t, tctx, 0, "regular[1]"); got != "7.5" && n == 6 {
		t.Errorf("after reload row 1 regular[1] = %q, want 7.5", got)
	}
	if got := btCell(t, tctx, 0, "comment"); got != "Tiến bộ rõ" {
		t.Errorf("after reload the comment is %q", got)
	}
	if got := btCell(t, tctx, 3, "regular[0]"); got != "8.5" {
		t.Errorf("after reload a pasted cell is %q, want 8.5", got)
	}
	if got := btCell(t, tctx, 5, "regular[0]"); got != "" {
		t.Errorf("the refused value was stored: %q", got)
	}

	// A second browser changes the same cell; the first, still at its old
	// version, sees the conflict and loses nothing silently.
	ctx2 := btBrowser(t, exe)
	t2, cancel2 := context.WithTimeout(ctx2, 60*time.Second)
	defer cancel2()
	btLogin(t, t2, w)
	btOpenGrid(t, t2, w, w.sheetID)
	btClickCell(t, t2, 0, "midterm")
	btKeys(t, t2, "5", kb.Enter)
	btWaitSaved(t, t2)
	btClickCell(t, tctx, 0, "midterm")
	btKeys(t, tctx, "6", kb.Enter)
	c, cancel3 := context.WithTimeout(tctx, 15*time.Second)
	defer cancel3()
	if _, err := chromedp.Run(c, chromedp.Poll[bool](`!!document.querySelector("#grid td.c.conflict")`)); err != nil {
		t.Fatalf("the first browser shows no conflict: %v", err)
	}
	alert := btEval[string](t, tctx, `document.getElementById("grid-alert").textContent`)
	if !strings.Contains(alert, "nơi khác") {
		t.Errorf("conflict alert: %q", alert)
	}
	if got := btCell(t, tctx, 0, "midterm"); got != "5" {
		t.Errorf("the conflicting cell shows %q, want the other browser's 5", got)
	}
	tip := btEval[string](t, tctx, `document.querySelector("#grid td.c.conflict").dataset.conflict`)
	if !strings.Contains(tip, "“6”") {
		t.Errorf("the cell does not keep the lost value visible: %q", tip)
	}
}

// btScreens saves screenshots of the grid at desktop and phone widths.
func btScreens(t *testing.T, ctx context.Context, w *btWorld) {
	dir := os.Getenv("SDGDT_SCREENSHOTS")
	shot := func(name string, width, height int64, mobile bool) {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		if mobile {
			opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...), chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	shot("grid-desktop.png", 1366, 900, false)
	shot("grid-phone.png", 390, 844, true)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	if w.hk1Sheet != 0 {
		btOpenGrid(t, ctx, w, w.hk1Sheet)
		shot("grid-hk1.png", 1366, 900, false)
		btOpenGrid(t, ctx, w, w.sheetID)
	}
}

// TestBrowserGridStates checks that the grid says what happened: an invalid
// value survives a reload, marked, instead of vanishing; a paste with some
// invalid cells says the valid ones were saved; a locked grid says it is
// locked and answers typing with the reason.
func TestBrowserGridStates(t *testing.T) {
	exe := btChromium(t)
	w := btSetup(t)
	ctx := btBrowser(t, exe)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	btLogin(t, tctx, w)
	btOpenGrid(t, tctx, w, w.sheetID)
	state := func() string { return btEval[string](t, tctx, `document.getElementById("save-state").textContent`) }
	alert := func() string {
		return btEval[string](t, tctx, `document.getElementById("grid-alert").hidden ? "" : document.getElementById("grid-alert").textContent`)
	}

	// A paste of a valid and an invalid mark: the valid one is saved, and the
	// status says so along with the one left.
	btClickCell(t, tctx, 0, "regular[0]")
	btEval[bool](t, tctx, `(window.__gridPaste("7\t12"), true)`)
	c, cancel2 := context.WithTimeout(tctx, 15*time.Second)
	defer cancel2()
	if _, err := chromedp.Run(c, chromedp.Poll[bool](`document.getElementById("save-state").textContent.indexOf("Đã lưu các ô hợp lệ") >= 0`, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("after a paste with an invalid cell the status reads %q", state())
	}
	if !strings.Contains(state(), "1 ô chưa hợp lệ") {
		t.Errorf("status %q does not count the invalid cell", state())
	}
	// Reload: the invalid value is back, marked, with a word about it.
	btOpenGrid(t, tctx, w, w.sheetID)
	bad := btEval[string](t, tctx, `(function(){ var td = document.querySelectorAll("#grid tbody tr")[0].querySelector('td.c[data-f="regular[1]"]'); return td.classList.contains("bad") + " " + (td.dataset.raw || ""); })()`)
	if bad != "true 12" {
		t.Errorf("after reload the invalid cell is %q, want it back and marked", bad)
	}
	if a := alert(); !strings.Contains(a, "chưa hợp lệ") {
		t.Errorf("after reload the alert is %q", a)
	}
	if got := btCell(t, tctx, 0, "regular[0]"); got != "7" {
		t.Errorf("the valid pasted mark is %q after reload, want 7", got)
	}

	// Locked: the status says so and typing answers with the reason.
	if _, err := w.a.SetLock(context.Background(), app.System("test"), app.LockInput{SheetID: w.sheetID, Reason: "Kiểm tra của Phòng"}); err != nil {
		t.Fatal(err)
	}
	if v, err := w.a.GetSheet(context.Background(), app.System("test"), w.sheetID); err != nil || !v.Locked {
		t.Fatalf("the sheet is not locked: %v %v", v.Locked, err)
	}
	btOpenGrid(t, tctx, w, w.sheetID)
	if s := state(); !strings.Contains(s, "Đã khóa") {
		t.Errorf("a locked grid's status reads %q", s)
	}
	btClickCell(t, tctx, 2, "regular[0]")
	btKeys(t, tctx, "5")
	if a := alert(); !strings.Contains(a, "đang khóa") {
		t.Errorf("typing on a locked grid: alert %q", a)
	}
	if got := btCell(t, tctx, 2, "regular[0]"); got != "" {
		t.Errorf("typing on a locked grid changed a cell: %q", got)
	}
}
