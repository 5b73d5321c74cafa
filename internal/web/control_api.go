package web

import (
	"net/http"
	"strconv"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
)

// apiLockRequest is the body of POST /api/v1/locks (05-api.md).
type apiLockRequest struct {
	UnitID      string `json:"unit_id"`
	SchoolID    string `json:"school_id"`
	SchoolYear  string `json:"school_year"`
	Term        string `json:"term"`
	Grade       int    `json:"grade"`
	ClassID     string `json:"class_id"`
	SheetID     string `json:"sheet_id"`
	From        string `json:"from"`
	Until       string `json:"until"`
	Reason      string `json:"reason"`
	RequestedBy string `json:"requested_by"`
	Field       string `json:"field"`
}

type apiLock struct {
	LockID      string  `json:"lock_id"`
	UnitPath    string  `json:"unit_path,omitempty"`
	SchoolID    string  `json:"school_id,omitempty"`
	SchoolYear  string  `json:"school_year_id,omitempty"`
	Term        string  `json:"term,omitempty"`
	Grade       int     `json:"grade,omitempty"`
	ClassID     string  `json:"class_id,omitempty"`
	SheetID     string  `json:"sheet_id,omitempty"`
	Field       string  `json:"field,omitempty"`
	From        string  `json:"from"`
	Until       *string `json:"until"`
	Reason      string  `json:"reason"`
	Source      string  `json:"source"`
	SetBy       string  `json:"set_by"`
	RequestedBy string  `json:"requested_by,omitempty"`
	SetAt       string  `json:"set_at"`
	Active      bool    `json:"active"`
	Lifted      bool    `json:"lifted"`
	LiftedAt    *string `json:"lifted_at"`
}

func toAPILock(l sdgdt.Lock, now time.Time) apiLock {
	out := apiLock{LockID: id64(l.ID), UnitPath: l.UnitPath, SchoolID: id64(l.SchoolID), SchoolYear: id64(l.SchoolYearID), Term: l.Term, Grade: l.Grade, Field: l.Field,
		ClassID: id64(l.ClassID), SheetID: id64(l.SheetID), From: l.From.UTC().Format(time.RFC3339), Reason: l.Reason, Source: l.Source, SetBy: l.SetByName,
		RequestedBy: id64(l.RequestedBy), SetAt: l.SetAt.UTC().Format(time.RFC3339), Active: l.ActiveAt(now), Lifted: !l.LiftedAt.IsZero()}
	if !l.Until.IsZero() {
		u := l.Until.UTC().Format(time.RFC3339)
		out.Until = &u
	}
	if !l.LiftedAt.IsZero() {
		u := l.LiftedAt.UTC().Format(time.RFC3339)
		out.LiftedAt = &u
	}
	return out
}

func parseID(field, v string, fields map[string]string) int64 {
	if v == "" {
		return 0
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		fields[field] = "Mã không hợp lệ."
	}
	return id
}

func (s *Server) apiCreateLock(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	var req apiLockRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	fields := map[string]string{}
	in := app.LockInput{UnitID: parseID("unit_id", req.UnitID, fields), SchoolID: parseID("school_id", req.SchoolID, fields), Term: req.Term, Grade: req.Grade,
		ClassID: parseID("class_id", req.ClassID, fields), SheetID: parseID("sheet_id", req.SheetID, fields), Reason: req.Reason,
		RequestedBy: parseID("requested_by", req.RequestedBy, fields), Field: req.Field}
	for _, t := range []struct {
		name string
		v    string
		dst  *time.Time
	}{{"from", req.From, &in.From}, {"until", req.Until, &in.Until}} {
		if t.v == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339, t.v)
		if err != nil {
			fields[t.name] = "Thời điểm theo RFC 3339, ví dụ 2027-01-20T00:00:00+07:00."
		}
		*t.dst = v
	}
	if req.SchoolYear != "" {
		years, err := s.app.SchoolYears(r.Context())
		if err != nil {
			return err
		}
		for _, y := range years {
			if y.Name == req.SchoolYear || id64(y.ID) == req.SchoolYear {
				in.YearID = y.ID
			}
		}
		if in.YearID == 0 {
			fields["school_year"] = "Không có năm học " + req.SchoolYear + "."
		}
	}
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	l, err := s.app.SetLock(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPILock(l, s.app.Now()))
	return nil
}

func (s *Server) apiListLocks(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := strconv.ParseInt(r.URL.Query().Get("school_id"), 10, 64)
	if err != nil {
		return sdgdt.Invalid(map[string]string{"school_id": "Cần tham số school_id."})
	}
	sl, err := s.app.LocksOf(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := []apiLock{}
	for _, l := range sl.Locks {
		out = append(out, toAPILock(l, sl.Now))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiLiftLock(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	fields := map[string]string{}
	requestedBy := parseID("requested_by", q.Get("requested_by"), fields)
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	if err := s.app.LiftLock(r.Context(), p, id, q.Get("reason"), requestedBy); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
