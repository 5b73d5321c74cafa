package sdgdt

import (
	"strings"
	"time"
)

// Unit kinds: the management tree has a province department at the root and
// intermediate offices of any depth below it.
const (
	UnitProvince = "province"
	UnitDistrict = "district"
	UnitCommune  = "commune"
)

// UnitKindName is the Vietnamese name of a unit kind.
var UnitKindName = map[string]string{
	UnitProvince: "Sở Giáo dục và Đào tạo",
	UnitDistrict: "Phòng Giáo dục và Đào tạo",
	UnitCommune:  "Đơn vị quản lý cấp xã",
}

// SchoolKinds lists the kinds of school with their Vietnamese names.
var SchoolKinds = []struct{ Code, Name string }{
	{"th", "Tiểu học"},
	{"thcs", "Trung học cơ sở"},
	{"thpt", "Trung học phổ thông"},
	{"th_thcs", "Tiểu học và Trung học cơ sở"},
	{"thcs_thpt", "Trung học cơ sở và Trung học phổ thông"},
	{"th_thcs_thpt", "Tiểu học, THCS và THPT"},
	{"gdnn_gdtx", "Trung tâm GDNN-GDTX"},
	{"gdtx_tinh", "Trung tâm GDTX tỉnh"},
}

// ContinuingEducation reports whether a school kind is a continuing-education
// centre, whose learners are "học viên" and whose head is "Giám đốc".
func ContinuingEducation(kind string) bool { return kind == "gdnn_gdtx" || kind == "gdtx_tinh" }

// gdtxWords are the words a continuing-education centre uses instead of a
// school's.
var gdtxWords = strings.NewReplacer(
	"học sinh", "học viên", "Học sinh", "Học viên", "HỌC SINH", "HỌC VIÊN",
	"Hiệu trưởng", "Giám đốc", "hiệu trưởng", "giám đốc", "HIỆU TRƯỞNG", "GIÁM ĐỐC",
	"Phó Hiệu trưởng", "Phó Giám đốc",
)

// ForKind words a text for a kind of school: a continuing-education centre's
// pages, exports and books say "học viên" and "Giám đốc"; a school's are as
// written.
func ForKind(kind, text string) string {
	if !ContinuingEducation(kind) {
		return text
	}
	return gdtxWords.Replace(text)
}

// SchoolKindName returns the Vietnamese name of a school kind, or "" if unknown.
func SchoolKindName(code string) string {
	for _, k := range SchoolKinds {
		if k.Code == code {
			return k.Name
		}
	}
	return ""
}

// Unit is a management unit: the province department or an office below it.
// Path lists the ids from the root down to the unit itself, as "/1/4/".
type Unit struct {
	ID       int64
	ParentID int64 // 0 at the root
	Kind     string
	Name     string
	Code     string
	Path     string
}

// School is an educational institution belonging to one unit.
// UnitPath is the Path of its unit, so that "below a unit" is a prefix test.
type School struct {
	ID       int64
	UnitID   int64
	UnitPath string
	Kind     string
	Name     string
	Code     string
	Address  string
}

// SchoolYear holds a school year's dates: two semesters and, for primary, four
// assessment points. Dates are calendar days in Vietnam's time zone.
type SchoolYear struct {
	ID        int64
	Name      string // "2026-2027"
	StartsOn  time.Time
	HK1EndsOn time.Time
	HK2Starts time.Time
	EndsOn    time.Time
	GK1On     time.Time
	CK1On     time.Time
	GK2On     time.Time
	CNOn      time.Time
	Current   bool
}
