package store

import (
	"cmp"
	"database/sql"
	"slices"
	"strings"
	"time"

	"sdgdt"
)

// The primary book (tt27): the qualities-and-competencies sheets, stored
// results per assessment point, nominations, additional assessments and the
// principal's decisions.

// EnsurePCNLSheet returns the qualities-and-competencies sheet of a class at
// an assessment point, creating it when it does not exist yet.
func (t *Tx) EnsurePCNLSheet(c sdgdt.Class, point string) (sdgdt.Sheet, error) {
	if _, err := t.exec(`INSERT INTO sheets (school_id, school_year_id, class_id, subject, term, kind, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7) ON CONFLICT (class_id, subject, term) DO NOTHING`,
		c.SchoolID, c.SchoolYearID, c.ID, sdgdt.PCNLSubject, point, sdgdt.SheetPrimaryPCNL, t.Now); err != nil {
		return sdgdt.Sheet{}, err
	}
	return t.SheetFor(c.ID, sdgdt.PCNLSubject, point)
}

// EnsurePCNLSheets creates the qualities-and-competencies sheets that primary
// classes made before they were created with the class still lack, and
// returns how many it created.
func (t *Tx) EnsurePCNLSheets() (int64, error) {
	res, err := t.exec(`INSERT INTO sheets (school_id, school_year_id, class_id, subject, term, kind, version, created_at, updated_at)
		SELECT c.school_id, c.school_year_id, c.id, $1, p.term, $2, 0, $3, $3
		FROM classes c CROSS JOIN (SELECT 'gk1' AS term UNION ALL SELECT 'ck1' UNION ALL SELECT 'gk2' UNION ALL SELECT 'cn') p
		WHERE c.ruleset = 'tt27'
		ON CONFLICT (class_id, subject, term) DO NOTHING`, sdgdt.PCNLSubject, sdgdt.SheetPrimaryPCNL, t.Now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ClassPointCells returns every cell (levels, tests, comments, qualities and
// competencies) of the pupils studying in a class at one assessment point, in
// one query.
func (t *Tx) ClassPointCells(c sdgdt.Class, point string) ([]sdgdt.Cell, error) {
	rows, err := t.query(t.classMarks(`m.term = $3 AND m.value <> ''`),
		c.SchoolID, c.SchoolYearID, point, c.ID, sdgdt.EnrolStudying)
	if err != nil {
		return nil, err
	}
	return scanCells(rows)
}

const primaryResultColumns = `school_id, school_year_id, pupil_id, point, class_id, gen, ruleset_version, grade, complete, missing_json,
	subjects_t, subjects_h, subjects_c, qc_t, qc_d, qc_c, result, award, completed_grade, completed_primary, result_final, promotion, error, computed_at,
	subjects_json`

// SavePrimaryResults stores computed results of pupils whose inputs have not
// changed since they were read (the generation of their pupil_results row is
// still r.Gen); the others are left for the recomputation that follows.
func (t *Tx) SavePrimaryResults(rs []sdgdt.PrimaryResult) error {
	if len(rs) == 0 {
		return nil
	}
	// In pupil order, like every other writer of result rows (uniqueIDs).
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b sdgdt.PrimaryResult) int { return cmp.Compare(a.PupilID, b.PupilID) })
	ids := make([]int64, 0, len(rs))
	seen := map[int64]bool{}
	for _, r := range rs {
		if !seen[r.PupilID] {
			seen[r.PupilID] = true
			ids = append(ids, r.PupilID)
		}
	}
	gens, err := t.ResultGens(rs[0].SchoolID, rs[0].SchoolYearID, ids)
	if err != nil {
		return err
	}
	cols := splitColumns(primaryResultColumns)
	var set []string
	for _, c := range cols[4:] {
		set = append(set, c+" = excluded."+c)
	}
	tail := ` ON CONFLICT (school_id, school_year_id, pupil_id, point) DO UPDATE SET ` + strings.Join(set, ", ")
	const chunk = 200
	// A row that comes out as the stored one is not written again, nor are
	// its class's statistics counted again (its generation stays the one it
	// was computed at: nothing reads it).
	same, err := t.unchangedPrimary(rs, ids)
	if err != nil {
		return err
	}
	keep := make([]sdgdt.PrimaryResult, 0, len(rs))
	for _, r := range rs {
		if g, ok := gens[r.PupilID]; (!ok || g == r.Gen) && !same[pointKey{r.PupilID, r.Point}] {
			keep = append(keep, r)
		}
	}
	for start := 0; start < len(keep); start += chunk {
		part := keep[start:min(start+chunk, len(keep))]
		var b strings.Builder
		args := make([]any, 0, len(part)*len(cols))
		b.WriteString(`INSERT INTO primary_results (` + primaryResultColumns + `) VALUES `)
		for i, r := range part {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(t.placeholders(len(args), len(cols)))
			args = append(args, r.SchoolID, r.SchoolYearID, r.PupilID, r.Point, r.ClassID, r.Gen, r.RulesetVersion, r.Grade, r.Complete, r.MissingJSON,
				r.SubjectsT, r.SubjectsH, r.SubjectsC, r.QCT, r.QCD, r.QCC, r.Result, r.Award, r.CompletedGrade, r.CompletedPrimary, r.ResultFinal,
				r.Promotion, r.Error, t.Now, cmp.Or(r.SubjectsJSON, "[]"))
		}
		b.WriteString(tail)
		if _, err := t.exec(b.String(), args...); err != nil {
			return err
		}
	}
	for _, r := range keep {
		t.touchStatistics(r.SchoolID, r.SchoolYearID, r.ClassID)
	}
	return nil
}

// ClassPrimaryResults returns the stored results of the pupils placed in a
// class at an assessment point ("" for every point).
func (t *Tx) ClassPrimaryResults(classID int64, point string) ([]sdgdt.PrimaryResult, error) {
	q := `SELECT ` + primaryResultColumns + ` FROM primary_results WHERE class_id = $1`
	args := []any{classID}
	if point != "" {
		q += ` AND point = $2`
		args = append(args, point)
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.PrimaryResult
	for rows.Next() {
		r, err := scanPrimaryResult(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanPrimaryResult(rows *sql.Rows) (sdgdt.PrimaryResult, error) {
	var r sdgdt.PrimaryResult
	var at *time.Time
	err := rows.Scan(&r.SchoolID, &r.SchoolYearID, &r.PupilID, &r.Point, &r.ClassID, &r.Gen, &r.RulesetVersion, &r.Grade, &r.Complete, &r.MissingJSON,
		&r.SubjectsT, &r.SubjectsH, &r.SubjectsC, &r.QCT, &r.QCD, &r.QCC, &r.Result, &r.Award, &r.CompletedGrade, &r.CompletedPrimary, &r.ResultFinal,
		&r.Promotion, &r.Error, &at, &r.SubjectsJSON)
	if at != nil {
		r.ComputedAt = at.UTC()
	}
	return r, err
}

// pointKey is a pupil's result at an assessment point.
type pointKey struct {
	pupil int64
	point string
}

// unchangedPrimary returns which of rs (one school year's) say what the
// stored rows of their pupils and points say.
func (t *Tx) unchangedPrimary(rs []sdgdt.PrimaryResult, ids []int64) (map[pointKey]bool, error) {
	stored := map[pointKey]sdgdt.PrimaryResult{}
	if err := t.forPupils(`SELECT `+primaryResultColumns+` FROM primary_results WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (?)`,
		rs[0].SchoolID, rs[0].SchoolYearID, ids, func(rows *sql.Rows) error {
			r, err := scanPrimaryResult(rows)
			stored[pointKey{r.PupilID, r.Point}] = r
			return err
		}); err != nil {
		return nil, err
	}
	same := map[pointKey]bool{}
	for _, r := range rs {
		k := pointKey{r.PupilID, r.Point}
		old, ok := stored[k]
		r.SubjectsJSON = cmp.Or(r.SubjectsJSON, "[]")
		old.Gen, old.ComputedAt = r.Gen, r.ComputedAt
		if ok && old == r {
			same[k] = true
		}
	}
	return same, nil
}

// SetNomination stores a pupil's nomination (or its withdrawal).
func (t *Tx) SetNomination(n sdgdt.Nomination) error {
	_, err := t.exec(`INSERT INTO primary_nominations (school_id, school_year_id, pupil_id, class_id, nominated, reason, changed_by, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (school_id, school_year_id, pupil_id) DO UPDATE SET class_id = excluded.class_id, nominated = excluded.nominated,
		reason = excluded.reason, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
		n.SchoolID, n.SchoolYearID, n.PupilID, n.ClassID, n.Nominated, n.Reason, n.ChangedBy, t.Now)
	return err
}

// Nominations returns the nominations of some pupils in a school year.
func (t *Tx) Nominations(schoolID, yearID int64, pupilIDs []int64) ([]sdgdt.Nomination, error) {
	var out []sdgdt.Nomination
	for start := 0; start < len(pupilIDs); start += 500 {
		args := []any{schoolID, yearID}
		in := inList(&args, pupilIDs[start:min(start+500, len(pupilIDs))])
		rows, err := t.query(`SELECT n.school_id, n.school_year_id, n.pupil_id, n.class_id, n.nominated, n.reason, n.changed_by, COALESCE(u.full_name, ''), n.changed_at
			FROM primary_nominations n LEFT JOIN users u ON u.id = n.changed_by
			WHERE n.school_id = $1 AND n.school_year_id = $2 AND n.pupil_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var n sdgdt.Nomination
			if err := rows.Scan(&n.SchoolID, &n.SchoolYearID, &n.PupilID, &n.ClassID, &n.Nominated, &n.Reason, &n.ChangedBy, &n.ChangedByName, &n.ChangedAt); err != nil {
				rows.Close()
				return nil, err
			}
			n.ChangedAt = n.ChangedAt.UTC()
			out = append(out, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetSupplement stores an item of a pupil's additional assessment.
func (t *Tx) SetSupplement(s sdgdt.Supplement) error {
	_, err := t.exec(`INSERT INTO primary_supplements (school_id, school_year_id, pupil_id, item, class_id, level, test, note, changed_by, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (school_id, school_year_id, pupil_id, item) DO UPDATE SET class_id = excluded.class_id, level = excluded.level,
		test = excluded.test, note = excluded.note, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
		s.SchoolID, s.SchoolYearID, s.PupilID, s.Item, s.ClassID, s.Level, s.Test, s.Note, s.ChangedBy, t.Now)
	return err
}

// Supplements returns the additional assessments of some pupils in a year.
func (t *Tx) Supplements(schoolID, yearID int64, pupilIDs []int64) ([]sdgdt.Supplement, error) {
	var out []sdgdt.Supplement
	for start := 0; start < len(pupilIDs); start += 500 {
		args := []any{schoolID, yearID}
		in := inList(&args, pupilIDs[start:min(start+500, len(pupilIDs))])
		rows, err := t.query(`SELECT school_id, school_year_id, pupil_id, item, class_id, level, test, note, changed_by, changed_at FROM primary_supplements
			WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (`+in+`) ORDER BY pupil_id, item`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s sdgdt.Supplement
			if err := rows.Scan(&s.SchoolID, &s.SchoolYearID, &s.PupilID, &s.Item, &s.ClassID, &s.Level, &s.Test, &s.Note, &s.ChangedBy, &s.ChangedAt); err != nil {
				rows.Close()
				return nil, err
			}
			s.ChangedAt = s.ChangedAt.UTC()
			out = append(out, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetDecision stores the principal's decision on a pupil.
func (t *Tx) SetDecision(d sdgdt.Decision) error {
	_, err := t.exec(`INSERT INTO primary_decisions (school_id, school_year_id, pupil_id, class_id, decision, note, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (school_id, school_year_id, pupil_id) DO UPDATE SET class_id = excluded.class_id, decision = excluded.decision,
		note = excluded.note, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
		d.SchoolID, d.SchoolYearID, d.PupilID, d.ClassID, d.Decision, d.Note, d.DecidedBy, t.Now)
	return err
}

// Decisions returns the principal's decisions on some pupils in a year.
func (t *Tx) Decisions(schoolID, yearID int64, pupilIDs []int64) ([]sdgdt.Decision, error) {
	var out []sdgdt.Decision
	for start := 0; start < len(pupilIDs); start += 500 {
		args := []any{schoolID, yearID}
		in := inList(&args, pupilIDs[start:min(start+500, len(pupilIDs))])
		rows, err := t.query(`SELECT d.school_id, d.school_year_id, d.pupil_id, d.class_id, d.decision, d.note, d.decided_by, COALESCE(u.full_name, ''), d.decided_at
			FROM primary_decisions d LEFT JOIN users u ON u.id = d.decided_by
			WHERE d.school_id = $1 AND d.school_year_id = $2 AND d.pupil_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d sdgdt.Decision
			if err := rows.Scan(&d.SchoolID, &d.SchoolYearID, &d.PupilID, &d.ClassID, &d.Decision, &d.Note, &d.DecidedBy, &d.DecidedByName, &d.DecidedAt); err != nil {
				rows.Close()
				return nil, err
			}
			d.DecidedAt = d.DecidedAt.UTC()
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
