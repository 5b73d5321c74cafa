package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
)

// locksData is the lock page of a school.
type locksData struct {
	app.SchoolLocks
	Years   []sdgdt.SchoolYear
	Classes []classOption
	Leaders []userOption
	IsAdmin bool // a sysadmin: must name the leader who asked
}

type classOption struct {
	ID   int64
	Name string
}

type userOption struct {
	ID   int64
	Name string
}

func (s *Server) locksView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	sl, err := s.app.LocksOf(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	d := locksData{SchoolLocks: sl, IsAdmin: !app.Can(p, app.ActLock, app.SchoolTarget(sl.School))}
	if d.Years, err = s.app.SchoolYears(r.Context()); err != nil {
		return "", err
	}
	if sl.CanLock {
		pl, err := s.app.SchoolPlace(r.Context(), p, id)
		if err != nil {
			return "", err
		}
		for _, c := range pl.Classes {
			d.Classes = append(d.Classes, classOption{c.ID, c.Name})
		}
		for _, m := range pl.Members {
			for _, g := range m.Grants {
				if g.Role == sdgdt.RoleLeader {
					d.Leaders = append(d.Leaders, userOption{m.User.ID, m.User.FullName})
				}
			}
		}
	}
	pg.Title, pg.Active, pg.Data = "Khóa sổ — "+sl.School.Name, "control", d
	return "control_locks", nil
}

// parseDateTime reads "dd/mm/yyyy hh:mm" (or a date alone, or the value of a
// datetime-local input) in Vietnam's time zone.
func parseDateTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{"02/01/2006 15:04", "2/1/2006 15:04", "2006-01-02T15:04", "02/01/2006", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, sdgdt.Vietnam); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Server) createLock(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	in := app.LockInput{SchoolID: id, Term: f.Get("term"), ClassID: formID(r, "class_id"), Reason: f.Get("reason"), RequestedBy: formID(r, "requested_by"), YearID: formID(r, "year_id"), Field: f.Get("field")}
	in.Grade, _ = strconv.Atoi(f.Get("grade"))
	fields := map[string]string{}
	var ok bool
	if in.From, ok = parseDateTime(f.Get("from")); !ok {
		fields["from"] = "Nhập theo dạng dd/mm/yyyy hh:mm."
	}
	if in.Until, ok = parseDateTime(f.Get("until")); !ok {
		fields["until"] = "Nhập theo dạng dd/mm/yyyy hh:mm."
	}
	if len(fields) > 0 {
		return "", "", sdgdt.Invalid(fields)
	}
	_, err = s.app.SetLock(r.Context(), p, in)
	return schoolURL(id, "locks"), "locked", err
}

// liftLock is posted from the school's lock page (the form names the school).
func (s *Server) liftLock(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	lockID, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	school := formID(r, "school_id")
	err = s.app.LiftLock(r.Context(), p, lockID, pg.Form.Get("reason"), formID(r, "requested_by"))
	r.SetPathValue("id", strconv.FormatInt(school, 10))
	return schoolURL(school, "locks"), "unlocked", err
}

// unitLocksData is the inspection-window page of a unit.
type unitLocksData struct {
	Unit   sdgdt.Unit
	Locks  []lockRow
	CanSet bool
}

type lockRow struct {
	ID                  int64
	Reason, SetBy       string
	From, Until, Lifted time.Time
	Active              bool
}

func (s *Server) unitLocksView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	ul, err := s.app.UnitLocks(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	d := unitLocksData{Unit: ul.Unit, CanSet: ul.CanSet}
	for _, l := range ul.Locks {
		d.Locks = append(d.Locks, lockRow{ID: l.ID, Reason: l.Reason, SetBy: l.SetByName, From: l.From, Until: l.Until, Lifted: l.LiftedAt, Active: l.ActiveAt(ul.Now)})
	}
	pg.Title, pg.Active, pg.Data = "Khóa kiểm tra — "+ul.Unit.Name, "control", d
	return "control_unit_locks", nil
}

func (s *Server) createUnitLock(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	in := app.LockInput{UnitID: id, Reason: f.Get("reason"), Term: f.Get("term")}
	fields := map[string]string{}
	var ok bool
	if in.From, ok = parseDateTime(f.Get("from")); !ok {
		fields["from"] = "Nhập theo dạng dd/mm/yyyy hh:mm."
	}
	if in.Until, ok = parseDateTime(f.Get("until")); !ok {
		fields["until"] = "Nhập theo dạng dd/mm/yyyy hh:mm."
	}
	if len(fields) > 0 {
		return "", "", sdgdt.Invalid(fields)
	}
	_, err = s.app.SetLock(r.Context(), p, in)
	return "/units/" + strconv.FormatInt(id, 10) + "/locks", "locked", err
}

// liftUnitLock is posted from the unit's lock page (the form names the unit).
func (s *Server) liftUnitLock(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	lockID, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	unit := formID(r, "unit_id")
	err = s.app.LiftLock(r.Context(), p, lockID, pg.Form.Get("reason"), 0)
	r.SetPathValue("id", strconv.FormatInt(unit, 10))
	return "/units/" + strconv.FormatInt(unit, 10) + "/locks", "unlocked", err
}

func (s *Server) approvalsView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	sa, err := s.app.ApprovalsOf(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	pg.Title, pg.Active, pg.Data = "Phê duyệt sổ — "+sa.School.Name, "control", sa
	return "control_approvals", nil
}

func (s *Server) proposeApproval(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	_, err = s.app.ProposeApproval(r.Context(), p, formID(r, "class_id"), pg.Form.Get("term"), pg.Form.Get("note"))
	return schoolURL(id, "approvals"), "proposed", err
}

// decideApproval is posted from the school's approvals page (the form names the school).
func (s *Server) decideApproval(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	school := formID(r, "school_id")
	err = s.app.DecideApproval(r.Context(), p, id, app.ApprovalDecision{Approve: pg.Form.Get("decision") == "approve", Note: pg.Form.Get("note"), ConfirmIncomplete: pg.Form.Get("confirm") == "1"})
	r.SetPathValue("id", strconv.FormatInt(school, 10))
	return schoolURL(school, "approvals"), "decided", err
}
