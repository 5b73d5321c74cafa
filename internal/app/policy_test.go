package app_test

import (
	"fmt"
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
)

// The policy tree of these tests (no database: paths are written by hand).
//
//	/1/        Sở (province root)       school 13 directly under it
//	/1/2/      Phòng BMT (district)     schools 10 and 11
//	/1/2/4/    commune below BMT        school 14
//	/1/3/      Phòng KP (district)      school 12
//	/1/23/     another district         school 23 (its path starts like "/1/2")
var policyTargets = []struct {
	name string
	t    app.Target
}{
	{"school10@BMT", app.Target{Kind: sdgdt.ScopeSchool, UnitPath: "/1/2/", SchoolID: 10}},
	{"school11@BMT", app.Target{Kind: sdgdt.ScopeSchool, UnitPath: "/1/2/", SchoolID: 11}},
	{"school12@KP", app.Target{Kind: sdgdt.ScopeSchool, UnitPath: "/1/3/", SchoolID: 12}},
	{"school13@root", app.Target{Kind: sdgdt.ScopeSchool, UnitPath: "/1/", SchoolID: 13}},
	{"school14@commune", app.Target{Kind: sdgdt.ScopeSchool, UnitPath: "/1/2/4/", SchoolID: 14}},
	{"school23@unit23", app.Target{Kind: sdgdt.ScopeSchool, UnitPath: "/1/23/", SchoolID: 23}},
	{"unit:root", app.Target{Kind: sdgdt.ScopeUnit, UnitPath: "/1/"}},
	{"unit:BMT", app.Target{Kind: sdgdt.ScopeUnit, UnitPath: "/1/2/"}},
	{"unit:commune", app.Target{Kind: sdgdt.ScopeUnit, UnitPath: "/1/2/4/"}},
	{"unit:KP", app.Target{Kind: sdgdt.ScopeUnit, UnitPath: "/1/3/"}},
	{"unit:23", app.Target{Kind: sdgdt.ScopeUnit, UnitPath: "/1/23/"}},
}

// actionLetters abbreviates the actions in the expectation strings.
var actionLetters = []struct {
	letter byte
	act    app.Action
}{
	{'R', app.ActRead},
	{'M', app.ActManageAccounts},
	{'G', app.ActGrantRoles},
	{'A', app.ActViewAudit},
	{'U', app.ActManageUnits},
	{'Y', app.ActManageYears},
}

func unitRole(role, path string) sdgdt.RoleRef {
	return sdgdt.RoleRef{Role: role, ScopeKind: sdgdt.ScopeUnit, ScopeID: lastID(path), Path: path}
}

func schoolRole(role string, school int64, path string) sdgdt.RoleRef {
	kind := sdgdt.ScopeSchool
	switch role {
	case sdgdt.RoleHomeroom:
		kind = sdgdt.ScopeClass
	case sdgdt.RoleSubjectTeacher:
		kind = sdgdt.ScopeAssignment
	}
	id := school
	if kind != sdgdt.ScopeSchool {
		id = 900 + school // a class or an assignment of that school
	}
	return sdgdt.RoleRef{Role: role, ScopeKind: kind, ScopeID: id, SchoolID: school, Path: path}
}

func lastID(path string) int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var id int64
	fmt.Sscan(parts[len(parts)-1], &id)
	return id
}

func principalWith(roles ...sdgdt.RoleRef) *app.Principal {
	return &app.Principal{User: sdgdt.User{ID: 1, Username: "nguoidung", FullName: "Người Dùng"}, Roles: roles}
}

// TestCanMatrix checks every role × action × scope. Each row gives, per target,
// the letters of the actions allowed (R read, M manage accounts, G grant roles,
// A view audit, U manage units, Y manage years); every other action is refused.
func TestCanMatrix(t *testing.T) {
	all := "RMGAUY"
	rows := []struct {
		name   string
		role   sdgdt.RoleRef
		expect map[string]string // target name → allowed actions; absent: none
	}{
		{"unit_admin@root", unitRole(sdgdt.RoleUnitAdmin, "/1/"), map[string]string{
			"school10@BMT": all, "school11@BMT": all, "school12@KP": all, "school13@root": all, "school14@commune": all, "school23@unit23": all,
			"unit:root": all, "unit:BMT": all, "unit:commune": all, "unit:KP": all, "unit:23": all}},
		{"unit_board@root", unitRole(sdgdt.RoleUnitBoard, "/1/"), map[string]string{
			"school10@BMT": "RA", "school11@BMT": "RA", "school12@KP": "RA", "school13@root": "RA", "school14@commune": "RA", "school23@unit23": "RA",
			"unit:root": "RA", "unit:BMT": "RA", "unit:commune": "RA", "unit:KP": "RA", "unit:23": "RA"}},
		// An intermediate unit: its own schools and units below, never its parent,
		// a sibling, or a unit whose path merely starts with the same digits; never years.
		{"unit_admin@BMT", unitRole(sdgdt.RoleUnitAdmin, "/1/2/"), map[string]string{
			"school10@BMT": "RMGAU", "school11@BMT": "RMGAU", "school14@commune": "RMGAU",
			"unit:BMT": "RMGAU", "unit:commune": "RMGAU"}},
		{"unit_board@BMT", unitRole(sdgdt.RoleUnitBoard, "/1/2/"), map[string]string{
			"school10@BMT": "RA", "school11@BMT": "RA", "school14@commune": "RA",
			"unit:BMT": "RA", "unit:commune": "RA"}},
		{"unit_admin@commune", unitRole(sdgdt.RoleUnitAdmin, "/1/2/4/"), map[string]string{
			"school14@commune": "RMGAU", "unit:commune": "RMGAU"}},
		// School roles: only their own school, never a unit.
		{"leader@10", schoolRole(sdgdt.RoleLeader, 10, "/1/2/"), map[string]string{"school10@BMT": "RA"}},
		{"sysadmin@10", schoolRole(sdgdt.RoleSysadmin, 10, "/1/2/"), map[string]string{"school10@BMT": "RMGA"}},
		{"board@10", schoolRole(sdgdt.RoleBoard, 10, "/1/2/"), map[string]string{"school10@BMT": "RA"}},
		{"staff@10", schoolRole(sdgdt.RoleStaff, 10, "/1/2/"), map[string]string{"school10@BMT": "R"}},
		{"homeroom@10", schoolRole(sdgdt.RoleHomeroom, 10, "/1/2/"), map[string]string{"school10@BMT": "R"}},
		{"subject_teacher@10", schoolRole(sdgdt.RoleSubjectTeacher, 10, "/1/2/"), map[string]string{"school10@BMT": "R"}},
		{"sysadmin@13 (school under the root)", schoolRole(sdgdt.RoleSysadmin, 13, "/1/"), map[string]string{"school13@root": "RMGA"}},
		// Roles recorded with the wrong kind of scope give nothing.
		{"leader on a unit scope", sdgdt.RoleRef{Role: sdgdt.RoleLeader, ScopeKind: sdgdt.ScopeUnit, ScopeID: 1, Path: "/1/"}, nil},
		{"unit_admin on a school scope", sdgdt.RoleRef{Role: sdgdt.RoleUnitAdmin, ScopeKind: sdgdt.ScopeSchool, ScopeID: 10, SchoolID: 10, Path: "/1/2/"}, nil},
		{"unit role without a path", sdgdt.RoleRef{Role: sdgdt.RoleUnitAdmin, ScopeKind: sdgdt.ScopeUnit, ScopeID: 1}, nil},
		{"school role without a school", sdgdt.RoleRef{Role: sdgdt.RoleSysadmin, ScopeKind: sdgdt.ScopeSchool, Path: "/1/2/"}, nil},
		{"unknown role", sdgdt.RoleRef{Role: "superuser", ScopeKind: sdgdt.ScopeUnit, ScopeID: 1, Path: "/1/"}, nil},
	}
	for _, row := range rows {
		p := principalWith(row.role)
		for _, tg := range policyTargets {
			allowed := row.expect[tg.name]
			for _, al := range actionLetters {
				want := strings.IndexByte(allowed, al.letter) >= 0
				if got := app.Can(p, al.act, tg.t); got != want {
					t.Errorf("%s: Can(%s, %s) = %v, want %v", row.name, al.act, tg.name, got, want)
				}
			}
		}
	}
}

func TestCanSpecialPrincipals(t *testing.T) {
	own := policyTargets[0].t
	if app.Can(nil, app.ActRead, own) {
		t.Error("a nil principal may read")
	}
	if app.Can(principalWith(), app.ActRead, own) {
		t.Error("a principal without roles may read")
	}
	disabled := principalWith(unitRole(sdgdt.RoleUnitAdmin, "/1/"))
	disabled.User.Disabled = true
	for _, al := range actionLetters {
		if app.Can(disabled, al.act, own) {
			t.Errorf("a disabled root administrator may %s", al.act)
		}
	}
	sys := app.System("test")
	for _, al := range actionLetters {
		for _, tg := range policyTargets {
			if !app.Can(sys, al.act, tg.t) {
				t.Errorf("the command line may not %s on %s", al.act, tg.name)
			}
		}
	}
	// Several roles add up, each on its own scope only.
	p := principalWith(schoolRole(sdgdt.RoleLeader, 10, "/1/2/"), schoolRole(sdgdt.RoleStaff, 11, "/1/2/"))
	cases := []struct {
		act    app.Action
		target int
		want   bool
	}{
		{app.ActRead, 0, true}, {app.ActViewAudit, 0, true}, {app.ActRead, 1, true}, {app.ActViewAudit, 1, false},
		{app.ActManageAccounts, 0, false}, {app.ActManageAccounts, 1, false}, {app.ActRead, 2, false},
	}
	for _, c := range cases {
		if got := app.Can(p, c.act, policyTargets[c.target].t); got != c.want {
			t.Errorf("leader@10+staff@11: Can(%s, %s) = %v, want %v", c.act, policyTargets[c.target].name, got, c.want)
		}
	}
}

func TestCanGrant(t *testing.T) {
	school := func(id int64, path string) app.Target {
		return app.Target{Kind: sdgdt.ScopeSchool, UnitPath: path, SchoolID: id}
	}
	unit := func(path string) app.Target { return app.Target{Kind: sdgdt.ScopeUnit, UnitPath: path} }
	rootAdmin := unitRole(sdgdt.RoleUnitAdmin, "/1/")
	bmtAdmin := unitRole(sdgdt.RoleUnitAdmin, "/1/2/")
	rootBoard := unitRole(sdgdt.RoleUnitBoard, "/1/")
	sysadmin := schoolRole(sdgdt.RoleSysadmin, 10, "/1/2/")
	leader := schoolRole(sdgdt.RoleLeader, 10, "/1/2/")
	cases := []struct {
		name   string
		holder sdgdt.RoleRef
		role   string
		t      app.Target
		want   bool
	}{
		{"root admin grants unit_admin on a district", rootAdmin, sdgdt.RoleUnitAdmin, unit("/1/2/"), true},
		{"root admin grants unit_admin on the root", rootAdmin, sdgdt.RoleUnitAdmin, unit("/1/"), true},
		{"root admin grants leader in any school", rootAdmin, sdgdt.RoleLeader, school(12, "/1/3/"), true},
		{"unit role on a school scope refused", rootAdmin, sdgdt.RoleUnitAdmin, school(10, "/1/2/"), false},
		{"unit_board on a school scope refused", rootAdmin, sdgdt.RoleUnitBoard, school(10, "/1/2/"), false},
		{"school role on a unit scope refused", rootAdmin, sdgdt.RoleLeader, unit("/1/2/"), false},
		{"homeroom is not grantable", rootAdmin, sdgdt.RoleHomeroom, school(10, "/1/2/"), false},
		{"subject_teacher is not grantable", rootAdmin, sdgdt.RoleSubjectTeacher, school(10, "/1/2/"), false},
		{"unknown role", rootAdmin, "superuser", unit("/1/"), false},
		{"district admin grants unit_board on its district", bmtAdmin, sdgdt.RoleUnitBoard, unit("/1/2/"), true},
		{"district admin grants on a unit below", bmtAdmin, sdgdt.RoleUnitAdmin, unit("/1/2/4/"), true},
		{"district admin grants on its parent", bmtAdmin, sdgdt.RoleUnitAdmin, unit("/1/"), false},
		{"district admin grants on a sibling", bmtAdmin, sdgdt.RoleUnitAdmin, unit("/1/3/"), false},
		{"district admin grants on a look-alike path", bmtAdmin, sdgdt.RoleUnitAdmin, unit("/1/23/"), false},
		{"district admin grants sysadmin in its school", bmtAdmin, sdgdt.RoleSysadmin, school(10, "/1/2/"), true},
		{"district admin grants leader in another district's school", bmtAdmin, sdgdt.RoleLeader, school(12, "/1/3/"), false},
		{"unit board grants nothing", rootBoard, sdgdt.RoleBoard, school(10, "/1/2/"), false},
		{"sysadmin grants leader in own school (decided above the school)", sysadmin, sdgdt.RoleLeader, school(10, "/1/2/"), false},
		{"district admin grants leader in its school", bmtAdmin, sdgdt.RoleLeader, school(10, "/1/2/"), true},
		{"sysadmin grants board in own school", sysadmin, sdgdt.RoleBoard, school(10, "/1/2/"), true},
		{"sysadmin grants staff in own school", sysadmin, sdgdt.RoleStaff, school(10, "/1/2/"), true},
		{"sysadmin grants leader in another school of the unit", sysadmin, sdgdt.RoleLeader, school(11, "/1/2/"), false},
		{"sysadmin grants leader in another unit's school", sysadmin, sdgdt.RoleLeader, school(12, "/1/3/"), false},
		{"sysadmin grants homeroom", sysadmin, sdgdt.RoleHomeroom, school(10, "/1/2/"), false},
		{"sysadmin grants unit_board on its unit", sysadmin, sdgdt.RoleUnitBoard, unit("/1/2/"), false},
		{"leader grants staff", leader, sdgdt.RoleStaff, school(10, "/1/2/"), false},
	}
	for _, c := range cases {
		if got := app.CanGrant(principalWith(c.holder), c.role, c.t); got != c.want {
			t.Errorf("%s: CanGrant = %v, want %v", c.name, got, c.want)
		}
	}
	disabled := principalWith(rootAdmin)
	disabled.User.Disabled = true
	if app.CanGrant(disabled, sdgdt.RoleLeader, school(10, "/1/2/")) {
		t.Error("a disabled administrator may grant")
	}
	if !app.CanGrant(app.System("t"), sdgdt.RoleLeader, school(10, "/1/2/")) || app.CanGrant(app.System("t"), sdgdt.RoleHomeroom, school(10, "/1/2/")) {
		t.Error("the command line grants every grantable role and only those")
	}
}

// TestCanReadClass checks needs-to-know on a class's list and profiles: the
// school's leadership, office and administrator see every class; a homeroom
// teacher his class; a subject teacher the classes he teaches, without their
// personal data; no one another school's.
func TestCanReadClass(t *testing.T) {
	class := func(school, id int64) app.Target {
		return app.Target{Kind: sdgdt.ScopeSchool, UnitPath: "/1/2/", SchoolID: school, ClassID: id}
	}
	teacher := sdgdt.RoleRef{Role: sdgdt.RoleSubjectTeacher, ScopeKind: sdgdt.ScopeAssignment, ScopeID: 77, SchoolID: 10, ClassID: 5, Path: "/1/2/"}
	homeroom := sdgdt.RoleRef{Role: sdgdt.RoleHomeroom, ScopeKind: sdgdt.ScopeClass, ScopeID: 6, SchoolID: 10, ClassID: 6, Path: "/1/2/"}
	cases := []struct {
		name string
		role sdgdt.RoleRef
		act  app.Action
		t    app.Target
		want bool
	}{
		{"subject teacher, a class he teaches", teacher, app.ActReadClass, class(10, 5), true},
		{"subject teacher, its profiles", teacher, app.ActViewProfiles, class(10, 5), false},
		{"subject teacher, a class he does not teach", teacher, app.ActReadClass, class(10, 6), false},
		{"subject teacher, the school without a class", teacher, app.ActReadClass, class(10, 0), false},
		{"homeroom teacher, his class", homeroom, app.ActReadClass, class(10, 6), true},
		{"homeroom teacher, another class", homeroom, app.ActReadClass, class(10, 5), false},
		{"office staff, any class", schoolRole(sdgdt.RoleStaff, 10, "/1/2/"), app.ActReadClass, class(10, 5), true},
		{"leader, any class", schoolRole(sdgdt.RoleLeader, 10, "/1/2/"), app.ActReadClass, class(10, 5), true},
		{"another school's leader", schoolRole(sdgdt.RoleLeader, 11, "/1/2/"), app.ActReadClass, class(10, 5), false},
		{"the office above, inspecting", unitRole(sdgdt.RoleUnitBoard, "/1/2/"), app.ActReadClass, class(10, 5), true},
	}
	for _, c := range cases {
		if got := app.Can(principalWith(c.role), c.act, c.t); got != c.want {
			t.Errorf("%s: Can(%s) = %v, want %v", c.name, c.act, got, c.want)
		}
	}
}
