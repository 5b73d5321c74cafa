package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
)

const sessionCookie = "sdgdt_session"

func (s *Server) setSession(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.opt.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: expires})
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.opt.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

func sessionToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// safeNext keeps a post-sign-in redirect inside this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// authenticated resolves the session cookie; setup pages (password change,
// second-factor enrolment) are reachable before the account is fully set up.
func (s *Server) authenticated(w http.ResponseWriter, r *http.Request, setup bool) (*app.Principal, bool) {
	p, sess, err := s.app.Authenticate(r.Context(), sessionToken(r))
	if err != nil {
		if sdgdt.ErrorCode(err) != sdgdt.EUNAUTHORIZED {
			s.fail(w, r, err)
			return nil, false
		}
		s.clearSession(w)
		q := url.Values{"next": {r.URL.RequestURI()}}
		if sessionToken(r) != "" {
			q.Set("msg", "expired")
		}
		http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
		return nil, false
	}
	if sess.MFAPending {
		http.Redirect(w, r, "/login/otp", http.StatusSeeOther)
		return nil, false
	}
	s.withMeta(p, r)
	if !setup {
		if p.User.MustChangePW {
			http.Redirect(w, r, "/account/password?msg=must_change", http.StatusSeeOther)
			return nil, false
		}
		if s.app.NeedsMFAEnrolment(p) {
			http.Redirect(w, r, "/account/mfa", http.StatusSeeOther)
			return nil, false
		}
	}
	return p, true
}

// handlerFunc is a handler of a signed-in user: it answers the request, or
// returns the error that s.fail answers (the one error path).
type handlerFunc func(w http.ResponseWriter, r *http.Request, p *app.Principal) error

// page wraps a handler that needs a fully set-up, signed-in user.
func (s *Server) page(h handlerFunc) http.Handler { return s.signedIn(h, false) }

// setup wraps the pages that complete an account (password, second factor).
func (s *Server) setup(h handlerFunc) http.Handler { return s.signedIn(h, true) }

func (s *Server) signedIn(h handlerFunc, setup bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.authenticated(w, r, setup)
		if !ok {
			return
		}
		if err := h(w, r.WithContext(context.WithValue(r.Context(), keyPrincipal, p)), p); err != nil {
			s.fail(w, r, err)
		}
	})
}

// legacy adapts a handler that answers its own errors (the Excel handlers of
// records_xlsx.go and sheet_xlsx.go, which move to package report) to handlerFunc.
func legacy(h func(w http.ResponseWriter, r *http.Request, p *app.Principal)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		h(w, r, p)
		return nil
	}
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if p, sess, err := s.app.Authenticate(r.Context(), sessionToken(r)); err == nil && !sess.MFAPending && p != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", &Page{Title: "Đăng nhập", Bare: true, Form: url.Values{"next": {r.URL.Query().Get("next")}}})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badForm())
		return
	}
	in := app.SignInInput{Username: r.PostForm.Get("username"), Password: r.PostForm.Get("password"),
		IP: s.clientIP(r), UserAgent: r.UserAgent(), Kind: "web"}
	res, err := s.app.SignIn(r.Context(), in)
	if err != nil {
		code := sdgdt.ErrorCode(err)
		if code != sdgdt.EUNAUTHORIZED && code != sdgdt.ETHROTTLED && code != sdgdt.EINVALID {
			s.fail(w, r, err)
			return
		}
		form := url.Values{"username": {in.Username}, "next": {r.PostForm.Get("next")}}
		s.render(w, r, statusOf(code), "login", &Page{Title: "Đăng nhập", Bare: true, Error: sdgdt.ErrorMessage(err), Fields: sdgdt.ErrorFields(err), Form: form})
		return
	}
	// A new session id at every sign-in (rotation): the old cookie is replaced.
	s.setSession(w, res.Token, res.ExpiresAt)
	next := safeNext(r.PostForm.Get("next"))
	if res.MFAPending {
		http.Redirect(w, r, "/login/otp?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) otpPage(w http.ResponseWriter, r *http.Request) {
	_, sess, err := s.app.Authenticate(r.Context(), sessionToken(r))
	if err != nil || !sess.MFAPending {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "otp", &Page{Title: "Xác thực hai lớp", Bare: true, User: nil, Form: url.Values{"next": {r.URL.Query().Get("next")}}})
}

func (s *Server) otpSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badForm())
		return
	}
	token, err := s.app.VerifyMFA(r.Context(), sessionToken(r), r.PostForm.Get("otp"))
	if err != nil {
		code := sdgdt.ErrorCode(err)
		if code == sdgdt.ENOTFOUND {
			http.Redirect(w, r, "/login?msg=expired", http.StatusSeeOther)
			return
		}
		if code != sdgdt.EUNAUTHORIZED && code != sdgdt.ETHROTTLED {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, statusOf(code), "otp", &Page{Title: "Xác thực hai lớp", Bare: true, Error: sdgdt.ErrorMessage(err), Fields: sdgdt.ErrorFields(err), Form: url.Values{"next": {r.PostForm.Get("next")}}})
		return
	}
	// The session's id changed with the second factor: the new cookie.
	s.setSession(w, token, time.Now().Add(s.app.Cfg.AbsoluteTimeout))
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if p, _, err := s.app.Authenticate(r.Context(), sessionToken(r)); err == nil {
		if err := s.app.SignOut(r.Context(), s.withMeta(p, r)); err != nil {
			s.log.Warn("sign out", "err", err)
		}
	}
	s.clearSession(w)
	http.Redirect(w, r, "/login?msg=signed_out", http.StatusSeeOther)
}
