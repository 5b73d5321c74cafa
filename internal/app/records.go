package app

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// ClassRecords is the page data of a class's records: its pupils in
// Vietnamese order, their absences this year, and what the viewer may do.
type ClassRecords struct {
	Class       sdgdt.Class
	School      sdgdt.School
	Year        sdgdt.SchoolYear
	Roster      []sdgdt.RosterEntry
	Former      []sdgdt.RosterEntry // moved, left or transferred this year
	Absences    map[int64]sdgdt.AbsenceCount
	Subjects    []sdgdt.ClassSubject
	CanKeep     bool // homeroom teacher, school administrator
	CanProfiles bool // may see identity numbers and phones unmasked
}

// ClassRecords returns a class's list for anyone who may read the school.
func (a *App) ClassRecords(ctx context.Context, p *Principal, classID int64) (ClassRecords, error) {
	var cr ClassRecords
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if cr.Class, err = tx.Class(classID); err != nil {
			return err
		}
		if cr.School, err = tx.School(cr.Class.SchoolID); err != nil {
			return err
		}
		t := ClassTarget(cr.School, classID)
		if !Can(p, ActReadClass, t) {
			return forbidden()
		}
		cr.CanKeep, cr.CanProfiles = Can(p, ActKeepClassRecords, t), Can(p, ActViewProfiles, t)
		all, err := tx.ClassRoster(classID, true)
		if err != nil {
			return err
		}
		var ids []int64
		for _, r := range all {
			if r.Status == sdgdt.EnrolStudying {
				cr.Roster = append(cr.Roster, r)
			} else {
				cr.Former = append(cr.Former, r)
			}
			ids = append(ids, r.Pupil.ID)
		}
		if cr.Year, err = schoolYear(tx, cr.Class.SchoolYearID); err != nil {
			return err
		}
		if cr.Absences, err = tx.YearAbsences(cr.School.ID, cr.Class.SchoolYearID, ids); err != nil {
			return err
		}
		cr.Subjects, err = tx.ClassSubjects(classID)
		return err
	})
	if err == nil && !cr.CanProfiles {
		for i := range cr.Roster {
			MaskPupil(&cr.Roster[i].Pupil)
		}
		for i := range cr.Former {
			MaskPupil(&cr.Former[i].Pupil)
		}
	}
	return cr, err
}

func schoolYear(tx *store.Tx, id int64) (sdgdt.SchoolYear, error) {
	ys, err := tx.SchoolYears()
	if err != nil {
		return sdgdt.SchoolYear{}, err
	}
	for _, y := range ys {
		if y.ID == id {
			return y, nil
		}
	}
	return sdgdt.SchoolYear{}, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy năm học."}
}

// MaskPupil hides the personal data of a minor from those who do not need it:
// the identity number and the parents' phone keep only their last digits, the
// address only its last part.
func MaskPupil(p *sdgdt.Pupil) {
	p.IdentityNumber = mask(p.IdentityNumber, 3)
	p.GuardianPhone = mask(p.GuardianPhone, 3)
	if i := strings.LastIndex(p.Address, ","); i >= 0 {
		p.Address = "…" + p.Address[i:]
	} else if p.Address != "" {
		p.Address = "…"
	}
}

func mask(s string, keep int) string {
	if s == "" {
		return ""
	}
	n := utf8.RuneCountInString(s)
	if n <= keep {
		return strings.Repeat("•", n)
	}
	return strings.Repeat("•", n-keep) + string([]rune(s)[n-keep:])
}

// PupilProfile is a pupil's full profile with where he studies and the history
// of changes to it.
type PupilProfile struct {
	Pupil     sdgdt.Pupil
	School    sdgdt.School
	Class     sdgdt.Class
	Status    string
	History   []ProfileChange
	Movements []sdgdt.Movement
	Masked    bool
	CanEdit   bool
}

// ProfileChange is one recorded change of a profile (from the audit log).
type ProfileChange struct {
	At     time.Time
	By     string
	Action string
	Before string
	After  string
}

// PupilProfile returns a pupil's profile. A full (unmasked) view is recorded in
// the audit log, as personal data law asks.
func (a *App) PupilProfile(ctx context.Context, p *Principal, pupilID int64) (PupilProfile, error) {
	var pp PupilProfile
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		var err error
		if pp.Pupil, err = tx.Pupil(pupilID); err != nil {
			return err
		}
		if pp.School, err = tx.School(pp.Pupil.SchoolID); err != nil {
			return err
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		if e, err := tx.CurrentEnrolment(pupilID, y.ID); err == nil {
			pp.Class, _ = tx.Class(e.ClassID)
			pp.Status = e.Status
		}
		t := ClassTarget(pp.School, pp.Class.ID)
		if !Can(p, ActReadClass, t) {
			return forbidden()
		}
		pp.CanEdit = Can(p, ActKeepClassRecords, t)
		pp.Masked = !Can(p, ActViewProfiles, t)
		if pp.Movements, err = tx.PupilMovements(pupilID); err != nil {
			return err
		}
		entries, err := tx.ListAudit(sdgdt.AuditFilter{SchoolIDs: []int64{pp.School.ID}, ObjectID: idStr(pupilID), Action: "pupil.", Limit: 100})
		if err != nil {
			return err
		}
		for _, e := range entries {
			if sdgdt.Action(e.Action) == sdgdt.ActPupilView {
				continue
			}
			pp.History = append(pp.History, ProfileChange{At: e.At, By: e.ActorName, Action: e.Action, Before: e.Before, After: e.After})
		}
		if pp.Masked {
			MaskPupil(&pp.Pupil)
			// The history's old and new values hold the same personal data.
			for i := range pp.History {
				pp.History[i].Before, pp.History[i].After = "", ""
			}
			return nil
		}
		return record(tx, p, sdgdt.ActPupilView, "pupil", idStr(pupilID), pp.School.ID, pp.School.UnitPath, nil, nil)
	})
	return pp, err
}

// UpdatePupil changes a pupil's profile; the audit log keeps the old values.
func (a *App) UpdatePupil(ctx context.Context, p *Principal, pupilID int64, in PupilInput) error {
	np, fields := in.ToPupil(a.DB.Now())
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		old, err := tx.Pupil(pupilID)
		if err != nil {
			return err
		}
		s, err := tx.School(old.SchoolID)
		if err != nil {
			return err
		}
		classID := int64(0)
		if y, err := tx.CurrentYear(); err == nil {
			if e, err := tx.CurrentEnrolment(pupilID, y.ID); err == nil {
				classID = e.ClassID
			}
		}
		if !Can(p, ActKeepClassRecords, ClassTarget(s, classID)) {
			return forbidden()
		}
		np.ID, np.SchoolID, np.CreatedAt = old.ID, old.SchoolID, old.CreatedAt
		if changed := bookProfileChanges(old, np); classID != 0 && len(changed) > 0 {
			// What the books print changes, under the year's lock, only
			// through a correction.
			c, err := tx.Class(classID)
			if err != nil {
				return err
			}
			if err := checkClassConductWritable(tx, c, "hk2"); err != nil {
				if e, ok := err.(*sdgdt.Error); ok && e.Code == sdgdt.ELOCKED {
					e.Fields = changed
				}
				return err
			}
		}
		if err := tx.UpdatePupil(&np); err != nil {
			return err
		}
		if classID != 0 && old.FullName() != np.FullName() { // the name is in the signed documents
			c, err := tx.Class(classID)
			if err != nil {
				return err
			}
			if err := a.voidChanged(tx, p, s.ID, classID, allTerms(c), VoidEdit); err != nil {
				return err
			}
		}
		return record(tx, p, sdgdt.ActPupilUpdate, "pupil", idStr(pupilID), s.ID, s.UnitPath, pupilView(old), pupilView(np))
	})
}

// AbsenceMark is one pupil's absence in one session of a day, as entered.
type AbsenceMark struct {
	PupilID int64
	Session string // "sang" or "chieu"
	Excused bool
	Reason  string
}

// RecordDay sets a class's absences of one day to exactly marks: entries not in
// marks are cancelled (kept as history), new ones added.
func (a *App) RecordDay(ctx context.Context, p *Principal, classID int64, on time.Time, marks []AbsenceMark) error {
	fields := map[string]string{}
	for i, m := range marks {
		if m.Session != "sang" && m.Session != "chieu" {
			fields[fmt.Sprintf("marks[%d].session", i)] = "Buổi là sáng hoặc chiều."
		}
		if utf8.RuneCountInString(m.Reason) > 200 {
			fields[fmt.Sprintf("marks[%d].reason", i)] = "Lý do tối đa 200 ký tự."
		}
	}
	if on.IsZero() {
		fields["date"] = "Vui lòng chọn ngày."
	} else if on.After(a.DB.Now()) {
		fields["date"] = "Không ghi vắng cho ngày trong tương lai."
	}
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		c, s, err := a.classForRecords(tx, p, classID)
		if err != nil {
			return err
		}
		y, err := schoolYear(tx, c.SchoolYearID)
		if err != nil {
			return err
		}
		if on.Before(y.StartsOn) || on.After(y.EndsOn) {
			return sdgdt.Invalid(map[string]string{"date": "Ngày phải nằm trong năm học " + y.Name + "."})
		}
		roster, err := tx.ClassRoster(classID, false)
		if err != nil {
			return err
		}
		inClass := map[int64]bool{}
		for _, r := range roster {
			inClass[r.Pupil.ID] = true
		}
		existing, err := tx.ClassAbsences(classID, on, on)
		if err != nil {
			return err
		}
		key := func(pid int64, session string) string { return fmt.Sprint(pid, session) }
		want := map[string]AbsenceMark{}
		for _, m := range marks {
			if !inClass[m.PupilID] {
				return sdgdt.Invalid(map[string]string{"pupil": "Học sinh không thuộc lớp " + c.Name + "."})
			}
			want[key(m.PupilID, m.Session)] = m
		}
		var before, after []map[string]any
		for _, e := range existing {
			m, keep := want[key(e.PupilID, e.Session)]
			before = append(before, map[string]any{"pupil_id": e.PupilID, "session": e.Session, "excused": e.Excused, "reason": e.Reason})
			if keep && m.Excused == e.Excused && m.Reason == e.Reason {
				delete(want, key(e.PupilID, e.Session))
				continue
			}
			if err := tx.CancelAbsence(e.ID, p.User.ID); err != nil {
				return err
			}
		}
		for _, m := range marks {
			if _, ok := want[key(m.PupilID, m.Session)]; !ok {
				continue
			}
			ab := sdgdt.Absence{SchoolID: s.ID, ClassID: c.ID, PupilID: m.PupilID, On: on, Session: m.Session, Excused: m.Excused, Reason: viet.Clean(m.Reason), RecordedBy: p.User.ID}
			if _, err := tx.AddAbsence(&ab, p.User.ID); err != nil {
				return err
			}
		}
		for _, m := range marks {
			after = append(after, map[string]any{"pupil_id": m.PupilID, "session": m.Session, "excused": m.Excused, "reason": m.Reason})
		}
		if err := a.voidAbsences(tx, p, s.ID, c); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActAbsenceRecordDay, "class", idStr(c.ID), s.ID, s.UnitPath,
			map[string]any{"date": on.Format("2006-01-02"), "absences": before}, map[string]any{"date": on.Format("2006-01-02"), "absences": after})
	})
}

// voidAbsences voids, after a change of a secondary class's absences, the
// year's homeroom signature (its document holds the year's absences and the
// promotion they decide) and the year's class book above it. Primary
// homeroom documents hold no absences.
func (a *App) voidAbsences(tx *store.Tx, p *Principal, schoolID int64, c sdgdt.Class) error {
	if sdgdt.SheetKindOf(c.Ruleset) != sdgdt.SheetSecondary {
		return nil
	}
	return a.voidChanged(tx, p, schoolID, c.ID, []string{"year"}, VoidEdit)
}

// DayAbsences returns a class's absences of one day.
func (a *App) DayAbsences(ctx context.Context, p *Principal, classID int64, on time.Time) ([]sdgdt.Absence, error) {
	var out []sdgdt.Absence
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		c, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActReadClass, ClassTarget(s, classID)) {
			return forbidden()
		}
		out, err = tx.ClassAbsences(classID, on, on)
		return err
	})
	return out, err
}

// SetMonthTotals records the absences of a month as totals per pupil, for
// schools that enter them monthly.
func (a *App) SetMonthTotals(ctx context.Context, p *Principal, classID int64, month string, totals []sdgdt.AbsenceTotal) error {
	if _, err := time.Parse("2006-01", month); err != nil {
		return sdgdt.Invalid(map[string]string{"month": "Tháng có dạng yyyy-mm."})
	}
	fields := map[string]string{}
	for i, t := range totals {
		if t.Excused < 0 || t.Unexcused < 0 || t.Excused+t.Unexcused > 62 {
			fields[fmt.Sprintf("totals[%d]", i)] = "Số buổi vắng trong tháng từ 0 đến 62."
		}
	}
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		c, s, err := a.classForRecords(tx, p, classID)
		if err != nil {
			return err
		}
		roster, err := tx.ClassRoster(classID, true)
		if err != nil {
			return err
		}
		inClass := map[int64]bool{}
		for _, r := range roster {
			inClass[r.Pupil.ID] = true
		}
		for _, t := range totals {
			if !inClass[t.PupilID] {
				return sdgdt.Invalid(map[string]string{"pupil": "Học sinh không thuộc lớp " + c.Name + "."})
			}
			t.ClassID, t.Month = classID, month
			if err := tx.SetAbsenceTotal(s.ID, t, p.User.ID); err != nil {
				return err
			}
		}
		if err := a.voidAbsences(tx, p, s.ID, c); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActAbsenceMonthTotals, "class", idStr(c.ID), s.ID, s.UnitPath, nil, map[string]any{"month": month, "totals": totals})
	})
}
