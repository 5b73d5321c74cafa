package store

// Class is a class of a school year, with its homeroom teacher.
type Class struct {
	ID           int64
	SchoolID     int64
	SchoolYearID int64
	Grade        int
	Name         string
	Ruleset      string
	HomeroomID   int64
	HomeroomName string
}

// CreateClass inserts a class.
func (t *Tx) CreateClass(c *Class) error {
	id, err := t.insert(`INSERT INTO classes (school_id, school_year_id, grade, name, ruleset, homeroom_teacher_id) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.SchoolID, c.SchoolYearID, c.Grade, c.Name, c.Ruleset, nullInt(c.HomeroomID))
	c.ID = id
	return err
}

// ClassesOf returns the classes of a school in a school year, by grade and name.
func (t *Tx) ClassesOf(schoolID, schoolYearID int64) ([]Class, error) {
	rows, err := t.query(`SELECT c.id, c.school_id, c.school_year_id, c.grade, c.name, c.ruleset, COALESCE(c.homeroom_teacher_id, 0), COALESCE(u.full_name, '')
		FROM classes c LEFT JOIN users u ON u.id = c.homeroom_teacher_id
		WHERE c.school_id = $1 AND c.school_year_id = $2 ORDER BY c.grade, c.name`, schoolID, schoolYearID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Class
	for rows.Next() {
		var c Class
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.SchoolYearID, &c.Grade, &c.Name, &c.Ruleset, &c.HomeroomID, &c.HomeroomName); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Assignment is a teaching assignment: a teacher × class × subject × term.
type Assignment struct {
	ID        int64
	SchoolID  int64
	ClassID   int64
	Subject   string
	Term      string
	TeacherID int64
}

// CreateAssignment inserts a teaching assignment.
func (t *Tx) CreateAssignment(a *Assignment) error {
	id, err := t.insert(`INSERT INTO assignments (school_id, class_id, subject, term, teacher_id) VALUES ($1, $2, $3, $4, $5)`,
		a.SchoolID, a.ClassID, a.Subject, a.Term, a.TeacherID)
	a.ID = id
	return err
}
