package app

import (
	"strings"

	"sdgdt"
)

// Action is something a principal may be allowed to do on a target.
type Action string

// Actions of the foundation. Later parts of the book add theirs here, so that
// Can stays the one place that decides.
const (
	ActRead           Action = "read"            // see a unit or school, its lists and statistics
	ActManageAccounts Action = "manage_accounts" // create accounts, reset passwords, disable
	ActGrantRoles     Action = "grant_roles"     // grant and revoke roles, name board members
	ActViewAudit      Action = "view_audit"      // browse the audit log
	ActManageUnits    Action = "manage_units"    // create units and schools below
	ActManageYears    Action = "manage_years"    // define school years (province level)

	// School records.
	ActKeepClassRecords Action = "keep_class_records" // pupils' profiles, absences, movements of a class
	ActManageSchool     Action = "manage_school"      // classes, curricula, assignments, imports, rollover
	ActViewProfiles     Action = "view_profiles"      // full personal data (identity numbers, phones)
	ActReadClass        Action = "read_class"         // a class's list, its pupils' profiles and absences: who needs to know

	// Assessment book (secondary sheets, conduct).
	ActReadSheet    Action = "read_sheet"    // see a class × subject × term sheet and its history
	ActWriteSheet   Action = "write_sheet"   // enter marks: the assignment's own subject teacher only
	ActWriteConduct Action = "write_conduct" // rate conduct: the class's homeroom teacher only

	// Primary book: the principal's decision on a pupil still CHT after the
	// additional assessment (promotion or staying in the grade).
	ActDecidePromotion Action = "decide_promotion"

	// Control of the book.
	ActLock         Action = "lock"          // lock and unlock the school's book (a leader; a sysadmin at a leader's request)
	ActInspect      Action = "inspect"       // inspection lock windows over every school below a unit
	ActApprove      Action = "approve"       // approve class books, approve or reject correction requests
	ActPropose      Action = "propose"       // propose a class book for approval; witness a correction (admin board)
	ActViewProgress Action = "view_progress" // entry-progress dashboards

	// Statistics (08-statistics.md): the figures of a unit or school.
	ActViewStatistics Action = "view_statistics"
)

// Target is what an action is done on: a unit or a school (by its path), or an
// object inside a school, possibly of one class or one teaching assignment.
type Target struct {
	Kind         string // sdgdt.ScopeUnit or sdgdt.ScopeSchool
	UnitPath     string // the unit's path, or the school's unit path
	SchoolID     int64  // for a school or anything inside it
	ClassID      int64  // for something of one class
	AssignmentID int64  // for something of one teaching assignment
}

// ClassTarget returns the target of something of one class of a school.
func ClassTarget(s sdgdt.School, classID int64) Target {
	t := SchoolTarget(s)
	t.ClassID = classID
	return t
}

// UnitTarget returns the target of a unit.
func UnitTarget(u sdgdt.Unit) Target { return Target{Kind: sdgdt.ScopeUnit, UnitPath: u.Path} }

// SchoolTarget returns the target of a school.
func SchoolTarget(s sdgdt.School) Target {
	return Target{Kind: sdgdt.ScopeSchool, UnitPath: s.UnitPath, SchoolID: s.ID}
}

// unitActions lists what a unit-scoped role may do on anything below its unit.
var unitActions = map[string]map[Action]bool{
	sdgdt.RoleUnitAdmin: {ActRead: true, ActManageAccounts: true, ActGrantRoles: true, ActViewAudit: true, ActManageUnits: true, ActManageYears: true, ActViewProfiles: true, ActReadClass: true, ActReadSheet: true, ActInspect: true, ActViewProgress: true, ActViewStatistics: true},
	sdgdt.RoleUnitBoard: {ActRead: true, ActViewAudit: true, ActReadClass: true, ActReadSheet: true, ActViewProgress: true, ActViewStatistics: true},
}

// schoolActions lists what a school-scoped role may do in its school.
var schoolActions = map[string]map[Action]bool{
	sdgdt.RoleLeader:         {ActRead: true, ActViewAudit: true, ActViewProfiles: true, ActReadClass: true, ActReadSheet: true, ActLock: true, ActApprove: true, ActViewProgress: true, ActDecidePromotion: true, ActViewStatistics: true},
	sdgdt.RoleSysadmin:       {ActRead: true, ActManageAccounts: true, ActGrantRoles: true, ActViewAudit: true, ActKeepClassRecords: true, ActManageSchool: true, ActViewProfiles: true, ActReadClass: true, ActReadSheet: true},
	sdgdt.RoleBoard:          {ActRead: true, ActViewAudit: true, ActReadClass: true, ActReadSheet: true, ActPropose: true, ActViewProgress: true, ActViewStatistics: true},
	sdgdt.RoleStaff:          {ActRead: true, ActReadClass: true}, // the office (văn thư) keeps and prints the books
	sdgdt.RoleHomeroom:       {ActRead: true},
	sdgdt.RoleSubjectTeacher: {ActRead: true},
}

// ownActions lists what a class- or assignment-scoped role may do on its own
// class or assignment only.
var ownActions = map[string]map[Action]bool{
	sdgdt.RoleHomeroom:       {ActKeepClassRecords: true, ActViewProfiles: true, ActReadClass: true, ActReadSheet: true, ActWriteConduct: true},
	sdgdt.RoleSubjectTeacher: {ActReadSheet: true, ActWriteSheet: true},
}

// taughtActions lists what a subject teacher may do on any class he teaches
// (not only on his own assignment): see its list of pupils, without their
// personal data.
var taughtActions = map[Action]bool{ActReadClass: true}

// Can reports whether p may do action on target. It is the one policy function:
// pages, the API and the use cases all ask it.
func Can(p *Principal, action Action, t Target) bool {
	if p == nil {
		return false
	}
	if p.system {
		return true
	}
	if p.User.Disabled {
		return false
	}
	if action == ActPrint {
		return canPrintRole(p, t) // documents.go
	}
	for _, r := range p.Roles {
		switch r.ScopeKind {
		case sdgdt.ScopeUnit:
			if !unitActions[r.Role][action] || r.Path == "" || !strings.HasPrefix(t.UnitPath, r.Path) {
				continue
			}
			// Years are province-wide: only the root unit's administrators define them.
			if action == ActManageYears && strings.Count(r.Path, "/") != 2 {
				continue
			}
			return true
		default: // school, class, assignment: the role lives inside one school
			if t.Kind != sdgdt.ScopeSchool || t.SchoolID != r.SchoolID || r.SchoolID == 0 {
				continue
			}
			if schoolActions[r.Role][action] {
				return true
			}
			if ownActions[r.Role][action] && ((r.ScopeKind == sdgdt.ScopeClass && t.ClassID == r.ScopeID) ||
				(r.ScopeKind == sdgdt.ScopeAssignment && t.AssignmentID == r.ScopeID)) {
				return true
			}
			if taughtActions[action] && r.ScopeKind == sdgdt.ScopeAssignment && t.ClassID != 0 && t.ClassID == r.ClassID {
				return true
			}
		}
	}
	return false
}

// CanGrant reports whether p may grant role on a scope: the role must be
// grantable, fit the scope's kind, and p must hold ActGrantRoles there.
func CanGrant(p *Principal, role string, t Target) bool {
	info, ok := sdgdt.Role(role)
	if !ok || !info.Grantable || info.Scope != t.Kind {
		return false
	}
	if role == sdgdt.RoleLeader {
		// A school's leadership is decided above it: a school administrator
		// cannot make anyone (himself included) principal, nor remove one.
		return canFromAbove(p, ActGrantRoles, t)
	}
	return Can(p, ActGrantRoles, t)
}

// canFromAbove reports whether p may do action on t through a role of a
// management unit above it (or as the operator), not through a school role.
func canFromAbove(p *Principal, action Action, t Target) bool {
	if p == nil || p.User.Disabled {
		return false
	}
	if p.system {
		return true
	}
	for _, r := range p.Roles {
		if r.ScopeKind == sdgdt.ScopeUnit && unitActions[r.Role][action] && r.Path != "" && strings.HasPrefix(t.UnitPath, r.Path) {
			return true
		}
	}
	return false
}
