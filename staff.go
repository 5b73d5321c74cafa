package sdgdt

// StaffProfile is what a school keeps of a member of staff besides the account.
type StaffProfile struct {
	UserID      int64
	SchoolID    int64
	DateOfBirth string // yyyy-mm-dd, or ""
	Sex         string
	Position    string
	Subjects    string // subject codes, comma-separated
	TeamID      int64
}

// StaffMember is an account of a school with its profile.
type StaffMember struct {
	User    User
	Profile StaffProfile
}
