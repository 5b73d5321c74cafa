package demo

import (
	"math/rand/v2"
	"strings"

	"golang.org/x/text/unicode/norm"
)

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	maleMiddle  = []string{"Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Gia", "Anh", "Xuân"}
	femMiddle   = []string{"Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng", "Phương", "Bảo", "Diệu"}
	maleGiven   = []string{"An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khang", "Khoa", "Kiên", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Trung", "Tuấn", "Việt"}
	femGiven    = []string{"Anh", "Ánh", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai", "My", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thu", "Trang", "Uyên", "Vân", "Vy", "Xuân", "Yến"}
)

// person is a generated Vietnamese name.
type person struct {
	Family, Middle, Given string
	Female                bool
}

// Full is the name as written: Kinh names family first; Ê Đê names (Y for men,
// H' for women) put the family name last, as "Y Thuận Niê".
func (p person) Full() string {
	if p.Middle == "Y" || p.Middle == "H'" {
		return p.Middle + " " + p.Given + " " + p.Family
	}
	return p.Family + " " + p.Middle + " " + p.Given
}

// newPerson draws a realistic name of Đắk Lắk: mostly Kinh, some Ê Đê.
func newPerson(r *rand.Rand) person {
	female := r.IntN(2) == 0
	p := person{Female: female}
	p.Family = familyNames[r.IntN(len(familyNames))]
	if r.IntN(20) == 0 { // a few Ê Đê names, as in Đắk Lắk
		p.Family = []string{"Niê", "Êban", "Mlô", "Ktla"}[r.IntN(4)]
		if female {
			p.Middle, p.Given = "H'", []string{"Ruah", "Bia", "Linh", "Mai"}[r.IntN(4)]
		} else {
			p.Middle, p.Given = "Y", []string{"Khoa", "Sơn", "Bim", "Thuận"}[r.IntN(4)]
		}
		return p
	}
	if female {
		p.Middle, p.Given = femMiddle[r.IntN(len(femMiddle))], femGiven[r.IntN(len(femGiven))]
	} else {
		p.Middle, p.Given = maleMiddle[r.IntN(len(maleMiddle))], maleGiven[r.IntN(len(maleGiven))]
	}
	return p
}

// ascii folds Vietnamese text to lower-case ASCII for usernames: "Đặng Thị Ánh" →
// "dangthianh".
func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r == 'đ':
			b.WriteByte('d')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}
