package store

import (
	"database/sql"
	"time"

	"sdgdt"
)

// CreateCorrection records a request with its cells.
func (t *Tx) CreateCorrection(c *sdgdt.Correction) error {
	c.RequestedAt = t.Now
	var err error
	c.ID, err = t.insert(`INSERT INTO corrections (school_id, school_year_id, sheet_id, class_id, term, status, reason, requested_by, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.SchoolID, c.SchoolYearID, c.SheetID, c.ClassID, homeroomTerm(c), c.Status, c.Reason, c.RequestedBy, c.RequestedAt)
	if err != nil {
		return err
	}
	for _, cell := range c.Cells {
		if _, err := t.exec(`INSERT INTO correction_cells (correction_id, pupil_id, field, old_value, new_value) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, cell.PupilID, cell.Field, cell.OldValue, cell.NewValue); err != nil {
			return err
		}
	}
	return nil
}

// UpdateCorrection writes a correction's state.
func (t *Tx) UpdateCorrection(c *sdgdt.Correction) error {
	ts := func(v time.Time) any {
		if v.IsZero() {
			return nil
		}
		return v.UTC()
	}
	_, err := t.exec(`UPDATE corrections SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4, board_witness = $5, board_witness_at = $6,
		homeroom_witness = $7, homeroom_witness_at = $8, applied_at = $9 WHERE id = $10`,
		c.Status, nullInt(c.DecidedBy), ts(c.DecidedAt), c.DecisionNote, nullInt(c.BoardWitness), ts(c.BoardWitnessAt),
		nullInt(c.HomeroomWitness), ts(c.HomeroomWitnessAt), ts(c.AppliedAt), c.ID)
	return err
}

// homeroomTerm is the term stored with a correction of homeroom data (no
// sheet); a sheet's correction takes its sheet's term.
func homeroomTerm(c *sdgdt.Correction) string {
	if c.SheetID != 0 {
		return ""
	}
	return c.Term
}

const correctionQuery = `SELECT k.id, k.school_id, k.school_year_id, k.sheet_id, k.class_id, c.name, COALESCE(s.subject, ''), COALESCE(s.term, k.term), k.status, k.reason,
	k.requested_by, ru.full_name, k.requested_at, COALESCE(k.decided_by, 0), COALESCE(du.full_name, ''), k.decided_at, k.decision_note,
	COALESCE(k.board_witness, 0), COALESCE(bu.full_name, ''), k.board_witness_at, COALESCE(k.homeroom_witness, 0), COALESCE(hu.full_name, ''),
	k.homeroom_witness_at, k.applied_at
	FROM corrections k JOIN classes c ON c.id = k.class_id LEFT JOIN sheets s ON s.id = k.sheet_id JOIN users ru ON ru.id = k.requested_by
	LEFT JOIN users du ON du.id = k.decided_by LEFT JOIN users bu ON bu.id = k.board_witness LEFT JOIN users hu ON hu.id = k.homeroom_witness`

func (t *Tx) corrections(where string, args ...any) ([]sdgdt.Correction, error) {
	rows, err := t.query(correctionQuery+" WHERE "+where+" ORDER BY k.id DESC", args...)
	if err != nil {
		return nil, err
	}
	var out []sdgdt.Correction
	for rows.Next() {
		var c sdgdt.Correction
		var decided, board, homeroom, applied sql.NullTime
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.SchoolYearID, &c.SheetID, &c.ClassID, &c.ClassName, &c.Subject, &c.Term, &c.Status, &c.Reason,
			&c.RequestedBy, &c.RequesterName, &c.RequestedAt, &c.DecidedBy, &c.DeciderName, &decided, &c.DecisionNote,
			&c.BoardWitness, &c.BoardWitnessName, &board, &c.HomeroomWitness, &c.HomeroomName, &homeroom, &applied); err != nil {
			rows.Close()
			return nil, err
		}
		c.DecidedAt, c.BoardWitnessAt, c.HomeroomWitnessAt, c.AppliedAt = decided.Time, board.Time, homeroom.Time, applied.Time
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		cr, err := t.query(`SELECT k.pupil_id, p.family_name || ' ' || p.middle_name || ' ' || p.given_name, k.field, k.old_value, k.new_value
			FROM correction_cells k JOIN pupils p ON p.id = k.pupil_id WHERE k.correction_id = $1 ORDER BY p.given_name, k.field`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for cr.Next() {
			var c sdgdt.CorrectionCell
			if err := cr.Scan(&c.PupilID, &c.PupilName, &c.Field, &c.OldValue, &c.NewValue); err != nil {
				cr.Close()
				return nil, err
			}
			out[i].Cells = append(out[i].Cells, c)
		}
		cr.Close()
		if err := cr.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Correction returns one correction with its cells.
func (t *Tx) Correction(id int64) (sdgdt.Correction, error) {
	cs, err := t.corrections(`k.id = $1`, id)
	if err == nil && len(cs) == 0 {
		err = &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy đề nghị điều chỉnh."}
	}
	if err != nil {
		return sdgdt.Correction{}, err
	}
	return cs[0], nil
}

// LockCorrection takes a correction's row lock on PostgreSQL, so that two
// witnesses confirming at once are recorded one after the other (SQLite has
// one writer).
func (t *Tx) LockCorrection(id int64) error {
	if t.d != Postgres {
		return nil
	}
	var v int64
	err := t.queryRow(`SELECT id FROM corrections WHERE id = $1 FOR UPDATE`, id).Scan(&v)
	return notFound(err, "đề nghị điều chỉnh")
}

// CorrectionsOf returns a school's corrections, newest first.
func (t *Tx) CorrectionsOf(schoolID int64) ([]sdgdt.Correction, error) {
	return t.corrections(`k.school_id = $1`, schoolID)
}
