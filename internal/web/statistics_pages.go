package web

import (
	"cmp"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/report"
	"sdgdt/internal/viet"
)

// The statistics dashboards of a unit and a school (08-statistics.md):
// filters, server-rendered SVG charts, a table sortable by any column whose
// every figure links one level down (unit → unit or school → class).

// statColumn is a column of the children's table.
type statColumn struct {
	Key, Label, Group string
	Value             func(f sdgdt.Figures) int64
	Of                func(f sdgdt.Figures) int64 // the whole a percentage is of (nil: no percentage)
}

func known(l sdgdt.LevelCounts) int64 { return l.T + l.K + l.D + l.CD }

func primaryKnown(l sdgdt.PrimaryCounts) int64 { return l.HTXS + l.HTT + l.HT + l.CHT }

func pupilsOf(f sdgdt.Figures) int64 { return f.Pupils }

// statColumns lists the table's columns for what the figures hold.
func statColumns(f sdgdt.Figures, year bool) []statColumn {
	cols := []statColumn{{Key: "pupils", Label: "Học sinh", Value: pupilsOf},
		{Key: "female", Label: "Nữ", Value: func(f sdgdt.Figures) int64 { return f.Female }, Of: pupilsOf},
		{Key: "minority", Label: "DTTS", Value: func(f sdgdt.Figures) int64 { return f.Minority }, Of: pupilsOf},
		{Key: "left", Label: "Nghỉ học", Group: "Biến động", Value: func(f sdgdt.Figures) int64 { return f.Left }},
		{Key: "out", Label: "Chuyển đi", Group: "Biến động", Value: func(f sdgdt.Figures) int64 { return f.TransferredOut }},
		{Key: "in", Label: "Chuyển đến", Group: "Biến động", Value: func(f sdgdt.Figures) int64 { return f.TransferredIn }}}
	secondary := f.Pupils > f.PrimaryPupils
	primary := f.PrimaryPupils > 0
	if secondary || f.Pupils == 0 {
		lv := func(l func(f sdgdt.Figures) sdgdt.LevelCounts) func(f sdgdt.Figures) int64 {
			return func(f sdgdt.Figures) int64 { return known(l(f)) }
		}
		learning := func(f sdgdt.Figures) sdgdt.LevelCounts { return f.Learning }
		if year {
			learning = func(f sdgdt.Figures) sdgdt.LevelCounts { return f.LearningFinal }
		}
		conduct := func(f sdgdt.Figures) sdgdt.LevelCounts { return f.Conduct }
		if year {
			conduct = func(f sdgdt.Figures) sdgdt.LevelCounts { return f.ConductFinal }
		}
		for _, c := range []struct{ key, label string }{{"T", "Tốt"}, {"K", "Khá"}, {"D", "Đạt"}, {"CD", "Chưa đạt"}} {
			key := c.key
			cols = append(cols, statColumn{Key: "learning_" + key, Label: c.label, Group: "Học tập", Of: lv(learning),
				Value: func(f sdgdt.Figures) int64 { return levelOf(learning(f), key) }})
		}
		for _, c := range []struct{ key, label string }{{"T", "Tốt"}, {"K", "Khá"}, {"D", "Đạt"}, {"CD", "Chưa đạt"}} {
			key := c.key
			cols = append(cols, statColumn{Key: "conduct_" + key, Label: c.label, Group: "Rèn luyện", Of: lv(conduct),
				Value: func(f sdgdt.Figures) int64 { return levelOf(conduct(f), key) }})
		}
	}
	if primary {
		items := func(f sdgdt.Figures) int64 { return f.PrimarySubjects.T + f.PrimarySubjects.H + f.PrimarySubjects.C }
		cols = append(cols,
			statColumn{Key: "subjects_T", Label: "HT tốt", Group: "Môn học (lượt)", Of: items, Value: func(f sdgdt.Figures) int64 { return f.PrimarySubjects.T }},
			statColumn{Key: "subjects_H", Label: "Hoàn thành", Group: "Môn học (lượt)", Of: items, Value: func(f sdgdt.Figures) int64 { return f.PrimarySubjects.H }},
			statColumn{Key: "subjects_C", Label: "Chưa HT", Group: "Môn học (lượt)", Of: items, Value: func(f sdgdt.Figures) int64 { return f.PrimarySubjects.C }})
	}
	if primary && year {
		pk := func(f sdgdt.Figures) int64 { return primaryKnown(f.PrimaryFinal) }
		for _, c := range []struct{ key, label string }{{"HTXS", "HT xuất sắc"}, {"HTT", "HT tốt"}, {"HT", "Hoàn thành"}, {"CHT", "Chưa HT"}} {
			key := c.key
			cols = append(cols, statColumn{Key: "primary_" + key, Label: c.label, Group: "Tiểu học", Of: pk,
				Value: func(f sdgdt.Figures) int64 { return primaryOf(f.PrimaryFinal, key) }})
		}
	}
	if year {
		cols = append(cols,
			statColumn{Key: "promoted", Label: "Lên lớp", Group: "Xét lên lớp", Of: pupilsOf, Value: func(f sdgdt.Figures) int64 { return f.Promotion.Promoted }},
			statColumn{Key: "retest", Label: "Thi lại", Group: "Xét lên lớp", Of: pupilsOf, Value: func(f sdgdt.Figures) int64 { return f.Promotion.Retest }},
			statColumn{Key: "summer", Label: "RL hè", Group: "Xét lên lớp", Of: pupilsOf, Value: func(f sdgdt.Figures) int64 { return f.Promotion.SummerTraining }},
			statColumn{Key: "retained", Label: "Ở lại", Group: "Xét lên lớp", Of: pupilsOf, Value: func(f sdgdt.Figures) int64 { return f.Promotion.Retained }},
			statColumn{Key: "xuat_sac", Label: "Xuất sắc", Group: "Khen thưởng", Of: pupilsOf, Value: func(f sdgdt.Figures) int64 { return f.Awards.XuatSac }})
		if secondary {
			cols = append(cols, statColumn{Key: "gioi", Label: "Giỏi", Group: "Khen thưởng", Of: pupilsOf, Value: func(f sdgdt.Figures) int64 { return f.Awards.Gioi }})
		}
		if primary {
			cols = append(cols, statColumn{Key: "tieu_bieu", Label: "Tiêu biểu", Group: "Khen thưởng", Of: pupilsOf, Value: func(f sdgdt.Figures) int64 { return f.Awards.TieuBieu }})
		}
	}
	return cols
}

func levelOf(l sdgdt.LevelCounts, key string) int64 {
	return map[string]int64{"T": l.T, "K": l.K, "D": l.D, "CD": l.CD}[key]
}

func primaryOf(l sdgdt.PrimaryCounts, key string) int64 {
	return map[string]int64{"HTXS": l.HTXS, "HTT": l.HTT, "HT": l.HT, "CHT": l.CHT}[key]
}

type statCell struct {
	Value   int64
	Percent string // "" without a percentage
}

type statHead struct {
	Label, Group, Href, Sorted string // Sorted: "", "asc", "desc"
}

type statRowView struct {
	app.StatRow
	Href  string // "" when the caller may not go there
	Cells []statCell
}

// statsPageData is the dashboard of a unit or a school.
type statsPageData struct {
	app.Stats
	Title      string
	Base       string // the page's path
	Heads      []statHead
	Rows       []statRowView
	Total      []statCell
	Terms      []periodOption
	Kinds      []struct{ Code, Name string }
	Subject    sdgdt.SubjectFigures
	Subjects   []subjectView
	LevelChart template.HTML
	DistChart  template.HTML
	YearChart  template.HTML
	XLSX       string
	ChildName  string
	NameSorted string
	NameHref   string
	Summary    []summaryCard
}

type subjectView struct {
	sdgdt.SubjectFigures
	Name     string
	Avg      string
	Province string
	Href     string
	Selected bool
}

type summaryCard struct {
	Num, Label string
}

func pctText(n, of int64) string {
	if of == 0 {
		return ""
	}
	return strings.Replace(strconv.FormatFloat(sdgdt.Percent(n, of), 'f', 1, 64), ".", ",", 1) + "%"
}

func avgText2(s sdgdt.SubjectFigures) string {
	if s.Pupils == 0 {
		return "—"
	}
	return strings.Replace(strconv.FormatFloat(s.Average(), 'f', 2, 64), ".", ",", 1)
}

// statsQueryString encodes the filters of q (and extra pairs) for links.
func statsQueryString(q app.StatsQuery, extra ...string) string {
	v := url.Values{}
	v.Set("year", q.Year)
	v.Set("term", q.Term)
	if q.Kind != "" {
		v.Set("kind", q.Kind)
	}
	if q.Grade != 0 {
		v.Set("grade", strconv.Itoa(q.Grade))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] != "" {
			v.Set(extra[i], extra[i+1])
		}
	}
	return v.Encode()
}

func (s *Server) statsPage(w http.ResponseWriter, r *http.Request, p *app.Principal, st app.Stats) error {
	d := statsPageData{Stats: st, Kinds: sdgdt.SchoolKinds}
	if st.IsSchool {
		d.Base = "/schools/" + strconv.FormatInt(st.ID, 10) + "/statistics"
		d.ChildName = "Lớp"
	} else {
		d.Base = "/units/" + strconv.FormatInt(st.ID, 10) + "/statistics"
		d.ChildName = "Đơn vị / trường"
	}
	d.Title = "Thống kê — " + st.Name
	d.XLSX = d.Base + ".xlsx?" + statsQueryString(st.Query)
	d.Terms = []periodOption{{"hk1", "Học kì I"}, {"hk2", "Học kì II"}, {"year", "Cả năm"}}
	year := st.Query.Term == "year"
	cols := statColumns(st.Figures, year)
	q := r.URL.Query()
	sortKey, dir := q.Get("sort"), q.Get("dir")
	if dir != "asc" {
		dir = "desc"
	}
	sub := q.Get("subject")
	link := func(key string) string {
		next := "desc"
		if key == sortKey && dir == "desc" {
			next = "asc"
		}
		if key == "name" && sortKey != "name" {
			next = "asc"
		}
		return d.Base + "?" + statsQueryString(st.Query, "sort", key, "dir", next, "subject", sub)
	}
	d.NameHref = link("name")
	if sortKey == "name" {
		d.NameSorted = dir
	}
	var sortCol *statColumn
	for i, c := range cols {
		h := statHead{Label: c.Label, Group: c.Group, Href: link(c.Key)}
		if c.Key == sortKey {
			h.Sorted = dir
			sortCol = &cols[i]
		}
		d.Heads = append(d.Heads, h)
	}
	cells := func(f sdgdt.Figures) []statCell {
		out := make([]statCell, len(cols))
		for i, c := range cols {
			out[i].Value = c.Value(f)
			if c.Of != nil {
				out[i].Percent = pctText(out[i].Value, c.Of(f))
			}
		}
		return out
	}
	for _, c := range st.Children {
		rv := statRowView{StatRow: c, Cells: cells(c.Figures)}
		switch c.Kind {
		case "unit":
			rv.Href = "/units/" + strconv.FormatInt(c.ID, 10) + "/statistics?" + statsQueryString(st.Query)
		case "school":
			sq := st.Query
			sq.Kind = ""
			rv.Href = "/schools/" + strconv.FormatInt(c.ID, 10) + "/statistics?" + statsQueryString(sq)
		case "class":
			if app.Can(p, app.ActReadSheet, app.ClassTarget(st.School, c.ID)) {
				if c.Grade <= 5 { // primary: the class's summary at the term's end
					rv.Href = "/classes/" + strconv.FormatInt(c.ID, 10) + "/summary?point=" + map[string]string{"hk1": "ck1", "hk2": "cn", "year": "cn"}[st.Query.Term]
				} else {
					rv.Href = "/classes/" + strconv.FormatInt(c.ID, 10) + "/results"
					if st.Query.Term != "year" {
						rv.Href += "?term=" + st.Query.Term
					}
				}
			}
		}
		d.Rows = append(d.Rows, rv)
	}
	switch {
	case sortKey == "name":
		slices.SortStableFunc(d.Rows, func(a, b statRowView) int {
			c := strings.Compare(viet.Key(a.Name), viet.Key(b.Name))
			if dir == "desc" {
				c = -c
			}
			return c
		})
	case sortCol != nil:
		slices.SortStableFunc(d.Rows, func(a, b statRowView) int {
			c := cmp.Compare(sortCol.Value(a.Figures), sortCol.Value(b.Figures))
			if dir == "desc" {
				c = -c
			}
			return c
		})
	}
	d.Total = cells(st.Figures)
	// Summary cards.
	f := st.Figures
	d.Summary = append(d.Summary, summaryCard{strconv.FormatInt(f.Pupils, 10), "học sinh"})
	if k := known(f.Learning); k > 0 {
		d.Summary = append(d.Summary, summaryCard{pctText(f.Learning.T+f.Learning.K, k), "học tập Tốt và Khá"})
	}
	if k := primaryKnown(f.PrimaryFinal); k > 0 {
		d.Summary = append(d.Summary, summaryCard{pctText(f.PrimaryFinal.HTXS+f.PrimaryFinal.HTT+f.PrimaryFinal.HT, k), "hoàn thành chương trình lớp học (tiểu học)"})
	}
	if year && f.Pupils > 0 {
		d.Summary = append(d.Summary, summaryCard{pctText(f.Promotion.Promoted, f.Pupils), "lên lớp"},
			summaryCard{strconv.FormatInt(f.Awards.XuatSac+f.Awards.Gioi+f.Awards.TieuBieu, 10), "học sinh được khen thưởng"})
	}
	d.Summary = append(d.Summary, summaryCard{pctText(f.Complete, f.Pupils), "có đủ kết quả"})
	// Subjects and the distribution of the one chosen.
	for _, sf := range f.Subjects {
		if sf.Pupils == 0 && sf.LevelT+sf.LevelH+sf.LevelC == 0 {
			continue
		}
		if sub == "" && sf.Pupils > 0 {
			sub = sf.Subject
			if f.Subject("toan").Pupils > 0 {
				sub = "toan"
			}
		}
		sv := subjectView{SubjectFigures: sf, Name: assess.SubjectName(sf.Subject), Avg: avgText2(sf), Selected: sf.Subject == sub,
			Href: d.Base + "?" + statsQueryString(st.Query, "sort", q.Get("sort"), "dir", q.Get("dir"), "subject", sf.Subject) + "#phan-bo"}
		if st.Province != nil {
			sv.Province = avgText2(st.Province.Subject(sf.Subject))
		}
		d.Subjects = append(d.Subjects, sv)
	}
	d.Subject = f.Subject(sub)
	var province *sdgdt.SubjectFigures
	if st.Province != nil {
		ps := st.Province.Subject(sub)
		province = &ps
	}
	d.DistChart = distChart(d.Subject, province, st.Name)
	mode := chartModeOf(st.Figures, year)
	d.LevelChart = levelChart(d.Rows, mode, year)
	d.YearChart = yearChart(st, mode, year)
	return s.render(w, r, http.StatusOK, "statistics", &Page{Title: d.Title, Active: "statistics", Data: d})
}

func (s *Server) unitStatsPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
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
	return s.statsPage(w, r, p, st)
}

func (s *Server) schoolStatsPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
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
	return s.statsPage(w, r, p, st)
}

func statsFileName(st app.Stats) string {
	return "thong-ke-" + report.Slug(st.Name) + "-" + st.Query.Year + "-" + st.Query.Term + ".xlsx"
}

func (s *Server) unitStatsXLSX(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
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
	data, err := report.Statistics(st)
	if err != nil {
		return err
	}
	sendFile(w, statsFileName(st), data)
	return nil
}

func (s *Server) schoolStatsXLSX(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
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
	data, err := report.Statistics(st)
	if err != nil {
		return err
	}
	sendFile(w, statsFileName(st), data)
	return nil
}

// Colours of the levels, best first, and of "no result yet".
var levelColors = []string{"#1e7a46", "#5aa469", "#c27c0e", "#b42318", "#c9d1db"}

type segment struct {
	Label string
	N     int64
}

// stackedBar draws one bar of segments at row y, the whole width w for total.
func stackedBar(b *strings.Builder, x, y, w, h int, total int64, segs []segment, title string) {
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" rx="3" fill="#eef1f5"/>`, x, y, w, h)
	if total == 0 {
		return
	}
	pos := 0
	var acc int64
	for i, s := range segs {
		acc += s.N
		end := int(int64(w) * acc / total)
		if end > pos {
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s — %s: %d (%s)</title></rect>`,
				x+pos, y, end-pos, h, levelColors[min(i, len(levelColors)-1)], html.EscapeString(title), html.EscapeString(s.Label), s.N, pctText(s.N, total))
		}
		pos = end
	}
}

func legend(b *strings.Builder, x, y int, labels []string) {
	for i, l := range labels {
		if l == "" { // a level this chart does not have: its colour is skipped
			continue
		}
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" rx="2" fill="%s"/><text x="%d" y="%d" font-size="12" fill="#1c2733">%s</text>`,
			x, y, levelColors[min(i, len(levelColors)-1)], x+16, y+11, html.EscapeString(l))
		x += 28 + 7*len([]rune(l))
	}
}

// chartMode is what the bars show: secondary learning levels; or, where
// every pupil is in primary, the year results (year) or the subjects' levels.
type chartMode int

const (
	modeSecondary chartMode = iota
	modePrimaryYear
	modePrimarySubjects
)

func chartModeOf(total sdgdt.Figures, year bool) chartMode {
	if total.Pupils == 0 || total.Pupils > total.PrimaryPupils { // some secondary pupils
		return modeSecondary
	}
	if year {
		return modePrimaryYear
	}
	return modePrimarySubjects
}

// rowSegments are the levels of a row's figures for the chart's mode, with
// the whole they are parts of.
func rowSegments(f sdgdt.Figures, mode chartMode, year bool) ([]segment, int64) {
	switch mode {
	case modePrimaryYear:
		p := f.PrimaryFinal
		return []segment{{"HT xuất sắc", p.HTXS}, {"HT tốt", p.HTT}, {"Hoàn thành", p.HT}, {"Chưa hoàn thành", p.CHT}, {"Chưa có", p.None}}, f.Pupils
	case modePrimarySubjects:
		s := f.PrimarySubjects
		return []segment{{"Hoàn thành tốt", s.T}, {"Hoàn thành", s.H}, {"", 0}, {"Chưa hoàn thành", s.C}}, s.T + s.H + s.C
	}
	l := f.Learning
	if year {
		l = f.LearningFinal
	}
	return []segment{{"Tốt", l.T}, {"Khá", l.K}, {"Đạt", l.D}, {"Chưa đạt", l.CD}, {"Chưa có", l.None}}, f.Pupils
}

var modeLabels = map[chartMode][]string{
	modeSecondary:       {"Tốt", "Khá", "Đạt", "Chưa đạt", "Chưa có / tiểu học"},
	modePrimaryYear:     {"HT xuất sắc", "HT tốt", "Hoàn thành", "Chưa HT", "Chưa có"},
	modePrimarySubjects: {"Môn: HT tốt", "Hoàn thành", "", "Chưa hoàn thành"},
}

// levelChart draws the levels of each row as a stacked bar (in per cent of
// its pupils), the row's name above its bar so that the chart stays legible
// on a phone; each name and bar is a link to the row's own figures.
func levelChart(rows []statRowView, mode chartMode, year bool) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	const rowH, barW, top = 44, 480, 30
	h := len(rows)*rowH + top + 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart bars" role="img" aria-label="Kết quả theo đơn vị, trường hoặc lớp" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`, barW, h)
	legend(&b, 0, 4, modeLabels[mode])
	for i, r := range rows {
		y := i*rowH + top
		segs, whole := rowSegments(r.Figures, mode, year)
		name := []rune(r.Name)
		if len(name) > 56 {
			name = append(name[:55], '…')
		}
		if r.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, html.EscapeString(r.Href))
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="13" fill="#1d5f8a">%s</text>`, y+12, html.EscapeString(string(name)))
		stackedBar(&b, 0, y+18, barW, 18, whole, segs, r.Name)
		if r.Href != "" {
			b.WriteString(`</a>`)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#5b6878" text-anchor="end">%d học sinh</text>`, barW, y+12, r.Figures.Pupils)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// distChart draws the distribution of a subject's averages in one-point bins,
// in per cent, with the province's beside it.
func distChart(s sdgdt.SubjectFigures, province *sdgdt.SubjectFigures, name string) template.HTML {
	if s.Pupils == 0 {
		return ""
	}
	const left, top, plotW, plotH = 36, 30, 440, 160
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart dist" role="img" aria-label="Phân bố điểm trung bình môn %s" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(assess.SubjectName(s.Subject)), left+plotW+10, top+plotH+40)
	maxPct := 10.0
	for i := range s.Bins {
		maxPct = max(maxPct, sdgdt.Percent(s.Bins[i], s.Pupils))
		if province != nil {
			maxPct = max(maxPct, sdgdt.Percent(province.Bins[i], province.Pupils))
		}
	}
	for _, t := range []float64{0, maxPct / 2, maxPct} {
		y := top + plotH - int(t/maxPct*plotH)
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#dde3ea"/><text x="%d" y="%d" font-size="11" fill="#5b6878" text-anchor="end">%.0f%%</text>`,
			left, y, left+plotW, y, left-4, y+4, t)
	}
	fmt.Fprintf(&b, `<rect x="%d" y="4" width="12" height="12" fill="#1d5f8a"/><text x="%d" y="15" font-size="12" fill="#1c2733">%s</text>`, left, left+16, html.EscapeString(name))
	if province != nil {
		fmt.Fprintf(&b, `<rect x="%d" y="4" width="12" height="12" fill="#9fb7cc"/><text x="%d" y="15" font-size="12" fill="#1c2733">Toàn tỉnh</text>`, left+250, left+266)
	}
	slot := plotW / 10
	for i := range s.Bins {
		x := left + i*slot
		bw := slot - 12
		if province != nil {
			bw = (slot - 12) / 2
		}
		p := sdgdt.Percent(s.Bins[i], s.Pupils)
		hh := int(p / maxPct * plotH)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#1d5f8a"><title>%d–%d điểm: %d học sinh (%s)</title></rect>`,
			x+6, top+plotH-hh, bw, hh, i, i+1, s.Bins[i], pctText(s.Bins[i], s.Pupils))
		if province != nil {
			pp := sdgdt.Percent(province.Bins[i], province.Pupils)
			ph := int(pp / maxPct * plotH)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#9fb7cc"><title>Toàn tỉnh, %d–%d điểm: %s</title></rect>`,
				x+6+bw, top+plotH-ph, bw, ph, i, i+1, pctText(province.Bins[i], province.Pupils))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#5b6878" text-anchor="middle">%d–%d</text>`, x+slot/2, top+plotH+16, i, i+1)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// yearChart draws the levels of this year and the earlier ones.
func yearChart(st app.Stats, mode chartMode, year bool) template.HTML {
	if len(st.History) == 0 {
		return ""
	}
	rows := []statRowView{{StatRow: app.StatRow{Name: "Năm học " + st.Query.Year, Figures: st.Figures}}}
	for _, h := range st.History {
		rows = append(rows, statRowView{StatRow: app.StatRow{Name: "Năm học " + h.Year, Figures: h.Figures}})
	}
	return levelChart(rows, mode, year)
}
