// Package demo fills an empty database with a realistic province: the department,
// intermediate offices, one school of each main kind with its leaders,
// administrators, admin board, teachers and staff, the current school year with
// classes and teaching assignments.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
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
	SignPIN    *string `json:"sign_pin,omitempty"` // the signing PIN of teachers and leaders
}

type seeder struct {
	a        *app.App
	ctx      context.Context
	sys      *app.Principal
	password string
	hash     string
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
	hash, err := auth.HashPasswordWith(a.Cfg.Argon, password)
	if err != nil {
		return nil, err
	}
	s := &seeder{a: a, ctx: ctx, sys: app.System("demo"), password: password, hash: hash, rnd: rand.New(rand.NewPCG(2026, 11)), used: map[string]bool{}}
	if err := s.run(); err != nil {
		return nil, err
	}
	// Fresh planner statistics after the bulk load (PostgreSQL plans a
	// class's cells badly without them).
	if err := a.DB.Analyze(ctx); err != nil {
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
	schools := []schoolPlan{
		{bmt, "th", "Trường Tiểu học Lê Văn Tám", "TH-LVT", "thlvt", "12 Lê Văn Tám, phường Tân Lập, Buôn Ma Thuột", "tt27",
			[]int{1, 2, 3, 4, 5}, []string{"A", "B"}, 28, 35},
		{bmt, "thcs", "Trường THCS Nguyễn Du", "THCS-ND", "thcsnd", "45 Nguyễn Du, phường Thống Nhất, Buôn Ma Thuột", "tt22",
			[]int{6, 7, 8, 9}, []string{"A1", "A2", "A3"}, 35, 45},
		{so, "thpt", "Trường THPT Chu Văn An", "THPT-CVA", "thptcva", "208 Hà Huy Tập, phường Tân An, Buôn Ma Thuột", "tt22",
			[]int{10, 11, 12}, []string{"A1", "A2", "A3"}, 38, 44},
		{kp, "gdnn_gdtx", "Trung tâm GDNN-GDTX huyện Krông Pắc", "GDTX-KP", "gdtxkp", "Thị trấn Phước An, huyện Krông Pắc", "tt43",
			[]int{10, 11}, []string{"B"}, 25, 32},
	}
	for _, sc := range schools {
		if err := s.school(sc); err != nil {
			return err
		}
	}
	if err := s.primaryBook(); err != nil { // the primary book: primary.go
		return err
	}
	if err := s.marks(); err != nil {
		return err
	}
	if err := s.signatures(); err != nil { // signatures.go
		return err
	}
	// A multi-level school (TH-THCS): grades 1-5 assessed under TT27, 6-9
	// under TT22. Seeded last, so that the schools above keep their data.
	return s.multiLevel(schoolPlan{kp, "th_thcs", "Trường Tiểu học và THCS Ea Kly", "THTHCS-EK", "ththcsek", "Thôn 5, xã Ea Kly, huyện Krông Pắc", "tt22",
		[]int{1, 2, 3, 4, 5, 6, 7, 8, 9}, []string{"A"}, 18, 24})
}

// multiLevel seeds a multi-level school and the marks of its secondary
// classes, its results computed before returning.
func (s *seeder) multiLevel(sc schoolPlan) error {
	from := len(s.accounts)
	if err := s.school(sc); err != nil {
		return err
	}
	if err := s.enrolSigners(from); err != nil {
		return err
	}
	var classes []sdgdt.Class
	err := s.a.DB.View(s.ctx, func(tx *store.Tx) error {
		id, err := tx.SchoolIDByCode(sc.code)
		if err != nil {
			return err
		}
		cs, err := tx.ClassesOf(id, s.year.ID)
		for _, c := range cs {
			if c.Ruleset != "tt27" {
				classes = append(classes, c)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	return s.markClasses(classes, func(int) bool { return false })
}

// schoolPlan describes a demo school: its grades, the class suffixes of each
// grade (6A1, 6A2…) and how many pupils a class holds. A multi-level school
// (th_thcs) assesses its primary grades under TT27 and the others under
// ruleset.
type schoolPlan struct {
	unit                        sdgdt.Unit
	kind, name, code, pre, addr string
	ruleset                     string
	grades                      []int
	suffixes                    []string
	minPupils, maxPupils        int
}

// rulesetOf returns the ruleset of the school's classes of a grade.
func (sc schoolPlan) rulesetOf(grade int) string {
	if strings.HasPrefix(sc.kind, "th_") && grade <= 5 {
		return "tt27"
	}
	return sc.ruleset
}

func (s *seeder) school(sc schoolPlan) error {
	school, err := s.a.CreateSchool(s.ctx, s.sys, sc.unit.ID, sc.kind, sc.name, sc.code, sc.addr)
	if err != nil {
		return err
	}
	leaderDuty := "Hiệu trưởng, Trưởng ban quản trị"
	if sc.kind == "gdnn_gdtx" {
		leaderDuty = "Giám đốc trung tâm, Trưởng ban quản trị"
	}
	scope := school.Name
	if _, err := s.account(sc.pre+".lanhdao", school, sdgdt.RoleLeader, scope, leaderDuty); err != nil {
		return err
	}
	if _, err := s.account(sc.pre+".quantri", school, sdgdt.RoleSysadmin, scope, ""); err != nil {
		return err
	}
	if _, err := s.account(sc.pre+".bqt", school, sdgdt.RoleBoard, scope, "Phó hiệu trưởng, Phó ban: giám sát tiến độ cập nhật và điều chỉnh"); err != nil {
		return err
	}
	if _, err := s.account(sc.pre+".vanthu", school, sdgdt.RoleStaff, scope, ""); err != nil {
		return err
	}
	// Classes, each with the curriculum of its grade.
	type classInfo struct {
		c        sdgdt.Class
		subjects []sdgdt.ClassSubject
	}
	var classes []classInfo
	for _, g := range sc.grades {
		for _, suf := range sc.suffixes {
			c, err := s.a.CreateClass(s.ctx, s.sys, sdgdt.Class{SchoolID: school.ID, SchoolYearID: s.year.ID, Grade: g, Name: fmt.Sprint(g) + suf, Ruleset: sc.rulesetOf(g)})
			if err != nil {
				return err
			}
			var subjects []sdgdt.ClassSubject
			if err := s.a.DB.View(s.ctx, func(tx *store.Tx) error { subjects, err = tx.ClassSubjects(c.ID); return err }); err != nil {
				return err
			}
			classes = append(classes, classInfo{c, subjects})
		}
	}
	// Teachers: in primary the homeroom teacher teaches most subjects of the
	// class and specialists teach the rest; in secondary one teacher per subject
	// and pair of grades. Homeroom teachers are chosen among them.
	specialists := map[string]bool{"ngoai_ngu_1": true, "gdtc": true, "am_nhac": true, "mi_thuat": true, "tin_hoc_cong_nghe": true}
	teacherOf := map[string]*teacherAcc{} // subject + grade band → teacher
	var homerooms []*teacherAcc
	termsOf := func(c sdgdt.Class) []string {
		if c.Ruleset == "tt27" {
			return []string{"gk1", "ck1", "gk2", "cn"}
		}
		return []string{"hk1", "hk2"}
	}
	for i, ci := range classes {
		primary := ci.c.Ruleset == "tt27"
		var hr *teacherAcc
		if primary {
			hr = &teacherAcc{}
		}
		for _, cs := range ci.subjects {
			var t *teacherAcc
			if primary && !specialists[cs.Subject] {
				t = hr
			} else {
				band := cs.Subject + fmt.Sprint((ci.c.Grade+1)/2)
				if primary {
					band = cs.Subject
				}
				if teacherOf[band] == nil {
					teacherOf[band] = &teacherAcc{}
				}
				t = teacherOf[band]
			}
			if hr == nil && !t.homeroom && !specialists[cs.Subject] && cs.AssessedBy == "score" {
				hr = t
			}
			t.classes = append(t.classes, assignPlan{ci.c, cs.Subject})
		}
		if hr == nil { // every teacher of this class already has a class: take a new one
			hr = &teacherAcc{}
		}
		hr.homeroom, hr.homeroomClass = true, ci.c
		homerooms = append(homerooms, hr)
		_ = i
	}
	// Create the accounts (homeroom teachers first, in class order), then set
	// homeroom teachers and assignments.
	all := append([]*teacherAcc{}, homerooms...)
	for _, t := range teacherOf {
		if !t.homeroom {
			all = append(all, t)
		}
	}
	sortTeachers(all)
	var team []int64
	for _, t := range all {
		role, scopeName := sdgdt.RoleSubjectTeacher, school.Name+" — giáo viên bộ môn"
		if t.homeroom {
			role, scopeName = sdgdt.RoleHomeroom, "Lớp "+t.homeroomClass.Name+" — "+school.Name
		}
		id, err := s.teacher(school, sc.pre, role, scopeName)
		if err != nil {
			return err
		}
		t.id = id
		team = append(team, id)
		if t.homeroom {
			c := t.homeroomClass
			c.HomeroomID = id
			if err := s.a.SetHomeroom(s.ctx, s.sys, c.ID, id); err != nil {
				return err
			}
		}
		for _, ap := range t.classes {
			for _, term := range termsOf(ap.class) {
				if _, err := s.a.CreateAssignment(s.ctx, s.sys, sdgdt.Assignment{SchoolID: school.ID, ClassID: ap.class.ID, Subject: ap.subject, Term: term, TeacherID: id}); err != nil {
					return err
				}
			}
		}
	}
	teamName := "Tổ Khoa học tự nhiên"
	if sc.ruleset == "tt27" {
		teamName = "Tổ chuyên môn khối lớp"
	}
	if _, err := s.a.CreateGroup(s.ctx, s.sys, school.ID, "team", teamName, team); err != nil {
		return err
	}
	// Pupils.
	for _, ci := range classes {
		n := sc.minPupils + s.rnd.IntN(sc.maxPupils-sc.minPupils+1)
		for k := 0; k < n; k++ {
			if _, err := s.a.EnrolNewPupil(s.ctx, s.sys, ci.c.ID, s.pupil(ci.c.Grade), s.year.StartsOn); err != nil {
				return fmt.Errorf("học sinh lớp %s: %w", ci.c.Name, err)
			}
		}
	}
	return nil
}

// teacherAcc is a demo teacher being planned: the classes and subjects he
// teaches, and the class he is homeroom teacher of.
type teacherAcc struct {
	id            int64
	classes       []assignPlan
	homeroom      bool
	homeroomClass sdgdt.Class
}

type assignPlan struct {
	class   sdgdt.Class
	subject string
}

// sortTeachers puts homeroom teachers first in class order, then the others by
// their first assignment, so that the demo is the same at every run.
func sortTeachers(ts []*teacherAcc) {
	key := func(t *teacherAcc) string {
		if t.homeroom {
			return fmt.Sprintf("0%02d%s", t.homeroomClass.Grade, t.homeroomClass.Name)
		}
		if len(t.classes) == 0 {
			return "2"
		}
		return fmt.Sprintf("1%s%02d", t.classes[0].subject, t.classes[0].class.Grade)
	}
	sort.Slice(ts, func(i, j int) bool { return key(ts[i]) < key(ts[j]) })
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
	u, _, err := s.a.CreateUser(s.ctx, s.sys, app.NewUserInput{Username: username, FullName: fullName, HomeKind: homeKind, HomeID: homeID, Password: s.password, PasswordHash: s.hash})
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
