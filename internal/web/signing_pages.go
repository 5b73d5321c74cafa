package web

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
)

// The pages of digital signatures: "Chữ ký số" in the account (enrol, change
// the PIN, certificate details) and the signing page of a sheet, a class's
// homeroom data or a class book (state, history with the changed cells, the
// document's digest, sign with the PIN or upload an external CMS).

func (s *Server) signingView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	acc, err := s.app.MySigning(r.Context(), p)
	if err != nil {
		return "", err
	}
	pg.Title, pg.Active, pg.Data = "Chữ ký số", "account", acc
	return "signing_account", nil
}

func samePIN(f url.Values, a, b string) error {
	if f.Get(a) != f.Get(b) {
		return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Hai lần nhập mã PIN không khớp.", Fields: map[string]string{b: "Nhập lại đúng mã PIN mới."}}
	}
	return nil
}

func (s *Server) signingEnrol(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	if err := samePIN(pg.Form, "pin", "pin2"); err != nil {
		return "", "", err
	}
	_, err := s.app.Enrol(r.Context(), p, p.User.ID, pg.Form.Get("pin"))
	return "/account/signing", "enrolled", err
}

func (s *Server) signingChangePIN(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	if err := samePIN(pg.Form, "new_pin", "new_pin2"); err != nil {
		return "", "", err
	}
	return "/account/signing", "pin_changed", s.app.ChangePIN(r.Context(), p, pg.Form.Get("pin"), pg.Form.Get("new_pin"))
}

// signObjectOf reads /signing/{kind}/{id}?term=.
func signObjectOf(r *http.Request) (app.SignObject, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return app.SignObject{}, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy dữ liệu cần ký."}
	}
	switch k := r.PathValue("kind"); k {
	case sdgdt.SignSheet:
		return app.SignObject{Kind: k, SheetID: id}, nil
	case sdgdt.SignHomeroom, sdgdt.SignBook:
		return app.SignObject{Kind: k, ClassID: id, Term: r.URL.Query().Get("term")}, nil
	}
	return app.SignObject{}, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy dữ liệu cần ký."}
}

// signPageData is the signing page.
type signPageData struct {
	app.ObjectSignatures
	Title     string
	Back      string
	Canonical string // the API address of the canonical document
	Action    string
	Terms     []string // homeroom data and books: the terms to switch
}

func (s *Server) signView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	o, err := signObjectOf(r)
	if err != nil {
		return "", err
	}
	st, err := s.app.Signatures(r.Context(), p, o)
	if err != nil {
		return "", err
	}
	d := signPageData{ObjectSignatures: st}
	switch o.Kind {
	case sdgdt.SignSheet:
		v, err := s.app.GetSheet(r.Context(), p, o.SheetID)
		if err != nil {
			return "", err
		}
		d.Title = "Ký số bảng điểm " + v.SubjectName + " lớp " + v.Class.Name + " · " + app.SheetTermName(v.Sheet.Term)
		d.Back, d.Canonical, d.Action = "/sheets/"+id64(o.SheetID), "/api/v1/sheets/"+id64(o.SheetID)+"/canonical", "/signing/sheet/"+id64(o.SheetID)
	default:
		what := "dữ liệu chủ nhiệm"
		if o.Kind == sdgdt.SignBook {
			what = "sổ"
		}
		d.Title = "Ký số " + what + " lớp " + st.ClassName + " · " + sdgdt.TermName(o.Term)
		d.Back = "/classes/" + id64(o.ClassID)
		d.Canonical = "/api/v1/classes/" + id64(o.ClassID) + "/" + o.Kind + "/" + url.PathEscape(o.Term) + "/canonical"
		d.Action = "/signing/" + o.Kind + "/" + id64(o.ClassID) + "?term=" + url.QueryEscape(o.Term)
		if app.ValidPoint(o.Term) {
			d.Terms = app.PrimaryPoints
		} else {
			d.Terms = app.ClassTerms
		}
	}
	pg.Title, pg.Data = d.Title, d
	return "signing", nil
}

func (s *Server) signSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	o, err := signObjectOf(r)
	if err != nil {
		return "", "", err
	}
	in := app.SignInput{PIN: pg.Form.Get("pin"), OTP: strings.TrimSpace(pg.Form.Get("otp"))}
	if c := strings.Join(strings.Fields(pg.Form.Get("cms")), ""); c != "" {
		if in.CMS, err = base64.StdEncoding.DecodeString(c); err != nil {
			return "", "", &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Chữ ký CMS phải được dán ở dạng base64.", Fields: map[string]string{"cms": "Không phải base64 hợp lệ."}}
		}
	}
	if _, err := s.app.Sign(r.Context(), p, o, in); err != nil {
		return "", "", err
	}
	to := r.URL.Path
	if o.Term != "" {
		to += "?term=" + url.QueryEscape(o.Term)
	}
	return to, "signed", nil
}

// signObjectName names what a signature is over, for lists.
func signObjectName(sg sdgdt.Signature) string {
	switch sg.ObjectKind {
	case sdgdt.SignSheet:
		return "Bảng điểm (mã " + sg.ObjectKey + ") · " + sdgdt.TermName(sg.Term)
	case sdgdt.SignHomeroom:
		return "Dữ liệu chủ nhiệm · " + sdgdt.TermName(sg.Term)
	}
	return "Sổ của lớp · " + sdgdt.TermName(sg.Term)
}

// sigBadge is a sheet's signature state on the grid.
type sigBadge struct {
	Latest  *app.SignatureState
	CanSign bool
	Href    string
}

// sheetSigBadge returns the grid's signature badge (nil if it cannot be read:
// the grid shows without it).
func (s *Server) sheetSigBadge(r *http.Request, p *app.Principal, id int64) *sigBadge {
	st, err := s.app.Signatures(r.Context(), p, app.SignObject{Kind: sdgdt.SignSheet, SheetID: id})
	if err != nil {
		return nil
	}
	b := &sigBadge{CanSign: st.CanSign, Href: "/signing/sheet/" + id64(id)}
	if len(st.Signatures) > 0 {
		b.Latest = &st.Signatures[0]
	}
	return b
}

// signBatchSubmit starts a batch from a form: a teacher's sheets of a term
// (the sheets page) or a leader's class books of a grade (the school's
// signing overview), then shows its progress.
func (s *Server) signBatchSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	f := pg.Form
	in := app.SignBatchInput{Kind: f.Get("kind"), Term: f.Get("term"), PIN: f.Get("pin"), OTP: strings.TrimSpace(f.Get("otp"))}
	in.SchoolID, _ = strconv.ParseInt(f.Get("school_id"), 10, 64)
	in.Grade, _ = strconv.Atoi(f.Get("grade"))
	job, err := s.app.StartSignBatch(r.Context(), p, in)
	if err != nil {
		return "", "", err
	}
	return "/signing/jobs/" + job.ID, "", nil
}

// signBatchView is the page a failed batch form shows again: the school's
// overview for books, the signing account page for sheets.
func (s *Server) signBatchView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	if pg.Form.Get("kind") == "books" {
		r.SetPathValue("id", pg.Form.Get("school_id"))
		return s.schoolSigningView(r, p, pg)
	}
	return s.signingView(r, p, pg)
}

func (s *Server) signJobPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	job, err := s.app.SignJobStatus(p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "signing_job", &Page{Title: "Ký số hàng loạt", Data: job})
}

func (s *Server) schoolSigningView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return "", &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy trường."}
	}
	ss, err := s.app.SchoolBooks(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	pg.Title, pg.Data = "Ký số sổ các lớp · "+ss.School.Name, ss
	return "signing_school", nil
}

type apiBatchRequest struct {
	Kind     string `json:"kind"`
	Term     string `json:"term"`
	SchoolID flexID `json:"school_id"`
	Grade    int    `json:"grade"`
	PIN      string `json:"pin"`
	OTP      string `json:"otp"`
}

func jobJSON(j app.SignJob) map[string]any {
	items := make([]map[string]any, 0, len(j.Items))
	for _, it := range j.Items {
		m := map[string]any{"object": it.Object.Kind, "name": it.Name, "signature_id": nil, "skipped": it.Skipped, "error": nil}
		if it.SignatureID != 0 {
			m["signature_id"] = id64(it.SignatureID)
		}
		if it.Error != "" {
			m["error"] = it.Error
		}
		switch it.Object.Kind {
		case sdgdt.SignSheet:
			m["sheet_id"] = id64(it.Object.SheetID)
		default:
			m["class_id"], m["term"] = id64(it.Object.ClassID), it.Object.Term
		}
		items = append(items, m)
	}
	return map[string]any{"job_id": j.ID, "kind": j.Kind, "term": j.Term, "total": j.Total, "done": j.Done, "signed": j.Signed,
		"failed": j.Failed, "finished": j.Finished, "items": items}
}

func (s *Server) apiSignBatch(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	var req apiBatchRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	job, err := s.app.StartSignBatch(r.Context(), p, app.SignBatchInput{Kind: req.Kind, Term: req.Term, SchoolID: int64(req.SchoolID), Grade: req.Grade, PIN: req.PIN, OTP: req.OTP})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/signing/jobs/"+job.ID)
	writeJSON(w, http.StatusAccepted, jobJSON(job))
	return nil
}

func (s *Server) apiSignJob(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	job, err := s.app.SignJobStatus(p, r.PathValue("job_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobJSON(job))
	return nil
}

// signingImport imports a PKCS#12 file (multipart form: file, password, pin,
// pin2) as the caller's signing key. The file is read only after the form's
// size is bounded; a refusal shows the account page again.
func (s *Server) signingImport(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	pg := &Page{}
	err := r.ParseMultipartForm(256 << 10)
	if err != nil {
		err = &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Tệp PKCS#12 quá lớn hoặc biểu mẫu không đọc được.", Fields: map[string]string{"file": "Chọn tệp .p12 hoặc .pfx (tối đa 256 KB)."}}
	} else {
		pg.Form = r.PostForm
		err = samePIN(r.PostForm, "p12_pin", "p12_pin2")
	}
	if err == nil {
		f, _, ferr := r.FormFile("file")
		if ferr != nil {
			err = &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Chọn tệp PKCS#12.", Fields: map[string]string{"file": "Chọn tệp .p12 hoặc .pfx."}}
		} else {
			defer f.Close()
			var data []byte
			if data, err = io.ReadAll(io.LimitReader(f, 256<<10)); err == nil {
				_, err = s.app.ImportPKCS12(r.Context(), p, data, r.PostFormValue("password"), r.PostFormValue("p12_pin"))
			}
		}
	}
	return s.formResult(w, r, p, pg, err, "/account/signing", "imported")
}

// signingRegister registers an external signer's certificate (PEM pasted).
func (s *Server) signingRegister(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	_, err := s.app.RegisterCertificate(r.Context(), p, []byte(pg.Form.Get("certificate")))
	return "/account/signing", "registered", err
}

// formResult ends a hand-parsed form the way s.form does: a redirect with a
// flash on success, the account page again with the messages on a refusal.
func (s *Server) formResult(w http.ResponseWriter, r *http.Request, p *app.Principal, pg *Page, err error, to, flash string) error {
	code := sdgdt.ErrorCode(err)
	switch code {
	case "":
		http.Redirect(w, r, withFlash(to, flash), http.StatusSeeOther)
		return nil
	case sdgdt.EINVALID, sdgdt.ECONFLICT:
		pg.Error, pg.Fields = sdgdt.ErrorMessage(err), sdgdt.ErrorFields(err)
	default:
		return err
	}
	name, verr := s.signingView(r, p, pg)
	if verr != nil {
		return verr
	}
	return s.render(w, r, statusOf(code), name, pg)
}
