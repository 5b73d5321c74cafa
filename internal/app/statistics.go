package app

import (
	"context"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/store"
)

// Statistics (08-statistics.md): a unit's figures are the sums of its
// schools' figures, which the store keeps per class and school in the same
// transaction as the results they count (store/statistics.go). A page view
// reads one row per school (per class for a school), never a pupil's marks,
// through DB.Stale: from the read replica when one is attached (a few
// seconds behind at most), the figures being a dashboard, not a sheet.

// StatsQuery selects the figures: a school year by name ("" for the current
// one), a period (hk1, hk2, year; "" for year), and filters by school kind
// and grade (0 for all).
type StatsQuery struct {
	Year  string
	Term  string
	Kind  string
	Grade int
}

// ParseStatsQuery reads a StatsQuery from the query string of a page, the
// API or the CLI; a malformed grade is a 400.
func ParseStatsQuery(get func(string) string) (StatsQuery, error) {
	q := StatsQuery{Year: strings.TrimSpace(get("year")), Term: strings.TrimSpace(get("term")), Kind: strings.TrimSpace(get("kind"))}
	if g := strings.TrimSpace(get("grade")); g != "" {
		n, err := strconv.Atoi(g)
		if err != nil || n < 1 || n > 12 {
			return q, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Khối lớp phải là một số từ 1 đến 12.", Fields: map[string]string{"grade": "Khối lớp phải là một số từ 1 đến 12."}}
		}
		q.Grade = n
	}
	return q, nil
}

// StatRow is one line of a statistics table: a unit, school, grade or class
// below the one shown, with its figures.
type StatRow struct {
	ID         int64
	Kind       string // unit, school, grade, class
	Name       string
	Grade      int
	SchoolKind string // for a school
	Figures    sdgdt.Figures
	Book       sdgdt.BookState
}

// YearFigures are the figures of an earlier school year (year on year).
type YearFigures struct {
	Year    string
	Figures sdgdt.Figures
}

// Stats is the statistics view of a unit or a school.
type Stats struct {
	Unit     sdgdt.Unit   // for a unit
	School   sdgdt.School // for a school
	IsSchool bool
	Name     string
	ID       int64
	Year     sdgdt.SchoolYear
	Years    []sdgdt.SchoolYear
	Query    StatsQuery // with Year and Term resolved
	Figures  sdgdt.Figures
	Book     sdgdt.BookState
	Children []StatRow
	Grades   []StatRow // a school's grades
	Province *sdgdt.Figures
	History  []YearFigures // earlier years, newest first
	// Path is the way down from the caller's highest visible unit to here
	// (for the breadcrumbs): units, then the school.
	Path []StatRow
}

// historyYears is how many earlier years the year-on-year figures show.
const historyYears = 3

// resolveStatsQuery checks the query and finds its school year.
func resolveStatsQuery(tx *store.Tx, q *StatsQuery) (sdgdt.SchoolYear, []sdgdt.SchoolYear, error) {
	years, err := tx.SchoolYears()
	if err != nil {
		return sdgdt.SchoolYear{}, nil, err
	}
	if q.Term == "" {
		q.Term = "year"
	}
	if !sdgdt.ValidStatTerm(q.Term) {
		return sdgdt.SchoolYear{}, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Kì «" + q.Term + "» không có: chọn hk1, hk2 hoặc year.",
			Fields: map[string]string{"term": "Chọn hk1 (học kì I), hk2 (học kì II) hoặc year (cả năm)."}}
	}
	if q.Kind != "" && sdgdt.SchoolKindName(q.Kind) == "" {
		return sdgdt.SchoolYear{}, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Loại trường «" + q.Kind + "» không có.",
			Fields: map[string]string{"kind": "Loại trường không có trong danh mục."}}
	}
	for _, y := range years {
		if (q.Year == "" && y.Current) || (q.Year != "" && y.Name == q.Year) {
			q.Year = y.Name
			return y, years, nil
		}
	}
	if q.Year == "" && len(years) > 0 {
		q.Year = years[0].Name
		return years[0], years, nil
	}
	if q.Year == "" {
		return sdgdt.SchoolYear{}, nil, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Chưa có năm học nào."}
	}
	return sdgdt.SchoolYear{}, nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Năm học «" + q.Year + "» không có trong hệ thống.",
		Fields: map[string]string{"year": "Năm học không có (dạng 2026-2027)."}}
}

// UnitStatistics returns the figures of a unit and of each unit and school
// directly below it, for whoever may see the unit's statistics.
func (a *App) UnitStatistics(ctx context.Context, p *Principal, unitID int64, q StatsQuery) (Stats, error) {
	var st Stats
	err := a.DB.Stale(ctx, func(tx *store.Tx) error {
		st = Stats{Query: q} // set anew: Stale may read twice
		var err error
		if st.Unit, err = tx.Unit(unitID); err != nil {
			return err
		}
		if !Can(p, ActViewStatistics, UnitTarget(st.Unit)) {
			return forbidden()
		}
		if st.Year, st.Years, err = resolveStatsQuery(tx, &st.Query); err != nil {
			return err
		}
		st.Name, st.ID = st.Unit.Name, st.Unit.ID
		units, err := tx.UnitsBelow(st.Unit.Path)
		if err != nil {
			return err
		}
		schools, err := tx.SchoolStatisticsBelow(st.Unit.Path, st.Year.ID, st.Query.Term, st.Query.Kind, st.Query.Grade)
		if err != nil {
			return err
		}
		index := map[string]int{} // child unit path → row
		for _, u := range units {
			if u.ParentID == st.Unit.ID {
				index[u.Path] = len(st.Children)
				st.Children = append(st.Children, StatRow{ID: u.ID, Kind: "unit", Name: u.Name})
			}
		}
		books, err := tx.BookStates(st.Unit.Path, st.Year.ID, tx.Now)
		if err != nil {
			return err
		}
		for _, s := range schools {
			book := books[s.School.ID]
			st.Figures.Add(s.Figures)
			st.Book.Add(book)
			if s.School.UnitID == st.Unit.ID {
				st.Children = append(st.Children, StatRow{ID: s.School.ID, Kind: "school", Name: s.School.Name, SchoolKind: s.School.Kind, Figures: s.Figures, Book: book})
				continue
			}
			rest := strings.TrimPrefix(s.School.UnitPath, st.Unit.Path)
			child := st.Unit.Path + rest[:strings.IndexByte(rest, '/')+1]
			if i, ok := index[child]; ok {
				st.Children[i].Figures.Add(s.Figures)
				st.Children[i].Book.Add(book)
			}
		}
		if err := a.statsHistory(tx, &st, func(yearID int64) (sdgdt.Figures, error) {
			var f sdgdt.Figures
			ss, err := tx.SchoolStatisticsBelow(st.Unit.Path, yearID, st.Query.Term, st.Query.Kind, st.Query.Grade)
			for _, s := range ss {
				f.Add(s.Figures)
			}
			return f, err
		}); err != nil {
			return err
		}
		if err := a.statsProvince(tx, &st, st.Unit.Path); err != nil {
			return err
		}
		return a.statsPath(tx, p, &st, st.Unit.Path)
	})
	return st, err
}

// SchoolStatistics returns the figures of a school, of each grade and of each
// class of the year, for whoever may see the school's statistics (its leader
// and board, and the units above it): read-only inspection from above.
func (a *App) SchoolStatistics(ctx context.Context, p *Principal, schoolID int64, q StatsQuery) (Stats, error) {
	var st Stats
	err := a.DB.Stale(ctx, func(tx *store.Tx) error {
		st = Stats{Query: q, IsSchool: true} // set anew: Stale may read twice
		var err error
		if st.School, err = tx.School(schoolID); err != nil {
			return err
		}
		if !Can(p, ActViewStatistics, SchoolTarget(st.School)) {
			return forbidden()
		}
		if st.Query.Kind != "" {
			st.Query.Kind = "" // one school: its kind is what it is
		}
		if st.Year, st.Years, err = resolveStatsQuery(tx, &st.Query); err != nil {
			return err
		}
		st.Name, st.ID = st.School.Name, st.School.ID
		classes, err := tx.ClassStatistics(schoolID, st.Year.ID, st.Query.Term)
		if err != nil {
			return err
		}
		books, err := tx.ClassBookStates(schoolID, st.Year.ID)
		if err != nil {
			return err
		}
		locks, err := tx.BookStates(st.School.UnitPath, st.Year.ID, tx.Now)
		if err != nil {
			return err
		}
		st.Book.Locked = locks[schoolID].Locked
		for _, c := range classes {
			if n := len(st.Grades); n == 0 || st.Grades[n-1].Grade != c.Grade {
				st.Grades = append(st.Grades, StatRow{ID: int64(c.Grade), Kind: "grade", Name: "Khối " + strconv.Itoa(c.Grade), Grade: c.Grade})
			}
			st.Grades[len(st.Grades)-1].Figures.Add(c.Figures)
			if st.Query.Grade != 0 && c.Grade != st.Query.Grade {
				continue
			}
			st.Figures.Add(c.Figures)
			book := books[c.ClassID]
			st.Book.Classes, st.Book.ApprovedHK1, st.Book.ApprovedYear = st.Book.Classes+book.Classes, st.Book.ApprovedHK1+book.ApprovedHK1, st.Book.ApprovedYear+book.ApprovedYear
			st.Children = append(st.Children, StatRow{ID: c.ClassID, Kind: "class", Name: c.Name, Grade: c.Grade, Figures: c.Figures, Book: book})
		}
		if err := a.statsHistory(tx, &st, func(yearID int64) (sdgdt.Figures, error) {
			var f sdgdt.Figures
			cs, err := tx.ClassStatistics(schoolID, yearID, st.Query.Term)
			for _, c := range cs {
				if st.Query.Grade == 0 || c.Grade == st.Query.Grade {
					f.Add(c.Figures)
				}
			}
			return f, err
		}); err != nil {
			return err
		}
		if err := a.statsProvince(tx, &st, st.School.UnitPath); err != nil {
			return err
		}
		return a.statsPath(tx, p, &st, st.School.UnitPath)
	})
	return st, err
}

// statsHistory fills the figures of the years before the one shown.
func (a *App) statsHistory(tx *store.Tx, st *Stats, figures func(yearID int64) (sdgdt.Figures, error)) error {
	for _, y := range st.Years {
		if y.Name >= st.Year.Name || len(st.History) == historyYears {
			continue
		}
		f, err := figures(y.ID)
		if err != nil {
			return err
		}
		st.History = append(st.History, YearFigures{Year: y.Name, Figures: f})
	}
	return nil
}

// statsProvince sets the province's figures (the root unit's) when what is
// shown is not the province itself, so that each figure has the province's
// beside it.
func (a *App) statsProvince(tx *store.Tx, st *Stats, path string) error {
	root := path
	if i := strings.IndexByte(path[1:], '/'); i >= 0 {
		root = path[:i+2]
	}
	if !st.IsSchool && root == path {
		return nil
	}
	ss, err := tx.SchoolStatisticsBelow(root, st.Year.ID, st.Query.Term, st.Query.Kind, st.Query.Grade)
	if err != nil {
		return err
	}
	var f sdgdt.Figures
	for _, s := range ss {
		f.Add(s.Figures)
	}
	st.Province = &f
	return nil
}

// statsPath fills the way down to what is shown, from the highest unit whose
// statistics the caller may see.
func (a *App) statsPath(tx *store.Tx, p *Principal, st *Stats, unitPath string) error {
	parts := strings.Split(strings.Trim(unitPath, "/"), "/")
	path := "/"
	for _, part := range parts {
		path += part + "/"
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			continue
		}
		if !st.IsSchool && path == unitPath {
			break // the unit itself
		}
		u, err := tx.Unit(id)
		if err != nil {
			return err
		}
		if Can(p, ActViewStatistics, UnitTarget(u)) {
			st.Path = append(st.Path, StatRow{ID: u.ID, Kind: "unit", Name: u.Name})
		}
	}
	return nil
}

// CanViewStatistics reports whether p may see the statistics of a unit (for
// links on pages: no link leads to a 403).
func CanViewStatistics(p *Principal, u sdgdt.Unit) bool {
	return Can(p, ActViewStatistics, UnitTarget(u))
}

// CanViewSchoolStatistics reports whether p may see a school's statistics.
func CanViewSchoolStatistics(p *Principal, s sdgdt.School) bool {
	return Can(p, ActViewStatistics, SchoolTarget(s))
}

// RebuildStatistics counts the figures of every school year that has
// enrolments but no figures yet (data written before the figures existed);
// serve runs it at start. It returns how many school years it counted.
func (a *App) RebuildStatistics(ctx context.Context) (int, error) {
	var missing [][2]int64
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		missing, err = tx.MissingStatistics()
		return err
	}); err != nil {
		return 0, err
	}
	for _, k := range missing {
		if err := a.DB.Update(ctx, func(tx *store.Tx) error { return tx.RefreshStatistics(k[0], k[1]) }); err != nil {
			return 0, err
		}
	}
	return len(missing), nil
}
