package app

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// MovementInput is a movement as entered by the homeroom teacher or the school.
type MovementInput struct {
	PupilID     int64
	Kind        string // leave | class_move | transfer_out
	On          time.Time
	ToClassID   int64  // class_move
	ToSchoolID  int64  // transfer_out within the system
	OtherSchool string // transfer_out to a school outside the system
	Reason      string
}

// MovementKindName is the Vietnamese name of a movement kind.
var MovementKindName = map[string]string{
	"enrol":        "Nhập học",
	"leave":        "Nghỉ học",
	"class_move":   "Chuyển lớp",
	"transfer_out": "Chuyển trường (đi)",
	"transfer_in":  "Chuyển trường (đến)",
}

// MovementStatusName is the Vietnamese name of a movement status.
var MovementStatusName = map[string]string{
	"done":      "Đã thực hiện",
	"requested": "Chờ trường đến tiếp nhận",
	"accepted":  "Đã tiếp nhận",
	"refused":   "Bị từ chối",
}

// RecordMovement records that a pupil leaves school, moves to another class of
// the school, or transfers to another school. A transfer within the system is a
// request that the destination accepts; the pupil stays until then.
func (a *App) RecordMovement(ctx context.Context, p *Principal, in MovementInput) (sdgdt.Movement, error) {
	in.Reason = viet.Clean(in.Reason)
	in.OtherSchool = viet.Clean(in.OtherSchool)
	fields := map[string]string{}
	if in.On.IsZero() {
		fields["date"] = "Vui lòng nhập ngày (dd/mm/yyyy)."
	} else if in.On.After(a.DB.Now().AddDate(0, 0, 31)) {
		fields["date"] = "Ngày quá xa trong tương lai."
	}
	if utf8.RuneCountInString(in.Reason) > 300 {
		fields["reason"] = "Lý do tối đa 300 ký tự."
	}
	switch in.Kind {
	case "leave":
		if in.Reason == "" {
			fields["reason"] = "Vui lòng ghi lý do nghỉ học."
		}
	case "class_move":
		if in.ToClassID == 0 {
			fields["to_class"] = "Chọn lớp chuyển đến."
		}
	case "transfer_out":
		if in.ToSchoolID == 0 && in.OtherSchool == "" {
			fields["to_school"] = "Chọn trường chuyển đến, hoặc ghi tên trường ngoài hệ thống."
		}
	default:
		fields["kind"] = "Loại biến động không hợp lệ."
	}
	if len(fields) > 0 {
		return sdgdt.Movement{}, sdgdt.Invalid(fields)
	}
	var m sdgdt.Movement
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		pupil, err := tx.Pupil(in.PupilID)
		if err != nil {
			return err
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		e, err := tx.CurrentEnrolment(pupil.ID, y.ID)
		if err != nil {
			return sdgdt.Invalid(map[string]string{"pupil": "Học sinh hiện không học lớp nào trong năm học " + y.Name + "."})
		}
		c, s, err := a.classForRecords(tx, p, e.ClassID)
		if err != nil {
			return err
		}
		if in.On.Before(e.From) {
			return sdgdt.Invalid(map[string]string{"date": "Ngày phải sau ngày học sinh vào lớp " + c.Name + " (" + sdgdt.FormatDate(e.From) + ")."})
		}
		m = sdgdt.Movement{SchoolID: s.ID, PupilID: pupil.ID, Kind: in.Kind, On: in.On, FromClassID: c.ID, Reason: in.Reason, Status: "done", RequestedBy: p.User.ID}
		switch in.Kind {
		case "leave":
			if err := tx.EndEnrolment(e.ID, sdgdt.EnrolLeft, in.On); err != nil {
				return err
			}
		case "class_move":
			to, err := tx.Class(in.ToClassID)
			if err != nil {
				return err
			}
			if to.SchoolID != s.ID || to.SchoolYearID != c.SchoolYearID || to.ID == c.ID {
				return sdgdt.Invalid(map[string]string{"to_class": "Lớp chuyển đến phải là một lớp khác của trường trong cùng năm học."})
			}
			if err := tx.EndEnrolment(e.ID, sdgdt.EnrolMoved, in.On); err != nil {
				return err
			}
			// Marks belong to the pupil, not to the class: those of the subjects
			// both classes study are found again on the new class's sheets.
			ne := sdgdt.Enrolment{SchoolID: s.ID, SchoolYearID: c.SchoolYearID, ClassID: to.ID, PupilID: pupil.ID, Status: sdgdt.EnrolStudying, From: in.On}
			if err := tx.Enrol(&ne); err != nil {
				return err
			}
			m.ToClassID = to.ID
		case "transfer_out":
			if in.ToSchoolID != 0 {
				to, err := tx.School(in.ToSchoolID)
				if err != nil {
					return sdgdt.Invalid(map[string]string{"to_school": "Trường chuyển đến không có trong hệ thống."})
				}
				if to.ID == s.ID {
					return sdgdt.Invalid(map[string]string{"to_school": "Trường chuyển đến phải khác trường hiện tại."})
				}
				pending, err := tx.PupilMovements(pupil.ID)
				if err != nil {
					return err
				}
				for _, pm := range pending {
					if pm.Kind == "transfer_out" && pm.Status == "requested" {
						return sdgdt.Invalid(map[string]string{"to_school": "Học sinh đã có một đề nghị chuyển trường đang chờ tiếp nhận."})
					}
				}
				m.ToSchoolID, m.Status = to.ID, "requested"
				snap, _ := json.Marshal(map[string]any{"pupil": pupilView(pupil), "class": c.Name, "school": s.Name})
				m.Snapshot = string(snap)
			} else {
				m.OtherSchool = in.OtherSchool
				if err := tx.EndEnrolment(e.ID, sdgdt.EnrolTransferred, in.On); err != nil {
					return err
				}
			}
		}
		if err := tx.AddMovement(&m); err != nil {
			return err
		}
		if err := a.voidChanged(tx, p, s.ID, c.ID, allTerms(c), VoidRoster); err != nil {
			return err
		}
		if m.ToClassID != 0 {
			if err := a.voidChanged(tx, p, s.ID, m.ToClassID, allTerms(c), VoidRoster); err != nil {
				return err
			}
		}
		return record(tx, p, sdgdt.MovementAction(in.Kind), "pupil", idStr(pupil.ID), s.ID, s.UnitPath, nil,
			map[string]any{"movement_id": m.ID, "kind": m.Kind, "date": in.On.Format("2006-01-02"), "from_class": c.Name, "to_class_id": m.ToClassID,
				"to_school_id": m.ToSchoolID, "other_school": m.OtherSchool, "reason": m.Reason, "status": m.Status})
	})
	return m, err
}

// DecideTransfer is the destination school's answer to a transfer request:
// accepted, the pupil's record moves to the destination in class toClassID (the
// origin keeps its enrolment rows, now "transferred", read-only, and the
// snapshot of the record); refused, nothing moves.
func (a *App) DecideTransfer(ctx context.Context, p *Principal, movementID int64, accept bool, toClassID int64) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		m, err := tx.Movement(movementID)
		if err != nil {
			return err
		}
		if m.Kind != "transfer_out" || m.Status != "requested" || m.ToSchoolID == 0 {
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Đề nghị chuyển trường này đã được xử lý."}
		}
		dest, err := tx.School(m.ToSchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageSchool, SchoolTarget(dest)) {
			return forbidden()
		}
		origin, err := tx.School(m.SchoolID)
		if err != nil {
			return err
		}
		if !accept {
			if err := tx.DecideMovement(m.ID, "refused", p.User.ID, 0); err != nil {
				return err
			}
			return record(tx, p, sdgdt.ActPupilTransferRefuse, "pupil", idStr(m.PupilID), dest.ID, dest.UnitPath, nil, map[string]any{"movement_id": m.ID})
		}
		to, err := tx.Class(toClassID)
		if err != nil || to.SchoolID != dest.ID {
			return sdgdt.Invalid(map[string]string{"to_class": "Chọn lớp tiếp nhận của trường."})
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		e, err := tx.CurrentEnrolment(m.PupilID, y.ID)
		if err != nil {
			return sdgdt.Invalid(map[string]string{"pupil": "Học sinh không còn học ở trường đi."})
		}
		if err := tx.EndEnrolment(e.ID, sdgdt.EnrolTransferred, m.On); err != nil {
			return err
		}
		pupil, err := tx.Pupil(m.PupilID)
		if err != nil {
			return err
		}
		pupil.SchoolID = dest.ID
		if err := tx.UpdatePupil(&pupil); err != nil {
			return err
		}
		ne := sdgdt.Enrolment{SchoolID: dest.ID, SchoolYearID: to.SchoolYearID, ClassID: to.ID, PupilID: pupil.ID, Status: sdgdt.EnrolStudying, From: m.On}
		if err := tx.Enrol(&ne); err != nil {
			return err
		}
		if err := tx.DecideMovement(m.ID, "accepted", p.User.ID, to.ID); err != nil {
			return err
		}
		if oc, err := tx.Class(e.ClassID); err != nil {
			return err
		} else if err := a.voidChanged(tx, p, oc.SchoolID, oc.ID, allTerms(oc), VoidRoster); err != nil {
			return err
		}
		if err := a.voidChanged(tx, p, dest.ID, to.ID, allTerms(to), VoidRoster); err != nil {
			return err
		}
		in := sdgdt.Movement{SchoolID: dest.ID, PupilID: pupil.ID, Kind: "transfer_in", On: m.On, ToClassID: to.ID, OtherSchool: origin.Name,
			Reason: m.Reason, Status: "done", RequestedBy: p.User.ID}
		if err := tx.AddMovement(&in); err != nil {
			return err
		}
		after := map[string]any{"movement_id": m.ID, "from_school": origin.Name, "to_class": to.Name}
		if err := record(tx, p, sdgdt.ActPupilTransferAccept, "pupil", idStr(pupil.ID), dest.ID, dest.UnitPath, nil, after); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActPupilTransferAcceptedThere, "pupil", idStr(pupil.ID), origin.ID, origin.UnitPath, nil, after)
	})
}

// TransferIn enrols a pupil arriving from a school outside the system.
func (a *App) TransferIn(ctx context.Context, p *Principal, classID int64, in PupilInput, on time.Time, fromSchool, reason string) (sdgdt.Pupil, error) {
	fromSchool = viet.Clean(fromSchool)
	if fromSchool == "" {
		return sdgdt.Pupil{}, sdgdt.Invalid(map[string]string{"from_school": "Ghi tên trường chuyển đi."})
	}
	pupil, err := a.EnrolNewPupil(ctx, p, classID, in, on)
	if err != nil {
		return pupil, err
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(pupil.SchoolID)
		if err != nil {
			return err
		}
		m := sdgdt.Movement{SchoolID: s.ID, PupilID: pupil.ID, Kind: "transfer_in", On: on, ToClassID: classID, OtherSchool: fromSchool, Reason: viet.Clean(reason), Status: "done", RequestedBy: p.User.ID}
		if err := tx.AddMovement(&m); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActPupilMoveTransferIn, "pupil", idStr(pupil.ID), s.ID, s.UnitPath, nil, map[string]any{"from_school": fromSchool, "class_id": classID})
	})
	return pupil, err
}

// MonthReview is what the homeroom teacher confirms at a month's end: the
// class's absences and movements of the month.
type MonthReview struct {
	Class         sdgdt.Class
	Month         string
	Absences      []sdgdt.Absence
	Movements     []sdgdt.Movement
	Names         map[int64]string
	Confirmed     *sdgdt.Confirmation
	CanConfirm    bool
	Confirmations []sdgdt.Confirmation
}

// MonthReview returns a class's month for confirmation.
func (a *App) MonthReview(ctx context.Context, p *Principal, classID int64, month string) (MonthReview, error) {
	mr := MonthReview{Month: month, Names: map[int64]string{}}
	start, err := time.ParseInLocation("2006-01", month, sdgdt.Vietnam)
	if err != nil {
		return mr, sdgdt.Invalid(map[string]string{"month": "Tháng có dạng yyyy-mm."})
	}
	end := start.AddDate(0, 1, -1)
	err = a.DB.View(ctx, func(tx *store.Tx) error {
		if mr.Class, err = tx.Class(classID); err != nil {
			return err
		}
		s, err := tx.School(mr.Class.SchoolID)
		if err != nil {
			return err
		}
		t := ClassTarget(s, classID)
		if !Can(p, ActReadClass, t) {
			return forbidden()
		}
		mr.CanConfirm = p.HasRole(sdgdt.RoleHomeroom) && Can(p, ActKeepClassRecords, t)
		if mr.Absences, err = tx.ClassAbsences(classID, start, end); err != nil {
			return err
		}
		if mr.Movements, err = tx.ClassMovements(classID, start, end); err != nil {
			return err
		}
		roster, err := tx.ClassRoster(classID, true)
		if err != nil {
			return err
		}
		for _, r := range roster {
			mr.Names[r.Pupil.ID] = r.Pupil.FullName()
		}
		if mr.Confirmations, err = tx.Confirmations(classID); err != nil {
			return err
		}
		for i, c := range mr.Confirmations {
			if c.Month == month {
				mr.Confirmed = &mr.Confirmations[i]
			}
		}
		return nil
	})
	return mr, err
}

// ConfirmMonth records the homeroom teacher's confirmation of a month's absences
// and movements (R-13.5a). Only the class's homeroom teacher confirms, and only
// a month that has begun.
func (a *App) ConfirmMonth(ctx context.Context, p *Principal, classID int64, month, note string) error {
	start, err := time.ParseInLocation("2006-01", month, sdgdt.Vietnam)
	if err != nil {
		return sdgdt.Invalid(map[string]string{"month": "Tháng có dạng yyyy-mm."})
	}
	if start.After(a.DB.Now()) {
		return sdgdt.Invalid(map[string]string{"month": "Chưa thể xác nhận một tháng chưa bắt đầu."})
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if c.HomeroomID != p.User.ID || !Can(p, ActKeepClassRecords, ClassTarget(s, classID)) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm của lớp xác nhận số liệu tháng."}
		}
		if err := tx.Confirm(s.ID, sdgdt.Confirmation{ClassID: classID, Month: month, ConfirmedBy: p.User.ID, Note: strings.TrimSpace(note)}); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActClassConfirmMonth, "class", idStr(classID), s.ID, s.UnitPath, nil, map[string]any{"month": month, "note": note})
	})
}
