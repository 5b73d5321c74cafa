package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"sdgdt"
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
	Rows    int
	Created int
	Errors  []RowError
}

// PupilColumns are the columns of the pupil list template, in order.
var PupilColumns = []string{"STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Nơi sinh", "Quê quán", "Địa chỉ",
	"Họ tên cha", "Họ tên mẹ", "Người giám hộ", "SĐT phụ huynh", "Số định danh cá nhân", "Mã học sinh (Bộ GDĐT)", "Lớp"}

// pupilFieldColumn maps a validation field to its column heading.
var pupilFieldColumn = map[string]string{"full_name": "Họ và tên", "date_of_birth": "Ngày sinh", "sex": "Giới tính", "ethnicity": "Dân tộc",
	"place_of_birth": "Nơi sinh", "home_town": "Quê quán", "address": "Địa chỉ", "father_name": "Họ tên cha", "mother_name": "Họ tên mẹ",
	"guardian_name": "Người giám hộ", "guardian_phone": "SĐT phụ huynh", "identity_number": "Số định danh cá nhân", "ministry_code": "Mã học sinh (Bộ GDĐT)"}

// checkHeader compares a spreadsheet's first row with the template's headings.
func checkHeader(rows [][]string, want []string) *RowError {
	if len(rows) == 0 {
		return &RowError{Row: 1, Message: "Tệp trống: hãy dùng tệp mẫu tải về từ hệ thống."}
	}
	got := rows[0]
	for i, w := range want {
		g := ""
		if i < len(got) {
			g = viet.Clean(got[i])
		}
		if !strings.EqualFold(g, w) {
			return &RowError{Row: 1, Column: w, Message: fmt.Sprintf("Sai mẫu: cột %d phải là “%s” (tệp có “%s”). Hãy dùng tệp mẫu tải về từ hệ thống.", i+1, w, g)}
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
	if e := checkHeader(rows, PupilColumns); e != nil {
		rep.Errors = append(rep.Errors, *e)
		return rep, nil
	}
	type planned struct {
		pupil sdgdt.Pupil
		class store.Class
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
		byName := map[string]store.Class{}
		for _, c := range classes {
			byName[strings.ToUpper(c.Name)] = c
		}
		seen := map[string]int{}
		var numbers []string
		now := tx.Now
		for i, row := range rows[1:] {
			n := i + 2
			if blank(row) {
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
			rep.Errors = append(rep.Errors, RowError{Row: 2, Message: "Tệp không có dòng học sinh nào."})
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
		for _, pl := range plan {
			pu := pl.pupil
			if err := tx.CreatePupil(&pu); err != nil {
				return err
			}
			e := store.Enrolment{SchoolID: schoolID, SchoolYearID: y.ID, ClassID: pl.class.ID, PupilID: pu.ID, Status: sdgdt.EnrolStudying, From: from}
			if err := tx.Enrol(&e); err != nil {
				return err
			}
			perClass[pl.class.Name]++
			rep.Created++
		}
		return record(tx, p, "pupil.import", "school", idStr(schoolID), s.ID, s.UnitPath, nil, map[string]any{"created": rep.Created, "per_class": perClass})
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
