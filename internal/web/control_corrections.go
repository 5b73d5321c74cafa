package web

import (
	"encoding/json"
	"net/http"
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
	Reason  string              `json:"reason"`
	Cells   []apiCorrectionCell `json:"cells"`
}

type apiCorrectionOut struct {
	CorrectionID    string           `json:"correction_id"`
	SheetID         string           `json:"sheet_id"`
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
	out := apiCorrectionOut{CorrectionID: id64(c.ID), SheetID: id64(c.SheetID), ClassName: c.ClassName, Subject: c.Subject, Term: c.Term, Status: c.Status,
		StatusName: app.CorrectionStatusName[c.Status], Reason: c.Reason, RequestedBy: c.RequesterName, RequestedAt: c.RequestedAt.UTC().Format(time.RFC3339),
		DecidedBy: c.DeciderName, DecisionNote: c.DecisionNote, BoardWitness: c.BoardWitnessName, HomeroomWitness: c.HomeroomName, Cells: []map[string]any{}}
	if !c.AppliedAt.IsZero() {
		t := c.AppliedAt.UTC().Format(time.RFC3339)
		out.AppliedAt = &t
	}
	for _, x := range c.Cells {
		out.Cells = append(out.Cells, map[string]any{"pupil_id": id64(x.PupilID), "full_name": x.PupilName, "field": x.Field, "old_value": x.OldValue, "new_value": x.NewValue})
	}
	return out
}

func (s *Server) apiRequestCorrection(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	var req apiCorrectionRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	fields := map[string]string{}
	sheetID := parseID("sheet_id", req.SheetID, fields)
	var cells []app.CorrectionCellInput
	for i, c := range req.Cells {
		id := parseID("cells["+strconv.Itoa(i)+"].pupil_id", c.PupilID, fields)
		cells = append(cells, app.CorrectionCellInput{PupilID: id, Field: c.Field, Value: cellValue(c.Value)})
	}
	if len(fields) > 0 {
		s.fail(w, r, sdgdt.Invalid(fields))
		return
	}
	c, err := s.app.RequestCorrection(r.Context(), p, sheetID, cells, req.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err = s.app.Correction(r.Context(), p, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPICorrection(c))
}

func (s *Server) apiListCorrections(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := strconv.ParseInt(r.URL.Query().Get("school_id"), 10, 64)
	if err != nil {
		s.fail(w, r, sdgdt.Invalid(map[string]string{"school_id": "Cần tham số school_id."}))
		return
	}
	sc, err := s.app.CorrectionsOf(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []apiCorrectionOut{}
	for _, c := range sc.Corrections {
		out = append(out, toAPICorrection(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGetCorrection(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.app.Correction(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPICorrection(c))
}

type apiDecision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

// apiCorrectionStep runs one step (decision, witness, cancel) and answers the request's new state.
func (s *Server) apiCorrectionStep(step string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) {
		id, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
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
			s.fail(w, r, err)
			return
		}
		c, err := s.app.Correction(r.Context(), p, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, toAPICorrection(c))
	}
}

// correctionsData is the school's register of corrections.
type correctionsData struct {
	app.SchoolCorrections
	StatusName map[string]string
}

func (s *Server) correctionsPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sc, err := s.app.CorrectionsOf(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "control_corrections", &Page{Title: "Sổ điều chỉnh — " + sc.School.Name, Active: "control",
		Data: correctionsData{SchoolCorrections: sc, StatusName: app.CorrectionStatusName}})
}

// correctionStep runs one step from the register page.
func (s *Server) correctionStep(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	msg := "saved"
	switch r.PostForm.Get("step") {
	case "approve":
		err = s.app.DecideCorrection(r.Context(), p, id, true, r.PostForm.Get("note"))
	case "reject":
		err = s.app.DecideCorrection(r.Context(), p, id, false, r.PostForm.Get("note"))
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
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/schools/"+r.PostForm.Get("school_id")+"/corrections?msg="+msg, http.StatusSeeOther)
}

func (s *Server) correctionsXLSX(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sc, err := s.app.CorrectionsOf(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := report.Corrections(sc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "so-dieu-chinh.xlsx", data)
}

// correctionFormData is the page where a teacher asks to correct a locked sheet.
type correctionFormData struct {
	V    app.SheetView
	Rows int
}

func (s *Server) correctionForm(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	s.showCorrectionForm(w, r, p, http.StatusOK, nil)
}

func (s *Server) showCorrectionForm(w http.ResponseWriter, r *http.Request, p *app.Principal, status int, formErr error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.GetSheet(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := &Page{Title: "Đề nghị điều chỉnh — " + v.SubjectName + " " + v.Class.Name, Active: "sheets", Data: correctionFormData{V: v, Rows: 5}, Form: r.PostForm}
	if formErr != nil {
		pg.Error, pg.Fields = sdgdt.ErrorMessage(formErr), sdgdt.ErrorFields(formErr)
	}
	s.render(w, r, status, "control_correction_new", pg)
}

func (s *Server) correctionSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	var cells []app.CorrectionCellInput
	for i := 0; i < 20; i++ {
		n := strconv.Itoa(i)
		pupil, field, value := formID(r, "pupil"+n), r.PostForm.Get("field"+n), r.PostForm.Get("value"+n)
		if pupil == 0 && value == "" {
			continue
		}
		v := app.CellValue{Text: value, Null: value == ""}
		if field != "comment" && field != "exemption" {
			v.Number = value != "" && (value[0] >= '0' && value[0] <= '9')
		}
		cells = append(cells, app.CorrectionCellInput{PupilID: pupil, Field: field, Value: v})
	}
	c, err := s.app.RequestCorrection(r.Context(), p, id, cells, r.PostForm.Get("reason"))
	if err != nil {
		code := sdgdt.ErrorCode(err)
		if code != sdgdt.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.showCorrectionForm(w, r, p, http.StatusUnprocessableEntity, err)
		return
	}
	http.Redirect(w, r, "/schools/"+strconv.FormatInt(c.SchoolID, 10)+"/corrections?msg=requested", http.StatusSeeOther)
}
