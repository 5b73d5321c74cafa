package app_test

import (
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestIncidents checks reports to the admin board: a teacher
// of the school reports about his class; a stranger cannot; the reporter sees
// his own reports, the leadership every report, answers and closes it; each
// step is recorded and bad input changes nothing.
func TestIncidents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		a1 := w.school["A1"]
		in := app.IncidentInput{ClassID: w.class.ID, Kind: sdgdt.IncidentEntry, Body: "Em Nguyễn Văn An bị nhập nhầm điểm giữa kì môn Toán (8 thành 3)."}
		n := len(w.auditEntries())
		wantCode(t, "no kind", second(w.a.ReportIncident(w.ctx, w.as("a1.teacher"), app.IncidentInput{ClassID: w.class.ID, Body: in.Body})), sdgdt.EINVALID)
		wantCode(t, "too short", second(w.a.ReportIncident(w.ctx, w.as("a1.teacher"), app.IncidentInput{ClassID: w.class.ID, Kind: sdgdt.IncidentSystem, Body: "lỗi"})), sdgdt.EINVALID)
		wantCode(t, "another school's teacher", second(w.a.ReportIncident(w.ctx, w.as("b1.teacher"), in)), sdgdt.EFORBIDDEN)
		wantCode(t, "the office above", second(w.a.ReportIncident(w.ctx, w.as("pa.board"), in)), sdgdt.EFORBIDDEN)
		if len(w.auditEntries()) != n {
			t.Fatal("a refused report wrote to the audit log")
		}
		inc, err := w.a.ReportIncident(w.ctx, w.as("a1.teacher"), in)
		w.must(err)
		if inc.SchoolID != a1.ID || inc.Status != sdgdt.IncidentOpen {
			t.Errorf("report: %+v", inc)
		}
		_, err = w.a.ReportIncident(w.ctx, w.as("a1.staff"), app.IncidentInput{SchoolID: a1.ID, Kind: sdgdt.IncidentSystem, Body: "Máy chủ báo lỗi khi tải tệp Excel lên lúc 21 giờ."})
		w.must(err)
		// Who sees what.
		mine, err := w.a.Incidents(w.ctx, w.as("a1.teacher"), a1.ID)
		w.must(err)
		if len(mine.Incidents) != 1 || mine.CanAnswer {
			t.Errorf("the reporter sees %d reports, can answer %v", len(mine.Incidents), mine.CanAnswer)
		}
		all, err := w.a.Incidents(w.ctx, w.as("a1.leader"), a1.ID)
		w.must(err)
		if len(all.Incidents) != 2 || !all.CanAnswer {
			t.Errorf("the leader sees %d reports", len(all.Incidents))
		}
		wantCode(t, "another school's leader reads", second(w.a.Incidents(w.ctx, w.as("b1.leader"), a1.ID)), sdgdt.EFORBIDDEN)
		// Answers.
		wantCode(t, "the reporter answers himself", w.a.AnswerIncident(w.ctx, w.as("a1.teacher"), inc.ID, "Đã sửa", true), sdgdt.EFORBIDDEN)
		wantCode(t, "an empty answer", w.a.AnswerIncident(w.ctx, w.as("a1.leader"), inc.ID, " ", false), sdgdt.EINVALID)
		w.must(w.a.AnswerIncident(w.ctx, w.as("a1.leader"), inc.ID, "Thầy gửi đề nghị điều chỉnh, Ban quản trị sẽ chứng kiến.", false))
		w.must(w.a.AnswerIncident(w.ctx, w.as("a1.leader"), inc.ID, "", true))
		wantCode(t, "answering a closed report", w.a.AnswerIncident(w.ctx, w.as("a1.leader"), inc.ID, "Thêm", false), sdgdt.ECONFLICT)
		mine, _ = w.a.Incidents(w.ctx, w.as("a1.teacher"), a1.ID)
		if got := mine.Incidents[0]; got.Status != sdgdt.IncidentClosed || got.Answer == "" || got.Answerer == "" || got.ClassName != w.class.Name {
			t.Errorf("the closed report as its reporter sees it: %+v", got)
		}
		es := w.auditEntries()
		if es[0].Action != string(sdgdt.ActIncidentAnswer) || es[1].Action != string(sdgdt.ActIncidentAnswer) {
			t.Errorf("answers not recorded: %s, %s", es[0].Action, es[1].Action)
		}
		w.verifyAudit()
	})
}
