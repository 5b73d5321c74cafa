package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store/storetest"
)

const recChromium = "/usr/bin/chromium"

// browser starts a headless Chromium for a test.
func recBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(recChromium); err != nil {
		t.Skip("Chromium is not installed")
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(recChromium), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 900)}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel3)
	return ctx
}

// signInBrowser gives the browser the session of a demo account signed in
// through the forms (second factor included).
func (e *env) signInBrowser(ctx context.Context, username string) error {
	c := e.login(username, demoPassword)
	u, _ := url.Parse(e.srv.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		httpOnly := true
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: e.srv.URL, HTTPOnly: &httpOnly}); err != nil {
			return err
		}
	}
	return nil
}

// TestRecordsImportBrowser is the import flow as a school administrator goes
// through it in Chromium: a file with errors is refused with every error listed
// and nothing imported; the corrected file imports and the pupils appear on
// their class list.
func TestRecordsImportBrowser(t *testing.T) {
	if _, err := os.Stat(recChromium); err != nil {
		t.Skip("Chromium is not installed")
	}
	db := storetest.OpenSQLite(t)
	e := newEnv(t, db)
	f := e.recordsFixture()
	ctx := recBrowser(t, 60*time.Second)
	if err := e.signInBrowser(ctx, "thcsnd.quantri"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "hoc-sinh-loi.xlsx"), filepath.Join(dir, "hoc-sinh.xlsx")
	row := func(n int, name, dob, sex, number string) []any {
		return []any{n, name, dob, sex, "Kinh", "Buôn Ma Thuột", "Đắk Lắk", "5 Y Jút, Buôn Ma Thuột", "", "", "Nguyễn Văn Phụ", "0912000111", number, "", "7A2"}
	}
	os.WriteFile(bad, pupilSheet(t, [][]any{row(1, "Trương Thị Ngân", "30/02/2013", "Nữ", "001313000201"), row(2, "Lâm Văn Ơn", "11/11/2013", "Nam", "0012")}), 0o600)
	os.WriteFile(good, pupilSheet(t, [][]any{row(1, "Trương Thị Ngân", "28/02/2013", "Nữ", "001313000201"), row(2, "Lâm Văn Ơn", "11/11/2013", "Nam", "001213000202")}), 0o600)
	n0 := len(e.pupilsOf(f.classes["7A2"]))
	importURL := e.srv.URL + "/schools/" + id(f.school) + "/import"
	err := chromedp.Do(ctx,
		chromedp.Navigate(importURL),
		chromedp.WaitVisible(chromedp.CSS(`#file-pupils`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#file-pupils`), []string{bad}),
		chromedp.Click(chromedp.CSS(`#pupils button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.report`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	report, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.report`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"có 2 lỗi — chưa nhập dữ liệu nào", "Ngày sinh không hợp lệ", "Số định danh cá nhân gồm đúng 12 chữ số"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if n := len(e.pupilsOf(f.classes["7A2"])); n != n0 {
		t.Fatalf("the file with errors imported %d pupils", n-n0)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#file-pupils`), []string{good}),
		chromedp.Click(chromedp.CSS(`#pupils button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)),
		chromedp.Navigate(e.srv.URL+"/classes/"+id(f.classes["7A2"])),
		chromedp.WaitVisible(chromedp.CSS(`.class-list`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	list, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.class-list`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Trương Thị Ngân", "Lâm Văn Ơn"} {
		if !strings.Contains(list, want) {
			t.Errorf("class list lacks %s", want)
		}
	}
	if n := len(e.pupilsOf(f.classes["7A2"])); n != n0+2 {
		t.Errorf("7A2 has %d pupils, want %d", n, n0+2)
	}
}

// TestRecordsScreenshots saves screenshots of the records pages (desktop and
// phone) under SDGDT_SHOTS, for looking at them: SDGDT_SHOTS=/tmp/shots go
// test -run TestRecordsScreenshots ./internal/web/.
func TestRecordsScreenshots(t *testing.T) {
	out := os.Getenv("SDGDT_SHOTS")
	if out == "" {
		t.Skip("SDGDT_SHOTS is not set")
	}
	os.MkdirAll(out, 0o755)
	db := storetest.OpenSQLite(t)
	e := newEnv(t, db)
	f := e.recordsFixture()
	// Some absences and an import with errors, so that the pages have content.
	hr := e.as(f.homeroom)
	roster := e.pupilsOf(f.classes["8A1"])
	form := url.Values{"date": {"02/11/2026"}}
	for i, r := range roster {
		k := id(r.Pupil.ID)
		form.Set("p_"+k, "1")
		if i%7 == 2 {
			form.Set("s_"+k, "on")
			form.Set("e_"+k, "on")
			form.Set("r_"+k, "Ốm, phụ huynh xin phép")
		}
		if i%11 == 4 {
			form.Set("c_"+k, "on")
		}
	}
	if r := hr.post("/classes/"+id(f.classes["8A1"])+"/absences", form); r.status != http.StatusSeeOther {
		t.Fatalf("absences: %d", r.status)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }
	if _, err := e.a.CreateSchoolYear(e.ctx, app.System("test"), sdgdt.SchoolYear{Name: "2027-2028", StartsOn: day(2027, 9, 5), GK1On: day(2027, 11, 1),
		CK1On: day(2028, 1, 3), HK1EndsOn: day(2028, 1, 15), HK2Starts: day(2028, 1, 17), GK2On: day(2028, 3, 20), CNOn: day(2028, 5, 8), EndsOn: day(2028, 5, 31)}); err != nil {
		t.Fatal(err)
	}
	shots := []struct {
		as, name, path string
		upload         bool
	}{
		{f.homeroom, "class-list", "/classes/" + id(f.classes["8A1"]), false},
		{f.homeroom, "absences", "/classes/" + id(f.classes["8A1"]) + "/absences?date=02/11/2026", false},
		{f.homeroom, "pupil", "/pupils/" + id(roster[2].Pupil.ID), false},
		{f.homeroom, "month", "/classes/" + id(f.classes["8A1"]) + "/months/2026-11", false},
		{"thcsnd.quantri", "classes", "/schools/" + id(f.school) + "/classes", false},
		{"thcsnd.quantri", "assignments", "/schools/" + id(f.school) + "/assignments?grade=8", false},
		{"thcsnd.quantri", "staff", "/schools/" + id(f.school) + "/staff", false},
		{"thcsnd.quantri", "import-report", "/schools/" + id(f.school) + "/import", true},
		{"thcsnd.quantri", "rollover", "/schools/" + id(f.school) + "/rollover", false},
		{"thcsnd.quantri", "school-accounts", "/schools/" + id(f.school), false},
	}
	bad := filepath.Join(t.TempDir(), "hoc-sinh.xlsx")
	row := func(n int, name, dob, sex, number, class string) []any {
		return []any{n, name, dob, sex, "Kinh", "Buôn Ma Thuột", "Đắk Lắk", "5 Y Jút, Buôn Ma Thuột", "", "", "Nguyễn Văn Phụ", "0912000111", number, "", class}
	}
	os.WriteFile(bad, pupilSheet(t, [][]any{row(1, "Trương Thị Ngân", "30/02/2013", "Nữ", "001313000201", "7A2"), row(2, "Lâm Văn Ơn", "11/11/2013", "Nam", "0012", "7A2"),
		row(3, "Hồ Thị Phương", "01/05/2013", "Nữ", "001313000203", "7A9"), row(4, "Đinh Văn Quang", "", "Nam", "001313000203", "7A1")}), 0o600)
	sessions := map[string]context.Context{}
	for _, sh := range shots {
		ctx, ok := sessions[sh.as]
		if !ok {
			ctx = recBrowser(t, 120*time.Second)
			if err := e.signInBrowser(ctx, sh.as); err != nil {
				t.Fatal(err)
			}
			sessions[sh.as] = ctx
		}
		for _, w := range []int64{1366, 390} {
			vp := chromedp.EmulateViewport(w, 900)
			if w < 500 {
				vp = chromedp.EmulateViewport(w, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))
			}
			acts := []chromedp.Action[chromedp.Void]{vp, chromedp.Navigate(e.srv.URL + sh.path), chromedp.WaitReady(chromedp.CSS("body"))}
			if sh.upload {
				acts = append(acts, chromedp.SetUploadFiles(chromedp.CSS(`#file-pupils`), []string{bad}), chromedp.Click(chromedp.CSS(`#pupils button[type=submit]`)),
					chromedp.WaitVisible(chromedp.CSS(`.report`)))
			}
			if err := chromedp.Do(ctx, acts...); err != nil {
				t.Fatalf("%s: %v", sh.name, err)
			}
			// Nothing but a table's own scroller may be wider than a phone:
			// the page itself never scrolls sideways.
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const w = document.documentElement.clientWidth; const out = [];
				const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) { if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true; } return false; };
				for (const el of document.querySelectorAll("body *")) { if (scrolls(el)) continue;
				  const r = el.getBoundingClientRect(); if (r.right > w + 1) out.push(el.tagName + "." + el.className + " " + Math.round(r.right)); }
				return out.slice(0, 5).join(" | "); })()`))
			if err == nil && wide != "" {
				t.Errorf("%s at %d px: wider than the screen: %s", sh.name, w, wide)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("%s: %v", sh.name, err)
			}
			name := filepath.Join(out, sh.name+"-"+map[bool]string{true: "phone", false: "desktop"}[w < 500]+".png")
			os.WriteFile(name, png, 0o644)
		}
	}
}
