package sdgdt

import "time"

// Pupil is a pupil's (or learner's) profile: sơ yếu lý lịch.
type Pupil struct {
	ID             int64
	SchoolID       int64
	FamilyName     string
	MiddleName     string
	GivenName      string
	DateOfBirth    time.Time
	Sex            string // "nam" or "nu"
	Ethnicity      string
	PlaceOfBirth   string
	HomeTown       string
	Address        string
	FatherName     string
	MotherName     string
	GuardianName   string
	GuardianPhone  string
	IdentityNumber string // 12 digits (căn cước công dân / mã định danh)
	MinistryCode   string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// FullName is the name as written: family, middle, given.
func (p Pupil) FullName() string {
	s := p.FamilyName
	if p.MiddleName != "" {
		s += " " + p.MiddleName
	}
	if p.GivenName != "" {
		if s != "" {
			s += " "
		}
		s += p.GivenName
	}
	return s
}

// SexName is the Vietnamese word for a sex code.
func SexName(code string) string {
	switch code {
	case "nam":
		return "Nam"
	case "nu":
		return "Nữ"
	}
	return ""
}

// Enrolment statuses.
const (
	EnrolStudying    = "studying"
	EnrolMoved       = "moved"
	EnrolLeft        = "left"
	EnrolTransferred = "transferred"
	EnrolFinished    = "finished"
)

// identityProvinces are the province codes that begin a 12-digit personal
// identity number (the place where the birth was registered).
var identityProvinces = map[string]bool{}

func init() {
	for _, c := range []string{"001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024", "025",
		"026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052",
		"054", "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082", "083", "084",
		"086", "087", "089", "091", "092", "093", "094", "095", "096"} {
		identityProvinces[c] = true
	}
}

// CheckIdentityNumber validates a 12-digit personal identity number against the
// pupil's sex and year of birth: digits 1-3 are a province code, digit 4 encodes
// century and sex (0/1 for men/women born 1900-1999, 2/3 for 2000-2099, 4/5 for
// 2100-2199), digits 5-6 the last two digits of the year of birth. It returns a
// Vietnamese message, or "" when valid. An empty number is valid (not yet known).
func CheckIdentityNumber(number string, dob time.Time, sex string) string {
	if number == "" {
		return ""
	}
	if len(number) != 12 {
		return "Số định danh cá nhân gồm đúng 12 chữ số."
	}
	for _, c := range number {
		if c < '0' || c > '9' {
			return "Số định danh cá nhân chỉ gồm chữ số."
		}
	}
	if !identityProvinces[number[:3]] {
		return "Ba chữ số đầu (" + number[:3] + ") không phải mã tỉnh, thành phố hợp lệ."
	}
	if dob.IsZero() {
		return ""
	}
	century := (dob.Year() - 1900) / 100
	if century < 0 || century > 2 {
		return "Năm sinh không hợp lệ."
	}
	want := byte('0' + 2*century)
	if sex == "nu" {
		want++
	}
	if sex != "" && number[3] != want {
		return "Chữ số thứ 4 không khớp với giới tính và thế kỷ sinh của học sinh."
	}
	if number[4:6] != dob.Format("06") {
		return "Chữ số thứ 5-6 phải là hai số cuối của năm sinh (" + dob.Format("06") + ")."
	}
	return ""
}

// Enrolment is a pupil's stay in a class.
type Enrolment struct {
	ID           int64
	SchoolID     int64
	SchoolYearID int64
	ClassID      int64
	PupilID      int64
	Status       string
	From, To     time.Time
}

// RosterEntry is a pupil on a class list.
type RosterEntry struct {
	Pupil       Pupil
	EnrolmentID int64
	Status      string
	From, To    time.Time
	Key         string // Vietnamese collation key
}
