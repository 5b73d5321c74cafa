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

// primaryBook fills mid-semester I and the end of semester I of every class of
// the demo primary school: each subject's levels, test scores where the
// circular requires them, and some comments, entered by the subject's own
// teacher through the same use case as the grid; and the qualities and
// competencies, entered by the homeroom teacher. Most pupils are H or T, a
// few C; tests are mostly 6-10; a few cells are left empty (a test still to
// be entered, a comment not written).
func (s *seeder) primaryBook() error {
	var classes []sdgdt.Class
	err := s.a.DB.View(s.ctx, func(tx *store.Tx) error {
		id, err := tx.SchoolIDByCode("TH-LVT")
		if err != nil {
			return err
		}
		classes, err = tx.ClassesOf(id, s.year.ID)
		return err
	})
	if err != nil {
		return err
	}
	release := s.a.HoldResults()
	s.a.WaitResults() // a recomputation started before the hold finishes first
	defer release()
	for i, c := range classes {
		if err := s.primaryClass(c, i); err != nil {
			return fmt.Errorf("sổ tiểu học lớp %s: %w", c.Name, err)
		}
	}
	for {
		n, err := s.a.RecomputeStale(s.ctx, 1000)
		if err != nil || n == 0 {
			return err
		}
	}
}

func (s *seeder) primaryClass(c sdgdt.Class, classIndex int) error {
	cd, err := s.classData(c)
	if err != nil {
		return err
	}
	subjects, pupils, asg, teachers, homeroom := cd.subjects, cd.pupils, cd.asg, cd.teachers, cd.homeroom
	// Each pupil has an ability and each pupil × subject a leaning.
	ability := make([]float64, len(pupils))
	for i := range ability {
		ability[i] = s.rnd.NormFloat64()
	}
	for _, point := range []string{assess.PointGK1, assess.PointCK1} {
		for si, cs := range subjects {
			if cs.AssessedBy != "level" {
				continue
			}
			var teacher *app.Principal
			for _, a := range asg {
				if a.Subject == cs.Subject && a.Term == point {
					teacher = teachers[a.TeacherID]
				}
			}
			if teacher == nil {
				continue
			}
			var sheet sdgdt.Sheet
			if err := s.a.DB.View(s.ctx, func(tx *store.Tx) error {
				var err error
				sheet, err = tx.SheetFor(c.ID, cs.Subject, point)
				return err
			}); err != nil {
				return err
			}
			tested := assess.PrimaryTestRequired(c.Grade, point, cs.Subject)
			// In one class of three, the end-of-semester tests of one subject
			// are still being marked: a few pupils have no score yet.
			lateTests := point == assess.PointCK1 && classIndex%3 == 1 && si == 1
			var changes []app.SheetChange
			for pi, pid := range pupils {
				x := ability[pi] + 0.6*s.rnd.NormFloat64()
				if point == assess.PointCK1 {
					x += 0.15
				}
				add := func(field, v string) {
					changes = append(changes, app.SheetChange{PupilID: pid, Field: field, Value: app.CellValue{Text: v}})
				}
				lv := "H"
				switch {
				case x > 0.45:
					lv = "T"
				case x < -1.9:
					lv = "C"
				}
				add("level", lv)
				if tested && !(lateTests && pi%7 == 3) {
					t := int(math.Round(clamp(7.9+1.25*x, 2, 10)))
					if lv == "C" {
						t = min(t, 4)
					}
					add("test", strconv.Itoa(t))
				}
				if point == assess.PointCK1 || s.rnd.IntN(3) == 0 {
					add("comment", primaryComment(cs.Subject, lv, s.rnd.IntN(3)))
				}
			}
			if _, err := s.a.PatchSheet(s.ctx, teacher, sheet.ID, app.SheetPatch{Version: sheet.Version, Changes: changes, Via: app.ViaImport,
				Reason: "Dữ liệu mẫu"}); err != nil {
				return fmt.Errorf("%s %s: %w", cs.Subject, point, err)
			}
		}
		if homeroom == nil {
			continue
		}
		id, err := s.a.PCNLSheet(s.ctx, homeroom, c.ID, point)
		if err != nil {
			return err
		}
		var changes []app.SheetChange
		fields := app.PCNLFields()
		for pi, pid := range pupils {
			for _, f := range fields {
				var v string
				switch f {
				case app.PCNLGeneralComment:
					v = []string{"Biết tự học, mạnh dạn khi giao tiếp.", "Hợp tác tốt với bạn trong nhóm.", "Cần chủ động hơn khi làm việc nhóm."}[s.rnd.IntN(3)]
				case app.PCNLSpecificComment:
					v = []string{"Đọc lưu loát, tính toán nhanh.", "Có năng khiếu vẽ, hát.", "Cần luyện thêm kĩ năng tính toán."}[s.rnd.IntN(3)]
				case app.PCNLQualityComment:
					v = []string{"Lễ phép, chăm chỉ, thật thà.", "Yêu quý bạn bè, có trách nhiệm với lớp.", "Cần mạnh dạn nhận lỗi khi làm sai."}[s.rnd.IntN(3)]
				default:
					x := ability[pi]*0.6 + 0.7*s.rnd.NormFloat64()
					v = "D"
					switch {
					case x > 0.35:
						v = "T"
					case x < -2.0:
						v = "C"
					}
				}
				if app.IsTextField(f) && point == assess.PointGK1 && s.rnd.IntN(2) == 0 {
					continue
				}
				changes = append(changes, app.SheetChange{PupilID: pid, Field: f, Value: app.CellValue{Text: v}})
			}
		}
		if _, err := s.a.PatchSheet(s.ctx, homeroom, id, app.SheetPatch{Version: 0, Changes: changes, Via: app.ViaImport, Reason: "Dữ liệu mẫu"}); err != nil {
			return fmt.Errorf("năng lực, phẩm chất %s: %w", point, err)
		}
	}
	return nil
}

// primaryComment is a teacher's comment on a primary subject at a level.
func primaryComment(subject, level string, k int) string {
	good := []string{"Hoàn thành tốt các bài học, tích cực phát biểu.", "Tiếp thu nhanh, trình bày sạch đẹp.", "Tiến bộ rõ, cần phát huy."}
	mid := []string{"Hoàn thành các bài học.", "Nắm được nội dung bài, cần cẩn thận hơn.", "Chăm chỉ, cần luyện thêm."}
	low := []string{"Chưa hoàn thành một số bài, cần phụ đạo thêm.", "Cần cố gắng nhiều hơn.", "Cần gia đình kèm thêm ở nhà."}
	switch subject {
	case "tieng_viet":
		good[0], mid[0], low[0] = "Đọc lưu loát, viết đúng chính tả.", "Đọc tương đối lưu loát, đôi khi sai chính tả.", "Đọc còn chậm, viết sai nhiều lỗi chính tả."
	case "toan":
		good[0], mid[0], low[0] = "Tính nhanh, giải toán có lời văn tốt.", "Thực hiện đúng các phép tính cơ bản.", "Còn nhầm lẫn khi tính, cần luyện thêm."
	}
	switch level {
	case "T":
		return good[k]
	case "C":
		return low[k]
	}
	return mid[k]
}
