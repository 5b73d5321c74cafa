package store

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sdgdt"
)

// Statistics (table result_statistics, migration 0008). Every write of what
// the figures count — stored results, primary results, enrolments, a pupil's
// sex or ethnicity — names the class it concerns (touchStatistics); at commit
// (Update) the figures of each named class are counted again from its
// pupils' stored results and its school's row is summed again from its
// classes' rows, in the same transaction. Nothing is counted above a school.

type statKey struct{ school, year int64 }

// touchStatistics records that the figures of a class must be counted again
// before the transaction commits.
func (t *Tx) touchStatistics(schoolID, yearID, classID int64) {
	if schoolID == 0 || yearID == 0 || classID == 0 {
		return
	}
	if t.statDirty == nil {
		t.statDirty = map[statKey]map[int64]bool{}
	}
	k := statKey{schoolID, yearID}
	if t.statDirty[k] == nil {
		t.statDirty[k] = map[int64]bool{}
	}
	t.statDirty[k][classID] = true
}

// flushStatistics counts again the figures of the classes touched in the
// transaction, school by school in id order (on PostgreSQL the school's row
// lock is taken first, so that two transactions of one school count one
// after the other and the last sees the other's results).
func (t *Tx) flushStatistics() error {
	keys := make([]statKey, 0, len(t.statDirty))
	for k := range t.statDirty {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b statKey) int {
		return cmp.Or(cmp.Compare(a.school, b.school), cmp.Compare(a.year, b.year))
	})
	for _, k := range keys {
		classes := make([]int64, 0, len(t.statDirty[k]))
		for c := range t.statDirty[k] {
			classes = append(classes, c)
		}
		slices.Sort(classes)
		if err := t.refreshStatistics(k.school, k.year, classes); err != nil {
			return fmt.Errorf("statistics of school %d: %w", k.school, err)
		}
	}
	t.statDirty = nil
	return nil
}

// RefreshStatistics counts again the figures of every class of a school
// year (used to build the figures of data written before they existed).
func (t *Tx) RefreshStatistics(schoolID, yearID int64) error {
	cs, err := t.ClassesOf(schoolID, yearID)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return t.refreshStatistics(schoolID, yearID, ids)
}

// MissingStatistics lists the school years with enrolments but no figures.
func (t *Tx) MissingStatistics() ([][2]int64, error) {
	rows, err := t.query(`SELECT DISTINCT e.school_id, e.school_year_id FROM enrolments e
		WHERE NOT EXISTS (SELECT 1 FROM result_statistics s WHERE s.school_id = e.school_id AND s.school_year_id = e.school_year_id AND s.class_id = 0)
		ORDER BY e.school_id, e.school_year_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var k [2]int64
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (t *Tx) refreshStatistics(schoolID, yearID int64, classes []int64) error {
	for _, term := range sdgdt.StatTerms {
		if _, err := t.exec(`INSERT INTO result_statistics (school_id, school_year_id, term, class_id, grade, pupils, data, updated_at)
			VALUES ($1, $2, $3, 0, 0, 0, '{}', $4) ON CONFLICT (school_id, school_year_id, term, class_id) DO NOTHING`, schoolID, yearID, term, t.Now); err != nil {
			return err
		}
	}
	if t.d == Postgres {
		rows, err := t.query(`SELECT term FROM result_statistics WHERE school_id = $1 AND school_year_id = $2 AND class_id = 0 ORDER BY term FOR UPDATE`, schoolID, yearID)
		if err != nil {
			return err
		}
		rows.Close()
	}
	for _, classID := range classes {
		if err := t.refreshClassStatistics(schoolID, yearID, classID); err != nil {
			return err
		}
	}
	for _, term := range sdgdt.StatTerms {
		var total sdgdt.Figures
		grades := map[int]*sdgdt.Figures{}
		rows, err := t.query(`SELECT grade, data FROM result_statistics WHERE school_id = $1 AND school_year_id = $2 AND term = $3 AND class_id > 0`, schoolID, yearID, term)
		if err != nil {
			return err
		}
		for rows.Next() {
			var grade int
			var data string
			if err := rows.Scan(&grade, &data); err != nil {
				rows.Close()
				return err
			}
			f, err := decodeFigures(data)
			if err != nil {
				rows.Close()
				return err
			}
			total.Add(f)
			if grades[grade] == nil {
				grades[grade] = &sdgdt.Figures{}
			}
			grades[grade].Add(f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := t.putStatistics(schoolID, yearID, term, 0, 0, total); err != nil {
			return err
		}
		// A grade's row (class_id = -grade) for the grade filter of units;
		// one of a grade without classes any more is emptied.
		if _, err := t.exec(`UPDATE result_statistics SET pupils = 0, data = '{}', updated_at = $4 WHERE school_id = $1 AND school_year_id = $2 AND term = $3 AND class_id < 0`,
			schoolID, yearID, term, t.Now); err != nil {
			return err
		}
		for g, f := range grades {
			if err := t.putStatistics(schoolID, yearID, term, -int64(g), g, *f); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *Tx) putStatistics(schoolID, yearID int64, term string, classID int64, grade int, f sdgdt.Figures) error {
	data := encodeFigures(f)
	_, err := t.exec(`INSERT INTO result_statistics (school_id, school_year_id, term, class_id, grade, pupils, data, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (school_id, school_year_id, term, class_id)
		DO UPDATE SET grade = excluded.grade, pupils = excluded.pupils, data = excluded.data, updated_at = excluded.updated_at`,
		schoolID, yearID, term, classID, grade, f.Pupils, data, t.Now)
	return err
}

// ClassStatPupils returns what the figures count of the pupils placed in a
// class (studying, or finished the year, in it), in pupil order.
func (t *Tx) ClassStatPupils(c sdgdt.Class) ([]sdgdt.StatPupil, []int64, error) {
	rows, err := t.query(`SELECT DISTINCT e.pupil_id, p.sex, p.ethnicity FROM enrolments e JOIN pupils p ON p.id = e.pupil_id
		WHERE e.class_id = $1 AND e.school_id = $2 AND e.school_year_id = $3 AND e.status IN ($4, $5) ORDER BY e.pupil_id`,
		c.ID, c.SchoolID, c.SchoolYearID, sdgdt.EnrolStudying, sdgdt.EnrolFinished)
	if err != nil {
		return nil, nil, err
	}
	primary := sdgdt.SheetKindOf(c.Ruleset) == sdgdt.SheetPrimary
	var ps []sdgdt.StatPupil
	var ids []int64
	index := map[int64]int{}
	for rows.Next() {
		var id int64
		var sex, eth string
		if err := rows.Scan(&id, &sex, &eth); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if _, dup := index[id]; dup {
			continue
		}
		index[id] = len(ps)
		ids = append(ids, id)
		ps = append(ps, sdgdt.StatPupil{Female: sex == "nu", Minority: sdgdt.IsMinority(eth), Grade: c.Grade, Primary: primary})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(ids) == 0 {
		return ps, ids, nil
	}
	err = t.forPupils(`SELECT `+resultColumns+` FROM pupil_results WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (?)`,
		c.SchoolID, c.SchoolYearID, ids, func(rows *sql.Rows) error {
			r, err := scanResult(rows)
			if err != nil {
				return err
			}
			ps[index[r.PupilID]].Result = &r
			return nil
		})
	if err != nil || !primary {
		return ps, ids, err
	}
	err = t.forPupils(`SELECT `+primaryResultColumns+` FROM primary_results WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (?) AND (point = 'ck1' OR point = 'cn')`,
		c.SchoolID, c.SchoolYearID, ids, func(rows *sql.Rows) error {
			var r sdgdt.PrimaryResult
			var at *time.Time
			if err := rows.Scan(&r.SchoolID, &r.SchoolYearID, &r.PupilID, &r.Point, &r.ClassID, &r.Gen, &r.RulesetVersion, &r.Grade, &r.Complete, &r.MissingJSON,
				&r.SubjectsT, &r.SubjectsH, &r.SubjectsC, &r.QCT, &r.QCD, &r.QCC, &r.Result, &r.Award, &r.CompletedGrade, &r.CompletedPrimary, &r.ResultFinal,
				&r.Promotion, &r.Error, &at, &r.SubjectsJSON); err != nil {
				return err
			}
			p := &ps[index[r.PupilID]]
			if r.Point == "ck1" {
				p.CK1 = &r
			} else {
				p.CN = &r
			}
			return nil
		})
	return ps, ids, err
}

// CountClass counts a class's figures of a term from its pupils.
func CountClass(term string, ps []sdgdt.StatPupil) sdgdt.Figures {
	var f sdgdt.Figures
	for _, p := range ps {
		f.Count(term, p)
	}
	return f
}

func (t *Tx) refreshClassStatistics(schoolID, yearID, classID int64) error {
	c, err := t.Class(classID)
	if err != nil {
		return err
	}
	if c.SchoolID != schoolID || c.SchoolYearID != yearID {
		return fmt.Errorf("class %d is not of school %d, year %d", classID, schoolID, yearID)
	}
	ps, _, err := t.ClassStatPupils(c)
	if err != nil {
		return err
	}
	for i := range ps {
		ps[i].Prepare() // decoded once for the three periods
	}
	var moves sdgdt.Figures
	if err := t.countMovements(c, &moves); err != nil {
		return err
	}
	for _, term := range sdgdt.StatTerms {
		f := CountClass(term, ps)
		f.Left, f.TransferredOut, f.TransferredIn = moves.Left, moves.TransferredOut, moves.TransferredIn
		if err := t.putStatistics(schoolID, yearID, term, classID, c.Grade, f); err != nil {
			return err
		}
	}
	return nil
}

// countMovements counts the pupils who left a class's school from it,
// transferred out of it, and transferred into it.
func (t *Tx) countMovements(c sdgdt.Class, f *sdgdt.Figures) error {
	return t.queryRow(`SELECT
		COALESCE(SUM(CASE WHEN kind = 'leave' AND from_class_id = $2 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'transfer_out' AND from_class_id = $2 AND status IN ('done', 'accepted') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'transfer_in' AND to_class_id = $2 AND status = 'done' THEN 1 ELSE 0 END), 0)
		FROM movements WHERE school_id = $1 AND (from_class_id = $2 OR to_class_id = $2)`, c.SchoolID, c.ID).
		Scan(&f.Left, &f.TransferredOut, &f.TransferredIn)
}

// CountMovements is countMovements for tests (a from-scratch count).
func (t *Tx) CountMovements(c sdgdt.Class) (sdgdt.Figures, error) {
	var f sdgdt.Figures
	err := t.countMovements(c, &f)
	return f, err
}

// touchClass is touchStatistics for a class known by its id only.
func (t *Tx) touchClass(classID int64) error {
	if classID == 0 {
		return nil
	}
	c, err := t.Class(classID)
	if err != nil {
		return err
	}
	t.touchStatistics(c.SchoolID, c.SchoolYearID, c.ID)
	return nil
}

// Figures are stored in a compact text form rather than JSON: a unit's page
// decodes one row per school (a province: a thousand), and decoding JSON by
// reflection was most of its time. The form is
//
//	1;c0,c1,…;grade:n,…;subject:assessed_by:pupils:sum:b0:…:b9:passed:failed:t:h:c,…
//
// with the counters in the order of sdgdt.Figures.Counters.

const figuresVersion = "1"

func encodeFigures(f sdgdt.Figures) string {
	b := make([]byte, 0, 512)
	b = append(b, figuresVersion...)
	b = append(b, ';')
	for i, c := range f.Counters() {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, *c, 10)
	}
	b = append(b, ';')
	grades := make([]string, 0, len(f.Grades))
	for g := range f.Grades {
		grades = append(grades, g)
	}
	slices.Sort(grades)
	for i, g := range grades {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, g...)
		b = append(b, ':')
		b = strconv.AppendInt(b, f.Grades[g], 10)
	}
	b = append(b, ';')
	for i, s := range f.Subjects {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, s.Subject...)
		b = append(b, ':')
		b = append(b, s.AssessedBy...)
		for _, n := range append([]int64{s.Pupils, s.SumTenths}, append(s.Bins[:], s.Passed, s.Failed, s.LevelT, s.LevelH, s.LevelC)...) {
			b = append(b, ':')
			b = strconv.AppendInt(b, n, 10)
		}
	}
	return string(b)
}

// EncodeFigures returns the stored form of figures (for tools and benchmarks
// that write statistics rows directly).
func EncodeFigures(f sdgdt.Figures) string { return encodeFigures(f) }

func decodeFigures(data string) (sdgdt.Figures, error) {
	var f sdgdt.Figures
	if data == "" || data[0] == '{' { // an empty row, or JSON
		err := json.Unmarshal([]byte(cmp.Or(data, "{}")), &f)
		return f, err
	}
	bad := func() (sdgdt.Figures, error) {
		return sdgdt.Figures{}, fmt.Errorf("statistics: malformed figures %.40q", data)
	}
	parts := strings.SplitN(data, ";", 4)
	if len(parts) != 4 || parts[0] != figuresVersion {
		return bad()
	}
	cs := f.Counters()
	rest := parts[1]
	for i := range cs {
		if rest == "" && i > 0 {
			break // written before this counter existed
		}
		num, tail, _ := strings.Cut(rest, ",")
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return bad()
		}
		*cs[i], rest = n, tail
	}
	if parts[2] != "" {
		f.Grades = map[string]int64{}
		for _, g := range strings.Split(parts[2], ",") {
			k, v, _ := strings.Cut(g, ":")
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return bad()
			}
			f.Grades[k] = n
		}
	}
	if parts[3] != "" {
		for _, sub := range strings.Split(parts[3], ",") {
			fs := strings.Split(sub, ":")
			if len(fs) != 16 && len(fs) != 19 { // 16: written before the primary levels
				return bad()
			}
			var ns [17]int64
			for i := range fs[2:] {
				n, err := strconv.ParseInt(fs[i+2], 10, 64)
				if err != nil {
					return bad()
				}
				ns[i] = n
			}
			s := sdgdt.SubjectFigures{Subject: fs[0], AssessedBy: fs[1], Pupils: ns[0], SumTenths: ns[1], Passed: ns[12], Failed: ns[13],
				LevelT: ns[14], LevelH: ns[15], LevelC: ns[16]}
			copy(s.Bins[:], ns[2:12])
			f.Subjects = append(f.Subjects, s)
		}
	}
	return f, nil
}

// SchoolStatisticsBelow returns the figures of every school below a unit
// path for a year and term, by school: the school's row, or with grade > 0
// its row of that grade (the sum of its classes of that grade); kind, when not empty, keeps only
// schools of that kind. Schools without figures yet have zero figures.
func (t *Tx) SchoolStatisticsBelow(path string, yearID int64, term string, kind string, grade int) ([]sdgdt.SchoolFigures, error) {
	q := `SELECT s.id, s.unit_id, s.unit_path, s.kind, s.name, s.code, s.address, COALESCE(st.data, '{}')
		FROM schools s LEFT JOIN result_statistics st ON st.school_id = s.id AND st.school_year_id = $2 AND st.term = $3 AND `
	args := []any{path + "%", yearID, term}
	if grade > 0 {
		q += `st.class_id = $4`
		args = append(args, -grade)
	} else {
		q += `st.class_id = 0`
	}
	q += ` WHERE s.unit_path LIKE $1`
	if kind != "" {
		args = append(args, kind)
		q += ` AND s.kind = $` + itoa(len(args))
	}
	q += ` ORDER BY s.unit_path, s.name, s.id`
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.SchoolFigures
	for rows.Next() {
		var s sdgdt.School
		var data string
		if err := rows.Scan(&s.ID, &s.UnitID, &s.UnitPath, &s.Kind, &s.Name, &s.Code, &s.Address, &data); err != nil {
			return nil, err
		}
		f, err := decodeFigures(data)
		if err != nil {
			return nil, err
		}
		out = append(out, sdgdt.SchoolFigures{School: s, Figures: f})
	}
	return out, rows.Err()
}

// ClassStatistics returns the figures of each class of a school year for a
// term, by grade and name.
func (t *Tx) ClassStatistics(schoolID, yearID int64, term string) ([]sdgdt.ClassFigures, error) {
	rows, err := t.query(`SELECT c.id, c.name, c.grade, COALESCE(st.data, '{}') FROM classes c
		LEFT JOIN result_statistics st ON st.school_id = c.school_id AND st.school_year_id = c.school_year_id AND st.term = $3 AND st.class_id = c.id
		WHERE c.school_id = $1 AND c.school_year_id = $2 ORDER BY c.grade, c.name, c.id`, schoolID, yearID, term)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.ClassFigures
	for rows.Next() {
		var c sdgdt.ClassFigures
		var data string
		if err := rows.Scan(&c.ClassID, &c.Name, &c.Grade, &data); err != nil {
			return nil, err
		}
		if c.Figures, err = decodeFigures(data); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// BookStates returns the state of the class books of every school below a
// unit path in a year, by school (one grouped query per table: approvals and
// locks are a few rows per class).
func (t *Tx) BookStates(path string, yearID int64, now time.Time) (map[int64]sdgdt.BookState, error) {
	return t.bookStates(`c.school_id`, `a.school_id`, `s.unit_path LIKE $1`, path+"%", yearID, now)
}

// ClassBookStates returns the state of each class book of a school year, by class.
func (t *Tx) ClassBookStates(schoolID, yearID int64) (map[int64]sdgdt.BookState, error) {
	return t.bookStates(`c.id`, `a.class_id`, `s.id = $1`, schoolID, yearID, time.Time{})
}

func (t *Tx) bookStates(classKey, approvalKey, where string, scope any, yearID int64, now time.Time) (map[int64]sdgdt.BookState, error) {
	out := map[int64]sdgdt.BookState{}
	rows, err := t.query(`SELECT `+classKey+`, COUNT(*) FROM classes c JOIN schools s ON s.id = c.school_id
		WHERE `+where+` AND c.school_year_id = $2 GROUP BY `+classKey, scope, yearID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		b := out[id]
		b.Classes = n
		out[id] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = t.query(`SELECT `+approvalKey+`, a.term, COUNT(*) FROM approvals a JOIN schools s ON s.id = a.school_id
		WHERE `+where+` AND a.school_year_id = $2 AND a.status = 'approved' GROUP BY `+approvalKey+`, a.term`, scope, yearID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, n int64
		var term string
		if err := rows.Scan(&id, &term, &n); err != nil {
			rows.Close()
			return nil, err
		}
		b := out[id]
		switch term {
		case "hk1", "ck1":
			b.ApprovedHK1 += n
		case "hk2", "cn":
			b.ApprovedYear += n
		}
		out[id] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if now.IsZero() {
		return out, nil
	}
	rows, err = t.query(`SELECT DISTINCT l.school_id FROM locks l JOIN schools s ON s.id = l.school_id
		WHERE `+where+` AND (l.school_year_id = $2 OR l.school_year_id IS NULL) AND l.class_id IS NULL AND l.sheet_id IS NULL AND l.grade = 0
		AND l.lifted_at IS NULL AND l.from_at <= $3 AND (l.until_at IS NULL OR l.until_at > $3)`, scope, yearID, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		b := out[id]
		b.Locked = 1
		out[id] = b
	}
	return out, rows.Err()
}
