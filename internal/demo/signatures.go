package demo

import (
	"fmt"
	"sort"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
)

// DemoSignPIN is the signing PIN of every demo account that signs (teachers
// and leaders), printed as sign_pin by `sdgdt demo --json`.
const DemoSignPIN = "147258"

// signatures gives the demo its digital signatures: the province CA (its key
// sealed under the configured CA passphrase, or the demo password), every
// teacher and leader enrolled with DemoSignPIN, the semester I sheets and
// homeroom data of THCS Nguyễn Du's 6A1 signed and its class book signed by
// the principal, a scored sheet of 6A2 signed and then made void by an
// approved correction, so that every state has something real to show.
func (s *seeder) signatures() error {
	// The correction below recomputes results: in the foreground, so that no
	// background work outlives Seed (marks.go).
	release := s.a.HoldResults()
	s.a.WaitResults()
	err := s.signWork()
	release()
	s.a.WaitResults()
	for err == nil {
		var n int
		if n, err = s.a.RecomputeStale(s.ctx, 1000); n == 0 {
			break
		}
	}
	return err
}

func (s *seeder) signWork() error {
	if s.a.Cfg.CAPassphrase == "" {
		s.a.Cfg.CAPassphrase = s.password
	}
	if _, err := s.a.InitCA(s.ctx, s.sys, app.CAInput{CommonName: "CA Sở GD&ĐT Đắk Lắk (thử nghiệm)", Org: "Sở Giáo dục và Đào tạo Đắk Lắk",
		Passphrase: s.a.Cfg.CAPassphrase}); err != nil {
		return fmt.Errorf("CA: %w", err)
	}
	if err := s.enrolSigners(0); err != nil {
		return err
	}
	// THCS Nguyễn Du: 6A1 signed through, 6A2 mathematics void after a correction.
	var school sdgdt.School
	var c1, c2 sdgdt.Class
	var sheets1 []sdgdt.Sheet
	var math2 sdgdt.Sheet
	var leader, board *app.Principal
	var leaderSecret string
	err := s.a.DB.View(s.ctx, func(tx *store.Tx) error {
		all, err := tx.SchoolsBelow("/")
		if err != nil {
			return err
		}
		for _, sc := range all {
			if sc.Code == "THCS-ND" {
				school = sc
			}
		}
		classes, err := tx.ClassesOf(school.ID, s.year.ID)
		if err != nil {
			return err
		}
		for _, c := range classes {
			switch c.Name {
			case "6A1":
				c1 = c
			case "6A2":
				c2 = c
			}
		}
		if sheets1, err = tx.SheetsOfClass(c1.ID, []string{"hk1"}); err != nil {
			return err
		}
		// A scored subject of 6A2 whose teacher is not the homeroom teacher
		// (who witnesses the correction).
		sheets2, err := tx.SheetsOfClass(c2.ID, []string{"hk1"})
		if err != nil {
			return err
		}
		sort.Slice(sheets2, func(i, j int) bool { return sheets2[i].Subject > sheets2[j].Subject }) // toan first
		for _, sh := range sheets2 {
			cs, err := tx.ClassSubject(c2.ID, sh.Subject)
			if err != nil || cs.AssessedBy != "score" {
				continue
			}
			as, err := tx.FindAssignment(c2.ID, sh.Subject, "hk1")
			if err == nil && as.TeacherID != c2.HomeroomID && math2.ID == 0 {
				math2 = sh
			}
		}
		if math2.ID == 0 {
			return fmt.Errorf("demo: no scored subject of 6A2 taught by another teacher than its homeroom teacher")
		}
		lu, err := tx.UserByUsername("thcsnd.lanhdao")
		if err != nil {
			return err
		}
		leaderSecret = lu.TOTPSecret
		if leader, err = s.principalOf(tx, lu.ID); err != nil {
			return err
		}
		bu, err := tx.UserByUsername("thcsnd.bqt")
		if err != nil {
			return err
		}
		board, err = s.principalOf(tx, bu.ID)
		return err
	})
	if err != nil {
		return err
	}
	signAs := func(userID int64, o app.SignObject, otp string) error {
		var p *app.Principal
		if err := s.a.DB.View(s.ctx, func(tx *store.Tx) error { var err error; p, err = s.principalOf(tx, userID); return err }); err != nil {
			return err
		}
		_, err := s.a.Sign(s.ctx, p, o, app.SignInput{PIN: DemoSignPIN, OTP: otp})
		return err
	}
	teacherOf := func(c sdgdt.Class, subject, term string) (int64, error) {
		var id int64
		err := s.a.DB.View(s.ctx, func(tx *store.Tx) error {
			as, err := tx.FindAssignment(c.ID, subject, term)
			id = as.TeacherID
			return err
		})
		return id, err
	}
	sort.Slice(sheets1, func(i, j int) bool { return sheets1[i].Subject < sheets1[j].Subject })
	for _, sh := range sheets1 {
		t, err := teacherOf(c1, sh.Subject, "hk1")
		if err != nil {
			return fmt.Errorf("ký bảng điểm %s 6A1: %w", sh.Subject, err)
		}
		if err := signAs(t, app.SignObject{Kind: sdgdt.SignSheet, SheetID: sh.ID}, ""); err != nil {
			return fmt.Errorf("ký bảng điểm %s 6A1: %w", sh.Subject, err)
		}
	}
	if err := signAs(c1.HomeroomID, app.SignObject{Kind: sdgdt.SignHomeroom, ClassID: c1.ID, Term: "hk1"}, ""); err != nil {
		return fmt.Errorf("ký dữ liệu chủ nhiệm 6A1: %w", err)
	}
	code, err := auth.TOTPCode(leaderSecret, s.a.Now())
	if err != nil {
		return err
	}
	if err := signAs(leader.User.ID, app.SignObject{Kind: sdgdt.SignBook, ClassID: c1.ID, Term: "hk1"}, code); err != nil {
		return fmt.Errorf("lãnh đạo ký sổ 6A1: %w", err)
	}
	// The code was only the seeder's: the principal's authenticator has not
	// used one yet, and his first sign-in must not find the step taken.
	if err := s.a.DB.Update(s.ctx, func(tx *store.Tx) error {
		u, err := tx.User(leader.User.ID)
		if err != nil {
			return err
		}
		u.TOTPLastStep = leader.User.TOTPLastStep
		return tx.UpdateUser(&u)
	}); err != nil {
		return err
	}
	// 6A2 mathematics: signed, locked, corrected (approved, two witnesses): void.
	mathTeacher, err := teacherOf(c2, math2.Subject, "hk1")
	if err != nil {
		return err
	}
	if err := signAs(mathTeacher, app.SignObject{Kind: sdgdt.SignSheet, SheetID: math2.ID}, ""); err != nil {
		return fmt.Errorf("ký bảng điểm %s 6A2: %w", math2.Subject, err)
	}
	if _, err := s.a.SetLock(s.ctx, leader, app.LockInput{SchoolID: school.ID, SheetID: math2.ID, Reason: "Khóa bảng điểm sau khi giáo viên ký số"}); err != nil {
		return err
	}
	var teacher, homeroom *app.Principal
	var pupil int64
	var old string
	err = s.a.DB.View(s.ctx, func(tx *store.Tx) error {
		var err error
		if teacher, err = s.principalOf(tx, mathTeacher); err != nil {
			return err
		}
		if homeroom, err = s.principalOf(tx, c2.HomeroomID); err != nil {
			return err
		}
		cells, err := tx.ClassCells(math2, "hk1")
		if err != nil {
			return err
		}
		for _, cell := range cells {
			if cell.Field == "midterm" && cell.Value != "" && (pupil == 0 || cell.PupilID < pupil) {
				pupil, old = cell.PupilID, cell.Value
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if pupil == 0 {
		return fmt.Errorf("demo: 6A2 has no %s mid-term mark to correct", math2.Subject)
	}
	nv := "8"
	if strings.HasPrefix(old, "8") {
		nv = "9"
	}
	corr, err := s.a.RequestCorrection(s.ctx, teacher, math2.ID, []app.CorrectionCellInput{{PupilID: pupil, Field: "midterm", Value: app.CellValue{Number: true, Text: nv}}},
		"Chấm phúc khảo bài kiểm tra giữa kì: cộng sót điểm")
	if err != nil {
		return fmt.Errorf("đề nghị điều chỉnh: %w", err)
	}
	if err := s.a.DecideCorrection(s.ctx, leader, corr.ID, true, "Đồng ý theo biên bản phúc khảo"); err != nil {
		return err
	}
	if _, err := s.a.WitnessCorrection(s.ctx, board, corr.ID); err != nil {
		return err
	}
	applied, err := s.a.WitnessCorrection(s.ctx, homeroom, corr.ID)
	if err == nil && !applied {
		err = fmt.Errorf("demo: the correction of 6A2 was not applied")
	}
	return err
}

// enrolSigners gives the teachers and leaders among s.accounts[from:] a
// signing key under DemoSignPIN.
func (s *seeder) enrolSigners(from int) error {
	signs := map[string]bool{sdgdt.RoleHomeroom: true, sdgdt.RoleSubjectTeacher: true, sdgdt.RoleLeader: true}
	var ids []int64
	err := s.a.DB.View(s.ctx, func(tx *store.Tx) error {
		for _, a := range s.accounts[from:] {
			if !signs[a.Role] {
				continue
			}
			u, err := tx.UserByUsername(a.Username)
			if err != nil {
				return err
			}
			ids = append(ids, u.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := s.a.EnrolMany(s.ctx, s.sys, ids, DemoSignPIN); err != nil {
		return fmt.Errorf("chữ ký số: %w", err)
	}
	pin := DemoSignPIN
	for i := from; i < len(s.accounts); i++ {
		if signs[s.accounts[i].Role] {
			s.accounts[i].SignPIN = &pin
		}
	}
	return nil
}
