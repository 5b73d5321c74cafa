package app

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
	"sdgdt/internal/viet"
)

// Corrections of a class's homeroom data: conduct, the homeroom
// teacher's comments, re-test results and the summer re-assessment of a
// secondary class, and the qualities and competencies of a primary class,
// once locked, approved or signed, change only through the same request →
// approval → two witnesses → applied path as a sheet's cells. A secondary
// request names the class and a term (hk1, hk2, year) instead of a sheet; a
// primary one names the class and an assessment point and becomes a request on
// the class's qualities-and-competencies sheet.

// Homeroom fields of a correction.
const (
	FieldConduct        = "conduct"         // conduct level of hk1 or hk2
	FieldConductComment = "conduct_comment" // the comment beside it
	FieldSummerConduct  = "summer_conduct"  // re-assessment after summer training
	FieldComment        = "comment"         // homeroom teacher's comment of the term
	FieldRetestPrefix   = "retest."         // retest.<subject>
)

// HomeroomCorrectionFields names the homeroom fields a correction takes, for
// people: field → label.
func homeroomFieldLabel(field string) (string, bool) {
	switch field {
	case FieldConduct:
		return "Kết quả rèn luyện", true
	case FieldConductComment:
		return "Nhận xét rèn luyện", true
	case FieldSummerConduct:
		return "Rèn luyện lại trong hè", true
	}
	if sub, ok := strings.CutPrefix(field, FieldRetestPrefix); ok {
		return "Kiểm tra lại môn " + assess.SubjectName(sub), true
	}
	if f, ok := strings.CutPrefix(field, FieldProfilePrefix); ok && bookProfileFields[f] != "" {
		return "Hồ sơ: " + viet.LowerFirst(bookProfileFields[f]), true
	}
	return "", false
}

// CorrectionScope says what a correction changes, for people: "Toán, Học kì
// I" or "Dữ liệu chủ nhiệm, Cả năm".
func CorrectionScope(c sdgdt.Correction) string {
	if c.SheetID == 0 {
		return "Dữ liệu chủ nhiệm, " + ClassTermName(c.Term)
	}
	return assess.SubjectName(c.Subject) + ", " + SheetTermName(c.Term)
}

// RequestClassCorrection records a request to change homeroom data of a class
// for a term. A primary class's request goes to its qualities-and-competencies
// sheet of that assessment point (fields quality.<code>, competency.<code> or
// the sheet's own field names).
func (a *App) RequestClassCorrection(ctx context.Context, p *Principal, classID int64, term string, cells []CorrectionCellInput, reason string) (sdgdt.Correction, error) {
	var c sdgdt.Correction
	reason = viet.Clean(reason)
	switch {
	case reason == "":
		return c, sdgdt.Invalid(map[string]string{"reason": "Vui lòng ghi lý do điều chỉnh."})
	case utf8.RuneCountInString(reason) > 500:
		return c, sdgdt.Invalid(map[string]string{"reason": "Lý do tối đa 500 ký tự."})
	case len(cells) == 0 || len(cells) > 200:
		return c, sdgdt.Invalid(map[string]string{"cells": "Đề nghị điều chỉnh từ 1 đến 200 ô."})
	}
	var pcnl int64
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		cl, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(cl.SchoolID)
		if err != nil {
			return err
		}
		t := ClassTarget(s, cl.ID)
		if !Can(p, ActRead, SchoolTarget(s)) { // rights by field below
			return forbidden()
		}
		if sdgdt.SheetKindOf(cl.Ruleset) != sdgdt.SheetSecondary {
			if !ValidPoint(term) {
				return sdgdt.Invalid(map[string]string{"term": "Lớp tiểu học: kì là một thời điểm đánh giá (gk1, ck1, gk2, cn)."})
			}
			sh, err := tx.SheetFor(cl.ID, sdgdt.PCNLSubject, term)
			pcnl = sh.ID
			return err
		}
		if !ValidClassTerm(term) {
			return sdgdt.Invalid(map[string]string{"term": "Kì là hk1, hk2 hoặc year (cả năm)."})
		}
		all, mine, err := retestRights(tx, p, s, cl)
		if err != nil {
			return err
		}
		homeroom := Can(p, ActWriteConduct, t)
		onRoster := map[int64]bool{}
		ids, err := tx.StudyingPupils(cl.ID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			onRoster[id] = true
		}
		cur, err := loadHomeroomData(tx, cl, ids)
		if err != nil {
			return err
		}
		curriculum, err := tx.ClassSubjects(cl.ID)
		if err != nil {
			return err
		}
		byOf := map[string]assess.AssessedBy{}
		for _, cs := range curriculum {
			byOf[cs.Subject] = assess.AssessedBy(cs.AssessedBy)
		}
		c = sdgdt.Correction{SchoolID: s.ID, SchoolYearID: cl.SchoolYearID, ClassID: cl.ID, ClassName: cl.Name, Term: term,
			Status: "requested", Reason: reason, RequestedBy: p.User.ID}
		fields := map[string]string{}
		seen := map[string]bool{}
		lockTerms := map[string]bool{}
		for _, in := range cells {
			key := strconv.FormatInt(in.PupilID, 10) + "." + in.Field
			if !onRoster[in.PupilID] {
				fields[key] = "Học sinh không có trong danh sách lớp " + cl.Name + "."
				continue
			}
			if seen[key] {
				fields[key] = "Ô này có hai lần trong đề nghị."
				continue
			}
			seen[key] = true
			sub, retest := strings.CutPrefix(in.Field, FieldRetestPrefix)
			pf, profile := strings.CutPrefix(in.Field, FieldProfilePrefix)
			switch {
			case retest && !all && !mine[sub]:
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm hoặc giáo viên dạy môn " + assess.SubjectName(sub) + " lớp " + cl.Name + " đề nghị điều chỉnh kết quả kiểm tra lại môn này."}
			case profile && !Can(p, ActKeepClassRecords, t):
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm hoặc quản trị của trường đề nghị điều chỉnh hồ sơ học sinh lớp " + cl.Name + "."}
			case !retest && !profile && !homeroom:
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm lớp " + cl.Name + " đề nghị điều chỉnh dữ liệu chủ nhiệm của lớp."}
			}
			lockTerm, msg := homeroomFieldTerm(in.Field, term)
			if msg != "" {
				fields[key] = msg
				continue
			}
			var val, old string
			switch {
			case profile:
				pupil, err := tx.Pupil(in.PupilID)
				if err != nil {
					return err
				}
				old = profileValue(pupil, pf)
				val, msg = profileCorrection(pupil, pf, in.Value.Text, tx.Now)
			case retest:
				by, ok := byOf[sub]
				if !ok || (by != assess.ByScore && by != assess.ByComment) {
					fields[key] = "Môn này không có trong chương trình của lớp."
					continue
				}
				val, msg = validateRetest(by, in.Value.Text)
			case in.Field == FieldConduct || in.Field == FieldSummerConduct:
				val, msg = normConductLevel(in.Value.Text)
			case in.Field == FieldConductComment:
				val, msg = sheetText(in.Value.Text, 500)
			default: // FieldComment
				val, msg = sheetText(in.Value.Text, maxHomeroomComment)
			}
			if msg != "" {
				fields[key] = msg
				continue
			}
			if !profile {
				old = cur.value(in.PupilID, in.Field, term)
			}
			if old == val {
				fields[key] = "Giá trị mới giống giá trị hiện tại."
				continue
			}
			lockTerms[lockTerm] = true
			c.Cells = append(c.Cells, sdgdt.CorrectionCell{PupilID: in.PupilID, Field: in.Field, OldValue: old, NewValue: val})
		}
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		for lt := range lockTerms {
			err := checkClassConductWritable(tx, cl, lt)
			if err == nil {
				return sdgdt.Invalid(map[string]string{"term": "Dữ liệu chủ nhiệm của lớp " + cl.Name + " ở " + viet.LowerFirst(ClassTermName(lt)) +
					" đang mở: hãy sửa trực tiếp, không cần đề nghị điều chỉnh."})
			}
			if sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
				return err
			}
		}
		if err := tx.CreateCorrection(&c); err != nil {
			return err
		}
		view := correctionView(c)
		view["class_id"], view["term"] = c.ClassID, c.Term
		return record(tx, p, sdgdt.ActCorrectionRequest, "correction", idStr(c.ID), s.ID, s.UnitPath, nil, view)
	})
	if err != nil || pcnl == 0 {
		return c, err
	}
	mapped := make([]CorrectionCellInput, len(cells))
	for i, in := range cells {
		mapped[i] = in
		if code, ok := strings.CutPrefix(in.Field, "quality."); ok {
			mapped[i].Field = "q." + code
		} else if code, ok := strings.CutPrefix(in.Field, "competency."); ok {
			mapped[i].Field = "c." + code
		}
	}
	return a.RequestCorrection(ctx, p, pcnl, mapped, reason)
}

// homeroomFieldTerm checks that a homeroom field belongs to the request's
// term, and returns the term whose lock governs it.
func homeroomFieldTerm(field, term string) (string, string) {
	switch {
	case field == FieldConduct || field == FieldConductComment:
		if term == "year" {
			return "", "Kết quả rèn luyện được đánh giá theo học kì: chọn kì hk1 hoặc hk2 (rèn luyện lại trong hè: summer_conduct)."
		}
		return term, ""
	case field == FieldComment:
		return term, ""
	case strings.HasPrefix(field, FieldProfilePrefix) && bookProfileFields[strings.TrimPrefix(field, FieldProfilePrefix)] != "":
		if term != "year" {
			return "", "Hồ sơ học sinh in trong sổ cả năm: chọn kì year."
		}
		return "hk2", ""
	case field == FieldSummerConduct || strings.HasPrefix(field, FieldRetestPrefix):
		if term != "year" {
			return "", "Kiểm tra lại và rèn luyện lại trong hè thuộc cả năm học: chọn kì year."
		}
		return "hk2", ""
	}
	return "", "Không có dữ liệu chủ nhiệm “" + field + "”: conduct, conduct_comment, summer_conduct, comment, retest.<môn> hoặc profile.<mục hồ sơ> (full_name, date_of_birth, sex, ethnicity, place_of_birth, home_town)."
}

// homeroomData is a class's homeroom data as stored, by pupil.
type homeroomData struct {
	conduct  map[int64]map[string]sdgdt.Conduct // pupil → term (hk1, hk2, summer)
	comments map[int64]map[string]string        // pupil → term
	retests  map[int64]map[string]string        // pupil → subject
}

func loadHomeroomData(tx *store.Tx, c sdgdt.Class, ids []int64) (*homeroomData, error) {
	d := &homeroomData{conduct: map[int64]map[string]sdgdt.Conduct{}, comments: map[int64]map[string]string{}, retests: map[int64]map[string]string{}}
	cs, err := tx.Conducts(c.SchoolID, c.SchoolYearID, ids)
	if err != nil {
		return nil, err
	}
	for _, x := range cs {
		if d.conduct[x.PupilID] == nil {
			d.conduct[x.PupilID] = map[string]sdgdt.Conduct{}
		}
		d.conduct[x.PupilID][x.Term] = x
	}
	hc, err := tx.HomeroomComments(c.SchoolID, c.SchoolYearID, ids)
	if err != nil {
		return nil, err
	}
	for _, x := range hc {
		if d.comments[x.PupilID] == nil {
			d.comments[x.PupilID] = map[string]string{}
		}
		d.comments[x.PupilID][x.Term] = x.Comment
	}
	rt, err := tx.Retests(c.SchoolID, c.SchoolYearID, ids)
	if err != nil {
		return nil, err
	}
	for _, x := range rt {
		if d.retests[x.PupilID] == nil {
			d.retests[x.PupilID] = map[string]string{}
		}
		d.retests[x.PupilID][x.Subject] = x.Value
	}
	return d, nil
}

// value is the stored value of a homeroom field of a pupil for term.
func (d *homeroomData) value(pupil int64, field, term string) string {
	switch field {
	case FieldConduct:
		return d.conduct[pupil][term].Level
	case FieldConductComment:
		return d.conduct[pupil][term].Comment
	case FieldSummerConduct:
		return d.conduct[pupil][string(sdgdt.TermSummer)].Level
	case FieldComment:
		return d.comments[pupil][term]
	}
	return d.retests[pupil][strings.TrimPrefix(field, FieldRetestPrefix)]
}

// applyClassCorrection writes a homeroom correction's cells at once, as
// changed by the requester, and recomputes the pupils' results.
func (a *App) applyClassCorrection(tx *store.Tx, p *Principal, c *sdgdt.Correction, s sdgdt.School) error {
	cl, err := tx.Class(c.ClassID)
	if err != nil {
		return err
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, x := range c.Cells {
		if !seen[x.PupilID] {
			seen[x.PupilID] = true
			ids = append(ids, x.PupilID)
		}
	}
	cur, err := loadHomeroomData(tx, cl, ids)
	if err != nil {
		return err
	}
	if err := applyProfileCells(tx, c.Cells); err != nil {
		return err
	}
	voids := map[string]bool{}
	stale := false
	for _, x := range c.Cells {
		switch {
		case strings.HasPrefix(x.Field, FieldProfilePrefix): // the name and birth are in every signed document
			for _, t := range allTerms(cl) {
				voids[t] = true
			}
		case x.Field == FieldConduct || x.Field == FieldConductComment || x.Field == FieldSummerConduct:
			term := c.Term
			if x.Field == FieldSummerConduct {
				term = string(sdgdt.TermSummer)
			}
			k := cur.conduct[x.PupilID][term]
			if x.Field == FieldConductComment {
				k.Comment = x.NewValue
			} else {
				k.Level = x.NewValue
			}
			if err := tx.SetConduct(sdgdt.Conduct{SchoolID: cl.SchoolID, SchoolYearID: cl.SchoolYearID, PupilID: x.PupilID, Term: term, ClassID: cl.ID,
				Level: k.Level, Comment: k.Comment, ChangedBy: c.RequestedBy}); err != nil {
				return err
			}
			if cur.conduct[x.PupilID] == nil {
				cur.conduct[x.PupilID] = map[string]sdgdt.Conduct{}
			}
			cur.conduct[x.PupilID][term] = k
			stale = true
			for _, t := range unionTerms(cl, term) {
				voids[t] = true
			}
		case x.Field == FieldComment:
			if err := tx.SetHomeroomComment(sdgdt.HomeroomComment{SchoolID: cl.SchoolID, SchoolYearID: cl.SchoolYearID, PupilID: x.PupilID,
				Term: c.Term, ClassID: cl.ID, Comment: x.NewValue, ChangedBy: c.RequestedBy}); err != nil {
				return err
			}
			voids[c.Term] = true
		default:
			if err := tx.SetRetest(sdgdt.Retest{SchoolID: cl.SchoolID, SchoolYearID: cl.SchoolYearID, PupilID: x.PupilID,
				Subject: strings.TrimPrefix(x.Field, FieldRetestPrefix), ClassID: cl.ID, Value: x.NewValue, ChangedBy: c.RequestedBy}); err != nil {
				return err
			}
			stale, voids["year"] = true, true
		}
	}
	if stale {
		if err := tx.MarkResultsStale(cl.SchoolID, cl.SchoolYearID, cl.ID, ids); err != nil {
			return err
		}
	}
	var terms []string
	for _, t := range ClassTerms {
		if voids[t] {
			terms = append(terms, t)
		}
	}
	if err := a.voidChanged(tx, p, s.ID, cl.ID, terms, VoidCorrection); err != nil {
		return err
	}
	c.Status, c.AppliedAt = "applied", tx.Now
	after := correctionView(*c)
	after["class_id"], after["term"], after["approved_by"] = c.ClassID, c.Term, c.DecidedBy
	return record(tx, p, sdgdt.ActCorrectionApply, "class", idStr(cl.ID), s.ID, s.UnitPath, nil, after)
}

// ClassCorrectionFrame is what the form of a homeroom correction offers: the
// class's pupils and the fields of the term the viewer may ask to change.
type ClassCorrectionFrame struct {
	Class  sdgdt.Class
	School sdgdt.School
	Term   string
	Pupils []sdgdt.RosterEntry
	Fields []string
	Lock   string // why the data cannot be written directly ("" when open)
}

// ClassCorrectionForm returns the frame of a homeroom correction of a
// secondary class for term (hk1, hk2, year).
func (a *App) ClassCorrectionForm(ctx context.Context, p *Principal, classID int64, term string) (ClassCorrectionFrame, error) {
	var f ClassCorrectionFrame
	if !ValidClassTerm(term) {
		return f, sdgdt.Invalid(map[string]string{"term": "Kì là hk1, hk2 hoặc year (cả năm)."})
	}
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if f.Class, err = tx.Class(classID); err != nil {
			return err
		}
		if f.School, err = tx.School(f.Class.SchoolID); err != nil {
			return err
		}
		if sdgdt.SheetKindOf(f.Class.Ruleset) != sdgdt.SheetSecondary {
			return sdgdt.Invalid(map[string]string{"term": "Lớp tiểu học: đề nghị điều chỉnh năng lực, phẩm chất từ bảng đánh giá năng lực, phẩm chất."})
		}
		f.Term = term
		all, mine, err := retestRights(tx, p, f.School, f.Class)
		if err != nil {
			return err
		}
		homeroom := Can(p, ActWriteConduct, ClassTarget(f.School, f.Class.ID))
		keeps := Can(p, ActKeepClassRecords, ClassTarget(f.School, f.Class.ID))
		if !homeroom && !keeps && !all && len(mine) == 0 {
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm lớp " + f.Class.Name + " đề nghị điều chỉnh dữ liệu chủ nhiệm của lớp."}
		}
		if homeroom {
			if term != "year" {
				f.Fields = append(f.Fields, FieldConduct, FieldConductComment)
			}
			f.Fields = append(f.Fields, FieldComment)
			if term == "year" {
				f.Fields = append(f.Fields, FieldSummerConduct)
			}
		}
		if term == "year" {
			curriculum, err := tx.ClassSubjects(f.Class.ID)
			if err != nil {
				return err
			}
			for _, cs := range curriculum {
				by := assess.AssessedBy(cs.AssessedBy)
				if (by == assess.ByScore || by == assess.ByComment) && (all || mine[cs.Subject]) {
					f.Fields = append(f.Fields, FieldRetestPrefix+cs.Subject)
				}
			}
		}
		if keeps && term == "year" {
			for _, pf := range []string{"full_name", "date_of_birth", "sex", "ethnicity", "place_of_birth", "home_town"} {
				f.Fields = append(f.Fields, FieldProfilePrefix+pf)
			}
		}
		lt := term
		if lt == "year" {
			lt = "hk2"
		}
		if err := checkClassConductWritable(tx, f.Class, lt); err != nil {
			if sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
				return err
			}
			f.Lock = sdgdt.ErrorMessage(err)
		}
		f.Pupils, err = tx.ClassRoster(f.Class.ID, false)
		return err
	})
	return f, err
}

// Profile fields of a correction: profile.<field>, the fields of a pupil's
// profile that the class book and the học bạ print. Under the year's lock of
// his class they change only through a correction; the others (address,
// parents, phone, …) stay editable.
const FieldProfilePrefix = "profile."

var bookProfileFields = map[string]string{"full_name": "Họ và tên", "date_of_birth": "Ngày sinh", "sex": "Giới tính",
	"ethnicity": "Dân tộc", "place_of_birth": "Nơi sinh", "home_town": "Quê quán"}

// profileValue is a profile field as the audit log and corrections show it.
func profileValue(p sdgdt.Pupil, field string) string {
	v, _ := pupilView(p)[field].(string)
	return v
}

// inputOf is a stored profile as a form would send it back.
func inputOf(p sdgdt.Pupil) PupilInput {
	return PupilInput{FullName: p.FullName(), DateOfBirth: sdgdt.FormatDate(p.DateOfBirth), Sex: p.Sex, Ethnicity: p.Ethnicity,
		PlaceOfBirth: p.PlaceOfBirth, HomeTown: p.HomeTown, Address: p.Address, FatherName: p.FatherName, MotherName: p.MotherName,
		GuardianName: p.GuardianName, GuardianPhone: p.GuardianPhone, IdentityNumber: p.IdentityNumber, MinistryCode: p.MinistryCode}
}

// withProfileField returns in with one book field set.
func withProfileField(in PupilInput, field, v string) PupilInput {
	switch field {
	case "full_name":
		in.FullName = v
	case "date_of_birth":
		in.DateOfBirth = v
	case "sex":
		in.Sex = v
	case "ethnicity":
		in.Ethnicity = v
	case "place_of_birth":
		in.PlaceOfBirth = v
	case "home_town":
		in.HomeTown = v
	}
	return in
}

// profileCorrection checks a requested profile value: the pupil's profile
// with that field changed must be valid; it returns the value as stored.
func profileCorrection(pupil sdgdt.Pupil, field, v string, today time.Time) (string, string) {
	np, fields := withProfileField(inputOf(pupil), field, v).ToPupil(today)
	if msg := fields[field]; msg != "" {
		return "", msg
	}
	for _, msg := range fields { // e.g. the identity number no longer fits the new date of birth
		return "", msg
	}
	return profileValue(np, field), ""
}

// bookProfileChanges lists the book fields that differ between two profiles.
func bookProfileChanges(old, np sdgdt.Pupil) map[string]string {
	out := map[string]string{}
	for f, label := range bookProfileFields {
		if profileValue(old, f) != profileValue(np, f) {
			out[f] = label + " in trong sổ đã khóa của cả năm: sửa bằng đề nghị điều chỉnh (hồ sơ học sinh)."
		}
	}
	return out
}

// applyProfileCells writes the profile cells of a correction, pupil by pupil.
func applyProfileCells(tx *store.Tx, cells []sdgdt.CorrectionCell) error {
	by := map[int64][]sdgdt.CorrectionCell{}
	var order []int64
	for _, x := range cells {
		if _, ok := strings.CutPrefix(x.Field, FieldProfilePrefix); ok {
			if by[x.PupilID] == nil {
				order = append(order, x.PupilID)
			}
			by[x.PupilID] = append(by[x.PupilID], x)
		}
	}
	for _, id := range order {
		old, err := tx.Pupil(id)
		if err != nil {
			return err
		}
		in := inputOf(old)
		for _, x := range by[id] {
			in = withProfileField(in, strings.TrimPrefix(x.Field, FieldProfilePrefix), x.NewValue)
		}
		np, fields := in.ToPupil(tx.Now)
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		np.ID, np.SchoolID, np.CreatedAt = old.ID, old.SchoolID, old.CreatedAt
		if err := tx.UpdatePupil(&np); err != nil {
			return err
		}
	}
	return nil
}
