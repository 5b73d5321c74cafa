package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"sdgdt"
	"sdgdt/internal/assess"
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

// ApprovalDecision is a leader's answer to a proposal.
type ApprovalDecision struct {
	Approve bool
	Note    string // why it is returned; why an incomplete book is approved
	// ConfirmIncomplete approves a book that still has incomplete or empty
	// sheets: it needs the reason in Note, and is recorded.
	ConfirmIncomplete bool
}

// DecideApproval is a leader's decision on a proposal: approved, the class's
// term is locked; returned, the board may propose again. A book with sheets
// not complete is approved only with an explicit confirmation and a reason.
func (a *App) DecideApproval(ctx context.Context, p *Principal, approvalID int64, d ApprovalDecision) error {
	approve, note := d.Approve, viet.Clean(d.Note)
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
		var incomplete *BookCompleteness
		if approve {
			y, err := schoolYear(tx, ap.SchoolYearID)
			if err != nil {
				return err
			}
			all, err := completeness(tx, s, y)
			if err != nil {
				return err
			}
			if bc := all[approvalKey{ap.ClassID, ap.Term}]; bc != nil && !bc.Done() {
				incomplete = bc
				switch {
				case !d.ConfirmIncomplete:
					msg := fmt.Sprintf("Sổ lớp %s chưa đủ: %s. Muốn vẫn phê duyệt, hãy đánh dấu xác nhận và ghi lý do.", ap.ClassName, bc.Summary())
					return &sdgdt.Error{Code: sdgdt.EINVALID, Message: msg, Fields: map[string]string{"confirm": msg}}
				case note == "":
					msg := "Ghi lý do phê duyệt khi sổ lớp " + ap.ClassName + " chưa đủ dữ liệu."
					return &sdgdt.Error{Code: sdgdt.EINVALID, Message: msg, Fields: map[string]string{"note": msg}}
				}
			}
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
		after := map[string]any{"status": status, "note": note, "lock_id": lockID, "class": ap.ClassName, "term": ap.Term}
		if incomplete != nil {
			after["incomplete"] = map[string]any{"sheets": incomplete.Sheets, "complete": incomplete.Complete, "incomplete": incomplete.Incomplete, "empty": incomplete.Empty, "confirmed": true}
		}
		return record(tx, p, sdgdt.Action("approval."+status), "approval", idStr(ap.ID), s.ID, s.UnitPath, map[string]any{"status": ap.Status}, after)
	})
}

// SchoolApprovals is the approval page of a school.
type SchoolApprovals struct {
	School    sdgdt.School
	Year      sdgdt.SchoolYear
	Classes   []sdgdt.Class
	Approvals []sdgdt.Approval
	// Books is each class book's completeness, by approval id, for the
	// proposals waiting for a decision.
	Books      map[int64]*BookCompleteness
	CanPropose bool
	CanApprove bool
}

// BookCompleteness is how complete a class book is for a term: its sheets
// complete, incomplete, empty, and which are not complete.
type BookCompleteness struct {
	Sheets, Complete, Incomplete, Empty int
	Missing                             []SheetFill // the sheets not complete
}

// SheetFill is one sheet's filled cells against what it must have.
type SheetFill struct {
	SheetID              int64
	SubjectName, Teacher string
	Term                 string
	Filled, Required     int
}

// Done reports whether every sheet of the book is complete.
func (b *BookCompleteness) Done() bool { return b.Sheets > 0 && b.Complete == b.Sheets }

// Summary says in a few words what is missing.
func (b *BookCompleteness) Summary() string {
	if b.Sheets == 0 {
		return "chưa có bảng điểm nào"
	}
	var parts []string
	if b.Incomplete > 0 {
		parts = append(parts, fmt.Sprintf("%d bảng điểm chưa nhập đủ", b.Incomplete))
	}
	if b.Empty > 0 {
		parts = append(parts, fmt.Sprintf("%d bảng điểm còn trống", b.Empty))
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" (trong %d bảng điểm)", b.Sheets)
}

type approvalKey struct {
	classID int64
	term    string
}

// approvalSheetTerms are the sheet terms an approval's book covers.
var approvalSheetTerms = map[string][]string{
	string(sdgdt.TermHK1): {string(sdgdt.TermHK1)}, string(sdgdt.TermHK2): {string(sdgdt.TermHK2)},
	string(sdgdt.PointCK1): {string(sdgdt.PointGK1), string(sdgdt.PointCK1)}, string(sdgdt.PointCN): {string(sdgdt.PointGK2), string(sdgdt.PointCN)},
}

// completeness counts, for every class and approval term of a school's year,
// the sheets complete, incomplete and empty: every field the rules ask of a
// sheet, for every pupil studying in the class.
func completeness(tx *store.Tx, s sdgdt.School, y sdgdt.SchoolYear) (map[approvalKey]*BookCompleteness, error) {
	sheets, err := tx.ProgressSheets(s.ID, y.ID, tx.Now)
	if err != nil {
		return nil, err
	}
	out := map[approvalKey]*BookCompleteness{}
	for _, sh := range sheets {
		required, filled := 0, 0
		for f := range sheetDue(y, sh) {
			required += sh.Pupils
			filled += min(sh.Filled[f], sh.Pupils)
		}
		for apTerm, terms := range approvalSheetTerms {
			if !slices.Contains(terms, sh.Term) {
				continue
			}
			k := approvalKey{sh.ClassID, apTerm}
			bc := out[k]
			if bc == nil {
				bc = &BookCompleteness{}
				out[k] = bc
			}
			bc.Sheets++
			switch {
			case filled >= required:
				bc.Complete++
				continue
			case filled == 0:
				bc.Empty++
			default:
				bc.Incomplete++
			}
			bc.Missing = append(bc.Missing, SheetFill{SheetID: sh.SheetID, SubjectName: assess.SubjectName(sh.Subject), Teacher: sh.TeacherName, Term: sh.Term, Filled: filled, Required: required})
		}
	}
	return out, nil
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
		if sa.Approvals, err = tx.ApprovalsOf(schoolID, sa.Year.ID); err != nil {
			return err
		}
		all, err := completeness(tx, sa.School, sa.Year)
		if err != nil {
			return err
		}
		sa.Books = map[int64]*BookCompleteness{}
		for _, ap := range sa.Approvals {
			if ap.Status != "proposed" {
				continue
			}
			bc := all[approvalKey{ap.ClassID, ap.Term}]
			if bc == nil {
				bc = &BookCompleteness{}
			}
			sa.Books[ap.ID] = bc
		}
		return nil
	})
	return sa, err
}
