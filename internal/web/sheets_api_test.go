package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
	"sdgdt/internal/web"
)

// sheetEnv is a server over the demo province, for the sheet API tests.
type sheetEnv struct {
	t     *testing.T
	url   string
	db    *store.DB
	accts []demo.Account
}

func newSheetEnv(t *testing.T) *sheetEnv {
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
	return &sheetEnv{t: t, url: ts.URL, db: db, accts: accts}
}

// call sends a JSON request with a bearer token and decodes the answer.
func (e *sheetEnv) call(method, path, token string, body any, out any) int {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
		}
	}
	return res.StatusCode
}

func (e *sheetEnv) tokenOf(username string) string {
	e.t.Helper()
	var out struct{ Token string }
	if st := e.call("POST", "/api/v1/auth/token", "", map[string]string{"username": username, "password": demoPassword}, &out); st != 200 {
		e.t.Fatalf("token of %s: %d", username, st)
	}
	return out.Token
}

type apiSheetJSON struct {
	SheetID      string `json:"sheet_id"`
	Version      int64  `json:"version"`
	RegularCount int    `json:"regular_count"`
	AssessedBy   string `json:"assessed_by"`
	ClassID      string `json:"class_id"`
	Rows         []struct {
		PupilID string            `json:"pupil_id"`
		Regular []json.RawMessage `json:"regular"`
		Midterm json.RawMessage   `json:"midterm"`
		Average json.RawMessage   `json:"average"`
	} `json:"rows"`
}

type apiErrJSON struct {
	Error struct {
		Code      string            `json:"code"`
		Message   string            `json:"message"`
		Fields    map[string]string `json:"fields"`
		Conflicts []struct {
			PupilID string          `json:"pupil_id"`
			Field   string          `json:"field"`
			Value   json.RawMessage `json:"value"`
		} `json:"conflicts"`
	} `json:"error"`
	Conflicts []json.RawMessage `json:"conflicts"`
}

// teacherSheet finds a THCS teacher's hk2 scored sheet (empty in the demo).
func (e *sheetEnv) teacherSheet() (user, token string, sh apiSheetJSON) {
	e.t.Helper()
	for _, ac := range e.accts {
		if !strings.HasPrefix(ac.Username, "thcsnd.") || ac.Role != "subject_teacher" {
			continue
		}
		tok := e.tokenOf(ac.Username)
		var list []map[string]any
		if st := e.call("GET", "/api/v1/assignments", tok, nil, &list); st != 200 {
			e.t.Fatalf("assignments: %d", st)
		}
		for _, a := range list {
			if a["term"] == "hk2" && a["assessed_by"] == "score" && a["class_name"] != "9A3" {
				if st := e.call("GET", "/api/v1/sheets/"+a["sheet_id"].(string), tok, nil, &sh); st != 200 {
					e.t.Fatalf("sheet: %d", st)
				}
				return ac.Username, tok, sh
			}
		}
	}
	e.t.Fatal("no THCS subject teacher with a scored hk2 sheet")
	return
}

type chg struct {
	PupilID string `json:"pupil_id"`
	Field   string `json:"field"`
	Value   any    `json:"value"`
}

func TestSheetAPI(t *testing.T) {
	e := newSheetEnv(t)
	user, tok, sh := e.teacherSheet()
	path := "/api/v1/sheets/" + sh.SheetID
	p0, p1 := sh.Rows[0].PupilID, sh.Rows[1].PupilID
	// A whole row with numbers and Vietnamese text; the average comes back.
	var changes []chg
	for k := 0; k < sh.RegularCount; k++ {
		changes = append(changes, chg{p0, "regular[" + strconv.Itoa(k) + "]", json.Number("8")})
	}
	changes = append(changes, chg{p0, "midterm", "7,5"}, chg{p0, "final", 9}, chg{p1, "regular[0]", "P"})
	var ok struct {
		Version int64 `json:"version"`
		Rows    []struct {
			PupilID string          `json:"pupil_id"`
			Average json.RawMessage `json:"average"`
			Midterm json.RawMessage `json:"midterm"`
			Regular []json.RawMessage
		} `json:"rows"`
	}
	if st := e.call("PATCH", path, tok, map[string]any{"version": sh.Version, "changes": changes}, &ok); st != 200 {
		t.Fatalf("valid patch: %d", st)
	}
	if ok.Version != sh.Version+1 || len(ok.Rows) != 2 {
		t.Fatalf("patch answer: %+v", ok)
	}
	for _, r := range ok.Rows {
		n := sh.RegularCount // (8n + 2·7.5 + 3·9) / (n + 5), in tenths, half up
		num, den := 80*n+420, n+5
		want := (2*num + den) / (2 * den)
		wantText := strconv.Itoa(want / 10)
		if want%10 != 0 {
			wantText += "." + strconv.Itoa(want%10)
		}
		if r.PupilID == p0 && (string(r.Average) != wantText || string(r.Midterm) != "7.5") {
			t.Errorf("row answer: average %s, midterm %s", r.Average, r.Midterm)
		}
		if r.PupilID == p1 && (string(r.Average) != "null" || string(r.Regular[0]) != `"P"`) {
			t.Errorf("pending row: average %s, regular %s", r.Average, r.Regular[0])
		}
	}
	// Every kind of bad value gets its message; nothing is written.
	var bad apiErrJSON
	st := e.call("PATCH", path, tok, map[string]any{"version": ok.Version, "changes": []chg{
		{p1, "regular[0]", 11}, {p1, "regular[1]", -1}, {p1, "midterm", json.Number("7.25")}, {p1, "final", "abc"}, {p0, "midterm", "D"}, {p1, "comment", "Tốt"}}}, &bad)
	if st != 422 || bad.Error.Code != "invalid" {
		t.Fatalf("invalid patch: %d %+v", st, bad)
	}
	for _, k := range []string{p1 + ".regular[0]", p1 + ".regular[1]", p1 + ".midterm", p1 + ".final", p0 + ".midterm"} {
		if bad.Error.Fields[k] == "" {
			t.Errorf("no message for %s: %v", k, bad.Error.Fields)
		}
	}
	var now apiSheetJSON
	e.call("GET", path, tok, nil, &now)
	if now.Version != ok.Version || string(now.Rows[0].Midterm) != "7.5" {
		t.Errorf("a refused patch changed the sheet: version %d midterm %s", now.Version, now.Rows[0].Midterm)
	}
	// A stale version on a changed cell: 409 with the cell and its value.
	var conflict apiErrJSON
	st = e.call("PATCH", path, tok, map[string]any{"version": sh.Version, "changes": []chg{{p0, "midterm", 5}, {p1, "final", 6}}}, &conflict)
	if st != 409 || conflict.Error.Code != "conflict" || len(conflict.Error.Conflicts) != 1 || len(conflict.Conflicts) != 1 ||
		conflict.Error.Conflicts[0].Field != "midterm" || string(conflict.Error.Conflicts[0].Value) != "7.5" {
		t.Errorf("conflict: %d %+v", st, conflict)
	}
	// Someone else's sheet: 403; the homeroom teacher reads it.
	for _, ac := range e.accts {
		if ac.Username != user && ac.Role == "subject_teacher" && strings.HasPrefix(ac.Username, "thcsnd.") {
			var forb apiErrJSON
			if st := e.call("PATCH", path, e.tokenOf(ac.Username), map[string]any{"version": ok.Version, "changes": []chg{{p0, "final", 6}}}, &forb); st != 403 || forb.Error.Code != "forbidden" {
				t.Errorf("another teacher writes: %d %+v", st, forb)
			}
			break
		}
	}
	// History of a cell.
	var hist []map[string]any
	if st := e.call("GET", path+"/history?pupil_id="+p0+"&field=midterm", tok, nil, &hist); st != 200 || len(hist) != 1 || hist[0]["via"] != "api" || hist[0]["value"] != 7.5 {
		t.Errorf("history: %d %v", st, hist)
	}
	// Conduct: the subject teacher may not; results are readable.
	var forb apiErrJSON
	if st := e.call("PATCH", "/api/v1/classes/"+sh.ClassID+"/conduct", tok, map[string]any{"changes": []map[string]string{{"pupil_id": p0, "term": "hk2", "level": "T"}}}, &forb); st != 403 {
		t.Errorf("subject teacher rates conduct: %d", st)
	}
	var results any
	if st := e.call("GET", "/api/v1/classes/"+sh.ClassID+"/results", tok, nil, &results); st != 403 {
		t.Errorf("results: %d", st)
	}
	// A malformed body and a missing version are 400.
	if st := e.call("PATCH", path, tok, map[string]any{"changes": []chg{}}, &forb); st != 400 {
		t.Errorf("missing version: %d", st)
	}
	_ = time.Second
}

// TestSheetExcelRoundTrip downloads a sheet, edits it offline, uploads it,
// checks the preview, applies it; and refuses a file of the wrong layout.
func TestSheetExcelRoundTrip(t *testing.T) {
	e := newSheetEnv(t)
	user, tok, sh := e.teacherSheet()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.PostForm(e.url+"/login", url.Values{"username": {user}, "password": {demoPassword}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %v %v", err, res)
	}
	res, err = hc.Get(e.url + "/sheets/" + sh.SheetID + "/export.xlsx")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("export: %v %v", err, res)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Bảng điểm")
	if len(rows) < 5 || rows[3][0] != "Mã HS" || rows[4][0] != sh.Rows[0].PupilID {
		t.Fatalf("layout: %v", rows[:min(5, len(rows))])
	}
	f.SetCellValue("Bảng điểm", "D5", 7.5)
	f.SetCellValue("Bảng điểm", "E5", "8,5")
	f.SetCellValue("Bảng điểm", "D6", "x")
	upload := func(f *excelize.File) (int, string) {
		buf, _ := f.WriteToBuffer()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "bang-diem.xlsx")
		fw.Write(buf.Bytes())
		mw.Close()
		req, _ := http.NewRequest("POST", e.url+"/sheets/"+sh.SheetID+"/upload", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	st, page := upload(f)
	if st != 422 || !strings.Contains(page, "Dòng 6") || !strings.Contains(page, "không phải là điểm") || strings.Contains(page, "upload-apply") {
		t.Fatalf("upload with a bad value: %d", st)
	}
	f.SetCellValue("Bảng điểm", "D6", 6)
	st, page = upload(f)
	if st != 200 || !strings.Contains(page, "3 ô sẽ thay đổi") {
		t.Fatalf("preview: %d %s", st, regexp.MustCompile(`(?s)<section class="card upload-preview.*?</section>`).FindString(page))
	}
	m := regexp.MustCompile(`name="payload" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no apply form")
	}
	var before apiSheetJSON
	e.call("GET", "/api/v1/sheets/"+sh.SheetID, tok, nil, &before)
	if before.Version != sh.Version {
		t.Fatal("the preview wrote something")
	}
	res, err = hc.PostForm(e.url+"/sheets/"+sh.SheetID+"/upload/apply", url.Values{"payload": {html.UnescapeString(m[1])}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply: %v %v", err, res.StatusCode)
	}
	var after apiSheetJSON
	e.call("GET", "/api/v1/sheets/"+sh.SheetID, tok, nil, &after)
	if string(after.Rows[0].Regular[0]) != "7.5" || string(after.Rows[0].Regular[1]) != "8.5" || string(after.Rows[1].Regular[0]) != "6" {
		t.Errorf("after apply: %s %s %s", after.Rows[0].Regular[0], after.Rows[0].Regular[1], after.Rows[1].Regular[0])
	}
	var hist []map[string]any
	e.call("GET", "/api/v1/sheets/"+sh.SheetID+"/history?pupil_id="+sh.Rows[0].PupilID+"&field=regular[0]", tok, nil, &hist)
	if len(hist) != 1 || hist[0]["via"] != "upload" {
		t.Errorf("history after upload: %v", hist)
	}
	// A file of another layout.
	g := excelize.NewFile()
	g.SetCellValue("Sheet1", "A1", "Họ và tên")
	if st, page := upload(g); st != 422 || !strings.Contains(page, "không đúng mẫu") {
		t.Errorf("wrong layout: %d", st)
	}
}
