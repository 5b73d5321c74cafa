package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sdgdt"
	"strings"
	"testing"

	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// apiCall sends a JSON request with a bearer token.
func (e *env) apiCall(token, method, path string, body any) response {
	e.t.Helper()
	b := ""
	if body != nil {
		raw, _ := json.Marshal(body)
		b = string(raw)
	}
	return e.newClient().do(method, path, b, map[string]string{"Authorization": "Bearer " + token})
}

func TestControlOfTheBook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		school := fmt.Sprint(e.schools["THCS-ND"])
		// A subject teacher of THCS Nguyễn Du with a semester I sheet, and that
		// class's homeroom teacher.
		var teacher, homeroom string
		var sheetID string
		for name, ac := range e.accts {
			if ac.Role != "subject_teacher" || !strings.HasPrefix(name, "thcsnd.") || teacher != "" {
				continue
			}
			var as []map[string]string
			json.Unmarshal([]byte(e.apiCall(e.token(name), "GET", "/api/v1/assignments", nil).body), &as)
			for _, a := range as {
				if a["term"] == "hk1" && a["assessed_by"] == "score" {
					teacher, sheetID = name, a["sheet_id"]
					err := e.db.View(e.ctx, func(tx *store.Tx) error {
						var classID int64
						fmt.Sscan(a["class_id"], &classID)
						c, err := tx.Class(classID)
						if err != nil {
							return err
						}
						u, err := tx.User(c.HomeroomID)
						homeroom = u.Username
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
					break
				}
			}
		}
		if teacher == "" || homeroom == "" || homeroom == teacher {
			t.Fatalf("no subject teacher with a sheet (%q %q)", teacher, homeroom)
		}
		tTok, lTok, bTok, hTok := e.token(teacher), e.token("thcsnd.lanhdao"), e.token("thcsnd.bqt"), e.token(homeroom)
		var sheet struct {
			Version int64
			Rows    []struct {
				PupilID string `json:"pupil_id"`
				Midterm any
			}
		}
		json.Unmarshal([]byte(e.apiCall(tTok, "GET", "/api/v1/sheets/"+sheetID, nil).body), &sheet)
		pupil := sheet.Rows[0].PupilID
		patch := func(v any) response {
			return e.apiCall(tTok, "PATCH", "/api/v1/sheets/"+sheetID, map[string]any{"version": sheet.Version,
				"changes": []map[string]any{{"pupil_id": pupil, "field": "midterm", "value": v}}})
		}
		if r := patch(6); r.status != http.StatusOK {
			t.Fatalf("patch before lock: %d %s", r.status, r.body)
		}
		// Only leaders lock; a teacher gets 403 and no lock exists.
		if r := e.apiCall(tTok, "POST", "/api/v1/locks", map[string]any{"school_id": school, "term": "hk1", "reason": "x"}); r.status != http.StatusForbidden {
			t.Errorf("teacher lock: %d %s", r.status, r.body)
		}
		if r := e.apiCall(lTok, "POST", "/api/v1/locks", map[string]any{"school_id": school, "from": "2027-01-02T00:00:00+07:00", "until": "2027-01-01T00:00:00+07:00", "reason": "x"}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "until") {
			t.Errorf("lock ending before it starts: %d %s", r.status, r.body)
		}
		r := e.apiCall(lTok, "POST", "/api/v1/locks", map[string]any{"school_id": school, "term": "hk1", "reason": "Khóa sổ học kì I"})
		if r.status != http.StatusCreated {
			t.Fatalf("lock: %d %s", r.status, r.body)
		}
		var lock struct {
			LockID string `json:"lock_id"`
		}
		json.Unmarshal([]byte(r.body), &lock)
		// The API refuses writes with 423 and the lock's details.
		r = patch(7)
		var locked struct {
			Error struct {
				Code, Message string
				Lock          map[string]any
			}
		}
		json.Unmarshal([]byte(r.body), &locked)
		if r.status != http.StatusLocked || locked.Error.Code != "locked" || locked.Error.Lock["lock_id"] != lock.LockID || locked.Error.Lock["reason"] != "Khóa sổ học kì I" || locked.Error.Lock["set_by"] == "" {
			t.Fatalf("write under lock: %d %s", r.status, r.body)
		}
		if !strings.Contains(locked.Error.Message, "Khóa sổ học kì I") {
			t.Errorf("message does not say why: %s", locked.Error.Message)
		}
		// The grid page shows the lock.
		if r := e.as(teacher).get("/sheets/" + sheetID); r.status != http.StatusOK || !strings.Contains(r.body, "Khóa sổ học kì I") {
			t.Errorf("grid page under lock: %d", r.status)
		}
		// Correction: request → approval → two witnesses → applied.
		r = e.apiCall(tTok, "POST", "/api/v1/corrections", map[string]any{"sheet_id": sheetID, "reason": "Nhập nhầm điểm giữa kì",
			"cells": []map[string]any{{"pupil_id": pupil, "field": "midterm", "value": 8.5}}})
		if r.status != http.StatusCreated {
			t.Fatalf("correction request: %d %s", r.status, r.body)
		}
		var corr struct {
			CorrectionID string `json:"correction_id"`
			Status       string
		}
		json.Unmarshal([]byte(r.body), &corr)
		step := func(tok, what string, body any) response {
			return e.apiCall(tok, "POST", "/api/v1/corrections/"+corr.CorrectionID+"/"+what, body)
		}
		if r := step(hTok, "witness", nil); r.status != http.StatusConflict {
			t.Errorf("witness before approval: %d %s", r.status, r.body)
		}
		if r := step(bTok, "decision", map[string]any{"approve": true}); r.status != http.StatusForbidden {
			t.Errorf("board approving: %d", r.status)
		}
		if r := step(lTok, "decision", map[string]any{"approve": true, "note": "Đồng ý"}); r.status != http.StatusOK {
			t.Fatalf("approval: %d %s", r.status, r.body)
		}
		if r := step(tTok, "witness", nil); r.status != http.StatusForbidden {
			t.Errorf("requester witnessing: %d", r.status)
		}
		if r := step(bTok, "witness", nil); r.status != http.StatusOK || !strings.Contains(r.body, `"status":"approved"`) {
			t.Fatalf("board witness: %d %s", r.status, r.body)
		}
		if r := step(hTok, "witness", nil); r.status != http.StatusOK || !strings.Contains(r.body, `"status":"applied"`) {
			t.Fatalf("homeroom witness: %d %s", r.status, r.body)
		}
		if r := step(bTok, "witness", nil); r.status != http.StatusConflict {
			t.Errorf("applied twice: %d", r.status)
		}
		// The cell's history shows every step's value, the last by correction.
		r = e.apiCall(tTok, "GET", "/api/v1/sheets/"+sheetID+"/history?"+url.Values{"pupil_id": {pupil}, "field": {"midterm"}}.Encode(), nil)
		var hist []map[string]any
		json.Unmarshal([]byte(r.body), &hist)
		if len(hist) < 2 || hist[len(hist)-1]["via"] != "correction" || fmt.Sprint(hist[len(hist)-1]["value"]) != "8.5" || hist[len(hist)-1]["correction_id"] != corr.CorrectionID {
			t.Fatalf("history: %d %s", r.status, r.body)
		}
		// The audit log shows every step.
		r = e.as("thcsnd.lanhdao").get("/audit?school=" + school + "&action=correction.")
		for _, a := range []sdgdt.Action{sdgdt.ActCorrectionRequest, sdgdt.ActCorrectionApprove, sdgdt.ActCorrectionWitness, sdgdt.ActCorrectionApply} {
			if !strings.Contains(r.body, a.Name()) || strings.Contains(r.body, ">"+string(a)+"<") {
				t.Errorf("audit page lacks %q, or shows the code %s", a.Name(), a)
			}
		}
		// Homeroom data under the lock: a 423 when written, a correction by
		// the same path (the homeroom teacher asks; two board members witness).
		var classID int64
		if err := e.db.View(e.ctx, func(tx *store.Tx) error {
			var id int64
			fmt.Sscan(sheetID, &id)
			sh, err := tx.Sheet(id)
			classID = sh.ClassID
			return err
		}); err != nil {
			t.Fatal(err)
		}
		class := fmt.Sprint(classID)
		if r := e.apiCall(hTok, "PATCH", "/api/v1/classes/"+class+"/conduct", map[string]any{"changes": []map[string]any{{"pupil_id": pupil, "term": "hk1", "level": "CD"}}}); r.status != http.StatusLocked {
			t.Errorf("conduct under lock: %d %s", r.status, r.body)
		}
		hc := map[string]any{"class_id": class, "term": "hk1", "reason": "Ghi nhầm nhận xét của học sinh khác",
			"cells": []map[string]any{{"pupil_id": pupil, "field": "comment", "value": "Em tiến bộ rõ ở học kì I"}}}
		if r := e.apiCall(tTok, "POST", "/api/v1/corrections", hc); r.status != http.StatusForbidden {
			t.Errorf("homeroom correction by a subject teacher: %d %s", r.status, r.body)
		}
		if r := e.apiCall(hTok, "POST", "/api/v1/corrections", map[string]any{"class_id": class, "term": "hk1", "reason": "x",
			"cells": []map[string]any{{"pupil_id": pupil, "field": "conduct", "value": "X"}}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("homeroom correction with level X: %d %s", r.status, r.body)
		}
		r = e.apiCall(hTok, "POST", "/api/v1/corrections", hc)
		var hcorr struct {
			CorrectionID string `json:"correction_id"`
			ClassID      string `json:"class_id"`
			SheetID      string `json:"sheet_id"`
			Term, Status string
		}
		json.Unmarshal([]byte(r.body), &hcorr)
		if r.status != http.StatusCreated || hcorr.ClassID != class || hcorr.SheetID != "" || hcorr.Term != "hk1" || hcorr.Status != "requested" {
			t.Fatalf("homeroom correction: %d %s", r.status, r.body)
		}
		hstep := func(tok, what string, body any) response {
			return e.apiCall(tok, "POST", "/api/v1/corrections/"+hcorr.CorrectionID+"/"+what, body)
		}
		if r := hstep(lTok, "decision", map[string]any{"approve": true}); r.status != http.StatusOK {
			t.Fatalf("approval: %d %s", r.status, r.body)
		}
		if r := hstep(hTok, "witness", nil); r.status != http.StatusForbidden {
			t.Errorf("the requesting homeroom teacher witnessing: %d", r.status)
		}
		if r := hstep(bTok, "witness", nil); r.status != http.StatusOK || !strings.Contains(r.body, `"status":"approved"`) {
			t.Fatalf("board witness: %d %s", r.status, r.body)
		}
		second := "" // another teacher of the school, made a member of the board
		for name, ac := range e.accts {
			if ac.Role == "subject_teacher" && strings.HasPrefix(name, "thcsnd.") && name != teacher && name != homeroom && (second == "" || name < second) {
				second = name
			}
		}
		var tu sdgdt.User
		if err := e.db.View(e.ctx, func(tx *store.Tx) error { var err error; tu, err = tx.UserByUsername(second); return err }); err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.GrantRole(e.ctx, app.System("test"), tu.ID, sdgdt.RoleBoard, sdgdt.ScopeSchool, e.schools["THCS-ND"], "Thư kí Ban quản trị"); err != nil {
			t.Fatal(err)
		}
		if r := hstep(e.token(second), "witness", nil); r.status != http.StatusOK || !strings.Contains(r.body, `"status":"applied"`) {
			t.Fatalf("second board witness: %d %s", r.status, r.body)
		}
		if r := e.as(homeroom).get("/classes/" + class + "/comments?term=hk1"); !strings.Contains(r.body, "Em tiến bộ rõ ở học kì I") || !strings.Contains(r.body, "/classes/"+class+"/corrections/new?term=hk1") {
			t.Errorf("comments page after correction: %d", r.status)
		}
		if r := e.as(homeroom).get("/classes/" + class + "/corrections/new?term=hk1"); r.status != http.StatusOK || !strings.Contains(r.body, "Kết quả rèn luyện") {
			t.Errorf("homeroom correction form: %d", r.status)
		}
		if r := e.as("thcsnd.lanhdao").get("/schools/" + school + "/corrections"); !strings.Contains(r.body, "Dữ liệu chủ nhiệm, Học kì I") {
			t.Errorf("register lacks the homeroom correction")
		}
		// Lifting is recorded; then the teacher writes again.
		if r := e.apiCall(tTok, "DELETE", "/api/v1/locks/"+lock.LockID, nil); r.status != http.StatusForbidden {
			t.Errorf("teacher lifting: %d", r.status)
		}
		if r := e.apiCall(lTok, "DELETE", "/api/v1/locks/"+lock.LockID+"?reason=Mở+để+bổ+sung", nil); r.status != http.StatusNoContent {
			t.Fatalf("lift: %d %s", r.status, r.body)
		}
		json.Unmarshal([]byte(e.apiCall(tTok, "GET", "/api/v1/sheets/"+sheetID, nil).body), &sheet)
		if r := patch(9); r.status != http.StatusOK {
			t.Errorf("write after lifting: %d %s", r.status, r.body)
		}
		// Pages.
		pages := []struct {
			who, path string
			status    int
			contains  string
		}{
			{"thcsnd.lanhdao", "/schools/" + school + "/locks", 200, "Đặt khóa"},
			{"thcsnd.lanhdao", "/schools/" + school + "/progress", 200, "Tiến độ cập nhật"},
			{"thcsnd.lanhdao", "/schools/" + school + "/approvals", 200, "Phê duyệt sổ"},
			{"thcsnd.lanhdao", "/schools/" + school + "/corrections", 200, "Nhập nhầm điểm giữa kì"},
			{"thcsnd.bqt", "/schools/" + school + "/approvals", 200, "Gửi đề nghị"},
			{teacher, "/schools/" + school + "/progress", 403, ""},
			{teacher, "/schools/" + school + "/locks", 200, "Khóa và mở khóa sổ"},
			{"thptcva.lanhdao", "/schools/" + school + "/locks", 403, ""},
			{"bmt.bqt", fmt.Sprint("/units/", e.units["PGDDT-BMT"], "/progress"), 200, "Trường THCS Nguyễn Du"},
			{"kp.bqt", fmt.Sprint("/units/", e.units["PGDDT-BMT"], "/progress"), 403, ""},
		}
		for _, pg := range pages {
			r := e.as(pg.who).get(pg.path)
			if r.status != pg.status || !strings.Contains(r.body, pg.contains) {
				t.Errorf("%s %s: %d (want %d, %q)", pg.who, pg.path, r.status, pg.status, pg.contains)
			}
		}
		// Once the job has counted the schools, the unit's dashboard reads its
		// summaries, with the same figures, and says when they were counted.
		unitPage := fmt.Sprint("/units/", e.units["PGDDT-BMT"], "/progress")
		before := e.as("bmt.bqt").get(unitPage).body
		if n, err := e.a.RefreshProgressSummaries(e.ctx); err != nil || n == 0 {
			t.Fatalf("progress summaries: %d, %v", n, err)
		}
		after := e.as("bmt.bqt").get(unitPage).body
		tbody := func(b string) string { return between(b, "<tbody>", "</tbody>") }
		if !strings.Contains(after, "được đếm lúc") || tbody(after) != tbody(before) || tbody(after) == "" {
			t.Errorf("the unit's dashboard after the job:\n%s\nbefore it:\n%s", tbody(after), tbody(before))
		}
		// Approval knows completeness: a semester II book the demo has
		// not filled shows what is missing, and approving it needs an explicit
		// confirmation with a reason, recorded.
		c81 := e.recordsFixture().classes["8A1"]
		if r := e.as("thcsnd.bqt").post("/schools/"+school+"/approvals", url.Values{"class_id": {id(c81)}, "term": {"hk2"}, "note": {"Cuối năm"}}); r.status != http.StatusSeeOther {
			t.Fatalf("propose: %d %s", r.status, r.body)
		}
		r = e.as("thcsnd.lanhdao").get("/schools/" + school + "/approvals")
		apID := between(r.body, `action="/approvals/`, `/decide"`)
		if !strings.Contains(r.body, "bảng điểm đủ") || !strings.Contains(r.body, "tôi vẫn phê duyệt") || apID == "" {
			t.Fatalf("the approvals page shows no completeness:\n%.3000s", r.body)
		}
		decide := func(v url.Values) response {
			v.Set("school_id", school)
			v.Set("decision", "approve")
			return e.as("thcsnd.lanhdao").post("/approvals/"+apID+"/decide", v)
		}
		if r := decide(url.Values{}); r.status != 422 || !strings.Contains(r.body, "chưa đủ") {
			t.Errorf("an incomplete book approved without confirmation: %d", r.status)
		}
		if r := decide(url.Values{"confirm": {"1"}}); r.status != 422 || !strings.Contains(r.body, "Ghi lý do") {
			t.Errorf("an incomplete book approved without a reason: %d", r.status)
		}
		if r := decide(url.Values{"confirm": {"1"}, "note": {"Học sinh chuyển đi, đã thống nhất với tổ"}}); r.status != http.StatusSeeOther {
			t.Errorf("confirmed approval: %d %s", r.status, r.body)
		}
		if n := e.auditActions("approval.approved"); n == 0 {
			t.Error("the approval is not recorded")
		}
		if r := e.as("thcsnd.lanhdao").get("/schools/" + school + "/progress.xlsx"); r.status != 200 || !strings.HasPrefix(r.body, "PK") {
			t.Errorf("progress export: %d", r.status)
		}
		if r := e.as("thcsnd.lanhdao").get("/schools/" + school + "/corrections.xlsx"); r.status != 200 || !strings.HasPrefix(r.body, "PK") {
			t.Errorf("corrections export: %d", r.status)
		}
		// One column locked alone: the grid shows it locked, the rest open; the
		// API refuses a write to it.
		if r := e.as("thcsnd.lanhdao").post("/schools/"+school+"/locks", url.Values{"term": {"hk1"}, "field": {"final"}, "reason": {"Chốt điểm cuối kì I"}}); r.status != http.StatusSeeOther {
			t.Fatalf("column lock: %d %s", r.status, r.body)
		}
		if r := e.as(teacher).get("/sheets/" + sheetID); !strings.Contains(r.body, `data-f="final" data-t="mark" data-lock="Cột ĐĐGck đã bị khóa`) || strings.Contains(r.body, "Đã khóa — chỉ xem") {
			t.Errorf("the grid does not show the final column locked alone")
		}
		r = e.as("thcsnd.lanhdao").get("/schools/" + school + "/locks")
		if !strings.Contains(r.body, "chỉ cột ĐĐGck") {
			t.Errorf("the locks page does not name the column")
		}
		// The lock form offers only what a THCS school has: grades 6-9, semesters.
		if strings.Contains(r.body, `value="3">Khối 3`) || !strings.Contains(r.body, `value="9">Khối 9`) || strings.Contains(r.body, `value="gk1"`) {
			t.Errorf("the lock form of a THCS school offers grades or points it does not have")
		}
	})
}

// between returns the text of s between the first from and the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	j := strings.Index(s, to)
	if j < 0 {
		return ""
	}
	return s[:j]
}
