package store

import (
	"database/sql"
	"sdgdt"
)

// SetHomeroomComment stores a pupil's homeroom comment of a term.
func (t *Tx) SetHomeroomComment(c sdgdt.HomeroomComment) error {
	_, err := t.exec(`INSERT INTO homeroom_comments (school_id, school_year_id, pupil_id, term, class_id, comment, changed_by, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (school_id, school_year_id, pupil_id, term) DO UPDATE SET class_id = excluded.class_id, comment = excluded.comment,
		changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
		c.SchoolID, c.SchoolYearID, c.PupilID, c.Term, c.ClassID, c.Comment, c.ChangedBy, t.Now)
	return err
}

// HomeroomComments returns the homeroom comments of some pupils in a school year.
func (t *Tx) HomeroomComments(schoolID, yearID int64, pupilIDs []int64) ([]sdgdt.HomeroomComment, error) {
	var out []sdgdt.HomeroomComment
	err := t.forPupils(`SELECT school_id, school_year_id, pupil_id, term, class_id, comment, changed_by, changed_at FROM homeroom_comments
			WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (?)`, schoolID, yearID, pupilIDs, func(rows *sql.Rows) error {
		var c sdgdt.HomeroomComment
		if err := rows.Scan(&c.SchoolID, &c.SchoolYearID, &c.PupilID, &c.Term, &c.ClassID, &c.Comment, &c.ChangedBy, &c.ChangedAt); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// NoteCells returns the free-text notes of some pupils' marks in a school year
// (the exemption field: "Miễn thực hành …"), which PupilYears leaves out.
func (t *Tx) NoteCells(schoolID, yearID int64, pupilIDs []int64) ([]sdgdt.Cell, error) {
	var out []sdgdt.Cell
	for start := 0; start < len(pupilIDs); start += 500 {
		args := []any{schoolID, yearID}
		in := inList(&args, pupilIDs[start:min(start+500, len(pupilIDs))])
		rows, err := t.query(`SELECT pupil_id, subject, term, field, value, sheet_id, sheet_version FROM marks
			WHERE school_id = $1 AND school_year_id = $2 AND pupil_id IN (`+in+`) AND field = 'exemption' AND value <> ''`, args...)
		if err != nil {
			return nil, err
		}
		cs, err := scanCells(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}
