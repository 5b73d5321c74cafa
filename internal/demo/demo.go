// Package demo fills an empty database with a realistic province: the department,
// intermediate offices, one school of each main kind with its leaders,
// administrators, admin board, teachers and staff, the current school year with
// classes and teaching assignments.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
)

// Account is one demo account, as printed by `sdgdt demo`.
type Account struct {
	Username   string  `json:"username"`
	FullName   string  `json:"full_name"`
	Role       string  `json:"role"`
	ScopeKind  string  `json:"scope_kind"`
	ScopeName  string  `json:"scope_name"`
	TOTPSecret *string `json:"totp_secret"`
}

type seeder struct {
	a        *app.App
	ctx      context.Context
	sys      *app.Principal
	password string
	rnd      *rand.Rand
	accounts []Account
	used     map[string]bool
	year     sdgdt.SchoolYear
}

// Seed fills an empty database and returns the accounts it created, whose
// password is password. It refuses a database that already holds data.
func Seed(ctx context.Context, a *app.App, password string) ([]Account, error) {
	if err := auth.CheckPolicy("", password); err != nil {
		return nil, fmt.Errorf("mật khẩu demo: %w", err)
	}
	empty := false
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		empty, err = tx.IsEmpty()
		return err
	}); err != nil {
		return nil, err
	}
	if !empty {
		return nil, fmt.Errorf("cơ sở dữ liệu đã có dữ liệu: lệnh demo chỉ chạy trên cơ sở dữ liệu trống")
	}
	s := &seeder{a: a, ctx: ctx, sys: app.System("demo"), password: password, rnd: rand.New(rand.NewPCG(2026, 11)), used: map[string]bool{}}
	if err := s.run(); err != nil {
		return nil, err
	}
	return s.accounts, nil
}

func (s *seeder) run() error {
	var err error
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }
	s.year, err = s.a.CreateSchoolYear(s.ctx, s.sys, sdgdt.SchoolYear{Name: "2026-2027",
		StartsOn: day(2026, 9, 5), GK1On: day(2026, 11, 2), CK1On: day(2027, 1, 4), HK1EndsOn: day(2027, 1, 16),
		HK2Starts: day(2027, 1, 18), GK2On: day(2027, 3, 22), CNOn: day(2027, 5, 10), EndsOn: day(2027, 5, 31), Current: true})
	if err != nil {
		return err
	}
	so, err := s.a.CreateUnit(s.ctx, s.sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo Đắk Lắk", "SGDDT-DL")
	if err != nil {
		return err
	}
	bmt, err := s.a.CreateUnit(s.ctx, s.sys, so.ID, sdgdt.UnitDistrict, "Phòng Giáo dục và Đào tạo thành phố Buôn Ma Thuột", "PGDDT-BMT")
	if err != nil {
		return err
	}
	kp, err := s.a.CreateUnit(s.ctx, s.sys, so.ID, sdgdt.UnitDistrict, "Phòng Giáo dục và Đào tạo huyện Krông Pắc", "PGDDT-KP")
	if err != nil {
		return err
	}
	for _, u := range []struct {
		unit   sdgdt.Unit
		prefix string
	}{{so, "so"}, {bmt, "bmt"}, {kp, "kp"}} {
		if err := s.unitStaff(u.unit, u.prefix); err != nil {
			return err
		}
	}
	schools := []struct {
		unit                  sdgdt.Unit
		kind, name, code, pre string
		address               string
		ruleset               string
		classes               []string
		grades                []int
		subjects              []string
	}{
		{bmt, "th", "Trường Tiểu học Lê Văn Tám", "TH-LVT", "thlvt", "12 Lê Văn Tám, phường Tân Lập, Buôn Ma Thuột", "tt27",
			[]string{"1A", "2A", "3A", "4A", "5A"}, []int{1, 2, 3, 4, 5}, []string{"tieng_viet", "toan"}},
		{bmt, "thcs", "Trường THCS Nguyễn Du", "THCS-ND", "thcsnd", "45 Nguyễn Du, phường Thống Nhất, Buôn Ma Thuột", "tt22",
			[]string{"6A1", "7A1", "8A1", "9A1"}, []int{6, 7, 8, 9}, []string{"toan", "ngu_van"}},
		{so, "thpt", "Trường THPT Chu Văn An", "THPT-CVA", "thptcva", "208 Hà Huy Tập, phường Tân An, Buôn Ma Thuột", "tt22",
			[]string{"10A1", "11A1", "12A1"}, []int{10, 11, 12}, []string{"toan", "ngu_van"}},
		{kp, "gdnn_gdtx", "Trung tâm GDNN-GDTX huyện Krông Pắc", "GDTX-KP", "gdtxkp", "Thị trấn Phước An, huyện Krông Pắc", "tt43",
			[]string{"10B", "11B"}, []int{10, 11}, []string{"toan", "ngu_van"}},
	}
	for _, sc := range schools {
		school, err := s.a.CreateSchool(s.ctx, s.sys, sc.unit.ID, sc.kind, sc.name, sc.code, sc.address)
		if err != nil {
			return err
		}
		leaderTitle := "Hiệu trưởng"
		if sc.kind == "gdnn_gdtx" {
			leaderTitle = "Giám đốc trung tâm"
		}
		scope := school.Name
		leader, err := s.account(sc.pre+".lanhdao", school, sdgdt.RoleLeader, scope, leaderTitle+", Trưởng ban quản trị")
		if err != nil {
			return err
		}
		_ = leader
		if _, err := s.account(sc.pre+".quantri", school, sdgdt.RoleSysadmin, scope, ""); err != nil {
			return err
		}
		if _, err := s.account(sc.pre+".bqt", school, sdgdt.RoleBoard, scope, "Phó hiệu trưởng, Phó ban: giám sát tiến độ cập nhật và điều chỉnh"); err != nil {
			return err
		}
		if _, err := s.account(sc.pre+".vanthu", school, sdgdt.RoleStaff, scope, ""); err != nil {
			return err
		}
		// Teachers: one homeroom teacher per class, who also teaches the first
		// subject there; one subject teacher teaching the second subject everywhere.
		subjTeacher, err := s.teacher(school, sc.pre, sdgdt.RoleSubjectTeacher, scope+" — bộ môn")
		if err != nil {
			return err
		}
		var teamMembers []int64
		teamMembers = append(teamMembers, subjTeacher)
		for i, name := range sc.classes {
			hr, err := s.teacher(school, sc.pre, sdgdt.RoleHomeroom, "Lớp "+name+" — "+school.Name)
			if err != nil {
				return err
			}
			teamMembers = append(teamMembers, hr)
			c, err := s.a.CreateClass(s.ctx, s.sys, store.Class{SchoolID: school.ID, SchoolYearID: s.year.ID, Grade: sc.grades[i], Name: name, Ruleset: sc.ruleset, HomeroomID: hr})
			if err != nil {
				return err
			}
			terms := []string{"hk1", "hk2"}
			if sc.ruleset == "tt27" {
				terms = []string{"gk1", "ck1", "gk2", "cn"}
			}
			for _, t := range terms {
				if _, err := s.a.CreateAssignment(s.ctx, s.sys, store.Assignment{SchoolID: school.ID, ClassID: c.ID, Subject: sc.subjects[0], Term: t, TeacherID: hr}); err != nil {
					return err
				}
				if _, err := s.a.CreateAssignment(s.ctx, s.sys, store.Assignment{SchoolID: school.ID, ClassID: c.ID, Subject: sc.subjects[1], Term: t, TeacherID: subjTeacher}); err != nil {
					return err
				}
			}
		}
		team := "Tổ Toán – Tin"
		if sc.ruleset == "tt27" {
			team = "Tổ chuyên môn khối lớp"
		}
		if _, err := s.a.CreateGroup(s.ctx, s.sys, school.ID, "team", team, teamMembers); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) unitStaff(u sdgdt.Unit, prefix string) error {
	if _, err := s.unitAccount(prefix+".quantri", u, sdgdt.RoleUnitAdmin, ""); err != nil {
		return err
	}
	_, err := s.unitAccount(prefix+".bqt", u, sdgdt.RoleUnitBoard, "Thành viên Ban quản trị: kiểm tra, giám sát các trường")
	return err
}

// teacher creates a teacher account named after the person; its role follows
// from classes and assignments, created by the caller.
func (s *seeder) teacher(school sdgdt.School, pre, role, scopeName string) (int64, error) {
	p := newPerson(s.rnd)
	username := pre + "." + ascii(p.Given+p.Family)
	for n := 2; s.used[username]; n++ {
		username = fmt.Sprintf("%s.%s%d", pre, ascii(p.Given+p.Family), n)
	}
	u, err := s.create(username, p.Full(), sdgdt.ScopeSchool, school.ID, role)
	if err != nil {
		return 0, err
	}
	s.accounts = append(s.accounts, Account{Username: u.Username, FullName: u.FullName, Role: role, ScopeKind: map[string]string{sdgdt.RoleHomeroom: sdgdt.ScopeClass, sdgdt.RoleSubjectTeacher: sdgdt.ScopeAssignment}[role], ScopeName: scopeName})
	return u.ID, nil
}

func (s *seeder) account(username string, school sdgdt.School, role, scopeName, duty string) (int64, error) {
	p := newPerson(s.rnd)
	u, err := s.create(username, p.Full(), sdgdt.ScopeSchool, school.ID, role)
	if err != nil {
		return 0, err
	}
	if _, err := s.a.GrantRole(s.ctx, s.sys, u.ID, role, sdgdt.ScopeSchool, school.ID, duty); err != nil {
		return 0, err
	}
	if role == sdgdt.RoleLeader { // the principal heads the school's admin board
		if _, err := s.a.GrantRole(s.ctx, s.sys, u.ID, sdgdt.RoleBoard, sdgdt.ScopeSchool, school.ID, duty); err != nil {
			return 0, err
		}
	}
	s.accounts = append(s.accounts, Account{Username: u.Username, FullName: u.FullName, Role: role, ScopeKind: sdgdt.ScopeSchool, ScopeName: scopeName, TOTPSecret: nilIfEmpty(u.TOTPSecret)})
	return u.ID, nil
}

func (s *seeder) unitAccount(username string, unit sdgdt.Unit, role, duty string) (int64, error) {
	p := newPerson(s.rnd)
	u, err := s.create(username, p.Full(), sdgdt.ScopeUnit, unit.ID, role)
	if err != nil {
		return 0, err
	}
	if _, err := s.a.GrantRole(s.ctx, s.sys, u.ID, role, sdgdt.ScopeUnit, unit.ID, duty); err != nil {
		return 0, err
	}
	s.accounts = append(s.accounts, Account{Username: u.Username, FullName: u.FullName, Role: role, ScopeKind: sdgdt.ScopeUnit, ScopeName: unit.Name, TOTPSecret: nilIfEmpty(u.TOTPSecret)})
	return u.ID, nil
}

// create makes an account with the demo password, not forced to change it, and
// with a second factor already enrolled when its role requires one.
func (s *seeder) create(username, fullName, homeKind string, homeID int64, role string) (sdgdt.User, error) {
	s.used[username] = true
	u, _, err := s.a.CreateUser(s.ctx, s.sys, app.NewUserInput{Username: username, FullName: fullName, HomeKind: homeKind, HomeID: homeID, Password: s.password})
	if err != nil {
		return u, fmt.Errorf("tạo tài khoản %s: %w", username, err)
	}
	secret := ""
	if s.a.Cfg.MFARoles[role] {
		secret = auth.NewTOTPSecret()
	}
	if err := s.a.SetupAccount(s.ctx, s.sys, u.ID, false, secret); err != nil {
		return u, err
	}
	u.TOTPSecret, u.TOTPEnabled, u.MustChangePW = secret, secret != "", false
	return u, nil
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
