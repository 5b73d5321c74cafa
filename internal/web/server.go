// Package web serves the HTML pages and the JSON API. routes.go lists every
// route; handlers decode input, call one use case of package app, and render.
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/archive"
)

//go:embed templates/*.html static
var assets embed.FS

// Options configure the server.
type Options struct {
	SecureCookies bool   // set Secure on cookies (behind TLS)
	TrustProxy    bool   // take the client address from X-Forwarded-For
	Version       string // shown in the footer and /healthz
	MetricsToken  string // bearer token that opens /metrics to other hosts; loopback needs none
	// Jobs runs the background print jobs (nil: a runner keeping its
	// results in the system's temporary directory, for tests).
	Jobs *archive.Runner
}

// Server is the HTTP interface over the use cases.
type Server struct {
	app     *app.App
	log     *slog.Logger
	opt     Options
	pages   map[string]*template.Template
	metrics *metrics
	handler http.Handler
}

// NewServer returns the HTTP handler of the whole system.
func NewServer(a *app.App, log *slog.Logger, opt Options) (*Server, error) {
	if opt.Jobs == nil {
		opt.Jobs = archive.NewRunner(a, filepath.Join(os.TempDir(), "sdgdt-jobs"), log)
	}
	s := &Server{app: a, log: log, opt: opt, metrics: newMetrics()}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.middleware(mux)
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) parseTemplates() error {
	s.pages = map[string]*template.Template{}
	funcs := s.funcMap()
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return err
		}
		s.pages[base] = t
	}
	return nil
}

type ctxKey int

const (
	keyPrincipal ctxKey = iota
	keyRequestID
)

// statusWriter remembers the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Yêu cầu bị từ chối vì đến từ một trang khác (bảo vệ CSRF)."})
	}))
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.opt.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		sw := &statusWriter{ResponseWriter: w}
		r.Body = http.MaxBytesReader(sw, r.Body, 32<<20)
		// The mux records the matched pattern on the request it is given: this one.
		req := r.WithContext(context.WithValue(r.Context(), keyRequestID, id))
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "err", p, "path", r.URL.Path, "request_id", id)
				if sw.status == 0 {
					http.Error(sw, "Lỗi hệ thống", http.StatusInternalServerError)
				}
			}
			d := time.Since(start)
			s.metrics.observe(req.Pattern, sw.status, d)
			if !strings.HasPrefix(r.URL.Path, "/static/") && r.URL.Path != "/healthz" && r.URL.Path != "/metrics" {
				s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", d.Milliseconds(), "request_id", id)
			}
		}()
		protected.ServeHTTP(sw, req)
	})
}

// clientIP returns the client's address.
func (s *Server) clientIP(r *http.Request) string {
	if s.opt.TrustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			ip := strings.TrimSpace(strings.Split(f, ",")[0])
			if _, err := netip.ParseAddr(ip); err == nil {
				return ip
			}
		}
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return ap.Addr().String()
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

func principal(r *http.Request) *app.Principal {
	p, _ := r.Context().Value(keyPrincipal).(*app.Principal)
	return p
}

// withMeta fills in where the request came from.
func (s *Server) withMeta(p *app.Principal, r *http.Request) *app.Principal {
	p.IP, p.UserAgent, p.RequestID = s.clientIP(r), r.UserAgent(), requestID(r)
	return p
}

// render executes a page into a buffer, then writes it, so that a template error
// never sends half a page.
// A template error is answered here (500), so render returns nil and a
// handler ends with return s.render(...).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *Page) error {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("no template", "name", name)
		http.Error(w, "Lỗi hệ thống", http.StatusInternalServerError)
		return nil
	}
	pg.fill(s, r)
	var buf bytes.Buffer
	if err := t.Execute(&buf, pg); err != nil {
		s.log.Error("render", "template", name, "err", err, "request_id", requestID(r))
		http.Error(w, "Lỗi hệ thống khi hiển thị trang", http.StatusInternalServerError)
		return nil
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	var err error
	if sdgdt.ContinuingEducation(pg.SchoolKind) {
		_, err = io.WriteString(w, sdgdt.ForKind(pg.SchoolKind, buf.String()))
	} else {
		_, err = buf.WriteTo(w)
	}
	if err != nil {
		s.log.Debug("write", "err", err, "request_id", requestID(r))
	}
	return nil
}

// statusOf maps an error code to its HTTP status: the one place that does.
func statusOf(code string) int {
	switch code {
	case sdgdt.EINVALID:
		return http.StatusUnprocessableEntity
	case sdgdt.EMALFORMED:
		return http.StatusBadRequest
	case sdgdt.EUNAUTHORIZED, sdgdt.EMFAREQUIRED:
		return http.StatusUnauthorized
	case sdgdt.EFORBIDDEN, sdgdt.EPWCHANGE:
		return http.StatusForbidden
	case sdgdt.ENOTFOUND:
		return http.StatusNotFound
	case sdgdt.ECONFLICT:
		return http.StatusConflict
	case sdgdt.ELOCKED:
		return http.StatusLocked
	case sdgdt.ETHROTTLED:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// fail answers an error: JSON under /api/, an error page elsewhere. Internal
// errors are logged with their cause; the user sees a safe message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := sdgdt.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "err", err, "path", r.URL.Path, "request_id", requestID(r))
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		var lock any
		var e *sdgdt.Error
		if errors.As(err, &e) {
			lock = e.Lock
		}
		writeJSONError(w, status, code, sdgdt.ErrorMessage(err), sdgdt.ErrorFields(err), lock)
		return
	}
	s.render(w, r, status, "error", &Page{Title: "Không thực hiện được", Error: sdgdt.ErrorMessage(err), Status: status})
}
