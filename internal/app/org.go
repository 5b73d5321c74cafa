package app

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/store"
)

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{2,40}$`)

// CreateUnit creates a management unit below parent (0: the root, only from the
// command line).
func (a *App) CreateUnit(ctx context.Context, p *Principal, parentID int64, kind, name, code string) (sdgdt.Unit, error) {
	u := sdgdt.Unit{ParentID: parentID, Kind: kind, Name: strings.Join(strings.Fields(name), " "), Code: strings.TrimSpace(code)}
	fields := map[string]string{}
	if _, ok := sdgdt.UnitKindName[kind]; !ok {
		fields["kind"] = "Loại đơn vị không hợp lệ."
	}
	if n := utf8.RuneCountInString(u.Name); n < 3 || n > 150 {
		fields["name"] = "Tên đơn vị phải có từ 3 đến 150 ký tự."
	}
	if !codeRE.MatchString(u.Code) {
		fields["code"] = "Mã đơn vị có 2-40 ký tự: chữ không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang."
	}
	if len(fields) > 0 {
		return u, sdgdt.Invalid(fields)
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		var parent *sdgdt.Unit
		if parentID != 0 {
			pu, err := tx.Unit(parentID)
			if err != nil {
				return err
			}
			parent = &pu
			if !Can(p, ActManageUnits, UnitTarget(pu)) {
				return forbidden()
			}
		} else if !p.system {
			return forbidden()
		}
		if err := tx.CreateUnit(&u, parent); err != nil {
			return dupCode(err)
		}
		return record(tx, p, sdgdt.ActUnitCreate, "unit", idStr(u.ID), 0, u.Path, nil, u)
	})
	return u, err
}

func dupCode(err error) error {
	if sdgdt.ErrorCode(err) == sdgdt.ECONFLICT {
		return sdgdt.Invalid(map[string]string{"code": "Mã này đã được dùng."})
	}
	return err
}

// CreateSchool creates a school in a unit.
func (a *App) CreateSchool(ctx context.Context, p *Principal, unitID int64, kind, name, code, address string) (sdgdt.School, error) {
	s := sdgdt.School{Kind: kind, Name: strings.Join(strings.Fields(name), " "), Code: strings.TrimSpace(code), Address: strings.TrimSpace(address)}
	fields := map[string]string{}
	if sdgdt.SchoolKindName(kind) == "" {
		fields["kind"] = "Loại trường không hợp lệ."
	}
	if n := utf8.RuneCountInString(s.Name); n < 3 || n > 150 {
		fields["name"] = "Tên trường phải có từ 3 đến 150 ký tự."
	}
	if !codeRE.MatchString(s.Code) {
		fields["code"] = "Mã trường có 2-40 ký tự: chữ không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang."
	}
	if len(fields) > 0 {
		return s, sdgdt.Invalid(fields)
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		u, err := tx.Unit(unitID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageUnits, UnitTarget(u)) {
			return forbidden()
		}
		if err := tx.CreateSchool(&s, u); err != nil {
			return dupCode(err)
		}
		return record(tx, p, sdgdt.ActSchoolCreate, "school", idStr(s.ID), s.ID, s.UnitPath, nil, s)
	})
	return s, err
}

// CreateSchoolYear defines a school year with its dates.
func (a *App) CreateSchoolYear(ctx context.Context, p *Principal, y sdgdt.SchoolYear) (sdgdt.SchoolYear, error) {
	fields := map[string]string{}
	var start, end int
	if n, _ := parseYearName(y.Name); n == 0 {
		fields["name"] = "Năm học có dạng 2026-2027."
	} else {
		start, end = n, n+1
	}
	dates := []struct {
		key string
		t   time.Time
	}{{"starts_on", y.StartsOn}, {"gk1_on", y.GK1On}, {"ck1_on", y.CK1On}, {"hk1_ends_on", y.HK1EndsOn}, {"hk2_starts_on", y.HK2Starts}, {"gk2_on", y.GK2On}, {"cn_on", y.CNOn}, {"ends_on", y.EndsOn}}
	for i, d := range dates {
		switch {
		case d.t.IsZero():
			fields[d.key] = "Vui lòng nhập ngày (dd/mm/yyyy)."
		case start != 0 && (d.t.Year() < start || d.t.Year() > end):
			fields[d.key] = "Ngày phải nằm trong năm học."
		case i > 0 && !dates[i-1].t.IsZero() && d.t.Before(dates[i-1].t):
			fields[d.key] = "Ngày này phải sau ngày ở ô trước."
		}
	}
	if len(fields) > 0 {
		return y, sdgdt.Invalid(fields)
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		if !a.CanManageYears(p) {
			return forbidden()
		}
		if err := tx.CreateSchoolYear(&y); err != nil {
			if sdgdt.ErrorCode(err) == sdgdt.ECONFLICT {
				return sdgdt.Invalid(map[string]string{"name": "Năm học này đã có."})
			}
			return err
		}
		return record(tx, p, sdgdt.ActSchoolYearCreate, "school_year", idStr(y.ID), 0, "/", nil, y)
	})
	return y, err
}

func parseYearName(s string) (int, bool) {
	var a, b int
	if len(s) != 9 || s[4] != '-' {
		return 0, false
	}
	for _, c := range s[:4] {
		if c < '0' || c > '9' {
			return 0, false
		}
		a = a*10 + int(c-'0')
	}
	for _, c := range s[5:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		b = b*10 + int(c-'0')
	}
	if b != a+1 || a < 2000 || a > 2100 {
		return 0, false
	}
	return a, true
}

// scopeTarget resolves a role scope (unit or school) to its policy target and name.
func scopeTarget(tx *store.Tx, kind string, id int64) (Target, string, error) {
	switch kind {
	case sdgdt.ScopeUnit:
		u, err := tx.Unit(id)
		return UnitTarget(u), u.Name, err
	case sdgdt.ScopeSchool:
		s, err := tx.School(id)
		return SchoolTarget(s), s.Name, err
	}
	return Target{}, "", &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Phạm vi quyền không hợp lệ."}
}

// GrantRole gives a user a role on a unit or school, with an optional duty (for
// admin-board members). The user must belong to that school, or to that unit or
// one below it.
func (a *App) GrantRole(ctx context.Context, p *Principal, userID int64, role, scopeKind string, scopeID int64, duty string) (sdgdt.Grant, error) {
	g := sdgdt.Grant{UserID: userID, Role: role, ScopeKind: scopeKind, ScopeID: scopeID, Duty: strings.TrimSpace(duty), GrantedBy: p.User.ID}
	info, ok := sdgdt.Role(role)
	if !ok || !info.Grantable {
		return g, sdgdt.Invalid(map[string]string{"role": "Vai trò này không cấp trực tiếp được (giáo viên chủ nhiệm và bộ môn được xác định theo lớp và phân công)."})
	}
	if info.Scope != scopeKind {
		return g, sdgdt.Invalid(map[string]string{"scope": "Vai trò " + info.Name + " chỉ cấp trên " + map[string]string{"unit": "đơn vị", "school": "trường"}[info.Scope] + "."})
	}
	if utf8.RuneCountInString(g.Duty) > 300 {
		return g, sdgdt.Invalid(map[string]string{"duty": "Nhiệm vụ tối đa 300 ký tự."})
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		t, name, err := scopeTarget(tx, scopeKind, scopeID)
		if err != nil {
			return err
		}
		if !CanGrant(p, role, t) {
			if role == sdgdt.RoleLeader && Can(p, ActGrantRoles, t) {
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Vai trò lãnh đạo nhà trường do đơn vị quản lý cấp trên cấp hoặc thu hồi, không do quản trị của trường."}
			}
			return forbidden()
		}
		if userID == p.User.ID && !p.system {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Bạn không thể tự cấp vai trò cho chính mình; hãy nhờ người quản trị khác hoặc đơn vị cấp trên."}
		}
		u, err := tx.User(userID)
		if err != nil {
			return err
		}
		ut, err := homeTarget(tx, u)
		if err != nil {
			return err
		}
		if (t.Kind == sdgdt.ScopeSchool && ut.SchoolID != t.SchoolID) || (t.Kind == sdgdt.ScopeUnit && (ut.Kind != sdgdt.ScopeUnit || !strings.HasPrefix(ut.UnitPath, t.UnitPath))) {
			return sdgdt.Invalid(map[string]string{"user": "Tài khoản này không thuộc " + name + "."})
		}
		existing, err := tx.GrantsOnScope(scopeKind, scopeID)
		if err != nil {
			return err
		}
		for _, e := range existing {
			if e.UserID == userID && e.Role == role {
				return sdgdt.Invalid(map[string]string{"role": "Tài khoản đã có vai trò này."})
			}
		}
		if err := tx.CreateGrant(&g); err != nil {
			return err
		}
		g.ScopeName = name
		return record(tx, p, sdgdt.ActRoleGrant, "role_grant", idStr(g.ID), t.SchoolID, t.UnitPath, nil,
			map[string]any{"user_id": userID, "username": u.Username, "role": role, "scope_kind": scopeKind, "scope_id": scopeID, "duty": g.Duty})
	})
	return g, err
}

// RevokeRole revokes a grant; the grant stays in history.
func (a *App) RevokeRole(ctx context.Context, p *Principal, grantID int64) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		g, err := tx.Grant(grantID)
		if err != nil {
			return err
		}
		t, _, err := scopeTarget(tx, g.ScopeKind, g.ScopeID)
		if err != nil {
			return err
		}
		if !CanGrant(p, g.Role, t) {
			if g.Role == sdgdt.RoleLeader && Can(p, ActGrantRoles, t) {
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Vai trò lãnh đạo nhà trường do đơn vị quản lý cấp trên cấp hoặc thu hồi, không do quản trị của trường."}
			}
			return forbidden()
		}
		if g.UserID == p.User.ID && (g.Role == sdgdt.RoleSysadmin || g.Role == sdgdt.RoleUnitAdmin) {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Bạn không thể tự thu hồi quyền quản trị của mình."}
		}
		if err := tx.RevokeGrant(g.ID, p.User.ID); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActRoleRevoke, "role_grant", idStr(g.ID), t.SchoolID, t.UnitPath,
			map[string]any{"user_id": g.UserID, "role": g.Role, "scope_kind": g.ScopeKind, "scope_id": g.ScopeID, "duty": g.Duty}, nil)
	})
}

// SchoolYears returns every school year, newest first.
func (a *App) SchoolYears(ctx context.Context) ([]sdgdt.SchoolYear, error) {
	var ys []sdgdt.SchoolYear
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		ys, err = tx.SchoolYears()
		return err
	})
	return ys, err
}

// CanManageYears reports whether p may define school years.
func (a *App) CanManageYears(p *Principal) bool {
	for _, r := range p.Roles {
		if r.ScopeKind == sdgdt.ScopeUnit && Can(p, ActManageYears, Target{Kind: sdgdt.ScopeUnit, UnitPath: r.Path}) {
			return true
		}
	}
	return p.system
}
