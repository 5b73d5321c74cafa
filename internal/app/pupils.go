package app

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// PupilInput is a pupil's profile as typed in a form or a spreadsheet row.
type PupilInput struct {
	FullName       string
	DateOfBirth    string // dd/mm/yyyy
	Sex            string // "nam"/"nu", or "Nam"/"Nữ"
	Ethnicity      string
	PlaceOfBirth   string
	HomeTown       string
	Address        string
	FatherName     string
	MotherName     string
	GuardianName   string
	GuardianPhone  string
	IdentityNumber string
	MinistryCode   string
}

var ministryCodeRE = regexp.MustCompile(`^[0-9A-Za-z]{6,20}$`)

// ParseDay reads dd/mm/yyyy (or yyyy-mm-dd, or a spreadsheet's date serial
// number) as a day in Vietnam.
func ParseDay(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil && n > 3000 && n < 80000 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, sdgdt.Vietnam).AddDate(0, 0, n), true
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, sdgdt.Vietnam); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// normaliseSex accepts the codes and the Vietnamese words.
func normaliseSex(s string) string {
	switch viet.Fold(strings.TrimSpace(s)) {
	case "nam", "m", "male":
		return "nam"
	case "nu", "f", "female":
		return "nu"
	}
	return ""
}

// ToPupil validates a profile and returns it, with per-field messages on error.
// today bounds the date of birth.
func (in PupilInput) ToPupil(today time.Time) (sdgdt.Pupil, map[string]string) {
	fields := map[string]string{}
	var p sdgdt.Pupil
	name := viet.Clean(in.FullName)
	if n := utf8.RuneCountInString(name); n < 2 || n > 80 || len(strings.Fields(name)) < 2 {
		fields["full_name"] = "Họ và tên gồm ít nhất họ và tên, tối đa 80 ký tự."
	}
	for _, r := range name {
		if strings.ContainsRune("0123456789@#$%^&*()_=+[]{}<>/\\|;:\"", r) {
			fields["full_name"] = "Họ và tên chỉ gồm chữ cái, dấu cách và dấu nháy."
			break
		}
	}
	p.FamilyName, p.MiddleName, p.GivenName = viet.SplitName(name)
	dob, ok := ParseDay(in.DateOfBirth)
	switch {
	case strings.TrimSpace(in.DateOfBirth) == "":
		fields["date_of_birth"] = "Vui lòng nhập ngày sinh (dd/mm/yyyy)."
	case !ok:
		fields["date_of_birth"] = "Ngày sinh không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 05/09/2013."
	case dob.After(today.AddDate(-4, 0, 0)) || dob.Before(today.AddDate(-70, 0, 0)):
		fields["date_of_birth"] = "Ngày sinh không hợp lệ cho học sinh, học viên."
	}
	p.DateOfBirth = dob
	if p.Sex = normaliseSex(in.Sex); p.Sex == "" {
		fields["sex"] = "Giới tính là Nam hoặc Nữ."
	}
	p.Ethnicity = viet.Clean(in.Ethnicity)
	if p.Ethnicity == "" {
		p.Ethnicity = "Kinh"
	}
	p.PlaceOfBirth, p.HomeTown, p.Address = viet.Clean(in.PlaceOfBirth), viet.Clean(in.HomeTown), viet.Clean(in.Address)
	p.FatherName, p.MotherName, p.GuardianName = viet.Clean(in.FatherName), viet.Clean(in.MotherName), viet.Clean(in.GuardianName)
	p.GuardianPhone = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(in.GuardianPhone), " ", ""), ".", "")
	if p.GuardianPhone != "" && !phoneRE.MatchString(p.GuardianPhone) {
		fields["guardian_phone"] = "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0."
	}
	p.IdentityNumber = strings.ReplaceAll(strings.TrimSpace(in.IdentityNumber), " ", "")
	if msg := sdgdt.CheckIdentityNumber(p.IdentityNumber, dob, p.Sex); msg != "" {
		fields["identity_number"] = msg
	}
	p.MinistryCode = strings.TrimSpace(in.MinistryCode)
	if p.MinistryCode != "" && !ministryCodeRE.MatchString(p.MinistryCode) {
		fields["ministry_code"] = "Mã học sinh của Bộ gồm 6-20 chữ số hoặc chữ cái."
	}
	for k, v := range map[string]string{"place_of_birth": p.PlaceOfBirth, "home_town": p.HomeTown, "address": p.Address, "ethnicity": p.Ethnicity,
		"father_name": p.FatherName, "mother_name": p.MotherName, "guardian_name": p.GuardianName} {
		if utf8.RuneCountInString(v) > 200 {
			fields[k] = "Tối đa 200 ký tự."
		}
	}
	return p, fields
}

// DefaultCurriculum returns the subjects of the 2018 programme for a grade,
// with their default periods and how they are assessed. THPT classes get the
// compulsory subjects and a common choice of four electives (physics, chemistry,
// biology, informatics); the school edits the list.
func DefaultCurriculum(grade int, ruleset string) []sdgdt.ClassSubject {
	var out []sdgdt.ClassSubject
	electives := map[string]bool{"vat_li": true, "hoa_hoc": true, "sinh_hoc": true, "tin_hoc": true}
	for i, s := range assess.SubjectsForGrade(grade) {
		if grade >= 10 {
			switch s.Code {
			case "dia_li", "gdktpl", "cong_nghe", "am_nhac", "mi_thuat":
				continue
			}
			if ruleset == "tt43" && (s.Code == "ngoai_ngu_1" || s.Code == "gdtc" || s.Code == "tin_hoc") {
				continue // the GDTX programme has no foreign language or PE; informatics optional
			}
			_ = electives
		}
		// Optional subjects (tiếng dân tộc; Ngoại ngữ 1 in grades 1-2) are added by
		// the school; Ngoại ngữ 1 is compulsory from grade 3 on.
		if s.Optional && !(s.Code == "ngoai_ngu_1" && grade >= 3) {
			continue
		}
		by := string(s.AssessedBy)
		if ruleset == "tt27" {
			by = "level"
		}
		out = append(out, sdgdt.ClassSubject{Subject: s.Code, PeriodsPerYear: s.Periods[grade], AssessedBy: by, Position: i + 1})
	}
	return out
}

// EnrolNewPupil creates a pupil's profile and puts the pupil in a class.
func (a *App) EnrolNewPupil(ctx context.Context, p *Principal, classID int64, in PupilInput, from time.Time) (sdgdt.Pupil, error) {
	pupil, fields := in.ToPupil(a.DB.Now())
	if len(fields) > 0 {
		return pupil, sdgdt.Invalid(fields)
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		c, s, err := a.classForRecords(tx, p, classID)
		if err != nil {
			return err
		}
		pupil.SchoolID = s.ID
		if err := tx.CreatePupil(&pupil); err != nil {
			return err
		}
		e := sdgdt.Enrolment{SchoolID: s.ID, SchoolYearID: c.SchoolYearID, ClassID: c.ID, PupilID: pupil.ID, Status: sdgdt.EnrolStudying, From: from}
		if err := tx.Enrol(&e); err != nil {
			return err
		}
		if err := a.voidChanged(tx, p, s.ID, c.ID, allTerms(c), VoidRoster); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActPupilCreate, "pupil", idStr(pupil.ID), s.ID, s.UnitPath, nil, map[string]any{"pupil": pupilView(pupil), "class_id": c.ID})
	})
	return pupil, err
}

// pupilView is what the audit log keeps of a profile.
func pupilView(p sdgdt.Pupil) map[string]any {
	return map[string]any{"full_name": p.FullName(), "date_of_birth": sdgdt.FormatDate(p.DateOfBirth), "sex": p.Sex, "ethnicity": p.Ethnicity,
		"place_of_birth": p.PlaceOfBirth, "home_town": p.HomeTown, "address": p.Address, "father_name": p.FatherName, "mother_name": p.MotherName,
		"guardian_name": p.GuardianName, "guardian_phone": p.GuardianPhone, "identity_number": p.IdentityNumber, "ministry_code": p.MinistryCode}
}

// classForRecords loads a class whose records p may keep: its homeroom teacher,
// or the school's administrators.
func (a *App) classForRecords(tx *store.Tx, p *Principal, classID int64) (sdgdt.Class, sdgdt.School, error) {
	c, err := tx.Class(classID)
	if err != nil {
		return c, sdgdt.School{}, err
	}
	s, err := tx.School(c.SchoolID)
	if err != nil {
		return c, s, err
	}
	if !Can(p, ActKeepClassRecords, ClassTarget(s, c.ID)) {
		return c, s, forbidden()
	}
	return c, s, nil
}
