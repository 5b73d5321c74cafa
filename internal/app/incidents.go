package app

import (
	"context"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// Reports to the admin board: a teacher of the school reports
// an incident, an error of the system or of entered data, or another
// difficulty, from the sheet or class concerned; the board (or a leader) sees
// every report, answers and closes it; the reporter follows his own.

// IncidentInput is a new report.
type IncidentInput struct {
	SchoolID int64
	ClassID  int64
	SheetID  int64
	Kind     string
	Body     string
}

// mayAnswerIncidents: the school's admin board and its leaders.
func mayAnswerIncidents(p *Principal, t Target) bool {
	return Can(p, ActPropose, t) || Can(p, ActApprove, t)
}

// staffOf reports whether p holds a role of the school itself (not only of a
// unit above it): who may report to its board.
func staffOf(p *Principal, schoolID int64) bool {
	if p.system {
		return true
	}
	for _, r := range p.Roles {
		if r.ScopeKind != sdgdt.ScopeUnit && r.SchoolID == schoolID {
			return true
		}
	}
	return false
}

// ReportIncident records a report to the school's admin board.
func (a *App) ReportIncident(ctx context.Context, p *Principal, in IncidentInput) (sdgdt.Incident, error) {
	in.Body = viet.Clean(in.Body)
	fields := map[string]string{}
	if _, ok := sdgdt.IncidentKindName[in.Kind]; !ok {
		fields["kind"] = "Chọn loại vấn đề cần báo cáo."
	}
	if n := utf8.RuneCountInString(in.Body); n < 10 || n > 2000 {
		fields["body"] = "Mô tả vấn đề từ 10 đến 2.000 ký tự: ở đâu, lúc nào, việc gì xảy ra."
	}
	if len(fields) > 0 {
		return sdgdt.Incident{}, sdgdt.Invalid(fields)
	}
	inc := sdgdt.Incident{Kind: in.Kind, Body: in.Body, Status: sdgdt.IncidentOpen, ReportedBy: p.User.ID}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		if in.SheetID != 0 {
			sh, err := tx.SheetScope(in.SheetID)
			if err != nil {
				return err
			}
			in.SchoolID, in.ClassID = sh.SchoolID, sh.ClassID
		}
		if in.ClassID != 0 {
			c, err := tx.Class(in.ClassID)
			if err != nil {
				return err
			}
			if in.SchoolID != 0 && in.SchoolID != c.SchoolID {
				return sdgdt.Invalid(map[string]string{"class_id": "Lớp không thuộc trường này."})
			}
			in.SchoolID = c.SchoolID
		}
		s, err := tx.School(in.SchoolID)
		if err != nil {
			return err
		}
		if !staffOf(p, s.ID) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ cán bộ, giáo viên của trường báo cáo với Ban quản trị của trường."}
		}
		inc.SchoolID, inc.ClassID, inc.SheetID = s.ID, in.ClassID, in.SheetID
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActIncidentReport, "incident", idStr(inc.ID), s.ID, s.UnitPath, nil,
			map[string]any{"kind": inc.Kind, "class_id": inc.ClassID, "sheet_id": inc.SheetID, "body": inc.Body})
	})
	return inc, err
}

// AnswerIncident is the board's answer to a report; close ends it.
func (a *App) AnswerIncident(ctx context.Context, p *Principal, id int64, answer string, close bool) error {
	answer = viet.Clean(answer)
	if n := utf8.RuneCountInString(answer); (n == 0 && !close) || n > 2000 {
		return sdgdt.Invalid(map[string]string{"answer": "Ghi câu trả lời (tối đa 2.000 ký tự)."})
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		inc, err := tx.Incident(id)
		if err != nil {
			return err
		}
		s, err := tx.School(inc.SchoolID)
		if err != nil {
			return err
		}
		if !mayAnswerIncidents(p, SchoolTarget(s)) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ Ban quản trị và lãnh đạo nhà trường trả lời báo cáo."}
		}
		if inc.Status == sdgdt.IncidentClosed {
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Báo cáo này đã đóng."}
		}
		status := sdgdt.IncidentAnswered
		if close {
			status = sdgdt.IncidentClosed
		}
		if answer == "" {
			answer = inc.Answer // closing keeps the last answer
		}
		if err := tx.AnswerIncident(inc.ID, answer, status, p.User.ID); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActIncidentAnswer, "incident", idStr(inc.ID), s.ID, s.UnitPath,
			map[string]any{"status": inc.Status, "answer": inc.Answer}, map[string]any{"status": status, "answer": answer})
	})
}

// SchoolIncidents is the reports page of a school.
type SchoolIncidents struct {
	School    sdgdt.School
	Incidents []sdgdt.Incident
	CanAnswer bool // the board and leaders see and answer every report
	CanReport bool
}

// Incidents returns a school's reports: all of them for the board and
// leaders, his own for anyone else of the school.
func (a *App) Incidents(ctx context.Context, p *Principal, schoolID int64) (SchoolIncidents, error) {
	var si SchoolIncidents
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		t := SchoolTarget(s)
		si.School, si.CanAnswer, si.CanReport = s, mayAnswerIncidents(p, t), staffOf(p, s.ID)
		if !si.CanAnswer && !si.CanReport {
			return forbidden()
		}
		reporter := p.User.ID
		if si.CanAnswer {
			reporter = 0
		}
		si.Incidents, err = tx.IncidentsOf(s.ID, reporter)
		return err
	})
	return si, err
}
