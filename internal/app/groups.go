package app

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// Groups and subject teams: the school's administrator makes groups of
// staff and subject teams (tổ chuyên môn), names their members and grants
// roles to a group as a whole; a member holds the group's roles while he is a
// member. Every change is recorded, with the full list of members after it.

// GroupKinds are the kinds of group, with their Vietnamese names.
var GroupKinds = map[string]string{"team": "Tổ chuyên môn", "group": "Nhóm"}

// GroupInfo is a group as its page shows it.
type GroupInfo struct {
	sdgdt.Group
	KindName string
	Members  []sdgdt.StaffMember
	Grants   []sdgdt.Grant
}

// Has reports whether a user is a member of the group.
func (g GroupInfo) Has(userID int64) bool { return slices.Contains(g.Group.Members, userID) }

// SchoolGroups is the groups page of a school.
type SchoolGroups struct {
	School    sdgdt.School
	Groups    []GroupInfo
	Staff     []sdgdt.StaffMember
	Roles     []sdgdt.RoleInfo // roles a group may be granted here
	CanManage bool
}

// Groups returns a school's groups and teams with their members and roles.
func (a *App) Groups(ctx context.Context, p *Principal, schoolID int64) (SchoolGroups, error) {
	var sg SchoolGroups
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		t := SchoolTarget(s)
		if !Can(p, ActRead, t) {
			return forbidden()
		}
		sg.School, sg.CanManage = s, Can(p, ActGrantRoles, t)
		if sg.Staff, err = tx.Staff(schoolID); err != nil {
			return err
		}
		byID := map[int64]sdgdt.StaffMember{}
		for _, m := range sg.Staff {
			byID[m.User.ID] = m
		}
		groups, err := tx.GroupsOf(schoolID)
		if err != nil {
			return err
		}
		grants, err := tx.GrantsOfGroups(schoolID)
		if err != nil {
			return err
		}
		for _, g := range groups {
			gi := GroupInfo{Group: g, KindName: GroupKinds[g.Kind]}
			for _, id := range g.Members {
				if m, ok := byID[id]; ok {
					gi.Members = append(gi.Members, m)
				}
			}
			for _, gr := range grants {
				if gr.GroupID == g.ID {
					gi.Grants = append(gi.Grants, gr)
				}
			}
			sg.Groups = append(sg.Groups, gi)
		}
		for _, r := range sdgdt.Roles {
			if r.Grantable && r.Scope == sdgdt.ScopeSchool && r.Code != sdgdt.RoleLeader && CanGrant(p, r.Code, t) {
				sg.Roles = append(sg.Roles, r)
			}
		}
		return nil
	})
	return sg, err
}

// CreateGroup creates a group or subject team (tổ chuyên môn, kind "team";
// "group" otherwise) with members.
func (a *App) CreateGroup(ctx context.Context, p *Principal, schoolID int64, kind, name string, members []int64) (int64, error) {
	in := struct {
		Kind, Name string
		Members    []int64
	}{kind, viet.Clean(strings.Join(strings.Fields(name), " ")), members}
	fields := map[string]string{}
	if _, ok := GroupKinds[in.Kind]; !ok {
		fields["kind"] = "Chọn loại: tổ chuyên môn hoặc nhóm."
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		fields["name"] = "Tên tổ/nhóm từ 1 đến 100 ký tự."
	}
	if len(fields) > 0 {
		return 0, sdgdt.Invalid(fields)
	}
	var id int64
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActGrantRoles, SchoolTarget(s)) {
			return forbidden()
		}
		existing, err := tx.GroupsOf(schoolID)
		if err != nil {
			return err
		}
		for _, g := range existing {
			if strings.EqualFold(g.Name, in.Name) {
				return sdgdt.Invalid(map[string]string{"name": "Trường đã có tổ/nhóm “" + g.Name + "”."})
			}
		}
		if id, err = tx.CreateGroup(schoolID, in.Kind, in.Name); err != nil {
			return err
		}
		members := slices.Compact(slices.Sorted(slices.Values(in.Members)))
		for _, m := range members {
			if err := a.checkStaffOf(tx, m, schoolID); err != nil {
				return err
			}
			if err := tx.AddGroupMember(id, m); err != nil {
				return err
			}
		}
		return record(tx, p, sdgdt.ActGroupCreate, "group", idStr(id), s.ID, s.UnitPath, nil, map[string]any{"kind": in.Kind, "name": in.Name, "members": members})
	})
	return id, err
}

// SetGroupMembers makes members the group's members: those not in it are
// added, those no longer named are taken out.
func (a *App) SetGroupMembers(ctx context.Context, p *Principal, groupID int64, members []int64) error {
	members = slices.Compact(slices.Sorted(slices.Values(members)))
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		g, err := tx.Group(groupID)
		if err != nil {
			return err
		}
		s, err := tx.School(g.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActGrantRoles, SchoolTarget(s)) {
			return forbidden()
		}
		for _, m := range members {
			if slices.Contains(g.Members, m) {
				continue
			}
			if err := a.checkStaffOf(tx, m, s.ID); err != nil {
				return err
			}
			if err := tx.AddGroupMember(g.ID, m); err != nil {
				return err
			}
		}
		for _, m := range g.Members {
			if !slices.Contains(members, m) {
				if err := tx.RemoveGroupMember(g.ID, m); err != nil {
					return err
				}
			}
		}
		if slices.Equal(g.Members, members) {
			return nil // nothing changed
		}
		if members == nil {
			members = []int64{}
		}
		return record(tx, p, sdgdt.ActGroupMembers, "group", idStr(g.ID), s.ID, s.UnitPath, map[string]any{"members": g.Members}, map[string]any{"name": g.Name, "members": members})
	})
}

// GrantGroupRole grants a school role to a group: each member holds it while
// he is a member. The leader's role is never granted to a group.
func (a *App) GrantGroupRole(ctx context.Context, p *Principal, groupID int64, role, duty string) (sdgdt.Grant, error) {
	g := sdgdt.Grant{GroupID: groupID, Role: role, ScopeKind: sdgdt.ScopeSchool, Duty: viet.Clean(duty), GrantedBy: p.User.ID}
	info, ok := sdgdt.Role(role)
	switch {
	case !ok || !info.Grantable || info.Scope != sdgdt.ScopeSchool:
		return g, sdgdt.Invalid(map[string]string{"role": "Chọn một vai trò của trường."})
	case role == sdgdt.RoleLeader:
		return g, sdgdt.Invalid(map[string]string{"role": "Vai trò lãnh đạo nhà trường cấp cho từng người, không cấp cho tổ/nhóm."})
	case utf8.RuneCountInString(g.Duty) > 300:
		return g, sdgdt.Invalid(map[string]string{"duty": "Nhiệm vụ tối đa 300 ký tự."})
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		gr, err := tx.Group(groupID)
		if err != nil {
			return err
		}
		s, err := tx.School(gr.SchoolID)
		if err != nil {
			return err
		}
		t := SchoolTarget(s)
		if !CanGrant(p, role, t) {
			return forbidden()
		}
		if slices.Contains(gr.Members, p.User.ID) && !p.system {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Bạn là thành viên của tổ/nhóm này: không tự cấp vai trò cho nhóm của mình được; hãy nhờ người quản trị khác."}
		}
		existing, err := tx.GrantsOfGroups(s.ID)
		if err != nil {
			return err
		}
		for _, e := range existing {
			if e.GroupID == groupID && e.Role == role {
				return sdgdt.Invalid(map[string]string{"role": "Tổ/nhóm đã có vai trò này."})
			}
		}
		g.ScopeID = s.ID
		if err := tx.CreateGrant(&g); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActRoleGrant, "role_grant", idStr(g.ID), s.ID, s.UnitPath, nil,
			map[string]any{"group_id": groupID, "group": gr.Name, "role": role, "scope_kind": g.ScopeKind, "scope_id": g.ScopeID, "duty": g.Duty})
	})
	return g, err
}
