package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/report"
)

// progressData is the entry-progress dashboard of a school.
type progressData struct {
	app.SchoolProgress
	Query   app.ProgressQuery
	Chart   template.HTML
	Periods []periodOption
}

type periodOption struct {
	Key, Label string
}

// periodOptions lists the months of a school year up to now and its terms.
func periodOptions(y sdgdt.SchoolYear, now time.Time) []periodOption {
	opts := []periodOption{{"", "Đến hôm nay"}, {"hk1", "Học kì I"}, {"hk2", "Học kì II"}}
	for m := time.Date(y.StartsOn.Year(), y.StartsOn.Month(), 1, 0, 0, 0, 0, sdgdt.Vietnam); !m.After(y.EndsOn) && !m.After(now); m = m.AddDate(0, 1, 0) {
		opts = append(opts, periodOption{m.Format("2006-01"), "Tháng " + m.Format("01/2006")})
	}
	return opts
}

func progressQuery(r *http.Request) app.ProgressQuery {
	q := r.URL.Query()
	pq := app.ProgressQuery{Period: q.Get("period"), Class: strings.TrimSpace(q.Get("class")), Subject: q.Get("subject"), Sort: q.Get("sort")}
	pq.TeacherID, _ = strconv.ParseInt(q.Get("teacher"), 10, 64)
	return pq
}

func (s *Server) progressPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := progressQuery(r)
	sp, err := s.app.Progress(r.Context(), p, id, q)
	if err != nil {
		return err
	}
	d := progressData{SchoolProgress: sp, Query: q, Chart: rateChart(sp.Teachers), Periods: periodOptions(sp.Year, s.app.Now())}
	return s.render(w, r, http.StatusOK, "control_progress", &Page{Title: "Tiến độ cập nhật — " + sp.School.Name, Active: "control", Data: d, Form: r.URL.Query()})
}

// rateChart draws the teachers' rates as horizontal bars, in SVG (presentation
// attributes only, so the strict CSP needs no inline style).
func rateChart(ts []app.TeacherProgress) template.HTML {
	if len(ts) == 0 {
		return ""
	}
	const rowH, labelW, barW = 26, 210, 360
	h := len(ts)*rowH + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="Tỉ lệ cập nhật theo giáo viên" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`, labelW+barW+60, h)
	for _, x := range []int{0, 50, 100} {
		px := labelW + barW*x/100
		fmt.Fprintf(&b, `<line x1="%d" y1="4" x2="%d" y2="%d" stroke="#dde3ea"/><text x="%d" y="%d" font-size="11" fill="#5b6878" text-anchor="middle">%d%%</text>`, px, px, h-18, px, h-4, x)
	}
	for i, t := range ts {
		y := i*rowH + 8
		color := "#1e7a46"
		switch {
		case t.Rate() < 50:
			color = "#b42318"
		case t.Rate() < 90:
			color = "#c27c0e"
		}
		name := []rune(t.Name)
		if len(name) > 28 {
			name = append(name[:27], '…')
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#1c2733" text-anchor="end">%s</text>`, labelW-8, y+13, html.EscapeString(string(name)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" rx="3" fill="#eef1f5"/>`, labelW, y+2, barW)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" rx="3" fill="%s"><title>%s: %d/%d (%d%%)</title></rect>`,
			labelW, y+2, barW*min(t.Rate(), 100)/100, color, html.EscapeString(t.Name), t.Entered, t.Required, t.Rate())
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#1c2733">%d%%</text>`, labelW+barW+6, y+14, t.Rate())
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func (s *Server) progressXLSX(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := progressQuery(r)
	sp, err := s.app.Progress(r.Context(), p, id, q)
	if err != nil {
		return err
	}
	data, err := report.Progress(sp)
	if err != nil {
		return err
	}
	name := "tien-do-cap-nhat"
	if q.Period != "" {
		name += "-" + q.Period
	}
	sendFile(w, name+".xlsx", data)
	return nil
}

// sendFile answers a download, the whole file built already.
func sendFile(w http.ResponseWriter, name string, data []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+urlPathEscape(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

func urlPathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// unitProgressData is a unit's progress page.
type unitProgressData struct {
	app.UnitProgress
	Key     string
	Periods []periodOption
}

func (s *Server) unitProgressPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	period := r.URL.Query().Get("period")
	up, err := s.app.UnitProgressOf(r.Context(), p, id, period)
	if err != nil {
		return err
	}
	years, _ := s.app.SchoolYears(r.Context())
	var opts []periodOption
	for _, y := range years {
		if y.Current {
			opts = periodOptions(y, s.app.Now())
		}
	}
	s.render(w, r, http.StatusOK, "control_unit_progress", &Page{Title: "Tiến độ cập nhật — " + up.Unit.Name, Active: "control",
		Data: unitProgressData{UnitProgress: up, Key: period, Periods: opts}})
	return nil
}
