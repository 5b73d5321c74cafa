package app

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/audit"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// Entry progress: for every teacher, class and subject, the assessments
// required so far by the school's schedule against those entered. A month's or
// a term's figures are frozen once the period is over. The dashboards read
// through DB.Stale (the read replica when one is attached); the freezing job
// reads the primary.

// ProgressPeriod is what a progress page is about: now, a month, or a term.
type ProgressPeriod struct {
	Key    string    // "", "2026-10", "hk1", "hk2"
	Label  string    // Vietnamese
	AsOf   time.Time // the moment the figures describe
	Closed bool      // over: the figures are frozen
}

// parsePeriod turns a period key into its moment within a school year.
func parsePeriod(key string, y sdgdt.SchoolYear, now time.Time) (ProgressPeriod, error) {
	p := ProgressPeriod{Key: key}
	nextDay := func(d time.Time) time.Time { return d.AddDate(0, 0, 1) }
	switch key {
	case "":
		p.Label, p.AsOf = "Đến thời điểm hiện tại", now
		return p, nil
	case "hk1":
		p.Label, p.AsOf = "Học kì I", nextDay(y.HK1EndsOn)
	case "hk2":
		p.Label, p.AsOf = "Học kì II", nextDay(y.EndsOn)
	default:
		m, err := time.ParseInLocation("2006-01", key, sdgdt.Vietnam)
		if err != nil {
			return p, sdgdt.Invalid(map[string]string{"period": "Kì báo cáo là một tháng (yyyy-mm), hk1 hoặc hk2."})
		}
		if m.Before(y.StartsOn.AddDate(0, -1, 0)) || m.After(y.EndsOn) {
			return p, sdgdt.Invalid(map[string]string{"period": "Tháng không thuộc năm học " + y.Name + "."})
		}
		p.Label, p.AsOf = "Tháng "+m.Format("01/2006"), m.AddDate(0, 1, 0)
	}
	if p.AsOf.After(now) {
		p.AsOf = now // a period not over yet: live figures
	} else {
		p.Closed = true
	}
	return p, nil
}

// defaultDue returns the default due dates of a term's assessments: regular
// marks spread over the first 85% of the semester, the mid-term at its middle,
// the end-of-term a week before its end; primary points a week after their date.
func defaultDue(y sdgdt.SchoolYear, term string, regular int) map[string]time.Time {
	due := map[string]time.Time{}
	switch term {
	case "hk1", "hk2":
		start, end := y.StartsOn, y.HK1EndsOn
		if term == "hk2" {
			start, end = y.HK2Starts, y.EndsOn
		}
		span := end.Sub(start)
		for i := 0; i < regular; i++ {
			due[fmt.Sprintf("regular[%d]", i)] = start.Add(time.Duration(float64(span) * 0.85 * float64(i+1) / float64(regular))).Truncate(24 * time.Hour)
		}
		due["midterm"] = start.Add(span / 2).Truncate(24 * time.Hour)
		due["final"] = end.AddDate(0, 0, -7)
	default:
		point := map[string]time.Time{"gk1": y.GK1On, "ck1": y.CK1On, "gk2": y.GK2On, "cn": y.CNOn}[term]
		due["level"] = point.AddDate(0, 0, 7)
		due["test"] = point.AddDate(0, 0, 7)
	}
	return due
}

// ProgressRow is the progress of one sheet.
type ProgressRow struct {
	SheetID     int64
	TeacherID   int64
	TeacherName string
	ClassName   string
	Grade       int
	Subject     string
	SubjectName string
	Term        string
	Pupils      int // pupils of the class
	Required    int
	Entered     int
	Late        []LateItem
	Upcoming    []LateItem // assessments not due yet, with the cells still empty
}

// sheetDue gives each field a sheet must have filled its default due date:
// the regular marks the rules ask of the subject, mid-term and end-of-term,
// the primary periodic test where the grade and point have one.
func sheetDue(y sdgdt.SchoolYear, s sdgdt.ProgressSheet) map[string]time.Time {
	n := 0
	if s.Kind != "primary" {
		n = assess.RegularCount(assess.AssessedBy(s.AssessedBy), s.RegularCount)
	}
	due := defaultDue(y, s.Term, n)
	if s.Kind == "primary" && !assess.PrimaryTestRequired(s.Grade, s.Term, s.Subject) {
		delete(due, "test")
	}
	return due
}

// Rate is the share entered, in percent (100 when nothing is required yet).
func (r ProgressRow) Rate() int { return rate(r.Entered, r.Required) }

func rate(entered, required int) int {
	if required == 0 {
		return 100
	}
	return entered * 100 / required
}

// LateItem is an assessment past its due date with cells still empty.
type LateItem struct {
	Field   string
	Label   string
	Due     time.Time
	Missing int
}

// TeacherProgress sums a teacher's sheets.
type TeacherProgress struct {
	TeacherID int64
	Name      string
	Sheets    int
	Required  int
	Entered   int
	Late      int // sheets with late items
}

// Rate is the teacher's timeliness for the period, in percent.
func (t TeacherProgress) Rate() int { return rate(t.Entered, t.Required) }

// SchoolProgress is a school's progress page.
type SchoolProgress struct {
	School   sdgdt.School
	Year     sdgdt.SchoolYear
	Period   ProgressPeriod
	Rows     []ProgressRow
	Teachers []TeacherProgress
	Required int
	Entered  int
	Frozen   bool // figures read from a snapshot
	// TeacherCount is len(Teachers), or the count of a summary (the
	// dashboards of units read summaries, without rows or teachers).
	TeacherCount int
	// CountedAt is when the job counted a summary; zero for live figures.
	CountedAt time.Time
}

// Rate is the school's rate.
func (s SchoolProgress) Rate() int { return rate(s.Entered, s.Required) }

// LateSheets counts the sheets with late items.
func (s SchoolProgress) LateSheets() int {
	n := 0
	for _, r := range s.Rows {
		if len(r.Late) > 0 {
			n++
		}
	}
	return n
}

// ProgressQuery filters and sorts a progress page.
type ProgressQuery struct {
	Period    string
	TeacherID int64
	Class     string
	Subject   string
	Sort      string // "rate" (lowest first), "name", "late"
}

// Progress returns a school's entry progress for a period.
func (a *App) Progress(ctx context.Context, p *Principal, schoolID int64, q ProgressQuery) (SchoolProgress, error) {
	var sp SchoolProgress
	err := a.DB.Stale(ctx, func(tx *store.Tx) error {
		sp = SchoolProgress{} // set anew: Stale may read twice
		var err error
		if sp.School, err = tx.School(schoolID); err != nil {
			return err
		}
		if !Can(p, ActViewProgress, SchoolTarget(sp.School)) {
			return forbidden()
		}
		return a.fillProgress(tx, &sp, q)
	})
	if err != nil {
		return sp, err
	}
	filterProgress(&sp, q)
	return sp, nil
}

func (a *App) fillProgress(tx *store.Tx, sp *SchoolProgress, q ProgressQuery) error {
	var err error
	if sp.Year, err = tx.CurrentYear(); err != nil {
		return err
	}
	if sp.Period, err = parsePeriod(q.Period, sp.Year, tx.Now); err != nil {
		return err
	}
	rows, err := a.progressRows(tx, sp.School.ID, sp.Year, sp.Period.AsOf)
	if err != nil {
		return err
	}
	if sp.Period.Closed {
		// A closed period shows its snapshot when the job (FreezeProgress) has
		// made it; before that, the same figures computed as of its end.
		frozen, err := tx.Snapshots(sp.School.ID, snapshotKey(sp.Year, q.Period))
		if err != nil {
			return err
		}
		if len(frozen) > 0 {
			sp.Frozen = true
			for i := range rows {
				if s, ok := frozen[rows[i].SheetID]; ok {
					rows[i].Required, rows[i].Entered = s.Required, s.Entered
				}
			}
		}
	}
	sp.Rows = rows
	return nil
}

// progressRows computes each sheet's figures at asOf from the cells' history.
func (a *App) progressRows(tx *store.Tx, schoolID int64, y sdgdt.SchoolYear, asOf time.Time) ([]ProgressRow, error) {
	sheets, err := tx.ProgressSheets(schoolID, y.ID, asOf)
	if err != nil {
		return nil, err
	}
	own, err := tx.EntrySchedule(schoolID, y.ID)
	if err != nil {
		return nil, err
	}
	var out []ProgressRow
	for _, s := range sheets {
		due := sheetDue(y, s)
		for _, it := range own {
			if it.Term == s.Term {
				if _, ok := due[it.Item]; ok {
					due[it.Item] = it.DueOn
				}
			}
		}
		r := ProgressRow{SheetID: s.SheetID, TeacherID: s.TeacherID, TeacherName: s.TeacherName, ClassName: s.ClassName, Grade: s.Grade,
			Subject: s.Subject, SubjectName: assess.SubjectName(s.Subject), Term: s.Term, Pupils: s.Pupils}
		fields := make([]string, 0, len(due))
		for f := range due {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			if due[f].After(asOf) {
				if filled := min(s.Filled[f], s.Pupils); filled < s.Pupils {
					r.Upcoming = append(r.Upcoming, LateItem{Field: f, Label: FieldLabel(f), Due: due[f], Missing: s.Pupils - filled})
				}
				continue
			}
			filled := min(s.Filled[f], s.Pupils)
			r.Required += s.Pupils
			r.Entered += filled
			if filled < s.Pupils {
				r.Late = append(r.Late, LateItem{Field: f, Label: FieldLabel(f), Due: due[f], Missing: s.Pupils - filled})
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func filterProgress(sp *SchoolProgress, q ProgressQuery) {
	var kept []ProgressRow
	byTeacher := map[int64]*TeacherProgress{}
	for _, r := range sp.Rows {
		if (q.TeacherID != 0 && r.TeacherID != q.TeacherID) || (q.Class != "" && !strings.EqualFold(r.ClassName, q.Class)) || (q.Subject != "" && r.Subject != q.Subject) {
			continue
		}
		kept = append(kept, r)
		sp.Required += r.Required
		sp.Entered += r.Entered
		t := byTeacher[r.TeacherID]
		if t == nil {
			t = &TeacherProgress{TeacherID: r.TeacherID, Name: r.TeacherName}
			byTeacher[r.TeacherID] = t
		}
		t.Sheets++
		t.Required += r.Required
		t.Entered += r.Entered
		if len(r.Late) > 0 {
			t.Late++
		}
	}
	sp.Rows = kept
	for _, t := range byTeacher {
		sp.Teachers = append(sp.Teachers, *t)
	}
	byName := func(i, j int) bool { return viet.Less(sp.Teachers[i].Name, sp.Teachers[j].Name) }
	less := byName
	switch q.Sort {
	case "rate", "":
		less = func(i, j int) bool {
			if sp.Teachers[i].Rate() != sp.Teachers[j].Rate() {
				return sp.Teachers[i].Rate() < sp.Teachers[j].Rate()
			}
			return byName(i, j)
		}
	case "late":
		less = func(i, j int) bool {
			if sp.Teachers[i].Late != sp.Teachers[j].Late {
				return sp.Teachers[i].Late > sp.Teachers[j].Late
			}
			return byName(i, j)
		}
	}
	sort.SliceStable(sp.Teachers, less)
	sp.TeacherCount = len(sp.Teachers)
}

// UnitProgress is a unit's view: each school below it with its rate.
type UnitProgress struct {
	Unit    sdgdt.Unit
	Period  ProgressPeriod
	Schools []SchoolProgress
	// CountedAt is the oldest summary shown (zero when every school was
	// counted live).
	CountedAt time.Time
}

// UnitProgressOf aggregates the progress of every school below a unit. It
// reads the summaries the job counts (RefreshProgressSummaries): a school
// without one yet is counted live, from its cells' history.
func (a *App) UnitProgressOf(ctx context.Context, p *Principal, unitID int64, period string) (UnitProgress, error) {
	var up UnitProgress
	err := a.DB.Stale(ctx, func(tx *store.Tx) error {
		up = UnitProgress{} // set anew: Stale may read twice
		var err error
		if up.Unit, err = tx.Unit(unitID); err != nil {
			return err
		}
		if !Can(p, ActViewProgress, UnitTarget(up.Unit)) {
			return forbidden()
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		if up.Period, err = parsePeriod(period, y, tx.Now); err != nil {
			return err
		}
		schools, err := tx.SchoolsBelow(up.Unit.Path)
		if err != nil {
			return err
		}
		counted, err := tx.ProgressSummaries(up.Unit.Path, y.ID, period)
		if err != nil {
			return err
		}
		for _, s := range schools {
			sp := SchoolProgress{School: s, Year: y, Period: up.Period}
			if c, ok := counted[s.ID]; ok {
				sp.Required, sp.Entered, sp.Frozen, sp.TeacherCount, sp.CountedAt = c.Required, c.Entered, c.Frozen, c.Teachers, c.ComputedAt
				if up.CountedAt.IsZero() || c.ComputedAt.Before(up.CountedAt) {
					up.CountedAt = c.ComputedAt
				}
			} else {
				if err := a.fillProgress(tx, &sp, ProgressQuery{Period: period}); err != nil {
					return err
				}
				filterProgress(&sp, ProgressQuery{})
				sp.Rows, sp.Teachers = nil, nil
			}
			up.Schools = append(up.Schools, sp)
		}
		return nil
	})
	return up, err
}

// snapshotSummary sums a school's frozen figures of a period, as its own
// page shows them (fillProgress lays the same snapshot over the sheets; a
// sheet made after the freeze is left out here).
func snapshotSummary(schoolID, yearID int64, period string, seq int64, frozen map[int64]sdgdt.ProgressSnapshot) sdgdt.ProgressSummary {
	c := sdgdt.ProgressSummary{SchoolID: schoolID, SchoolYearID: yearID, Period: period, Frozen: true, AuditSeq: seq}
	teachers := map[int64]bool{}
	for _, f := range frozen {
		c.Required += f.Required
		c.Entered += f.Entered
		teachers[f.TeacherID] = true
	}
	c.Teachers = len(teachers)
	return c
}

// summaryMaxAge is how long the summary of a period not over yet stands
// without the school's data changing: due dates pass with the days, and
// with them what is required.
const summaryMaxAge = time.Hour

// RefreshProgressSummaries counts again, for the dashboards of units, the
// progress of each school whose data changed since its summary was counted
// (its audit chain moved on), for the current period and every period of
// the year that is over, and returns how many it counted. serve runs it
// every few minutes; counting a school reads its cells (370 ms a school on a
// cold province database), outside any write transaction.
func (a *App) RefreshProgressSummaries(ctx context.Context) (int, error) {
	y, schools, err := a.yearSchools(ctx)
	if err != nil || len(schools) == 0 {
		return 0, err
	}
	n := 0
	for _, s := range schools {
		var fresh []sdgdt.ProgressSummary
		err := a.DB.View(ctx, func(tx *store.Tx) error {
			seq, _, err := tx.ChainHead(audit.ChainFor(s.ID))
			if err != nil {
				return err
			}
			have, err := tx.SchoolProgressSummaries(s.ID, y.ID)
			if err != nil {
				return err
			}
			for _, period := range append([]string{""}, closedPeriods(y, tx.Now)...) {
				c, ok := have[period]
				if ok && (c.Frozen || c.AuditSeq == seq && (period != "" || tx.Now.Sub(c.ComputedAt) < summaryMaxAge)) {
					continue
				}
				if period != "" {
					// A period that is over: the sums of its snapshot, once
					// FreezeProgress has made it (until then the dashboard
					// counts the school live).
					frozen, err := tx.Snapshots(s.ID, snapshotKey(y, period))
					if err != nil {
						return err
					}
					if len(frozen) > 0 {
						fresh = append(fresh, snapshotSummary(s.ID, y.ID, period, seq, frozen))
					}
					continue
				}
				sp := SchoolProgress{School: s}
				if err := a.fillProgress(tx, &sp, ProgressQuery{Period: period}); err != nil {
					return err
				}
				filterProgress(&sp, ProgressQuery{})
				fresh = append(fresh, sdgdt.ProgressSummary{SchoolID: s.ID, SchoolYearID: y.ID, Period: period, Teachers: sp.TeacherCount,
					Required: sp.Required, Entered: sp.Entered, AuditSeq: seq})
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		if len(fresh) == 0 {
			continue
		}
		if err := a.DB.Update(ctx, func(tx *store.Tx) error {
			for _, c := range fresh {
				if err := tx.SaveProgressSummary(c); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return n, err
		}
		n += len(fresh)
	}
	return n, nil
}

// SetSchedule sets the due dates of a term's assessments at a school.
func (a *App) SetSchedule(ctx context.Context, p *Principal, schoolID int64, term string, items map[string]time.Time) error {
	if !validTerms[term] || term == "" {
		return sdgdt.Invalid(map[string]string{"term": "Học kì hoặc kì đánh giá không hợp lệ."})
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActLock, SchoolTarget(s)) && !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		fields := map[string]string{}
		for item, due := range items {
			if due.Before(y.StartsOn) || due.After(y.EndsOn.AddDate(0, 1, 0)) {
				fields[item] = "Ngày phải nằm trong năm học " + y.Name + "."
			}
		}
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		for item, due := range items {
			if err := tx.SetScheduleItem(s.ID, y.ID, sdgdt.ScheduleItem{Term: term, Item: item, DueOn: due}); err != nil {
				return err
			}
		}
		return record(tx, p, sdgdt.ActScheduleSet, "school", idStr(s.ID), s.ID, s.UnitPath, nil, map[string]any{"term": term, "items": items})
	})
}

// snapshotKey names a period's snapshots: months by themselves ("2026-10"),
// semesters with their year ("2026-2027/hk1").
func snapshotKey(y sdgdt.SchoolYear, period string) string {
	if period == string(sdgdt.TermHK1) || period == string(sdgdt.TermHK2) {
		return y.Name + "/" + period
	}
	return period
}

// closedPeriods lists the periods of a school year that are over at now: its
// months and its semesters.
func closedPeriods(y sdgdt.SchoolYear, now time.Time) []string {
	var out []string
	if y.StartsOn.IsZero() {
		return nil
	}
	for m := time.Date(y.StartsOn.Year(), y.StartsOn.Month(), 1, 0, 0, 0, 0, sdgdt.Vietnam); !m.After(y.EndsOn); m = m.AddDate(0, 1, 0) {
		if !m.AddDate(0, 1, 0).After(now) {
			out = append(out, m.Format("2006-01"))
		}
	}
	for _, t := range sdgdt.Semesters {
		if p, err := parsePeriod(string(t), y, now); err == nil && p.Closed {
			out = append(out, string(t))
		}
	}
	return out
}

// yearSchools returns the current school year and every school, for the
// jobs that go through them all; no school when there is no year yet.
func (a *App) yearSchools(ctx context.Context) (sdgdt.SchoolYear, []sdgdt.School, error) {
	var schools []sdgdt.School
	var y sdgdt.SchoolYear
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if y, err = tx.CurrentYear(); err != nil {
			return err
		}
		schools, err = tx.SchoolsBelow("/")
		return err
	})
	if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
		return y, nil, nil // no school year yet
	}
	return y, schools, err
}

// FreezeProgress saves the snapshots of every period that is over and has none
// yet, school by school: the figures of a closed month or semester stay as they
// were at its end, whatever is entered late. It is a scheduled job (serve runs it
// at start and every hour), so that reading a progress page never writes. It
// returns how many periods it froze.
func (a *App) FreezeProgress(ctx context.Context) (int, error) {
	y, schools, err := a.yearSchools(ctx)
	if err != nil || len(schools) == 0 {
		return 0, err
	}
	n := 0
	for _, s := range schools {
		for _, period := range closedPeriods(y, a.Now()) {
			key := snapshotKey(y, period)
			var snaps []sdgdt.ProgressSnapshot
			err := a.DB.View(ctx, func(tx *store.Tx) error {
				have, err := tx.Snapshots(s.ID, key)
				if err != nil || len(have) > 0 {
					return err
				}
				pp, err := parsePeriod(period, y, tx.Now)
				if err != nil {
					return err
				}
				rows, err := a.progressRows(tx, s.ID, y, pp.AsOf)
				if err != nil {
					return err
				}
				for _, r := range rows {
					snaps = append(snaps, sdgdt.ProgressSnapshot{Period: key, SheetID: r.SheetID, TeacherID: r.TeacherID, Subject: r.Subject, Term: r.Term, Required: r.Required, Entered: r.Entered})
				}
				return nil
			})
			if err != nil {
				return n, err
			}
			if len(snaps) == 0 {
				continue
			}
			err = a.DB.Update(ctx, func(tx *store.Tx) error {
				if have, err := tx.Snapshots(s.ID, key); err != nil || len(have) > 0 {
					return err // another instance froze it meanwhile
				}
				return tx.SaveSnapshots(s.ID, snaps)
			})
			if err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
