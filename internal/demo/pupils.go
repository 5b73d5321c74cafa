package demo

import (
	"fmt"
	"math/rand/v2"

	"sdgdt/internal/app"
)

var (
	wards = []string{"phường Tân Lập", "phường Tân Hòa", "phường Thống Nhất", "phường Thắng Lợi", "phường Tân An", "phường Ea Tam",
		"phường Khánh Xuân", "xã Hòa Thắng", "xã Ea Kao", "xã Cư Êbur"}
	streets = []string{"Lê Duẩn", "Nguyễn Tất Thành", "Phan Bội Châu", "Y Jút", "Hùng Vương", "Lý Thường Kiệt", "Trần Phú", "Ngô Quyền",
		"Mai Hắc Đế", "Hai Bà Trưng", "Nơ Trang Long", "Phan Chu Trinh"}
	birthPlaces = []string{"Buôn Ma Thuột, Đắk Lắk", "Krông Pắc, Đắk Lắk", "Cư M'gar, Đắk Lắk", "Krông Ana, Đắk Lắk", "Ea Kar, Đắk Lắk",
		"Nghệ An", "Thanh Hóa", "Quảng Ngãi", "Thái Bình", "Hà Tĩnh"}
)

// pupil draws a realistic pupil of a grade: name, date of birth matching the
// grade, Đắk Lắk identity number consistent with sex and year, parents, address.
func (s *seeder) pupil(grade int) app.PupilInput { return NewPupil(s.rnd, grade) }

// NewPupil draws a realistic pupil of a grade from r (the demo's pupils and
// those of the province-scale set, internal/demo/scale).
func NewPupil(r *rand.Rand, grade int) app.PupilInput {
	p := newPerson(r)
	year := 2026 - 5 - grade // a pupil of grade 1 in 2026-2027 was born in 2020
	if grade >= 10 && r.IntN(8) == 0 {
		year-- // a few older learners
	}
	month, dayOf := 1+r.IntN(12), 1+r.IntN(28)
	sex := "nam"
	if p.Female {
		sex = "nu"
	}
	centurySex := 0
	if year >= 2000 {
		centurySex = 2
	}
	if p.Female {
		centurySex++
	}
	identity := fmt.Sprintf("066%d%02d%06d", centurySex, year%100, r.IntN(1000000))
	ethnicity := "Kinh"
	if p.Middle == "Y" || p.Middle == "H'" {
		ethnicity = "Ê Đê"
	}
	father := newPerson(r)
	father.Female = false
	father.Family = p.Family
	father.Middle, father.Given = maleMiddle[r.IntN(len(maleMiddle))], maleGiven[r.IntN(len(maleGiven))]
	mother := newPerson(r)
	mother.Middle, mother.Given = femMiddle[r.IntN(len(femMiddle))], femGiven[r.IntN(len(femGiven))]
	if ethnicity == "Ê Đê" {
		father.Middle, mother.Middle = "Y", "H'"
	}
	guardian := father.Full()
	if r.IntN(3) == 0 {
		guardian = mother.Full()
	}
	return app.PupilInput{
		FullName:       p.Full(),
		DateOfBirth:    fmt.Sprintf("%02d/%02d/%d", dayOf, month, year),
		Sex:            sex,
		Ethnicity:      ethnicity,
		PlaceOfBirth:   birthPlaces[r.IntN(len(birthPlaces))],
		HomeTown:       birthPlaces[r.IntN(len(birthPlaces))],
		Address:        fmt.Sprintf("%d %s, %s, Buôn Ma Thuột, Đắk Lắk", 1+r.IntN(300), streets[r.IntN(len(streets))], wards[r.IntN(len(wards))]),
		FatherName:     father.Full(),
		MotherName:     mother.Full(),
		GuardianName:   guardian,
		GuardianPhone:  fmt.Sprintf("09%08d", r.IntN(100000000)),
		IdentityNumber: identity,
		MinistryCode:   fmt.Sprintf("66%08d", r.IntN(100000000)),
	}
}
