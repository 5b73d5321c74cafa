package web

import (
	"io/fs"
	"net/http"
)

// routes lists every route of the system.
func (s *Server) routes(mux *http.ServeMux) {
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /metrics", s.metricsPage)

	// Sign-in.
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.HandleFunc("GET /login/otp", s.otpPage)
	mux.HandleFunc("POST /login/otp", s.otpSubmit)
	mux.HandleFunc("POST /logout", s.logout)

	// The signed-in user's own account.
	mux.Handle("GET /{$}", s.page(s.home))
	mux.Handle("GET /account", s.page(s.accountPage))
	mux.Handle("POST /account/profile", s.page(s.profileSubmit))
	mux.Handle("GET /account/password", s.setup(s.passwordPage))
	mux.Handle("POST /account/password", s.setup(s.passwordSubmit))
	mux.Handle("GET /account/mfa", s.setup(s.mfaPage))
	mux.Handle("POST /account/mfa", s.setup(s.mfaSubmit))
	mux.Handle("GET /account/mfa/qr.png", s.setup(s.mfaQR))
	mux.Handle("POST /account/sessions/{id}/end", s.page(s.endSession))

	// Management tree, schools, accounts and roles.
	mux.Handle("GET /units", s.page(s.unitsPage))
	mux.Handle("GET /units/{id}", s.page(s.unitPage))
	mux.Handle("POST /units/{id}/units", s.page(s.createUnit))
	mux.Handle("POST /units/{id}/schools", s.page(s.createSchool))
	mux.Handle("GET /schools/{id}", s.page(s.schoolPage))
	mux.Handle("POST /users", s.page(s.createUser))
	mux.Handle("POST /users/{id}/reset-password", s.page(s.resetPassword))
	mux.Handle("POST /users/{id}/reset-mfa", s.page(s.resetMFA))
	mux.Handle("POST /users/{id}/disable", s.page(s.disableUser))
	mux.Handle("POST /users/{id}/enable", s.page(s.enableUser))
	mux.Handle("POST /grants", s.page(s.grantRole))
	mux.Handle("POST /grants/{id}/revoke", s.page(s.revokeRole))
	mux.Handle("GET /years", s.page(s.yearsPage))
	mux.Handle("POST /years", s.page(s.createYear))
	mux.Handle("GET /audit", s.page(s.auditPage))

	// JSON API (05-api.md).
	mux.HandleFunc("POST /api/v1/auth/token", s.apiToken)
	mux.Handle("DELETE /api/v1/auth/token", s.api(s.apiRevokeToken))
	mux.Handle("GET /api/v1/me", s.api(s.apiMe))
	mux.Handle("GET /api/v1/units", s.api(s.apiUnits))
	mux.Handle("GET /api/v1/audit", s.api(s.apiAudit))
	mux.HandleFunc("GET /api/v1/openapi.json", s.apiOpenAPI)
	mux.HandleFunc("/api/", s.apiNotFound)
	mux.HandleFunc("/", s.notFound)
}
