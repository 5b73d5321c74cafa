package store

import (
	"database/sql"
	"sort"
	"strings"

	"sdgdt"
	"sdgdt/internal/viet"
)

const userColumns = `id, username, full_name, email, phone, home_kind, home_id, password_hash, must_change_password,
	totp_secret, totp_enabled, totp_last_step, disabled, created_at, password_set_at`

func scanUser(sc interface{ Scan(...any) error }) (sdgdt.User, error) {
	var u sdgdt.User
	err := sc.Scan(&u.ID, &u.Username, &u.FullName, &u.Email, &u.Phone, &u.HomeKind, &u.HomeID, &u.PasswordHash, &u.MustChangePW,
		&u.TOTPSecret, &u.TOTPEnabled, &u.TOTPLastStep, &u.Disabled, &u.CreatedAt, &u.PasswordSetAt)
	return u, err
}

// CreateUser inserts an account; the username is stored in lower case.
func (t *Tx) CreateUser(u *sdgdt.User) error {
	u.Username = strings.ToLower(u.Username)
	u.CreatedAt, u.PasswordSetAt = t.Now, t.Now
	id, err := t.insert(`INSERT INTO users (username, full_name, email, phone, home_kind, home_id, password_hash, must_change_password,
		totp_secret, totp_enabled, totp_last_step, disabled, created_at, password_set_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		u.Username, u.FullName, u.Email, u.Phone, u.HomeKind, u.HomeID, u.PasswordHash, u.MustChangePW,
		u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep, u.Disabled, u.CreatedAt, u.PasswordSetAt)
	if sdgdt.ErrorCode(err) == sdgdt.ECONFLICT {
		return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Tên đăng nhập đã được dùng.", Fields: map[string]string{"username": "Tên đăng nhập đã được dùng."}}
	}
	u.ID = id
	return err
}

// User returns one account.
func (t *Tx) User(id int64) (sdgdt.User, error) {
	u, err := scanUser(t.queryRow(`SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, notFound(err, "tài khoản")
}

// UserByUsername returns the account with that username (any case).
func (t *Tx) UserByUsername(username string) (sdgdt.User, error) {
	u, err := scanUser(t.queryRow(`SELECT `+userColumns+` FROM users WHERE username = $1`, strings.ToLower(strings.TrimSpace(username))))
	return u, notFound(err, "tài khoản")
}

// UpdateUser writes the mutable fields of an account.
func (t *Tx) UpdateUser(u *sdgdt.User) error {
	_, err := t.exec(`UPDATE users SET full_name = $1, email = $2, phone = $3, password_hash = $4, must_change_password = $5,
		totp_secret = $6, totp_enabled = $7, totp_last_step = $8, disabled = $9, password_set_at = $10 WHERE id = $11`,
		u.FullName, u.Email, u.Phone, u.PasswordHash, u.MustChangePW, u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep, u.Disabled, u.PasswordSetAt, u.ID)
	return err
}

// UsersAt returns the accounts whose home is that school or unit, by name.
func (t *Tx) UsersAt(homeKind string, homeID int64) ([]sdgdt.User, error) {
	rows, err := t.query(`SELECT `+userColumns+` FROM users WHERE home_kind = $1 AND home_id = $2 ORDER BY full_name, username`, homeKind, homeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	sort.SliceStable(out, func(i, j int) bool { return viet.Less(out[i].FullName, out[j].FullName) })
	return out, rows.Err()
}

// CreateGrant records a role granted to a user or a group.
func (t *Tx) CreateGrant(g *sdgdt.Grant) error {
	g.GrantedAt = t.Now
	id, err := t.insert(`INSERT INTO role_grants (user_id, group_id, role, scope_kind, scope_id, duty, granted_by, granted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		nullInt(g.UserID), nullInt(g.GroupID), g.Role, g.ScopeKind, g.ScopeID, g.Duty, nullInt(g.GrantedBy), g.GrantedAt)
	g.ID = id
	return err
}

// RevokeGrant marks a grant revoked; the row stays, as history.
func (t *Tx) RevokeGrant(id, by int64) error {
	res, err := t.exec(`UPDATE role_grants SET revoked_by = $1, revoked_at = $2 WHERE id = $3 AND revoked_at IS NULL`, by, t.Now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy quyền này (có thể đã bị thu hồi)."}
	}
	return nil
}

// Grant returns one active grant.
func (t *Tx) Grant(id int64) (sdgdt.Grant, error) {
	var g sdgdt.Grant
	err := t.queryRow(`SELECT id, COALESCE(user_id, 0), COALESCE(group_id, 0), role, scope_kind, scope_id, duty, COALESCE(granted_by, 0), granted_at
		FROM role_grants WHERE id = $1 AND revoked_at IS NULL`, id).
		Scan(&g.ID, &g.UserID, &g.GroupID, &g.Role, &g.ScopeKind, &g.ScopeID, &g.Duty, &g.GrantedBy, &g.GrantedAt)
	return g, notFound(err, "quyền")
}

// GrantsOnScope returns the active grants on a scope (e.g. a school's board).
func (t *Tx) GrantsOnScope(scopeKind string, scopeID int64) ([]sdgdt.Grant, error) {
	rows, err := t.query(`SELECT id, COALESCE(user_id, 0), COALESCE(group_id, 0), role, scope_kind, scope_id, duty, COALESCE(granted_by, 0), granted_at
		FROM role_grants WHERE scope_kind = $1 AND scope_id = $2 AND revoked_at IS NULL ORDER BY role, id`, scopeKind, scopeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Grant
	for rows.Next() {
		var g sdgdt.Grant
		if err := rows.Scan(&g.ID, &g.UserID, &g.GroupID, &g.Role, &g.ScopeKind, &g.ScopeID, &g.Duty, &g.GrantedBy, &g.GrantedAt); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// RolesOf returns every role the user holds: granted to him or to one of his
// groups, and derived from his homeroom classes and teaching assignments of the
// current school year. Each comes with the unit path the policy needs.
func (t *Tx) RolesOf(userID int64) ([]sdgdt.RoleRef, error) {
	rows, err := t.query(`
		SELECT g.role, g.scope_kind, g.scope_id, COALESCE(u.name, s.name, ''), COALESCE(s.id, 0), 0, COALESCE(u.path, s.unit_path, '')
		FROM role_grants g
		LEFT JOIN units u ON g.scope_kind = 'unit' AND u.id = g.scope_id
		LEFT JOIN schools s ON g.scope_kind = 'school' AND s.id = g.scope_id
		WHERE g.revoked_at IS NULL AND (g.user_id = $1 OR g.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1))
		UNION ALL
		SELECT 'homeroom', 'class', c.id, c.name || ' – ' || s.name, s.id, c.id, s.unit_path
		FROM classes c JOIN schools s ON s.id = c.school_id JOIN school_years y ON y.id = c.school_year_id
		WHERE c.homeroom_teacher_id = $1 AND y.is_current = $2
		UNION ALL
		SELECT 'subject_teacher', 'assignment', a.id, c.name || ' – ' || a.subject || ' – ' || a.term, s.id, c.id, s.unit_path
		FROM assignments a JOIN classes c ON c.id = a.class_id JOIN schools s ON s.id = a.school_id JOIN school_years y ON y.id = c.school_year_id
		WHERE a.teacher_id = $1 AND y.is_current = $2`, userID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.RoleRef
	for rows.Next() {
		var r sdgdt.RoleRef
		if err := rows.Scan(&r.Role, &r.ScopeKind, &r.ScopeID, &r.ScopeName, &r.SchoolID, &r.ClassID, &r.Path); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateGroup inserts a group or subject team of a school.
func (t *Tx) CreateGroup(schoolID int64, kind, name string) (int64, error) {
	return t.insert(`INSERT INTO groups (school_id, kind, name) VALUES ($1, $2, $3)`, schoolID, kind, name)
}

// AddGroupMember adds a user to a group.
func (t *Tx) AddGroupMember(groupID, userID int64) error {
	_, err := t.exec(`INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, groupID, userID)
	return err
}

// RemoveGroupMember takes a user out of a group (the audit log keeps who was
// a member when).
func (t *Tx) RemoveGroupMember(groupID, userID int64) error {
	_, err := t.exec(`DELETE FROM group_members WHERE group_id = $1 AND user_id = $2`, groupID, userID)
	return err
}

// Group returns one group with its members.
func (t *Tx) Group(id int64) (sdgdt.Group, error) {
	var g sdgdt.Group
	if err := t.queryRow(`SELECT id, school_id, kind, name FROM groups WHERE id = $1`, id).Scan(&g.ID, &g.SchoolID, &g.Kind, &g.Name); err != nil {
		return g, notFound(err, "tổ/nhóm")
	}
	rows, err := t.query(`SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id`, id)
	if err != nil {
		return g, err
	}
	defer rows.Close()
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return g, err
		}
		g.Members = append(g.Members, u)
	}
	return g, rows.Err()
}

// GrantsOfGroups returns the active grants held by the groups of a school.
func (t *Tx) GrantsOfGroups(schoolID int64) ([]sdgdt.Grant, error) {
	rows, err := t.query(`SELECT r.id, COALESCE(r.user_id, 0), r.group_id, r.role, r.scope_kind, r.scope_id, r.duty, COALESCE(r.granted_by, 0), r.granted_at
		FROM role_grants r JOIN groups g ON g.id = r.group_id WHERE g.school_id = $1 AND r.revoked_at IS NULL ORDER BY r.id`, schoolID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Grant
	for rows.Next() {
		var g sdgdt.Grant
		if err := rows.Scan(&g.ID, &g.UserID, &g.GroupID, &g.Role, &g.ScopeKind, &g.ScopeID, &g.Duty, &g.GrantedBy, &g.GrantedAt); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// GroupsOf returns the groups of a school with their members.
func (t *Tx) GroupsOf(schoolID int64) ([]sdgdt.Group, error) {
	rows, err := t.query(`SELECT g.id, g.school_id, g.kind, g.name, m.user_id FROM groups g
		LEFT JOIN group_members m ON m.group_id = g.id WHERE g.school_id = $1 ORDER BY g.name, g.id`, schoolID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Group
	for rows.Next() {
		var g sdgdt.Group
		var member sql.NullInt64
		if err := rows.Scan(&g.ID, &g.SchoolID, &g.Kind, &g.Name, &member); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != g.ID {
			out = append(out, g)
		}
		if member.Valid {
			out[len(out)-1].Members = append(out[len(out)-1].Members, member.Int64)
		}
	}
	return out, rows.Err()
}
