package web

import (
	"net/http"
	"net/url"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
)

// accountData is the page data of the account page.
type accountData struct {
	Activity app.AccountActivity
	Current  string
	Others   int // sign-ins from addresses other than the current one
}

func (s *Server) accountView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	act, err := s.app.MyActivity(r.Context(), p)
	if err != nil {
		return "", err
	}
	d := accountData{Activity: act, Current: p.SessionID}
	for _, si := range act.SignIns {
		if si.IP != p.IP {
			d.Others++
		}
	}
	if !pg.retyped() {
		pg.Form = url.Values{"full_name": {p.User.FullName}, "email": {p.User.Email}, "phone": {p.User.Phone}}
	}
	pg.Title, pg.Active, pg.Data = "Tài khoản của tôi", "account", d
	return "account", nil
}

func (s *Server) profileSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	f := pg.Form
	return "/account", "saved", s.app.UpdateProfile(r.Context(), p, f.Get("full_name"), f.Get("email"), f.Get("phone"))
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id := r.PathValue("id")
	if err := s.app.EndMySession(r.Context(), p, id); err != nil {
		return err
	}
	if id == p.SessionID {
		s.clearSession(w)
		http.Redirect(w, r, "/login?msg=signed_out", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/account?msg=ended", http.StatusSeeOther)
	return nil
}

func (s *Server) passwordView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	pg.Title, pg.Active, pg.Bare = "Đổi mật khẩu", "account", p.User.MustChangePW
	pg.Form = nil // passwords are never shown again
	return "password", nil
}

func (s *Server) passwordSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	f := pg.Form
	return "/account", "password", s.app.ChangePassword(r.Context(), p, f.Get("old"), f.Get("new"), f.Get("confirm"))
}

// mfaData is the page data of second-factor enrolment.
type mfaData struct {
	Secret   string
	Enabled  bool
	Required bool
}

func (s *Server) mfaView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	d := mfaData{Enabled: p.User.TOTPEnabled, Required: s.app.NeedsMFAEnrolment(p)}
	switch {
	case pg.retyped(): // a wrong code: the secret being enrolled stays
		d.Enabled, d.Secret = false, p.User.TOTPSecret
	case !d.Enabled:
		secret, err := s.app.BeginTOTP(r.Context(), p)
		if err != nil {
			return "", err
		}
		d.Secret = secret
	}
	pg.Title, pg.Active, pg.Data, pg.Bare = "Xác thực hai lớp", "account", d, d.Required
	return "mfa", nil
}

func (s *Server) mfaSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	return "/account", "mfa", s.app.ConfirmTOTP(r.Context(), p, pg.Form.Get("otp"))
}

func (s *Server) mfaQR(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	if p.User.TOTPEnabled || p.User.TOTPSecret == "" {
		return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không có mã QR để hiển thị."}
	}
	png, err := auth.QRCodePNG(auth.OTPAuthURI(s.app.Cfg.Issuer, p.User.Username, p.User.TOTPSecret), 240)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
	return nil
}
