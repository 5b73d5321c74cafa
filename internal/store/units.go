package store

import (
	"strconv"

	"sdgdt"
)

// CreateUnit inserts a unit below parent (nil for the root) and sets its path.
func (t *Tx) CreateUnit(u *sdgdt.Unit, parent *sdgdt.Unit) error {
	id, err := t.insert(`INSERT INTO units (parent_id, kind, name, code, path, created_at) VALUES ($1, $2, $3, $4, '', $5)`,
		nullInt(u.ParentID), u.Kind, u.Name, u.Code, t.Now)
	if err != nil {
		return err
	}
	u.ID = id
	u.Path = "/" + strconv.FormatInt(id, 10) + "/"
	if parent != nil {
		u.Path = parent.Path + strconv.FormatInt(id, 10) + "/"
	}
	_, err = t.exec(`UPDATE units SET path = $1 WHERE id = $2`, u.Path, id)
	return err
}

const unitColumns = `id, COALESCE(parent_id, 0), kind, name, code, path`

func scanUnit(sc interface{ Scan(...any) error }) (sdgdt.Unit, error) {
	var u sdgdt.Unit
	err := sc.Scan(&u.ID, &u.ParentID, &u.Kind, &u.Name, &u.Code, &u.Path)
	return u, err
}

// Unit returns one unit.
func (t *Tx) Unit(id int64) (sdgdt.Unit, error) {
	u, err := scanUnit(t.queryRow(`SELECT `+unitColumns+` FROM units WHERE id = $1`, id))
	return u, notFound(err, "đơn vị")
}

// UnitsBelow returns the units whose path starts with path (the unit itself
// included), ordered by path.
func (t *Tx) UnitsBelow(path string) ([]sdgdt.Unit, error) {
	rows, err := t.query(`SELECT `+unitColumns+` FROM units WHERE path LIKE $1 ORDER BY path`, path+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateSchool inserts a school into unit u.
func (t *Tx) CreateSchool(s *sdgdt.School, u sdgdt.Unit) error {
	s.UnitID, s.UnitPath = u.ID, u.Path
	id, err := t.insert(`INSERT INTO schools (unit_id, unit_path, kind, name, code, address, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.UnitID, s.UnitPath, s.Kind, s.Name, s.Code, s.Address, t.Now)
	s.ID = id
	return err
}

const schoolColumns = `id, unit_id, unit_path, kind, name, code, address`

func scanSchool(sc interface{ Scan(...any) error }) (sdgdt.School, error) {
	var s sdgdt.School
	err := sc.Scan(&s.ID, &s.UnitID, &s.UnitPath, &s.Kind, &s.Name, &s.Code, &s.Address)
	return s, err
}

// School returns one school.
func (t *Tx) School(id int64) (sdgdt.School, error) {
	s, err := scanSchool(t.queryRow(`SELECT `+schoolColumns+` FROM schools WHERE id = $1`, id))
	return s, notFound(err, "trường")
}

// SchoolsBelow returns the schools of every unit below path, by name.
func (t *Tx) SchoolsBelow(path string) ([]sdgdt.School, error) {
	rows, err := t.query(`SELECT `+schoolColumns+` FROM schools WHERE unit_path LIKE $1 ORDER BY unit_path, name`, path+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.School
	for rows.Next() {
		s, err := scanSchool(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateSchoolYear inserts a school year; when current, it becomes the only current one.
func (t *Tx) CreateSchoolYear(y *sdgdt.SchoolYear) error {
	if y.Current {
		if _, err := t.exec(`UPDATE school_years SET is_current = $1`, false); err != nil {
			return err
		}
	}
	d := func(v interface{ Format(string) string }) string { return v.Format("2006-01-02") }
	id, err := t.insert(`INSERT INTO school_years (name, starts_on, hk1_ends_on, hk2_starts_on, ends_on, gk1_on, ck1_on, gk2_on, cn_on, is_current)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		y.Name, d(y.StartsOn), d(y.HK1EndsOn), d(y.HK2Starts), d(y.EndsOn), d(y.GK1On), d(y.CK1On), d(y.GK2On), d(y.CNOn), y.Current)
	y.ID = id
	return err
}

// SchoolYears returns every school year, newest first.
func (t *Tx) SchoolYears() ([]sdgdt.SchoolYear, error) {
	rows, err := t.query(`SELECT id, name, starts_on, hk1_ends_on, hk2_starts_on, ends_on, gk1_on, ck1_on, gk2_on, cn_on, is_current FROM school_years ORDER BY name DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.SchoolYear
	for rows.Next() {
		var y sdgdt.SchoolYear
		var s [8]string
		if err := rows.Scan(&y.ID, &y.Name, &s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6], &s[7], &y.Current); err != nil {
			return nil, err
		}
		y.StartsOn, y.HK1EndsOn, y.HK2Starts, y.EndsOn = day(s[0]), day(s[1]), day(s[2]), day(s[3])
		y.GK1On, y.CK1On, y.GK2On, y.CNOn = day(s[4]), day(s[5]), day(s[6]), day(s[7])
		out = append(out, y)
	}
	return out, rows.Err()
}

// UnitIDByCode returns the id of the unit with that code.
func (t *Tx) UnitIDByCode(code string) (int64, error) {
	var id int64
	err := t.queryRow(`SELECT id FROM units WHERE code = $1`, code).Scan(&id)
	return id, notFound(err, "đơn vị mã "+code)
}

// SchoolIDByCode returns the id of the school with that code.
func (t *Tx) SchoolIDByCode(code string) (int64, error) {
	var id int64
	err := t.queryRow(`SELECT id FROM schools WHERE code = $1`, code).Scan(&id)
	return id, notFound(err, "trường mã "+code)
}
