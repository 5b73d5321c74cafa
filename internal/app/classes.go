package app

import (
	"context"
	"fmt"
	"strings"

	"sdgdt"
	"sdgdt/internal/store"
)

// CreateClass creates a class of a school year. The school's system
// administrator (or an administrator above it) does this.
func (a *App) CreateClass(ctx context.Context, p *Principal, c sdgdt.Class) (sdgdt.Class, error) {
	c.Name = strings.TrimSpace(c.Name)
	fields := map[string]string{}
	if c.Name == "" || len([]rune(c.Name)) > 20 {
		fields["name"] = "Tên lớp có từ 1 đến 20 ký tự."
	}
	if c.Grade < 1 || c.Grade > 12 {
		fields["grade"] = "Khối lớp từ 1 đến 12."
	}
	switch c.Ruleset {
	case "tt27":
		if c.Grade > 5 {
			fields["ruleset"] = "Thông tư 27 chỉ áp dụng cho khối 1-5."
		}
	case "tt22", "tt43":
		if c.Grade < 6 {
			fields["ruleset"] = "Thông tư 22 và 43 áp dụng cho khối 6-12."
		}
	default:
		fields["ruleset"] = "Bộ quy tắc đánh giá không hợp lệ."
	}
	if len(fields) > 0 {
		return c, sdgdt.Invalid(fields)
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		if lo, hi := GradeRange(s.Kind); c.Grade < lo || c.Grade > hi {
			return sdgdt.Invalid(map[string]string{"grade": fmt.Sprintf("%s dạy các khối %d-%d; không mở lớp khối %d.", sdgdt.SchoolKindName(s.Kind), lo, hi, c.Grade)})
		}
		if c.HomeroomID != 0 {
			if err := a.checkStaffOf(tx, c.HomeroomID, s.ID); err != nil {
				return err
			}
		}
		if err := tx.CreateClass(&c); err != nil {
			if sdgdt.ErrorCode(err) == sdgdt.ECONFLICT {
				return sdgdt.Invalid(map[string]string{"name": "Lớp này đã có trong năm học."})
			}
			return err
		}
		for _, cs := range DefaultCurriculum(c.Grade, c.Ruleset) {
			cs.ClassID, cs.SchoolID = c.ID, s.ID
			if err := tx.SetClassSubject(cs); err != nil {
				return err
			}
		}
		return record(tx, p, sdgdt.ActClassCreate, "class", idStr(c.ID), s.ID, s.UnitPath, nil, c)
	})
	return c, err
}

func (a *App) checkStaffOf(tx *store.Tx, userID, schoolID int64) error {
	u, err := tx.User(userID)
	if err != nil {
		return err
	}
	if u.HomeKind != sdgdt.ScopeSchool || u.HomeID != schoolID {
		return sdgdt.Invalid(map[string]string{"teacher": "Giáo viên không thuộc trường này."})
	}
	return nil
}

// CreateAssignment assigns a teacher to teach a subject to a class in a term.
func (a *App) CreateAssignment(ctx context.Context, p *Principal, as sdgdt.Assignment) (sdgdt.Assignment, error) {
	switch as.Term {
	case "hk1", "hk2", "gk1", "ck1", "gk2", "cn":
	default:
		return as, sdgdt.Invalid(map[string]string{"term": "Học kì hoặc kì đánh giá không hợp lệ."})
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(as.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		if err := a.checkStaffOf(tx, as.TeacherID, s.ID); err != nil {
			return err
		}
		if err := tx.CreateAssignment(&as); err != nil {
			if sdgdt.ErrorCode(err) == sdgdt.ECONFLICT {
				return sdgdt.Invalid(map[string]string{"subject": "Môn này của lớp đã được phân công trong kì."})
			}
			return err
		}
		if err := ensureSheet(tx, as); err != nil { // the assessment book's sheet of the assignment
			return err
		}
		return record(tx, p, sdgdt.ActAssignmentCreate, "assignment", idStr(as.ID), s.ID, s.UnitPath, nil, as)
	})
	return as, err
}

// SetupAccount sets an account's first-sign-in state and second factor
// directly: for the command line only (demo data, first administrator).
func (a *App) SetupAccount(ctx context.Context, p *Principal, userID int64, mustChange bool, totpSecret string) error {
	if !p.system {
		return forbidden()
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		u, err := tx.User(userID)
		if err != nil {
			return err
		}
		before := userView(u)
		u.MustChangePW = mustChange
		u.TOTPSecret, u.TOTPEnabled = totpSecret, totpSecret != ""
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		schoolID, path, err := homeOf(tx, u)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActUserSetup, "user", idStr(u.ID), schoolID, path, before, userView(u))
	})
}

// SetHomeroom makes a teacher of the school the homeroom teacher of a class.
func (a *App) SetHomeroom(ctx context.Context, p *Principal, classID, teacherID int64) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		if teacherID != 0 {
			if err := a.checkStaffOf(tx, teacherID, s.ID); err != nil {
				return err
			}
		}
		before := c.HomeroomID
		c.HomeroomID = teacherID
		if err := tx.UpdateClass(&c); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActClassSetHomeroom, "class", idStr(c.ID), s.ID, s.UnitPath, map[string]any{"homeroom_teacher_id": before}, map[string]any{"homeroom_teacher_id": teacherID})
	})
}
