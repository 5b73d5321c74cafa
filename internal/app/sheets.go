package app

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/store"
)

// The assessment book's sheets: one per class × subject × term. A sheet shows
// the class's current pupils and their cells; only the assignment's subject
// teacher writes it (ActWriteSheet); the homeroom teacher, the school's leaders
// and the units above read it (ActReadSheet). Every write path — grid, API,
// Excel upload — goes through PatchSheet: rights → lock → validation →
// conflict check → cells, history, audit entry and stale results, in one
// transaction.

// Vias: how a cell was changed (mark_changes.via).
const (
	ViaGrid       = "grid"
	ViaAPI        = "api"
	ViaUpload     = "upload"
	ViaCorrection = "correction"
	ViaImport     = "import"
)

// MaxSheetChanges bounds the changes of one request.
const MaxSheetChanges = 5000

// SheetAssignment is a teaching assignment with its sheet, as listed to its
// teacher.
type SheetAssignment struct {
	sdgdt.TeacherSheet
	SubjectName string
	AssessedBy  string // "score", "comment" or "level" (primary)
}

// MyAssignments returns the caller's teaching assignments of the current school
// year with their sheets, creating the sheets that do not exist yet.
func (a *App) MyAssignments(ctx context.Context, p *Principal) ([]SheetAssignment, error) {
	var list []sdgdt.TeacherSheet
	load := func(tx *store.Tx) error {
		var err error
		list, err = tx.TeacherSheets(p.User.ID)
		return err
	}
	if err := a.DB.View(ctx, load); err != nil {
		return nil, err
	}
	missing := false
	for _, ts := range list {
		missing = missing || ts.SheetID == 0
	}
	if missing {
		err := a.DB.Update(ctx, func(tx *store.Tx) error {
			for _, ts := range list {
				if ts.SheetID == 0 {
					if err := ensureSheet(tx, ts.Assignment); err != nil {
						return err
					}
				}
			}
			return load(tx)
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]SheetAssignment, 0, len(list))
	for _, ts := range list {
		by := ts.AssessedBy
		if sdgdt.SheetKindOf(ts.Ruleset) == sdgdt.SheetPrimary {
			by = "level"
		} else if by == "" {
			if s, ok := assess.LookupSubject(assess.THCS, ts.Subject); ok {
				by = string(s.AssessedBy)
			}
		}
		out = append(out, SheetAssignment{TeacherSheet: ts, SubjectName: assess.SubjectName(ts.Subject), AssessedBy: by})
	}
	return out, nil
}

// TermName is the Vietnamese name of the assignment's term.
func (a SheetAssignment) TermName() string { return SheetTermName(a.Term) }

// ensureSheet creates the sheet of an assignment if it does not exist.
func ensureSheet(tx *store.Tx, as sdgdt.Assignment) error {
	c, err := tx.Class(as.ClassID)
	if err != nil {
		return err
	}
	_, err = tx.EnsureSheet(c, as.Subject, as.Term)
	return err
}

// checkSheetWritable is the one place every write path asks whether a sheet
// may be written now. Locks (issue #7) plug in here and answer sdgdt.ELOCKED.
func checkSheetWritable(tx *store.Tx, sh sdgdt.Sheet) error {
	return checkSheetLock(tx, sh)
}

// sheetLockState reports whether a sheet is locked, and why, for display.
func sheetLockState(tx *store.Tx, sh sdgdt.Sheet) (bool, string) {
	if err := checkSheetWritable(tx, sh); err != nil {
		return true, sdgdt.ErrorMessage(err)
	}
	return false, ""
}

// SheetView is a sheet as the grid, the API and the Excel export show it.
type SheetView struct {
	Sheet          sdgdt.Sheet
	Class          sdgdt.Class
	School         sdgdt.School
	SchoolYear     string
	SubjectName    string
	Ruleset        string // "tt22", "tt43", "tt27"
	RulesetVersion string
	AssessedBy     string // "score", "comment", "level"
	RegularCount   int
	PeriodsPerYear int
	Fields         []string // the editable fields, in column order
	Exemptions     bool     // the subject has practical parts a pupil can be exempted from
	TestRequired   bool     // primary: a periodic test at this point
	TeacherName    string
	AssignmentID   int64
	CanWrite       bool
	Locked         bool
	LockedFields   map[string]string // columns locked alone, with why (the rest open)
	LockReason     string
	Rows           []SheetRow
	Supported      bool // false for a kind whose grid is not built yet
}

// SheetRow is one pupil of a sheet.
type SheetRow struct {
	PupilID  int64
	FullName string
	Cells    map[string]string // field → stored text ("7.5", "D", "P", a comment); absent = empty
	// Average is the semester result (a score, Đạt or Chưa đạt), Empty until
	// the row is complete; YearAverage likewise for semester II sheets; HK1
	// is semester I's result, shown beside a semester II sheet.
	Average     assess.Mark
	YearAverage assess.Mark
	HK1         assess.Mark
	RowVersion  int64 // the sheet version at which a cell of the row last changed
}

// Cell returns the stored text of a field ("" when empty).
func (r *SheetRow) Cell(field string) string { return r.Cells[field] }

// IsSecondary reports whether the sheet has the secondary layout.
func (v SheetView) IsSecondary() bool { return v.Sheet.Kind == sdgdt.SheetSecondary }

// RegularFields returns "regular[0]".."regular[n-1]".
func (v SheetView) RegularFields() []string { return regularFields(v.RegularCount) }

func regularFields(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = regularField(i)
	}
	return out
}

// firstRegular are the names of the first regular assessments' fields, made
// once: the rules read them for every pupil of every subject.
var firstRegular = func() (out [16]string) {
	for k := range out {
		out[k] = "regular[" + strconv.Itoa(k) + "]"
	}
	return out
}()

// regularField names the field of a semester's k-th regular assessment.
func regularField(k int) string {
	if k < len(firstRegular) {
		return firstRegular[k]
	}
	return "regular[" + strconv.Itoa(k) + "]"
}

// exemptionSubjects have practical parts a pupil may be exempted from (Điều 10).
var exemptionSubjects = map[string]bool{"gdtc": true, "gdqp_an": true}

// sheetCtx is a sheet with everything its use cases need, loaded in a tx.
type sheetCtx struct {
	view    SheetView
	target  Target
	ruleSet assess.RuleSet
	by      assess.AssessedBy
}

// loadSheet loads a sheet's frame (not its rows) and the caller's rights on it.
func (a *App) loadSheet(tx *store.Tx, p *Principal, id int64) (*sheetCtx, error) {
	sh, err := tx.Sheet(id)
	if err != nil {
		return nil, err
	}
	c, err := tx.Class(sh.ClassID)
	if err != nil {
		return nil, err
	}
	s, err := tx.School(sh.SchoolID)
	if err != nil {
		return nil, err
	}
	sc := &sheetCtx{target: ClassTarget(s, c.ID)}
	v := &sc.view
	v.Sheet, v.Class, v.School, v.Ruleset = sh, c, s, c.Ruleset
	v.SubjectName = assess.SubjectName(sh.Subject)
	if as, err := tx.FindAssignment(c.ID, sh.Subject, sh.Term); err == nil {
		sc.target.AssignmentID = as.ID
		v.AssignmentID, v.TeacherName = as.ID, as.TeacherName
	} else if sdgdt.ErrorCode(err) != sdgdt.ENOTFOUND {
		return nil, err
	}
	if !Can(p, ActReadSheet, sc.target) {
		return nil, forbidden()
	}
	v.CanWrite = Can(p, ActWriteSheet, sc.target) && sc.target.AssignmentID != 0
	ys, err := tx.SchoolYears()
	if err != nil {
		return nil, err
	}
	for _, y := range ys {
		if y.ID == sh.SchoolYearID {
			v.SchoolYear = y.Name
		}
	}
	rs, ok := assess.Lookup(c.Ruleset)
	if !ok {
		return nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Lớp có bộ quy tắc đánh giá không hợp lệ: " + c.Ruleset + "."}
	}
	sc.ruleSet = rs
	v.RulesetVersion = rs.Version
	v.Locked, v.LockReason = sheetLockState(tx, sh)
	if !v.Locked {
		fl, err := sheetFieldLocks(tx, sh)
		if err != nil {
			return nil, err
		}
		for f, l := range fl {
			if v.LockedFields == nil {
				v.LockedFields = map[string]string{}
			}
			v.LockedFields[f] = sdgdt.ErrorMessage(LockedError(l))
		}
	}
	switch sh.Kind {
	case sdgdt.SheetPrimary:
		v.AssessedBy = "level"
		v.TestRequired = assess.PrimaryTestRequired(c.Grade, sh.Term, sh.Subject)
		v.Fields = []string{"level"}
		if v.TestRequired {
			v.Fields = append(v.Fields, "test")
		}
		v.Fields = append(v.Fields, "comment")
	case sdgdt.SheetPrimaryPCNL:
		sc.loadPCNL(p)
	default:
		cs, err := tx.ClassSubject(c.ID, sh.Subject)
		if err != nil {
			if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
				return nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Môn " + v.SubjectName + " không có trong chương trình của lớp " + c.Name + "."}
			}
			return nil, err
		}
		if cs.AssessedBy != string(assess.ByScore) && cs.AssessedBy != string(assess.ByComment) {
			return nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Cách đánh giá môn " + v.SubjectName + " không hợp lệ."}
		}
		sc.by = assess.AssessedBy(cs.AssessedBy)
		v.AssessedBy, v.PeriodsPerYear = cs.AssessedBy, cs.PeriodsPerYear
		v.RegularCount = rs.RegularCount(sc.by, cs.PeriodsPerYear)
		v.Fields = append(regularFields(v.RegularCount), "midterm", "final", "comment")
		if exemptionSubjects[sh.Subject] {
			v.Exemptions = true
			v.Fields = append(v.Fields, "exemption")
		}
	}
	v.Supported = true
	return sc, nil
}

// termsToLoad returns the terms whose cells a sheet shows: semester II sheets
// also need semester I for the year average.
func termsToLoad(sh sdgdt.Sheet) []string {
	if sh.Kind == sdgdt.SheetSecondary && sh.Term == "hk2" {
		return []string{"hk1", "hk2"}
	}
	return []string{sh.Term}
}

// GetSheet returns a sheet with its rows in Vietnamese order and their averages.
func (a *App) GetSheet(ctx context.Context, p *Principal, id int64) (SheetView, error) {
	var v SheetView
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		sc, err := a.loadSheet(tx, p, id)
		if err != nil {
			return err
		}
		roster, err := tx.ClassRoster(sc.view.Class.ID, false)
		if err != nil {
			return err
		}
		cells, err := tx.ClassCells(sc.view.Sheet, termsToLoad(sc.view.Sheet)...)
		if err != nil {
			return err
		}
		byPupil := groupCells(cells)
		sc.view.Rows = make([]SheetRow, 0, len(roster))
		for _, r := range roster {
			row := SheetRow{PupilID: r.Pupil.ID, FullName: r.Pupil.FullName()}
			sc.fillRow(&row, byPupil[r.Pupil.ID])
			sc.view.Rows = append(sc.view.Rows, row)
		}
		v = sc.view
		return nil
	})
	return v, err
}

// pupilCells are a pupil's cells of a sheet's subject: term → field → cell.
type pupilCells map[string]map[string]sdgdt.Cell

func groupCells(cells []sdgdt.Cell) map[int64]pupilCells {
	out := map[int64]pupilCells{}
	for _, c := range cells {
		pc := out[c.PupilID]
		if pc == nil {
			pc = pupilCells{}
			out[c.PupilID] = pc
		}
		if pc[c.Term] == nil {
			pc[c.Term] = map[string]sdgdt.Cell{}
		}
		pc[c.Term][c.Field] = c
	}
	return out
}

// fillRow sets a row's cells of the sheet's term and computes its averages
// with the rules engine.
func (sc *sheetCtx) fillRow(row *SheetRow, pc pupilCells) {
	sh := sc.view.Sheet
	row.Cells = map[string]string{}
	for f, c := range pc[sh.Term] {
		if c.Value != "" {
			row.Cells[f] = c.Value
		}
		if c.SheetID == sh.ID && c.SheetVersion > row.RowVersion {
			row.RowVersion = c.SheetVersion
		}
	}
	if sh.Kind != sdgdt.SheetSecondary {
		return
	}
	in := assess.SecondaryInput{Grade: sc.view.Class.Grade, Subjects: []assess.SubjectInput{{
		Code: sh.Subject, AssessedBy: sc.by, PeriodsPerYear: sc.view.PeriodsPerYear}}}
	subj := &in.Subjects[0]
	for t, term := range [2]string{"hk1", "hk2"} {
		subj.HK[t] = semesterInput(sc.by, sc.view.RegularCount, func(field string) string { return pc[term][field].Value })
	}
	var out assess.SecondaryResult
	if err := assess.EvalSecondaryInto(&sc.ruleSet, &in, &out); err != nil || len(out.Subjects) != 1 {
		return
	}
	r := out.Subjects[0]
	if sh.Term == "hk2" {
		row.Average, row.YearAverage, row.HK1 = r.HK[1], r.Year, r.HK[0]
	} else {
		row.Average = r.HK[0]
	}
}

// semesterInput builds one semester of a subject from stored cells; a value
// that does not fit how the subject is assessed (the curriculum changed) counts
// as empty.
func semesterInput(by assess.AssessedBy, n int, value func(field string) string) assess.Semester {
	mark := func(f string) assess.Mark {
		v := value(f)
		if v == "" {
			return assess.Empty
		}
		m, err := assess.ParseMark(v)
		if err != nil {
			return assess.Empty
		}
		switch m.Kind {
		case assess.MarkScore:
			if by != assess.ByScore {
				return assess.Empty
			}
		case assess.MarkPass, assess.MarkFail:
			if by != assess.ByComment {
				return assess.Empty
			}
		}
		return m
	}
	sem := assess.Semester{Regular: make([]assess.Mark, n), Midterm: mark("midterm"), Final: mark("final")}
	for k := range sem.Regular {
		sem.Regular[k] = mark(regularField(k))
	}
	return sem
}

// CellValue is a value sent for a cell: JSON null (clear), a number (its
// literal text, never through a float) or a string.
type CellValue struct {
	Null   bool
	Number bool
	Text   string
}

// SheetChange is one requested cell change.
type SheetChange struct {
	PupilID int64
	Field   string
	Value   CellValue
}

// SheetPatch is a request to change cells of a sheet seen at Version.
type SheetPatch struct {
	Version int64
	Changes []SheetChange
	Via     string
	Reason  string
	// DryRun checks everything (rights, locks, values, conflicts) and reports
	// the cells that would change in PatchResult.Preview, writing nothing.
	DryRun bool
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// CellConflict is a requested cell that another request changed since the
// version the client saw, with its current value.
type CellConflict struct {
	PupilID int64
	Field   string
	Value   string
}

// ConflictError answers a patch that touches cells changed by someone else.
type ConflictError struct {
	Base      *sdgdt.Error
	Conflicts []CellConflict
}

func (e *ConflictError) Error() string { return e.Base.Error() }

// Unwrap gives the *sdgdt.Error, so that its code maps to 409.
func (e *ConflictError) Unwrap() error { return e.Base }

// PatchResult is the sheet's new version and the changed rows.
type PatchResult struct {
	Version int64
	Rows    []SheetRow
	View    SheetView // the sheet's frame (no rows)
	Changed int       // cells whose value changed
	Preview []sdgdt.CellWrite
}

// PatchSheet applies changes to a sheet: all or none. It checks rights, locks,
// every value, and conflicts (a cell changed by another request since
// patch.Version), then writes the cells, their history, one audit entry and
// the stale marks of the pupils' results in one transaction.
func (a *App) PatchSheet(ctx context.Context, p *Principal, id int64, patch SheetPatch) (PatchResult, error) {
	var res PatchResult
	if len(patch.Changes) > MaxSheetChanges {
		return res, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Quá nhiều thay đổi trong một yêu cầu (tối đa " + strconv.Itoa(MaxSheetChanges) + ")."}
	}
	switch patch.Via {
	case ViaGrid, ViaAPI, ViaUpload, ViaCorrection, ViaImport:
	case "":
		patch.Via = ViaAPI
	default:
		return res, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Nguồn thay đổi không hợp lệ."}
	}
	var affected []int64
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		// The row lock first: then the version read, the cell conflict check
		// and the write all see the last committed save of this sheet.
		if err := tx.LockSheet(id); err != nil {
			return err
		}
		sc, err := a.loadSheet(tx, p, id)
		if err != nil {
			return err
		}
		v := &sc.view
		if !v.CanWrite {
			if msg := primaryWriteRefusal(v); msg != "" {
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: msg}
			}
			if v.AssignmentID == 0 {
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Môn này của lớp chưa được phân công giáo viên; chưa ai được nhập điểm."}
			}
			return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Bạn không phải giáo viên được phân công môn " + v.SubjectName + " lớp " + v.Class.Name + "; chỉ được xem bảng điểm này."}
		}
		if err := checkSheetWritable(tx, v.Sheet); err != nil {
			return err
		}
		fieldLocked, err := sheetFieldLocks(tx, v.Sheet)
		if err != nil {
			return err
		}
		if patch.Version < 0 || patch.Version > v.Sheet.Version {
			return &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Phiên bản bảng điểm không hợp lệ (" + strconv.FormatInt(patch.Version, 10) + "); hãy tải lại trang."}
		}
		pupils, err := tx.StudyingPupils(v.Class.ID)
		if err != nil {
			return err
		}
		onRoster := make(map[int64]bool, len(pupils))
		for _, id := range pupils {
			onRoster[id] = true
		}
		allowed := map[string]bool{}
		for _, f := range v.Fields {
			allowed[f] = true
		}
		// Validate every value first, collecting every message.
		fields := map[string]string{}
		type want struct {
			pupil int64
			field string
			value string
		}
		wants := make([]want, 0, len(patch.Changes))
		index := map[[2]string]int{}
		for _, ch := range patch.Changes {
			key := strconv.FormatInt(ch.PupilID, 10) + "." + ch.Field
			if !onRoster[ch.PupilID] {
				fields[key] = "Học sinh không có trong danh sách lớp " + v.Class.Name + "."
				continue
			}
			if !allowed[ch.Field] {
				fields[key] = sc.noFieldMessage(ch.Field)
				continue
			}
			if l, ok := fieldLocked[ch.Field]; ok {
				return LockedError(l) // all or nothing: nothing of the patch is written
			}
			val, msg := sc.validate(ch.Field, ch.Value)
			if msg != "" {
				fields[key] = msg
				continue
			}
			k := [2]string{strconv.FormatInt(ch.PupilID, 10), ch.Field}
			if i, ok := index[k]; ok {
				wants[i].value = val // the last change of a cell wins
				continue
			}
			index[k] = len(wants)
			wants = append(wants, want{ch.PupilID, ch.Field, val})
		}
		if len(fields) > 0 {
			return sdgdt.Invalid(fields)
		}
		cells, err := tx.ClassCells(v.Sheet, termsToLoad(v.Sheet)...)
		if err != nil {
			return err
		}
		byPupil := groupCells(cells)
		// Conflicts: a requested cell changed through this sheet after the
		// client's version, to a value other than the one requested.
		var conflicts []CellConflict
		var writes []sdgdt.CellWrite
		for _, w := range wants {
			cur, ok := byPupil[w.pupil][v.Sheet.Term][w.field]
			if ok && cur.SheetID == v.Sheet.ID && cur.SheetVersion > patch.Version && cur.Value != w.value {
				conflicts = append(conflicts, CellConflict{w.pupil, w.field, cur.Value})
				continue
			}
			if cur.Value == w.value {
				continue // nothing changes
			}
			writes = append(writes, sdgdt.CellWrite{PupilID: w.pupil, Field: w.field, Previous: cur.Value, Value: w.value})
		}
		if len(conflicts) > 0 {
			return &ConflictError{Base: &sdgdt.Error{Code: sdgdt.ECONFLICT,
				Message: "Có " + strconv.Itoa(len(conflicts)) + " ô đã được người khác (hoặc bạn ở thiết bị/thẻ khác) thay đổi sau khi bạn mở bảng điểm. Không có thay đổi nào được lưu; hãy xem giá trị mới và nhập lại nếu cần."},
				Conflicts: conflicts}
		}
		res.Version = v.Sheet.Version
		if patch.DryRun {
			res.Preview, res.View = writes, *v
			return errDryRun
		}
		if len(writes) > 0 {
			if res.Version, err = tx.BumpSheet(v.Sheet.ID); err != nil {
				return err
			}
			if err := tx.WriteCells(v.Sheet, res.Version, writes, sdgdt.WriteMeta{By: p.User.ID, Via: patch.Via, Reason: patch.Reason, RequestID: p.RequestID}); err != nil {
				return err
			}
			before, after := map[string]string{}, map[string]string{}
			seen := map[int64]bool{}
			for _, w := range writes {
				key := strconv.FormatInt(w.PupilID, 10) + "." + w.Field
				before[key], after[key] = w.Previous, w.Value
				if !seen[w.PupilID] {
					seen[w.PupilID] = true
					affected = append(affected, w.PupilID)
				}
			}
			if err := tx.MarkResultsStale(v.Sheet.SchoolID, v.Sheet.SchoolYearID, v.Class.ID, affected); err != nil {
				return err
			}
			why := VoidEdit
			if patch.Via == ViaCorrection {
				why = VoidCorrection
			}
			if err := a.voidChanged(tx, p, v.School.ID, v.Class.ID, affectedTerms(v.Class, v.Sheet.Term), why); err != nil {
				return err
			}
			audit := map[string]any{"version": res.Version, "via": patch.Via, "subject": v.Sheet.Subject, "term": v.Sheet.Term, "class": v.Class.Name, "cells": after}
			if patch.Reason != "" {
				audit["reason"] = patch.Reason
			}
			if err := record(tx, p, sdgdt.ActSheetPatch, "sheet", idStr(v.Sheet.ID), v.School.ID, v.School.UnitPath,
				map[string]any{"version": v.Sheet.Version, "cells": before}, audit); err != nil {
				return err
			}
			// Apply the writes in memory to answer with the changed rows.
			for _, w := range writes {
				pc := byPupil[w.PupilID]
				if pc == nil {
					pc = pupilCells{}
					byPupil[w.PupilID] = pc
				}
				if pc[v.Sheet.Term] == nil {
					pc[v.Sheet.Term] = map[string]sdgdt.Cell{}
				}
				pc[v.Sheet.Term][w.Field] = sdgdt.Cell{PupilID: w.PupilID, Subject: v.Sheet.Subject, Term: v.Sheet.Term, Field: w.Field, Value: w.Value,
					SheetID: v.Sheet.ID, SheetVersion: res.Version}
			}
		}
		res.Changed = len(writes)
		// The changed rows, and the requested ones (so a retried request gets
		// its rows back too).
		rowIDs := map[int64]bool{}
		for _, w := range wants {
			rowIDs[w.pupil] = true
		}
		ids := make([]int64, 0, len(rowIDs))
		for id := range rowIDs {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		names, err := tx.PupilNames(ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			row := SheetRow{PupilID: id, FullName: names[id]}
			sc.fillRow(&row, byPupil[id])
			res.Rows = append(res.Rows, row)
		}
		res.View = *v
		res.View.Sheet.Version = res.Version
		return nil
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		return PatchResult{}, err
	}
	if len(affected) > 0 {
		a.kickResults()
	}
	return res, nil
}

// AsConflict returns the conflict details of err, if it is one.
func AsConflict(err error) (*ConflictError, bool) {
	var ce *ConflictError
	ok := errors.As(err, &ce)
	return ce, ok
}

// Messages of invalid values, in Vietnamese.
const (
	msgScoreRange    = "Điểm phải từ 0 đến 10."
	msgScoreDecimals = "Điểm chỉ có tối đa một chữ số thập phân (ví dụ 7,5); không làm tròn hộ."
	msgScoredNoLevel = "Môn đánh giá bằng điểm số: nhập điểm từ 0 đến 10 (hoặc P nếu vắng, chờ kiểm tra bù), không nhập Đ/CĐ."
	msgCommentNoNum  = "Môn đánh giá bằng nhận xét: nhập Đ (Đạt) hoặc CĐ (Chưa đạt), hoặc P nếu vắng, chờ đánh giá bù."
)

// validate checks a value for a field of the sheet and returns the text to
// store ("" clears the cell) or a message.
func (sc *sheetCtx) validate(field string, v CellValue) (string, string) {
	if v.Null {
		return "", ""
	}
	switch field {
	case "comment":
		return sheetText(v.Text, 500)
	case "exemption":
		return sheetText(v.Text, 200)
	}
	if sc.view.Sheet.Kind == sdgdt.SheetPrimaryPCNL {
		return validatePCNL(field, v)
	}
	if sc.view.Sheet.Kind == sdgdt.SheetPrimary {
		return validatePrimary(field, v)
	}
	return validateMark(sc.by, v)
}

// validateMark checks a mark of a secondary sheet: a score with at most one
// decimal (comma or point), Đ/CĐ, or P (absent, make-up pending).
func validateMark(by assess.AssessedBy, v CellValue) (string, string) {
	t := strings.TrimSpace(v.Text)
	if t == "" {
		return "", ""
	}
	if !v.Number {
		switch strings.ToUpper(t) {
		case "P":
			return "P", ""
		case "D", "Đ":
			if by != assess.ByComment {
				return "", msgScoredNoLevel
			}
			return "D", ""
		case "CD", "CĐ":
			if by != assess.ByComment {
				return "", msgScoredNoLevel
			}
			return "CD", ""
		}
	}
	s, err := assess.ParseScore(t)
	if by == assess.ByComment {
		if err == nil || v.Number {
			return "", msgCommentNoNum
		}
		return "", "“" + sheetShort(t) + "” không hợp lệ. " + msgCommentNoNum
	}
	switch {
	case err == nil:
		return s.Dot(), ""
	case errors.Is(err, assess.ErrScoreDecimals):
		return "", msgScoreDecimals
	case errors.Is(err, assess.ErrScoreRange):
		return "", msgScoreRange
	}
	return "", "“" + sheetShort(t) + "” không phải là điểm. Nhập số từ 0 đến 10, ví dụ 7 hoặc 7,5 (hoặc P nếu vắng, chờ kiểm tra bù)."
}

// validatePrimary checks a primary level (T/H/C) or an integer test score.
func validatePrimary(field string, v CellValue) (string, string) {
	t := strings.TrimSpace(v.Text)
	if t == "" {
		return "", ""
	}
	switch field {
	case "level":
		switch strings.ToUpper(t) {
		case "T", "H", "C":
			return strings.ToUpper(t), ""
		}
		return "", "Mức đạt được là T (Hoàn thành tốt), H (Hoàn thành) hoặc C (Chưa hoàn thành)."
	case "test":
		n, err := assess.ParseTest(t)
		switch {
		case err == nil:
			return strconv.Itoa(n), ""
		case errors.Is(err, assess.ErrTestInteger):
			return "", "Điểm kiểm tra định kì ở tiểu học là số nguyên từ 0 đến 10, không có phần thập phân."
		case errors.Is(err, assess.ErrScoreRange):
			return "", "Điểm kiểm tra phải từ 0 đến 10."
		}
		return "", "“" + sheetShort(t) + "” không phải là điểm kiểm tra. Nhập số nguyên từ 0 đến 10."
	}
	return "", "Cột không hợp lệ."
}

// sheetText trims a free text, drops control characters and bounds its length.
func sheetText(s string, max int) (string, string) {
	if !utf8.ValidString(s) {
		return "", "Văn bản không hợp lệ (sai mã hoá)."
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > max {
		return "", "Tối đa " + strconv.Itoa(max) + " ký tự."
	}
	return s, ""
}

func sheetShort(s string) string {
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

// CellChange is one entry of a cell's history, for display.
type CellChange = sdgdt.MarkChange

// CellHistory returns every change of a pupil's cell in a sheet's subject and
// term, oldest first.
func (a *App) CellHistory(ctx context.Context, p *Principal, sheetID, pupilID int64, field string) ([]CellChange, error) {
	var out []CellChange
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		sc, err := a.loadSheet(tx, p, sheetID)
		if err != nil {
			return err
		}
		ok := false
		for _, f := range sc.view.Fields {
			ok = ok || f == field
		}
		if !ok {
			return sdgdt.Invalid(map[string]string{"field": "Bảng điểm này không có cột “" + field + "”."})
		}
		sh := sc.view.Sheet
		// Only a pupil of the sheet's class (now or earlier this year): the
		// history is keyed by pupil, school, subject and term, and must not
		// answer for pupils of classes the reader may not see.
		roster, err := tx.ClassRoster(sh.ClassID, true)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(roster, func(r sdgdt.RosterEntry) bool { return r.Pupil.ID == pupilID }) {
			return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Học sinh này không thuộc lớp của bảng điểm."}
		}
		out, err = tx.CellHistory(sh.SchoolID, sh.SchoolYearID, pupilID, sh.Subject, sh.Term, field)
		return err
	})
	return out, err
}

// FieldLabel is the Vietnamese column heading of a field.
func FieldLabel(field string) string {
	if l, ok := pcnlFieldLabel(field); ok {
		return l
	}
	if l, ok := homeroomFieldLabel(field); ok {
		return l
	}
	switch field {
	case "midterm":
		return "ĐĐGgk"
	case "final":
		return "ĐĐGck"
	case "comment":
		return "Nhận xét"
	case "exemption":
		return "Miễn thực hành"
	case "level":
		return "Mức đạt được"
	case "test":
		return "Điểm KTĐK"
	}
	if strings.HasPrefix(field, "regular[") {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(field, "regular["), "]"))
		return "ĐĐGtx" + strconv.Itoa(n+1)
	}
	return field
}

// SheetTermName is the Vietnamese name of a term or assessment point.
func SheetTermName(term string) string { return sdgdt.TermName(term) }
