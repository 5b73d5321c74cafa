package store

import (
	"database/sql"

	"sdgdt"
)

const incidentQuery = `SELECT i.id, i.school_id, i.kind, COALESCE(i.class_id, 0), COALESCE(c.name, ''), COALESCE(i.sheet_id, 0), COALESCE(sh.subject, ''), COALESCE(sh.term, ''),
	i.body, i.status, i.reported_by, u.full_name, i.reported_at, i.answer, COALESCE(i.answered_by, 0), COALESCE(a.full_name, ''), i.answered_at
	FROM incidents i JOIN users u ON u.id = i.reported_by LEFT JOIN users a ON a.id = i.answered_by
	LEFT JOIN classes c ON c.id = i.class_id LEFT JOIN sheets sh ON sh.id = i.sheet_id`

func scanIncident(sc interface{ Scan(...any) error }) (sdgdt.Incident, error) {
	var in sdgdt.Incident
	var answered sql.NullTime
	err := sc.Scan(&in.ID, &in.SchoolID, &in.Kind, &in.ClassID, &in.ClassName, &in.SheetID, &in.Subject, &in.Term,
		&in.Body, &in.Status, &in.ReportedBy, &in.Reporter, &in.ReportedAt, &in.Answer, &in.AnsweredBy, &in.Answerer, &answered)
	in.AnsweredAt = answered.Time
	return in, err
}

// CreateIncident records a report.
func (t *Tx) CreateIncident(in *sdgdt.Incident) error {
	in.ReportedAt = t.Now
	id, err := t.insert(`INSERT INTO incidents (school_id, kind, class_id, sheet_id, body, status, reported_by, reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		in.SchoolID, in.Kind, nullInt(in.ClassID), nullInt(in.SheetID), in.Body, in.Status, in.ReportedBy, in.ReportedAt)
	in.ID = id
	return err
}

// Incident returns one report.
func (t *Tx) Incident(id int64) (sdgdt.Incident, error) {
	in, err := scanIncident(t.queryRow(incidentQuery+` WHERE i.id = $1`, id))
	return in, notFound(err, "báo cáo")
}

// IncidentsOf returns a school's reports, open ones first, newest first; with
// reporter, only his own.
func (t *Tx) IncidentsOf(schoolID, reporter int64) ([]sdgdt.Incident, error) {
	q, args := incidentQuery+` WHERE i.school_id = $1`, []any{schoolID}
	if reporter != 0 {
		q, args = q+` AND i.reported_by = $2`, append(args, reporter)
	}
	rows, err := t.query(q+` ORDER BY CASE i.status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END, i.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Incident
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// AnswerIncident records the board's answer and the report's new state.
func (t *Tx) AnswerIncident(id int64, answer, status string, by int64) error {
	_, err := t.exec(`UPDATE incidents SET answer = $1, status = $2, answered_by = $3, answered_at = $4 WHERE id = $5`, answer, status, by, t.Now, id)
	return err
}
