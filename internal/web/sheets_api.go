package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// The assessment book's JSON API (05-api.md): assignments, sheets, patches with
// conflict detection, cell history, conduct. The grid page calls the same
// endpoints with its session cookie (same-origin requests only: the
// cross-origin protection in front of every route refuses the others).

type viaKey struct{}

// sheetAPI wraps an endpoint that takes a bearer token (integrations) or the
// session cookie of a signed-in page (the grid). It records which, so that
// history says "api" or "grid".
func (s *Server) sheetAPI(h handlerFunc) http.Handler {
	bearerH := s.api(func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		return h(w, r.WithContext(context.WithValue(r.Context(), viaKey{}, app.ViaAPI)), p)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bearer(r) != "" || sessionToken(r) == "" {
			bearerH.ServeHTTP(w, r)
			return
		}
		p, sess, err := s.app.Authenticate(r.Context(), sessionToken(r))
		if err == nil && (sess.MFAPending || sess.Kind != "web") {
			err = app.ErrNoSession
		}
		if err != nil {
			if sdgdt.ErrorCode(err) == sdgdt.EUNAUTHORIZED {
				err = &sdgdt.Error{Code: sdgdt.EUNAUTHORIZED, Message: "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại (ở thẻ khác, để không mất dữ liệu chưa lưu) rồi thử lại."}
			}
			s.fail(w, r, err)
			return
		}
		s.withMeta(p, r)
		if p.User.MustChangePW {
			s.fail(w, r, &sdgdt.Error{Code: sdgdt.EPWCHANGE, Message: "Bạn cần đổi mật khẩu trước khi tiếp tục."})
			return
		}
		ctx := context.WithValue(context.WithValue(r.Context(), keyPrincipal, p), viaKey{}, app.ViaGrid)
		if err := h(w, r.WithContext(ctx), p); err != nil {
			s.fail(w, r, err)
		}
	})
}

func viaOf(r *http.Request) string {
	if v, ok := r.Context().Value(viaKey{}).(string); ok {
		return v
	}
	return app.ViaAPI
}

func sheetPathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy bảng điểm."}
	}
	return id, nil
}

// apiAssignment is one item of GET /api/v1/assignments.
type apiAssignment struct {
	SheetID      string `json:"sheet_id"`
	AssignmentID string `json:"assignment_id"`
	SchoolID     string `json:"school_id"`
	SchoolYear   string `json:"school_year"`
	Term         string `json:"term"`
	TermName     string `json:"term_name"`
	ClassID      string `json:"class_id"`
	ClassName    string `json:"class_name"`
	Grade        int    `json:"grade"`
	Subject      string `json:"subject"`
	SubjectName  string `json:"subject_name"`
	AssessedBy   string `json:"assessed_by"`
	Ruleset      string `json:"ruleset"`
}

func (s *Server) apiAssignments(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	list, err := s.app.MyAssignments(r.Context(), p)
	if err != nil {
		return err
	}
	out := make([]apiAssignment, 0, len(list))
	for _, a := range list {
		out = append(out, apiAssignment{id64(a.SheetID), id64(a.ID), id64(a.SchoolID), a.SchoolYear, a.Term, app.SheetTermName(a.Term), id64(a.ClassID),
			a.ClassName, a.Grade, a.Subject, a.SubjectName, a.AssessedBy, a.Ruleset})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// cellJSON writes a stored cell as JSON: a score as a number with at most one
// decimal, D/CD/P and texts as strings, an empty cell as null.
func cellJSON(field, v string) json.RawMessage {
	if v == "" {
		return json.RawMessage("null")
	}
	if !app.IsTextField(field) && field != "level" {
		if sc, err := assess.ParseScore(v); err == nil && !strings.ContainsAny(v, "eE") {
			return json.RawMessage(sc.Dot())
		}
	}
	b, _ := json.Marshal(v)
	return b
}

func markJSON(m assess.Mark) json.RawMessage {
	b, _ := m.MarshalJSON()
	return b
}

// sheetRowJSON is one row of a sheet in the API: the fields of the sheet's kind.
func sheetRowJSON(v *app.SheetView, row *app.SheetRow) map[string]any {
	out := map[string]any{"pupil_id": id64(row.PupilID), "full_name": row.FullName, "row_version": row.RowVersion}
	if v.IsSecondary() {
		reg := make([]json.RawMessage, v.RegularCount)
		for i, f := range v.RegularFields() {
			reg[i] = cellJSON(f, row.Cell(f))
		}
		out["regular"] = reg
		out["midterm"] = cellJSON("midterm", row.Cell("midterm"))
		out["final"] = cellJSON("final", row.Cell("final"))
		out["comment"] = cellJSON("comment", row.Cell("comment"))
		if v.Exemptions {
			out["exemption"] = cellJSON("exemption", row.Cell("exemption"))
		}
		out["average"] = markJSON(row.Average)
		if v.Sheet.Term == "hk2" {
			out["hk1_average"] = markJSON(row.HK1)
			out["year_average"] = markJSON(row.YearAverage)
		}
		return out
	}
	for _, f := range v.Fields {
		out[f] = cellJSON(f, row.Cell(f))
	}
	return out
}

func sheetJSON(v *app.SheetView) map[string]any {
	rows := make([]map[string]any, 0, len(v.Rows))
	for i := range v.Rows {
		rows = append(rows, sheetRowJSON(v, &v.Rows[i]))
	}
	var lockReason any
	if v.Locked {
		lockReason = v.LockReason
	}
	return map[string]any{
		"sheet_id": id64(v.Sheet.ID), "school_id": id64(v.School.ID), "school_year": v.SchoolYear, "term": v.Sheet.Term, "term_name": app.SheetTermName(v.Sheet.Term),
		"class_id": id64(v.Class.ID), "class_name": v.Class.Name, "grade": v.Class.Grade, "subject": v.Sheet.Subject, "subject_name": v.SubjectName,
		"ruleset": v.Ruleset, "ruleset_version": v.RulesetVersion, "assessed_by": v.AssessedBy, "regular_count": v.RegularCount,
		"fields": v.Fields, "version": v.Sheet.Version, "locked": v.Locked, "lock_reason": lockReason, "can_write": v.CanWrite,
		"teacher_name": v.TeacherName, "rows": rows,
	}
}

func (s *Server) apiSheet(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "sheet_id")
	if err != nil {
		return err
	}
	v, err := s.app.GetSheet(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sheetJSON(&v))
	return nil
}

// flexID reads an id given as a JSON string ("12") or number (12).
type flexID int64

func (f *flexID) UnmarshalJSON(b []byte) error {
	t := strings.Trim(string(b), `"`)
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Mã học sinh không hợp lệ: " + string(b) + "."}
	}
	*f = flexID(n)
	return nil
}

type patchRequest struct {
	Version *int64 `json:"version"`
	Changes []struct {
		PupilID flexID          `json:"pupil_id"`
		Field   string          `json:"field"`
		Value   json.RawMessage `json:"value"`
	} `json:"changes"`
	Reason string `json:"reason"`
}

// cellValue turns a JSON value into a cell value without going through a
// float: a number keeps its literal text.
func cellValue(raw json.RawMessage) app.CellValue {
	t := bytes.TrimSpace(raw)
	switch {
	case len(t) == 0 || string(t) == "null":
		return app.CellValue{Null: true}
	case t[0] == '"':
		var s string
		if json.Unmarshal(t, &s) == nil {
			return app.CellValue{Text: s}
		}
	case t[0] == '-' || (t[0] >= '0' && t[0] <= '9'):
		return app.CellValue{Number: true, Text: string(t)}
	}
	return app.CellValue{Text: string(t)}
}

// conflictBody is the 409 answer: the error shape, with the conflicting cells
// both inside the error object and beside it.
type conflictBody struct {
	Error struct {
		Code      string        `json:"code"`
		Message   string        `json:"message"`
		Conflicts []apiConflict `json:"conflicts"`
	} `json:"error"`
	Conflicts []apiConflict `json:"conflicts"`
}

type apiConflict struct {
	PupilID string          `json:"pupil_id"`
	Field   string          `json:"field"`
	Value   json.RawMessage `json:"value"`
}

func (s *Server) apiPatchSheet(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "sheet_id")
	if err != nil {
		return err
	}
	var req patchRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Version == nil {
		return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Thiếu “version”: phiên bản bảng điểm mà bạn đã đọc."}
	}
	patch := app.SheetPatch{Version: *req.Version, Via: viaOf(r), Reason: req.Reason}
	for _, ch := range req.Changes {
		patch.Changes = append(patch.Changes, app.SheetChange{PupilID: int64(ch.PupilID), Field: ch.Field, Value: cellValue(ch.Value)})
	}
	return s.patchAndAnswer(w, r, p, id, patch)
}

func (s *Server) patchAndAnswer(w http.ResponseWriter, r *http.Request, p *app.Principal, id int64, patch app.SheetPatch) error {
	res, err := s.app.PatchSheet(r.Context(), p, id, patch)
	if ce, ok := app.AsConflict(err); ok {
		var body conflictBody
		body.Error.Code, body.Error.Message = ce.Base.Code, ce.Base.Message
		body.Conflicts = []apiConflict{}
		for _, c := range ce.Conflicts {
			body.Conflicts = append(body.Conflicts, apiConflict{id64(c.PupilID), c.Field, cellJSON(c.Field, c.Value)})
		}
		body.Error.Conflicts = body.Conflicts
		writeJSON(w, http.StatusConflict, body)
		return nil
	}
	if err != nil {
		return err
	}
	rows := make([]map[string]any, 0, len(res.Rows))
	for i := range res.Rows {
		rows = append(rows, sheetRowJSON(&res.View, &res.Rows[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": res.Version, "changed": res.Changed, "rows": rows})
	return nil
}

type apiCellChange struct {
	Value        json.RawMessage `json:"value"`
	Previous     json.RawMessage `json:"previous"`
	ChangedBy    string          `json:"changed_by"`
	ChangedByID  string          `json:"changed_by_id"`
	ChangedAt    string          `json:"changed_at"`
	Via          string          `json:"via"`
	ViaName      string          `json:"via_name"`
	Reason       string          `json:"reason"`
	CorrectionID *string         `json:"correction_id"`
	SheetID      string          `json:"sheet_id"`
	SheetVersion int64           `json:"sheet_version"`
}

func (s *Server) apiSheetHistory(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "sheet_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pupil, err := strconv.ParseInt(q.Get("pupil_id"), 10, 64)
	if err != nil || q.Get("field") == "" {
		return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Cần pupil_id và field, ví dụ ?pupil_id=12&field=regular[0]."}
	}
	hist, err := s.app.CellHistory(r.Context(), p, id, pupil, q.Get("field"))
	if err != nil {
		return err
	}
	out := make([]apiCellChange, 0, len(hist))
	for _, h := range hist {
		c := apiCellChange{Value: cellJSON(h.Field, h.Value), Previous: cellJSON(h.Field, h.Previous), ChangedBy: h.ChangedByName, ChangedByID: id64(h.ChangedBy),
			ChangedAt: h.ChangedAt.UTC().Format(time.RFC3339), Via: h.Via, ViaName: viaName(h.Via), Reason: h.Reason, SheetID: id64(h.SheetID), SheetVersion: h.SheetVersion}
		if h.CorrectionID != 0 {
			cid := id64(h.CorrectionID)
			c.CorrectionID = &cid
		}
		out = append(out, c)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiConduct(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		return err
	}
	var req struct {
		Changes []struct {
			PupilID flexID `json:"pupil_id"`
			Term    string `json:"term"`
			Level   string `json:"level"`
			Comment string `json:"comment"`
		} `json:"changes"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	var entries []app.ConductEntry
	for _, c := range req.Changes {
		entries = append(entries, app.ConductEntry{PupilID: int64(c.PupilID), Term: c.Term, Level: c.Level, Comment: c.Comment})
	}
	if err := s.app.SetConduct(r.Context(), p, id, entries); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved": len(entries)})
	return nil
}

// apiResult is a pupil's stored year result.
type apiResult struct {
	PupilID        string          `json:"pupil_id"`
	ClassID        string          `json:"class_id"`
	RulesetVersion string          `json:"ruleset_version"`
	Complete       bool            `json:"complete"`
	AbsentSessions int             `json:"absent_sessions"`
	HK1            apiTermLevels   `json:"hk1"`
	HK2            apiTermLevels   `json:"hk2"`
	Year           apiTermLevels   `json:"year"`
	LearningFinal  *string         `json:"learning_final"`
	ConductFinal   *string         `json:"conduct_final"`
	RetestSubjects []string        `json:"retest_subjects"`
	Promotion      *string         `json:"promotion"`
	Award          *string         `json:"award"`
	Subjects       json.RawMessage `json:"subjects"`
	Missing        json.RawMessage `json:"missing"`
	Error          string          `json:"error,omitempty"`
	ComputedAt     string          `json:"computed_at"`
}

type apiTermLevels struct {
	Learning         *string `json:"learning"`
	LearningComputed *string `json:"learning_computed"`
	AdjustedFor      *string `json:"adjusted_for"`
	Conduct          *string `json:"conduct"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func termLevelsJSON(t sdgdt.TermLevels) apiTermLevels {
	return apiTermLevels{nullable(t.Learning), nullable(t.LearningComputed), nullable(t.AdjustedFor), nullable(t.Conduct)}
}

func (s *Server) apiClassResults(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		return err
	}
	rs, err := s.app.ClassResults(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := make([]apiResult, 0, len(rs))
	for _, x := range rs {
		retest := []string{}
		if x.RetestSubjects != "" {
			retest = strings.Split(x.RetestSubjects, ",")
		}
		out = append(out, apiResult{id64(x.PupilID), id64(x.ClassID), x.RulesetVersion, x.Complete, x.AbsentSessions,
			termLevelsJSON(x.HK[0]), termLevelsJSON(x.HK[1]), termLevelsJSON(x.Year), nullable(x.LearningFinal), nullable(x.ConductFinal), retest,
			nullable(x.Promotion), nullable(x.Award), json.RawMessage(x.SubjectsJSON), json.RawMessage(x.MissingJSON), x.Error,
			x.ComputedAt.UTC().Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
