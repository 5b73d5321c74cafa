package web_test

import (
	"encoding/json"
	"net/http"
	"sdgdt"
	"strconv"
	"strings"
	"testing"

	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// primaryClassIDs returns the demo primary school's classes by name.
func (e *env) primaryClassIDs() map[string]sdgdt.Class {
	e.t.Helper()
	out := map[string]sdgdt.Class{}
	err := e.db.View(e.ctx, func(tx *store.Tx) error {
		ys, err := tx.SchoolYears()
		if err != nil {
			return err
		}
		for _, y := range ys {
			if !y.Current {
				continue
			}
			cs, err := tx.ClassesOf(e.schools["TH-LVT"], y.ID)
			for _, c := range cs {
				out[c.Name] = c
			}
			return err
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// homeroomOf returns the demo account of a class's homeroom teacher.
func (e *env) homeroomOf(c sdgdt.Class) string {
	e.t.Helper()
	var name string
	err := e.db.View(e.ctx, func(tx *store.Tx) error {
		u, err := tx.User(c.HomeroomID)
		name = u.Username
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return name
}

func (e *env) sheetOf(c sdgdt.Class, subject, term string) int64 {
	e.t.Helper()
	var id int64
	err := e.db.View(e.ctx, func(tx *store.Tx) error {
		sh, err := tx.SheetFor(c.ID, subject, term)
		id = sh.ID
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestPrimaryBookWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		classes := e.primaryClassIDs()
		c2, c5 := classes["2A"], classes["5A"]
		hr2, hr5 := e.homeroomOf(c2), e.homeroomOf(c5)
		id2, id5 := strconv.FormatInt(c2.ID, 10), strconv.FormatInt(c5.ID, 10)

		// Pages: the Bảng tổng hợp of each point, the qualities grid, the year end.
		b := e.as(hr2)
		for _, point := range []string{"gk1", "ck1", "gk2", "cn"} {
			r := b.get("/classes/" + id2 + "/summary?point=" + point)
			if r.status != http.StatusOK || !pContains(r.body, "Bảng tổng hợp kết quả đánh giá giáo dục", "Năng lực cốt lõi", "Phẩm chất chủ yếu", "Tiếng Việt") {
				t.Fatalf("summary %s: %d\n%.600s", point, r.status, r.body)
			}
			if point == "cn" && !strings.Contains(r.body, "Đánh giá kết quả giáo dục") {
				t.Errorf("year-end summary without the result column")
			}
		}
		if r := b.get("/classes/" + id2 + "/summary?point=hk1"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("a secondary term as a point: %d", r.status)
		}
		r := b.get("/classes/" + id2 + "/qualities?point=gk1")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/sheets/") {
			t.Fatalf("qualities: %d %q", r.status, r.location())
		}
		r = b.get(r.location())
		if r.status != http.StatusOK || !pContains(r.body, "Năng lực chung", "Phẩm chất chủ yếu", `data-t="qlevel"`, `data-kind="primary_pcnl"`, `data-write="1"`) {
			t.Fatalf("qualities grid: %d\n%.800s", r.status, r.body)
		}
		if r := b.get("/classes/" + id2 + "/yearend"); r.status != http.StatusOK || !strings.Contains(r.body, "Cuối năm học") {
			t.Errorf("year end: %d", r.status)
		}
		// A primary subject sheet in the grid: level and test columns.
		r = b.get("/sheets/" + strconv.FormatInt(e.sheetOf(c2, "toan", "ck1"), 10))
		if r.status != http.StatusOK || !pContains(r.body, `data-t="plevel"`, `data-t="ptest"`, "Hoàn thành tốt") {
			t.Errorf("primary grid: %d", r.status)
		}
		// A specialist does not read the class's summary.
		for _, ac := range e.accts {
			if strings.HasPrefix(ac.Username, "thlvt.") && ac.Role == "subject_teacher" {
				if r := e.as(ac.Username).get("/classes/" + id2 + "/summary?point=gk1"); r.status != http.StatusForbidden {
					t.Errorf("specialist %s reads the summary: %d", ac.Username, r.status)
				}
				break
			}
		}

		// API: the summary, a primary sheet, PATCH validation.
		tok := map[string]string{"Authorization": "Bearer " + e.token(hr5)}
		api := e.newClient()
		r = api.do("GET", "/api/v1/classes/"+id5+"/primary?point=ck1", "", tok)
		var sum struct {
			Point            string `json:"point"`
			QualitiesSheetID string `json:"qualities_sheet_id"`
			Subjects         []struct {
				Code   string `json:"code"`
				Tested bool   `json:"tested"`
			} `json:"subjects"`
			Rows []struct {
				PupilID      string            `json:"pupil_id"`
				Competencies map[string]any    `json:"competencies"`
				Qualities    map[string]any    `json:"qualities"`
				Subjects     []json.RawMessage `json:"subjects"`
				Complete     bool              `json:"complete"`
			} `json:"rows"`
		}
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &sum) != nil || len(sum.Rows) < 28 || sum.QualitiesSheetID == "" ||
			len(sum.Rows[0].Competencies) != 10 || len(sum.Rows[0].Qualities) != 5 {
			t.Fatalf("summary API: %d %.500s", r.status, r.body)
		}
		tested := 0
		for _, s := range sum.Subjects {
			if s.Tested {
				tested++
			}
		}
		if tested < 5 { // grade 5 at ck1: Tiếng Việt, Toán, Khoa học, Lịch sử và Địa lí, Tin học và Công nghệ
			t.Errorf("grade 5 ck1 has %d tested subjects", tested)
		}
		sheet := strconv.FormatInt(e.sheetOf(c5, "toan", "gk1"), 10)
		r = api.do("GET", "/api/v1/sheets/"+sheet, "", tok)
		var sh struct {
			Version int64            `json:"version"`
			Fields  []string         `json:"fields"`
			Rows    []map[string]any `json:"rows"`
		}
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &sh) != nil || strings.Join(sh.Fields, ",") != "level,test,comment" {
			t.Fatalf("sheet: %d %.300s", r.status, r.body)
		}
		row := sh.Rows[0]
		for _, k := range []string{"level", "test", "comment"} {
			if _, ok := row[k]; !ok {
				t.Errorf("row without %q: %v", k, row)
			}
		}
		if _, ok := row["test"].(float64); !ok && row["test"] != nil {
			t.Errorf("test is not a number: %v", row["test"])
		}
		pupil := row["pupil_id"].(string)
		patch := func(sheet string, field, value string) response {
			body := `{"version": ` + strconv.FormatInt(sh.Version, 10) + `, "changes": [{"pupil_id": "` + pupil + `", "field": "` + field + `", "value": ` + value + `}]}`
			return api.do("PATCH", "/api/v1/sheets/"+sheet, body, tok)
		}
		for _, tc := range []struct {
			field, value, want string
			status             int
		}{
			{"test", `7.5`, "số nguyên", 422},
			{"test", `"7,5"`, "số nguyên", 422},
			{"test", `11`, "từ 0 đến 10", 422},
			{"level", `"X"`, "Hoàn thành tốt", 422},
			{"level", `"P"`, "Hoàn thành tốt", 422},
			{"test", `8`, "", 200},
		} {
			r := patch(sheet, tc.field, tc.value)
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Errorf("PATCH %s=%s: %d %s", tc.field, tc.value, r.status, r.body)
			}
		}
		// A test on Đạo đức, or at mid-semester in grade 2: refused with a reason.
		r = patch(strconv.FormatInt(e.sheetOf(c5, "dao_duc", "ck1"), 10), "test", "8")
		if r.status != 422 || !strings.Contains(r.body, "không có bài kiểm tra định kì") {
			t.Errorf("test on dao_duc: %d %s", r.status, r.body)
		}
		// Nominations and decisions: the year end is not filled in the demo.
		r = api.do("POST", "/api/v1/classes/"+id5+"/primary/nominations", `{"pupil_id": "`+pupil+`", "nominated": true, "reason": "Giỏi Toán"}`, tok)
		if r.status != 422 {
			t.Errorf("nomination without a year result: %d %s", r.status, r.body)
		}
		apiErrorShape(t, "nomination", r.body, "invalid")
		r = api.do("POST", "/api/v1/classes/"+id5+"/primary/decisions", `{"pupil_id": "`+pupil+`", "decision": "retained"}`, tok)
		if r.status != http.StatusForbidden {
			t.Errorf("decision by the homeroom teacher: %d", r.status)
		}
		r = api.do("POST", "/api/v1/classes/"+id5+"/primary/supplements", `{"pupil_id": "`+pupil+`", "items": [{"item": "toan", "level": "H", "test": 6}]}`, tok)
		if r.status != 422 {
			t.Errorf("supplement of a pupil without a CHT result: %d %s", r.status, r.body)
		}
	})
}

func pContains(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
