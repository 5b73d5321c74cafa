package store

import (
	"cmp"
	"database/sql"
	"slices"
	"strings"
	"time"

	"sdgdt"
)

// inList appends ids to args and returns the placeholders "$n,$n+1,...".
func inList(args *[]any, ids []int64) string {
	ph := make([]string, len(ids))
	for i, id := range ids {
		*args = append(*args, id)
		ph[i] = "$" + itoa(len(*args))
	}
	return strings.Join(ph, ",")
}

// forPupils runs query for a list of pupils in chunks of 500 and calls scan
// for each row: $1 is the school, $2 the school year, and the "(?)" after
// "pupil_id IN" becomes the chunk's placeholders.
func (t *Tx) forPupils(query string, schoolID, yearID int64, pupilIDs []int64, scan func(*sql.Rows) error) error {
	for start := 0; start < len(pupilIDs); start += 500 {
		args := []any{schoolID, yearID}
		in := inList(&args, pupilIDs[start:min(start+500, len(pupilIDs))])
		rows, err := t.query(strings.Replace(query, "IN (?)", "IN ("+in+")", 1), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// SetConduct stores a pupil's conduct of a term.
func (t *Tx) SetConduct(c sdgdt.Conduct) error {
	_, err := t.exec(`INSERT INTO conduct (school_id, school_year_id, pupil_id, term, class_id, level, comment, changed_by, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (school_id, school_year_id, pupil_id, term) DO UPDATE SET class_id = excluded.class_id, level = excluded.level,
		comment = excluded.comment, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
		c.SchoolID, c.SchoolYearID, c.PupilID, c.Term, c.ClassID, c.Level, c.Comment, c.ChangedBy, t.Now)
	return err
}

// Conducts returns the conduct ratings of some pupils in a school year.
func (t *Tx) Conducts(schoolID, yearID int64, pupilIDs []int64) ([]sdgdt.Conduct, error) {
	var out []sdgdt.Conduct
	err := t.forPupils(`SELECT school_id, school_year_id, pupil_id, term, class_id, level, comment, changed_by, changed_at FROM conduct
			WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (?)`, schoolID, yearID, pupilIDs, func(rows *sql.Rows) error {
		var c sdgdt.Conduct
		if err := rows.Scan(&c.SchoolID, &c.SchoolYearID, &c.PupilID, &c.Term, &c.ClassID, &c.Level, &c.Comment, &c.ChangedBy, &c.ChangedAt); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// SetRetest stores a pupil's re-test result.
func (t *Tx) SetRetest(r sdgdt.Retest) error {
	_, err := t.exec(`INSERT INTO retests (school_id, school_year_id, pupil_id, subject, class_id, value, changed_by, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (school_id, school_year_id, pupil_id, subject) DO UPDATE SET class_id = excluded.class_id, value = excluded.value,
		changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
		r.SchoolID, r.SchoolYearID, r.PupilID, r.Subject, r.ClassID, r.Value, r.ChangedBy, t.Now)
	return err
}

// Retests returns the re-test results of some pupils in a school year.
func (t *Tx) Retests(schoolID, yearID int64, pupilIDs []int64) ([]sdgdt.Retest, error) {
	var out []sdgdt.Retest
	err := t.forPupils(`SELECT school_id, school_year_id, pupil_id, subject, class_id, value, changed_by, changed_at FROM retests
			WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (?)`, schoolID, yearID, pupilIDs, func(rows *sql.Rows) error {
		var r sdgdt.Retest
		if err := rows.Scan(&r.SchoolID, &r.SchoolYearID, &r.PupilID, &r.Subject, &r.ClassID, &r.Value, &r.ChangedBy, &r.ChangedAt); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// MarkResultsStale records, in the transaction that changes their inputs, that
// the stored results of some pupils must be computed again.
func (t *Tx) MarkResultsStale(schoolID, yearID, classID int64, pupilIDs []int64) error {
	return t.upsertStale(schoolID, yearID, classID, pupilIDs,
		` ON CONFLICT (school_id, school_year_id, pupil_id) DO UPDATE SET stale = TRUE, gen = pupil_results.gen + 1, claimed_until = NULL`)
}

// MarkResultsStaleIfMissing makes sure every pupil has a result row, stale
// when it is new, so that pupils without any mark yet get a result too.
func (t *Tx) MarkResultsStaleIfMissing(schoolID, yearID, classID int64, pupilIDs []int64) error {
	return t.upsertStale(schoolID, yearID, classID, pupilIDs, ` ON CONFLICT (school_id, school_year_id, pupil_id) DO NOTHING`)
}

// upsertStale inserts stale result rows for the pupils, with onConflict for
// those that have one already.
func (t *Tx) upsertStale(schoolID, yearID, classID int64, pupilIDs []int64, onConflict string) error {
	// A pupil named twice would make PostgreSQL refuse the whole upsert.
	pupilIDs = uniqueIDs(pupilIDs)
	for start := 0; start < len(pupilIDs); start += 400 {
		part := pupilIDs[start:min(start+400, len(pupilIDs))]
		var b strings.Builder
		args := make([]any, 0, len(part)*4)
		b.WriteString(`INSERT INTO pupil_results (school_id, school_year_id, pupil_id, class_id, stale, gen) VALUES `)
		for i, id := range part {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.TrimSuffix(t.placeholders(len(args), 4), ")") + ",TRUE,1)")
			args = append(args, schoolID, yearID, id, classID)
		}
		b.WriteString(onConflict)
		if _, err := t.exec(b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// StaleResults returns up to limit pupil-years whose results must be computed
// again, grouped by school and year.
func (t *Tx) StaleResults(limit int) ([]sdgdt.ResultKey, error) {
	rows, err := t.query(`SELECT school_id, school_year_id, pupil_id, gen FROM pupil_results WHERE stale ORDER BY school_id, school_year_id, pupil_id LIMIT ` + itoa(limit))
	if err != nil {
		return nil, err
	}
	return scanResultKeys(rows)
}

// ClaimStaleResults claims up to limit stale pupil-years for this server
// until the time given, passing by those another server claimed and has not
// given up (a server that stops leaves its claims to expire). The claim is
// committed at once: the batch is then read, computed and stored as on SQLite,
// without holding the rows, so that servers sharing a PostgreSQL database each
// compute their own rows and a save is never kept waiting by a batch.
func (t *Tx) ClaimStaleResults(limit int, until time.Time) ([]sdgdt.ResultKey, error) {
	rows, err := t.query(`UPDATE pupil_results SET claimed_until = $1 WHERE (school_id, school_year_id, pupil_id) IN (
			SELECT school_id, school_year_id, pupil_id FROM pupil_results WHERE stale AND (claimed_until IS NULL OR claimed_until < $2)
			ORDER BY school_id, school_year_id, pupil_id LIMIT `+itoa(limit)+t.d.forUpdateSkipLocked()+`)
		RETURNING school_id, school_year_id, pupil_id, gen`, until, t.Now)
	if err != nil {
		return nil, err
	}
	out, err := scanResultKeys(rows)
	slices.SortFunc(out, func(a, b sdgdt.ResultKey) int {
		return cmp.Or(cmp.Compare(a.SchoolID, b.SchoolID), cmp.Compare(a.SchoolYearID, b.SchoolYearID), cmp.Compare(a.PupilID, b.PupilID))
	})
	return out, err
}

func scanResultKeys(rows *sql.Rows) ([]sdgdt.ResultKey, error) {
	defer rows.Close()
	var out []sdgdt.ResultKey
	for rows.Next() {
		var k sdgdt.ResultKey
		if err := rows.Scan(&k.SchoolID, &k.SchoolYearID, &k.PupilID, &k.Gen); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// ResultGens returns the current generation of some pupil-years' inputs.
func (t *Tx) ResultGens(schoolID, yearID int64, pupilIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	for start := 0; start < len(pupilIDs); start += 500 {
		args := []any{schoolID, yearID}
		in := inList(&args, pupilIDs[start:min(start+500, len(pupilIDs))])
		rows, err := t.query(`SELECT pupil_id, gen FROM pupil_results WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, gen int64
			if err := rows.Scan(&id, &gen); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = gen
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PupilYears loads the years of some pupils of one school, with one query per
// table (chunked by 500 pupils).
func (t *Tx) PupilYears(schoolID, yearID int64, pupilIDs []int64) ([]sdgdt.PupilYear, error) {
	placed := map[int64]int64{} // pupil → class
	studying := map[int64]bool{}
	for start := 0; start < len(pupilIDs); start += 500 {
		args := []any{schoolID, yearID}
		in := inList(&args, pupilIDs[start:min(start+500, len(pupilIDs))])
		rows, err := t.query(`SELECT pupil_id, class_id, status FROM enrolments WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (`+in+`) ORDER BY id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var pid, cid int64
			var status string
			if err := rows.Scan(&pid, &cid, &status); err != nil {
				rows.Close()
				return nil, err
			}
			if studying[pid] {
				continue
			}
			placed[pid] = cid
			studying[pid] = status == sdgdt.EnrolStudying
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	classes := map[int64]sdgdt.Class{}
	curricula := map[int64][]sdgdt.ClassSubject{}
	for _, cid := range placed {
		if _, ok := classes[cid]; ok {
			continue
		}
		c, err := t.Class(cid)
		if err != nil {
			return nil, err
		}
		classes[cid] = c
		if curricula[cid], err = t.ClassSubjects(cid); err != nil {
			return nil, err
		}
	}
	out := make([]sdgdt.PupilYear, 0, len(pupilIDs))
	index := map[int64]int{}
	var ids []int64
	for _, pid := range pupilIDs {
		cid, ok := placed[pid]
		if !ok {
			continue // no enrolment in this school and year: nothing to compute
		}
		index[pid] = len(out)
		ids = append(ids, pid)
		out = append(out, sdgdt.PupilYear{PupilID: pid, Class: classes[cid], Subjects: curricula[cid], Conduct: map[string]string{}, Retests: map[string]string{}})
	}
	if len(ids) == 0 {
		return out, nil
	}
	cells, err := t.PupilMarks(schoolID, yearID, ids)
	if err != nil {
		return nil, err
	}
	for id, cs := range cells {
		out[index[id]].Cells = cs
	}
	cs, err := t.Conducts(schoolID, yearID, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		out[index[c.PupilID]].Conduct[c.Term] = c.Level
	}
	rs, err := t.Retests(schoolID, yearID, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		out[index[r.PupilID]].Retests[r.Subject] = r.Value
	}
	na, err := t.NotAssessedOf(schoolID, yearID, ids)
	if err != nil {
		return nil, err
	}
	for _, n := range na {
		py := &out[index[n.PupilID]]
		if py.NotAssessed == nil {
			py.NotAssessed = map[string]bool{}
		}
		py.NotAssessed[n.Subject] = true
	}
	abs, err := t.YearAbsences(schoolID, yearID, ids)
	if err != nil {
		return nil, err
	}
	for pid, a := range abs {
		if i, ok := index[pid]; ok {
			out[i].Absent = a.Total()
		}
	}
	return out, nil
}

const resultColumns = `school_id, school_year_id, pupil_id, class_id, gen, stale, ruleset_version, grade, complete, absent_sessions,
	hk1_learning, hk1_learning_computed, hk1_adjusted_for, hk1_conduct, hk2_learning, hk2_learning_computed, hk2_adjusted_for, hk2_conduct,
	year_learning, year_learning_computed, year_adjusted_for, year_conduct, learning_final, conduct_final, retest_subjects, promotion, award,
	subjects_json, missing_json, error, computed_at`

func resultValues(r *sdgdt.PupilResult, now time.Time) []any {
	return []any{r.SchoolID, r.SchoolYearID, r.PupilID, r.ClassID, r.Gen, false, r.RulesetVersion, r.Grade, r.Complete, r.AbsentSessions,
		r.HK[0].Learning, r.HK[0].LearningComputed, r.HK[0].AdjustedFor, r.HK[0].Conduct,
		r.HK[1].Learning, r.HK[1].LearningComputed, r.HK[1].AdjustedFor, r.HK[1].Conduct,
		r.Year.Learning, r.Year.LearningComputed, r.Year.AdjustedFor, r.Year.Conduct, r.LearningFinal, r.ConductFinal, r.RetestSubjects,
		r.Promotion, r.Award, r.SubjectsJSON, r.MissingJSON, r.Error, now}
}

// SaveResults stores computed results. A result replaces the stored one only
// if the inputs have not changed since they were read (same generation); a
// result overtaken by a change stays stale, to be computed again. A result
// that comes out as the stored one (a year computed again with nothing
// changed in it) is only marked computed: the row is not written again and
// the statistics of its class are not counted again.
func (t *Tx) SaveResults(rs []sdgdt.PupilResult) error {
	// In pupil order, like every other writer of pupil_results (uniqueIDs).
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b sdgdt.PupilResult) int {
		return cmp.Or(cmp.Compare(a.SchoolID, b.SchoolID), cmp.Compare(a.SchoolYearID, b.SchoolYearID), cmp.Compare(a.PupilID, b.PupilID))
	})
	rs, err := t.confirmUnchanged(rs)
	if err != nil || len(rs) == 0 {
		return err
	}
	cols := splitColumns(resultColumns)
	var set []string
	for _, c := range cols[3:] {
		if c != "gen" {
			set = append(set, c+" = excluded."+c)
		}
	}
	tail := ` ON CONFLICT (school_id, school_year_id, pupil_id) DO UPDATE SET ` + strings.Join(set, ", ") + ` WHERE pupil_results.gen = excluded.gen`
	const chunk = 200
	for start := 0; start < len(rs); start += chunk {
		part := rs[start:min(start+chunk, len(rs))]
		var b strings.Builder
		args := make([]any, 0, len(part)*len(cols))
		b.WriteString(`INSERT INTO pupil_results (` + resultColumns + `) VALUES `)
		for i := range part {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(t.placeholders(len(args), len(cols)))
			args = append(args, resultValues(&part[i], t.Now)...)
		}
		b.WriteString(tail)
		if _, err := t.exec(b.String(), args...); err != nil {
			return err
		}
	}
	for i := range rs {
		t.touchStatistics(rs[i].SchoolID, rs[i].SchoolYearID, rs[i].ClassID)
	}
	return nil
}

// confirmUnchanged marks computed, without writing them again, the results
// of rs (in key order) equal to the stored ones at the same generation, and
// returns the others.
func (t *Tx) confirmUnchanged(rs []sdgdt.PupilResult) ([]sdgdt.PupilResult, error) {
	changed := rs[:0:0]
	for start := 0; start < len(rs); {
		// One school year's run of rs at a time.
		end := start
		for end < len(rs) && rs[end].SchoolID == rs[start].SchoolID && rs[end].SchoolYearID == rs[start].SchoolYearID {
			end++
		}
		part := rs[start:end]
		start = end
		ids := make([]int64, len(part))
		for i := range part {
			ids[i] = part[i].PupilID
		}
		stored := map[int64]sdgdt.PupilResult{}
		if err := t.forPupils(`SELECT `+resultColumns+` FROM pupil_results WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (?)`,
			part[0].SchoolID, part[0].SchoolYearID, ids, func(rows *sql.Rows) error {
				r, err := scanResult(rows)
				stored[r.PupilID] = r
				return err
			}); err != nil {
			return nil, err
		}
		var same []sdgdt.PupilResult
		for _, r := range part {
			if old, ok := stored[r.PupilID]; ok && old.Gen == r.Gen && sameResult(old, r) {
				same = append(same, r)
			} else {
				changed = append(changed, r)
			}
		}
		if err := t.markComputed(same); err != nil {
			return nil, err
		}
	}
	return changed, nil
}

// sameResult reports whether two results of a pupil-year say the same, what
// the row carries about its computation aside.
func sameResult(a, b sdgdt.PupilResult) bool {
	a.Gen, a.Stale, a.ComputedAt = b.Gen, b.Stale, b.ComputedAt
	return a == b
}

// markComputed marks results of one school year computed, as they are
// stored, if their generation is still theirs.
func (t *Tx) markComputed(rs []sdgdt.PupilResult) error {
	if len(rs) == 0 {
		return nil
	}
	ids, gens := make([]int64, len(rs)), make([]int64, len(rs))
	for i := range rs {
		ids[i], gens[i] = rs[i].PupilID, rs[i].Gen
	}
	const set = `UPDATE pupil_results SET stale = FALSE, claimed_until = NULL, computed_at = $3 WHERE school_id = $1 AND school_year_id = $2 AND `
	if t.d == Postgres {
		// The rows are locked first, in key order as every writer of
		// pupil_results locks them: the UPDATE alone locks them in the order
		// its plan finds them (a bitmap scan: the table's), and deadlocked
		// with a save marking some of them stale.
		_, err := t.exec(`WITH locked AS (SELECT pupil_id FROM pupil_results WHERE school_id = $1 AND school_year_id = $2
				AND (pupil_id, gen) IN (SELECT * FROM unnest($4::bigint[], $5::bigint[])) ORDER BY pupil_id FOR UPDATE)
			`+set+`pupil_id IN (SELECT pupil_id FROM locked)`, rs[0].SchoolID, rs[0].SchoolYearID, t.Now, ids, gens)
		return err
	}
	for start := 0; start < len(rs); start += 400 {
		args := []any{rs[0].SchoolID, rs[0].SchoolYearID, t.Now}
		var b strings.Builder
		for i := start; i < min(start+400, len(rs)); i++ {
			if i > start {
				b.WriteByte(',')
			}
			args = append(args, ids[i], gens[i])
			b.WriteString("($" + itoa(len(args)-1) + ", $" + itoa(len(args)) + ")")
		}
		if _, err := t.exec(set+`(pupil_id, gen) IN (VALUES `+b.String()+`)`, args...); err != nil {
			return err
		}
	}
	return nil
}

func scanResult(sc interface{ Scan(...any) error }) (sdgdt.PupilResult, error) {
	var r sdgdt.PupilResult
	var at *time.Time
	err := sc.Scan(&r.SchoolID, &r.SchoolYearID, &r.PupilID, &r.ClassID, &r.Gen, &r.Stale, &r.RulesetVersion, &r.Grade, &r.Complete, &r.AbsentSessions,
		&r.HK[0].Learning, &r.HK[0].LearningComputed, &r.HK[0].AdjustedFor, &r.HK[0].Conduct,
		&r.HK[1].Learning, &r.HK[1].LearningComputed, &r.HK[1].AdjustedFor, &r.HK[1].Conduct,
		&r.Year.Learning, &r.Year.LearningComputed, &r.Year.AdjustedFor, &r.Year.Conduct, &r.LearningFinal, &r.ConductFinal, &r.RetestSubjects,
		&r.Promotion, &r.Award, &r.SubjectsJSON, &r.MissingJSON, &r.Error, &at)
	if at != nil {
		r.ComputedAt = at.UTC()
	}
	return r, err
}

// ClassResults returns the stored results of the pupils placed in a class.
func (t *Tx) ClassResults(classID int64) ([]sdgdt.PupilResult, error) {
	rows, err := t.query(`SELECT `+resultColumns+` FROM pupil_results WHERE class_id = $1`, classID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.PupilResult
	for rows.Next() {
		r, err := scanResult(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Result returns the stored result of one pupil-year.
func (t *Tx) Result(schoolID, yearID, pupilID int64) (sdgdt.PupilResult, error) {
	r, err := scanResult(t.queryRow(`SELECT `+resultColumns+` FROM pupil_results WHERE school_id = $1 AND school_year_id = $2 AND pupil_id = $3`,
		schoolID, yearID, pupilID))
	return r, notFound(err, "kết quả của học sinh")
}

// uniqueIDs returns ids without repetitions, in ascending order: every
// statement that locks rows of pupil_results takes them in the same order, so
// that concurrent writers on PostgreSQL wait for each other instead of
// deadlocking.
func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// SetNotAssessed records that a pupil is not assessed in a subject.
func (t *Tx) SetNotAssessed(n sdgdt.NotAssessed) error {
	_, err := t.exec(`INSERT INTO not_assessed (school_id, school_year_id, pupil_id, subject, class_id, reason, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (school_id, school_year_id, pupil_id, subject) DO UPDATE SET class_id = excluded.class_id, reason = excluded.reason,
		decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
		n.SchoolID, n.SchoolYearID, n.PupilID, n.Subject, n.ClassID, n.Reason, n.DecidedBy, t.Now)
	return err
}

// DeleteNotAssessed withdraws the decision; it reports whether there was one.
func (t *Tx) DeleteNotAssessed(schoolID, yearID, pupilID int64, subject string) (bool, error) {
	res, err := t.exec(`DELETE FROM not_assessed WHERE school_id = $1 AND school_year_id = $2 AND pupil_id = $3 AND subject = $4`, schoolID, yearID, pupilID, subject)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// NotAssessedOf returns the decisions on some pupils of a school and year.
func (t *Tx) NotAssessedOf(schoolID, yearID int64, pupilIDs []int64) ([]sdgdt.NotAssessed, error) {
	var out []sdgdt.NotAssessed
	err := t.forPupils(`SELECT n.school_id, n.school_year_id, n.pupil_id, n.subject, n.class_id, n.reason, n.decided_by, COALESCE(u.full_name, ''), n.decided_at
			FROM not_assessed n LEFT JOIN users u ON u.id = n.decided_by
			WHERE n.school_id = $1 AND n.school_year_id = $2 AND n.pupil_id IN (?)`, schoolID, yearID, pupilIDs, func(rows *sql.Rows) error {
		var n sdgdt.NotAssessed
		if err := rows.Scan(&n.SchoolID, &n.SchoolYearID, &n.PupilID, &n.Subject, &n.ClassID, &n.Reason, &n.DecidedBy, &n.DeciderName, &n.DecidedAt); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	return out, err
}
