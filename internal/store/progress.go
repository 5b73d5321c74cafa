package store

import (
	"time"

	"sdgdt"
)

// EntrySchedule returns the school's own due dates of a year.
func (t *Tx) EntrySchedule(schoolID, yearID int64) ([]sdgdt.ScheduleItem, error) {
	rows, err := t.query(`SELECT term, item, due_on FROM entry_schedules WHERE school_id = $1 AND school_year_id = $2 ORDER BY `+sdgdt.TermOrderSQL("term")+`, item`, schoolID, yearID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.ScheduleItem
	for rows.Next() {
		var s sdgdt.ScheduleItem
		var due string
		if err := rows.Scan(&s.Term, &s.Item, &due); err != nil {
			return nil, err
		}
		s.DueOn = day(due)
		out = append(out, s)
	}
	return out, rows.Err()
}

// SetScheduleItem sets one due date of a school's schedule.
func (t *Tx) SetScheduleItem(schoolID, yearID int64, s sdgdt.ScheduleItem) error {
	_, err := t.exec(`INSERT INTO entry_schedules (school_id, school_year_id, term, item, due_on) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (school_id, school_year_id, term, item) DO UPDATE SET due_on = excluded.due_on`,
		schoolID, yearID, s.Term, s.Item, s.DueOn.Format("2006-01-02"))
	return err
}

// ProgressSheets returns every assigned sheet of a school's year with its
// pupils (those not assessed in the subject left out) and its filled cells as
// they stood at asOf, read from the cells' history, so that a
// past month's progress is what it was then.
func (t *Tx) ProgressSheets(schoolID, yearID int64, asOf time.Time) ([]sdgdt.ProgressSheet, error) {
	rows, err := t.query(`SELECT s.id, s.class_id, c.name, c.grade, s.subject, s.term, s.kind, a.teacher_id, u.full_name,
		(SELECT COUNT(*) FROM enrolments e WHERE e.class_id = c.id AND e.status = $3 AND NOT EXISTS (SELECT 1 FROM not_assessed n
			WHERE n.school_id = s.school_id AND n.school_year_id = s.school_year_id AND n.pupil_id = e.pupil_id AND n.subject = s.subject)),
		COALESCE(cs.periods_per_year, 0), COALESCE(cs.assessed_by, '')
		FROM sheets s JOIN classes c ON c.id = s.class_id
		JOIN assignments a ON a.class_id = s.class_id AND a.subject = s.subject AND a.term = s.term
		JOIN users u ON u.id = a.teacher_id
		LEFT JOIN class_subjects cs ON cs.class_id = s.class_id AND cs.subject = s.subject
		WHERE s.school_id = $1 AND s.school_year_id = $2 ORDER BY u.full_name, c.grade, c.name, s.subject, `+sdgdt.TermOrderSQL("s.term"), schoolID, yearID, sdgdt.EnrolStudying)
	if err != nil {
		return nil, err
	}
	var out []sdgdt.ProgressSheet
	index := map[[3]string]int{} // class id, subject, term → position
	for rows.Next() {
		var p sdgdt.ProgressSheet
		var periods int
		if err := rows.Scan(&p.SheetID, &p.ClassID, &p.ClassName, &p.Grade, &p.Subject, &p.Term, &p.Kind, &p.TeacherID, &p.TeacherName, &p.Pupils, &periods, &p.AssessedBy); err != nil {
			rows.Close()
			return nil, err
		}
		p.RegularCount = periods // turned into a count by the caller, who knows the rules
		p.Filled = map[string]int{}
		index[[3]string{itoa(int(p.ClassID)), p.Subject, p.Term}] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The last change of every cell up to asOf, counted per class, subject,
	// term and field when its value is not empty. Up to now, that is the
	// cells as they are: marks holds each cell's last change, without
	// grouping the history to find it.
	q := `SELECT e.class_id, mc.subject, mc.term, mc.field, COUNT(*) FROM mark_changes mc
		JOIN (SELECT MAX(id) AS id FROM mark_changes WHERE school_id = $1 AND school_year_id = $2 AND changed_at <= $3
		      GROUP BY pupil_id, subject, term, field) last ON last.id = mc.id
		JOIN enrolments e ON e.pupil_id = mc.pupil_id AND e.school_year_id = $2 AND e.status = $4
		WHERE mc.value <> '' GROUP BY e.class_id, mc.subject, mc.term, mc.field`
	if !asOf.Before(t.Now) {
		q = `SELECT e.class_id, mc.subject, mc.term, mc.field, COUNT(*) FROM marks mc
		JOIN enrolments e ON e.pupil_id = mc.pupil_id AND e.school_year_id = $2 AND e.status = $4
		WHERE mc.school_id = $1 AND mc.school_year_id = $2 AND mc.changed_at <= $3 AND mc.value <> '' GROUP BY e.class_id, mc.subject, mc.term, mc.field`
	}
	rows, err = t.query(q, schoolID, yearID, asOf.UTC(), sdgdt.EnrolStudying)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var classID int64
		var subject, term, field string
		var n int
		if err := rows.Scan(&classID, &subject, &term, &field, &n); err != nil {
			return nil, err
		}
		if i, ok := index[[3]string{itoa(int(classID)), subject, term}]; ok {
			out[i].Filled[field] = n
		}
	}
	return out, rows.Err()
}

// SaveSnapshots freezes a period's figures; a period already frozen is kept.
func (t *Tx) SaveSnapshots(schoolID int64, snaps []sdgdt.ProgressSnapshot) error {
	for _, s := range snaps {
		if _, err := t.exec(`INSERT INTO progress_snapshots (school_id, period, sheet_id, teacher_id, class_id, subject, term, required, entered, taken_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (school_id, period, sheet_id) DO NOTHING`,
			schoolID, s.Period, s.SheetID, s.TeacherID, s.ClassID, s.Subject, s.Term, s.Required, s.Entered, t.Now); err != nil {
			return err
		}
	}
	return nil
}

// Snapshots returns a period's frozen figures of a school, by sheet.
func (t *Tx) Snapshots(schoolID int64, period string) (map[int64]sdgdt.ProgressSnapshot, error) {
	rows, err := t.query(`SELECT period, sheet_id, teacher_id, class_id, subject, term, required, entered, taken_at FROM progress_snapshots WHERE school_id = $1 AND period = $2`, schoolID, period)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]sdgdt.ProgressSnapshot{}
	for rows.Next() {
		var s sdgdt.ProgressSnapshot
		if err := rows.Scan(&s.Period, &s.SheetID, &s.TeacherID, &s.ClassID, &s.Subject, &s.Term, &s.Required, &s.Entered, &s.TakenAt); err != nil {
			return nil, err
		}
		out[s.SheetID] = s
	}
	return out, rows.Err()
}

// SaveProgressSummary stores a school's counted progress for a period.
func (t *Tx) SaveProgressSummary(s sdgdt.ProgressSummary) error {
	_, err := t.exec(`INSERT INTO progress_summaries (school_id, school_year_id, period, teachers, required, entered, frozen, audit_seq, computed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (school_id, school_year_id, period) DO UPDATE SET teachers = excluded.teachers,
		required = excluded.required, entered = excluded.entered, frozen = excluded.frozen, audit_seq = excluded.audit_seq, computed_at = excluded.computed_at`,
		s.SchoolID, s.SchoolYearID, s.Period, s.Teachers, s.Required, s.Entered, s.Frozen, s.AuditSeq, t.Now)
	return err
}

const summaryColumns = `p.school_id, p.school_year_id, p.period, p.teachers, p.required, p.entered, p.frozen, p.audit_seq, p.computed_at`

// ProgressSummaries returns the counted progress of a period of the schools
// below a unit path, by school.
func (t *Tx) ProgressSummaries(unitPath string, yearID int64, period string) (map[int64]sdgdt.ProgressSummary, error) {
	ss, err := t.progressSummaries(`SELECT `+summaryColumns+` FROM progress_summaries p JOIN schools s ON s.id = p.school_id
		WHERE s.unit_path LIKE $1 AND p.school_year_id = $2 AND p.period = $3`, unitPath+"%", yearID, period)
	out := map[int64]sdgdt.ProgressSummary{}
	for _, s := range ss {
		out[s.SchoolID] = s
	}
	return out, err
}

// SchoolProgressSummaries returns a school's counted progress of a year, by
// period.
func (t *Tx) SchoolProgressSummaries(schoolID, yearID int64) (map[string]sdgdt.ProgressSummary, error) {
	ss, err := t.progressSummaries(`SELECT `+summaryColumns+` FROM progress_summaries p WHERE p.school_id = $1 AND p.school_year_id = $2`, schoolID, yearID)
	out := map[string]sdgdt.ProgressSummary{}
	for _, s := range ss {
		out[s.Period] = s
	}
	return out, err
}

func (t *Tx) progressSummaries(q string, args ...any) ([]sdgdt.ProgressSummary, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.ProgressSummary
	for rows.Next() {
		var s sdgdt.ProgressSummary
		if err := rows.Scan(&s.SchoolID, &s.SchoolYearID, &s.Period, &s.Teachers, &s.Required, &s.Entered, &s.Frozen, &s.AuditSeq, &s.ComputedAt); err != nil {
			return nil, err
		}
		s.ComputedAt = s.ComputedAt.UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}
