package app

import (
	"context"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// Subjects a pupil is not assessed in (TT22 Điều 10-11): a pupil with
// disabilities is assessed against his individual education plan, and where
// the principal decides a subject is not assessed, the rules engine leaves it
// out of every condition (assess.SubjectInput.NotAssessed) and the book says
// "Không đánh giá". The exemption from the practical part of physical
// education or GDQP-AN is another matter: the subject is still assessed, on
// theory, and the sheet's "Miễn thực hành" column notes it.

// NotAssessedName is the book's word for a subject a pupil is not assessed in.
const NotAssessedName = "Không đánh giá"

// ClassNotAssessed is a class's decisions, with what the form offers.
type ClassNotAssessed struct {
	Class     sdgdt.Class
	School    sdgdt.School
	Decisions []sdgdt.NotAssessed
	Pupils    []sdgdt.RosterEntry
	Subjects  []sdgdt.ClassSubject
	CanDecide bool   // the principal (a leader of the school)
	Lock      string // why no decision can be made now ("" when it can)
}

// PupilName returns the name of a pupil of the class, or "".
func (c ClassNotAssessed) PupilName(id int64) string {
	for _, r := range c.Pupils {
		if r.Pupil.ID == id {
			return r.Pupil.FullName()
		}
	}
	return ""
}

// NotAssessedOfClass returns the decisions on a secondary class's pupils, for
// whoever reads the class's sheets.
func (a *App) NotAssessedOfClass(ctx context.Context, p *Principal, classID int64) (ClassNotAssessed, error) {
	var out ClassNotAssessed
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		c, s, err := notAssessedClass(tx, classID)
		if err != nil {
			return err
		}
		out.Class, out.School = c, s
		t := ClassTarget(s, c.ID)
		if !Can(p, ActReadSheet, t) {
			return forbidden()
		}
		out.CanDecide = Can(p, ActDecidePromotion, SchoolTarget(s))
		if err := checkClassConductWritable(tx, c, "hk2"); err != nil {
			if sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
				return err
			}
			out.Lock = sdgdt.ErrorMessage(err)
		}
		if out.Pupils, err = tx.ClassRoster(c.ID, false); err != nil {
			return err
		}
		if out.Subjects, err = assessedSubjects(tx, c.ID); err != nil {
			return err
		}
		ids := make([]int64, len(out.Pupils))
		for i, r := range out.Pupils {
			ids[i] = r.Pupil.ID
		}
		out.Decisions, err = tx.NotAssessedOf(c.SchoolID, c.SchoolYearID, ids)
		return err
	})
	return out, err
}

func notAssessedClass(tx *store.Tx, classID int64) (sdgdt.Class, sdgdt.School, error) {
	c, err := tx.Class(classID)
	if err != nil {
		return c, sdgdt.School{}, err
	}
	s, err := tx.School(c.SchoolID)
	if err != nil {
		return c, s, err
	}
	if sdgdt.SheetKindOf(c.Ruleset) != sdgdt.SheetSecondary {
		return c, s, sdgdt.Invalid(map[string]string{"class_id": "Lớp tiểu học đánh giá học sinh khuyết tật theo kế hoạch giáo dục cá nhân, không có quyết định không đánh giá môn học ở đây."})
	}
	return c, s, nil
}

// assessedSubjects are the subjects of a class's curriculum that are assessed
// (by score or by comment).
func assessedSubjects(tx *store.Tx, classID int64) ([]sdgdt.ClassSubject, error) {
	all, err := tx.ClassSubjects(classID)
	if err != nil {
		return nil, err
	}
	var out []sdgdt.ClassSubject
	for _, cs := range all {
		if by := assess.AssessedBy(cs.AssessedBy); by == assess.ByScore || by == assess.ByComment {
			out = append(out, cs)
		}
	}
	return out, nil
}

// SetNotAssessed records (on) or withdraws (off) the principal's decision that
// a pupil of a class is not assessed in a subject this year, with its reason;
// the pupil's results are computed again and the class's signed documents
// voided.
func (a *App) SetNotAssessed(ctx context.Context, p *Principal, classID, pupilID int64, subject string, on bool, reason string) error {
	reason = viet.Clean(reason)
	fields := map[string]string{}
	switch {
	case on && reason == "":
		fields["reason"] = "Ghi căn cứ của quyết định (ví dụ: kế hoạch giáo dục cá nhân, quyết định số …)."
	case utf8.RuneCountInString(reason) > 500:
		fields["reason"] = "Căn cứ tối đa 500 ký tự."
	}
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		c, s, err := notAssessedClass(tx, classID)
		if err != nil {
			return err
		}
		if !Can(p, ActDecidePromotion, SchoolTarget(s)) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ Hiệu trưởng quyết định học sinh không được đánh giá một môn học."}
		}
		if err := checkClassConductWritable(tx, c, "hk2"); err != nil {
			return err
		}
		ids, err := tx.StudyingPupils(c.ID)
		if err != nil {
			return err
		}
		onRoster := false
		for _, id := range ids {
			onRoster = onRoster || id == pupilID
		}
		if !onRoster {
			return sdgdt.Invalid(map[string]string{"pupil_id": "Học sinh không có trong danh sách lớp " + c.Name + "."})
		}
		subs, err := assessedSubjects(tx, c.ID)
		if err != nil {
			return err
		}
		known := false
		for _, cs := range subs {
			known = known || cs.Subject == subject
		}
		if !known {
			return sdgdt.Invalid(map[string]string{"subject": "Môn “" + subject + "” không có trong chương trình đánh giá của lớp " + c.Name + "."})
		}
		before, err := tx.NotAssessedOf(c.SchoolID, c.SchoolYearID, []int64{pupilID})
		if err != nil {
			return err
		}
		var old, after any
		oldReason, had := "", false
		for _, n := range before {
			if n.Subject == subject {
				oldReason, had = n.Reason, true
				old = map[string]any{"pupil_id": pupilID, "subject": subject, "reason": n.Reason}
			}
		}
		if on {
			if had && oldReason == reason {
				return nil
			}
			if err := tx.SetNotAssessed(sdgdt.NotAssessed{SchoolID: c.SchoolID, SchoolYearID: c.SchoolYearID, PupilID: pupilID, Subject: subject,
				ClassID: c.ID, Reason: reason, DecidedBy: p.User.ID}); err != nil {
				return err
			}
			after = map[string]any{"pupil_id": pupilID, "subject": subject, "reason": reason}
		} else {
			if !had {
				return nil
			}
			if _, err := tx.DeleteNotAssessed(c.SchoolID, c.SchoolYearID, pupilID, subject); err != nil {
				return err
			}
			after = map[string]any{"pupil_id": pupilID, "subject": subject, "withdrawn": true, "reason": reason}
		}
		if err := tx.MarkResultsStale(c.SchoolID, c.SchoolYearID, c.ID, []int64{pupilID}); err != nil {
			return err
		}
		if err := a.voidChanged(tx, p, s.ID, c.ID, allTerms(c), VoidEdit); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActNotAssessedSet, "class", idStr(c.ID), s.ID, s.UnitPath, old, after)
	})
	if err == nil {
		a.kickResults()
	}
	return err
}
