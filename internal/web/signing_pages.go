package web

import (
	"encoding/base64"
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
