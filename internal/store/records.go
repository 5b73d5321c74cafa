package store

import (
	"database/sql"
	"time"

	"sdgdt"
)

// AddAbsence records an absence; an active one for the same pupil and session
// is replaced (cancelled, kept as history) and returned as previous.
func (t *Tx) AddAbsence(a *sdgdt.Absence, by int64) (previous *sdgdt.Absence, err error) {
	old, err := t.activeAbsence(a.PupilID, a.On, a.Session)
	if err != nil {
		return nil, err
	}
	if old != nil {
		if err := t.CancelAbsence(old.ID, by); err != nil {
			return nil, err
		}
	}
	a.RecordedAt = t.Now
	a.ID, err = t.insert(`INSERT INTO absences (school_id, class_id, pupil_id, on_date, session, excused, reason, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, a.SchoolID, a.ClassID, a.PupilID, a.On.Format("2006-01-02"), a.Session, a.Excused, a.Reason, a.RecordedBy, a.RecordedAt)
	return old, err
}

func (t *Tx) activeAbsence(pupilID int64, on time.Time, session string) (*sdgdt.Absence, error) {
	rows, err := t.query(`SELECT id, school_id, class_id, pupil_id, on_date, session, excused, reason, recorded_by, recorded_at FROM absences
		WHERE pupil_id = $1 AND on_date = $2 AND session = $3 AND cancelled_at IS NULL`, pupilID, on.Format("2006-01-02"), session)
	if err != nil {
		return nil, err
	}
	as, err := scanAbsences(rows)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	return &as[0], nil
}

// CancelAbsence marks an absence entry cancelled; the row stays.
func (t *Tx) CancelAbsence(id, by int64) error {
	_, err := t.exec(`UPDATE absences SET cancelled_by = $1, cancelled_at = $2 WHERE id = $3 AND cancelled_at IS NULL`, by, t.Now, id)
	return err
}

// Absence returns one active absence entry.
func (t *Tx) Absence(id int64) (sdgdt.Absence, error) {
	rows, err := t.query(`SELECT id, school_id, class_id, pupil_id, on_date, session, excused, reason, recorded_by, recorded_at FROM absences WHERE id = $1 AND cancelled_at IS NULL`, id)
	if err != nil {
		return sdgdt.Absence{}, err
	}
	as, err := scanAbsences(rows)
	if err == nil && len(as) == 0 {
		err = &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy buổi vắng này."}
	}
	if err != nil {
		return sdgdt.Absence{}, err
	}
	return as[0], nil
}

// ClassAbsences returns the active absences of a class between two days (inclusive).
func (t *Tx) ClassAbsences(classID int64, from, to time.Time) ([]sdgdt.Absence, error) {
	rows, err := t.query(`SELECT id, school_id, class_id, pupil_id, on_date, session, excused, reason, recorded_by, recorded_at FROM absences
		WHERE class_id = $1 AND on_date >= $2 AND on_date <= $3 AND cancelled_at IS NULL ORDER BY on_date, session`, classID, from.Format("2006-01-02"), to.Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	return scanAbsences(rows)
}

func scanAbsences(rows *sql.Rows) ([]sdgdt.Absence, error) {
	defer rows.Close()
	var out []sdgdt.Absence
	for rows.Next() {
		var a sdgdt.Absence
		var on string
		if err := rows.Scan(&a.ID, &a.SchoolID, &a.ClassID, &a.PupilID, &on, &a.Session, &a.Excused, &a.Reason, &a.RecordedBy, &a.RecordedAt); err != nil {
			return nil, err
		}
		a.On = day(on)
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetAbsenceTotal records a month's totals for a pupil, replacing earlier totals.
func (t *Tx) SetAbsenceTotal(schoolID int64, a sdgdt.AbsenceTotal, by int64) error {
	_, err := t.exec(`INSERT INTO absence_totals (school_id, class_id, pupil_id, month, excused, unexcused, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (school_id, class_id, pupil_id, month) DO UPDATE SET excused = excluded.excused, unexcused = excluded.unexcused, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
		schoolID, a.ClassID, a.PupilID, a.Month, a.Excused, a.Unexcused, by, t.Now)
	return err
}

// YearAbsences sums, per pupil, the absences of a school year: daily entries
// plus monthly totals (a month with totals counts its totals instead of its
// daily entries, so nothing is counted twice).
func (t *Tx) YearAbsences(schoolID, yearID int64, pupilIDs []int64) (map[int64]sdgdt.AbsenceCount, error) {
	out := map[int64]sdgdt.AbsenceCount{}
	want := map[int64]bool{}
	for _, id := range pupilIDs {
		want[id] = true
	}
	totalMonths := map[int64]map[string]bool{}
	rows, err := t.query(`SELECT t.pupil_id, t.month, t.excused, t.unexcused FROM absence_totals t JOIN classes c ON c.id = t.class_id
		WHERE t.school_id = $1 AND c.school_year_id = $2`, schoolID, yearID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var pid int64
		var month string
		var e, u int
		if err := rows.Scan(&pid, &month, &e, &u); err != nil {
			rows.Close()
			return nil, err
		}
		if len(want) > 0 && !want[pid] {
			continue
		}
		c := out[pid]
		c.Excused += e
		c.Unexcused += u
		out[pid] = c
		if totalMonths[pid] == nil {
			totalMonths[pid] = map[string]bool{}
		}
		totalMonths[pid][month] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = t.query(`SELECT a.pupil_id, a.on_date, a.excused FROM absences a JOIN classes c ON c.id = a.class_id
		WHERE a.school_id = $1 AND c.school_year_id = $2 AND a.cancelled_at IS NULL`, schoolID, yearID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var on string
		var excused bool
		if err := rows.Scan(&pid, &on, &excused); err != nil {
			return nil, err
		}
		if (len(want) > 0 && !want[pid]) || totalMonths[pid][on[:7]] {
			continue
		}
		c := out[pid]
		if excused {
			c.Excused++
		} else {
			c.Unexcused++
		}
		out[pid] = c
	}
	return out, rows.Err()
}

// AddMovement records a movement.
func (t *Tx) AddMovement(m *sdgdt.Movement) error {
	m.RequestedAt = t.Now
	var err error
	m.ID, err = t.insert(`INSERT INTO movements (school_id, pupil_id, kind, on_date, from_class_id, to_class_id, to_school_id, other_school, reason, status, requested_by, requested_at, snapshot_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		m.SchoolID, m.PupilID, m.Kind, m.On.Format("2006-01-02"), nullInt(m.FromClassID), nullInt(m.ToClassID), nullInt(m.ToSchoolID), m.OtherSchool, m.Reason, m.Status, m.RequestedBy, m.RequestedAt, m.Snapshot)
	if err != nil {
		return err
	}
	// Movements are counted in the figures of their classes (statistics.go).
	if err := t.touchClass(m.FromClassID); err != nil {
		return err
	}
	return t.touchClass(m.ToClassID)
}

// DecideMovement records the destination's answer to a transfer request.
func (t *Tx) DecideMovement(id int64, status string, by, toClassID int64) error {
	var from int64
	err := t.queryRow(`UPDATE movements SET status = $1, decided_by = $2, decided_at = $3, to_class_id = $4 WHERE id = $5 RETURNING COALESCE(from_class_id, 0)`,
		status, by, t.Now, nullInt(toClassID), id).Scan(&from)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	return t.touchClass(from) // a transfer out counts once accepted
}

const movementQuery = `SELECT m.id, m.school_id, m.pupil_id, p.family_name || ' ' || p.middle_name || ' ' || p.given_name, m.kind, m.on_date,
	COALESCE(m.from_class_id, 0), COALESCE(fc.name, ''), COALESCE(m.to_class_id, 0), COALESCE(tc.name, ''), COALESCE(m.to_school_id, 0), COALESCE(ts.name, ''),
	m.other_school, m.reason, m.status, m.requested_by, m.requested_at, COALESCE(m.decided_by, 0), m.decided_at, m.snapshot_json
	FROM movements m JOIN pupils p ON p.id = m.pupil_id
	LEFT JOIN classes fc ON fc.id = m.from_class_id LEFT JOIN classes tc ON tc.id = m.to_class_id LEFT JOIN schools ts ON ts.id = m.to_school_id`

func (t *Tx) movements(where string, limit int, args ...any) ([]sdgdt.Movement, error) {
	rows, err := t.query(movementQuery+" WHERE "+where+" ORDER BY m.on_date DESC, m.id DESC LIMIT "+itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Movement
	for rows.Next() {
		var m sdgdt.Movement
		var on string
		var decided sql.NullTime
		if err := rows.Scan(&m.ID, &m.SchoolID, &m.PupilID, &m.PupilName, &m.Kind, &on, &m.FromClassID, &m.FromClass, &m.ToClassID, &m.ToClass,
			&m.ToSchoolID, &m.ToSchool, &m.OtherSchool, &m.Reason, &m.Status, &m.RequestedBy, &m.RequestedAt, &m.DecidedBy, &decided, &m.Snapshot); err != nil {
			return nil, err
		}
		m.On, m.DecidedAt = day(on), decided.Time
		out = append(out, m)
	}
	return out, rows.Err()
}

// Movement returns one movement.
func (t *Tx) Movement(id int64) (sdgdt.Movement, error) {
	ms, err := t.movements(`m.id = $1`, 1, id)
	if err == nil && len(ms) == 0 {
		err = &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy biến động này."}
	}
	if err != nil {
		return sdgdt.Movement{}, err
	}
	return ms[0], nil
}

// ClassMovements returns the movements touching a class between two days.
func (t *Tx) ClassMovements(classID int64, from, to time.Time) ([]sdgdt.Movement, error) {
	return t.movements(`(m.from_class_id = $1 OR m.to_class_id = $1) AND m.on_date >= $2 AND m.on_date <= $3`, 1000, classID, from.Format("2006-01-02"), to.Format("2006-01-02"))
}

// SchoolMovements returns a school's movements, newest first, and the transfer
// requests addressed to it.
func (t *Tx) SchoolMovements(schoolID int64, limit int) ([]sdgdt.Movement, error) {
	return t.movements(`(m.school_id = $1 OR m.to_school_id = $1)`, limit, schoolID)
}

// PendingTransfersTo returns the transfer requests waiting for a school's answer.
func (t *Tx) PendingTransfersTo(schoolID int64) ([]sdgdt.Movement, error) {
	return t.movements(`m.to_school_id = $1 AND m.status = $2`, 1000, schoolID, "requested")
}

// Confirm records the confirmation of a class's month.
func (t *Tx) Confirm(schoolID int64, c sdgdt.Confirmation) error {
	_, err := t.exec(`INSERT INTO monthly_confirmations (class_id, month, school_id, confirmed_by, confirmed_at, note) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ClassID, c.Month, schoolID, c.ConfirmedBy, t.Now, c.Note)
	if isUniqueViolation(err) {
		return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Tháng này đã được xác nhận."}
	}
	return err
}

// Confirmations returns the confirmed months of a class.
func (t *Tx) Confirmations(classID int64) ([]sdgdt.Confirmation, error) {
	rows, err := t.query(`SELECT m.class_id, m.month, m.confirmed_by, u.full_name, m.confirmed_at, m.note FROM monthly_confirmations m
		JOIN users u ON u.id = m.confirmed_by WHERE m.class_id = $1 ORDER BY m.month`, classID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Confirmation
	for rows.Next() {
		var c sdgdt.Confirmation
		if err := rows.Scan(&c.ClassID, &c.Month, &c.ConfirmedBy, &c.ByName, &c.At, &c.Note); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PupilMovements returns a pupil's movements, newest first.
func (t *Tx) PupilMovements(pupilID int64) ([]sdgdt.Movement, error) {
	return t.movements(`m.pupil_id = $1`, 100, pupilID)
}
