package web_test

import (
	"net/url"
	"testing"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestKit covers the handler kit: a form with an error is shown again with
// what was typed and the message beside the field (422); a body that is not a
// form is a 400; the audit log shows names and readable changes, never codes
// or JSON.
func TestKit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		f := e.hrFixture()
		cls := "/classes/" + id(f.class)
		p0 := id(f.pupils[0])
		t.Run("form errors", func(t *testing.T) {
			e.run(t, []scenario{
				{name: "records: new pupil keeps the typed name", as: f.homeroom, method: "POST", url: cls + "/pupils",
					body:   url.Values{"full_name": {"Nguyễn Văn Thử Nghiệm"}, "date_of_birth": {"01/02/2012"}, "from": {"32/13/2026"}}.Encode(),
					status: 422, contains: []string{`value="Nguyễn Văn Thử Nghiệm"`, "Ngày vào lớp không hợp lệ (dd/mm/yyyy).", `class="field-err"`}},
				{name: "records: month totals keep the typed count", as: f.homeroom, method: "POST", url: cls + "/absences/month",
					body:   url.Values{"m": {"2026-10"}, "ex_" + p0: {"ba"}, "un_" + p0: {"1"}}.Encode(),
					status: 422, contains: []string{`name="ex_` + p0 + `" value="ba"`, "Nhập số buổi (số nguyên từ 0)."}},
				{name: "records: month totals out of range", as: f.homeroom, method: "POST", url: cls + "/absences/month",
					body:   url.Values{"m": {"2026-10"}, "ex_" + p0: {"60"}, "un_" + p0: {"5"}}.Encode(),
					status: 422, contains: []string{`value="60"`, "Số buổi vắng trong tháng từ 0 đến 62."}},
				{name: "homeroom: conduct keeps the typed comment", as: f.homeroom, method: "POST", url: cls + "/conduct",
					body:   url.Values{"term": {"hk1"}, "pupil": {p0}, "level_" + p0: {"X"}, "comment_" + p0: {"Chữ vừa gõ, chưa lưu"}}.Encode(),
					status: 422, contains: []string{"Chữ vừa gõ, chưa lưu", "Kết quả rèn luyện là T (Tốt), K (Khá), Đ (Đạt) hoặc CĐ (Chưa đạt).", `class="row-err"`}},
				{name: "homeroom: a bad term is the app's message", as: f.homeroom, method: "POST", url: cls + "/comments",
					body:   url.Values{"term": {"hk3"}, "pupil": {p0}, "comment_" + p0: {"Nhận xét vừa gõ"}}.Encode(),
					status: 422, contains: []string{"Kì nhận xét là học kì I, học kì II hoặc cả năm.", "Nhận xét vừa gõ"}},
				{name: "a body that is not a form", as: f.homeroom, method: "POST", url: cls + "/conduct", body: "term=%zz",
					status: 400, contains: []string{"Biểu mẫu gửi lên không đọc được"}},
				{name: "saved: redirect with the flash", as: f.homeroom, method: "POST", url: cls + "/comments",
					body:   url.Values{"term": {"hk1"}, "pupil": {p0}, "comment_" + p0: {"Ngoan"}}.Encode(),
					status: 303, location: cls + "/comments?term=hk1&msg=saved"},
			})
		})
		t.Run("audit", func(t *testing.T) {
			e.run(t, []scenario{
				{name: "sheet.patch is named and readable", as: "thcsnd.bqt", url: "/audit?action=sheet.", status: 200,
					contains: []string{sdgdt.ActSheetPatch.Name(), "Nhập qua: ", "Phiên bản sổ: ", " → "},
					absent:   []string{">sheet.patch<", "&#34;cells&#34;", "{&#34;", `class="json"`, "regular[0]"}},
			})
		})
	})
}
