package web_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

func TestDocumentsPDF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.recordsFixture()
		class := strconv.FormatInt(f.classes["8A1"], 10)
		pupil := strconv.FormatInt(f.pupil.ID, 10)
		school := strconv.FormatInt(f.school, 10)
		staff := e.as("thcsnd.vanthu")
		taught, untaught := e.teaching(f)
		cases := []struct {
			who, path string
			status    int
			want      string // in the body (an error message), or "%PDF"
		}{
			{"thcsnd.vanthu", "/classes/" + class + "/book.pdf?term=hk1", 200, "%PDF"},
			{"thcsnd.lanhdao", "/classes/" + class + "/book.pdf?term=year", 200, "%PDF"},
			{f.homeroom, "/classes/" + class + "/book.pdf?term=hk2", 200, "%PDF"},
			{"thcsnd.vanthu", "/pupils/" + pupil + "/record.pdf?kind=hoc_ba", 200, "%PDF"},
			{"thcsnd.vanthu", "/pupils/" + pupil + "/record.pdf?kind=extract", 200, "%PDF"},
			{"thcsnd.vanthu", "/pupils/" + pupil + "/record.pdf?kind=extract&years=2026-2027", 200, "%PDF"},
			{"thcsnd.vanthu", "/pupils/" + pupil + "/record.pdf?kind=extract&years=2019-2020", 422, "không học ở trường trong năm học «2019-2020»"},
			{"thcsnd.vanthu", "/schools/" + school + "/corrections.pdf", 200, "%PDF"},
			// A term that is not the class's, a bad kind: a clear message.
			{"thcsnd.vanthu", "/classes/" + class + "/book.pdf?term=cn", 422, "tiểu học"},
			{"thcsnd.vanthu", "/classes/" + class + "/book.pdf?term=hk3", 422, "Kì của sổ không hợp lệ"},
			{"thcsnd.vanthu", "/classes/" + class + "/book.pdf", 422, "Chọn kì của sổ"},
			{"thcsnd.vanthu", "/pupils/" + pupil + "/record.pdf?kind=x", 422, "Loại hồ sơ không hợp lệ"},
			// Outside the caller's scope.
			{f.other, "/classes/" + class + "/book.pdf?term=hk1", 403, "không có quyền"},
			{f.other, "/pupils/" + pupil + "/record.pdf", 403, "không có quyền"},
			// A subject teacher prints the book of a class he teaches (it
			// holds his marks), not of one he neither teaches nor keeps, and
			// never a pupil's học bạ.
			{f.subject, "/classes/" + strconv.FormatInt(taught, 10) + "/book.pdf?term=hk1", 200, "%PDF"},
			{f.subject, "/classes/" + strconv.FormatInt(untaught, 10) + "/book.pdf?term=hk1", 403, "không có quyền"},
			{f.subject, "/pupils/" + pupil + "/record.pdf?kind=hoc_ba", 403, "không có quyền"},
		}
		for _, c := range cases {
			r := e.as(c.who).get(c.path)
			if r.status != c.status || !strings.Contains(r.body, c.want) {
				t.Errorf("%s GET %s: %d, want %d with %q:\n%.300s", c.who, c.path, r.status, c.status, c.want, r.body)
			}
			if c.status == 200 && r.header.Get("Content-Type") != "application/pdf" {
				t.Errorf("%s: Content-Type %s", c.path, r.header.Get("Content-Type"))
			}
		}

		// The API gives the same document with a bearer token.
		tok := e.token("thcsnd.lanhdao")
		r := e.newClient().do("GET", "/api/v1/classes/"+class+"/book.pdf?term=hk1", "", map[string]string{"Authorization": "Bearer " + tok})
		if r.status != 200 || !strings.HasPrefix(r.body, "%PDF") {
			t.Errorf("API book.pdf: %d %.200s", r.status, r.body)
		}

		// The print buttons: class book, pupil profile, corrections register
		// (and the Bảng tổng hợp, below).
		for _, c := range []struct{ who, page, link string }{
			{f.homeroom, "/classes/" + class + "/book", "/classes/" + class + "/book.pdf?term=year"},
			{"thcsnd.vanthu", "/classes/" + class + "/book", "/classes/" + class + "/book.pdf?term=year"},
			{f.subject, "/classes/" + strconv.FormatInt(taught, 10) + "/book", "/classes/" + strconv.FormatInt(taught, 10) + "/book.pdf?term=year"},
			{"thcsnd.vanthu", "/pupils/" + pupil, "/pupils/" + pupil + "/record.pdf?kind=hoc_ba"},
			{"thcsnd.vanthu", "/schools/" + school + "/corrections", "/schools/" + school + "/corrections.pdf"},
		} {
			if r := e.as(c.who).get(c.page); r.status != 200 || !strings.Contains(r.body, c.link) {
				t.Errorf("%s on %s: %d, no %s", c.who, c.page, r.status, c.link)
			}
		}
		var primary int64
		if err := e.db.View(e.ctx, func(tx *store.Tx) error {
			y, err := tx.CurrentYear()
			if err != nil {
				return err
			}
			cs, err := tx.ClassesOf(e.schools["TH-LVT"], y.ID)
			if err == nil && len(cs) > 0 {
				primary = cs[0].ID
			}
			return err
		}); err != nil || primary == 0 {
			t.Fatalf("a primary class: %v", err)
		}
		pc := strconv.FormatInt(primary, 10)
		if r := e.as("thlvt.lanhdao").get("/classes/" + pc + "/summary?point=ck1"); r.status != 200 || !strings.Contains(r.body, "/classes/"+pc+"/book.pdf?term=ck1") {
			t.Errorf("Bảng tổng hợp page: %d, no PDF button", r.status)
		}
		if r := e.as("thlvt.vanthu").get("/classes/" + pc + "/book.pdf?term=ck1"); r.status != 200 || !strings.HasPrefix(r.body, "%PDF") {
			t.Errorf("Bảng tổng hợp PDF for the office staff: %d", r.status)
		}
		if r := e.as("thlvt.vanthu").get("/classes/" + pc + "/book.pdf?term=hk1"); r.status != 422 || !strings.Contains(r.body, "tiểu học") {
			t.Errorf("hk1 book of a primary class: %d %.200s", r.status, r.body)
		}
		// The class page shows the print menu to the office staff.
		if r := staff.get("/classes/" + class); r.status != 200 || !strings.Contains(r.body, "/classes/"+class+"/book.pdf?term=hk1") {
			t.Errorf("class page for the office staff: %d, no print link", r.status)
		}

		// The verification page, public, says the data holds; no pupil's name.
		pdf := staff.get("/classes/" + class + "/book.pdf?term=hk1").body
		code := regexp.MustCompile(`verify/([A-Z0-9-]{14})`).FindStringSubmatch(pdf) // the QR code's link
		if code == nil {
			t.Fatalf("no verification link in the PDF")
		}
		anon := e.newClient()
		v := anon.get("/verify/" + code[1])
		if v.status != 200 || !strings.Contains(v.body, "Dữ liệu còn nguyên vẹn") || !strings.Contains(v.body, "8A1") {
			t.Fatalf("verify: %d\n%.500s", v.status, v.body)
		}
		if strings.Contains(v.body, f.pupil.GivenName+"<") || strings.Contains(v.body, f.pupil.FullName()) {
			t.Errorf("the verification page shows a pupil's name")
		}
		// A change of the data is seen.
		p := f.pupil
		p.MiddleName = "Thị Đổi"
		if err := e.db.Update(e.ctx, func(tx *store.Tx) error { return tx.UpdatePupil(&p) }); err != nil {
			t.Fatal(err)
		}
		if v := anon.get("/verify/" + code[1]); v.status != 200 || !strings.Contains(v.body, "Dữ liệu đã thay đổi") {
			t.Errorf("verify after a change: %d\n%.500s", v.status, v.body)
		}
		if v := anon.get("/verify/AAAA-BBBB-CCCC"); v.status != 404 || !strings.Contains(v.body, "Không tìm thấy tài liệu") {
			t.Errorf("verify of an unknown code: %d", v.status)
		}
	})
}

func TestPrintJobPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		school := strconv.FormatInt(e.schools["THCS-ND"], 10)
		staff := e.as("thcsnd.vanthu")
		if r := staff.get("/schools/" + school + "/print"); r.status != 200 || !strings.Contains(r.body, "In sổ cả trường") {
			t.Fatalf("print page: %d", r.status)
		}
		r := staff.post("/schools/"+school+"/print-jobs", url.Values{"term": {"hk1"}})
		if r.status != 303 || !strings.HasPrefix(r.location(), "/jobs/") {
			t.Fatalf("queue: %d %s\n%.300s", r.status, r.location(), r.body)
		}
		job := r.location()
		if r := staff.get(job); r.status != 200 || !strings.Contains(r.body, "Đang chờ") || !strings.Contains(r.body, "<progress") {
			t.Errorf("job page: %d\n%.500s", r.status, r.body)
		}
		id := strings.TrimPrefix(job, "/jobs/")
		if r := staff.get("/api/v1/jobs/" + id); r.status != 200 || !strings.Contains(r.body, `"status":"queued"`) {
			t.Errorf("job API: %d %s", r.status, r.body)
		}
		if r := staff.get(job + "/download"); r.status != 409 {
			t.Errorf("download of an unfinished job: %d", r.status)
		}
		if r := staff.post("/schools/"+school+"/print-jobs", url.Values{"term": {"gk1"}}); r.status != 422 || !strings.Contains(r.body, "không có lớp nào") {
			t.Errorf("gk1 books of a THCS school: %d", r.status)
		}
		if r := staff.post("/schools/"+school+"/archive-jobs", url.Values{"year": {"2026-2027"}}); r.status != 303 || !strings.HasPrefix(r.location(), "/jobs/") {
			t.Errorf("archive job: %d", r.status)
		} else if r := staff.get(r.location()); r.status != 200 || !strings.Contains(r.body, "Bộ lưu trữ năm học 2026-2027") {
			t.Errorf("archive job page: %d", r.status)
		}
		if r := staff.post("/schools/"+school+"/archive-jobs", url.Values{"year": {"1999-2000"}}); r.status != 422 {
			t.Errorf("archive job of an unknown year: %d", r.status)
		}
		// Another school's staff sees neither the job nor the page.
		other := e.as("thlvt.vanthu")
		if r := other.get(job); r.status != 403 {
			t.Errorf("another school's job: %d", r.status)
		}
		if r := other.post("/schools/"+school+"/print-jobs", url.Values{"term": {"hk1"}}); r.status != 403 {
			t.Errorf("queue for another school: %d", r.status)
		}
	})
}
