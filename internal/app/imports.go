package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// RowError is one problem of an imported spreadsheet: its row (as numbered in
// the spreadsheet), its column heading and a message.
type RowError struct {
	Row     int
	Column  string
	Message string
}

// ImportReport says what an import did, or why it did nothing.
type ImportReport struct {
	Rows     int
	Created  int
	Errors   []RowError
	Accounts []NewAccount // staff import: the accounts created, with their temporary passwords
}

// PupilColumns are the columns of the pupil list template, in order.
var PupilColumns = []string{"STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Nơi sinh", "Quê quán", "Địa chỉ",
	"Họ tên cha", "Họ tên mẹ", "Người giám hộ", "SĐT phụ huynh", "Số định danh cá nhân", "Mã học sinh (Bộ GDĐT)", "Lớp"}

// pupilFieldColumn maps a validation field to its column heading.
var pupilFieldColumn = map[string]string{"full_name": "Họ và tên", "date_of_birth": "Ngày sinh", "sex": "Giới tính", "ethnicity": "Dân tộc",
	"place_of_birth": "Nơi sinh", "home_town": "Quê quán", "address": "Địa chỉ", "father_name": "Họ tên cha", "mother_name": "Họ tên mẹ",
	"guardian_name": "Người giám hộ", "guardian_phone": "SĐT phụ huynh", "identity_number": "Số định danh cá nhân", "ministry_code": "Mã học sinh (Bộ GDĐT)"}

// MayImport tells whether p may import lists into a school, before an upload
// is read: an upload from someone without the right is refused unread.
func (a *App) MayImport(ctx context.Context, p *Principal, schoolID int64) error {
	return a.DB.View(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageSchool, SchoolTarget(s)) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ quản trị hệ thống của trường nhập dữ liệu từ Excel."}
		}
		return nil
	})
}

// headerAt is the index of a spreadsheet's headings row: the first row whose
// first cell is "STT" (the templates put a title above it), or the first row.
// Rows are numbered as Excel numbers them: row i is "Dòng i+1".
func headerAt(rows [][]string) int {
	for i, row := range rows {
		if len(row) > 0 && viet.Clean(row[0]) == "STT" {
			return i
		}
	}
	return 0
}

// checkHeader compares a spreadsheet's headings row (rows[h]) with the
// template's headings.
func checkHeader(rows [][]string, h int, want []string) *RowError {
	if len(rows) == 0 {
		return &RowError{Row: 1, Message: "Tệp trống: hãy dùng tệp mẫu tải về từ hệ thống."}
	}
	got := rows[h]
	for i, w := range want {
		g := ""
		if i < len(got) {
			g = viet.Clean(got[i])
		}
		if !strings.EqualFold(g, w) {
			return &RowError{Row: h + 1, Column: w, Message: fmt.Sprintf("Sai mẫu: cột %d phải là “%s” (tệp có “%s”). Hãy dùng tệp mẫu tải về từ hệ thống.", i+1, w, g)}
		}
	}
	return nil
}

func cell(row []string, i int) string {
	if i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// ImportPupils creates pupils from the rows of a spreadsheet (first row: the
// template's headings) and enrols each in the class named in its row, of the
// current school year. Every row is checked first; when any row has an error,
// nothing is imported and the report lists every error.
func (a *App) ImportPupils(ctx context.Context, p *Principal, schoolID int64, rows [][]string) (ImportReport, error) {
	var rep ImportReport
	h := headerAt(rows)
	if e := checkHeader(rows, h, PupilColumns); e != nil {
		rep.Errors = append(rep.Errors, *e)
		return rep, nil
	}
	type planned struct {
		pupil sdgdt.Pupil
		class sdgdt.Class
	}
	var plan []planned
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		classes, err := tx.ClassesOf(schoolID, y.ID)
		if err != nil {
			return err
		}
		byName := map[string]sdgdt.Class{}
		for _, c := range classes {
			byName[strings.ToUpper(c.Name)] = c
		}
		seen := map[string]int{}
		var numbers []string
		now := tx.Now
		for i, row := range rows[h+1:] {
			n := h + i + 2
			if blank(row) || noteRow(row) {
				continue
			}
			rep.Rows++
			in := PupilInput{FullName: cell(row, 1), DateOfBirth: cell(row, 2), Sex: cell(row, 3), Ethnicity: cell(row, 4), PlaceOfBirth: cell(row, 5),
				HomeTown: cell(row, 6), Address: cell(row, 7), FatherName: cell(row, 8), MotherName: cell(row, 9), GuardianName: cell(row, 10),
				GuardianPhone: cell(row, 11), IdentityNumber: cell(row, 12), MinistryCode: cell(row, 13)}
			pupil, fields := in.ToPupil(now)
			for _, f := range sortedKeys(fields) {
				rep.Errors = append(rep.Errors, RowError{Row: n, Column: pupilFieldColumn[f], Message: fields[f]})
			}
			className := strings.ToUpper(viet.Clean(cell(row, 14)))
			c, ok := byName[className]
			switch {
			case className == "":
				rep.Errors = append(rep.Errors, RowError{Row: n, Column: "Lớp", Message: "Vui lòng ghi lớp của học sinh."})
			case !ok:
				rep.Errors = append(rep.Errors, RowError{Row: n, Column: "Lớp", Message: "Lớp " + cell(row, 14) + " không có trong năm học " + y.Name + " của trường."})
			}
			if id := pupil.IdentityNumber; id != "" && fields["identity_number"] == "" {
				if first, dup := seen[id]; dup {
					rep.Errors = append(rep.Errors, RowError{Row: n, Column: "Số định danh cá nhân", Message: fmt.Sprintf("Trùng số định danh với dòng %d (học sinh trùng).", first)})
				} else {
					seen[id] = n
					numbers = append(numbers, id)
				}
			}
			pupil.SchoolID = schoolID
			plan = append(plan, planned{pupil, c})
		}
		taken, err := tx.IdentityNumbersTaken(numbers)
		if err != nil {
			return err
		}
		for _, id := range numbers {
			if taken[id] {
				rep.Errors = append(rep.Errors, RowError{Row: seen[id], Column: "Số định danh cá nhân", Message: "Số định danh " + id + " đã có trong hệ thống (học sinh đã được nhập)."})
			}
		}
		if rep.Rows == 0 {
			rep.Errors = append(rep.Errors, RowError{Row: h + 2, Message: "Tệp không có dòng học sinh nào."})
		}
		if len(rep.Errors) > 0 {
			sortRowErrors(rep.Errors)
			return errNothing // roll back: nothing is imported
		}
		from := y.StartsOn
		if now.After(from) {
			from = time.Date(now.In(sdgdt.Vietnam).Year(), now.In(sdgdt.Vietnam).Month(), now.In(sdgdt.Vietnam).Day(), 0, 0, 0, 0, sdgdt.Vietnam)
		}
		perClass := map[string]int{}
		// Each pupil's identity number, so that audit verify can account for
		// every stored one (masked for readers without the profile right).
		created := map[string]any{}
		for _, pl := range plan {
			pu := pl.pupil
			if err := tx.CreatePupil(&pu); err != nil {
				return err
			}
			created[idStr(pu.ID)] = map[string]string{"identity_number": pu.IdentityNumber}
			e := sdgdt.Enrolment{SchoolID: schoolID, SchoolYearID: y.ID, ClassID: pl.class.ID, PupilID: pu.ID, Status: sdgdt.EnrolStudying, From: from}
			if err := tx.Enrol(&e); err != nil {
				return err
			}
			perClass[pl.class.Name]++
			rep.Created++
		}
		voided := map[int64]bool{}
		for _, pl := range plan {
			if !voided[pl.class.ID] {
				voided[pl.class.ID] = true
				if err := a.voidChanged(tx, p, s.ID, pl.class.ID, allTerms(pl.class), VoidRoster); err != nil {
					return err
				}
			}
		}
		return record(tx, p, sdgdt.ActPupilImport, "school", idStr(schoolID), s.ID, s.UnitPath, nil, map[string]any{"created": rep.Created, "per_class": perClass, "pupils": created})
	})
	if err == errNothing {
		rep.Created = 0
		return rep, nil
	}
	return rep, err
}

// errNothing rolls back a transaction whose report already says why.
var errNothing = &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Không nhập dữ liệu nào vì tệp có lỗi."}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

func sortRowErrors(es []RowError) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Row < es[j].Row })
}

// Staff, classes and teaching assignments from spreadsheets. Each follows
// ImportPupils: the template's headings first, every row checked before
// anything is written, one transaction, one audit entry, nothing on any error.

// StaffColumns are the columns of the staff list template, in order.
var StaffColumns = []string{"STT", "Họ và tên", "Tên đăng nhập", "Ngày sinh", "Giới tính", "Điện thoại", "E-mail", "Chức vụ",
	"Môn dạy (mã môn, cách nhau dấu phẩy)"}

// ClassColumns are the columns of the class list template, in order.
var ClassColumns = []string{"STT", "Tên lớp", "Khối", "Giáo viên chủ nhiệm (tên đăng nhập)"}

// AssignmentColumns are the columns of the teaching assignment template, in order.
var AssignmentColumns = []string{"STT", "Lớp", "Môn (mã)", "Học kì", "Giáo viên (tên đăng nhập)"}

// NewAccount is an account created by an import, with the temporary password
// to hand over (shown once, never stored in clear).
type NewAccount struct {
	Username string
	FullName string
	Password string
}

var staffFieldColumn = map[string]string{"full_name": "Họ và tên", "username": "Tên đăng nhập", "email": "E-mail", "phone": "Điện thoại",
	"date_of_birth": "Ngày sinh", "sex": "Giới tính", "position": "Chức vụ", "subjects": "Môn dạy (mã môn, cách nhau dấu phẩy)"}

// ImportStaff creates the accounts of a school's staff with temporary passwords
// (validated as CreateUser validates a form) and their staff profiles. The
// report's Accounts holds the passwords to hand over.
func (a *App) ImportStaff(ctx context.Context, p *Principal, schoolID int64, rows [][]string) (ImportReport, error) {
	var rep ImportReport
	h := headerAt(rows)
	if e := checkHeader(rows, h, StaffColumns); e != nil {
		rep.Errors = append(rep.Errors, *e)
		return rep, nil
	}
	type planned struct {
		row     int
		user    sdgdt.User
		profile sdgdt.StaffProfile
	}
	var plan []planned
	seen := map[string]int{}
	now := a.DB.Now()
	for i, row := range rows[h+1:] {
		n := h + i + 2
		if blank(row) || noteRow(row) {
			continue
		}
		rep.Rows++
		fields := map[string]string{}
		username := strings.ToLower(cell(row, 2))
		fullName := strings.Join(strings.Fields(cell(row, 1)), " ")
		phone := strings.ReplaceAll(strings.ReplaceAll(cell(row, 5), " ", ""), ".", "")
		email := cell(row, 6)
		if !usernameRE.MatchString(username) {
			fields["username"] = "Tên đăng nhập có 3-40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang."
		} else if first, dup := seen[username]; dup {
			fields["username"] = fmt.Sprintf("Trùng tên đăng nhập với dòng %d.", first)
		} else {
			seen[username] = n
		}
		validateProfile(fullName, email, phone, fields)
		sp := sdgdt.StaffProfile{SchoolID: schoolID, Position: viet.Clean(cell(row, 7))}
		if v := cell(row, 3); v != "" {
			d, ok := ParseDay(v)
			if !ok || d.Year() < 1940 || d.After(now.AddDate(-18, 0, 0)) {
				fields["date_of_birth"] = "Ngày sinh không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 05/09/1985."
			}
			sp.DateOfBirth = d.Format("2006-01-02")
		}
		if v := cell(row, 4); v != "" {
			if sp.Sex = normaliseSex(v); sp.Sex == "" {
				fields["sex"] = "Giới tính là Nam hoặc Nữ."
			}
		}
		if utf8.RuneCountInString(sp.Position) > 100 {
			fields["position"] = "Chức vụ tối đa 100 ký tự."
		}
		var codes []string
		for _, c := range strings.FieldsFunc(cell(row, 8), func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
			c = strings.ToLower(c)
			if !knownSubject(c) {
				fields["subjects"] = "Mã môn “" + c + "” không có trong chương trình (xem danh sách mã môn trong tệp mẫu)."
				continue
			}
			if !slices.Contains(codes, c) {
				codes = append(codes, c)
			}
		}
		sort.Strings(codes)
		sp.Subjects = strings.Join(codes, ",")
		for _, f := range sortedKeys(fields) {
			rep.Errors = append(rep.Errors, RowError{Row: n, Column: staffFieldColumn[f], Message: fields[f]})
		}
		u := sdgdt.User{Username: username, FullName: fullName, Email: email, Phone: phone, HomeKind: sdgdt.ScopeSchool, HomeID: schoolID, MustChangePW: true}
		plan = append(plan, planned{row: n, user: u, profile: sp})
	}
	if rep.Rows == 0 {
		rep.Errors = append(rep.Errors, RowError{Row: h + 2, Message: "Tệp không có dòng cán bộ nào."})
	}
	// Rights and the usernames already taken, before the passwords are hashed.
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageAccounts, SchoolTarget(s)) || !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		for _, pl := range plan {
			if !usernameRE.MatchString(pl.user.Username) {
				continue
			}
			if _, err := tx.UserByUsername(pl.user.Username); err == nil {
				rep.Errors = append(rep.Errors, RowError{Row: pl.row, Column: "Tên đăng nhập", Message: "Tên đăng nhập " + pl.user.Username + " đã được dùng."})
			} else if sdgdt.ErrorCode(err) != sdgdt.ENOTFOUND {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	if len(rep.Errors) > 0 {
		sortRowErrors(rep.Errors)
		return rep, nil
	}
	var accounts []NewAccount
	for i := range plan {
		pw := TempPassword()
		hash, err := auth.HashPasswordWith(a.Cfg.Argon, pw)
		if err != nil {
			return rep, err
		}
		plan[i].user.PasswordHash = hash
		accounts = append(accounts, NewAccount{Username: plan[i].user.Username, FullName: plan[i].user.FullName, Password: pw})
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageAccounts, SchoolTarget(s)) || !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		var names []string
		for _, pl := range plan {
			u := pl.user
			if err := tx.CreateUser(&u); err != nil {
				if sdgdt.ErrorCode(err) == sdgdt.EINVALID { // taken since the check above
					rep.Errors = append(rep.Errors, RowError{Row: pl.row, Column: "Tên đăng nhập", Message: "Tên đăng nhập " + u.Username + " đã được dùng."})
					return errNothing
				}
				return err
			}
			sp := pl.profile
			sp.UserID = u.ID
			if err := tx.SetStaffProfile(sp); err != nil {
				return err
			}
			names = append(names, u.Username)
			rep.Created++
		}
		return record(tx, p, sdgdt.ActStaffImport, "school", idStr(schoolID), s.ID, s.UnitPath, nil, map[string]any{"created": rep.Created, "usernames": names})
	})
	if err == errNothing {
		rep.Created = 0
		return rep, nil
	}
	if err == nil {
		rep.Accounts = accounts
	}
	return rep, err
}

// GradeRange returns the grades a school of that kind teaches.
func GradeRange(kind string) (int, int) {
	switch kind {
	case "th":
		return 1, 5
	case "thcs":
		return 6, 9
	case "thpt":
		return 10, 12
	case "th_thcs":
		return 1, 9
	case "thcs_thpt", "gdnn_gdtx", "gdtx_tinh":
		return 6, 12
	}
	return 1, 12
}

// RulesetFor is the assessment rule set of a grade in a school of that kind.
func RulesetFor(kind string, grade int) string {
	switch {
	case grade <= 5:
		return "tt27"
	case kind == "gdnn_gdtx" || kind == "gdtx_tinh":
		return "tt43"
	}
	return "tt22"
}

// ImportClasses creates the classes of the current school year, each with the
// programme's curriculum of its grade and, when given, its homeroom teacher.
func (a *App) ImportClasses(ctx context.Context, p *Principal, schoolID int64, rows [][]string) (ImportReport, error) {
	var rep ImportReport
	h := headerAt(rows)
	if e := checkHeader(rows, h, ClassColumns); e != nil {
		rep.Errors = append(rep.Errors, *e)
		return rep, nil
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		existing, err := tx.ClassesOf(schoolID, y.ID)
		if err != nil {
			return err
		}
		taken := map[string]bool{}
		homerooms := map[int64]string{}
		for _, c := range existing {
			taken[strings.ToUpper(c.Name)] = true
			if c.HomeroomID != 0 {
				homerooms[c.HomeroomID] = c.Name
			}
		}
		lo, hi := GradeRange(s.Kind)
		seen := map[string]int{}
		var plan []sdgdt.Class
		for i, row := range rows[h+1:] {
			n := h + i + 2
			if blank(row) || noteRow(row) {
				continue
			}
			rep.Rows++
			c := sdgdt.Class{SchoolID: schoolID, SchoolYearID: y.ID, Name: strings.ToUpper(viet.Clean(cell(row, 1)))}
			switch {
			case c.Name == "" || utf8.RuneCountInString(c.Name) > 20:
				rep.Errors = append(rep.Errors, RowError{Row: n, Column: "Tên lớp", Message: "Tên lớp có từ 1 đến 20 ký tự."})
			case taken[c.Name]:
				rep.Errors = append(rep.Errors, RowError{Row: n, Column: "Tên lớp", Message: "Lớp " + c.Name + " đã có trong năm học " + y.Name + "."})
			case seen[c.Name] != 0:
				rep.Errors = append(rep.Errors, RowError{Row: n, Column: "Tên lớp", Message: fmt.Sprintf("Trùng tên lớp với dòng %d.", seen[c.Name])})
			default:
				seen[c.Name] = n
			}
			g, err := strconv.Atoi(cell(row, 2))
			if err != nil || g < lo || g > hi {
				rep.Errors = append(rep.Errors, RowError{Row: n, Column: "Khối", Message: fmt.Sprintf("Khối là một số từ %d đến %d (%s).", lo, hi, sdgdt.SchoolKindName(s.Kind))})
			}
			c.Grade, c.Ruleset = g, RulesetFor(s.Kind, g)
			if un := cell(row, 3); un != "" {
				u, err := tx.UserByUsername(un)
				switch {
				case sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND || (err == nil && (u.HomeKind != sdgdt.ScopeSchool || u.HomeID != schoolID)):
					rep.Errors = append(rep.Errors, RowError{Row: n, Column: "Giáo viên chủ nhiệm (tên đăng nhập)", Message: "Không có giáo viên “" + un + "” ở trường."})
				case err != nil:
					return err
				case homerooms[u.ID] != "":
					rep.Errors = append(rep.Errors, RowError{Row: n, Column: "Giáo viên chủ nhiệm (tên đăng nhập)", Message: u.FullName + " đã chủ nhiệm lớp " + homerooms[u.ID] + "."})
				default:
					c.HomeroomID = u.ID
					homerooms[u.ID] = c.Name
				}
			}
			plan = append(plan, c)
		}
		if rep.Rows == 0 {
			rep.Errors = append(rep.Errors, RowError{Row: h + 2, Message: "Tệp không có dòng lớp nào."})
		}
		if len(rep.Errors) > 0 {
			sortRowErrors(rep.Errors)
			return errNothing
		}
		var names []string
		for _, c := range plan {
			if err := tx.CreateClass(&c); err != nil {
				return err
			}
			for _, cs := range DefaultCurriculum(c.Grade, c.Ruleset) {
				cs.ClassID, cs.SchoolID = c.ID, s.ID
				if err := tx.SetClassSubject(cs); err != nil {
					return err
				}
			}
			names = append(names, c.Name)
			rep.Created++
		}
		return record(tx, p, sdgdt.ActClassImport, "school", idStr(schoolID), s.ID, s.UnitPath, nil, map[string]any{"year": y.Name, "classes": names})
	})
	if err == errNothing {
		rep.Created = 0
		return rep, nil
	}
	return rep, err
}

// TermsFor lists the terms of assignments of a rule set: semesters in
// secondary, the four assessment points in primary.
func TermsFor(ruleset string) []string {
	if ruleset == "tt27" {
		return []string{"gk1", "ck1", "gk2", "cn"}
	}
	return []string{"hk1", "hk2"}
}

// normaliseTerm accepts the codes and the usual ways of writing a semester.
func normaliseTerm(s string) string {
	f := strings.ReplaceAll(viet.Fold(strings.ToLower(strings.TrimSpace(s))), " ", "")
	switch f {
	case "hk1", "hki", "hocki1", "hockyi", "hocky1", "hocki":
		return "hk1"
	case "hk2", "hkii", "hocki2", "hockyii", "hocky2", "hockiii":
		return "hk2"
	case "gk1", "ck1", "gk2", "cn":
		return f
	}
	return f
}

// ImportAssignments gives each class × subject × term of the current school
// year to a teacher: a new assignment, or a new teacher for an existing one.
func (a *App) ImportAssignments(ctx context.Context, p *Principal, schoolID int64, rows [][]string) (ImportReport, error) {
	var rep ImportReport
	h := headerAt(rows)
	if e := checkHeader(rows, h, AssignmentColumns); e != nil {
		rep.Errors = append(rep.Errors, *e)
		return rep, nil
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActManageSchool, SchoolTarget(s)) {
			return forbidden()
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		classes, err := tx.ClassesOf(schoolID, y.ID)
		if err != nil {
			return err
		}
		byName := map[string]sdgdt.Class{}
		for _, c := range classes {
			byName[strings.ToUpper(c.Name)] = c
		}
		curricula := map[int64]map[string]bool{}
		teachers := map[string]sdgdt.User{}
		current, err := tx.AssignmentsOfSchool(schoolID, y.ID)
		if err != nil {
			return err
		}
		key := func(classID int64, subject, term string) string { return fmt.Sprint(classID, "/", subject, "/", term) }
		existing := map[string]sdgdt.AssignmentInfo{}
		for _, as := range current {
			existing[key(as.ClassID, as.Subject, as.Term)] = as
		}
		type planned struct {
			as  sdgdt.Assignment
			old int64 // existing assignment's id
		}
		var plan []planned
		seen := map[string]int{}
		for i, row := range rows[h+1:] {
			n := h + i + 2
			if blank(row) || noteRow(row) {
				continue
			}
			rep.Rows++
			ok := true
			bad := func(col, msg string) {
				rep.Errors = append(rep.Errors, RowError{Row: n, Column: col, Message: msg})
				ok = false
			}
			cname := strings.ToUpper(viet.Clean(cell(row, 1)))
			c, found := byName[cname]
			if cname == "" {
				bad("Lớp", "Vui lòng ghi tên lớp.")
			} else if !found {
				bad("Lớp", "Lớp "+cell(row, 1)+" không có trong năm học "+y.Name+" của trường.")
			}
			subject := strings.ToLower(cell(row, 2))
			if found {
				if curricula[c.ID] == nil {
					subs, err := tx.ClassSubjects(c.ID)
					if err != nil {
						return err
					}
					curricula[c.ID] = map[string]bool{}
					for _, cs := range subs {
						curricula[c.ID][cs.Subject] = true
					}
				}
				switch {
				case subject == "":
					bad("Môn (mã)", "Vui lòng ghi mã môn.")
				case !knownSubject(subject):
					bad("Môn (mã)", "Mã môn “"+subject+"” không có trong chương trình.")
				case !curricula[c.ID][subject]:
					bad("Môn (mã)", "Lớp "+c.Name+" không học môn "+assess.SubjectName(subject)+" (xem chương trình của lớp).")
				}
			}
			term := normaliseTerm(cell(row, 3))
			if found && !slices.Contains(TermsFor(c.Ruleset), term) {
				var names []string
				for _, t := range TermsFor(c.Ruleset) {
					names = append(names, t+" ("+sdgdt.TermName(t)+")")
				}
				bad("Học kì", "Học kì của lớp "+c.Name+" là một trong: "+strings.Join(names, ", ")+".")
			}
			un := strings.ToLower(cell(row, 4))
			t, tok := teachers[un]
			if !tok && un != "" {
				u, err := tx.UserByUsername(un)
				if err != nil && sdgdt.ErrorCode(err) != sdgdt.ENOTFOUND {
					return err
				}
				if err == nil && u.HomeKind == sdgdt.ScopeSchool && u.HomeID == schoolID && !u.Disabled {
					t, tok = u, true
					teachers[un] = u
				}
			}
			if un == "" {
				bad("Giáo viên (tên đăng nhập)", "Vui lòng ghi tên đăng nhập của giáo viên.")
			} else if !tok {
				bad("Giáo viên (tên đăng nhập)", "Không có giáo viên “"+un+"” ở trường (hoặc tài khoản đã khóa).")
			}
			if !ok {
				continue
			}
			k := key(c.ID, subject, term)
			if first := seen[k]; first != 0 {
				bad("Môn (mã)", fmt.Sprintf("Trùng phân công với dòng %d.", first))
				continue
			}
			seen[k] = n
			pl := planned{as: sdgdt.Assignment{SchoolID: schoolID, ClassID: c.ID, Subject: subject, Term: term, TeacherID: t.ID}}
			if ex, ok := existing[k]; ok {
				if ex.TeacherID == t.ID {
					continue // already so
				}
				pl.old = ex.ID
			}
			plan = append(plan, pl)
		}
		if rep.Rows == 0 {
			rep.Errors = append(rep.Errors, RowError{Row: h + 2, Message: "Tệp không có dòng phân công nào."})
		}
		if len(rep.Errors) > 0 {
			sortRowErrors(rep.Errors)
			return errNothing
		}
		var changes []map[string]any
		for _, pl := range plan {
			as := pl.as
			if pl.old != 0 {
				if err := tx.SetAssignmentTeacher(pl.old, as.TeacherID); err != nil {
					return err
				}
				as.ID = pl.old
			} else if err := tx.CreateAssignment(&as); err != nil {
				return err
			}
			changes = append(changes, map[string]any{"id": as.ID, "class_id": as.ClassID, "subject": as.Subject, "term": as.Term, "teacher_id": as.TeacherID, "changed": pl.old != 0})
			rep.Created++
		}
		return record(tx, p, sdgdt.ActAssignmentImport, "school", idStr(schoolID), s.ID, s.UnitPath, nil, map[string]any{"year": y.Name, "assignments": changes})
	})
	if err == errNothing {
		rep.Created = 0
		return rep, nil
	}
	return rep, err
}

// ExportClassList returns a class's list for a spreadsheet. When it holds
// personal data (the viewer may see profiles), the export is recorded in the
// audit log.
func (a *App) ExportClassList(ctx context.Context, p *Principal, classID int64) (ClassRecords, error) {
	cr, err := a.ClassRecords(ctx, p, classID)
	if err != nil || !cr.CanProfiles {
		return cr, err
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		return record(tx, p, sdgdt.ActPupilExport, "class", idStr(classID), cr.School.ID, cr.School.UnitPath, nil,
			map[string]any{"class": cr.Class.Name, "pupils": len(cr.Roster) + len(cr.Former)})
	})
	return cr, err
}

// ExportStaffList returns a school's staff for a spreadsheet, and whether the
// viewer may have their personal data (date of birth, phone, e-mail); such an
// export is recorded in the audit log.
func (a *App) ExportStaffList(ctx context.Context, p *Principal, schoolID int64) (SchoolRecords, bool, error) {
	sr, err := a.SchoolRecords(ctx, p, schoolID, 0)
	if err != nil {
		return sr, false, err
	}
	if !Can(p, ActViewProfiles, SchoolTarget(sr.School)) {
		return sr, false, nil
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		return record(tx, p, sdgdt.ActStaffExport, "school", idStr(schoolID), sr.School.ID, sr.School.UnitPath, nil, map[string]any{"staff": len(sr.Staff)})
	})
	return sr, true, err
}

// SchoolDirectory lists every school of the system by name: the destinations a
// transfer may be requested to. Names and kinds only, for anyone signed in.
func (a *App) SchoolDirectory(ctx context.Context, p *Principal) ([]sdgdt.School, error) {
	if p == nil {
		return nil, forbidden()
	}
	var out []sdgdt.School
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.SchoolsBelow("/")
		return err
	})
	sort.SliceStable(out, func(i, j int) bool { return viet.NameKey("", "", out[i].Name) < viet.NameKey("", "", out[j].Name) })
	return out, err
}

// knownSubject reports whether a code is a subject of the programme
// (assess.SubjectName returns an unknown code unchanged).
func knownSubject(code string) bool { return code != "" && assess.SubjectName(code) != code }

// noteRow reports whether a row is one of the template's instruction lines (a
// text in the first column and nothing else), left in the file: it is skipped.
func noteRow(row []string) bool {
	first := strings.TrimSpace(cell(row, 0))
	if first == "" {
		return false
	}
	if _, err := strconv.Atoi(first); err == nil {
		return false
	}
	return blank(row[1:])
}
