package app

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/sign"
	"sdgdt/internal/store"
)

// The canonical documents a signature covers (06-signatures.md): UTF-8 JSON
// in RFC 8785 form, holding the identity of what is signed and every row's
// values exactly as stored (marks as their decimal text), or, for a class
// book, the digests of the signatures below it. Every document has the same
// shape for its rows — "rows": [{"pupil_id", "full_name", "cells": {field:
// value}}] sorted by pupil id, empty cells left out — so that the cells that
// changed since a signature can be found by comparing two documents.

// SignObject names a signed object: a sheet (SheetID), or a class's homeroom
// data or class book of a term (ClassID, Term).
type SignObject struct {
	Kind    string // sdgdt.SignSheet, SignHomeroom, SignBook
	SheetID int64
	ClassID int64
	Term    string
}

// key is the signatures.object_key of the object.
func (o SignObject) key() string {
	if o.Kind == sdgdt.SignSheet {
		return idStr(o.SheetID)
	}
	return idStr(o.ClassID) + "/" + o.Term
}

// objectOf returns the object a stored signature is over.
func objectOf(s sdgdt.Signature) SignObject {
	o := SignObject{Kind: s.ObjectKind, ClassID: s.ClassID, Term: s.Term}
	if s.ObjectKind == sdgdt.SignSheet {
		o.SheetID, _ = strconv.ParseInt(s.ObjectKey, 10, 64)
	}
	return o
}

type docIdentity struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type docClass struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Grade int    `json:"grade"`
}

type docRow struct {
	PupilID  string            `json:"pupil_id"`
	FullName string            `json:"full_name"`
	Cells    map[string]string `json:"cells"`
}

type sheetDocument struct {
	Kind           string      `json:"kind"`
	SheetID        string      `json:"sheet_id"`
	School         docIdentity `json:"school"`
	Class          docClass    `json:"class"`
	SchoolYear     string      `json:"school_year"`
	Term           string      `json:"term"`
	Subject        string      `json:"subject"`
	SubjectName    string      `json:"subject_name"`
	Ruleset        string      `json:"ruleset"`
	RulesetVersion string      `json:"ruleset_version"`
	AssessedBy     string      `json:"assessed_by"`
	Fields         []string    `json:"fields"`
	Rows           []docRow    `json:"rows"`
}

// signDoc is a computed canonical document with what signing needs to know.
type signDoc struct {
	bytes   []byte
	digest  string
	school  sdgdt.School
	class   sdgdt.Class
	term    string
	sheet   *sheetCtx         // sheets
	missing []string          // books: the parts without a valid signature
	parts   []sdgdt.Signature // books: the signatures covered
}

func sortRows(rows []docRow) {
	sort.Slice(rows, func(i, j int) bool {
		a, _ := strconv.ParseInt(rows[i].PupilID, 10, 64)
		b, _ := strconv.ParseInt(rows[j].PupilID, 10, 64)
		return a < b
	})
}

func finishDoc(d *signDoc, v any) error {
	b, err := sign.Canonical(v)
	if err != nil {
		return err
	}
	d.bytes, d.digest = b, sign.Digest(b)
	return nil
}

// canonicalDoc computes the current canonical document of an object in tx.
func (a *App) canonicalDoc(tx *store.Tx, o SignObject) (*signDoc, error) {
	switch o.Kind {
	case sdgdt.SignSheet:
		return a.sheetDoc(tx, o.SheetID)
	case sdgdt.SignHomeroom:
		return a.homeroomDoc(tx, o.ClassID, o.Term)
	case sdgdt.SignBook:
		return a.bookDoc(tx, o.ClassID, o.Term)
	}
	return nil, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không có loại dữ liệu ký này."}
}

func (a *App) sheetDoc(tx *store.Tx, sheetID int64) (*signDoc, error) {
	sc, err := a.loadSheet(tx, System(""), sheetID)
	if err != nil {
		return nil, err
	}
	v := &sc.view
	roster, err := tx.ClassRoster(v.Class.ID, false)
	if err != nil {
		return nil, err
	}
	cells, err := tx.ClassCells(v.Sheet, v.Sheet.Term)
	if err != nil {
		return nil, err
	}
	by := groupCells(cells)
	doc := sheetDocument{Kind: sdgdt.SignSheet, SheetID: idStr(v.Sheet.ID), School: docIdentity{idStr(v.School.ID), v.School.Name},
		Class: docClass{idStr(v.Class.ID), v.Class.Name, v.Class.Grade}, SchoolYear: v.SchoolYear, Term: v.Sheet.Term,
		Subject: v.Sheet.Subject, SubjectName: v.SubjectName, Ruleset: v.Ruleset, RulesetVersion: v.RulesetVersion,
		AssessedBy: v.AssessedBy, Fields: v.Fields, Rows: make([]docRow, 0, len(roster))}
	for _, r := range roster {
		row := docRow{PupilID: idStr(r.Pupil.ID), FullName: r.Pupil.FullName(), Cells: map[string]string{}}
		for f, c := range by[r.Pupil.ID][v.Sheet.Term] {
			if c.Value != "" {
				row.Cells[f] = c.Value
			}
		}
		doc.Rows = append(doc.Rows, row)
	}
	sortRows(doc.Rows)
	d := &signDoc{school: v.School, class: v.Class, term: v.Sheet.Term, sheet: sc}
	return d, finishDoc(d, doc)
}

type homeroomDocument struct {
	Kind           string      `json:"kind"`
	School         docIdentity `json:"school"`
	Class          docClass    `json:"class"`
	SchoolYear     string      `json:"school_year"`
	Term           string      `json:"term"`
	Ruleset        string      `json:"ruleset"`
	RulesetVersion string      `json:"ruleset_version"`
	Rows           []docRow    `json:"rows"`
}

// markCode is a computed mark as stored text: "7.5", "D", "CD", "P", "".
func markCode(m assess.Mark) string {
	switch m.Kind {
	case assess.MarkScore:
		return m.Score.Dot()
	case assess.MarkPass:
		return "D"
	case assess.MarkFail:
		return "CD"
	case assess.MarkPending:
		return "P"
	}
	return ""
}

// validTermFor reports whether term is a term of homeroom data and class
// books for the class: hk1, hk2, year (secondary); gk1, ck1, gk2, cn (primary).
func validTermFor(c sdgdt.Class, term string) bool {
	if sdgdt.SheetKindOf(c.Ruleset) == sdgdt.SheetSecondary {
		return ValidClassTerm(term)
	}
	return ValidPoint(term)
}

func badSignTerm(term string) error {
	return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Kì “" + sheetShort(term) + "” không hợp lệ: dùng hk1, hk2, year (THCS, THPT) hoặc gk1, ck1, gk2, cn (tiểu học)."}
}

func (a *App) classFrame(tx *store.Tx, classID int64, term string) (sdgdt.Class, sdgdt.School, sdgdt.SchoolYear, error) {
	c, err := tx.Class(classID)
	if err != nil {
		return c, sdgdt.School{}, sdgdt.SchoolYear{}, err
	}
	if !validTermFor(c, term) {
		return c, sdgdt.School{}, sdgdt.SchoolYear{}, badSignTerm(term)
	}
	s, err := tx.School(c.SchoolID)
	if err != nil {
		return c, s, sdgdt.SchoolYear{}, err
	}
	y, err := schoolYear(tx, c.SchoolYearID)
	return c, s, y, err
}

// homeroomDoc is a class's homeroom data of a term. Secondary: per pupil the
// conduct rating and the homeroom comment as stored, the learning and conduct
// results the rules engine gives, and at the year end the absences, the
// re-tests, the promotion and the award. Primary (the Bảng tổng hợp of a point): every
// stored cell of the point (subjects, qualities and competencies), and at cn
// the nominations.
func (a *App) homeroomDoc(tx *store.Tx, classID int64, term string) (*signDoc, error) {
	c, s, y, err := a.classFrame(tx, classID, term)
	if err != nil {
		return nil, err
	}
	doc := homeroomDocument{Kind: sdgdt.SignHomeroom, School: docIdentity{idStr(s.ID), s.Name}, Class: docClass{idStr(c.ID), c.Name, c.Grade},
		SchoolYear: y.Name, Term: term, Ruleset: c.Ruleset, Rows: []docRow{}}
	if rs, ok := assess.Lookup(c.Ruleset); ok {
		doc.RulesetVersion = rs.Version
	}
	if sdgdt.SheetKindOf(c.Ruleset) == sdgdt.SheetSecondary {
		rs, ok := assess.Lookup(c.Ruleset)
		if !ok {
			return nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Lớp có bộ quy tắc đánh giá không hợp lệ: " + c.Ruleset + "."}
		}
		cy := ClassYear{Class: c, School: s, Year: y, RuleSet: rs}
		if err := a.fillClassYear(tx, &cy, classYearOptions{comments: true}); err != nil {
			return nil, err
		}
		for i := range cy.Pupils {
			v := &cy.Pupils[i]
			row := docRow{PupilID: idStr(v.Pupil.ID), FullName: v.Pupil.FullName(), Cells: map[string]string{}}
			set := func(k, val string) {
				if val != "" {
					row.Cells[k] = val
				}
			}
			set("conduct", v.Conduct[term].Level)
			if term == "year" { // the year's results build on both semesters' ratings
				set("conduct_hk1", v.Conduct["hk1"].Level)
				set("conduct_hk2", v.Conduct["hk2"].Level)
				set("conduct_summer", v.Conduct["summer"].Level)
				// The year's absences (R-13.5a): the homeroom teacher
				// confirms them with the promotion they decide.
				if v.Absent.Total() > 0 {
					set("absent_excused", strconv.Itoa(v.Absent.Excused))
					set("absent_unexcused", strconv.Itoa(v.Absent.Unexcused))
				}
			}
			set("comment", v.Comments[term])
			if v.Valid {
				tr := v.Term(term)
				set("learning", tr.Learning.Code())
				set("conduct_result", tr.Conduct.Code())
				if term == "year" {
					yr := v.Result.Year
					set("learning_final", yr.LearningFinal.Code())
					set("conduct_final", yr.ConductFinal.Code())
					set("promotion", string(yr.Promotion))
					set("award", string(yr.Award))
					set("retest_subjects", strings.Join(yr.RetestSubjects, ","))
					for k, sr := range v.Subjects {
						if sr.Code != "" && sr.Retest.Kind != assess.MarkEmpty {
							set("retest."+cy.Subjects[k].Code, markCode(sr.Retest))
						}
					}
				}
			} else if v.Error != "" {
				set("error", v.Error)
			}
			doc.Rows = append(doc.Rows, row)
		}
	} else {
		roster, err := tx.ClassRoster(c.ID, false)
		if err != nil {
			return nil, err
		}
		at := map[int64]*docRow{}
		ids := make([]int64, 0, len(roster))
		doc.Rows = make([]docRow, len(roster))
		for i, r := range roster {
			doc.Rows[i] = docRow{PupilID: idStr(r.Pupil.ID), FullName: r.Pupil.FullName(), Cells: map[string]string{}}
			at[r.Pupil.ID] = &doc.Rows[i]
			ids = append(ids, r.Pupil.ID)
		}
		cells, err := tx.ClassPointCells(c, term)
		if err != nil {
			return nil, err
		}
		for _, cell := range cells {
			if row := at[cell.PupilID]; row != nil && cell.Value != "" {
				row.Cells[cell.Subject+"."+cell.Field] = cell.Value
			}
		}
		if term == assess.PointCN && len(ids) > 0 {
			ns, err := tx.Nominations(c.SchoolID, c.SchoolYearID, ids)
			if err != nil {
				return nil, err
			}
			for _, n := range ns {
				if row := at[n.PupilID]; row != nil && n.Nominated {
					row.Cells["nomination"] = n.Reason
					if n.Reason == "" {
						row.Cells["nomination"] = "x"
					}
				}
			}
		}
	}
	sortRows(doc.Rows)
	d := &signDoc{school: s, class: c, term: term}
	return d, finishDoc(d, doc)
}

// bookSheetTerms are the sheet terms a class book of a term covers.
func bookSheetTerms(term string) []string {
	if term == "year" {
		return []string{"hk1", "hk2"}
	}
	return []string{term}
}

// affectedTerms are the terms of signed objects that a write of data of a
// term can change: a semester's data feed the year's results too.
func affectedTerms(c sdgdt.Class, term string) []string {
	if sdgdt.SheetKindOf(c.Ruleset) != sdgdt.SheetSecondary {
		return []string{term}
	}
	switch term {
	case "hk1", "hk2":
		return []string{term, "year"}
	}
	return []string{"year"}
}

// unionTerms are the affected terms of writes of data of several terms.
func unionTerms(c sdgdt.Class, terms ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range terms {
		for _, x := range affectedTerms(c, t) {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	return out
}

// allTerms are every term of a class's signed objects.
func allTerms(c sdgdt.Class) []string {
	if sdgdt.SheetKindOf(c.Ruleset) != sdgdt.SheetSecondary {
		return append([]string(nil), PrimaryPoints...)
	}
	return []string{"hk1", "hk2", "year"}
}

type bookPart struct {
	Part        string  `json:"part"` // "sheet:<id>" or "homeroom"
	Subject     string  `json:"subject,omitempty"`
	SubjectName string  `json:"subject_name,omitempty"`
	Term        string  `json:"term"`
	SignatureID *string `json:"signature_id"`
	Signer      *string `json:"signer"`
	SignedAt    *string `json:"signed_at"`
	Digest      *string `json:"digest"`
	CMSSHA256   *string `json:"cms_sha256"`
}

type bookDocument struct {
	Kind       string      `json:"kind"`
	School     docIdentity `json:"school"`
	Class      docClass    `json:"class"`
	SchoolYear string      `json:"school_year"`
	Term       string      `json:"term"`
	Ruleset    string      `json:"ruleset"`
	Parts      []bookPart  `json:"parts"`
}

// bookDoc is a class book of a term: its identity and, for every sheet of
// the term(s) it covers (qualities-and-competencies sheets are covered by
// the Bảng tổng hợp) and for the homeroom data, the newest valid signature's
// id, signer, time, content digest and the SHA-256 of its CMS. A part
// without one is listed in missing.
func (a *App) bookDoc(tx *store.Tx, classID int64, term string) (*signDoc, error) {
	c, s, y, err := a.classFrame(tx, classID, term)
	if err != nil {
		return nil, err
	}
	sheets, err := tx.SheetsOfClass(c.ID, bookSheetTerms(term))
	if err != nil {
		return nil, err
	}
	sigs, err := tx.ValidSignaturesOfClass(s.ID, c.ID, []string{term, "hk1", "hk2"})
	if err != nil {
		return nil, err
	}
	newest := map[string]sdgdt.Signature{}
	for _, sg := range sigs { // oldest first: the last one wins
		if sg.ObjectKind == sdgdt.SignBook {
			continue
		}
		newest[sg.ObjectKind+":"+sg.ObjectKey] = sg
	}
	d := &signDoc{school: s, class: c, term: term}
	doc := bookDocument{Kind: sdgdt.SignBook, School: docIdentity{idStr(s.ID), s.Name}, Class: docClass{idStr(c.ID), c.Name, c.Grade},
		SchoolYear: y.Name, Term: term, Ruleset: c.Ruleset, Parts: []bookPart{}}
	add := func(part, subject, sterm, key string) {
		bp := bookPart{Part: part, Subject: subject, Term: sterm}
		name := "Dữ liệu của giáo viên chủ nhiệm (" + sdgdt.TermName(sterm) + ")"
		if subject != "" {
			bp.SubjectName = assess.SubjectName(subject)
			name = "Môn " + bp.SubjectName + " (" + sdgdt.TermName(sterm) + ")"
		}
		if sg, ok := newest[key]; ok {
			id, at, dg, cs := idStr(sg.ID), sg.SignedAt.UTC().Format("2006-01-02T15:04:05Z"), sg.Digest, sign.Digest(sg.CMS)
			signer := sg.SignerName
			bp.SignatureID, bp.Signer, bp.SignedAt, bp.Digest, bp.CMSSHA256 = &id, &signer, &at, &dg, &cs
			d.parts = append(d.parts, sg)
		} else {
			d.missing = append(d.missing, name)
		}
		doc.Parts = append(doc.Parts, bp)
	}
	for _, sh := range sheets {
		if sh.Kind == sdgdt.SheetPrimaryPCNL {
			continue
		}
		add("sheet:"+idStr(sh.ID), sh.Subject, sh.Term, sdgdt.SignSheet+":"+idStr(sh.ID))
	}
	add("homeroom", "", term, sdgdt.SignHomeroom+":"+idStr(c.ID)+"/"+term)
	return d, finishDoc(d, doc)
}

// diffDocs lists the cells that differ between a signed document and the
// current one: per pupil row and field; for class books, the parts whose
// signature changed (pupil_id "", field the part).
func diffDocs(old, cur []byte) []sdgdt.ChangedCell {
	type anyDoc struct {
		Rows  []docRow   `json:"rows"`
		Parts []bookPart `json:"parts"`
	}
	var a, b anyDoc
	if json.Unmarshal(old, &a) != nil || json.Unmarshal(cur, &b) != nil {
		return []sdgdt.ChangedCell{}
	}
	out := []sdgdt.ChangedCell{}
	rowsA, rowsB := map[string]docRow{}, map[string]docRow{}
	var ids []string
	for _, r := range a.Rows {
		rowsA[r.PupilID] = r
		ids = append(ids, r.PupilID)
	}
	for _, r := range b.Rows {
		if _, ok := rowsA[r.PupilID]; !ok {
			ids = append(ids, r.PupilID)
		}
		rowsB[r.PupilID] = r
	}
	for _, id := range ids {
		ra, okA := rowsA[id]
		rb, okB := rowsB[id]
		if okA != okB {
			out = append(out, sdgdt.ChangedCell{PupilID: id, Field: "*"})
			continue
		}
		var fields []string
		for f, v := range ra.Cells {
			if rb.Cells[f] != v {
				fields = append(fields, f)
			}
		}
		for f := range rb.Cells {
			if _, ok := ra.Cells[f]; !ok {
				fields = append(fields, f)
			}
		}
		sort.Strings(fields)
		for _, f := range fields {
			out = append(out, sdgdt.ChangedCell{PupilID: id, Field: f})
		}
	}
	partsA := map[string]bookPart{}
	for _, p := range a.Parts {
		partsA[p.Part] = p
	}
	eq := func(x, y *string) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	for _, p := range b.Parts {
		q, ok := partsA[p.Part]
		if !ok || !eq(q.SignatureID, p.SignatureID) || !eq(q.CMSSHA256, p.CMSSHA256) {
			out = append(out, sdgdt.ChangedCell{Field: p.Part})
		}
		delete(partsA, p.Part)
	}
	for part := range partsA {
		out = append(out, sdgdt.ChangedCell{Field: part})
	}
	return out
}

// sameDoc reports whether a stored signature covers the current document.
func sameDoc(sg sdgdt.Signature, d *signDoc) bool {
	return sg.Digest == d.digest && bytes.Equal(sg.Canonical, d.bytes)
}
