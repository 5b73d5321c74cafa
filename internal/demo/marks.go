package demo

import (
	"fmt"
	"math"
	"sdgdt"
	"strconv"

	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
)

// marks fills semester I of every secondary class with realistic marks, entered
// by each sheet's own teacher through the same use case as the grid (one
// transaction per sheet), and the homeroom teachers' conduct ratings. Some
// sheets are left incomplete (end-of-term not entered yet, make-ups pending).
// The last class of each secondary school also gets semester II, so that year
// results, promotion, re-test lists and a few re-test results exist.
func (s *seeder) marks() error {
	var classes []sdgdt.Class
	err := s.a.DB.View(s.ctx, func(tx *store.Tx) error {
		for _, code := range []string{"THCS-ND", "THPT-CVA", "GDTX-KP"} {
			id, err := tx.SchoolIDByCode(code)
			if err != nil {
				return err
			}
			cs, err := tx.ClassesOf(id, s.year.ID)
			if err != nil {
				return err
			}
			classes = append(classes, cs...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The last class of each school has its whole year.
	return s.markClasses(classes, func(i int) bool { return i == len(classes)-1 || classes[i+1].SchoolID != classes[i].SchoolID })
}

// markClasses enters the marks of classes (the year's, where fullYear says
// so, else semester I's) and computes every result before returning: no
// background work outlives Seed.
func (s *seeder) markClasses(classes []sdgdt.Class, fullYear func(i int) bool) error {
	release := s.a.HoldResults()
	s.a.WaitResults() // a recomputation started before the hold finishes first
	for i, c := range classes {
		if err := s.classMarks(c, i, fullYear(i)); err != nil {
			release()
			return fmt.Errorf("điểm lớp %s: %w", c.Name, err)
		}
	}
	release()
	s.a.WaitResults()
	for {
		n, err := s.a.RecomputeStale(s.ctx, 1000)
		if err != nil || n == 0 {
			return err
		}
	}
}

// principalOf builds the principal of a demo teacher.
func (s *seeder) principalOf(tx *store.Tx, userID int64) (*app.Principal, error) {
	u, err := tx.User(userID)
	if err != nil {
		return nil, err
	}
	roles, err := tx.RolesOf(userID)
	if err != nil {
		return nil, err
	}
	return &app.Principal{User: u, Roles: roles, IP: "127.0.0.1", UserAgent: "sdgdt demo", RequestID: "demo"}, nil
}

func (s *seeder) classMarks(c sdgdt.Class, classIndex int, fullYear bool) error {
	cd, err := s.classData(c)
	if err != nil {
		return err
	}
	subjects, pupils, asg, teachers, homeroom := cd.subjects, cd.pupils, cd.asg, cd.teachers, cd.homeroom
	// Each pupil has an ability and each pupil × subject a leaning, so that
	// the class spreads over every level.
	ability := make([]float64, len(pupils))
	for i := range ability {
		ability[i] = clamp(6.9+1.35*s.rnd.NormFloat64(), 2.6, 9.7)
	}
	if fullYear && len(ability) > 8 { // a few weak pupils: re-tests at year end
		for _, i := range []int{2, 5, 8} {
			ability[i] = 3.4 + 0.3*s.rnd.Float64()
		}
	}
	leaning := map[string][]float64{}
	for _, cs := range subjects {
		l := make([]float64, len(pupils))
		for i := range l {
			l[i] = 0.7 * s.rnd.NormFloat64()
		}
		leaning[cs.Subject] = l
	}
	terms := []string{"hk1"}
	if fullYear {
		terms = append(terms, "hk2")
	}
	rs, _ := assess.Lookup(c.Ruleset)
	for si, cs := range subjects {
		if cs.AssessedBy != "score" && cs.AssessedBy != "comment" {
			continue
		}
		n := rs.RegularCount(assess.AssessedBy(cs.AssessedBy), cs.PeriodsPerYear)
		for _, term := range terms {
			var as *sdgdt.AssignmentInfo
			for k := range asg {
				if asg[k].Subject == cs.Subject && asg[k].Term == term {
					as = &asg[k]
				}
			}
			if as == nil {
				continue
			}
			var sheet sdgdt.Sheet
			if err := s.a.DB.View(s.ctx, func(tx *store.Tx) error {
				var err error
				sheet, err = tx.SheetFor(c.ID, cs.Subject, term)
				return err
			}); err != nil {
				return err
			}
			// Semester I: in one class of three the end-of-term marks of two
			// subjects are not entered yet; everywhere a few make-ups pend.
			noFinal := term == "hk1" && !fullYear && classIndex%3 == 1 && (si == 1 || si == 4)
			var changes []app.SheetChange
			for pi, pid := range pupils {
				lvl := ability[pi] + leaning[cs.Subject][pi]
				if term == "hk2" {
					lvl += 0.3
				}
				add := func(field string, v string) {
					changes = append(changes, app.SheetChange{PupilID: pid, Field: field, Value: app.CellValue{Text: v}})
				}
				for k := 0; k < n; k++ {
					if !fullYear && s.rnd.IntN(300) == 0 {
						add("regular["+strconv.Itoa(k)+"]", "P")
						continue
					}
					add("regular["+strconv.Itoa(k)+"]", s.markFor(cs.AssessedBy, lvl, 1.1, k%2 == 0))
				}
				add("midterm", s.markFor(cs.AssessedBy, lvl, 0.9, false))
				if !noFinal {
					add("final", s.markFor(cs.AssessedBy, lvl, 0.9, false))
				}
				if s.rnd.IntN(4) == 0 {
					add("comment", commentFor(cs.AssessedBy, lvl, s.rnd.IntN(3)))
				}
			}
			p := teachers[as.TeacherID]
			if _, err := s.a.PatchSheet(s.ctx, p, sheet.ID, app.SheetPatch{Version: sheet.Version, Changes: changes, Via: app.ViaImport,
				Reason: "Dữ liệu mẫu"}); err != nil {
				return fmt.Errorf("%s %s: %w", cs.Subject, term, err)
			}
		}
	}
	if homeroom == nil {
		return nil
	}
	var conduct []app.ConductEntry
	for pi, pid := range pupils {
		for _, term := range terms {
			x := s.rnd.Float64() - (ability[pi]-6.9)*0.05
			lv := "T"
			switch {
			case x > 0.985:
				lv = "CD"
			case x > 0.92:
				lv = "D"
			case x > 0.7:
				lv = "K"
			}
			conduct = append(conduct, app.ConductEntry{PupilID: pid, Term: term, Level: lv})
		}
	}
	if err := s.a.SetConduct(s.ctx, homeroom, c.ID, conduct); err != nil {
		return err
	}
	if !fullYear {
		return nil
	}
	// Re-tests: the pupils to re-test get a result in half of their subjects.
	rs2, err := s.a.ClassResults(s.ctx, homeroom, c.ID)
	if err != nil {
		return err
	}
	var retests []app.RetestEntry
	for _, r := range rs2 {
		if r.Promotion != "retest" || r.RetestSubjects == "" {
			continue
		}
		subs, _ := app.DecodeSubjects(r)
		for k, sub := range subs {
			if k%2 == 1 || sub.Year.Kind == assess.MarkEmpty {
				continue
			}
			if (sub.Year.Kind == assess.MarkScore && sub.Year.Score < 50) || sub.Year.Kind == assess.MarkFail {
				v := "6"
				if sub.AssessedBy == "comment" {
					v = "D"
				}
				retests = append(retests, app.RetestEntry{PupilID: r.PupilID, Subject: sub.Subject, Value: v})
			}
		}
	}
	if len(retests) > 0 {
		return s.a.RecordRetests(s.ctx, homeroom, c.ID, retests)
	}
	return nil
}

// markFor draws a mark around lvl: a score (whole or half points), or Đ/CĐ.
func (s *seeder) markFor(by string, lvl, spread float64, whole bool) string {
	v := clamp(lvl+spread*s.rnd.NormFloat64(), 0, 10)
	if by == "comment" {
		if v < 3.6 && s.rnd.IntN(2) == 0 {
			return "CD"
		}
		return "D"
	}
	if whole {
		return strconv.Itoa(int(math.Round(v)))
	}
	h := math.Round(v*2) / 2
	if h == math.Trunc(h) {
		return strconv.Itoa(int(h))
	}
	return strconv.FormatFloat(h, 'f', 1, 64)
}

func commentFor(by string, lvl float64, k int) string {
	good := []string{"Tiếp thu nhanh, tích cực phát biểu.", "Học tốt, trình bày cẩn thận.", "Có nhiều tiến bộ, cần phát huy."}
	mid := []string{"Nắm được kiến thức cơ bản.", "Cần chú ý hơn khi làm bài.", "Chăm chỉ, cần luyện thêm bài tập."}
	low := []string{"Cần cố gắng nhiều hơn.", "Chưa nắm vững kiến thức, cần phụ đạo.", "Hay quên làm bài tập về nhà."}
	switch {
	case lvl >= 8:
		return good[k]
	case lvl >= 5.5:
		return mid[k]
	}
	return low[k]
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// classInfo is what filling a class's book needs: its curriculum, its pupils
// in order, its assignments and the principals of its teachers.
type classInfo struct {
	subjects []sdgdt.ClassSubject
	pupils   []int64
	asg      []sdgdt.AssignmentInfo
	teachers map[int64]*app.Principal
	homeroom *app.Principal
}

func (s *seeder) classData(c sdgdt.Class) (classInfo, error) {
	cd := classInfo{teachers: map[int64]*app.Principal{}}
	err := s.a.DB.View(s.ctx, func(tx *store.Tx) error {
		var err error
		if cd.subjects, err = tx.ClassSubjects(c.ID); err != nil {
			return err
		}
		roster, err := tx.ClassRoster(c.ID, false)
		if err != nil {
			return err
		}
		for _, r := range roster {
			cd.pupils = append(cd.pupils, r.Pupil.ID)
		}
		if cd.asg, err = tx.AssignmentsOfClass(c.ID); err != nil {
			return err
		}
		for _, a := range cd.asg {
			if cd.teachers[a.TeacherID] == nil {
				if cd.teachers[a.TeacherID], err = s.principalOf(tx, a.TeacherID); err != nil {
					return err
				}
			}
		}
		if c.HomeroomID != 0 {
			cd.homeroom, err = s.principalOf(tx, c.HomeroomID)
		}
		return err
	})
	return cd, err
}
