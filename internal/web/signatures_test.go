package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/demo"
	"sdgdt/internal/sign"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

type apiSig struct {
	SignatureID   string  `json:"signature_id"`
	Signer        string  `json:"signer"`
	Role          string  `json:"role"`
	Digest        string  `json:"digest"`
	Valid         bool    `json:"valid"`
	InvalidReason *string `json:"invalid_reason"`
	Changed       []struct {
		PupilID string `json:"pupil_id"`
		Field   string `json:"field"`
	} `json:"changed"`
	Certificate struct {
		Subject, Issuer, Serial string
	} `json:"certificate"`
}

// TestSignaturesOverTheAPI runs the contract of 06-signatures.md over the
// demo: the signed 6A1 of THCS Nguyễn Du, a void signature in 6A2, signing
// with the PIN, bad input, voiding by a change, and the pages.
func TestSignaturesOverTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var c1, c2 sdgdt.Class
		var math1, math2 sdgdt.Sheet
		var teacher, homeroom, stranger string
		err := e.db.View(e.ctx, func(tx *store.Tx) error {
			years, err := tx.SchoolYears()
			if err != nil {
				return err
			}
			var year int64
			for _, y := range years {
				if y.Current {
					year = y.ID
				}
			}
			classes, err := tx.ClassesOf(e.schools["THCS-ND"], year)
			if err != nil {
				return err
			}
			for _, c := range classes {
				switch c.Name {
				case "6A1":
					c1 = c
				case "6A2":
					c2 = c
				}
			}
			if math1, err = tx.SheetFor(c1.ID, "toan", "hk1"); err != nil {
				return err
			}
			sheets2, err := tx.SheetsOfClass(c2.ID, []string{"hk1"})
			if err != nil {
				return err
			}
			for _, sh := range sheets2 {
				if n, _ := tx.SignaturesOf(sh.SchoolID, sdgdt.SignSheet, fmt.Sprint(sh.ID)); len(n) > 0 {
					math2 = sh
				}
			}
			as, err := tx.FindAssignment(c1.ID, "toan", "hk1")
			if err != nil {
				return err
			}
			u, err := tx.User(as.TeacherID)
			if err != nil {
				return err
			}
			teacher = u.Username
			h, err := tx.User(c1.HomeroomID)
			homeroom = h.Username
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for name, ac := range e.accts {
			if ac.Role == sdgdt.RoleSubjectTeacher && strings.HasPrefix(name, "thptcva.") {
				stranger = name
			}
			if (ac.Role == sdgdt.RoleSubjectTeacher || ac.Role == sdgdt.RoleLeader) && (ac.SignPIN == nil || *ac.SignPIN != demo.DemoSignPIN) {
				t.Errorf("%s: sign_pin %v", name, ac.SignPIN)
			}
		}
		tok := e.token(teacher)
		sheetPath := "/api/v1/sheets/" + fmt.Sprint(math1.ID)
		list := func(tok, path string) []apiSig {
			t.Helper()
			r := e.apiCall(tok, "GET", path, nil)
			var out []apiSig
			if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &out) != nil {
				t.Fatalf("GET %s: %d %s", path, r.status, r.body)
			}
			return out
		}
		// The demo's signed sheet: valid, over the canonical bytes served.
		sigs := list(tok, sheetPath+"/signatures")
		if len(sigs) != 1 || !sigs[0].Valid || sigs[0].Role != "subject_teacher" || sigs[0].InvalidReason != nil {
			t.Fatalf("demo signature: %+v", sigs)
		}
		r := e.apiCall(tok, "GET", sheetPath+"/canonical", nil)
		sum := sha256.Sum256([]byte(r.body))
		if r.status != 200 || r.header.Get("X-Content-SHA256") != hex.EncodeToString(sum[:]) || sigs[0].Digest != hex.EncodeToString(sum[:]) {
			t.Fatalf("canonical: %d %s %s", r.status, r.header.Get("X-Content-SHA256"), sigs[0].Digest)
		}
		doc := []byte(r.body)
		cms := e.apiCall(tok, "GET", "/api/v1/signatures/"+sigs[0].SignatureID+"/cms", nil)
		trust := e.newClient().get("/api/v1/signing/trust.pem")
		if cms.status != 200 || cms.header.Get("Content-Type") != "application/pkcs7-signature" || trust.status != 200 {
			t.Fatalf("cms %d %s, trust %d", cms.status, cms.header.Get("Content-Type"), trust.status)
		}
		pool, _, err := sign.ParseTrustRoots([]byte(trust.body))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sign.Verify([]byte(cms.body), doc, sign.VerifyOptions{Roots: pool, Now: e.a.Now()}); err != nil {
			t.Fatalf("the served CMS does not verify over the served document: %v", err)
		}
		// The leader's book above it, and the void signature of 6A2.
		htok := e.token(homeroom)
		book := list(htok, fmt.Sprintf("/api/v1/classes/%d/book/hk1/signatures", c1.ID))
		if len(book) != 1 || !book[0].Valid || book[0].Role != "leader" {
			t.Fatalf("book: %+v", book)
		}
		hr := list(htok, fmt.Sprintf("/api/v1/classes/%d/homeroom/hk1/signatures", c1.ID))
		if len(hr) != 1 || !hr[0].Valid || hr[0].Role != "homeroom" {
			t.Fatalf("homeroom: %+v", hr)
		}
		void := list(e.token("thcsnd.lanhdao"), "/api/v1/sheets/"+fmt.Sprint(math2.ID)+"/signatures")
		if len(void) != 1 || void[0].Valid || void[0].InvalidReason == nil || *void[0].InvalidReason != app.VoidCorrection || len(void[0].Changed) != 1 {
			t.Fatalf("6A2 after the correction: %+v", void)
		}
		// Bad input: nothing written.
		r = e.apiCall(tok, "POST", sheetPath+"/signatures", map[string]string{"pin": "000111"})
		apiErrorShape(t, "wrong PIN", r.body, "invalid")
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong PIN: %d", r.status)
		}
		r = e.apiCall(tok, "POST", sheetPath+"/signatures", map[string]string{"cms": "bm90IGEgQ01T"})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad CMS: %d %s", r.status, r.body)
		}
		r = e.apiCall(e.token(stranger), "POST", sheetPath+"/signatures", map[string]string{"pin": demo.DemoSignPIN})
		if r.status != http.StatusForbidden {
			t.Fatalf("stranger: %d %s", r.status, r.body)
		}
		if n := len(list(tok, sheetPath+"/signatures")); n != 1 {
			t.Fatalf("%d signatures after bad input", n)
		}
		// A change voids the sheet's signature and the book's, with the cell.
		var sh struct {
			Version int64
			Rows    []struct {
				PupilID string `json:"pupil_id"`
			}
		}
		json.Unmarshal([]byte(e.apiCall(tok, "GET", sheetPath, nil).body), &sh)
		r = e.apiCall(tok, "PATCH", sheetPath, map[string]any{"version": sh.Version, "changes": []map[string]any{{"pupil_id": sh.Rows[0].PupilID, "field": "regular[3]", "value": 4}}})
		if r.status != http.StatusOK {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		sigs = list(tok, sheetPath+"/signatures")
		if sigs[0].Valid || len(sigs[0].Changed) != 1 || sigs[0].Changed[0].Field != "regular[3]" || sigs[0].Changed[0].PupilID != sh.Rows[0].PupilID {
			t.Fatalf("after the change: %+v", sigs)
		}
		if book := list(htok, fmt.Sprintf("/api/v1/classes/%d/book/hk1/signatures", c1.ID)); book[0].Valid {
			t.Fatal("the book's signature survived a change below it")
		}
		// The grid says so and offers to sign again; signing on the page.
		page := e.as(teacher).get("/sheets/" + fmt.Sprint(math1.ID))
		if page.status != 200 || !strings.Contains(page.body, "Mất hiệu lực") || !strings.Contains(page.body, "/signing/sheet/"+fmt.Sprint(math1.ID)) {
			t.Fatalf("grid badge: %d", page.status)
		}
		sp := e.as(teacher).get("/signing/sheet/" + fmt.Sprint(math1.ID))
		if sp.status != 200 || !strings.Contains(sp.body, "Các chữ ký") || !strings.Contains(sp.body, "Mã PIN ký") {
			t.Fatalf("signing page: %d %s", sp.status, sp.body)
		}
		bad := e.as(teacher).post("/signing/sheet/"+fmt.Sprint(math1.ID), url.Values{"pin": {"000111"}})
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Mã PIN ký không đúng") {
			t.Fatalf("wrong PIN on the page: %d", bad.status)
		}
		ok := e.as(teacher).post("/signing/sheet/"+fmt.Sprint(math1.ID), url.Values{"pin": {demo.DemoSignPIN}})
		if ok.status != http.StatusSeeOther {
			t.Fatalf("sign on the page: %d %s", ok.status, ok.body)
		}
		if sigs := list(tok, sheetPath+"/signatures"); len(sigs) != 2 || !sigs[0].Valid {
			t.Fatalf("after signing again: %+v", sigs)
		}
		if acc := e.as(teacher).get("/account/signing"); acc.status != 200 || !strings.Contains(acc.body, "Chứng thư số") || !strings.Contains(acc.body, "Đổi mã PIN ký") {
			t.Fatalf("account page: %d", acc.status)
		}
		bp := e.as(homeroom).get(fmt.Sprintf("/signing/book/%d?term=hk1", c1.ID))
		if bp.status != 200 || !strings.Contains(bp.body, "Mất hiệu lực") || strings.Contains(bp.body, "Chưa ký xác nhận sổ được") {
			t.Fatalf("book page: %d", bp.status)
		}
	})
}

// TestSignaturesBatchPages signs a teacher's sheets in one action from the
// sheets page, follows the job, and shows the school's signing overview.
func TestSignaturesBatchPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var teacher string
		for name, ac := range e.accts {
			if ac.Role == sdgdt.RoleSubjectTeacher && strings.HasPrefix(name, "thptcva.") && teacher == "" {
				teacher = name
			}
		}
		c := e.as(teacher)
		if r := c.get("/sheets"); r.status != 200 || !strings.Contains(r.body, "Ký số các bảng điểm") {
			t.Fatalf("sheets page: %d", r.status)
		}
		if r := c.post("/signing/batch", url.Values{"kind": {"sheets"}, "term": {"hk1"}, "pin": {"999000"}}); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("batch with a wrong PIN: %d", r.status)
		}
		r := c.post("/signing/batch", url.Values{"kind": {"sheets"}, "term": {"hk1"}, "pin": {demo.DemoSignPIN}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/signing/jobs/") {
			t.Fatalf("batch: %d %q", r.status, r.location())
		}
		id := strings.TrimPrefix(r.location(), "/signing/jobs/")
		tok := e.token(teacher)
		var job struct {
			Total, Signed, Failed int
			Finished              bool
		}
		for i := 0; i < 300 && !job.Finished; i++ {
			jr := e.apiCall(tok, "GET", "/api/v1/signing/jobs/"+id, nil)
			if jr.status != 200 {
				t.Fatalf("job: %d %s", jr.status, jr.body)
			}
			json.Unmarshal([]byte(jr.body), &job)
			if !job.Finished {
				e.clk.Advance(0)
				timeSleep()
			}
		}
		if !job.Finished || job.Total == 0 || job.Signed != job.Total || job.Failed != 0 {
			t.Fatalf("job: %+v", job)
		}
		if p := c.get(r.location()); p.status != 200 || !strings.Contains(p.body, "Đã xong") {
			t.Fatalf("job page: %d", p.status)
		}
		school := fmt.Sprint(e.schools["THCS-ND"])
		ov := e.as("thcsnd.lanhdao").get("/schools/" + school + "/signing")
		if ov.status != 200 || !strings.Contains(ov.body, "Đã ký") || !strings.Contains(ov.body, "Chưa ký") || !strings.Contains(ov.body, "Ký sổ các lớp") {
			t.Fatalf("school overview: %d", ov.status)
		}
		// A PKCS#12 upload that is not one: the account page again, 422.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "khoa.p12")
		fw.Write([]byte("không phải PKCS#12"))
		mw.WriteField("password", "x")
		mw.WriteField("p12_pin", "975310")
		mw.WriteField("p12_pin2", "975310")
		mw.Close()
		up := c.do("POST", "/account/signing/pkcs12", buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()})
		if up.status != http.StatusUnprocessableEntity || !strings.Contains(up.body, "PKCS#12") {
			t.Fatalf("bad PKCS#12: %d", up.status)
		}
		if reg := c.post("/account/signing/certificate", url.Values{"certificate": {"không phải PEM"}}); reg.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad certificate: %d", reg.status)
		}
		// The API batch: a teacher may not sign books.
		br := e.apiCall(tok, "POST", "/api/v1/signing/batch", map[string]any{"kind": "books", "term": "hk1", "school_id": school, "grade": 6, "pin": demo.DemoSignPIN})
		if br.status != http.StatusForbidden {
			t.Fatalf("teacher batch of books: %d %s", br.status, br.body)
		}
	})
}

func timeSleep() { time.Sleep(20 * time.Millisecond) }
