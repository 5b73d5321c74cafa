package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"sdgdt/internal/demo"
)

// TestBrowserSignSheet signs a sheet in a real browser and sees the grid's
// badge turn void after a change typed in the grid.
func TestBrowserSignSheet(t *testing.T) {
	exe := btChromium(t)
	w := btSetup(t)
	ctx := btBrowser(t, exe)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	btLogin(t, tctx, w)
	id := strconv.FormatInt(w.sheetID, 10)
	btOpenGrid(t, tctx, w, w.sheetID)
	badge := func() string {
		return btEval[string](t, tctx, `(document.querySelector(".notice[role=status] a[href^='/signing/sheet/']") || {parentNode: {textContent: ""}}).parentNode.textContent`)
	}
	if b := badge(); !strings.Contains(b, "Chưa ký") {
		t.Fatalf("badge before signing: %q", b)
	}
	err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`a[href="/signing/sheet/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="pin"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="pin"]`), demo.DemoSignPIN),
		chromedp.Click(chromedp.CSS(`form button.primary[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash, [role=status]`)),
	)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	if body := btEval[string](t, tctx, `document.body.textContent`); !strings.Contains(body, "Đã ký số.") || !strings.Contains(body, "Hợp lệ") {
		t.Fatalf("signing page after signing: %s", body)
	}
	btOpenGrid(t, tctx, w, w.sheetID)
	if b := badge(); !strings.Contains(b, "Đã ký") {
		t.Fatalf("badge after signing: %q", b)
	}
	btClickCell(t, tctx, 0, "regular[0]")
	btKeys(t, tctx, "7", kb.Enter)
	btWaitSaved(t, tctx)
	btOpenGrid(t, tctx, w, w.sheetID)
	if b := badge(); !strings.Contains(b, "Mất hiệu lực") || !strings.Contains(b, "1 ô thay đổi") {
		t.Fatalf("badge after a change: %q", b)
	}
}
