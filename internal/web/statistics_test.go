package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// statsJSON is the contract of 08-statistics.md, decoded loosely enough to
// check that every field is there.
type statsJSON struct {
	ID        *int64           `json:"id"`
	Name      string           `json:"name"`
	Year      string           `json:"year"`
	Term      string           `json:"term"`
	Pupils    *int64           `json:"pupils"`
	Learning  map[string]int64 `json:"learning"`
	Conduct   map[string]int64 `json:"conduct"`
	Primary   map[string]int64 `json:"primary"`
	Promotion map[string]int64 `json:"promotion"`
	Awards    map[string]int64 `json:"awards"`
	Subjects  []struct {
		Subject string   `json:"subject"`
		Pupils  *int64   `json:"pupils"`
		Average *float64 `json:"average"`
		Bins    []int64  `json:"bins"`
	} `json:"subjects"`
	Children []struct {
		ID        *int64           `json:"id"`
		Kind      string           `json:"kind"`
		Name      string           `json:"name"`
		Grade     int              `json:"grade"`
		Pupils    *int64           `json:"pupils"`
		Learning  map[string]int64 `json:"learning"`
		Conduct   map[string]int64 `json:"conduct"`
		Primary   map[string]int64 `json:"primary"`
		Promotion map[string]int64 `json:"promotion"`
		Awards    map[string]int64 `json:"awards"`
	} `json:"children"`
}

func (e *env) api(token, path string, out any) response {
	e.t.Helper()
	r := e.newClient().do("GET", path, "", map[string]string{"Authorization": "Bearer " + token})
	if out != nil && r.status == http.StatusOK {
		if err := json.Unmarshal([]byte(r.body), out); err != nil {
			e.t.Fatalf("%s: %v\n%s", path, err, r.body)
		}
	}
	return r
}

var statKeys = map[string][]string{
	"learning":  {"T", "K", "D", "CD", "none"},
	"conduct":   {"T", "K", "D", "CD", "none"},
	"primary":   {"HTT", "HT", "CHT", "none"},
	"promotion": {"promoted", "retest", "summer_training", "retained", "none"},
	"awards":    {"xuat_sac", "gioi", "tieu_bieu"},
}

// checkBreakdowns checks that each breakdown has the contract's keys and, but
// for awards, sums to pupils.
func checkBreakdowns(t *testing.T, what string, pupils int64, bs map[string]map[string]int64) {
	t.Helper()
	for name, keys := range statKeys {
		b := bs[name]
		for _, k := range keys {
			if _, ok := b[k]; !ok {
				t.Errorf("%s: %s has no %q: %v", what, name, k, b)
			}
		}
		if name == "awards" {
			continue
		}
		var sum int64
		for _, n := range b {
			sum += n
		}
		if sum != pupils {
			t.Errorf("%s: %s sums to %d of %d pupils: %v", what, name, sum, pupils, b)
		}
	}
}

func TestStatisticsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		so := e.token("so.bqt")
		var st statsJSON
		path := fmt.Sprintf("/api/v1/units/%d/statistics?year=2026-2027&term=year", e.units["SGDDT-DL"])
		if r := e.api(so, path, &st); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		if st.ID == nil || *st.ID != e.units["SGDDT-DL"] || st.Name != "Sở Giáo dục và Đào tạo Đắk Lắk" || st.Year != "2026-2027" || st.Term != "year" ||
			st.Pupils == nil || *st.Pupils == 0 || len(st.Children) != 3 {
			t.Fatalf("Sở statistics: %+v", st)
		}
		checkBreakdowns(t, "Sở", *st.Pupils, map[string]map[string]int64{"learning": st.Learning, "conduct": st.Conduct, "primary": st.Primary,
			"promotion": st.Promotion, "awards": st.Awards})
		if len(st.Subjects) == 0 {
			t.Fatal("no subject figures")
		}
		for _, s := range st.Subjects {
			if s.Pupils == nil || len(s.Bins) != 10 {
				t.Errorf("subject %+v", s)
			}
			var n int64
			for _, b := range s.Bins {
				n += b
			}
			if n != *s.Pupils || (n > 0) != (s.Average != nil) {
				t.Errorf("%s: bins sum to %d of %d, average %v", s.Subject, n, *s.Pupils, s.Average)
			}
		}
		// Drill-down: the Sở's figures are the sum of its children's, and each
		// child's figures are what its own statistics say.
		sum := map[string]int64{}
		var pupils int64
		kinds := map[string]int{}
		for _, c := range st.Children {
			kinds[c.Kind]++
			pupils += *c.Pupils
			for k, v := range c.Learning {
				sum["learning."+k] += v
			}
			for k, v := range c.Promotion {
				sum["promotion."+k] += v
			}
			checkBreakdowns(t, c.Name, *c.Pupils, map[string]map[string]int64{"learning": c.Learning, "conduct": c.Conduct, "primary": c.Primary,
				"promotion": c.Promotion, "awards": c.Awards})
			var own statsJSON
			p := fmt.Sprintf("/api/v1/units/%d/statistics?year=2026-2027&term=year", *c.ID)
			if c.Kind == "school" {
				p = fmt.Sprintf("/api/v1/schools/%d/statistics?year=2026-2027&term=year", *c.ID)
			}
			if r := e.api(so, p, &own); r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", p, r.status, r.body)
			}
			if *own.Pupils != *c.Pupils || fmt.Sprint(own.Learning) != fmt.Sprint(c.Learning) || fmt.Sprint(own.Promotion) != fmt.Sprint(c.Promotion) {
				t.Errorf("%s: own figures %d %v %v, as a child %d %v %v", c.Name, *own.Pupils, own.Learning, own.Promotion, *c.Pupils, c.Learning, c.Promotion)
			}
		}
		if kinds["unit"] != 2 || kinds["school"] != 1 || pupils != *st.Pupils {
			t.Errorf("children kinds %v, pupils %d of %d", kinds, pupils, *st.Pupils)
		}
		for k, v := range st.Learning {
			if sum["learning."+k] != v {
				t.Errorf("learning %s: Sở %d, sum of children %d", k, v, sum["learning."+k])
			}
		}
		// A school's figures are what its classes' results say, pupil by pupil.
		var sc statsJSON
		for _, term := range []string{"hk1", "year"} {
			p := fmt.Sprintf("/api/v1/schools/%d/statistics?year=2026-2027&term=%s", e.schools["THCS-ND"], term)
			if r := e.api(so, p, &sc); r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", p, r.status, r.body)
			}
			if len(sc.Children) == 0 {
				t.Fatal("THCS-ND has no classes in its statistics")
			}
			for _, c := range sc.Children {
				if c.Kind != "class" || c.Grade < 6 || c.Grade > 9 {
					t.Errorf("THCS-ND child %+v", c)
				}
				var rs []struct {
					HK1, Year struct{ Learning *string }
					Promotion *string
				}
				rp := fmt.Sprintf("/api/v1/classes/%d/results", *c.ID)
				if r := e.api(so, rp, &rs); r.status != http.StatusOK {
					t.Fatalf("%s: %d %s", rp, r.status, r.body)
				}
				count := map[string]int64{}
				for _, x := range rs {
					l := x.Year.Learning
					if term == "hk1" {
						l = x.HK1.Learning
					}
					if l == nil {
						count["none"]++
					} else {
						count[*l]++
					}
				}
				for _, k := range statKeys["learning"] {
					if count[k] != c.Learning[k] {
						t.Errorf("%s %s: learning %s = %d, the class's results say %d", c.Name, term, k, c.Learning[k], count[k])
					}
				}
				if int64(len(rs)) != *c.Pupils {
					t.Errorf("%s: %d pupils, %d results", c.Name, *c.Pupils, len(rs))
				}
			}
		}
		// Scope: a neighbouring office, a teacher and another school's leader get 403.
		var teacher string
		for u, a := range e.accts {
			if a.Role == sdgdt.RoleSubjectTeacher && strings.HasPrefix(u, "thcsnd.") {
				teacher = u
				break
			}
		}
		kp, tt := e.token("kp.bqt"), e.token(teacher)
		for _, c := range []struct{ token, path, who string }{
			{kp, fmt.Sprintf("/api/v1/units/%d/statistics", e.units["PGDDT-BMT"]), "Krông Pắc reads Buôn Ma Thuột"},
			{kp, fmt.Sprintf("/api/v1/schools/%d/statistics", e.schools["THCS-ND"]), "Krông Pắc reads a school of Buôn Ma Thuột"},
			{kp, fmt.Sprintf("/api/v1/units/%d/statistics", e.units["SGDDT-DL"]), "an office reads the Sở"},
			{tt, fmt.Sprintf("/api/v1/units/%d/statistics", e.units["SGDDT-DL"]), "a teacher reads the Sở"},
			{tt, fmt.Sprintf("/api/v1/schools/%d/statistics", e.schools["THCS-ND"]), "a teacher reads his school"},
		} {
			r := e.api(c.token, c.path, nil)
			if r.status != http.StatusForbidden {
				t.Errorf("%s: %d %s", c.who, r.status, r.body)
			}
			apiErrorShape(t, c.who, r.body, "forbidden")
		}
		// Bad input: a clear message and a 4xx.
		unit := fmt.Sprintf("/api/v1/units/%d/statistics", e.units["SGDDT-DL"])
		for _, c := range []struct {
			path   string
			status int
			code   string
		}{
			{unit + "?year=2099-2100", 422, "invalid"}, {unit + "?term=hk3", 422, "invalid"}, {unit + "?kind=abc", 422, "invalid"},
			{unit + "?grade=abc", 400, "malformed"}, {unit + "?grade=13", 400, "malformed"},
			{"/api/v1/units/999999/statistics", 404, "not_found"}, {"/api/v1/units/x/statistics", 404, "not_found"},
			{"/api/v1/schools/999999/statistics", 404, "not_found"},
		} {
			r := e.api(so, c.path, nil)
			if r.status != c.status {
				t.Errorf("%s: %d, want %d: %s", c.path, r.status, c.status, r.body)
			}
			apiErrorShape(t, c.path, r.body, c.code)
		}
		if r := e.newClient().get(unit); r.status != http.StatusUnauthorized {
			t.Errorf("no token: %d", r.status)
		}
		// Filters: a kind and a grade narrow the figures.
		var th, g6 statsJSON
		e.api(so, unit+"?kind=th", &th)
		e.api(so, unit+"?grade=6", &g6)
		if *th.Pupils == 0 || *th.Pupils >= *st.Pupils || th.Learning["none"] != *th.Pupils || *g6.Pupils == 0 || *g6.Pupils >= *st.Pupils {
			t.Errorf("filters: primary schools %d (without secondary learning %d), grade 6 %d, all %d", *th.Pupils, th.Learning["none"], *g6.Pupils, *st.Pupils)
		}
	})
}

func TestStatisticsPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		so := e.as("so.bqt")
		base := fmt.Sprintf("/units/%d/statistics", e.units["SGDDT-DL"])
		r := so.get(base)
		if r.status != http.StatusOK || !strings.Contains(r.body, "<svg") || !strings.Contains(r.body, "Phòng Giáo dục và Đào tạo huyện Krông Pắc") ||
			!strings.Contains(r.body, fmt.Sprintf("/units/%d/statistics?", e.units["PGDDT-KP"])) || !strings.Contains(r.body, "Bảng tổng hợp") {
			t.Fatalf("Sở dashboard: %d\n%s", r.status, r.body)
		}
		// Sorted by a column, both ways; by name.
		for _, q := range []string{"?sort=pupils&dir=asc", "?sort=pupils&dir=desc", "?sort=name&dir=asc", "?sort=learning_T", "?term=hk1&kind=th&grade=3&subject=toan"} {
			if r := so.get(base + q); r.status != http.StatusOK {
				t.Errorf("%s: %d", q, r.status)
			}
		}
		asc, desc := so.get(base+"?sort=name&dir=asc").body, so.get(base+"?sort=name&dir=desc").body
		ia, ib := strings.Index(asc, "huyện Krông Pắc</a>"), strings.Index(asc, "thành phố Buôn Ma Thuột</a>")
		ja, jb := strings.Index(desc, "huyện Krông Pắc</a>"), strings.Index(desc, "thành phố Buôn Ma Thuột</a>")
		if ia < 0 || ib < 0 || (ia < ib) == (ja < jb) {
			t.Errorf("sorting by name does not change the order (%d %d / %d %d)", ia, ib, ja, jb)
		}
		if r := so.get(base + "?year=1990-1991"); r.status != 422 || !strings.Contains(r.body, "Năm học") {
			t.Errorf("unknown year: %d", r.status)
		}
		// The school from above: read-only, classes linked to their results.
		sp := fmt.Sprintf("/schools/%d/statistics", e.schools["THCS-ND"])
		r = e.as("bmt.bqt").get(sp)
		if r.status != http.StatusOK || !strings.Contains(r.body, "/classes/") || !strings.Contains(r.body, "chỉ đọc") {
			t.Errorf("school dashboard from the office: %d", r.status)
		}
		if r := e.as("kp.bqt").get(sp); r.status != http.StatusForbidden {
			t.Errorf("a neighbouring office: %d", r.status)
		}
		// Exports.
		r = so.get(base + ".xlsx?term=year")
		if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") || len(r.body) < 2000 {
			t.Errorf("xlsx: %d %s", r.status, r.header.Get("Content-Type"))
		}
		if r := e.as("bmt.bqt").get(sp + ".xlsx"); r.status != http.StatusOK {
			t.Errorf("school xlsx: %d", r.status)
		}
	})
}

func TestSchedulePageAndHome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		leader := e.as("thcsnd.lanhdao")
		page := fmt.Sprintf("/schools/%d/schedule", e.schools["THCS-ND"])
		r := leader.get(page)
		if r.status != http.StatusOK || !strings.Contains(r.body, "Lịch nhập điểm năm học 2026-2027") || !strings.Contains(r.body, `name="due.midterm"`) {
			t.Fatalf("schedule page: %d\n%s", r.status, r.body)
		}
		r = leader.post(page, url.Values{"term": {"hk2"}, "due.midterm": {"31/02/2027"}})
		if r.status != 422 || !strings.Contains(r.body, "dd/mm/yyyy") {
			t.Errorf("a bad date: %d", r.status)
		}
		r = leader.post(page, url.Values{"term": {"hk2"}, "due.midterm": {"15/03/2027"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("set the schedule: %d\n%s", r.status, r.body)
		}
		if r := leader.get(page); !strings.Contains(r.body, `value="15/03/2027"`) || !strings.Contains(r.body, "của trường") {
			t.Errorf("the date set is not shown")
		}
		var teacher string
		for u, a := range e.accts {
			if a.Role == sdgdt.RoleSubjectTeacher && strings.HasPrefix(u, "thcsnd.") {
				teacher = u
				break
			}
		}
		if r := e.as(teacher).get(page); r.status != http.StatusForbidden {
			t.Errorf("a teacher opens the schedule page: %d", r.status)
		}
		if r := e.as(teacher).get("/"); strings.Contains(r.body, "/statistics") || strings.Contains(r.body, "/schedule") {
			t.Errorf("a teacher's home links to pages he may not see")
		}
		if r := leader.get("/"); !strings.Contains(r.body, page) || !strings.Contains(r.body, fmt.Sprintf("/schools/%d/statistics", e.schools["THCS-ND"])) {
			t.Errorf("the leader's home lacks the schedule or the statistics")
		}
		if r := e.as("so.bqt").get("/"); !strings.Contains(r.body, fmt.Sprintf("/units/%d/statistics", e.units["SGDDT-DL"])) || !strings.Contains(r.body, "Thống kê — Sở Giáo dục") {
			t.Errorf("the Sở's home lacks its statistics")
		}
	})
}

// TestNoLinkLeadsTo403: every link of the home page and of the statistics
// pages, for each role, opens (no 403).
func TestNoLinkLeadsTo403(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t))
	href := regexp.MustCompile(`href="(/[^"#]*)"`)
	users := []string{"so.bqt", "bmt.bqt", "thcsnd.lanhdao", "thcsnd.bqt"}
	for _, role := range []string{sdgdt.RoleSubjectTeacher, sdgdt.RoleHomeroom} {
		for u, a := range e.accts {
			if a.Role == role && strings.HasPrefix(u, "thcsnd.") {
				users = append(users, u)
				break
			}
		}
	}
	for _, u := range users {
		c := e.as(u)
		pages := []string{"/"}
		switch u {
		case "so.bqt":
			pages = append(pages, fmt.Sprintf("/units/%d/statistics", e.units["SGDDT-DL"]))
		case "bmt.bqt":
			pages = append(pages, fmt.Sprintf("/units/%d/statistics", e.units["PGDDT-BMT"]))
		}
		if u == "thcsnd.lanhdao" {
			pages = append(pages, fmt.Sprintf("/schools/%d/statistics", e.schools["THCS-ND"]), fmt.Sprintf("/schools/%d/schedule", e.schools["THCS-ND"]))
		}
		if u == "bmt.bqt" {
			pages = append(pages, fmt.Sprintf("/schools/%d/statistics?term=hk1", e.schools["TH-LVT"]))
		}
		seen := map[string]bool{}
		for _, p := range pages {
			r := c.get(p)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %s answers %d", u, p, r.status)
			}
			for _, m := range href.FindAllStringSubmatch(r.body, -1) {
				link := strings.ReplaceAll(m[1], "&amp;", "&")
				if seen[link] || strings.HasPrefix(link, "/static/") || strings.HasSuffix(link, ".xlsx") || strings.HasPrefix(link, "/logout") {
					continue
				}
				seen[link] = true
				if r := c.get(link); r.status == http.StatusForbidden || (strings.Contains(p, "/statistics") && r.status != http.StatusOK) {
					t.Errorf("%s: %s links to %s, which answers %d", u, p, link, r.status)
				}
			}
		}
		t.Logf("%s: %d links followed", u, len(seen))
	}
}

// TestHomeSignatureStates: a teacher's home page says which of his sheets are
// signed, which signature was voided by a change (to sign again), with a link.
func TestHomeSignatureStates(t *testing.T) {
	db := storetest.OpenSQLite(t)
	e := newEnv(t, db)
	signer := func(valid bool) (string, int64) {
		var name string
		var sheet int64
		err := e.db.View(e.ctx, func(tx *store.Tx) error {
			sigs, err := tx.SignaturesOfSchool(e.schools["THCS-ND"])
			if err != nil {
				return err
			}
			for _, s := range sigs {
				if s.ObjectKind == sdgdt.SignSheet && s.Valid == valid {
					u, err := tx.User(s.SignerID)
					name, sheet = u.Username, s.ClassID
					fmt.Sscan(s.ObjectKey, &sheet)
					return err
				}
			}
			return nil
		})
		if err != nil || name == "" {
			t.Fatalf("no sheet signature valid=%v in the demo: %v", valid, err)
		}
		return name, sheet
	}
	who, sheet := signer(false)
	if r := e.as(who).get("/"); !strings.Contains(r.body, fmt.Sprintf(`<a class="tag bad" href="/signing/sheet/%d">Mất hiệu lực — ký lại</a>`, sheet)) {
		t.Errorf("%s's home does not say his signature of sheet %d is void", who, sheet)
	}
	who, _ = signer(true)
	if r := e.as(who).get("/"); !strings.Contains(r.body, `<span class="tag ok">Đã ký</span>`) {
		t.Errorf("%s's home does not show a signed sheet", who)
	}
}
