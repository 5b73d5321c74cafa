package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
)

// writeJSON writes v with status, encoding fully before sending the header.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"Lỗi hệ thống"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

// apiError is the error shape of the API (05-api.md).
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Lock    any               `json:"lock,omitempty"`
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string, fields map[string]string, lock any) {
	writeJSON(w, status, apiError{apiErrorBody{Code: code, Message: msg, Fields: fields, Lock: lock}})
}

// decodeJSON reads a JSON body into v, refusing unknown fields and trailing data.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Nội dung yêu cầu không phải JSON hợp lệ: " + jsonProblem(err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Nội dung yêu cầu có dữ liệu thừa sau đối tượng JSON."}
	}
	return nil
}

func jsonProblem(err error) string {
	s := err.Error()
	if strings.HasPrefix(s, "json: unknown field ") {
		return "trường không được hỗ trợ " + strings.TrimPrefix(s, "json: unknown field ")
	}
	if err == io.EOF {
		return "nội dung trống"
	}
	return s
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// api wraps an API handler: the caller is authenticated by a bearer token.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := bearer(r)
		if tok == "" {
			s.fail(w, r, &sdgdt.Error{Code: sdgdt.EUNAUTHORIZED, Message: "Thiếu mã truy cập (Authorization: Bearer)."})
			return
		}
		p, sess, err := s.app.Authenticate(r.Context(), tok)
		if err == nil && sess.MFAPending {
			err = app.ErrNoSession
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.withMeta(p, r)
		if p.User.MustChangePW && !(r.Method == http.MethodDelete && r.URL.Path == "/api/v1/auth/token") {
			s.fail(w, r, &sdgdt.Error{Code: sdgdt.EPWCHANGE, Message: "Bạn cần đổi mật khẩu trên trang web trước khi dùng API."})
			return
		}
		if err := h(w, r.WithContext(context.WithValue(r.Context(), keyPrincipal, p)), p); err != nil {
			s.fail(w, r, err)
		}
	})
}

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp"`
}

func (s *Server) apiToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.app.SignIn(r.Context(), app.SignInInput{Username: req.Username, Password: req.Password, OTP: req.OTP,
		IP: s.clientIP(r), UserAgent: r.UserAgent(), Kind: "api"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": res.Token, "expires_at": res.ExpiresAt.UTC().Format(time.RFC3339)})
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	if err := s.app.SignOut(r.Context(), p); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type apiRole struct {
	Role      string `json:"role"`
	RoleName  string `json:"role_name"`
	ScopeKind string `json:"scope_kind"`
	ScopeID   string `json:"scope_id"`
	ScopeName string `json:"scope_name"`
	SchoolID  string `json:"school_id,omitempty"`
}

type apiMe struct {
	ID          string    `json:"id"`
	Username    string    `json:"username"`
	FullName    string    `json:"full_name"`
	Email       string    `json:"email"`
	Phone       string    `json:"phone"`
	TOTPEnabled bool      `json:"totp_enabled"`
	Roles       []apiRole `json:"roles"`
}

func id64(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	me := apiMe{ID: id64(p.User.ID), Username: p.User.Username, FullName: p.User.FullName, Email: p.User.Email, Phone: p.User.Phone,
		TOTPEnabled: p.User.TOTPEnabled, Roles: []apiRole{}}
	for _, ro := range p.Roles {
		me.Roles = append(me.Roles, apiRole{Role: ro.Role, RoleName: sdgdt.RoleName(ro.Role), ScopeKind: ro.ScopeKind, ScopeID: id64(ro.ScopeID),
			ScopeName: ro.ScopeName, SchoolID: id64(ro.SchoolID)})
	}
	writeJSON(w, http.StatusOK, me)
	return nil
}

type apiUnit struct {
	ID       string `json:"id"`
	ParentID string `json:"parent_id,omitempty"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Code     string `json:"code"`
}

type apiSchool struct {
	ID      string `json:"id"`
	UnitID  string `json:"unit_id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Code    string `json:"code"`
	Address string `json:"address"`
}

func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	tree, err := s.app.VisibleTree(r.Context(), p)
	if err != nil {
		return err
	}
	out := struct {
		Units   []apiUnit   `json:"units"`
		Schools []apiSchool `json:"schools"`
	}{[]apiUnit{}, []apiSchool{}}
	for _, u := range tree.Units {
		out.Units = append(out.Units, apiUnit{id64(u.ID), id64(u.ParentID), u.Kind, u.Name, u.Code})
	}
	for _, sc := range tree.Schools {
		out.Schools = append(out.Schools, apiSchool{id64(sc.ID), id64(sc.UnitID), sc.Kind, sc.Name, sc.Code, sc.Address})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type apiAuditEntry struct {
	ID        string          `json:"id"`
	Chain     string          `json:"chain"`
	Seq       int64           `json:"seq"`
	At        string          `json:"at"`
	ActorID   string          `json:"actor_id"`
	ActorName string          `json:"actor_name"`
	Action    string          `json:"action"`
	Object    string          `json:"object_kind"`
	ObjectID  string          `json:"object_id"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
	IP        string          `json:"ip"`
	RequestID string          `json:"request_id"`
	Hash      string          `json:"hash"`
	PrevHash  string          `json:"prev_hash"`
}

func rawOrNull(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	q := r.URL.Query()
	aq := app.AuditQuery{Action: q.Get("action"), Actor: q.Get("actor"), ObjectID: q.Get("object_id")}
	aq.SchoolID, _ = strconv.ParseInt(q.Get("school_id"), 10, 64)
	aq.UnitID, _ = strconv.ParseInt(q.Get("unit_id"), 10, 64)
	aq.BeforeID, _ = strconv.ParseInt(q.Get("before_id"), 10, 64)
	aq.Limit, _ = strconv.Atoi(q.Get("limit"))
	entries, err := s.app.AuditLog(r.Context(), p, aq)
	if err != nil {
		return err
	}
	out := []apiAuditEntry{}
	for _, e := range entries {
		out = append(out, apiAuditEntry{id64(e.ID), e.Chain, e.Seq, e.At.UTC().Format(time.RFC3339Nano), id64(e.ActorID), e.ActorName, e.Action,
			e.ObjectKind, e.ObjectID, rawOrNull(e.Before), rawOrNull(e.After), e.IP, e.RequestID, e.Hash, e.PrevHash})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không có điểm cuối API này."})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy trang bạn yêu cầu."})
}
