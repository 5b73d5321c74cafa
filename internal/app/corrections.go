package app

import (
	"context"
	"strconv"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// Correction requests: a teacher asks to change cells of a locked,
// approved or signed sheet, with the new values and a reason; a leader approves
// or rejects; a member of the school's admin board and the class's homeroom
// teacher each confirm, in their own accounts, that they witnessed it; then
// exactly those cells are applied at once (the sheet stays locked) and the
// results recomputed. Every step is in the audit log; every applied cell's
// history names the request.

// CorrectionStatusName is the Vietnamese name of a request's status.
var CorrectionStatusName = map[string]string{
	"requested": "Chờ lãnh đạo duyệt",
	"approved":  "Đã duyệt, chờ xác nhận chứng kiến",
	"rejected":  "Bị từ chối",
	"applied":   "Đã điều chỉnh",
	"cancelled": "Đã hủy",
}

// CorrectionCellInput is one cell a teacher asks to change.
type CorrectionCellInput struct {
	PupilID int64
	Field   string
	Value   CellValue
}

// RequestCorrection records a teacher's request. The sheet must be locked: an
// unlocked cell is simply edited. Values are checked like any entry.
func (a *App) RequestCorrection(ctx context.Context, p *Principal, sheetID int64, cells []CorrectionCellInput, reason string) (sdgdt.Correction, error) {
	var c sdgdt.Correction
	reason = viet.Clean(reason)
	if reason == "" {
		return c, sdgdt.Invalid(map[string]string{"reason": "Vui lòng ghi lý do điều chỉnh."})
	}
	if utf8.RuneCountInString(reason) > 500 {
		return c, sdgdt.Invalid(map[string]string{"reason": "Lý do tối đa 500 ký tự."})
	}
	if len(cells) == 0 || len(cells) > 200 {
		return c, sdgdt.Invalid(map[string]string{"cells": "Đề nghị điều chỉnh từ 1 đến 200 ô."})
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		sc, err := a.loadSheet(tx, p, sheetID)
		if err != nil {
			return err
		}
		v := &sc.view
		if !v.CanWrite { // the subject's teacher; the homeroom teacher for qualities and competencies
			if v.Sheet.Kind == sdgdt.SheetPrimaryPCNL {
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm lớp " + v.Class.Name + " đề nghị điều chỉnh đánh giá năng lực, phẩm chất."}
			}
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên được phân công môn " + v.SubjectName + " lớp " + v.Class.Name + " đề nghị điều chỉnh bảng điểm này."}
		}
		if err := checkSheetWritable(tx, v.Sheet); err == nil {
			// Open, unless every requested cell is in a column locked alone.
			open := len(v.LockedFields) == 0
			for _, in := range cells {
				if _, locked := v.LockedFields[in.Field]; !locked {
					open = true
				}
			}
			if open {
				return sdgdt.Invalid(map[string]string{"sheet": "Bảng điểm đang mở: hãy sửa trực tiếp trên bảng điểm, không cần đề nghị điều chỉnh."})
			}
		} else if sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
			return err
		}
		onRoster := map[int64]bool{}
		pupils, err := tx.StudyingPupils(v.Class.ID)
		if err != nil {
			return err
		}
		for _, id := range pupils {
			onRoster[id] = true
		}
		allowed := map[string]bool{}
		for _, f := range v.Fields {
			allowed[f] = true
		}
		current, err := tx.ClassCells(v.Sheet, v.Sheet.Term)
		if err != nil {
			return err
		}
		byPupil := groupCells(current)
		fields := map[string]string{}
		seen := map[string]bool{}
		c = sdgdt.Correction{SchoolID: v.School.ID, SchoolYearID: v.Sheet.SchoolYearID, SheetID: v.Sheet.ID, ClassID: v.Class.ID, ClassName: v.Class.Name,
			Subject: v.Sheet.Subject, Term: v.Sheet.Term, Status: "requested", Reason: reason, RequestedBy: p.User.ID}
		for _, in := range cells {
			key := strconv.FormatInt(in.PupilID, 10) + "." + in.Field
			switch {
			case !onRoster[in.PupilID]:
				fields[key] = "Học sinh không có trong danh sách lớp " + v.Class.Name + "."
				continue
			case !allowed[in.Field]:
				fields[key] = "Bảng điểm này không có cột “" + in.Field + "”."
				continue
			case seen[key]:
				fields[key] = "Ô này có hai lần trong đề nghị."
				continue
			}
			seen[key] = true
			val, msg := sc.validate(in.Field, in.Value)
			if msg != "" {
				fields[key] = msg
				continue
			}
			old := byPupil[in.PupilID][v.Sheet.Term][in.Field].Value
			if old == val {
				fields[key] = "Giá trị mới giống giá trị hiện tại."
				continue
			}
			c.Cells = append(c.Cells, sdgdt.CorrectionCell{PupilID: in.PupilID, Field: in.Field, OldValue: old, NewValue: val})
		}
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		if err := tx.CreateCorrection(&c); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActCorrectionRequest, "correction", idStr(c.ID), v.School.ID, v.School.UnitPath, nil, correctionView(c))
	})
	return c, err
}

func correctionView(c sdgdt.Correction) map[string]any {
	cells := make([]map[string]any, 0, len(c.Cells))
	for _, x := range c.Cells {
		cells = append(cells, map[string]any{"pupil_id": x.PupilID, "field": x.Field, "old": x.OldValue, "new": x.NewValue})
	}
	return map[string]any{"sheet_id": c.SheetID, "status": c.Status, "reason": c.Reason, "cells": cells, "requested_by": c.RequestedBy,
		"decided_by": c.DecidedBy, "board_witness": c.BoardWitness, "homeroom_witness": c.HomeroomWitness}
}

// loadCorrection loads a correction and its school for a step by p.
func (a *App) loadCorrection(tx *store.Tx, p *Principal, id int64) (sdgdt.Correction, sdgdt.School, error) {
	c, err := tx.Correction(id)
	if err != nil {
		return c, sdgdt.School{}, err
	}
	s, err := tx.School(c.SchoolID)
	if err != nil {
		return c, s, err
	}
	if !Can(p, ActRead, SchoolTarget(s)) {
		return c, s, forbidden()
	}
	return c, s, nil
}

// DecideCorrection is a leader's approval or rejection, with a comment.
func (a *App) DecideCorrection(ctx context.Context, p *Principal, id int64, approve bool, note string) error {
	note = viet.Clean(note)
	if !approve && note == "" {
		return sdgdt.Invalid(map[string]string{"note": "Ghi lý do từ chối."})
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		c, s, err := a.loadCorrection(tx, p, id)
		if err != nil {
			return err
		}
		if !Can(p, ActApprove, SchoolTarget(s)) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ lãnh đạo nhà trường duyệt đề nghị điều chỉnh."}
		}
		if c.Status != "requested" {
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Đề nghị này đã được xử lý (" + CorrectionStatusName[c.Status] + ")."}
		}
		if c.RequestedBy == p.User.ID {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Người đề nghị không tự duyệt đề nghị của mình."}
		}
		before := correctionView(c)
		c.Status, c.DecidedBy, c.DecidedAt, c.DecisionNote = "rejected", p.User.ID, tx.Now, note
		if approve {
			c.Status = "approved"
		}
		if err := tx.UpdateCorrection(&c); err != nil {
			return err
		}
		return record(tx, p, map[bool]sdgdt.Action{true: sdgdt.ActCorrectionApprove, false: sdgdt.ActCorrectionReject}[approve], "correction", idStr(c.ID), s.ID, s.UnitPath, before, correctionView(c))
	})
}

// WitnessCorrection records that p witnessed an approved correction: as a
// member of the school's admin board, or as the class's homeroom teacher. The
// requester never witnesses his own request, and one person is one witness.
// When both have confirmed, the cells are applied at once.
func (a *App) WitnessCorrection(ctx context.Context, p *Principal, id int64) (applied bool, err error) {
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		// The request's row lock first: two witnesses confirming at once on
		// PostgreSQL are recorded one after the other, and the second applies.
		if err := tx.LockCorrection(id); err != nil {
			return err
		}
		c, s, err := a.loadCorrection(tx, p, id)
		if err != nil {
			return err
		}
		if c.Status != "approved" {
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Chỉ xác nhận chứng kiến một đề nghị đã được lãnh đạo duyệt và chưa điều chỉnh (hiện: " + CorrectionStatusName[c.Status] + ")."}
		}
		if c.RequestedBy == p.User.ID {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Người đề nghị không tự xác nhận chứng kiến đề nghị của mình."}
		}
		if c.DecidedBy == p.User.ID {
			// Requester, approver and the two witnesses are four people.
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Người đã duyệt đề nghị không đồng thời là người chứng kiến; cần hai người chứng kiến khác."}
		}
		if c.BoardWitness == p.User.ID || c.HomeroomWitness == p.User.ID {
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Bạn đã xác nhận chứng kiến đề nghị này; cần một người chứng kiến khác."}
		}
		class, err := tx.Class(c.ClassID)
		if err != nil {
			return err
		}
		before := correctionView(c)
		board := Can(p, ActPropose, SchoolTarget(s))
		switch {
		case c.HomeroomWitness == 0 && class.HomeroomID == p.User.ID:
			c.HomeroomWitness, c.HomeroomWitnessAt = p.User.ID, tx.Now
		case c.BoardWitness == 0 && board:
			c.BoardWitness, c.BoardWitnessAt = p.User.ID, tx.Now
		case c.HomeroomWitness == 0 && board && class.HomeroomID == c.RequestedBy:
			// The requester is the class's homeroom teacher himself: a second
			// member of the board witnesses in his place.
			c.HomeroomWitness, c.HomeroomWitnessAt = p.User.ID, tx.Now
		case class.HomeroomID != p.User.ID && !Can(p, ActPropose, SchoolTarget(s)):
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Người chứng kiến phải là thành viên Ban quản trị của trường hoặc giáo viên chủ nhiệm lớp " + class.Name + "."}
		default:
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Vai trò chứng kiến của bạn cho đề nghị này đã có người xác nhận."}
		}
		if err := record(tx, p, sdgdt.ActCorrectionWitness, "correction", idStr(c.ID), s.ID, s.UnitPath, before, correctionView(c)); err != nil {
			return err
		}
		if c.BoardWitness != 0 && c.HomeroomWitness != 0 {
			apply := a.applyCorrection
			if c.SheetID == 0 {
				apply = a.applyClassCorrection
			}
			if err := apply(tx, p, &c, s); err != nil {
				return err
			}
			applied = true
		}
		return tx.UpdateCorrection(&c)
	})
	if applied {
		a.kickResults()
	}
	return applied, err
}

// applyCorrection writes exactly the correction's cells through the sheet
// (which stays locked), as changed by the requester via "correction".
func (a *App) applyCorrection(tx *store.Tx, p *Principal, c *sdgdt.Correction, s sdgdt.School) error {
	// The sheet's row lock, then the correction read again: two witnesses
	// confirming at the same moment on PostgreSQL apply it once.
	if err := tx.LockSheet(c.SheetID); err != nil {
		return err
	}
	if cur, err := tx.Correction(c.ID); err != nil {
		return err
	} else if cur.Status == "applied" || !cur.AppliedAt.IsZero() {
		return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Đề nghị này đã được điều chỉnh."}
	}
	if c.Status == "applied" || !c.AppliedAt.IsZero() {
		return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Đề nghị này đã được điều chỉnh."}
	}
	sh, err := tx.Sheet(c.SheetID)
	if err != nil {
		return err
	}
	current, err := tx.ClassCells(sh, sh.Term)
	if err != nil {
		return err
	}
	byPupil := groupCells(current)
	writes := make([]sdgdt.CellWrite, 0, len(c.Cells))
	var pupils []int64
	for _, cell := range c.Cells {
		writes = append(writes, sdgdt.CellWrite{PupilID: cell.PupilID, Field: cell.Field, Previous: byPupil[cell.PupilID][sh.Term][cell.Field].Value, Value: cell.NewValue})
		pupils = append(pupils, cell.PupilID)
	}
	version, err := tx.BumpSheet(sh.ID)
	if err != nil {
		return err
	}
	if err := tx.WriteCells(sh, version, writes, sdgdt.WriteMeta{By: c.RequestedBy, Via: ViaCorrection, Reason: c.Reason, CorrectionID: c.ID, RequestID: p.RequestID}); err != nil {
		return err
	}
	if sh.Kind == sdgdt.SheetSecondary {
		if err := tx.MarkResultsStale(sh.SchoolID, sh.SchoolYearID, sh.ClassID, pupils); err != nil {
			return err
		}
	}
	class, err := tx.Class(sh.ClassID)
	if err != nil {
		return err
	}
	if err := a.voidChanged(tx, p, s.ID, class.ID, affectedTerms(class, sh.Term), VoidCorrection); err != nil {
		return err
	}
	c.Status, c.AppliedAt = "applied", tx.Now
	after := correctionView(*c)
	after["version"], after["approved_by"] = version, c.DecidedBy
	return record(tx, p, sdgdt.ActCorrectionApply, "sheet", idStr(sh.ID), s.ID, s.UnitPath, nil, after)
}

// CancelCorrection lets the requester withdraw a request not yet applied.
func (a *App) CancelCorrection(ctx context.Context, p *Principal, id int64) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		c, s, err := a.loadCorrection(tx, p, id)
		if err != nil {
			return err
		}
		if c.RequestedBy != p.User.ID {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ người đề nghị hủy được đề nghị của mình."}
		}
		if c.Status != "requested" && c.Status != "approved" {
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Đề nghị này đã " + CorrectionStatusName[c.Status] + "."}
		}
		before := correctionView(c)
		c.Status = "cancelled"
		if err := tx.UpdateCorrection(&c); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActCorrectionCancel, "correction", idStr(c.ID), s.ID, s.UnitPath, before, correctionView(c))
	})
}

// SchoolCorrections is the school's register of corrections (sổ điều chỉnh).
type SchoolCorrections struct {
	School      sdgdt.School
	Corrections []sdgdt.Correction
	CanApprove  bool
	CanWitness  bool
	UserID      int64
}

// CorrectionsOf returns a school's corrections: everyone of the school sees the
// register and the state of each request.
func (a *App) CorrectionsOf(ctx context.Context, p *Principal, schoolID int64) (SchoolCorrections, error) {
	var sc SchoolCorrections
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if sc.School, err = tx.School(schoolID); err != nil {
			return err
		}
		t := SchoolTarget(sc.School)
		if !Can(p, ActRead, t) {
			return forbidden()
		}
		sc.CanApprove, sc.CanWitness, sc.UserID = Can(p, ActApprove, t), Can(p, ActPropose, t) || p.HasRole(sdgdt.RoleHomeroom), p.User.ID
		sc.Corrections, err = tx.CorrectionsOf(schoolID)
		return err
	})
	return sc, err
}

// Correction returns one correction for its school's users.
func (a *App) Correction(ctx context.Context, p *Principal, id int64) (sdgdt.Correction, error) {
	var c sdgdt.Correction
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		c, _, err = a.loadCorrection(tx, p, id)
		return err
	})
	return c, err
}
