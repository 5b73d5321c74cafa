package app_test

import (
	"slices"
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

func TestGrantRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		a1, b1, pa := w.school["A1"], w.school["B1"], w.units["PA"]
		refusals := []struct {
			name, by, user, role, kind string
			scope                      int64
			code, field                string
		}{
			{"user of another school", "a1.admin", "b1.teacher", sdgdt.RoleStaff, sdgdt.ScopeSchool, a1.ID, sdgdt.EINVALID, "user"},
			{"user of the unit on a school", "pa.admin", "pa.board", sdgdt.RoleLeader, sdgdt.ScopeSchool, a1.ID, sdgdt.EINVALID, "user"},
			{"school user on a unit", "pa.admin", "a1.teacher", sdgdt.RoleUnitBoard, sdgdt.ScopeUnit, pa.ID, sdgdt.EINVALID, "user"},
			{"user of a sibling unit", "so.admin", "pb.board", sdgdt.RoleUnitAdmin, sdgdt.ScopeUnit, pa.ID, sdgdt.EINVALID, "user"},
			{"duplicate grant", "a1.admin", "a1.staff", sdgdt.RoleStaff, sdgdt.ScopeSchool, a1.ID, sdgdt.EINVALID, "role"},
			{"homeroom is not grantable", "a1.admin", "a1.teacher", sdgdt.RoleHomeroom, sdgdt.ScopeSchool, a1.ID, sdgdt.EINVALID, "role"},
			{"subject teacher is not grantable", "so.admin", "a1.teacher", sdgdt.RoleSubjectTeacher, sdgdt.ScopeSchool, a1.ID, sdgdt.EINVALID, "role"},
			{"unknown role", "so.admin", "a1.teacher", "superuser", sdgdt.ScopeSchool, a1.ID, sdgdt.EINVALID, "role"},
			{"unit role on a school", "so.admin", "a1.teacher", sdgdt.RoleUnitAdmin, sdgdt.ScopeSchool, a1.ID, sdgdt.EINVALID, "scope"},
			{"school role on a unit", "so.admin", "pa.board", sdgdt.RoleLeader, sdgdt.ScopeUnit, pa.ID, sdgdt.EINVALID, "scope"},
			{"sysadmin grants in another school", "a1.admin", "b1.teacher", sdgdt.RoleStaff, sdgdt.ScopeSchool, b1.ID, sdgdt.EFORBIDDEN, ""},
			{"leader grants in his school", "a1.leader", "a1.teacher", sdgdt.RoleStaff, sdgdt.ScopeSchool, a1.ID, sdgdt.EFORBIDDEN, ""},
			{"teacher grants himself", "a1.teacher", "a1.teacher", sdgdt.RoleSysadmin, sdgdt.ScopeSchool, a1.ID, sdgdt.EFORBIDDEN, ""},
			{"unit board grants", "pa.board", "a1.teacher", sdgdt.RoleStaff, sdgdt.ScopeSchool, a1.ID, sdgdt.EFORBIDDEN, ""},
			{"district admin grants on its parent", "pa.admin", "so.admin", sdgdt.RoleUnitBoard, sdgdt.ScopeUnit, w.units["SO"].ID, sdgdt.EFORBIDDEN, ""},
			{"district admin grants in another district", "pa.admin", "b1.teacher", sdgdt.RoleStaff, sdgdt.ScopeSchool, b1.ID, sdgdt.EFORBIDDEN, ""},
			{"no such school", "so.admin", "a1.teacher", sdgdt.RoleStaff, sdgdt.ScopeSchool, 99999, sdgdt.ENOTFOUND, ""},
		}
		for _, c := range refusals {
			n, grants := len(w.auditEntries()), len(w.grantsOn("A1"))+len(w.grantsOn("B1"))+len(w.grantsOn("PA"))+len(w.grantsOn("SO"))
			_, err := w.a.GrantRole(w.ctx, w.as(c.by), w.users[c.user].ID, c.role, c.kind, c.scope, "")
			wantCode(t, c.name, err, c.code)
			if c.field != "" {
				wantField(t, c.name, err, c.field)
			}
			if len(w.auditEntries()) != n || len(w.grantsOn("A1"))+len(w.grantsOn("B1"))+len(w.grantsOn("PA"))+len(w.grantsOn("SO")) != grants {
				t.Errorf("%s: something was written", c.name)
			}
		}
		if _, err := w.a.GrantRole(w.ctx, w.as("a1.admin"), w.users["a1.staff"].ID, sdgdt.RoleBoard, sdgdt.ScopeSchool, a1.ID, strings.Repeat("x", 301)); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("a 301-character duty: %v", err)
		}

		// A grant takes effect at once and a revocation too; history is kept.
		g, err := w.a.GrantRole(w.ctx, w.as("a1.admin"), w.users["a1.teacher"].ID, sdgdt.RoleSysadmin, sdgdt.ScopeSchool, a1.ID, "")
		w.must(err)
		if g.ScopeName != a1.Name || g.GrantedBy != w.users["a1.admin"].ID {
			t.Errorf("grant %+v", g)
		}
		p := w.as("a1.teacher")
		if !hasRole(p, sdgdt.RoleSysadmin) || !hasRole(p, sdgdt.RoleHomeroom) || !app.Can(p, app.ActManageAccounts, app.SchoolTarget(a1)) {
			t.Errorf("roles after the grant: %+v", p.Roles)
		}
		w.must(w.a.RevokeRole(w.ctx, w.as("a1.admin"), g.ID))
		if p := w.as("a1.teacher"); hasRole(p, sdgdt.RoleSysadmin) {
			t.Error("the revoked role is still held")
		}
		wantCode(t, "revoke twice", w.a.RevokeRole(w.ctx, w.as("a1.admin"), g.ID), sdgdt.ENOTFOUND)

		// Revocations follow the same rights; nobody revokes his own administration.
		var adminGrant sdgdt.Grant
		for _, gr := range w.grantsOn("A1") {
			if gr.UserID == w.users["a1.admin"].ID && gr.Role == sdgdt.RoleSysadmin {
				adminGrant = gr
			}
		}
		wantCode(t, "revoke own sysadmin", w.a.RevokeRole(w.ctx, w.as("a1.admin"), adminGrant.ID), sdgdt.EINVALID)
		wantCode(t, "revoke in another school", w.a.RevokeRole(w.ctx, w.as("b1.admin"), adminGrant.ID), sdgdt.EFORBIDDEN)
		wantCode(t, "leader revokes", w.a.RevokeRole(w.ctx, w.as("a1.leader"), adminGrant.ID), sdgdt.EFORBIDDEN)
		w.must(w.a.RevokeRole(w.ctx, w.as("pa.admin"), adminGrant.ID))
		if hasRole(w.as("a1.admin"), sdgdt.RoleSysadmin) {
			t.Error("revoked by the district, still sysadmin")
		}

		// Groups hold roles for their members.
		gid, err := w.a.CreateGroup(w.ctx, w.sys, a1.ID, "team", "Tổ Văn", []int64{w.users["a1.teacher"].ID})
		w.must(err)
		w.must(db.Update(w.ctx, func(tx *store.Tx) error {
			return tx.CreateGrant(&sdgdt.Grant{GroupID: gid, Role: sdgdt.RoleBoard, ScopeKind: sdgdt.ScopeSchool, ScopeID: a1.ID})
		}))
		if !hasRole(w.as("a1.teacher"), sdgdt.RoleBoard) {
			t.Error("a group's role does not reach its member")
		}
		w.verifyAudit()
	})
}

func TestVisibleTreeAndPlaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		cases := []struct {
			user           string
			units, schools []string
		}{
			{"so.admin", []string{"SO", "PA", "PB"}, []string{"A1", "A2", "B1"}},
			{"pa.board", []string{"PA"}, []string{"A1", "A2"}},
			{"pb.board", []string{"PB"}, []string{"B1"}},
			{"a1.leader", nil, []string{"A1"}},
			{"a1.teacher", nil, []string{"A1"}},
			{"b1.teacher", nil, nil},
		}
		for _, c := range cases {
			p := w.as(c.user)
			tr, err := w.a.VisibleTree(w.ctx, p)
			w.must(err)
			var units, schools []string
			for _, u := range tr.Units {
				units = append(units, u.Code)
			}
			for _, s := range tr.Schools {
				schools = append(schools, s.Code)
			}
			slices.Sort(schools)
			if !slices.Equal(units, c.units) || !slices.Equal(schools, c.schools) {
				t.Errorf("%s sees units %v and schools %v, want %v and %v", c.user, units, schools, c.units, c.schools)
			}
			// Every place outside the tree is refused, every place inside readable.
			for code, s := range w.school {
				_, err := w.a.SchoolPlace(w.ctx, p, s.ID)
				want := ""
				if !slices.Contains(c.schools, code) {
					want = sdgdt.EFORBIDDEN
				}
				wantCode(t, c.user+" reads school "+code, err, want)
			}
			for code, u := range w.units {
				_, err := w.a.UnitPlace(w.ctx, p, u.ID)
				want := ""
				if !slices.Contains(c.units, code) {
					want = sdgdt.EFORBIDDEN
				}
				wantCode(t, c.user+" reads unit "+code, err, want)
			}
		}
		// A school's page: members, board, classes; rights shown to the reader.
		pl, err := w.a.SchoolPlace(w.ctx, w.as("a1.admin"), w.school["A1"].ID)
		w.must(err)
		if !pl.CanManage || !pl.CanGrant || !pl.CanAudit || pl.Parent.Code != "PA" || len(pl.Classes) != 1 || pl.Year.Name != "2026-2027" {
			t.Errorf("A1 for its sysadmin: %+v", pl)
		}
		if len(pl.Members) != 4 {
			t.Errorf("A1 has %d members, want 4", len(pl.Members))
		}
		pl, err = w.a.SchoolPlace(w.ctx, w.as("a1.leader"), w.school["A1"].ID)
		w.must(err)
		if pl.CanManage || pl.CanGrant || !pl.CanAudit {
			t.Errorf("A1 for its leader: manage %v grant %v audit %v", pl.CanManage, pl.CanGrant, pl.CanAudit)
		}
		up, err := w.a.UnitPlace(w.ctx, w.as("pa.admin"), w.units["PA"].ID)
		w.must(err)
		if !up.CanAddUnit || len(up.Schools) != 2 || up.Parent.Code != "SO" || len(up.Board) != 1 {
			t.Errorf("PA for its admin: %+v", up)
		}
		_, err = w.a.SchoolPlace(w.ctx, w.as("so.admin"), 99999)
		wantCode(t, "no such school", err, sdgdt.ENOTFOUND)
	})
}

func TestAuditLogScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		a1, a2, b1 := w.school["A1"], w.school["A2"], w.school["B1"]
		// Some activity in each school and unit.
		for _, u := range []string{"a1.staff", "a2.leader", "b1.leader", "pa.board", "pb.board", "so.admin"} {
			_, err := w.signIn(u, testPassword, "192.0.2.90", "web")
			w.must(err)
		}
		type want struct {
			schools []int64 // school ids allowed in the result (0: unit entries)
			must    []int64 // school ids that must appear
		}
		cases := []struct {
			user string
			q    app.AuditQuery
			code string
			want want
		}{
			{"a1.leader", app.AuditQuery{}, "", want{[]int64{a1.ID}, []int64{a1.ID}}},
			{"a1.admin", app.AuditQuery{SchoolID: a1.ID}, "", want{[]int64{a1.ID}, []int64{a1.ID}}},
			{"pa.board", app.AuditQuery{}, "", want{[]int64{a1.ID, a2.ID, 0}, []int64{a1.ID, a2.ID, 0}}},
			{"pa.board", app.AuditQuery{SchoolID: a2.ID}, "", want{[]int64{a2.ID}, []int64{a2.ID}}},
			{"pb.board", app.AuditQuery{}, "", want{[]int64{b1.ID, 0}, []int64{b1.ID}}},
			{"so.admin", app.AuditQuery{}, "", want{[]int64{a1.ID, a2.ID, b1.ID, 0}, []int64{a1.ID, a2.ID, b1.ID, 0}}},
			{"a1.leader", app.AuditQuery{SchoolID: b1.ID}, sdgdt.EFORBIDDEN, want{}},
			{"a1.leader", app.AuditQuery{SchoolID: a2.ID}, sdgdt.EFORBIDDEN, want{}},
			{"a1.leader", app.AuditQuery{UnitID: w.units["PA"].ID}, sdgdt.EFORBIDDEN, want{}},
			{"pa.board", app.AuditQuery{SchoolID: b1.ID}, sdgdt.EFORBIDDEN, want{}},
			{"pa.board", app.AuditQuery{UnitID: w.units["PB"].ID}, sdgdt.EFORBIDDEN, want{}},
			{"pa.board", app.AuditQuery{UnitID: w.units["SO"].ID}, sdgdt.EFORBIDDEN, want{}},
			{"a1.staff", app.AuditQuery{}, sdgdt.EFORBIDDEN, want{}},
			{"a1.staff", app.AuditQuery{SchoolID: a1.ID}, sdgdt.EFORBIDDEN, want{}},
			{"a1.teacher", app.AuditQuery{}, sdgdt.EFORBIDDEN, want{}},
			{"b1.teacher", app.AuditQuery{}, sdgdt.EFORBIDDEN, want{}},
			{"so.admin", app.AuditQuery{SchoolID: 99999}, sdgdt.ENOTFOUND, want{}},
		}
		for _, c := range cases {
			es, err := w.a.AuditLog(w.ctx, w.as(c.user), c.q)
			name := c.user + " " + fmtQuery(c.q)
			wantCode(t, name, err, c.code)
			if c.code != "" {
				if len(es) != 0 {
					t.Errorf("%s: refused but returned %d entries", name, len(es))
				}
				continue
			}
			seen := map[int64]bool{}
			for _, e := range es {
				seen[e.SchoolID] = true
				if !slices.Contains(c.want.schools, e.SchoolID) {
					t.Errorf("%s: sees entry %d (%s) of school %d", name, e.ID, e.Action, e.SchoolID)
				}
			}
			for _, id := range c.want.must {
				if !seen[id] {
					t.Errorf("%s: no entry of school %d", name, id)
				}
			}
		}
		// Unit entries a district sees are its own, not another district's.
		es, err := w.a.AuditLog(w.ctx, w.as("pa.board"), app.AuditQuery{})
		w.must(err)
		for _, e := range es {
			if !strings.HasPrefix(e.UnitPath, w.units["PA"].Path) {
				t.Errorf("pa.board sees entry %d at %s", e.ID, e.UnitPath)
			}
		}
		// Filters: by action and by actor.
		es, err = w.a.AuditLog(w.ctx, w.as("so.admin"), app.AuditQuery{Action: "auth.", Actor: "b1.leader"})
		w.must(err)
		if len(es) != 1 || es[0].ActorID != w.users["b1.leader"].ID {
			t.Errorf("filtered: %+v", es)
		}
		es, err = w.a.AuditLog(w.ctx, w.as("so.admin"), app.AuditQuery{Actor: "khong.co.ai"})
		if err != nil || len(es) != 0 {
			t.Errorf("unknown actor: %d entries, %v", len(es), err)
		}
		es, err = w.a.AuditLog(w.ctx, w.as("so.admin"), app.AuditQuery{Limit: 3})
		if err != nil || len(es) != 3 {
			t.Fatalf("limit: %d entries, %v", len(es), err)
		}
		older, err := w.a.AuditLog(w.ctx, w.as("so.admin"), app.AuditQuery{Limit: 3, BeforeID: es[2].ID})
		if err != nil || len(older) != 3 || older[0].ID >= es[2].ID {
			t.Errorf("next page: %+v, %v", older, err)
		}
	})
}

func fmtQuery(q app.AuditQuery) string {
	var parts []string
	if q.SchoolID != 0 {
		parts = append(parts, "school="+itoa(int(q.SchoolID)))
	}
	if q.UnitID != 0 {
		parts = append(parts, "unit="+itoa(int(q.UnitID)))
	}
	return "{" + strings.Join(parts, ",") + "}"
}
