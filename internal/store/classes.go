package store

import "sdgdt"

// CreateClass inserts a class.
func (t *Tx) CreateClass(c *sdgdt.Class) error {
	id, err := t.insert(`INSERT INTO classes (school_id, school_year_id, grade, name, ruleset, homeroom_teacher_id) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.SchoolID, c.SchoolYearID, c.Grade, c.Name, c.Ruleset, nullInt(c.HomeroomID))
	if err != nil {
		return err
	}
	c.ID = id
	// A primary class has its qualities-and-competencies sheets from the
	// start, so that reading them never has to create one.
	if sdgdt.SheetKindOf(c.Ruleset) == sdgdt.SheetPrimary {
		for _, point := range sdgdt.PrimaryPoints {
			if _, err := t.EnsurePCNLSheet(*c, string(point)); err != nil {
				return err
			}
		}
	}
	return nil
}

// ClassesOf returns the classes of a school in a school year, by grade and name.
func (t *Tx) ClassesOf(schoolID, schoolYearID int64) ([]sdgdt.Class, error) {
	rows, err := t.query(`SELECT c.id, c.school_id, c.school_year_id, c.grade, c.name, c.ruleset, COALESCE(c.homeroom_teacher_id, 0), COALESCE(u.full_name, '')
		FROM classes c LEFT JOIN users u ON u.id = c.homeroom_teacher_id
		WHERE c.school_id = $1 AND c.school_year_id = $2 ORDER BY c.grade, c.name`, schoolID, schoolYearID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Class
	for rows.Next() {
		var c sdgdt.Class
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.SchoolYearID, &c.Grade, &c.Name, &c.Ruleset, &c.HomeroomID, &c.HomeroomName); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateAssignment inserts a teaching assignment.
func (t *Tx) CreateAssignment(a *sdgdt.Assignment) error {
	id, err := t.insert(`INSERT INTO assignments (school_id, class_id, subject, term, teacher_id) VALUES ($1, $2, $3, $4, $5)`,
		a.SchoolID, a.ClassID, a.Subject, a.Term, a.TeacherID)
	a.ID = id
	return err
}

const classColumns = `c.id, c.school_id, c.school_year_id, c.grade, c.name, c.ruleset, COALESCE(c.homeroom_teacher_id, 0), COALESCE(u.full_name, '')`

func scanClass(sc interface{ Scan(...any) error }) (sdgdt.Class, error) {
	var c sdgdt.Class
	err := sc.Scan(&c.ID, &c.SchoolID, &c.SchoolYearID, &c.Grade, &c.Name, &c.Ruleset, &c.HomeroomID, &c.HomeroomName)
	return c, err
}

// Class returns one class.
func (t *Tx) Class(id int64) (sdgdt.Class, error) {
	c, err := scanClass(t.queryRow(`SELECT `+classColumns+` FROM classes c LEFT JOIN users u ON u.id = c.homeroom_teacher_id WHERE c.id = $1`, id))
	return c, notFound(err, "lớp")
}

// ClassByName returns a class of a school year by its name.
func (t *Tx) ClassByName(schoolID, yearID int64, name string) (sdgdt.Class, error) {
	c, err := scanClass(t.queryRow(`SELECT `+classColumns+` FROM classes c LEFT JOIN users u ON u.id = c.homeroom_teacher_id
		WHERE c.school_id = $1 AND c.school_year_id = $2 AND c.name = $3`, schoolID, yearID, name))
	return c, notFound(err, "lớp "+name)
}

// UpdateClass writes a class's name, grade, rule set and homeroom teacher.
func (t *Tx) UpdateClass(c *sdgdt.Class) error {
	_, err := t.exec(`UPDATE classes SET grade = $1, name = $2, ruleset = $3, homeroom_teacher_id = $4 WHERE id = $5`,
		c.Grade, c.Name, c.Ruleset, nullInt(c.HomeroomID), c.ID)
	if isUniqueViolation(err) {
		return sdgdt.Invalid(map[string]string{"name": "Lớp này đã có trong năm học."})
	}
	if err != nil {
		return err
	}
	return t.touchClass(c.ID) // its grade and rule set are in its figures
}

// SetClassSubject adds or changes a subject of a class's curriculum.
func (t *Tx) SetClassSubject(cs sdgdt.ClassSubject) error {
	_, err := t.exec(`INSERT INTO class_subjects (class_id, school_id, subject, periods_per_year, assessed_by, position) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (school_id, class_id, subject) DO UPDATE SET periods_per_year = excluded.periods_per_year, assessed_by = excluded.assessed_by, position = excluded.position`,
		cs.ClassID, cs.SchoolID, cs.Subject, cs.PeriodsPerYear, cs.AssessedBy, cs.Position)
	return err
}

// RemoveClassSubject takes a subject out of a class's curriculum.
func (t *Tx) RemoveClassSubject(classID int64, subject string) error {
	_, err := t.exec(`DELETE FROM class_subjects WHERE class_id = $1 AND subject = $2`, classID, subject)
	return err
}

// ClassSubjects returns a class's curriculum in its order.
func (t *Tx) ClassSubjects(classID int64) ([]sdgdt.ClassSubject, error) {
	rows, err := t.query(`SELECT class_id, school_id, subject, periods_per_year, assessed_by, position FROM class_subjects WHERE class_id = $1 ORDER BY position, subject`, classID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.ClassSubject
	for rows.Next() {
		var cs sdgdt.ClassSubject
		if err := rows.Scan(&cs.ClassID, &cs.SchoolID, &cs.Subject, &cs.PeriodsPerYear, &cs.AssessedBy, &cs.Position); err != nil {
			return nil, err
		}
		out = append(out, cs)
	}
	return out, rows.Err()
}

const assignmentInfoQuery = `SELECT a.id, a.school_id, a.class_id, a.subject, a.term, a.teacher_id, c.name, c.grade, c.ruleset, c.school_year_id, y.name, u.full_name
	FROM assignments a JOIN classes c ON c.id = a.class_id JOIN school_years y ON y.id = c.school_year_id JOIN users u ON u.id = a.teacher_id`

func (t *Tx) assignmentInfos(where string, args ...any) ([]sdgdt.AssignmentInfo, error) {
	rows, err := t.query(assignmentInfoQuery+" WHERE "+where+" ORDER BY c.grade, c.name, a.subject, "+sdgdt.TermOrderSQL("a.term"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.AssignmentInfo
	for rows.Next() {
		var a sdgdt.AssignmentInfo
		if err := rows.Scan(&a.ID, &a.SchoolID, &a.ClassID, &a.Subject, &a.Term, &a.TeacherID, &a.ClassName, &a.Grade, &a.Ruleset, &a.SchoolYearID, &a.SchoolYear, &a.TeacherName); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AssignmentsOfTeacher returns a teacher's assignments in the current school year.
func (t *Tx) AssignmentsOfTeacher(teacherID int64) ([]sdgdt.AssignmentInfo, error) {
	return t.assignmentInfos(`a.teacher_id = $1 AND y.is_current = $2`, teacherID, true)
}

// AssignmentsOfClass returns every assignment of a class.
func (t *Tx) AssignmentsOfClass(classID int64) ([]sdgdt.AssignmentInfo, error) {
	return t.assignmentInfos(`a.class_id = $1`, classID)
}

// AssignmentsOfSchool returns every assignment of a school in a school year.
func (t *Tx) AssignmentsOfSchool(schoolID, yearID int64) ([]sdgdt.AssignmentInfo, error) {
	return t.assignmentInfos(`a.school_id = $1 AND c.school_year_id = $2`, schoolID, yearID)
}

// AssignmentByID returns one assignment.
func (t *Tx) AssignmentByID(id int64) (sdgdt.AssignmentInfo, error) {
	as, err := t.assignmentInfos(`a.id = $1`, id)
	if err == nil && len(as) == 0 {
		return sdgdt.AssignmentInfo{}, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy phân công."}
	}
	if err != nil {
		return sdgdt.AssignmentInfo{}, err
	}
	return as[0], nil
}

// FindAssignment returns the assignment of a class × subject × term, if any.
func (t *Tx) FindAssignment(classID int64, subject, term string) (sdgdt.AssignmentInfo, error) {
	as, err := t.assignmentInfos(`a.class_id = $1 AND a.subject = $2 AND a.term = $3`, classID, subject, term)
	if err == nil && len(as) == 0 {
		return sdgdt.AssignmentInfo{}, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Môn này chưa được phân công."}
	}
	if err != nil {
		return sdgdt.AssignmentInfo{}, err
	}
	return as[0], nil
}

// SetAssignmentTeacher changes the teacher of an assignment.
func (t *Tx) SetAssignmentTeacher(id, teacherID int64) error {
	_, err := t.exec(`UPDATE assignments SET teacher_id = $1 WHERE id = $2`, teacherID, id)
	return err
}

// CurrentYear returns the current school year.
func (t *Tx) CurrentYear() (sdgdt.SchoolYear, error) {
	ys, err := t.SchoolYears()
	if err != nil {
		return sdgdt.SchoolYear{}, err
	}
	for _, y := range ys {
		if y.Current {
			return y, nil
		}
	}
	return sdgdt.SchoolYear{}, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Chưa có năm học hiện tại."}
}

// ClassesWithCounts returns a school's classes of a year with their sizes.
func (t *Tx) ClassesWithCounts(schoolID, yearID int64) ([]sdgdt.ClassCount, error) {
	rows, err := t.query(`SELECT `+classColumns+`, (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = c.id AND e.status = $3)
		FROM classes c LEFT JOIN users u ON u.id = c.homeroom_teacher_id WHERE c.school_id = $1 AND c.school_year_id = $2 ORDER BY c.grade, c.name`,
		schoolID, yearID, sdgdt.EnrolStudying)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.ClassCount
	for rows.Next() {
		var c sdgdt.ClassCount
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.SchoolYearID, &c.Grade, &c.Name, &c.Ruleset, &c.HomeroomID, &c.HomeroomName, &c.Pupils); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
