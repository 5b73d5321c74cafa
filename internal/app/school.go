package app

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// SchoolRecords is the school administrator's view of a school year: classes
// with their sizes and homeroom teachers, staff, and teaching assignments.
type SchoolRecords struct {
	School      sdgdt.School
	Year        sdgdt.SchoolYear
	Years       []sdgdt.SchoolYear
	Classes     []sdgdt.ClassCount
	Staff       []sdgdt.StaffMember
	Assignments []sdgdt.AssignmentInfo
	Pending     []sdgdt.Movement // transfer requests addressed to the school
	Recent      []sdgdt.Movement
	CanManage   bool
	Readable    map[int64]bool // the classes whose lists the reader may open
	Pupils      int
}

// SchoolRecords returns a school's records for a year (0: the current year).
func (a *App) SchoolRecords(ctx context.Context, p *Principal, schoolID, yearID int64) (SchoolRecords, error) {
	var sr SchoolRecords
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if sr.School, err = tx.School(schoolID); err != nil {
			return err
		}
		t := SchoolTarget(sr.School)
		if !Can(p, ActRead, t) {
			return forbidden()
		}
		sr.CanManage = Can(p, ActManageSchool, t)
		if sr.Years, err = tx.SchoolYears(); err != nil {
			return err
		}
		for _, y := range sr.Years {
			if (yearID == 0 && y.Current) || y.ID == yearID {
				sr.Year = y
			}
		}
		if sr.Year.ID == 0 {
			return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy năm học."}
		}
		if sr.Classes, err = tx.ClassesWithCounts(schoolID, sr.Year.ID); err != nil {
			return err
		}
		sr.Readable = map[int64]bool{}
		for _, c := range sr.Classes {
			sr.Pupils += c.Pupils
			sr.Readable[c.ID] = Can(p, ActReadClass, ClassTarget(sr.School, c.ID))
		}
		if sr.Staff, err = tx.Staff(schoolID); err != nil {
			return err
		}
		if sr.Assignments, err = tx.AssignmentsOfSchool(schoolID, sr.Year.ID); err != nil {
			return err
		}
		if sr.Pending, err = tx.PendingTransfersTo(schoolID); err != nil {
			return err
		}
		sr.Recent, err = tx.SchoolMovements(schoolID, 20)
		return err
	})
	return sr, err
}

// CurriculumRow is one subject of a class's curriculum as edited.
type CurriculumRow struct {
	Subject        string
	PeriodsPerYear int
	Included       bool
}

// SetCurriculum sets the subjects a class studies and their periods per year.
// The number of periods fixes the number of regular marks of each semester.
func (a *App) SetCurriculum(ctx context.Context, p *Principal, classID int64, rows []CurriculumRow) error {
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
		before, err := tx.ClassSubjects(classID)
		if err != nil {
			return err
		}
		level := assess.THCS
		switch {
		case c.Grade <= 5:
			level = assess.Primary
		case c.Grade >= 10:
			level = assess.THPT
		}
		fields := map[string]string{}
		var keep []sdgdt.ClassSubject
		for i, r := range rows {
			if !r.Included {
				continue
			}
			subj, ok := assess.LookupSubject(level, r.Subject)
			if !ok {
				fields["subject."+r.Subject] = "Môn " + r.Subject + " không thuộc chương trình của khối " + fmt.Sprint(c.Grade) + "."
				continue
			}
			if r.PeriodsPerYear < 1 || r.PeriodsPerYear > 300 {
				fields["periods."+r.Subject] = "Số tiết/năm từ 1 đến 300."
				continue
			}
			by := string(subj.AssessedBy)
			if c.Ruleset == "tt27" {
				by = "level"
			}
			keep = append(keep, sdgdt.ClassSubject{ClassID: classID, SchoolID: s.ID, Subject: r.Subject, PeriodsPerYear: r.PeriodsPerYear, AssessedBy: by, Position: i + 1})
		}
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		if len(keep) == 0 {
			return sdgdt.Invalid(map[string]string{"subjects": "Lớp phải học ít nhất một môn."})
		}
		wanted := map[string]bool{}
		for _, k := range keep {
			wanted[k.Subject] = true
			if err := tx.SetClassSubject(k); err != nil {
				return err
			}
		}
		for _, b := range before {
			if !wanted[b.Subject] {
				if err := tx.RemoveClassSubject(classID, b.Subject); err != nil {
					return err
				}
			}
		}
		return record(tx, p, sdgdt.ActClassCurriculum, "class", idStr(classID), s.ID, s.UnitPath, before, keep)
	})
}

// AssignTeacher gives a class × subject × term to a teacher, creating the
// assignment or changing its teacher. teacherID 0 is refused: an assignment
// always has a teacher.
func (a *App) AssignTeacher(ctx context.Context, p *Principal, classID int64, subject, term string, teacherID int64) error {
	if teacherID == 0 {
		return sdgdt.Invalid(map[string]string{"teacher": "Chọn giáo viên."})
	}
	existing := sdgdt.AssignmentInfo{}
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		existing, err = tx.FindAssignment(classID, subject, term)
		if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if existing.ID == 0 {
		var c sdgdt.Class
		if err := a.DB.View(ctx, func(tx *store.Tx) error { var err error; c, err = tx.Class(classID); return err }); err != nil {
			return err
		}
		_, err := a.CreateAssignment(ctx, p, sdgdt.Assignment{SchoolID: c.SchoolID, ClassID: classID, Subject: subject, Term: term, TeacherID: teacherID})
		return err
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(existing.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		if err := a.checkStaffOf(tx, teacherID, s.ID); err != nil {
			return err
		}
		if err := tx.SetAssignmentTeacher(existing.ID, teacherID); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActAssignmentChangeTeacher, "assignment", idStr(existing.ID), s.ID, s.UnitPath,
			map[string]any{"teacher_id": existing.TeacherID}, map[string]any{"teacher_id": teacherID})
	})
}

// StaffInput is a staff profile as edited.
type StaffInput struct {
	DateOfBirth string
	Sex         string
	Position    string
	Subjects    []string
	TeamID      int64
}

// SetStaffProfile writes a staff member's profile at his school.
func (a *App) SetStaffProfile(ctx context.Context, p *Principal, userID int64, in StaffInput) error {
	fields := map[string]string{}
	sp := sdgdt.StaffProfile{UserID: userID, Position: viet.Clean(in.Position), TeamID: in.TeamID}
	if strings.TrimSpace(in.DateOfBirth) != "" {
		d, ok := ParseDay(in.DateOfBirth)
		if !ok || d.Year() < 1940 || d.After(a.DB.Now().AddDate(-18, 0, 0)) {
			fields["date_of_birth"] = "Ngày sinh không hợp lệ (dd/mm/yyyy)."
		}
		sp.DateOfBirth = d.Format("2006-01-02")
	}
	if in.Sex != "" {
		if sp.Sex = normaliseSex(in.Sex); sp.Sex == "" {
			fields["sex"] = "Giới tính là Nam hoặc Nữ."
		}
	}
	var codes []string
	for _, c := range in.Subjects {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if assess.SubjectName(c) == c {
			fields["subjects"] = "Môn " + c + " không có trong chương trình."
		}
		codes = append(codes, c)
	}
	sort.Strings(codes)
	sp.Subjects = strings.Join(codes, ",")
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		u, t, err := a.managedUser(tx, p, userID)
		if err != nil {
			return err
		}
		if t.SchoolID == 0 {
			return sdgdt.Invalid(map[string]string{"user": "Hồ sơ cán bộ chỉ dành cho tài khoản của trường."})
		}
		sp.SchoolID = t.SchoolID
		if err := tx.SetStaffProfile(sp); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActStaffProfile, "user", idStr(u.ID), t.SchoolID, t.UnitPath, nil, sp)
	})
}
