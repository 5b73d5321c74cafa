package app

import (
	"context"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// approvalTerms are the terms whose class books are approved: the end of each
// semester and of the year (hk2 is the year's end in secondary, cn in primary).
var approvalTerms = map[string]string{string(sdgdt.TermHK1): sdgdt.TermHK1.Name(), string(sdgdt.TermHK2): "Học kì II và cả năm",
	string(sdgdt.PointCK1): sdgdt.PointCK1.Name(), string(sdgdt.PointCN): sdgdt.PointCN.Name()}

// ProposeApproval is the admin board's proposal to approve a class book for a
// term.
func (a *App) ProposeApproval(ctx context.Context, p *Principal, classID int64, term, note string) (sdgdt.Approval, error) {
	var ap sdgdt.Approval
	if _, ok := approvalTerms[term]; !ok {
		return ap, sdgdt.Invalid(map[string]string{"term": "Chỉ phê duyệt sổ cuối học kì I và cuối năm."})
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActPropose, SchoolTarget(s)) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ thành viên Ban quản trị của trường đề nghị phê duyệt sổ."}
		}
		if (c.Ruleset == "tt27") != (term == "ck1" || term == "cn") {
			return sdgdt.Invalid(map[string]string{"term": "Kì này không áp dụng cho lớp " + c.Name + "."})
		}
		existing, err := tx.ApprovalsOf(s.ID, c.SchoolYearID)
		if err != nil {
			return err
		}
		for _, e := range existing {
			if e.ClassID == classID && e.Term == term && (e.Status == "proposed" || e.Status == "approved") {
				return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Sổ lớp " + c.Name + " kì này đã được đề nghị hoặc đã phê duyệt."}
			}
		}
		ap = sdgdt.Approval{SchoolID: s.ID, SchoolYearID: c.SchoolYearID, ClassID: c.ID, ClassName: c.Name, Term: term, Status: "proposed", ProposedBy: p.User.ID, ProposalNote: viet.Clean(note)}
		if err := tx.CreateApproval(&ap); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActApprovalPropose, "approval", idStr(ap.ID), s.ID, s.UnitPath, nil, map[string]any{"class_id": c.ID, "class": c.Name, "term": term, "note": ap.ProposalNote})
	})
	return ap, err
}

// DecideApproval is a leader's decision on a proposal: approved, the class's
// term is locked; returned, the board may propose again.
func (a *App) DecideApproval(ctx context.Context, p *Principal, approvalID int64, approve bool, note string) error {
	note = viet.Clean(note)
	if !approve && note == "" {
		return sdgdt.Invalid(map[string]string{"note": "Ghi lý do trả lại để Ban quản trị biết cần bổ sung gì."})
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		ap, err := tx.Approval(approvalID)
		if err != nil {
			return err
		}
		s, err := tx.School(ap.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActApprove, SchoolTarget(s)) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ lãnh đạo nhà trường phê duyệt sổ."}
		}
		if ap.Status != "proposed" {
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Đề nghị này đã được xử lý."}
		}
		status, lockID := "returned", int64(0)
		if approve {
			status = "approved"
			l := sdgdt.Lock{SchoolID: s.ID, SchoolYearID: ap.SchoolYearID, ClassID: ap.ClassID, Term: ap.Term, From: tx.Now, Source: "approval", SetBy: p.User.ID,
				Reason: "Đã phê duyệt sổ lớp " + ap.ClassName + " — " + viet.LowerFirst(approvalTerms[ap.Term])}
			if ap.Term == "hk2" || ap.Term == "cn" {
				l.Term = "" // the year's end covers the whole year's book
			}
			if err := tx.CreateLock(&l); err != nil {
				return err
			}
			lockID = l.ID
		}
		if err := tx.DecideApproval(ap.ID, status, p.User.ID, note, lockID); err != nil {
			return err
		}
		return record(tx, p, sdgdt.Action("approval."+status), "approval", idStr(ap.ID), s.ID, s.UnitPath, map[string]any{"status": ap.Status},
			map[string]any{"status": status, "note": note, "lock_id": lockID, "class": ap.ClassName, "term": ap.Term})
	})
}

// SchoolApprovals is the approval page of a school.
type SchoolApprovals struct {
	School     sdgdt.School
	Year       sdgdt.SchoolYear
	Classes    []sdgdt.Class
	Approvals  []sdgdt.Approval
	CanPropose bool
	CanApprove bool
}

// ApprovalsOf returns a school's approvals of the current year.
func (a *App) ApprovalsOf(ctx context.Context, p *Principal, schoolID int64) (SchoolApprovals, error) {
	var sa SchoolApprovals
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if sa.School, err = tx.School(schoolID); err != nil {
			return err
		}
		t := SchoolTarget(sa.School)
		if !Can(p, ActRead, t) {
			return forbidden()
		}
		sa.CanPropose, sa.CanApprove = Can(p, ActPropose, t), Can(p, ActApprove, t)
		if sa.Year, err = tx.CurrentYear(); err != nil {
			return err
		}
		if sa.Classes, err = tx.ClassesOf(schoolID, sa.Year.ID); err != nil {
			return err
		}
		sa.Approvals, err = tx.ApprovalsOf(schoolID, sa.Year.ID)
		return err
	})
	return sa, err
}
