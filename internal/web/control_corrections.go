package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/report"
)

type apiCorrectionCell struct {
	PupilID string          `json:"pupil_id"`
	Field   string          `json:"field"`
	Value   json.RawMessage `json:"value"`
}

type apiCorrectionRequest struct {
	SheetID string              `json:"sheet_id"`
	ClassID string              `json:"class_id"` // with term: a correction of homeroom data
	Term    string              `json:"term"`
	Reason  string              `json:"reason"`
	Cells   []apiCorrectionCell `json:"cells"`
}

type apiCorrectionOut struct {
	CorrectionID    string           `json:"correction_id"`
	SheetID         string           `json:"sheet_id,omitempty"`
	ClassID         string           `json:"class_id"`
	ClassName       string           `json:"class_name"`
	Subject         string           `json:"subject"`
	Term            string           `json:"term"`
	Status          string           `json:"status"`
	StatusName      string           `json:"status_name"`
	Reason          string           `json:"reason"`
	RequestedBy     string           `json:"requested_by"`
	RequestedAt     string           `json:"requested_at"`
	DecidedBy       string           `json:"decided_by,omitempty"`
	DecisionNote    string           `json:"decision_note,omitempty"`
	BoardWitness    string           `json:"board_witness,omitempty"`
	HomeroomWitness string           `json:"homeroom_witness,omitempty"`
	AppliedAt       *string          `json:"applied_at"`
	Cells           []map[string]any `json:"cells"`
}

func toAPICorrection(c sdgdt.Correction) apiCorrectionOut {
	out := apiCorrectionOut{CorrectionID: id64(c.ID), ClassID: id64(c.ClassID), ClassName: c.ClassName, Subject: c.Subject, Term: c.Term, Status: c.Status,
		StatusName: app.CorrectionStatusName[c.Status], Reason: c.Reason, RequestedBy: c.RequesterName, RequestedAt: c.RequestedAt.UTC().Format(time.RFC3339),
		DecidedBy: c.DeciderName, DecisionNote: c.DecisionNote, BoardWitness: c.BoardWitnessName, HomeroomWitness: c.HomeroomName, Cells: []map[string]any{}}
	if c.SheetID != 0 {
		out.SheetID = id64(c.SheetID)
	}
	if !c.AppliedAt.IsZero() {
		t := c.AppliedAt.UTC().Format(time.RFC3339)
		out.AppliedAt = &t
	}
	for _, x := range c.Cells {
		out.Cells = append(out.Cells, map[string]any{"pupil_id": id64(x.PupilID), "full_name": x.PupilName, "field": x.Field, "old_value": x.OldValue, "new_value": x.NewValue})
	}
	return out
}

func (s *Server) apiRequestCorrection(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	var req apiCorrectionRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	fields := map[string]string{}
	var sheetID, classID int64
	if req.SheetID == "" && req.ClassID != "" {
		classID = parseID("class_id", req.ClassID, fields)
	} else {
		sheetID = parseID("sheet_id", req.SheetID, fields)
	}
	var cells []app.CorrectionCellInput
	for i, c := range req.Cells {
		id := parseID("cells["+strconv.Itoa(i)+"].pupil_id", c.PupilID, fields)
		cells = append(cells, app.CorrectionCellInput{PupilID: id, Field: c.Field, Value: cellValue(c.Value)})
	}
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	var c sdgdt.Correction
	var err error
	if classID != 0 {
		c, err = s.app.RequestClassCorrection(r.Context(), p, classID, req.Term, cells, req.Reason)
	} else {
		c, err = s.app.RequestCorrection(r.Context(), p, sheetID, cells, req.Reason)
	}
	if err != nil {
		return err
	}
	c, err = s.app.Correction(r.Context(), p, c.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPICorrection(c))
	return nil
}

func (s *Server) apiListCorrections(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := strconv.ParseInt(r.URL.Query().Get("school_id"), 10, 64)
	if err != nil {
		return sdgdt.Invalid(map[string]string{"school_id": "Cần tham số school_id."})
	}
	sc, err := s.app.CorrectionsOf(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := []apiCorrectionOut{}
	for _, c := range sc.Corrections {
		out = append(out, toAPICorrection(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiGetCorrection(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.app.Correction(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPICorrection(c))
	return nil
}

type apiDecision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

// apiCorrectionStep runs one step (decision, witness, cancel) and answers the request's new state.
func (s *Server) apiCorrectionStep(step string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		switch step {
		case "decision":
			var d apiDecision
			if err = decodeJSON(r, &d); err == nil {
				err = s.app.DecideCorrection(r.Context(), p, id, d.Approve, d.Note)
			}
		case "witness":
			_, err = s.app.WitnessCorrection(r.Context(), p, id)
		case "cancel":
			err = s.app.CancelCorrection(r.Context(), p, id)
		}
		if err != nil {
			return err
		}
		c, err := s.app.Correction(r.Context(), p, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toAPICorrection(c))
		return nil
	}
}

// correctionsData is the school's register of corrections.
type correctionsData struct {
	app.SchoolCorrections
	StatusName map[string]string
}

func (s *Server) correctionsView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	sc, err := s.app.CorrectionsOf(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	pg.Title, pg.Active = "Sổ điều chỉnh — "+sc.School.Name, "control"
	pg.Data = correctionsData{SchoolCorrections: sc, StatusName: app.CorrectionStatusName}
	return "control_corrections", nil
}

// correctionStep runs one step from the register page (the form names the school).
func (s *Server) correctionStep(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	msg := "saved"
	switch f.Get("step") {
	case "approve":
		err = s.app.DecideCorrection(r.Context(), p, id, true, f.Get("note"))
	case "reject":
		err = s.app.DecideCorrection(r.Context(), p, id, false, f.Get("note"))
	case "witness":
		var applied bool
		applied, err = s.app.WitnessCorrection(r.Context(), p, id)
		if applied {
			msg = "applied"
		}
	case "cancel":
		err = s.app.CancelCorrection(r.Context(), p, id)
	default:
		err = &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Thao tác không hợp lệ."}
	}
	school := formID(r, "school_id")
	r.SetPathValue("id", strconv.FormatInt(school, 10))
	return schoolURL(school, "corrections"), msg, err
}

func (s *Server) correctionsXLSX(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := s.app.CorrectionsOf(r.Context(), p, id)
	if err != nil {
		return err
	}
	data, err := report.Corrections(sc)
	if err != nil {
		return err
	}
	sendFile(w, "so-dieu-chinh.xlsx", data)
	return nil
}

// correctionFormData is the page where a teacher asks to correct a locked sheet.
type correctionFormData struct {
	V    app.SheetView
	Rows int
}

func (s *Server) correctionFormView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	v, err := s.app.GetSheet(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	pg.Title, pg.Active, pg.Data = "Đề nghị điều chỉnh — "+v.SubjectName+" "+v.Class.Name, "sheets", correctionFormData{V: v, Rows: 5}
	return "control_correction_new", nil
}

func (s *Server) correctionSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	cells := correctionCells(r, pg.Form, func(field, value string) bool {
		return field != "comment" && field != "exemption" && value != "" && value[0] >= '0' && value[0] <= '9'
	})
	c, err := s.app.RequestCorrection(r.Context(), p, id, cells, pg.Form.Get("reason"))
	return schoolURL(c.SchoolID, "corrections"), "requested", err
}

// correctionCells reads the rows of a correction form (pupil, field and new
// value of rows 0-19; empty rows skipped); number tells the values entered
// as numbers.
func correctionCells(r *http.Request, f url.Values, number func(field, value string) bool) []app.CorrectionCellInput {
	var cells []app.CorrectionCellInput
	for i := 0; i < 20; i++ {
		n := strconv.Itoa(i)
		pupil, field, value := formID(r, "pupil"+n), f.Get("field"+n), f.Get("value"+n)
		if pupil == 0 && value == "" {
			continue
		}
		v := app.CellValue{Text: value, Null: value == "", Number: number(field, value)}
		cells = append(cells, app.CorrectionCellInput{PupilID: pupil, Field: field, Value: v})
	}
	return cells
}

// classCorrectionData is the page where the homeroom teacher (or a subject
// teacher, for re-tests) asks to correct locked homeroom data of a class.
type classCorrectionData struct {
	F    app.ClassCorrectionFrame
	Rows int
}

func (s *Server) classCorrectionFormView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	term := r.URL.Query().Get("term")
	if t := pg.Form.Get("term"); t != "" {
		term = t
	}
	f, err := s.app.ClassCorrectionForm(r.Context(), p, id, term)
	if err != nil {
		return "", err
	}
	pg.Title, pg.Active, pg.Data = "Đề nghị điều chỉnh — lớp "+f.Class.Name+", "+app.ClassTermName(term), "class", classCorrectionData{F: f, Rows: 5}
	return "control_correction_class", nil
}

func (s *Server) classCorrectionSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	f := pg.Form
	cells := correctionCells(r, f, func(string, string) bool { return false }) // homeroom values are text
	c, err := s.app.RequestClassCorrection(r.Context(), p, id, f.Get("term"), cells, f.Get("reason"))
	return schoolURL(c.SchoolID, "corrections"), "requested", err
}
