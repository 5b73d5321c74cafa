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

func (s *Server) locksPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showLocks(w, r, p, http.StatusOK, nil)
}

func (s *Server) showLocks(w http.ResponseWriter, r *http.Request, p *app.Principal, status int, formErr error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sl, err := s.app.LocksOf(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := locksData{SchoolLocks: sl, IsAdmin: !app.Can(p, app.ActLock, app.SchoolTarget(sl.School))}
	if d.Years, err = s.app.SchoolYears(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if sl.CanLock {
		pl, err := s.app.SchoolPlace(r.Context(), p, id)
		if err != nil {
			s.fail(w, r, err)
			return
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
	pg := &Page{Title: "Khóa sổ — " + sl.School.Name, Active: "control", Data: d, Form: r.PostForm}
	if formErr != nil {
		pg.Error, pg.Fields = sdgdt.ErrorMessage(formErr), sdgdt.ErrorFields(formErr)
	}
	s.render(w, r, status, "control_locks", pg)
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

func (s *Server) createLock(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	f := r.PostForm
	in := app.LockInput{SchoolID: id, Term: f.Get("term"), ClassID: formID(r, "class_id"), Reason: f.Get("reason"), RequestedBy: formID(r, "requested_by"), YearID: formID(r, "year_id")}
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
		s.showLocks(w, r, p, http.StatusUnprocessableEntity, sdgdt.Invalid(fields))
		return
	}
	if _, err := s.app.SetLock(r.Context(), p, in); err != nil {
		if sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.showLocks(w, r, p, http.StatusUnprocessableEntity, err)
		return
	}
	http.Redirect(w, r, "/schools/"+strconv.FormatInt(id, 10)+"/locks?msg=locked", http.StatusSeeOther)
}

func (s *Server) liftLock(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	lockID, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	school := formID(r, "school_id")
	if err := s.app.LiftLock(r.Context(), p, lockID, r.PostForm.Get("reason"), formID(r, "requested_by")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/schools/"+strconv.FormatInt(school, 10)+"/locks?msg=unlocked", http.StatusSeeOther)
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

func (s *Server) unitLocksPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ul, err := s.app.UnitLocks(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := unitLocksData{Unit: ul.Unit, CanSet: ul.CanSet}
	for _, l := range ul.Locks {
		d.Locks = append(d.Locks, lockRow{ID: l.ID, Reason: l.Reason, SetBy: l.SetByName, From: l.From, Until: l.Until, Lifted: l.LiftedAt, Active: l.ActiveAt(ul.Now)})
	}
	s.render(w, r, http.StatusOK, "control_unit_locks", &Page{Title: "Khóa kiểm tra — " + ul.Unit.Name, Active: "control", Data: d, Form: r.PostForm})
}

func (s *Server) createUnitLock(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	in := app.LockInput{UnitID: id, Reason: r.PostForm.Get("reason"), Term: r.PostForm.Get("term")}
	var ok1, ok2 bool
	in.From, ok1 = parseDateTime(r.PostForm.Get("from"))
	in.Until, ok2 = parseDateTime(r.PostForm.Get("until"))
	if !ok1 || !ok2 {
		s.fail(w, r, sdgdt.Invalid(map[string]string{"from": "Nhập theo dạng dd/mm/yyyy hh:mm."}))
		return
	}
	if _, err := s.app.SetLock(r.Context(), p, in); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/units/"+strconv.FormatInt(id, 10)+"/locks?msg=locked", http.StatusSeeOther)
}

func (s *Server) liftUnitLock(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	lockID, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	if err := s.app.LiftLock(r.Context(), p, lockID, r.PostForm.Get("reason"), 0); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/units/"+r.PostForm.Get("unit_id")+"/locks?msg=unlocked", http.StatusSeeOther)
}

func (s *Server) approvalsPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sa, err := s.app.ApprovalsOf(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "control_approvals", &Page{Title: "Phê duyệt sổ — " + sa.School.Name, Active: "control", Data: sa})
}

func (s *Server) proposeApproval(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	if _, err := s.app.ProposeApproval(r.Context(), p, formID(r, "class_id"), r.PostForm.Get("term"), r.PostForm.Get("note")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/schools/"+strconv.FormatInt(id, 10)+"/approvals?msg=proposed", http.StatusSeeOther)
}

func (s *Server) decideApproval(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	if err := s.app.DecideApproval(r.Context(), p, id, r.PostForm.Get("decision") == "approve", r.PostForm.Get("note")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/schools/"+r.PostForm.Get("school_id")+"/approvals?msg=decided", http.StatusSeeOther)
}
