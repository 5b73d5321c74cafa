package web

import (
	"net/http"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
)

// The school's entry schedule: the leader sets by which day each
// assessment of a term is due; the dates drive the progress ratings and the
// deadlines of the home pages.

func (s *Server) scheduleView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	v, err := s.app.Schedule(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	pg.Title, pg.Active, pg.Data = "Lịch nhập điểm — "+v.School.Name, "control", v
	return "schedule", nil
}

// scheduleSubmit stores the dates of one term that differ from those shown.
func (s *Server) scheduleSubmit(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	v, err := s.app.Schedule(r.Context(), p, id)
	if err != nil {
		return "", "", err
	}
	term := pg.Form.Get("term")
	items := map[string]time.Time{}
	fields := map[string]string{}
	found := false
	for _, t := range v.Terms {
		if t.Term != term {
			continue
		}
		found = true
		for _, e := range t.Entries {
			key := "due." + e.Item
			val := strings.TrimSpace(pg.Form.Get(key))
			if val == "" || val == sdgdt.FormatDate(e.Due) {
				continue
			}
			d, ok := app.ParseDay(val)
			if !ok {
				fields[key] = "Nhập ngày theo dạng dd/mm/yyyy."
				continue
			}
			items[e.Item] = d
		}
	}
	if !found {
		return "", "", sdgdt.Invalid(map[string]string{"term": "Học kì hoặc kì đánh giá không có trong lịch của trường."})
	}
	if len(fields) > 0 {
		return "", "", sdgdt.Invalid(fields)
	}
	if len(items) > 0 {
		if err := s.app.SetSchedule(r.Context(), p, id, term, items); err != nil {
			// The use case names the items; the form names its inputs "due.<item>".
			if e, ok := err.(*sdgdt.Error); ok && e.Code == sdgdt.EINVALID {
				named := map[string]string{}
				for k, m := range e.Fields {
					named["due."+k] = m
				}
				return "", "", sdgdt.Invalid(named)
			}
			return "", "", err
		}
	}
	return schoolURL(id, "schedule"), "saved", nil
}
