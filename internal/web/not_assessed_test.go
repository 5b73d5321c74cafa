package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestNotAssessedPages: the principal records, on the page and by the API,
// that a pupil is not assessed in a subject; the class's pages and book say
// "Không đánh giá"; others are refused.
func TestNotAssessedPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var class sdgdt.Class
		var pupil sdgdt.Pupil
		var homeroom string
		if err := e.db.View(e.ctx, func(tx *store.Tx) error {
			y, err := tx.CurrentYear()
			if err != nil {
				return err
			}
			cs, err := tx.ClassesOf(e.schools["THCS-ND"], y.ID)
			if err != nil {
				return err
			}
			class = cs[0]
			roster, err := tx.ClassRoster(class.ID, false)
			if err != nil {
				return err
			}
			pupil = roster[0].Pupil
			u, err := tx.User(class.HomeroomID)
			homeroom = u.Username
			return err
		}); err != nil {
			t.Fatal(err)
		}
		cid, pid := fmt.Sprint(class.ID), fmt.Sprint(pupil.ID)
		api := "/api/v1/classes/" + cid + "/not-assessed"
		body := map[string]any{"pupil_id": pid, "subject": "nghe_thuat", "not_assessed": true, "reason": "Học sinh khuyết tật, kế hoạch giáo dục cá nhân"}
		if r := e.apiCall(e.token(homeroom), "POST", api, body); r.status != http.StatusForbidden {
			t.Errorf("homeroom teacher decides: %d %s", r.status, r.body)
		}
		if r := e.apiCall(e.token("thcsnd.lanhdao"), "POST", api, map[string]any{"pupil_id": pid, "subject": "khong_co", "not_assessed": true, "reason": "x"}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown subject: %d %s", r.status, r.body)
		}
		r := e.apiCall(e.token("thcsnd.lanhdao"), "POST", api, body)
		if r.status != http.StatusOK || !strings.Contains(r.body, `"subject":"nghe_thuat"`) {
			t.Fatalf("decision by the principal: %d %s", r.status, r.body)
		}
		// The page lists it for the homeroom teacher, without the form.
		pg := e.as(homeroom).get("/classes/" + cid + "/not-assessed")
		if pg.status != http.StatusOK || !strings.Contains(pg.body, pupil.FullName()) || !strings.Contains(pg.body, "kế hoạch giáo dục cá nhân") || strings.Contains(pg.body, "Ghi quyết định") {
			t.Errorf("page for the homeroom teacher: %d", pg.status)
		}
		// The book says so, and the results no longer miss the subject.
		if b := e.as("thcsnd.lanhdao").get("/classes/" + cid + "/book"); !strings.Contains(b.body, "Không đánh giá (quyết định của Hiệu trưởng)") || !strings.Contains(b.body, "KĐG") {
			t.Errorf("book page: %d lacks the note", b.status)
		}
		// The principal withdraws it from the page.
		lp := e.as("thcsnd.lanhdao")
		if f := lp.get("/classes/" + cid + "/not-assessed"); !strings.Contains(f.body, "Ghi quyết định") {
			t.Errorf("the principal's page lacks the form")
		}
		if w := lp.post("/classes/"+cid+"/not-assessed", url.Values{"action": {"withdraw"}, "pupil_id": {pid}, "subject": {"nghe_thuat"}}); w.status >= 400 {
			t.Fatalf("withdraw: %d", w.status)
		}
		if r := e.apiCall(e.token("thcsnd.lanhdao"), "GET", api, nil); r.status != http.StatusOK || r.body != "[]" && !strings.HasPrefix(strings.TrimSpace(r.body), "[]") {
			t.Errorf("after withdrawal: %d %s", r.status, r.body)
		}
	})
}
