package web

import (
	"net/http"
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
			CanManage: app.Can(p, app.ActManageSchool, app.SchoolTarget(sum.School)), Month: s.currentMonth(sum.Year), Book: true}}
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

func (s *Server) primarySummaryPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	point := r.URL.Query().Get("point")
	if point == "" {
		y, err := s.app.PrimaryClassYear(r.Context(), p, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		point = s.defaultPoint(y)
	}
	d, err := s.primaryData(r, p, id, point, "p-summary")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "primary_summary", &Page{Title: "Bảng tổng hợp · Lớp " + d.S.Class.Name + " · " + d.PointName(), Active: "class", Data: d})
}

// primaryQualities opens the class's qualities-and-competencies grid of a point.
func (s *Server) primaryQualities(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	point := r.URL.Query().Get("point")
	if point == "" {
		y, err := s.app.PrimaryClassYear(r.Context(), p, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		point = s.defaultPoint(y)
	}
	sheet, err := s.app.PCNLSheet(r.Context(), p, id, point)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sheets/"+strconv.FormatInt(sheet, 10), http.StatusSeeOther)
}

func (s *Server) primaryYearEndPage(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showYearEnd(w, r, p, id, http.StatusOK, nil, 0)
}

func (s *Server) showYearEnd(w http.ResponseWriter, r *http.Request, p *app.Principal, id int64, status int, formErr error, pupil int64) {
	d, err := s.primaryData(r, p, id, assess.PointCN, "p-yearend")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := &Page{Title: "Cuối năm học · Lớp " + d.S.Class.Name, Active: "class", Data: &d}
	if formErr != nil {
		pg.Error = sdgdt.ErrorMessage(formErr)
		d.FormPupil, d.FormFields = pupil, sdgdt.ErrorFields(formErr)
		if len(d.FormFields) > 0 {
			var parts []string
			for k, v := range d.FormFields {
				parts = append(parts, app.ItemName(k)+": "+v)
			}
			sort.Strings(parts)
			pg.Error += " " + strings.Join(parts, " · ")
		}
		status = statusOf(sdgdt.ErrorCode(formErr))
	}
	s.render(w, r, status, "primary_yearend", pg)
}

// yearEndForm reads the class and the pupil of a year-end form.
func yearEndForm(r *http.Request) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	if err := r.ParseForm(); err != nil {
		return 0, 0, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Biểu mẫu không hợp lệ."}
	}
	pupil, err := strconv.ParseInt(r.PostForm.Get("pupil_id"), 10, 64)
	if err != nil {
		return 0, 0, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Thiếu học sinh."}
	}
	return id, pupil, nil
}

func (s *Server) yearEndDone(w http.ResponseWriter, r *http.Request, p *app.Principal, id, pupil int64, err error) {
	if err != nil {
		if code := sdgdt.ErrorCode(err); code == sdgdt.EINVALID || code == sdgdt.ELOCKED || code == sdgdt.EFORBIDDEN {
			s.showYearEnd(w, r, p, id, http.StatusOK, err, pupil)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, classURL(id, "yearend")+"?msg=saved#p"+strconv.FormatInt(pupil, 10), http.StatusSeeOther)
}

func (s *Server) primaryNominationSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, pupil, err := yearEndForm(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.app.SetNomination(r.Context(), p, id, pupil, r.PostForm.Get("nominated") == "1", r.PostForm.Get("reason"))
	s.yearEndDone(w, r, p, id, pupil, err)
}

func (s *Server) primarySupplementSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, pupil, err := yearEndForm(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var entries []app.SupplementEntry
	for _, item := range r.PostForm["item"] {
		lv, test := r.PostForm.Get("level_"+item), r.PostForm.Get("test_"+item)
		if lv == "" && test == "" {
			continue
		}
		entries = append(entries, app.SupplementEntry{Item: item, Level: lv, Test: test})
	}
	err = s.app.RecordSupplement(r.Context(), p, id, pupil, entries, r.PostForm.Get("note"))
	s.yearEndDone(w, r, p, id, pupil, err)
}

func (s *Server) primaryDecisionSubmit(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, pupil, err := yearEndForm(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.app.DecidePromotion(r.Context(), p, id, pupil, r.PostForm.Get("decision"), r.PostForm.Get("note"))
	s.yearEndDone(w, r, p, id, pupil, err)
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
func (s *Server) apiPrimarySummary(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	point := r.URL.Query().Get("point")
	sum, err := s.app.ClassPrimarySummary(r.Context(), p, id, point)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pcnl, err := s.app.PCNLSheet(r.Context(), p, id, point)
	if err != nil {
		s.fail(w, r, err)
		return
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
}

func jsonRaw(s string) any {
	if s == "" {
		return []string{}
	}
	return rawJSON(s)
}

type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

func (s *Server) apiPrimaryNomination(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req struct {
		PupilID   flexID `json:"pupil_id"`
		Nominated bool   `json:"nominated"`
		Reason    string `json:"reason"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.app.SetNomination(r.Context(), p, id, int64(req.PupilID), req.Nominated, req.Reason); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved": true})
}

func (s *Server) apiPrimarySupplement(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		s.fail(w, r, err)
		return
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
		s.fail(w, r, err)
		return
	}
	var entries []app.SupplementEntry
	for _, it := range req.Items {
		entries = append(entries, app.SupplementEntry{Item: it.Item, Level: it.Level, Test: string(it.Test)})
	}
	if err := s.app.RecordSupplement(r.Context(), p, id, int64(req.PupilID), entries, req.Note); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved": len(entries)})
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

func (s *Server) apiPrimaryDecision(w http.ResponseWriter, r *http.Request, p *app.Principal) {
	id, err := sheetPathID(r, "class_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req struct {
		PupilID  flexID `json:"pupil_id"`
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.app.DecidePromotion(r.Context(), p, id, int64(req.PupilID), req.Decision, req.Note); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved": true})
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
var levelRows = [][2]string{{"Số HS mức T (Hoàn thành tốt / Tốt)", "T"}, {"Số HS mức H / Đ", "M"}, {"Số HS mức C", "C"}}

func pickCount(lc app.LevelCount, k int) int {
	switch k {
	case 0:
		return lc.T
	case 1:
		return lc.M
	}
	return lc.C
}
