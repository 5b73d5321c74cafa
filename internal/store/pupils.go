package store

import (
	"database/sql"
	"sort"
	"time"

	"sdgdt"
	"sdgdt/internal/viet"
)

const pupilColumns = `id, school_id, family_name, middle_name, given_name, date_of_birth, sex, ethnicity, place_of_birth, home_town, address,
	father_name, mother_name, guardian_name, guardian_phone, identity_number, ministry_code, created_at, updated_at`

func scanPupil(sc interface{ Scan(...any) error }) (sdgdt.Pupil, error) {
	var p sdgdt.Pupil
	var dob string
	err := sc.Scan(&p.ID, &p.SchoolID, &p.FamilyName, &p.MiddleName, &p.GivenName, &dob, &p.Sex, &p.Ethnicity, &p.PlaceOfBirth, &p.HomeTown, &p.Address,
		&p.FatherName, &p.MotherName, &p.GuardianName, &p.GuardianPhone, &p.IdentityNumber, &p.MinistryCode, &p.CreatedAt, &p.UpdatedAt)
	p.DateOfBirth = day(dob)
	return p, err
}

// CreatePupil inserts a pupil's profile.
func (t *Tx) CreatePupil(p *sdgdt.Pupil) error {
	p.CreatedAt, p.UpdatedAt = t.Now, t.Now
	id, err := t.insert(`INSERT INTO pupils (school_id, family_name, middle_name, given_name, date_of_birth, sex, ethnicity, place_of_birth, home_town, address,
		father_name, mother_name, guardian_name, guardian_phone, identity_number, ministry_code, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		p.SchoolID, p.FamilyName, p.MiddleName, p.GivenName, p.DateOfBirth.Format("2006-01-02"), p.Sex, p.Ethnicity, p.PlaceOfBirth, p.HomeTown, p.Address,
		p.FatherName, p.MotherName, p.GuardianName, p.GuardianPhone, p.IdentityNumber, p.MinistryCode, p.CreatedAt, p.UpdatedAt)
	if sdgdt.ErrorCode(err) == sdgdt.ECONFLICT {
		return sdgdt.Invalid(map[string]string{"identity_number": "Số định danh này đã có trong hệ thống (học sinh trùng)."})
	}
	p.ID = id
	return err
}

// UpdatePupil writes a pupil's profile.
func (t *Tx) UpdatePupil(p *sdgdt.Pupil) error {
	p.UpdatedAt = t.Now
	_, err := t.exec(`UPDATE pupils SET school_id = $1, family_name = $2, middle_name = $3, given_name = $4, date_of_birth = $5, sex = $6, ethnicity = $7,
		place_of_birth = $8, home_town = $9, address = $10, father_name = $11, mother_name = $12, guardian_name = $13, guardian_phone = $14,
		identity_number = $15, ministry_code = $16, updated_at = $17 WHERE id = $18`,
		p.SchoolID, p.FamilyName, p.MiddleName, p.GivenName, p.DateOfBirth.Format("2006-01-02"), p.Sex, p.Ethnicity, p.PlaceOfBirth, p.HomeTown, p.Address,
		p.FatherName, p.MotherName, p.GuardianName, p.GuardianPhone, p.IdentityNumber, p.MinistryCode, p.UpdatedAt, p.ID)
	if isUniqueViolation(err) {
		return sdgdt.Invalid(map[string]string{"identity_number": "Số định danh này đã có trong hệ thống (học sinh trùng)."})
	}
	if err != nil {
		return err
	}
	// Sex and ethnicity are counted in the figures of his classes.
	rows, err := t.query(`SELECT school_id, school_year_id, class_id FROM enrolments WHERE pupil_id = $1 AND status IN ($2, $3)`,
		p.ID, sdgdt.EnrolStudying, sdgdt.EnrolFinished)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var school, year, class int64
		if err := rows.Scan(&school, &year, &class); err != nil {
			return err
		}
		t.touchStatistics(school, year, class)
	}
	return rows.Err()
}

// Pupil returns one pupil's profile.
func (t *Tx) Pupil(id int64) (sdgdt.Pupil, error) {
	p, err := scanPupil(t.queryRow(`SELECT `+pupilColumns+` FROM pupils WHERE id = $1`, id))
	return p, notFound(err, "học sinh")
}

// PupilByIdentity returns the pupil with that identity number.
func (t *Tx) PupilByIdentity(number string) (sdgdt.Pupil, error) {
	p, err := scanPupil(t.queryRow(`SELECT `+pupilColumns+` FROM pupils WHERE identity_number = $1`, number))
	return p, notFound(err, "học sinh")
}

// IdentityNumbersTaken returns which of the numbers are already used.
func (t *Tx) IdentityNumbersTaken(numbers []string) (map[string]bool, error) {
	taken := map[string]bool{}
	for start := 0; start < len(numbers); start += 500 {
		end := min(start+500, len(numbers))
		args := make([]any, 0, end-start)
		ph := ""
		for i, n := range numbers[start:end] {
			if i > 0 {
				ph += ","
			}
			args = append(args, n)
			ph += "$" + itoa(len(args))
		}
		rows, err := t.query(`SELECT identity_number FROM pupils WHERE identity_number IN (`+ph+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, err
			}
			taken[n] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return taken, nil
}

// Enrol puts a pupil in a class from a date.
func (t *Tx) Enrol(e *sdgdt.Enrolment) error {
	to := ""
	if !e.To.IsZero() {
		to = e.To.Format("2006-01-02")
	}
	id, err := t.insert(`INSERT INTO enrolments (school_id, school_year_id, class_id, pupil_id, status, from_date, to_date, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.SchoolID, e.SchoolYearID, e.ClassID, e.PupilID, e.Status, e.From.Format("2006-01-02"), to, t.Now)
	e.ID = id
	t.touchStatistics(e.SchoolID, e.SchoolYearID, e.ClassID)
	return err
}

// EndEnrolment closes a stay with a status and an end date.
func (t *Tx) EndEnrolment(id int64, status string, to time.Time) error {
	var school, year, class int64
	err := t.queryRow(`UPDATE enrolments SET status = $1, to_date = $2 WHERE id = $3 RETURNING school_id, school_year_id, class_id`,
		status, to.Format("2006-01-02"), id).Scan(&school, &year, &class)
	if err == sql.ErrNoRows {
		return nil
	}
	t.touchStatistics(school, year, class)
	return err
}

// CurrentEnrolment returns the pupil's current (studying) enrolment in a year.
func (t *Tx) CurrentEnrolment(pupilID, yearID int64) (sdgdt.Enrolment, error) {
	var e sdgdt.Enrolment
	var from, to string
	err := t.queryRow(`SELECT id, school_id, school_year_id, class_id, pupil_id, status, from_date, to_date FROM enrolments
		WHERE pupil_id = $1 AND school_year_id = $2 AND status = $3 ORDER BY id DESC LIMIT 1`, pupilID, yearID, sdgdt.EnrolStudying).
		Scan(&e.ID, &e.SchoolID, &e.SchoolYearID, &e.ClassID, &e.PupilID, &e.Status, &from, &to)
	e.From, e.To = day(from), day(to)
	return e, notFound(err, "lớp hiện tại của học sinh")
}

// ClassRoster returns the pupils of a class in Vietnamese order: by default those
// studying in it now; with all, also those who moved, left or transferred.
func (t *Tx) ClassRoster(classID int64, all bool) ([]sdgdt.RosterEntry, error) {
	q := `SELECT e.id, e.status, e.from_date, e.to_date, ` + prefixed("p.", pupilColumns) + ` FROM enrolments e JOIN pupils p ON p.id = e.pupil_id WHERE e.class_id = $1`
	args := []any{classID}
	if !all {
		q += ` AND e.status = $2`
		args = append(args, sdgdt.EnrolStudying)
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.RosterEntry
	for rows.Next() {
		var r sdgdt.RosterEntry
		var from, to, dob string
		p := &r.Pupil
		if err := rows.Scan(&r.EnrolmentID, &r.Status, &from, &to, &p.ID, &p.SchoolID, &p.FamilyName, &p.MiddleName, &p.GivenName, &dob, &p.Sex, &p.Ethnicity,
			&p.PlaceOfBirth, &p.HomeTown, &p.Address, &p.FatherName, &p.MotherName, &p.GuardianName, &p.GuardianPhone, &p.IdentityNumber, &p.MinistryCode,
			&p.CreatedAt, &p.UpdatedAt); err != nil {
			return nil, err
		}
		r.From, r.To, p.DateOfBirth = day(from), day(to), day(dob)
		r.Key = viet.NameKey(p.FamilyName, p.MiddleName, p.GivenName)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	SortRoster(out)
	return out, nil
}

// SortRoster sorts a class list in Vietnamese order (ties by id, for stability).
func SortRoster(r []sdgdt.RosterEntry) {
	sort.SliceStable(r, func(i, j int) bool {
		if r[i].Key != r[j].Key {
			return r[i].Key < r[j].Key
		}
		return r[i].Pupil.ID < r[j].Pupil.ID
	})
}

func prefixed(prefix, columns string) string {
	out := ""
	for i, c := range splitColumns(columns) {
		if i > 0 {
			out += ", "
		}
		out += prefix + c
	}
	return out
}
