package store

import "sdgdt"

// SetStaffProfile writes a staff profile.
func (t *Tx) SetStaffProfile(sp sdgdt.StaffProfile) error {
	_, err := t.exec(`INSERT INTO staff_profiles (user_id, school_id, date_of_birth, sex, position, subjects, team_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (user_id) DO UPDATE SET date_of_birth = excluded.date_of_birth, sex = excluded.sex, position = excluded.position,
		subjects = excluded.subjects, team_id = excluded.team_id`,
		sp.UserID, sp.SchoolID, sp.DateOfBirth, sp.Sex, sp.Position, sp.Subjects, nullInt(sp.TeamID))
	return err
}

// Staff returns a school's accounts with their profiles, by name.
func (t *Tx) Staff(schoolID int64) ([]sdgdt.StaffMember, error) {
	users, err := t.UsersAt(sdgdt.ScopeSchool, schoolID)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT user_id, school_id, date_of_birth, sex, position, subjects, COALESCE(team_id, 0) FROM staff_profiles WHERE school_id = $1`, schoolID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	profiles := map[int64]sdgdt.StaffProfile{}
	for rows.Next() {
		var sp sdgdt.StaffProfile
		if err := rows.Scan(&sp.UserID, &sp.SchoolID, &sp.DateOfBirth, &sp.Sex, &sp.Position, &sp.Subjects, &sp.TeamID); err != nil {
			return nil, err
		}
		profiles[sp.UserID] = sp
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]sdgdt.StaffMember, 0, len(users))
	for _, u := range users {
		sp, ok := profiles[u.ID]
		if !ok {
			sp = sdgdt.StaffProfile{UserID: u.ID, SchoolID: schoolID}
		}
		out = append(out, sdgdt.StaffMember{User: u, Profile: sp})
	}
	return out, nil
}
