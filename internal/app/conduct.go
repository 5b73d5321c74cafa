package app

import (
	"context"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
)

// ConductEntry is a conduct rating (kết quả rèn luyện) of a pupil for a term:
// hk1, hk2, or summer (the re-assessment after summer training). Level is T,
// K, D, CD ("Đ", "CĐ" accepted) or "" to clear.
type ConductEntry struct {
	PupilID int64  `json:"pupil_id,string"`
	Term    string `json:"term"`
	Level   string `json:"level"`
	Comment string `json:"comment"`
}

// conductTerms are the terms a conduct rating is given for.
var conductTerms = map[string]bool{string(sdgdt.TermHK1): true, string(sdgdt.TermHK2): true, string(sdgdt.TermSummer): true}

// SetConduct stores conduct ratings of a class's pupils: the class's homeroom
// teacher only, all or none, with one audit entry; the pupils' results are
// computed again.
func (a *App) SetConduct(ctx context.Context, p *Principal, classID int64, entries []ConductEntry) error {
	if len(entries) > MaxSheetChanges {
		return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Quá nhiều thay đổi trong một yêu cầu."}
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActWriteConduct, ClassTarget(s, c.ID)) {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm lớp " + c.Name + " được đánh giá kết quả rèn luyện."}
		}
		if sdgdt.SheetKindOf(c.Ruleset) != sdgdt.SheetSecondary {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Lớp tiểu học không đánh giá kết quả rèn luyện theo mức T/K/Đ/CĐ."}
		}
		terms := map[string]bool{}
		for _, e := range entries {
			terms[e.Term] = true
		}
		for term := range terms {
			if err := checkClassConductWritable(tx, c, term); err != nil {
				return err
			}
		}
		ids, err := tx.StudyingPupils(c.ID)
		if err != nil {
			return err
		}
		on := map[int64]bool{}
		for _, id := range ids {
			on[id] = true
		}
		fields := map[string]string{}
		var clean []ConductEntry
		for _, e := range entries {
			key := strconv.FormatInt(e.PupilID, 10) + "." + e.Term
			if !on[e.PupilID] {
				fields[key] = "Học sinh không có trong danh sách lớp " + c.Name + "."
				continue
			}
			if !conductTerms[e.Term] {
				fields[key] = "Kì đánh giá rèn luyện là hk1, hk2 hoặc summer (sau rèn luyện hè)."
				continue
			}
			lv, msg := normConductLevel(e.Level)
			if msg != "" {
				fields[key] = msg
				continue
			}
			comment, msg := sheetText(e.Comment, 500)
			if msg != "" {
				fields[key] = msg
				continue
			}
			clean = append(clean, ConductEntry{e.PupilID, e.Term, lv, comment})
		}
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		var pupils []int64
		seen := map[int64]bool{}
		after := map[string]any{}
		for _, e := range clean {
			if err := tx.SetConduct(sdgdt.Conduct{SchoolID: c.SchoolID, SchoolYearID: c.SchoolYearID, PupilID: e.PupilID, Term: e.Term, ClassID: c.ID,
				Level: e.Level, Comment: e.Comment, ChangedBy: p.User.ID}); err != nil {
				return err
			}
			after[strconv.FormatInt(e.PupilID, 10)+"."+e.Term] = map[string]string{"level": e.Level, "comment": e.Comment}
			if !seen[e.PupilID] {
				seen[e.PupilID] = true
				pupils = append(pupils, e.PupilID)
			}
		}
		if len(clean) == 0 {
			return nil
		}
		if err := tx.MarkResultsStale(c.SchoolID, c.SchoolYearID, c.ID, pupils); err != nil {
			return err
		}
		var changed []string
		for term := range terms {
			changed = append(changed, term)
		}
		if err := a.voidChanged(tx, p, s.ID, c.ID, unionTerms(c, changed...), VoidEdit); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActConductSet, "class", idStr(c.ID), s.ID, s.UnitPath, nil, map[string]any{"class": c.Name, "conduct": after})
	})
	if err == nil && len(entries) > 0 {
		a.kickResults()
	}
	return err
}

// normConductLevel reads a conduct level as typed: T, K, D or CD (Đ, CĐ and
// lower case accepted), "" to clear; or says what is wrong.
func normConductLevel(s string) (string, string) {
	lv := strings.ToUpper(strings.TrimSpace(s))
	switch lv {
	case "Đ":
		lv = "D"
	case "CĐ":
		lv = "CD"
	}
	if _, ok := assess.ParseLevel(lv); lv != "" && !ok {
		return "", "Kết quả rèn luyện là T (Tốt), K (Khá), Đ (Đạt) hoặc CĐ (Chưa đạt)."
	}
	return lv, ""
}

// validateRetest reads a re-test result of a subject assessed by by: a score,
// or Đ/CĐ; "" clears it.
func validateRetest(by assess.AssessedBy, s string) (string, string) {
	v, msg := validateMark(by, CellValue{Text: s})
	if msg == "" && v == "P" {
		msg = "Kết quả kiểm tra lại là điểm hoặc Đ/CĐ, không phải P."
	}
	return v, msg
}

// checkClassConductWritable refuses conduct (and re-test) changes of a class
// under a lock of its school, year, term, grade or the class itself. Summer
// re-assessments belong to the year's end, so to semester II.
func checkClassConductWritable(tx *store.Tx, c sdgdt.Class, term string) error {
	if term == "summer" || term == "year" {
		term = "hk2"
	}
	s, err := tx.School(c.SchoolID)
	if err != nil {
		return err
	}
	return checkUnlocked(tx, SheetScope{School: s, YearID: c.SchoolYearID, Term: term, Grade: c.Grade, ClassID: c.ID})
}

// ClassConduct returns the conduct ratings of a class's current pupils.
func (a *App) ClassConduct(ctx context.Context, p *Principal, classID int64) ([]sdgdt.Conduct, error) {
	var out []sdgdt.Conduct
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		c, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActReadSheet, ClassTarget(s, c.ID)) {
			return forbidden()
		}
		ids, err := tx.StudyingPupils(c.ID)
		if err != nil {
			return err
		}
		out, err = tx.Conducts(c.SchoolID, c.SchoolYearID, ids)
		return err
	})
	return out, err
}

// RetestEntry is a summer re-test result of a pupil in a subject: a score, Đ/CĐ,
// or "" to clear.
type RetestEntry struct {
	PupilID int64
	Subject string
	Value   string
}

// RecordRetests stores re-test results of a class's pupils (the homeroom
// teacher, who keeps the re-test list, or the class's teacher of the subject),
// all or none, and recomputes their results.
func (a *App) RecordRetests(ctx context.Context, p *Principal, classID int64, entries []RetestEntry) error {
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		all, mine, err := retestRights(tx, p, s, c)
		if err != nil {
			return err
		}
		if !all && len(mine) == 0 {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm hoặc giáo viên bộ môn của lớp " + c.Name + " ghi kết quả kiểm tra lại."}
		}
		for _, e := range entries {
			if !all && !mine[e.Subject] {
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Bạn không dạy môn " + assess.SubjectName(e.Subject) + " lớp " + c.Name + " nên không ghi kết quả kiểm tra lại môn này."}
			}
		}
		if err := checkClassConductWritable(tx, c, "hk2"); err != nil {
			return err
		}
		curriculum, err := tx.ClassSubjects(c.ID)
		if err != nil {
			return err
		}
		byOf := map[string]assess.AssessedBy{}
		for _, cs := range curriculum {
			byOf[cs.Subject] = assess.AssessedBy(cs.AssessedBy)
		}
		ids, err := tx.StudyingPupils(c.ID)
		if err != nil {
			return err
		}
		on := map[int64]bool{}
		for _, id := range ids {
			on[id] = true
		}
		fields := map[string]string{}
		var pupils []int64
		after := map[string]string{}
		for _, e := range entries {
			key := strconv.FormatInt(e.PupilID, 10) + "." + e.Subject
			by, ok := byOf[e.Subject]
			switch {
			case !on[e.PupilID]:
				fields[key] = "Học sinh không có trong danh sách lớp " + c.Name + "."
				continue
			case !ok || (by != assess.ByScore && by != assess.ByComment):
				fields[key] = "Môn này không có trong chương trình của lớp."
				continue
			}
			v, msg := validateRetest(by, e.Value)
			if msg != "" {
				fields[key] = msg
				continue
			}
			if err := tx.SetRetest(sdgdt.Retest{SchoolID: c.SchoolID, SchoolYearID: c.SchoolYearID, PupilID: e.PupilID, Subject: e.Subject,
				ClassID: c.ID, Value: v, ChangedBy: p.User.ID}); err != nil {
				return err
			}
			after[key] = v
			pupils = append(pupils, e.PupilID)
		}
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		if len(pupils) == 0 {
			return nil
		}
		if err := tx.MarkResultsStale(c.SchoolID, c.SchoolYearID, c.ID, pupils); err != nil {
			return err
		}
		if err := a.voidChanged(tx, p, s.ID, c.ID, []string{"year"}, VoidEdit); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActRetestSet, "class", idStr(c.ID), s.ID, s.UnitPath, nil, map[string]any{"class": c.Name, "retests": after})
	})
	if err == nil && len(entries) > 0 {
		a.kickResults()
	}
	return err
}
