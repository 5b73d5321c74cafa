package web

import (
	"net/http"
	"strconv"

	"sdgdt"
	"sdgdt/internal/app"
)

// Reports to the school's admin board.

type incidentsData struct {
	SI      app.SchoolIncidents
	SheetID int64 // the report form's sheet or class, when it was opened from one
	ClassID int64
	About   string
	Kinds   map[string]string
	Status  map[string]string
}

func (s *Server) incidentsView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	si, err := s.app.Incidents(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	d := incidentsData{SI: si, Kinds: sdgdt.IncidentKindName, Status: sdgdt.IncidentStatusName,
		SheetID: queryID(r, "sheet"), ClassID: queryID(r, "class")}
	if r.Method == http.MethodPost {
		d.SheetID, d.ClassID = formID(r, "sheet_id"), formID(r, "class_id")
	}
	switch {
	case d.SheetID != 0:
		if v, err := s.app.GetSheet(r.Context(), p, d.SheetID); err == nil {
			d.About = "Bảng điểm " + v.SubjectName + " lớp " + v.Class.Name + " — " + app.SheetTermName(v.Sheet.Term)
		}
	case d.ClassID != 0:
		if cr, err := s.app.ClassRecords(r.Context(), p, d.ClassID); err == nil {
			d.About = "Lớp " + cr.Class.Name
		}
	}
	pg.Title, pg.Active, pg.Data = "Báo cáo sự cố, nhầm lẫn — "+si.School.Name, "home", d
	pg.SchoolKind = si.School.Kind
	return "incidents", nil
}

func (s *Server) reportIncident(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	_, err = s.app.ReportIncident(r.Context(), p, app.IncidentInput{SchoolID: id, ClassID: formID(r, "class_id"), SheetID: formID(r, "sheet_id"),
		Kind: pg.Form.Get("kind"), Body: pg.Form.Get("body")})
	return schoolURL(id, "incidents"), "reported", err
}

func (s *Server) answerIncident(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	iid, _ := strconv.ParseInt(r.PathValue("iid"), 10, 64)
	err = s.app.AnswerIncident(r.Context(), p, iid, pg.Form.Get("answer"), pg.Form.Get("close") == "1")
	return schoolURL(id, "incidents"), "saved", err
}
