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

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	act, err := s.app.MyActivity(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := accountData{Activity: act, Current: p.SessionID}
	for _, si := range act.SignIns {
		if si.IP != p.IP {
			d.Others++
		}
	}
	form := url.Values{"full_name": {p.User.FullName}, "email": {p.User.Email}, "phone": {p.User.Phone}}
	s.render(w, r, http.StatusOK, "account", &Page{Title: "Tài khoản của tôi", Active: "account", Data: d, Form: form})
}

func (s *Server) profileSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	r.ParseForm()
	err := s.app.UpdateProfile(r.Context(), p, r.PostForm.Get("full_name"), r.PostForm.Get("email"), r.PostForm.Get("phone"))
	if sdgdt.ErrorCode(err) == sdgdt.EINVALID {
		act, _ := s.app.MyActivity(r.Context(), p)
		s.render(w, r, http.StatusUnprocessableEntity, "account", &Page{Title: "Tài khoản của tôi", Active: "account",
			Data: accountData{Activity: act, Current: p.SessionID}, Error: sdgdt.ErrorMessage(err), Fields: sdgdt.ErrorFields(err), Form: r.PostForm})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?msg=saved", http.StatusSeeOther)
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id := r.PathValue("id")
	if err := s.app.EndMySession(r.Context(), p, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if id == p.SessionID {
		s.clearSession(w)
		http.Redirect(w, r, "/login?msg=signed_out", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/account?msg=ended", http.StatusSeeOther)
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.render(w, r, http.StatusOK, "password", &Page{Title: "Đổi mật khẩu", Active: "account", Bare: p.User.MustChangePW})
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	r.ParseForm()
	err := s.app.ChangePassword(r.Context(), p, r.PostForm.Get("old"), r.PostForm.Get("new"), r.PostForm.Get("confirm"))
	if sdgdt.ErrorCode(err) == sdgdt.EINVALID {
		s.render(w, r, http.StatusUnprocessableEntity, "password", &Page{Title: "Đổi mật khẩu", Active: "account", Bare: p.User.MustChangePW,
			Error: sdgdt.ErrorMessage(err), Fields: sdgdt.ErrorFields(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?msg=password", http.StatusSeeOther)
}

// mfaData is the page data of second-factor enrolment.
type mfaData struct {
	Secret   string
	Enabled  bool
	Required bool
}

func (s *Server) mfaPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	d := mfaData{Enabled: p.User.TOTPEnabled, Required: s.app.NeedsMFAEnrolment(p)}
	if !d.Enabled {
		secret, err := s.app.BeginTOTP(r.Context(), p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Secret = secret
	}
	s.render(w, r, http.StatusOK, "mfa", &Page{Title: "Xác thực hai lớp", Active: "account", Data: d, Bare: d.Required})
}

func (s *Server) mfaSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	r.ParseForm()
	err := s.app.ConfirmTOTP(r.Context(), p, r.PostForm.Get("otp"))
	if sdgdt.ErrorCode(err) == sdgdt.EINVALID {
		d := mfaData{Secret: p.User.TOTPSecret, Required: s.app.NeedsMFAEnrolment(p)}
		s.render(w, r, http.StatusUnprocessableEntity, "mfa", &Page{Title: "Xác thực hai lớp", Active: "account", Data: d, Bare: d.Required,
			Error: sdgdt.ErrorMessage(err), Fields: sdgdt.ErrorFields(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?msg=mfa", http.StatusSeeOther)
}

func (s *Server) mfaQR(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	if p.User.TOTPEnabled || p.User.TOTPSecret == "" {
		s.fail(w, r, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không có mã QR để hiển thị."})
		return
	}
	png, err := auth.QRCodePNG(auth.OTPAuthURI(s.app.Cfg.Issuer, p.User.Username, p.User.TOTPSecret), 240)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
}
