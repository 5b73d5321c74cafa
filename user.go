package sdgdt

import "time"

// Role codes, as in the API (05-api.md).
const (
	RoleUnitAdmin      = "unit_admin"
	RoleUnitBoard      = "unit_board"
	RoleLeader         = "leader"
	RoleSysadmin       = "sysadmin"
	RoleBoard          = "board"
	RoleHomeroom       = "homeroom"
	RoleSubjectTeacher = "subject_teacher"
	RoleStaff          = "staff"
)

// Scope kinds of a role.
const (
	ScopeUnit       = "unit"
	ScopeSchool     = "school"
	ScopeClass      = "class"
	ScopeAssignment = "assignment"
)

// RoleInfo describes a role: its Vietnamese name, the scope it is granted on,
// whether it can be granted by hand (homeroom and subject teacher roles follow
// from classes and teaching assignments) and whether it requires a second factor.
type RoleInfo struct {
	Code      string
	Name      string
	Scope     string
	Grantable bool
	NeedsMFA  bool
}

// Roles lists every role in display order.
var Roles = []RoleInfo{
	{RoleUnitAdmin, "Quản trị hệ thống cấp đơn vị", ScopeUnit, true, true},
	{RoleUnitBoard, "Thành viên Ban quản trị cấp đơn vị", ScopeUnit, true, true},
	{RoleLeader, "Lãnh đạo nhà trường", ScopeSchool, true, true},
	{RoleSysadmin, "Quản trị hệ thống của trường", ScopeSchool, true, true},
	{RoleBoard, "Thành viên Ban quản trị nhà trường", ScopeSchool, true, false},
	{RoleHomeroom, "Giáo viên chủ nhiệm", ScopeClass, false, false},
	{RoleSubjectTeacher, "Giáo viên bộ môn", ScopeAssignment, false, false},
	{RoleStaff, "Nhân viên văn phòng", ScopeSchool, true, false},
}

// Role returns the description of a role code.
func Role(code string) (RoleInfo, bool) {
	for _, r := range Roles {
		if r.Code == code {
			return r, true
		}
	}
	return RoleInfo{}, false
}

// RoleName returns the Vietnamese name of a role code.
func RoleName(code string) string {
	r, _ := Role(code)
	return r.Name
}

// User is an account. Home is where the account belongs: a school or a unit;
// that school's (or unit's) administrators manage it.
type User struct {
	ID            int64
	Username      string
	FullName      string
	Email         string
	Phone         string
	HomeKind      string // ScopeSchool or ScopeUnit
	HomeID        int64
	PasswordHash  string
	MustChangePW  bool
	TOTPSecret    string
	TOTPEnabled   bool
	TOTPLastStep  int64
	Disabled      bool
	CreatedAt     time.Time
	PasswordSetAt time.Time
}

// Grant is a role held by a user (or by a group the user belongs to) on a scope.
// Duty is the member's assigned duty for admin-board roles.
type Grant struct {
	ID        int64
	UserID    int64
	GroupID   int64
	Role      string
	ScopeKind string
	ScopeID   int64
	ScopeName string
	Duty      string
	GrantedBy int64
	GrantedAt time.Time
}

// RoleRef is one role a user holds, with the path of its scope, as the policy
// function needs it. For school-scoped roles Path is the unit path of the school.
type RoleRef struct {
	Role      string
	ScopeKind string
	ScopeID   int64
	ScopeName string
	SchoolID  int64  // school of a school, class or assignment scope
	ClassID   int64  // class of a class or assignment scope
	Path      string // unit path: of the unit itself, or of the school's unit
}

// Session is a signed-in browser or API token session.
type Session struct {
	ID         string // hash of the secret token
	UserID     int64
	Kind       string // "web" or "api"
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IdleUntil  time.Time
	IP         string
	UserAgent  string
	MFAPending bool
}

// SignIn is a successful sign-in of an account.
type SignIn struct {
	At        time.Time
	IP        string
	UserAgent string
	Kind      string
}

// Group is a group or subject team with its members' ids.
type Group struct {
	ID       int64
	SchoolID int64
	Kind     string
	Name     string
	Members  []int64
}
