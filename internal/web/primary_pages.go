package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// The primary book's pages (Circular 27/2020): the Bảng tổng hợp kết quả
// đánh giá giáo dục of a class at an assessment point (printable), the
// qualities-and-competencies grid (the sheet grid, reached through
// /classes/{id}/qualities), and the year's end: explanations, nominations, the
// additional assessment and the principal's decisions. The JSON API of the
// same things is at the end of the file.

type pointLink struct {
	Code, Name string
}

// primaryData is the Bảng tổng hợp and the year-end page.
type primaryData struct {
	Head       classHead
	S          app.PrimarySummary
	Points     []pointLink
	CompNames  [10]string
	QualNames  [5]string
	Cols       int // columns of the table, for colspans
	FormPupil  int64
	FormFields map[string]string
}

func (d primaryData) PointName() string { return app.SheetTermName(d.S.Point) }

// defaultPoint is the latest assessment point whose date has come.
func (s *Server) defaultPoint(y sdgdt.SchoolYear) string {
	now := s.app.Now()
	point := "gk1"
	for _, pd := range []struct {
		code string
		on   time.Time
	}{{"ck1", y.CK1On}, {"gk2", y.GK2On}, {"cn", y.CNOn}} {
		if !pd.on.IsZero() && !now.Before(pd.on) {
			point = pd.code
		}
	}
	return point
}

func (s *Server) primaryData(r *http.Request, p *app.Principal, id int64, point, active string) (primaryData, error) {
	sum, err := s.app.ClassPrimarySummary(r.Context(), p, id, point)
	if err != nil {
		return primaryData{}, err
	}
	t := app.ClassTarget(sum.School, sum.Class.ID)
	d := primaryData{S: sum, CompNames: assess.CompetencyNames, QualNames: assess.QualityNames,
		Head: classHead{Class: sum.Class, School: sum.School, Year: sum.Year, Active: active, CanKeep: app.Can(p, app.ActKeepClassRecords, t),
			CanManage: app.Can(p, app.ActManageSchool, app.SchoolTarget(sum.School)), Month: s.currentMonth(sum.Year), Book: true, Print: true}}
	for _, pt := range app.PrimaryPoints {
		d.Points = append(d.Points, pointLink{pt, app.PointShortName(pt)})
	}
	d.Cols = 2 + 15
	for _, sub := range sum.Subjects {
		d.Cols++
		if sub.Tested {
			d.Cols++
		}
	}
	if sum.YearEnd {
		d.Cols += 4
	}
	return d, nil
}

func (s *Server) primarySummaryPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	point := r.URL.Query().Get("point")
	if point == "" {
		y, err := s.app.PrimaryClassYear(r.Context(), p, id)
		if err != nil {
			return err
		}
		point = s.defaultPoint(y)
	}
	d, err := s.primaryData(r, p, id, point, "p-summary")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "primary_summary", &Page{Title: "Bảng tổng hợp · Lớp " + d.S.Class.Name + " · " + d.PointName(), Active: "class", Data: d})
}

// primaryQualities opens the class's qualities-and-competencies grid of a point.
func (s *Server) primaryQualities(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	point := r.URL.Query().Get("point")
	if point == "" {
		y, err := s.app.PrimaryClassYear(r.Context(), p, id)
		if err != nil {
			return err
		}
		point = s.defaultPoint(y)
	}
	sheet, err := s.app.PCNLSheet(r.Context(), p, id, point)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/sheets/"+strconv.FormatInt(sheet, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) yearEndView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	d, err := s.primaryData(r, p, id, assess.PointCN, "p-yearend")
	if err != nil {
		return "", err
	}
	pg.Title, pg.Active, pg.Data = "Cuối năm học · Lớp "+d.S.Class.Name, "class", &d
	if pg.retyped() && (pg.Error != "" || len(pg.Fields) > 0) {
		d.FormPupil, _ = strconv.ParseInt(pg.Form.Get("pupil_id"), 10, 64)
		d.FormFields = pg.Fields
		if len(d.FormFields) > 0 {
			var parts []string
			for k, v := range d.FormFields {
				parts = append(parts, app.ItemName(k)+": "+v)
			}
			sort.Strings(parts)
			pg.Error += " " + strings.Join(parts, " · ")
		}
	}
	return "primary_yearend", nil
}

// yearEndPupil reads the class and the pupil of a year-end form.
func yearEndPupil(r *http.Request, f url.Values) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	pupil, err := strconv.ParseInt(f.Get("pupil_id"), 10, 64)
	if err != nil {
		return 0, 0, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Thiếu học sinh."}
	}
	return id, pupil, nil
}

// yearEndURL is the year-end page at a pupil's line.
func yearEndURL(id, pupil int64) string {
	return classURL(id, "yearend") + "#p" + strconv.FormatInt(pupil, 10)
}

func (s *Server) primaryNominationSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, pupil, err := yearEndPupil(r, pg.Form)
	if err != nil {
		return "", "", err
	}
	err = s.app.SetNomination(r.Context(), p, id, pupil, pg.Form.Get("nominated") == "1", pg.Form.Get("reason"))
	return yearEndURL(id, pupil), "saved", err
}

func (s *Server) primarySupplementSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	f := pg.Form
	id, pupil, err := yearEndPupil(r, f)
	if err != nil {
		return "", "", err
	}
	var entries []app.SupplementEntry
	for _, item := range f["item"] {
		lv, test := f.Get("level_"+item), f.Get("test_"+item)
		if lv == "" && test == "" {
			continue
		}
		entries = append(entries, app.SupplementEntry{Item: item, Level: lv, Test: test})
	}
	err = s.app.RecordSupplement(r.Context(), p, id, pupil, entries, f.Get("note"))
	return yearEndURL(id, pupil), "saved", err
}

func (s *Server) primaryDecisionSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, pupil, err := yearEndPupil(r, pg.Form)
	if err != nil {
		return "", "", err
	}
	err = s.app.DecidePromotion(r.Context(), p, id, pupil, pg.Form.Get("decision"), pg.Form.Get("note"))
	return yearEndURL(id, pupil), "saved", err
}

// --- JSON API ---
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func testJSON(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return nil
}

// apiPrimarySummary is GET /api/v1/classes/{class_id}/primary?point=: the
// Bảng tổng hợp as JSON, with the stored results.
func (s *Server) apiPrimarySummary(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		return err
	}
	point := r.URL.Query().Get("point")
	sum, err := s.app.ClassPrimarySummary(r.Context(), p, id, point)
	if err != nil {
		return err
	}
	pcnl, err := s.app.PCNLSheet(r.Context(), p, id, point)
	if err != nil {
		return err
	}
	subjects := make([]map[string]any, 0, len(sum.Subjects))
	for _, sub := range sum.Subjects {
		subjects = append(subjects, map[string]any{"code": sub.Code, "name": sub.Name, "tested": sub.Tested, "sheet_id": nullStr(id64(sub.SheetID))})
	}
	rows := make([]map[string]any, 0, len(sum.Rows))
	for _, row := range sum.Rows {
		subs := make([]map[string]any, 0, len(sum.Subjects))
		for k, sub := range sum.Subjects {
			m := map[string]any{"code": sub.Code, "level": nullStr(row.Levels[k]), "comment": nullStr(row.Comments[k])}
			if sub.Tested {
				m["test"] = testJSON(row.Tests[k])
			}
			subs = append(subs, m)
		}
		comp, qual := map[string]any{}, map[string]any{}
		for k, c := range assess.CompetencyCodes {
			comp[c] = nullStr(row.Competencies[k])
		}
		for k, q := range assess.QualityCodes {
			qual[q] = nullStr(row.Qualities[k])
		}
		res := row.Result
		out := map[string]any{"pupil_id": id64(row.PupilID), "full_name": row.FullName, "subjects": subs, "competencies": comp, "qualities": qual,
			"comments": map[string]any{"general_competencies": nullStr(row.QCComments[0]), "specific_competencies": nullStr(row.QCComments[1]), "qualities": nullStr(row.QCComments[2])},
			"complete": res.Complete, "missing": jsonRaw(res.MissingJSON), "ruleset_version": res.RulesetVersion}
		if sum.YearEnd {
			year := map[string]any{"result": nullStr(res.Result), "award": nullStr(res.Award), "completed_grade": res.CompletedGrade,
				"completed_primary": res.CompletedPrimary, "result_final": nullStr(res.ResultFinal), "promotion": nullStr(res.Promotion),
				"eligible_tieu_bieu": row.Eligible, "nomination": nil, "decision": nil}
			if n := row.Nomination; n != nil {
				year["nomination"] = map[string]any{"nominated": n.Nominated, "reason": n.Reason, "by": n.ChangedByName, "at": n.ChangedAt.Format("2006-01-02T15:04:05Z")}
			}
			if dd := row.Decision; dd != nil {
				year["decision"] = map[string]any{"decision": dd.Decision, "note": dd.Note, "by": dd.DecidedByName, "at": dd.DecidedAt.Format("2006-01-02T15:04:05Z")}
			}
			sups := []map[string]any{}
			for _, x := range row.Supplements {
				sups = append(sups, map[string]any{"item": x.Item, "level": nullStr(x.Level), "test": testJSON(x.Test), "note": x.Note})
			}
			year["supplements"] = sups
			out["year"] = year
		} else {
			out["levels"] = map[string]int{"subjects_t": res.SubjectsT, "subjects_h": res.SubjectsH, "subjects_c": res.SubjectsC,
				"qc_t": res.QCT, "qc_d": res.QCD, "qc_c": res.QCC}
		}
		rows = append(rows, out)
	}
	writeJSON(w, http.StatusOK, map[string]any{"class_id": id64(sum.Class.ID), "class_name": sum.Class.Name, "grade": sum.Class.Grade,
		"school_year": sum.Year.Name, "point": sum.Point, "point_name": app.SheetTermName(sum.Point), "ruleset": sum.Class.Ruleset,
		"ruleset_version": sum.RulesetVersion, "qualities_sheet_id": id64(pcnl), "locked": sum.Locked, "subjects": subjects, "rows": rows})
	return nil
}

func jsonRaw(s string) any {
	if s == "" {
		return []string{}
	}
	return rawJSON(s)
}

type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

func (s *Server) apiPrimaryNomination(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		return err
	}
	var req struct {
		PupilID   flexID `json:"pupil_id"`
		Nominated bool   `json:"nominated"`
		Reason    string `json:"reason"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.app.SetNomination(r.Context(), p, id, int64(req.PupilID), req.Nominated, req.Reason); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved": true})
	return nil
}

func (s *Server) apiPrimarySupplement(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		return err
	}
	var req struct {
		PupilID flexID `json:"pupil_id"`
		Items   []struct {
			Item  string  `json:"item"`
			Level string  `json:"level"`
			Test  flexNum `json:"test"`
		} `json:"items"`
		Note string `json:"note"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	var entries []app.SupplementEntry
	for _, it := range req.Items {
		entries = append(entries, app.SupplementEntry{Item: it.Item, Level: it.Level, Test: string(it.Test)})
	}
	if err := s.app.RecordSupplement(r.Context(), p, id, int64(req.PupilID), entries, req.Note); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved": len(entries)})
	return nil
}

// flexNum keeps a JSON number or string as its text (never through a float).
type flexNum string

func (f *flexNum) UnmarshalJSON(b []byte) error {
	t := strings.TrimSpace(string(b))
	if t == "null" {
		*f = ""
		return nil
	}
	*f = flexNum(strings.Trim(t, `"`))
	return nil
}

func (s *Server) apiPrimaryDecision(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		return err
	}
	var req struct {
		PupilID  flexID `json:"pupil_id"`
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.app.DecidePromotion(r.Context(), p, id, int64(req.PupilID), req.Decision, req.Note); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved": true})
	return nil
}

// qualityText shows a stored quality or competency level: T, Đ, C.
func qualityText(v string) string {
	if v == "D" {
		return "Đ"
	}
	return v
}

// subjectCols counts the columns of the subjects in the Bảng tổng hợp.
func subjectCols(subs []app.SummarySubject) int {
	n := 0
	for _, s := range subs {
		n++
		if s.Tested {
			n++
		}
	}
	return n
}

// levelRows label the totals at the foot of the Bảng tổng hợp.
func levelRows() [][2]string {
	return [][2]string{{"Số HS mức T (Hoàn thành tốt / Tốt)", "T"}, {"Số HS mức H / Đ", "M"}, {"Số HS mức C", "C"}}
}

func pickCount(lc app.LevelCount, k int) int {
	switch k {
	case 0:
		return lc.T
	case 1:
		return lc.M
	}
	return lc.C
}
