package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sdgdt/internal/store/storetest"
)

// TestHomeroomBrowser: the homeroom teacher of 9A3 signs in through the form,
// goes from the navigation to his class, opens the results of the year, sees
// the levels, opens a "vì sao", and reaches the year-end lists.
// SDGDT_SCREENSHOTS=DIR saves screenshots of the pages there.
func TestHomeroomBrowser(t *testing.T) {
	exe := btChromium(t)
	e := newEnv(t, storetest.OpenSQLite(t))
	f := e.hrFixture()
	ctx := btBrowser(t, exe)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	err := chromedp.Do(tctx,
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), f.homeroom),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demoPassword),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.mainnav`)),
		chromedp.Click(chromedp.CSS(`nav.mainnav a[href="/classes/`+id(f.class)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.book-tabs`)),
		chromedp.Click(chromedp.CSS(`nav.book-tabs a[href$="/results"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.res-list`)),
		chromedp.Click(chromedp.CSS(`nav.seg a[href$="term=year"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.res-list.year`)),
	)
	if err != nil {
		t.Fatalf("sign in and open the results: %v", err)
	}
	summary := btEval[string](t, tctx, `document.querySelector(".lv-summary").innerText`)
	for _, want := range []string{"KẾT QUẢ HỌC TẬP", "Tốt", "Khá", "Chưa đạt", "Hoàn thành chương trình", "Kiểm tra lại", "Học sinh Xuất sắc"} {
		if !strings.Contains(summary, want) {
			t.Errorf("level summary lacks %q:\n%s", want, summary)
		}
	}
	rows := btEval[int](t, tctx, `document.querySelectorAll("details.res-row").length`)
	if rows != len(f.pupils) {
		t.Errorf("%d pupils on the results page, want %d", rows, len(f.pupils))
	}
	levels := btEval[int](t, tctx, `document.querySelectorAll("details.res-row .res-lv .lv:not(.lv-none)").length`)
	if levels < 2*len(f.pupils) {
		t.Errorf("only %d levels shown for %d pupils", levels, len(f.pupils))
	}
	// "Vì sao?": closed at first, opened by a click, it shows each level checked.
	if btEval[bool](t, tctx, `document.querySelector("details.res-row .why").checkVisibility()`) {
		t.Error("the explanation is open before a click")
	}
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`details.res-row summary`)), chromedp.WaitVisible(chromedp.CSS(`details.res-row[open] .why-block`))); err != nil {
		t.Fatalf("open vì sao: %v", err)
	}
	why := btEval[string](t, tctx, `document.querySelector("details.res-row[open] .why").innerText`)
	for _, want := range []string{"Kết quả học tập cả năm", "Mức Tốt", "Mức Khá", "Mức Đạt", "Kết quả rèn luyện cả năm", "Nghỉ không quá 45 buổi"} {
		if !strings.Contains(why, want) {
			t.Errorf("explanation lacks %q:\n%s", want, why)
		}
	}
	shots := os.Getenv("SDGDT_SCREENSHOTS")
	if shots != "" {
		hrShot(t, tctx, filepath.Join(shots, "hr-results-1366.png"), 1366, false)
		hrShot(t, tctx, filepath.Join(shots, "hr-results-390.png"), 390, true)
	}
	// The lists, from the results page's link.
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1366, 900), chromedp.Click(chromedp.CSS(`.lv-summary a[href$="/lists"]`)), chromedp.WaitVisible(chromedp.CSS(`#ds-promoted`))); err != nil {
		t.Fatalf("open the lists: %v", err)
	}
	lists := btEval[string](t, tctx, `document.querySelector("main").innerText`)
	for _, want := range []string{"Danh sách học sinh hoàn thành chương trình trung học cơ sở", "Danh sách học sinh kiểm tra, đánh giá lại trong hè",
		"Danh sách học sinh rèn luyện trong hè", "Danh sách học sinh ở lại lớp", "Danh sách học sinh đề nghị khen thưởng", "Học sinh Xuất sắc"} {
		if !strings.Contains(lists, want) {
			t.Errorf("lists page lacks %q", want)
		}
	}
	promoted := btEval[int](t, tctx, `document.querySelectorAll("#ds-promoted tbody tr").length`)
	retest := btEval[int](t, tctx, `document.querySelectorAll("#ds-retest tbody tr").length`)
	if promoted == 0 || retest == 0 || promoted+retest > len(f.pupils)+retest {
		t.Errorf("lists: %d promoted, %d to re-test", promoted, retest)
	}
	if shots != "" {
		hrShot(t, tctx, filepath.Join(shots, "hr-lists-1366.png"), 1366, false)
	}
	if got := btEval[string](t, tctx, `location.pathname`); got != "/classes/"+id(f.class)+"/lists" {
		t.Errorf("at %s", got)
	}
}

func hrShot(t *testing.T, ctx context.Context, path string, width int64, mobile bool) {
	t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if mobile {
		opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900, opts...), chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
