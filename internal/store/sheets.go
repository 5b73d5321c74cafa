package store

import (
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"sdgdt"
)

const sheetColumns = `id, school_id, school_year_id, class_id, subject, term, kind, version, updated_at`

func scanSheet(sc interface{ Scan(...any) error }) (sdgdt.Sheet, error) {
	var s sdgdt.Sheet
	err := sc.Scan(&s.ID, &s.SchoolID, &s.SchoolYearID, &s.ClassID, &s.Subject, &s.Term, &s.Kind, &s.Version, &s.UpdatedAt)
	return s, err
}

// EnsureSheet returns the sheet of a class × subject × term, creating it when
// it does not exist yet.
func (t *Tx) EnsureSheet(c sdgdt.Class, subject, term string) (sdgdt.Sheet, error) {
	if _, err := t.exec(`INSERT INTO sheets (school_id, school_year_id, class_id, subject, term, kind, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7) ON CONFLICT (class_id, subject, term) DO NOTHING`,
		c.SchoolID, c.SchoolYearID, c.ID, subject, term, sdgdt.SheetKindOf(c.Ruleset), t.Now); err != nil {
		return sdgdt.Sheet{}, err
	}
	return t.SheetFor(c.ID, subject, term)
}

// Sheet returns one sheet.
func (t *Tx) Sheet(id int64) (sdgdt.Sheet, error) {
	s, err := scanSheet(t.queryRow(`SELECT `+sheetColumns+` FROM sheets WHERE id = $1`, id))
	return s, notFound(err, "bảng điểm")
}

// SheetFor returns the sheet of a class × subject × term.
func (t *Tx) SheetFor(classID int64, subject, term string) (sdgdt.Sheet, error) {
	s, err := scanSheet(t.queryRow(`SELECT `+sheetColumns+` FROM sheets WHERE class_id = $1 AND subject = $2 AND term = $3`, classID, subject, term))
	return s, notFound(err, "bảng điểm")
}

// LockSheet takes the sheet's row lock until the transaction ends, so that the
// version check and the write that follow see the last committed version: on
// PostgreSQL (READ COMMITTED) two saves of the same sheet then queue instead of
// both passing the check with the same stale version. On SQLite the single
// writer already serialises every write transaction.
func (t *Tx) LockSheet(id int64) error {
	if t.d != Postgres {
		return nil
	}
	var v int64
	err := t.queryRow(`SELECT version FROM sheets WHERE id = $1 FOR UPDATE`, id).Scan(&v)
	return notFound(err, "bảng điểm")
}

// BumpSheet increments a sheet's version and returns the new one.
func (t *Tx) BumpSheet(id int64) (int64, error) {
	var v int64
	err := t.queryRow(`UPDATE sheets SET version = version + 1, updated_at = $2 WHERE id = $1 RETURNING version`, id, t.Now).Scan(&v)
	return v, notFound(err, "bảng điểm")
}

// TeacherSheets returns a teacher's assignments of the current school year with
// their sheets (SheetID 0 where none exists yet).
func (t *Tx) TeacherSheets(teacherID int64) ([]sdgdt.TeacherSheet, error) {
	rows, err := t.query(`SELECT a.id, a.school_id, a.class_id, a.subject, a.term, a.teacher_id, c.name, c.grade, c.ruleset, c.school_year_id, y.name, u.full_name,
			COALESCE(sh.id, 0), COALESCE(cs.assessed_by, ''), COALESCE(cs.periods_per_year, 0)
		FROM assignments a JOIN classes c ON c.id = a.class_id JOIN school_years y ON y.id = c.school_year_id JOIN users u ON u.id = a.teacher_id
		LEFT JOIN sheets sh ON sh.class_id = a.class_id AND sh.subject = a.subject AND sh.term = a.term
		LEFT JOIN class_subjects cs ON cs.class_id = a.class_id AND cs.subject = a.subject
		WHERE a.teacher_id = $1 AND y.is_current = $2
		ORDER BY c.grade, c.name, COALESCE(cs.position, 999), a.subject, `+sdgdt.TermOrderSQL("a.term")+`, a.term`, teacherID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.TeacherSheet
	for rows.Next() {
		var a sdgdt.TeacherSheet
		if err := rows.Scan(&a.ID, &a.SchoolID, &a.ClassID, &a.Subject, &a.Term, &a.TeacherID, &a.ClassName, &a.Grade, &a.Ruleset, &a.SchoolYearID, &a.SchoolYear,
			&a.TeacherName, &a.SheetID, &a.AssessedBy, &a.PeriodsPerYear); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ClassSubject returns one subject of a class's curriculum.
func (t *Tx) ClassSubject(classID int64, subject string) (sdgdt.ClassSubject, error) {
	var cs sdgdt.ClassSubject
	err := t.queryRow(`SELECT class_id, school_id, subject, periods_per_year, assessed_by, position FROM class_subjects WHERE class_id = $1 AND subject = $2`,
		classID, subject).Scan(&cs.ClassID, &cs.SchoolID, &cs.Subject, &cs.PeriodsPerYear, &cs.AssessedBy, &cs.Position)
	return cs, notFound(err, "môn học trong chương trình của lớp")
}

// StudyingPupils returns the ids of the pupils studying in a class now.
func (t *Tx) StudyingPupils(classID int64) ([]int64, error) {
	rows, err := t.query(`SELECT pupil_id FROM enrolments WHERE class_id = $1 AND status = $2`, classID, sdgdt.EnrolStudying)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ClassCells returns the cells of the pupils studying in a class for a subject
// and the given terms, in one query.
func (t *Tx) ClassCells(s sdgdt.Sheet, terms ...string) ([]sdgdt.Cell, error) {
	args := []any{s.SchoolID, s.SchoolYearID, s.Subject, s.ClassID, sdgdt.EnrolStudying}
	ph := make([]string, len(terms))
	for i, term := range terms {
		args = append(args, term)
		ph[i] = "$" + itoa(len(args))
	}
	rows, err := t.query(t.classMarks(`m.subject = $3 AND m.term IN (`+strings.Join(ph, ",")+`)`), args...)
	if err != nil {
		return nil, err
	}
	return scanCells(rows)
}

// classMarks returns the query of the cells, matching cond, of the pupils
// studying in a class: $1 is the school, $2 the school year, $4 the class, $5
// the enrolment status. PostgreSQL reads the class's pupils first and then
// each pupil's cells by the primary key (a lateral subquery, OFFSET 0 so it
// is not flattened): written as "pupil_id IN (subquery)", its planner, with
// statistics older than the marks (the first days of a term, after a bulk
// load), scanned every cell of the school for the subject instead — 50-300 ms
// a save where this takes under a millisecond. SQLite plans the IN well.
func (t *Tx) classMarks(cond string) string {
	const cols = `SELECT m.pupil_id, m.subject, m.term, m.field, m.value, m.sheet_id, m.sheet_version`
	if t.d == Postgres {
		return cols + ` FROM enrolments e CROSS JOIN LATERAL (SELECT * FROM marks m
			WHERE m.school_id = $1 AND m.school_year_id = $2 AND m.pupil_id = e.pupil_id AND ` + cond + ` OFFSET 0) m
			WHERE e.class_id = $4 AND e.status = $5`
	}
	return cols + ` FROM marks m WHERE m.school_id = $1 AND m.school_year_id = $2 AND ` + cond + `
		AND m.pupil_id IN (SELECT e.pupil_id FROM enrolments e WHERE e.class_id = $4 AND e.status = $5)`
}

func scanCells(rows *sql.Rows) ([]sdgdt.Cell, error) {
	defer rows.Close()
	var out []sdgdt.Cell
	for rows.Next() {
		var c sdgdt.Cell
		if err := rows.Scan(&c.PupilID, &c.Subject, &c.Term, &c.Field, &c.Value, &c.SheetID, &c.SheetVersion); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PupilMarks returns the marks of some pupils in a school year (their cells
// but comments, exemptions and empty ones), each pupil's in one slice. The
// database joins a pupil's cells into one text (joinedCells), so that a
// pupil is one row to decode rather than a hundred, and the cells' strings
// are parts of it. On PostgreSQL each pupil's cells are read by the primary
// key, whatever the planner's statistics say (see classMarks): with the IN
// list it scanned the school's year when the year was newer than its
// statistics.
func (t *Tx) PupilMarks(schoolID, yearID int64, pupilIDs []int64) (map[int64][]sdgdt.Cell, error) {
	const cond = ` AND m.field <> 'comment' AND m.field <> 'exemption' AND m.value <> ''`
	out := make(map[int64][]sdgdt.Cell, len(pupilIDs))
	for start := 0; start < len(pupilIDs); start += 500 {
		part := pupilIDs[start:min(start+500, len(pupilIDs))]
		args := []any{schoolID, yearID}
		q := `SELECT m.pupil_id, group_concat(m.subject || char(31) || m.term || char(31) || m.field || char(31) ||
				length(CAST(m.value AS BLOB)) || char(31) || m.value, '') FROM marks m
			WHERE m.school_id = $1 AND m.school_year_id = $2 AND m.pupil_id IN (` + inList(&args, part) + `)` + cond + ` GROUP BY m.pupil_id`
		if t.d == Postgres {
			args = []any{schoolID, yearID, part}
			q = `SELECT p.id, m.cells FROM unnest($3::bigint[]) AS p(id) CROSS JOIN LATERAL (
				SELECT string_agg(m.subject || chr(31) || m.term || chr(31) || m.field || chr(31) ||
					octet_length(m.value)::text || chr(31) || m.value, '') AS cells
				FROM marks m WHERE m.school_id = $1 AND m.school_year_id = $2 AND m.pupil_id = p.id` + cond + `) m
				WHERE m.cells IS NOT NULL`
		}
		rows, err := t.query(q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var joined string
			if err := rows.Scan(&id, &joined); err != nil {
				rows.Close()
				return nil, err
			}
			if out[id], err = joinedCells(id, joined); err != nil {
				rows.Close()
				return nil, err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// joinedCells splits a pupil's cells as PupilMarks' query joins them: for
// each cell its subject, term, field, the length of its value in bytes and
// the value, the first four each followed by the unit separator (0x1F). The
// value is taken by its length, so that nothing it holds can split it.
func joinedCells(pupilID int64, s string) ([]sdgdt.Cell, error) {
	out := make([]sdgdt.Cell, 0, strings.Count(s, "\x1f")/4)
	for s != "" {
		var f [4]string // subject, term, field, length of the value
		for k := range f {
			i := strings.IndexByte(s, 0x1f)
			if i < 0 {
				return nil, fmt.Errorf("marks of pupil %d: a cell joined wrongly", pupilID)
			}
			f[k], s = s[:i], s[i+1:]
		}
		n, err := strconv.Atoi(f[3])
		if err != nil || n < 0 || n > len(s) {
			return nil, fmt.Errorf("marks of pupil %d: a cell joined wrongly", pupilID)
		}
		out = append(out, sdgdt.Cell{PupilID: pupilID, Subject: f[0], Term: f[1], Field: f[2], Value: s[:n]})
		s = s[n:]
	}
	return out, nil
}

// WriteCells stores new values of cells of a sheet at a version, and appends
// each change to the cells' history, with multi-row statements.
func (t *Tx) WriteCells(s sdgdt.Sheet, version int64, cells []sdgdt.CellWrite, m sdgdt.WriteMeta) error {
	cells = append([]sdgdt.CellWrite(nil), cells...)
	sort.Slice(cells, func(i, j int) bool { // key order, like pupil_results (uniqueIDs): no deadlocks
		if cells[i].PupilID != cells[j].PupilID {
			return cells[i].PupilID < cells[j].PupilID
		}
		return cells[i].Field < cells[j].Field
	})
	const chunk = 400
	for start := 0; start < len(cells); start += chunk {
		part := cells[start:min(start+chunk, len(cells))]
		var b strings.Builder
		args := make([]any, 0, len(part)*11)
		b.WriteString(`INSERT INTO marks (school_id, school_year_id, pupil_id, subject, term, field, value, sheet_id, sheet_version, changed_by, changed_at) VALUES `)
		for i, c := range part {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(t.placeholders(len(args), 11))
			args = append(args, s.SchoolID, s.SchoolYearID, c.PupilID, s.Subject, s.Term, c.Field, c.Value, s.ID, version, m.By, t.Now)
		}
		b.WriteString(` ON CONFLICT (school_id, school_year_id, pupil_id, subject, term, field) DO UPDATE SET value = excluded.value,
			sheet_id = excluded.sheet_id, sheet_version = excluded.sheet_version, changed_by = excluded.changed_by, changed_at = excluded.changed_at`)
		if _, err := t.exec(b.String(), args...); err != nil {
			return err
		}
		b.Reset()
		args = args[:0]
		b.WriteString(`INSERT INTO mark_changes (school_id, school_year_id, sheet_id, sheet_version, pupil_id, subject, term, field, previous, value,
			changed_by, changed_at, via, reason, correction_id, request_id) VALUES `)
		for i, c := range part {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(t.placeholders(len(args), 16))
			args = append(args, s.SchoolID, s.SchoolYearID, s.ID, version, c.PupilID, s.Subject, s.Term, c.Field, c.Previous, c.Value,
				m.By, t.Now, m.Via, m.Reason, nullInt(m.CorrectionID), m.RequestID)
		}
		if _, err := t.exec(b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// placeholders returns "($n+1, ..., $n+k)" for a multi-row statement. On
// SQLite it writes anonymous "?" instead: binding thousands of numbered
// parameters is quadratic there (each name is looked up in a list), and a
// statement built only of "?" numbers them in order just the same.
func (t *Tx) placeholders(n, k int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := 1; i <= k; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		if t.d == SQLite {
			b.WriteByte('?')
			continue
		}
		b.WriteByte('$')
		b.WriteString(itoa(n + i))
	}
	b.WriteByte(')')
	return b.String()
}

// CellHistory returns every change of a pupil's cell, oldest first, whatever
// sheet (class) it was made through.
func (t *Tx) CellHistory(schoolID, yearID, pupilID int64, subject, term, field string) ([]sdgdt.MarkChange, error) {
	rows, err := t.query(`SELECT h.id, h.sheet_id, h.sheet_version, h.pupil_id, h.subject, h.term, h.field, h.previous, h.value, h.changed_by,
			COALESCE(u.full_name, ''), h.changed_at, h.via, h.reason, COALESCE(h.correction_id, 0), h.request_id
		FROM mark_changes h LEFT JOIN users u ON u.id = h.changed_by
		WHERE h.school_id = $1 AND h.pupil_id = $2 AND h.subject = $3 AND h.term = $4 AND h.field = $5 AND h.school_year_id = $6
		ORDER BY h.id`, schoolID, pupilID, subject, term, field, yearID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.MarkChange
	for rows.Next() {
		var c sdgdt.MarkChange
		if err := rows.Scan(&c.ID, &c.SheetID, &c.SheetVersion, &c.PupilID, &c.Subject, &c.Term, &c.Field, &c.Previous, &c.Value, &c.ChangedBy,
			&c.ChangedByName, &c.ChangedAt, &c.Via, &c.Reason, &c.CorrectionID, &c.RequestID); err != nil {
			return nil, err
		}
		c.ChangedAt = c.ChangedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// PupilNames returns the full names of pupils, by id.
func (t *Tx) PupilNames(ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		args := make([]any, 0, end-start)
		ph := make([]string, 0, end-start)
		for _, id := range ids[start:end] {
			args = append(args, id)
			ph = append(ph, "$"+itoa(len(args)))
		}
		rows, err := t.query(`SELECT id, family_name, middle_name, given_name FROM pupils WHERE id IN (`+strings.Join(ph, ",")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p sdgdt.Pupil
			if err := rows.Scan(&p.ID, &p.FamilyName, &p.MiddleName, &p.GivenName); err != nil {
				rows.Close()
				return nil, err
			}
			out[p.ID] = p.FullName()
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
