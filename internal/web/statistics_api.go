package web

import (
	"net/http"
	"strconv"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// The statistics API (08-statistics.md): GET /api/v1/units/{unit_id}/statistics
// and GET /api/v1/schools/{school_id}/statistics?year=…&term=hk1|hk2|year.

type apiStatSubject struct {
	Subject         string    `json:"subject"`
	Name            string    `json:"name"`
	AssessedBy      string    `json:"assessed_by"`
	Pupils          int64     `json:"pupils"`
	Average         *float64  `json:"average"`
	Bins            [10]int64 `json:"bins"`
	Passed          int64     `json:"D"`
	Failed          int64     `json:"CD"`
	LevelT          int64     `json:"T"` // primary: Hoàn thành tốt, Hoàn thành, Chưa hoàn thành
	LevelH          int64     `json:"H"`
	LevelC          int64     `json:"C"`
	ProvinceAverage *float64  `json:"province_average,omitempty"`
}

// apiFigures are the breakdowns shared by the unit or school and its children.
type apiFigures struct {
	Pupils          int64                 `json:"pupils"`
	Female          int64                 `json:"female"`
	Minority        int64                 `json:"minority"`
	Grades          map[string]int64      `json:"grades"`
	Complete        int64                 `json:"complete"`
	Learning        sdgdt.LevelCounts     `json:"learning"`
	Conduct         sdgdt.LevelCounts     `json:"conduct"`
	LearningFinal   sdgdt.LevelCounts     `json:"learning_final"`
	ConductFinal    sdgdt.LevelCounts     `json:"conduct_final"`
	Primary         sdgdt.PrimaryCounts   `json:"primary"`
	PrimaryFinal    sdgdt.PrimaryCounts   `json:"primary_final"`
	PrimarySubjects sdgdt.ItemCounts      `json:"primary_subjects"`
	Qualities       sdgdt.QualityCounts   `json:"qualities"`
	Promotion       sdgdt.PromotionCounts `json:"promotion"`
	Completed       int64                 `json:"completed"`
	Awards          sdgdt.AwardCounts     `json:"awards"`
	Left            int64                 `json:"left"`
	TransferredOut  int64                 `json:"transferred_out"`
	TransferredIn   int64                 `json:"transferred_in"`
	PrimaryPupils   int64                 `json:"primary_pupils"`
}

func toAPIFigures(f sdgdt.Figures) apiFigures {
	g := f.Grades
	if g == nil {
		g = map[string]int64{}
	}
	return apiFigures{f.Pupils, f.Female, f.Minority, g, f.Complete, f.Learning, f.Conduct, f.LearningFinal, f.ConductFinal,
		f.Primary, f.PrimaryFinal, f.PrimarySubjects, f.Qualities, f.Promotion, f.Completed, f.Awards, f.Left, f.TransferredOut, f.TransferredIn, f.PrimaryPupils}
}

type apiStatChild struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Name       string          `json:"name"`
	Grade      int             `json:"grade,omitempty"`
	SchoolKind string          `json:"school_kind,omitempty"`
	Book       sdgdt.BookState `json:"book"`
	apiFigures
}

type apiStatYear struct {
	Year string `json:"year"`
	apiFigures
}

type apiStatistics struct {
	ID      int64  `json:"id"`
	Kind    string `json:"kind"` // unit or school
	Name    string `json:"name"`
	Year    string `json:"year"`
	Term    string `json:"term"`
	Filters struct {
		Kind  string `json:"kind,omitempty"`
		Grade int    `json:"grade,omitempty"`
	} `json:"filters"`
	apiFigures
	Book     sdgdt.BookState  `json:"book"`
	Subjects []apiStatSubject `json:"subjects"`
	Children []apiStatChild   `json:"children"`
	Grades   []apiStatChild   `json:"grade_rows,omitempty"`
	History  []apiStatYear    `json:"history"`
}

func average(s sdgdt.SubjectFigures) *float64 {
	if s.Pupils == 0 {
		return nil
	}
	v := s.Average()
	return &v
}

func toAPIStatistics(st app.Stats) apiStatistics {
	out := apiStatistics{ID: st.ID, Kind: "unit", Name: st.Name, Year: st.Query.Year, Term: st.Query.Term, apiFigures: toAPIFigures(st.Figures), Book: st.Book,
		Subjects: []apiStatSubject{}, Children: []apiStatChild{}, History: []apiStatYear{}}
	if st.IsSchool {
		out.Kind = "school"
	}
	out.Filters.Kind, out.Filters.Grade = st.Query.Kind, st.Query.Grade
	for _, s := range st.Figures.Subjects {
		as := apiStatSubject{Subject: s.Subject, Name: assess.SubjectName(s.Subject), AssessedBy: s.AssessedBy, Pupils: s.Pupils, Average: average(s),
			Bins: s.Bins, Passed: s.Passed, Failed: s.Failed, LevelT: s.LevelT, LevelH: s.LevelH, LevelC: s.LevelC}
		if st.Province != nil {
			as.ProvinceAverage = average(st.Province.Subject(s.Subject))
		}
		out.Subjects = append(out.Subjects, as)
	}
	for _, c := range st.Children {
		out.Children = append(out.Children, apiStatChild{ID: c.ID, Kind: c.Kind, Name: c.Name, Grade: c.Grade, SchoolKind: c.SchoolKind, Book: c.Book, apiFigures: toAPIFigures(c.Figures)})
	}
	for _, g := range st.Grades {
		out.Grades = append(out.Grades, apiStatChild{ID: g.ID, Kind: g.Kind, Name: g.Name, Grade: g.Grade, apiFigures: toAPIFigures(g.Figures)})
	}
	for _, h := range st.History {
		out.History = append(out.History, apiStatYear{Year: h.Year, apiFigures: toAPIFigures(h.Figures)})
	}
	return out
}

// statsID reads a positive id from the path.
func statsID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy " + what + " «" + r.PathValue(name) + "»."}
	}
	return id, nil
}

func (s *Server) apiUnitStatistics(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := statsID(r, "unit_id", "đơn vị")
	if err != nil {
		return err
	}
	q, err := app.ParseStatsQuery(r.URL.Query().Get)
	if err != nil {
		return err
	}
	st, err := s.app.UnitStatistics(r.Context(), p, id, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIStatistics(st))
	return nil
}

func (s *Server) apiSchoolStatistics(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := statsID(r, "school_id", "trường")
	if err != nil {
		return err
	}
	q, err := app.ParseStatsQuery(r.URL.Query().Get)
	if err != nil {
		return err
	}
	st, err := s.app.SchoolStatistics(r.Context(), p, id, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIStatistics(st))
	return nil
}
