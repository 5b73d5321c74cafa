package app

import (
	"context"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
)

// Use cases of the primary book beyond the sheets: the class's
// qualities-and-competencies sheet, the Bảng tổng hợp of a point, and the
// year's end (nominations, the additional assessment, the principal's
// decisions). Each write: rights → lock (point "cn") → validation → write,
// audit entry and stale results in one transaction.

// primaryClass loads a primary class and its school, refusing other classes.
func primaryClass(tx *store.Tx, classID int64) (sdgdt.Class, sdgdt.School, error) {
	c, err := tx.Class(classID)
	if err != nil {
		return c, sdgdt.School{}, err
	}
	if sdgdt.SheetKindOf(c.Ruleset) != sdgdt.SheetPrimary {
		return c, sdgdt.School{}, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Lớp " + c.Name + " không phải lớp tiểu học (Thông tư 27/2020)."}
	}
	s, err := tx.School(c.SchoolID)
	return c, s, err
}

func badPoint(point string) error {
	return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Thời điểm đánh giá là gk1 (giữa học kì I), ck1 (cuối học kì I), gk2 (giữa học kì II) hoặc cn (cuối năm học); không phải “" + sheetShort(point) + "”.",
		Fields: map[string]string{"point": "Thời điểm đánh giá không hợp lệ."}}
}

// PCNLSheet returns the id of a class's qualities-and-competencies sheet at an
// assessment point, for whoever may read the class's sheets. The sheets are
// made with the class (and by EnsureSheets for older classes): reading never
// writes.
func (a *App) PCNLSheet(ctx context.Context, p *Principal, classID int64, point string) (int64, error) {
	if !ValidPoint(point) {
		return 0, badPoint(point)
	}
	var id int64
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		c, s, err := primaryClass(tx, classID)
		if err != nil {
			return err
		}
		if !Can(p, ActReadSheet, ClassTarget(s, c.ID)) {
			return forbidden()
		}
		sh, err := tx.SheetFor(c.ID, sdgdt.PCNLSubject, point)
		id = sh.ID
		return err
	})
	return id, err
}

// EnsureSheets creates the sheets that classes made by an older version lack
// (the primary qualities-and-competencies sheets). serve runs it at start.
func (a *App) EnsureSheets(ctx context.Context) (int64, error) {
	var n int64
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.EnsurePCNLSheets()
		return err
	})
	return n, err
}

// SummarySubject is a subject column of the Bảng tổng hợp.
type SummarySubject struct {
	Code    string
	Name    string
	Tested  bool  // a periodic test at this point
	SheetID int64 // 0 when no sheet exists yet
}

// SummaryRow is one pupil of the Bảng tổng hợp.
type SummaryRow struct {
	N            int
	PupilID      int64
	FullName     string
	Levels       []string // per subject: T, H, C or ""
	Tests        []string // per subject: the score or ""
	Comments     []string // per subject
	Competencies [10]string
	Qualities    [5]string
	QCComments   [3]string // general competencies, specific competencies, qualities
	Result       sdgdt.PrimaryResult
	Explanation  *assess.Explanation // at cn, when computable
	Eligible     bool                // HTT: may be nominated Học sinh Tiêu biểu
	Nomination   *sdgdt.Nomination
	Supplements  []sdgdt.Supplement
	Decision     *sdgdt.Decision
	Below        []string // at cn for CHT: the items below Hoàn thành / Đạt or the tests below 5
}

// LevelCount counts levels in a column.
type LevelCount struct{ T, M, C int } // M: H for subjects, Đ for qualities and competencies

// PrimarySummary is the Bảng tổng hợp kết quả đánh giá giáo dục of a class at
// an assessment point, with what the viewer may do.
type PrimarySummary struct {
	Class          sdgdt.Class
	School         sdgdt.School
	Year           sdgdt.SchoolYear
	Point          string
	RulesetVersion string
	Subjects       []SummarySubject
	Rows           []SummaryRow
	SubjectCounts  []LevelCount
	QCCounts       [15]LevelCount // competencies then qualities
	PCNLSheetID    int64
	CanWritePCNL   bool
	CanNominate    bool
	CanDecide      bool
	Locked         bool
	LockReason     string
	YearEnd        bool
	Totals         map[string]int // at cn: HTXS, HTT, HT, CHT, xuat_sac, tieu_bieu, completed, ...
}

// ClassPrimarySummary returns the Bảng tổng hợp of a class at a point, from
// the stored cells and the stored results (computed first where stale).
func (a *App) ClassPrimarySummary(ctx context.Context, p *Principal, classID int64, point string) (PrimarySummary, error) {
	var out PrimarySummary
	if !ValidPoint(point) {
		return out, badPoint(point)
	}
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		_, _, err := primaryClass(tx, classID)
		return err
	}); err != nil {
		return out, err
	}
	// Fresh stored results (rights are checked there too).
	if _, err := a.ClassResults(ctx, p, classID); err != nil {
		return out, err
	}
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		c, s, err := primaryClass(tx, classID)
		if err != nil {
			return err
		}
		t := ClassTarget(s, c.ID)
		if !Can(p, ActReadSheet, t) {
			return forbidden()
		}
		out.Class, out.School, out.Point, out.YearEnd = c, s, point, point == assess.PointCN
		out.CanWritePCNL, out.CanNominate = Can(p, ActWriteConduct, t), Can(p, ActWriteConduct, t)
		out.CanDecide = Can(p, ActDecidePromotion, t)
		if rs, ok := assess.Lookup(c.Ruleset); ok {
			out.RulesetVersion = rs.Version
		}
		ys, err := tx.SchoolYears()
		if err != nil {
			return err
		}
		for _, y := range ys {
			if y.ID == c.SchoolYearID {
				out.Year = y
			}
		}
		if l, err := activeLock(tx, SheetScope{School: s, YearID: c.SchoolYearID, Term: point, Grade: c.Grade, ClassID: c.ID}); err != nil {
			return err
		} else if l != nil {
			out.Locked, out.LockReason = true, l.Reason
		}
		curriculum, err := tx.ClassSubjects(c.ID)
		if err != nil {
			return err
		}
		for _, cs := range curriculum {
			if cs.AssessedBy != "level" {
				continue
			}
			ss := SummarySubject{Code: cs.Subject, Name: assess.SubjectName(cs.Subject), Tested: assess.PrimaryTestRequired(c.Grade, point, cs.Subject)}
			if sh, err := tx.SheetFor(c.ID, cs.Subject, point); err == nil {
				ss.SheetID = sh.ID
			}
			out.Subjects = append(out.Subjects, ss)
		}
		if sh, err := tx.SheetFor(c.ID, sdgdt.PCNLSubject, point); err == nil {
			out.PCNLSheetID = sh.ID
		}
		roster, err := tx.BookRoster(c.ID)
		if err != nil {
			return err
		}
		ids := make([]int64, len(roster))
		for i, r := range roster {
			ids[i] = r.Pupil.ID
		}
		cells, err := tx.ClassPointCells(c, point)
		if err != nil {
			return err
		}
		byPupil := map[int64]PointCells{}
		for _, cl := range cells {
			pc := byPupil[cl.PupilID]
			if pc == nil {
				pc = PointCells{}
				byPupil[cl.PupilID] = pc
			}
			pc.Set(cl.Subject, cl.Field, cl.Value)
		}
		results, err := tx.ClassPrimaryResults(c.ID, point)
		if err != nil {
			return err
		}
		resOf := map[int64]sdgdt.PrimaryResult{}
		for _, r := range results {
			resOf[r.PupilID] = r
		}
		nomOf, supOf, decOf := map[int64]*sdgdt.Nomination{}, map[int64][]sdgdt.Supplement{}, map[int64]*sdgdt.Decision{}
		if out.YearEnd && len(ids) > 0 {
			ns, err := tx.Nominations(c.SchoolID, c.SchoolYearID, ids)
			if err != nil {
				return err
			}
			for i := range ns {
				nomOf[ns[i].PupilID] = &ns[i]
			}
			ss, err := tx.Supplements(c.SchoolID, c.SchoolYearID, ids)
			if err != nil {
				return err
			}
			for _, x := range ss {
				supOf[x.PupilID] = append(supOf[x.PupilID], x)
			}
			ds, err := tx.Decisions(c.SchoolID, c.SchoolYearID, ids)
			if err != nil {
				return err
			}
			for i := range ds {
				decOf[ds[i].PupilID] = &ds[i]
			}
		}
		out.SubjectCounts = make([]LevelCount, len(out.Subjects))
		out.Totals = map[string]int{}
		for i, r := range roster {
			pc := byPupil[r.Pupil.ID]
			row := SummaryRow{N: i + 1, PupilID: r.Pupil.ID, FullName: r.Pupil.FullName(), Result: resOf[r.Pupil.ID],
				Nomination: nomOf[r.Pupil.ID], Supplements: supOf[r.Pupil.ID], Decision: decOf[r.Pupil.ID]}
			for k, sub := range out.Subjects {
				lv := pc.Get(sub.Code, "level")
				row.Levels = append(row.Levels, lv)
				row.Tests = append(row.Tests, pc.Get(sub.Code, "test"))
				row.Comments = append(row.Comments, pc.Get(sub.Code, "comment"))
				count(&out.SubjectCounts[k], lv, "H")
			}
			q := func(field string) string { return pc.Get(sdgdt.PCNLSubject, field) }
			for k, field := range competencyFields {
				row.Competencies[k] = q(field)
				count(&out.QCCounts[k], row.Competencies[k], "D")
			}
			for k, field := range qualityFields {
				row.Qualities[k] = q(field)
				count(&out.QCCounts[10+k], row.Qualities[k], "D")
			}
			row.QCComments = [3]string{q(PCNLGeneralComment), q(PCNLSpecificComment), q(PCNLQualityComment)}
			if row.Result.Complete {
				out.Totals["complete"]++
			}
			if out.YearEnd {
				nominated := row.Nomination != nil && row.Nomination.Nominated
				in, _ := PrimaryInputOf(c.Grade, point, curriculum, pc, nominated)
				if res, err := assess.EvalPrimary(in); err == nil {
					e := assess.ExplainPrimary(in, res)
					if !res.Complete { // the engine's note names the entries by code
						e.Notes = []string{missingNote(res.Missing)}
					}
					row.Explanation = &e
					row.Eligible = res.Result == assess.OutcomeHTT
					if res.Result == assess.OutcomeCHT {
						row.Below = belowStandard(in)
					}
				}
				rr := row.Result
				out.Totals[rr.Result]++
				if rr.Award != "" {
					out.Totals[rr.Award]++
				}
				if rr.CompletedGrade {
					out.Totals["completed"]++
				}
				if rr.Promotion != "" {
					out.Totals[rr.Promotion]++
				}
			}
			out.Rows = append(out.Rows, row)
		}
		return nil
	})
	return out, err
}

func count(lc *LevelCount, v, middle string) {
	switch v {
	case "T":
		lc.T++
	case middle:
		lc.M++
	case "C":
		lc.C++
	}
}

// belowStandard lists the items of a CHT pupil below Hoàn thành (subjects),
// Đạt (qualities, competencies) or with a year-end test below the pass mark:
// what the additional assessment is about.
func belowStandard(in assess.PrimaryInput) []string {
	var out []string
	for _, s := range in.Subjects {
		if s.Level == assess.SubjectC || (s.HasTest && s.Test < assess.TT27.PrimaryPass) {
			out = append(out, s.Code)
		}
	}
	for i, l := range in.Competencies {
		if l == assess.QualityC {
			out = append(out, "c."+assess.CompetencyCodes[i])
		}
	}
	for i, l := range in.Qualities {
		if l == assess.QualityC {
			out = append(out, "q."+assess.QualityCodes[i])
		}
	}
	return out
}

// ItemName is the Vietnamese name of an item of the additional assessment: a
// subject, "q.<quality>" or "c.<competency>".
func ItemName(item string) string {
	if l, ok := pcnlFieldLabel(item); ok {
		return l
	}
	return assess.SubjectName(item)
}

// yearEndOf computes a pupil's end-of-year result inside a write transaction,
// with the additional assessment and decision as stored.
func yearEndOf(tx *store.Tx, c sdgdt.Class, pupilID int64) (sdgdt.PrimaryResult, error) {
	years, err := tx.PupilYears(c.SchoolID, c.SchoolYearID, []int64{pupilID})
	if err != nil {
		return sdgdt.PrimaryResult{}, err
	}
	if len(years) != 1 {
		return sdgdt.PrimaryResult{}, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Học sinh không học ở trường trong năm học này."}
	}
	var b primaryBatch
	if err := b.load(tx, c.SchoolID, c.SchoolYearID, years); err != nil {
		return sdgdt.PrimaryResult{}, err
	}
	b.evaluate(&years[0], c.SchoolID, c.SchoolYearID, 0)
	for _, r := range b.rows {
		if r.Point == assess.PointCN {
			return r, nil
		}
	}
	return sdgdt.PrimaryResult{}, nil
}

// yearEndWrite is the frame of a year-end write on one pupil of a class:
// rights, lock of the end of the year, the pupil on the roster.
func yearEndWrite(tx *store.Tx, p *Principal, classID, pupilID int64, act Action, refusal string) (sdgdt.Class, sdgdt.School, error) {
	c, s, err := primaryClass(tx, classID)
	if err != nil {
		return c, s, err
	}
	if !Can(p, act, ClassTarget(s, c.ID)) {
		return c, s, &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: strings.ReplaceAll(refusal, "{class}", c.Name)}
	}
	if err := checkUnlocked(tx, SheetScope{School: s, YearID: c.SchoolYearID, Term: assess.PointCN, Grade: c.Grade, ClassID: c.ID}); err != nil {
		return c, s, err
	}
	ids, err := tx.StudyingPupils(c.ID)
	if err != nil {
		return c, s, err
	}
	for _, id := range ids {
		if id == pupilID {
			return c, s, nil
		}
	}
	return c, s, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Học sinh không có trong danh sách lớp " + c.Name + ".", Fields: map[string]string{"pupil_id": "Học sinh không có trong danh sách lớp."}}
}

// SetNomination records (or withdraws) the homeroom teacher's nomination of a
// pupil whose year result is Hoàn thành tốt as Học sinh Tiêu biểu, with its
// reason.
func (a *App) SetNomination(ctx context.Context, p *Principal, classID, pupilID int64, nominated bool, reason string) error {
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		c, s, err := yearEndWrite(tx, p, classID, pupilID, ActWriteConduct, "Chỉ giáo viên chủ nhiệm lớp {class} đề nghị khen thưởng học sinh.")
		if err != nil {
			return err
		}
		reason, msg := sheetText(reason, 500)
		if msg != "" {
			return sdgdt.Invalid(map[string]string{"reason": msg})
		}
		if nominated {
			if reason == "" {
				return sdgdt.Invalid(map[string]string{"reason": "Ghi lý do đề nghị: thành tích nổi bật ở môn học nào, hoặc tiến bộ rõ rệt ở phẩm chất, năng lực nào (đã được tập thể lớp nhất trí)."})
			}
			r, err := yearEndOf(tx, c, pupilID)
			if err != nil {
				return err
			}
			if r.Result != assess.OutcomeHTT.Code() {
				what := "chưa tính được kết quả cuối năm"
				if r.Result != "" {
					what = "kết quả cuối năm là " + OutcomeName(r.Result)
				}
				return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Chỉ đề nghị Học sinh Tiêu biểu cho học sinh Hoàn thành tốt; học sinh này " + what + "."}
			}
		}
		if err := tx.SetNomination(sdgdt.Nomination{SchoolID: c.SchoolID, SchoolYearID: c.SchoolYearID, PupilID: pupilID, ClassID: c.ID,
			Nominated: nominated, Reason: reason, ChangedBy: p.User.ID}); err != nil {
			return err
		}
		if err := tx.MarkResultsStale(c.SchoolID, c.SchoolYearID, c.ID, []int64{pupilID}); err != nil {
			return err
		}
		if err := a.voidChanged(tx, p, s.ID, c.ID, []string{"cn"}, VoidEdit); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActPrimaryNominate, "pupil", idStr(pupilID), s.ID, s.UnitPath, nil,
			map[string]any{"class": c.Name, "nominated": nominated, "reason": reason})
	})
	if err == nil {
		a.kickResults()
	}
	return err
}

// SupplementEntry is one item of an additional assessment: a subject's level
// (T/H/C) and test score, or a quality's or competency's level (T/Đ/C).
type SupplementEntry struct {
	Item  string // subject code, "q.<quality>" or "c.<competency>"
	Level string
	Test  string
}

// RecordSupplement records the additional assessment (đánh giá bổ sung) in
// summer of a pupil whose year result is Chưa hoàn thành: the updated levels
// and test scores; the year result is then computed again from them. The
// homeroom teacher records it, for the teachers who assessed again.
func (a *App) RecordSupplement(ctx context.Context, p *Principal, classID, pupilID int64, entries []SupplementEntry, note string) error {
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		c, s, err := yearEndWrite(tx, p, classID, pupilID, ActWriteConduct, "Chỉ giáo viên chủ nhiệm lớp {class} ghi kết quả đánh giá bổ sung.")
		if err != nil {
			return err
		}
		note, msg := sheetText(note, 500)
		if msg != "" {
			return sdgdt.Invalid(map[string]string{"note": msg})
		}
		r, err := yearEndOf(tx, c, pupilID)
		if err != nil {
			return err
		}
		if r.Result != assess.OutcomeCHT.Code() {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Đánh giá bổ sung chỉ dành cho học sinh Chưa hoàn thành chương trình lớp học (kết quả cuối năm CHT)."}
		}
		curriculum, err := tx.ClassSubjects(c.ID)
		if err != nil {
			return err
		}
		inCurriculum := map[string]bool{}
		for _, cs := range curriculum {
			inCurriculum[cs.Subject] = cs.AssessedBy == "level"
		}
		fields := map[string]string{}
		var clean []sdgdt.Supplement
		for _, e := range entries {
			sup := sdgdt.Supplement{SchoolID: c.SchoolID, SchoolYearID: c.SchoolYearID, PupilID: pupilID, Item: e.Item, ClassID: c.ID, Note: note, ChangedBy: p.User.ID}
			lv := strings.ToUpper(strings.TrimSpace(e.Level))
			test := strings.TrimSpace(e.Test)
			switch {
			case strings.HasPrefix(e.Item, "q.") || strings.HasPrefix(e.Item, "c."):
				if _, ok := pcnlFieldLabel(e.Item); !ok || IsTextField(e.Item) {
					fields[e.Item] = "Không có phẩm chất, năng lực này."
					continue
				}
				v, m := validatePCNL(e.Item, CellValue{Text: lv})
				if m != "" {
					fields[e.Item] = m
					continue
				}
				if test != "" {
					fields[e.Item] = "Phẩm chất, năng lực không có điểm kiểm tra."
					continue
				}
				sup.Level = v
			case inCurriculum[e.Item]:
				v, m := validatePrimary("level", CellValue{Text: lv})
				if m != "" {
					fields[e.Item] = m
					continue
				}
				sup.Level = v
				if test != "" {
					if !assess.PrimaryTestRequired(c.Grade, assess.PointCN, e.Item) {
						fields[e.Item] = "Môn " + assess.SubjectName(e.Item) + " không có bài kiểm tra định kì cuối năm ở lớp " + strconv.Itoa(c.Grade) + "."
						continue
					}
					t, m := validatePrimary("test", CellValue{Text: test})
					if m != "" {
						fields[e.Item] = m
						continue
					}
					sup.Test = t
				}
			default:
				fields[e.Item] = "Môn “" + sheetShort(e.Item) + "” không có trong chương trình của lớp " + c.Name + "."
				continue
			}
			clean = append(clean, sup)
		}
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		if len(clean) == 0 {
			return sdgdt.Invalid(map[string]string{"items": "Ghi ít nhất một mức đạt được sau đánh giá bổ sung."})
		}
		after := map[string]any{}
		for _, sup := range clean {
			if err := tx.SetSupplement(sup); err != nil {
				return err
			}
			after[sup.Item] = map[string]string{"level": sup.Level, "test": sup.Test}
		}
		if err := tx.MarkResultsStale(c.SchoolID, c.SchoolYearID, c.ID, []int64{pupilID}); err != nil {
			return err
		}
		if err := a.voidChanged(tx, p, s.ID, c.ID, []string{"cn"}, VoidEdit); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActPrimarySupplement, "pupil", idStr(pupilID), s.ID, s.UnitPath, nil,
			map[string]any{"class": c.Name, "items": after, "note": note})
	})
	if err == nil {
		a.kickResults()
	}
	return err
}

// DecidePromotion records the principal's decision on a pupil who is still
// Chưa hoàn thành after the additional assessment: promoted (lên lớp) or
// retained (ở lại lớp). A school leader only; audited with the previous
// decision.
func (a *App) DecidePromotion(ctx context.Context, p *Principal, classID, pupilID int64, decision, note string) error {
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		c, s, err := yearEndWrite(tx, p, classID, pupilID, ActDecidePromotion, "Chỉ hiệu trưởng (lãnh đạo nhà trường) quyết định cho học sinh lớp {class} lên lớp hay ở lại lớp.")
		if err != nil {
			return err
		}
		if decision != PromotionPromoted && decision != PromotionRetained {
			return sdgdt.Invalid(map[string]string{"decision": "Quyết định là “promoted” (lên lớp) hoặc “retained” (ở lại lớp)."})
		}
		note, msg := sheetText(note, 500)
		if msg != "" {
			return sdgdt.Invalid(map[string]string{"note": msg})
		}
		r, err := yearEndOf(tx, c, pupilID)
		if err != nil {
			return err
		}
		switch {
		case r.Result != assess.OutcomeCHT.Code():
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Hiệu trưởng chỉ quyết định cho học sinh Chưa hoàn thành chương trình lớp học."}
		case r.ResultFinal == "" || r.Promotion == PromotionAdditionalAssessment:
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Học sinh chưa được đánh giá bổ sung: giáo viên ghi kết quả đánh giá bổ sung trước khi hiệu trưởng quyết định."}
		case r.ResultFinal != assess.OutcomeCHT.Code():
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Sau đánh giá bổ sung học sinh đã " + OutcomeName(r.ResultFinal) + " và được lên lớp; không cần quyết định của hiệu trưởng."}
		}
		var before any
		if ds, err := tx.Decisions(c.SchoolID, c.SchoolYearID, []int64{pupilID}); err != nil {
			return err
		} else if len(ds) == 1 {
			before = map[string]any{"decision": ds[0].Decision, "note": ds[0].Note, "by": ds[0].DecidedByName}
		}
		if err := tx.SetDecision(sdgdt.Decision{SchoolID: c.SchoolID, SchoolYearID: c.SchoolYearID, PupilID: pupilID, ClassID: c.ID,
			Decision: decision, Note: note, DecidedBy: p.User.ID}); err != nil {
			return err
		}
		if err := tx.MarkResultsStale(c.SchoolID, c.SchoolYearID, c.ID, []int64{pupilID}); err != nil {
			return err
		}
		if err := a.voidChanged(tx, p, s.ID, c.ID, []string{"cn"}, VoidEdit); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActPrimaryDecision, "pupil", idStr(pupilID), s.ID, s.UnitPath, before,
			map[string]any{"class": c.Name, "decision": decision, "note": note})
	})
	if err == nil {
		a.kickResults()
	}
	return err
}

// PrimaryClassYear returns the school year of a primary class, for whoever
// may read its sheets (the pages open on the latest assessment point).
func (a *App) PrimaryClassYear(ctx context.Context, p *Principal, classID int64) (sdgdt.SchoolYear, error) {
	var out sdgdt.SchoolYear
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		c, s, err := primaryClass(tx, classID)
		if err != nil {
			return err
		}
		if !Can(p, ActReadSheet, ClassTarget(s, c.ID)) {
			return forbidden()
		}
		ys, err := tx.SchoolYears()
		for _, y := range ys {
			if y.ID == c.SchoolYearID {
				out = y
			}
		}
		return err
	})
	return out, err
}

// MissingName names an entry of the primary book that is not entered, for
// people: "Tiếng Việt – bài kiểm tra", "Toán – mức đạt được", "Phẩm chất:
// Yêu nước"; the rules engine lists them by code (tieng_viet.test).
func MissingName(code string) string {
	group, item, ok := strings.Cut(code, ".")
	if !ok {
		return ItemName(code)
	}
	switch group {
	case "qualities":
		return "Phẩm chất: " + ItemName("q."+item)
	case "competencies":
		return "Năng lực: " + ItemName("c."+item)
	}
	switch item {
	case "test":
		return assess.SubjectName(group) + " – bài kiểm tra"
	case "level":
		return assess.SubjectName(group) + " – mức đạt được"
	}
	return assess.SubjectName(group) + " – " + FieldLabel(item)
}

// missingNote is the note of a result that cannot be computed yet, with the
// entries named for people.
func missingNote(missing []string) string {
	names := make([]string, len(missing))
	for i, m := range missing {
		names[i] = MissingName(m)
	}
	return "Chưa tính được: còn thiếu " + strings.Join(names, ", ") + "."
}
