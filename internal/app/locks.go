package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// SheetScope is where a write lands, as locks see it.
type SheetScope struct {
	School  sdgdt.School
	YearID  int64
	Term    string // hk1, hk2 (secondary); gk1, ck1, gk2, cn (primary); "" for the whole year
	Grade   int
	ClassID int64
	SheetID int64
}

// semesterOf maps a primary assessment point to its semester, so that a lock
// of semester I also covers mid- and end-of-semester I.
func semesterOf(term string) string {
	switch term {
	case "gk1", "ck1":
		return "hk1"
	case "gk2", "cn":
		return "hk2"
	}
	return term
}

// covers reports whether a lock's scope contains the write's scope.
func covers(l sdgdt.Lock, sc SheetScope) bool {
	switch {
	case l.UnitPath != "" && !strings.HasPrefix(sc.School.UnitPath, l.UnitPath):
		return false
	case l.UnitPath == "" && l.SchoolID != sc.School.ID:
		return false
	case l.SchoolYearID != 0 && l.SchoolYearID != sc.YearID:
		return false
	case l.Term != "" && l.Term != sc.Term && l.Term != semesterOf(sc.Term):
		return false
	case l.Grade != 0 && l.Grade != sc.Grade:
		return false
	case l.ClassID != 0 && l.ClassID != sc.ClassID:
		return false
	case l.SheetID != 0 && l.SheetID != sc.SheetID:
		return false
	}
	return true
}

// activeLock returns the lock that holds over a write now, or nil. Every write
// path of the book asks it inside its transaction.
func activeLock(tx *store.Tx, sc SheetScope) (*sdgdt.Lock, error) {
	ls, err := tx.LocksFor(sc.School.ID, sc.School.UnitPath, false)
	if err != nil {
		return nil, err
	}
	for i := range ls {
		if ls[i].Field == "" && ls[i].ActiveAt(tx.Now) && covers(ls[i], sc) {
			return &ls[i], nil
		}
	}
	return nil, nil
}

// fieldLocks returns the locks that hold now over single columns of the
// sheets in sc, by column: a write to one of those columns is refused while
// the others stay open.
func fieldLocks(tx *store.Tx, sc SheetScope) (map[string]sdgdt.Lock, error) {
	ls, err := tx.LocksFor(sc.School.ID, sc.School.UnitPath, false)
	if err != nil {
		return nil, err
	}
	out := map[string]sdgdt.Lock{}
	for _, l := range ls {
		if l.Field != "" && l.ActiveAt(tx.Now) && covers(l, sc) {
			if _, ok := out[l.Field]; !ok {
				out[l.Field] = l
			}
		}
	}
	return out, nil
}

// sheetFieldLocks is fieldLocks for one sheet.
func sheetFieldLocks(tx *store.Tx, sh sdgdt.Sheet) (map[string]sdgdt.Lock, error) {
	c, err := tx.Class(sh.ClassID)
	if err != nil {
		return nil, err
	}
	s, err := tx.School(sh.SchoolID)
	if err != nil {
		return nil, err
	}
	return fieldLocks(tx, SheetScope{School: s, YearID: sh.SchoolYearID, Term: sh.Term, Grade: c.Grade, ClassID: c.ID, SheetID: sh.ID})
}

// LockableFields are the columns a lock may cover alone, with their names.
var LockableFields = []struct{ Code, Name string }{
	{"midterm", "Điểm đánh giá giữa kì (ĐĐGgk)"}, {"final", "Điểm đánh giá cuối kì (ĐĐGck)"}, {"comment", "Nhận xét của giáo viên bộ môn"},
	{"level", "Mức đạt được (tiểu học)"}, {"test", "Điểm kiểm tra định kì (tiểu học)"},
}

// CheckUnlocked returns an ELOCKED error naming the lock when one holds over a
// write to sc now.
func (a *App) CheckUnlocked(ctx context.Context, sc SheetScope) error {
	return a.DB.View(ctx, func(tx *store.Tx) error { return checkUnlocked(tx, sc) })
}

// checkUnlocked returns an ELOCKED error naming the lock when one holds over sc.
func checkUnlocked(tx *store.Tx, sc SheetScope) error {
	l, err := activeLock(tx, sc)
	if err != nil || l == nil {
		return err
	}
	return LockedError(*l)
}

// LockInfo is a lock as the API and the pages show it.
type LockInfo struct {
	LockID string `json:"lock_id"`
	SetBy  string `json:"set_by"`
	Until  any    `json:"until"`
	Reason string `json:"reason"`
	Source string `json:"source"`
}

// LockedError is the refusal of a write under a lock, with the lock's details.
func LockedError(l sdgdt.Lock) error {
	until := "khi được mở khóa"
	var untilJSON any
	if !l.Until.IsZero() {
		until = sdgdt.FormatDateTime(l.Until)
		untilJSON = l.Until.UTC().Format(time.RFC3339)
	}
	what := "Sổ đã bị khóa"
	if l.Field != "" {
		what = "Cột " + FieldLabel(l.Field) + " đã bị khóa"
	}
	switch l.Source {
	case "approval":
		what = "Sổ đã được phê duyệt và khóa"
	case "inspection":
		what = "Dữ liệu đang bị khóa để kiểm tra"
	}
	return &sdgdt.Error{Code: sdgdt.ELOCKED,
		Message: fmt.Sprintf("%s: %s (người khóa: %s, đến %s). Muốn sửa, hãy gửi đề nghị điều chỉnh.", what, l.Reason, l.SetByName, until),
		Lock:    LockInfo{LockID: idStr(l.ID), SetBy: l.SetByName, Until: untilJSON, Reason: l.Reason, Source: l.Source}}
}

// LockInput is a lock as requested. The narrowest scope named wins: a sheet,
// else a class, else a grade, else a term, else a school year, else the whole
// school (or, with UnitID, every school below a unit).
type LockInput struct {
	UnitID      int64
	SchoolID    int64
	YearID      int64
	Term        string
	Grade       int
	ClassID     int64
	SheetID     int64
	Field       string // one column only ("final", …); "" for whole sheets
	From, Until time.Time
	Reason      string
	RequestedBy int64 // for a sysadmin: the leader who asked for the lock
}

// validTerms are the terms a lock or a schedule may name ("" for the whole year).
var validTerms = map[string]bool{"": true, string(sdgdt.TermHK1): true, string(sdgdt.TermHK2): true,
	string(sdgdt.PointGK1): true, string(sdgdt.PointCK1): true, string(sdgdt.PointGK2): true, string(sdgdt.PointCN): true}

// SetLock locks part of the book. A school leader locks his school; the school's
// system administrator may do it at a leader's request, which is recorded; a
// unit administrator sets inspection windows over every school below his unit,
// which schools cannot lift.
func (a *App) SetLock(ctx context.Context, p *Principal, in LockInput) (sdgdt.Lock, error) {
	in.Reason = viet.Clean(in.Reason)
	fields := map[string]string{}
	if in.Reason == "" {
		fields["reason"] = "Vui lòng ghi lý do khóa."
	} else if utf8.RuneCountInString(in.Reason) > 300 {
		fields["reason"] = "Lý do tối đa 300 ký tự."
	}
	if !validTerms[in.Term] {
		fields["term"] = "Học kì hoặc kì đánh giá không hợp lệ."
	}
	if in.Grade < 0 || in.Grade > 12 {
		fields["grade"] = "Khối từ 1 đến 12."
	}
	now := a.DB.Now()
	if in.From.IsZero() {
		in.From = now
	}
	if !in.Until.IsZero() && !in.Until.After(in.From) {
		fields["until"] = "Thời điểm kết thúc phải sau thời điểm bắt đầu."
	}
	if !in.Until.IsZero() && !in.Until.After(now) {
		fields["until"] = "Thời điểm kết thúc đã qua."
	}
	if in.Field != "" && !slices.ContainsFunc(LockableFields, func(f struct{ Code, Name string }) bool { return f.Code == in.Field }) {
		fields["field"] = "Chỉ khóa riêng được cột giữa kì, cuối kì, nhận xét, mức đạt được hoặc điểm kiểm tra."
	}
	if in.UnitID == 0 && in.SchoolID == 0 && in.ClassID == 0 && in.SheetID == 0 {
		fields["school_id"] = "Chọn trường (hoặc đơn vị) cần khóa."
	}
	if len(fields) > 0 {
		return sdgdt.Lock{}, sdgdt.Invalid(fields)
	}
	l := sdgdt.Lock{From: in.From, Until: in.Until, Reason: in.Reason, Source: "manual", SetBy: p.User.ID, Term: in.Term, Grade: in.Grade, SchoolYearID: in.YearID, Field: in.Field}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		var target Target
		var schoolID int64
		if in.UnitID != 0 {
			u, err := tx.Unit(in.UnitID)
			if err != nil {
				return err
			}
			if !Can(p, ActInspect, UnitTarget(u)) {
				return forbidden()
			}
			l.UnitPath, l.Source = u.Path, "inspection"
			target = UnitTarget(u)
		} else {
			// Resolve the narrowest scope to its school, class and year.
			if in.SheetID != 0 {
				sh, err := tx.SheetScope(in.SheetID)
				if err != nil {
					return err
				}
				in.SchoolID, in.ClassID, l.SheetID, l.Term, l.SchoolYearID = sh.SchoolID, sh.ClassID, in.SheetID, sh.Term, sh.SchoolYearID
			}
			if in.ClassID != 0 {
				c, err := tx.Class(in.ClassID)
				if err != nil {
					return err
				}
				if in.SchoolID != 0 && in.SchoolID != c.SchoolID {
					return sdgdt.Invalid(map[string]string{"class_id": "Lớp không thuộc trường này."})
				}
				in.SchoolID, l.ClassID, l.SchoolYearID, l.Grade = c.SchoolID, c.ID, c.SchoolYearID, 0
			}
			s, err := tx.School(in.SchoolID)
			if err != nil {
				return err
			}
			schoolID, l.SchoolID = s.ID, s.ID
			target = SchoolTarget(s)
			if !a.mayLock(tx, p, target, in.RequestedBy, s.ID) {
				return forbidden()
			}
			l.RequestedBy = in.RequestedBy
		}
		if err := tx.CreateLock(&l); err != nil {
			return err
		}
		l.SetByName = p.User.FullName
		return record(tx, p, sdgdt.ActLockSet, "lock", idStr(l.ID), schoolID, target.UnitPath, nil, lockView(l))
	})
	return l, err
}

// mayLock: a leader, or the system administrator at a named leader's request.
func (a *App) mayLock(tx *store.Tx, p *Principal, t Target, requestedBy, schoolID int64) bool {
	if Can(p, ActLock, t) {
		return true
	}
	if requestedBy == 0 || !Can(p, ActManageSchool, t) {
		return false
	}
	roles, err := tx.RolesOf(requestedBy)
	if err != nil {
		return false
	}
	for _, r := range roles {
		if r.Role == sdgdt.RoleLeader && r.SchoolID == schoolID {
			return true
		}
	}
	return false
}

func lockView(l sdgdt.Lock) map[string]any {
	m := map[string]any{"reason": l.Reason, "source": l.Source, "from": l.From.UTC().Format(time.RFC3339)}
	if !l.Until.IsZero() {
		m["until"] = l.Until.UTC().Format(time.RFC3339)
	}
	for k, v := range map[string]int64{"school_id": l.SchoolID, "school_year_id": l.SchoolYearID, "class_id": l.ClassID, "sheet_id": l.SheetID, "requested_by": l.RequestedBy} {
		if v != 0 {
			m[k] = v
		}
	}
	if l.UnitPath != "" {
		m["unit_path"] = l.UnitPath
	}
	if l.Term != "" {
		m["term"] = l.Term
	}
	if l.Field != "" {
		m["field"] = l.Field
	}
	if l.Grade != 0 {
		m["grade"] = l.Grade
	}
	return m
}

// LiftLock lifts a lock; the lock stays in history with who lifted it and why.
// A school cannot lift a unit's inspection window, and an approval lock is
// never lifted: approved books change only through correction requests.
func (a *App) LiftLock(ctx context.Context, p *Principal, lockID int64, reason string, requestedBy int64) error {
	reason = viet.Clean(reason)
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		l, err := tx.Lock(lockID)
		if err != nil {
			return err
		}
		if !l.LiftedAt.IsZero() {
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Khóa này đã được mở."}
		}
		if l.Source == "approval" {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Sổ đã được phê duyệt: không mở khóa được, mọi thay đổi phải qua đề nghị điều chỉnh."}
		}
		var schoolID int64
		path := l.UnitPath
		if l.UnitPath != "" {
			if !Can(p, ActInspect, Target{Kind: sdgdt.ScopeUnit, UnitPath: l.UnitPath}) {
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Khóa kiểm tra do đơn vị quản lý đặt: trường không mở được."}
			}
		} else {
			s, err := tx.School(l.SchoolID)
			if err != nil {
				return err
			}
			schoolID, path = s.ID, s.UnitPath
			if !a.mayLock(tx, p, SchoolTarget(s), requestedBy, s.ID) {
				return forbidden()
			}
		}
		if err := tx.LiftLock(l.ID, p.User.ID, reason); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActLockLift, "lock", idStr(l.ID), schoolID, path, lockView(l), map[string]any{"lifted_by": p.User.ID, "reason": reason, "requested_by": requestedBy})
	})
}

// SchoolLocks is the lock page of a school.
type SchoolLocks struct {
	School  sdgdt.School
	Locks   []sdgdt.Lock
	Now     time.Time
	CanLock bool
}

// LocksOf returns every lock of a school, lifted ones included, and the
// windows of the units above it.
func (a *App) LocksOf(ctx context.Context, p *Principal, schoolID int64) (SchoolLocks, error) {
	var sl SchoolLocks
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if sl.School, err = tx.School(schoolID); err != nil {
			return err
		}
		t := SchoolTarget(sl.School)
		if !Can(p, ActRead, t) {
			return forbidden()
		}
		sl.CanLock = Can(p, ActLock, t) || Can(p, ActManageSchool, t)
		sl.Now = tx.Now
		sl.Locks, err = tx.LocksFor(schoolID, sl.School.UnitPath, true)
		return err
	})
	return sl, err
}

// UnitLocksView is the inspection-window page of a unit.
type UnitLocksView struct {
	Unit   sdgdt.Unit
	Locks  []sdgdt.Lock
	Now    time.Time
	CanSet bool
}

// UnitLocks returns the inspection windows set on a unit.
func (a *App) UnitLocks(ctx context.Context, p *Principal, unitID int64) (UnitLocksView, error) {
	var v UnitLocksView
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if v.Unit, err = tx.Unit(unitID); err != nil {
			return err
		}
		t := UnitTarget(v.Unit)
		if !Can(p, ActRead, t) {
			return forbidden()
		}
		v.CanSet, v.Now = Can(p, ActInspect, t), tx.Now
		v.Locks, err = tx.UnitLocks(v.Unit.Path)
		return err
	})
	return v, err
}

// checkSheetLock refuses a write to a sheet under an active lock of its school,
// year, term, grade, class or the sheet itself, or a unit's inspection window.
func checkSheetLock(tx *store.Tx, sh sdgdt.Sheet) error {
	c, err := tx.Class(sh.ClassID)
	if err != nil {
		return err
	}
	s, err := tx.School(sh.SchoolID)
	if err != nil {
		return err
	}
	return checkUnlocked(tx, SheetScope{School: s, YearID: sh.SchoolYearID, Term: sh.Term, Grade: c.Grade, ClassID: c.ID, SheetID: sh.ID})
}
