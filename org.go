package sdgdt

import "time"

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
