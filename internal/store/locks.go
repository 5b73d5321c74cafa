package store

import (
	"database/sql"
	"strings"

	"sdgdt"
)

// CreateLock records a lock.
func (t *Tx) CreateLock(l *sdgdt.Lock) error {
	l.SetAt = t.Now
	var until any
	if !l.Until.IsZero() {
		until = l.Until.UTC()
	}
	var err error
	l.ID, err = t.insert(`INSERT INTO locks (unit_path, school_id, school_year_id, term, grade, class_id, sheet_id, from_at, until_at, reason, source, set_by, requested_by, set_at, field)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		l.UnitPath, nullInt(l.SchoolID), nullInt(l.SchoolYearID), l.Term, l.Grade, nullInt(l.ClassID), nullInt(l.SheetID), l.From.UTC(), until,
		l.Reason, l.Source, l.SetBy, nullInt(l.RequestedBy), l.SetAt, l.Field)
	return err
}

// LiftLock records that a lock was lifted.
func (t *Tx) LiftLock(id, by int64, reason string) error {
	res, err := t.exec(`UPDATE locks SET lifted_by = $1, lifted_at = $2, lift_reason = $3 WHERE id = $4 AND lifted_at IS NULL`, by, t.Now, reason, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy khóa này, hoặc khóa đã được mở."}
	}
	return nil
}

const lockQuery = `SELECT l.id, l.unit_path, COALESCE(l.school_id, 0), COALESCE(l.school_year_id, 0), l.term, l.grade, COALESCE(l.class_id, 0), COALESCE(l.sheet_id, 0),
	l.from_at, l.until_at, l.reason, l.source, l.set_by, COALESCE(u.full_name, 'Quản trị hệ thống (dòng lệnh)'), COALESCE(l.requested_by, 0), l.set_at, COALESCE(l.lifted_by, 0), l.lifted_at, l.lift_reason,
	COALESCE(c.name, ''), COALESCE(s.name, ''), l.field
	FROM locks l LEFT JOIN users u ON u.id = l.set_by LEFT JOIN classes c ON c.id = l.class_id LEFT JOIN schools s ON s.id = l.school_id`

func (t *Tx) locks(where string, args ...any) ([]sdgdt.Lock, error) {
	rows, err := t.query(lockQuery+" WHERE "+where+" ORDER BY l.id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Lock
	for rows.Next() {
		var l sdgdt.Lock
		var until, lifted sql.NullTime
		if err := rows.Scan(&l.ID, &l.UnitPath, &l.SchoolID, &l.SchoolYearID, &l.Term, &l.Grade, &l.ClassID, &l.SheetID, &l.From, &until, &l.Reason, &l.Source,
			&l.SetBy, &l.SetByName, &l.RequestedBy, &l.SetAt, &l.LiftedBy, &lifted, &l.LiftReason, &l.ClassName, &l.SchoolName, &l.Field); err != nil {
			return nil, err
		}
		l.Until, l.LiftedAt = until.Time, lifted.Time
		out = append(out, l)
	}
	return out, rows.Err()
}

// Lock returns one lock.
func (t *Tx) Lock(id int64) (sdgdt.Lock, error) {
	ls, err := t.locks(`l.id = $1`, id)
	if err == nil && len(ls) == 0 {
		err = &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy khóa này."}
	}
	if err != nil {
		return sdgdt.Lock{}, err
	}
	return ls[0], nil
}

// LocksFor returns the locks that can apply to a school (its own, and the
// windows of the units above it), lifted ones included when all is set.
func (t *Tx) LocksFor(schoolID int64, unitPath string, all bool) ([]sdgdt.Lock, error) {
	var ancestors []any
	ph := ""
	// Every prefix of the unit path: "/1/", "/1/4/".
	parts := strings.Split(strings.Trim(unitPath, "/"), "/")
	for i := range parts {
		if i > 0 {
			ph += ","
		}
		ancestors = append(ancestors, "/"+strings.Join(parts[:i+1], "/")+"/")
		ph += "$" + itoa(len(ancestors)+1)
	}
	where := `(l.school_id = $1 OR (l.unit_path <> '' AND l.unit_path IN (` + ph + `)))`
	if !all {
		where += ` AND l.lifted_at IS NULL`
	}
	return t.locks(where, append([]any{schoolID}, ancestors...)...)
}

// UnitLocks returns the inspection windows set on a unit.
func (t *Tx) UnitLocks(unitPath string) ([]sdgdt.Lock, error) {
	return t.locks(`l.unit_path = $1`, unitPath)
}

// SheetScope returns where a sheet belongs.
func (t *Tx) SheetScope(id int64) (sdgdt.SheetRef, error) {
	var s sdgdt.SheetRef
	err := t.queryRow(`SELECT id, school_id, school_year_id, class_id, subject, term FROM sheets WHERE id = $1`, id).
		Scan(&s.ID, &s.SchoolID, &s.SchoolYearID, &s.ClassID, &s.Subject, &s.Term)
	return s, notFound(err, "sổ điểm")
}
