package store

// Promotions returns the stored promotion decisions (promoted, retest,
// summer_training, retained, or "" when not computed) of a school year's pupils.
func (t *Tx) Promotions(schoolID, yearID int64) (map[int64]string, error) {
	rows, err := t.query(`SELECT pupil_id, promotion FROM pupil_results WHERE school_id = $1 AND school_year_id = $2`, schoolID, yearID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, rows.Err()
}

// FinishEnrolmentsOfYear closes every current enrolment of a school's year.
func (t *Tx) FinishEnrolmentsOfYear(schoolID, yearID int64, to string) error {
	_, err := t.exec(`UPDATE enrolments SET status = $1, to_date = $2 WHERE school_id = $3 AND school_year_id = $4 AND status = $5`,
		"finished", to, schoolID, yearID, "studying")
	return err
}
