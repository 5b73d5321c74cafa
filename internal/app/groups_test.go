package app_test

import (
	"strings"
	"testing"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestGroups checks groups and subject teams: the school's
// administrator makes them, names members (of his school only) and grants them
// roles; members hold a group's roles while they are members; every change is
// in the audit log, and a member slipped into a group behind the application's
// back is caught by the data check.
func TestGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		a1 := w.school["A1"]
		teacher, staff := w.users["a1.teacher"].ID, w.users["a1.staff"].ID
		wantCode(t, "a teacher creates a group", second(w.a.CreateGroup(w.ctx, w.as("a1.teacher"), a1.ID, "team", "Tổ Toán", nil)), sdgdt.EFORBIDDEN)
		wantCode(t, "another school's member", second(w.a.CreateGroup(w.ctx, w.as("a1.admin"), a1.ID, "team", "Tổ Toán", []int64{w.users["b1.teacher"].ID})), sdgdt.EINVALID)
		wantCode(t, "no name", second(w.a.CreateGroup(w.ctx, w.as("a1.admin"), a1.ID, "team", "  ", nil)), sdgdt.EINVALID)
		wantCode(t, "unknown kind", second(w.a.CreateGroup(w.ctx, w.as("a1.admin"), a1.ID, "club", "Câu lạc bộ", nil)), sdgdt.EINVALID)
		gid, err := w.a.CreateGroup(w.ctx, w.as("a1.admin"), a1.ID, "team", "Tổ Toán – Tin", []int64{teacher})
		w.must(err)
		wantCode(t, "the same name again", second(w.a.CreateGroup(w.ctx, w.as("a1.admin"), a1.ID, "group", "tổ toán – tin", nil)), sdgdt.EINVALID)

		// A role for the team reaches its members, and only them.
		wantCode(t, "the leader's role to a group", second(w.a.GrantGroupRole(w.ctx, w.as("a1.admin"), gid, sdgdt.RoleLeader, "")), sdgdt.EINVALID)
		wantCode(t, "another school's administrator", second(w.a.GrantGroupRole(w.ctx, w.as("b1.admin"), gid, sdgdt.RoleBoard, "")), sdgdt.EFORBIDDEN)
		g, err := w.a.GrantGroupRole(w.ctx, w.as("a1.admin"), gid, sdgdt.RoleBoard, "Giám sát tiến độ nhập điểm của tổ")
		w.must(err)
		if !hasRole(w.as("a1.teacher"), sdgdt.RoleBoard) || hasRole(w.as("a1.staff"), sdgdt.RoleBoard) {
			t.Fatal("the team's role does not reach exactly its members")
		}
		// Members change: the one taken out loses the role, the one added gets it.
		w.must(w.a.SetGroupMembers(w.ctx, w.as("a1.admin"), gid, []int64{staff}))
		if hasRole(w.as("a1.teacher"), sdgdt.RoleBoard) || !hasRole(w.as("a1.staff"), sdgdt.RoleBoard) {
			t.Error("members changed, roles did not follow")
		}
		wantCode(t, "a stranger as member", w.a.SetGroupMembers(w.ctx, w.as("a1.admin"), gid, []int64{staff, w.users["b1.teacher"].ID}), sdgdt.EINVALID)
		sg, err := w.a.Groups(w.ctx, w.as("a1.leader"), a1.ID)
		w.must(err)
		if len(sg.Groups) != 1 || len(sg.Groups[0].Members) != 1 || len(sg.Groups[0].Grants) != 1 || sg.CanManage {
			t.Errorf("the groups page for the leader: %+v", sg)
		}
		w.must(w.a.RevokeRole(w.ctx, w.as("a1.admin"), g.ID))
		if hasRole(w.as("a1.staff"), sdgdt.RoleBoard) {
			t.Error("the team's role revoked, its member still holds it")
		}
		var actions []string
		for _, e := range w.auditEntries() {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); !strings.Contains(got, "group.members") || !strings.Contains(got, "group.create") {
			t.Errorf("group changes not in the audit log: %s", got)
		}
		w.verifyAudit()
		if ps, err := db.VerifyData(w.ctx); err != nil || len(ps) != 0 {
			t.Fatalf("data check after group changes: %v %v", ps, err)
		}
		// A member inserted behind the application's back.
		w.must(db.Update(w.ctx, func(tx *store.Tx) error { return tx.AddGroupMember(gid, teacher) }))
		ps, err := db.VerifyData(w.ctx)
		if err != nil || len(ps) != 1 || ps[0].Kind != "group" {
			t.Errorf("a member slipped in is not caught: %v %v", ps, err)
		}
	})
}
