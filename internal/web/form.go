package web

// The handler kit of the HTML pages: a page is a viewFunc that fills a Page,
// and a form is that view plus a submitFunc. One helper (form) parses every
// form, runs its use case, shows a validation error beside the fields on the
// same page, and redirects with a flash message on success.

import (
	"net/http"
	"net/url"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
)

// viewFunc fills a page (title, data, ...) and names its template. When the
// page is shown again after a failed submit, pg.Form holds what was typed and
// pg.Error, pg.Fields the messages; pg.Form is nil on a first showing.
type viewFunc func(r *http.Request, p *app.Principal, pg *Page) (tmpl string, err error)

// submitFunc runs a form's use case with the parsed form. It returns where to
// go and the flash key to show there; an empty to shows the form's page again
// (status 200), with pg.Result set by the submit, for the few results that must
// not travel in a URL (a one-time password, a committed rollover).
type submitFunc func(r *http.Request, p *app.Principal, pg *Page) (to, flash string, err error)

// badForm answers a request body that is not a form (400).
func badForm() error {
	return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Biểu mẫu gửi lên không đọc được; hãy tải lại trang và gửi lại."}
}

// view is the GET handler of a page.
func (s *Server) view(v viewFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		pg := &Page{}
		name, err := v(r, p, pg)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusOK, name, pg)
	}
}

// form is the POST handler of a form shown by v.
func (s *Server) form(v viewFunc, submit submitFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		if err := r.ParseForm(); err != nil {
			return badForm()
		}
		pg := &Page{Form: r.PostForm}
		to, flash, err := submit(r, p, pg)
		status := http.StatusOK
		switch code := sdgdt.ErrorCode(err); code {
		case "":
			if to != "" {
				http.Redirect(w, r, withFlash(to, flash), http.StatusSeeOther)
				return nil
			}
			pg.Form = nil
		case sdgdt.EINVALID, sdgdt.ECONFLICT, sdgdt.ELOCKED:
			pg.Error, pg.Fields, status = sdgdt.ErrorMessage(err), sdgdt.ErrorFields(err), statusOf(code)
		default:
			return err
		}
		name, err := v(r, p, pg)
		if err != nil {
			return err
		}
		return s.render(w, r, status, name, pg)
	}
}

// withFlash adds the flash key to a URL, before its fragment.
func withFlash(to, flash string) string {
	if flash == "" {
		return to
	}
	frag := ""
	if i := strings.IndexByte(to, '#'); i >= 0 {
		to, frag = to[:i], to[i:]
	}
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return to + sep + "msg=" + url.QueryEscape(flash) + frag
}

// retyped reports whether the page is shown again with what was typed.
func (pg *Page) retyped() bool { return pg.Form != nil }
