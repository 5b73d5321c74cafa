package web

// Printed documents (07-print-archive.md): the class book, the Bảng tổng hợp,
// the học bạ and the corrections register as PDF, from the pages (print
// buttons) and the API; and the public verification page of an issued
// document.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/doc"
)

// sendPDF writes a finished PDF as a download with a UTF-8 file name.
func sendPDF(w http.ResponseWriter, name string, b []byte) {
	sendDownload(w, "application/pdf", name, b)
}

// sendDownload writes a finished file as a download with a UTF-8 file name.
func sendDownload(w http.ResponseWriter, ctype, name string, b []byte) {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func idParam(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy trang."}
	}
	return id, nil
}

// bookPDF serves GET /classes/{id}/book.pdf and
// GET /api/v1/classes/{class_id}/book.pdf?term=hk1|hk2|year (primary:
// gk1|ck1|gk2|cn, the Bảng tổng hợp).
func (s *Server) bookPDF(param string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		id, err := idParam(r, param)
		if err != nil {
			return err
		}
		term := r.URL.Query().Get("term")
		if term == "" {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Chọn kì của sổ: term=hk1, hk2 hoặc year (lớp THCS, THPT); gk1, ck1, gk2 hoặc cn (lớp tiểu học)."}
		}
		b, name, _, err := doc.ClassBookFor(r.Context(), s.app, p, id, term)
		if err != nil {
			return err
		}
		sendPDF(w, name, b)
		return nil
	}
}

// recordPDF serves GET /pupils/{id}/record.pdf and
// GET /api/v1/pupils/{pupil_id}/record.pdf?kind=hoc_ba|extract[&years=2025-2026,2026-2027].
func (s *Server) recordPDF(param string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		id, err := idParam(r, param)
		if err != nil {
			return err
		}
		kind := r.URL.Query().Get("kind")
		if kind == "" {
			kind = sdgdt.DocHocBa
		}
		var years []string
		for _, y := range strings.Split(r.URL.Query().Get("years"), ",") {
			if y = strings.TrimSpace(y); y != "" {
				years = append(years, y)
			}
		}
		b, name, _, err := doc.PupilRecordFor(r.Context(), s.app, p, id, kind, years)
		if err != nil {
			return err
		}
		sendPDF(w, name, b)
		return nil
	}
}

// correctionsPDF serves GET /schools/{id}/corrections.pdf[?year=ID].
func (s *Server) correctionsPDF(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var year int64
	if v := r.URL.Query().Get("year"); v != "" {
		if year, err = strconv.ParseInt(v, 10, 64); err != nil || year <= 0 {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Năm học không hợp lệ: «" + v + "»."}
		}
	}
	b, name, _, err := doc.CorrectionsFor(r.Context(), s.app, p, id, year)
	if err != nil {
		return err
	}
	sendPDF(w, name, b)
	return nil
}

// verifyPage is the public verification page of an issued document: what
// it is and whether its data still holds, with no marks and no names.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	dc, err := s.app.VerifyDocument(r.Context(), code)
	if err != nil {
		if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
			s.render(w, r, http.StatusNotFound, "verify", &Page{Title: "Kiểm tra tài liệu", Bare: true, Data: verifyData{Code: code}})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "verify", &Page{Title: "Kiểm tra tài liệu " + dc.Doc.Code, Bare: true, Data: verifyData{Code: code, Found: true, Check: dc, Short: doc.ShortDigest(dc.Doc.Digest)}})
}

type verifyData struct {
	Code  string
	Found bool
	Check app.DocumentCheck
	Short string
}
