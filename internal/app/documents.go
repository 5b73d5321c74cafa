package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/assess"
	"sdgdt/internal/audit"
	"sdgdt/internal/sign"
	"sdgdt/internal/store"
)

// Issued documents (07-print-archive.md): every PDF the system prints gets a
// verification code and the SHA-256 of its canonical data, recorded in the
// documents table with an audit entry, so that /verify/{code} can load the
// same data again and say whether it still holds. Printing is therefore a
// write, like the audit of a full view of personal data.

// ActPrint is printing and archiving a school's documents: its
// leaders, administrators, board and office staff (văn thư), and the units
// above. Can decides it with printRoles; the homeroom teacher prints his
// class's book through ActReadSheet (canPrint).
const ActPrint Action = "print"

// printRoles are the roles that print and archive the documents of the
// schools they are granted on (school roles) or below (unit roles).
var printRoles = map[string]bool{
	sdgdt.RoleLeader: true, sdgdt.RoleSysadmin: true, sdgdt.RoleBoard: true, sdgdt.RoleStaff: true,
	sdgdt.RoleUnitAdmin: true, sdgdt.RoleUnitBoard: true,
}

// canPrintRole is Can for ActPrint.
func canPrintRole(p *Principal, t Target) bool {
	for _, r := range p.Roles {
		if !printRoles[r.Role] {
			continue
		}
		switch r.ScopeKind {
		case sdgdt.ScopeUnit:
			if r.Path != "" && strings.HasPrefix(t.UnitPath, r.Path) {
				return true
			}
		case sdgdt.ScopeSchool:
			if t.Kind == sdgdt.ScopeSchool && r.SchoolID != 0 && t.SchoolID == r.SchoolID {
				return true
			}
		}
	}
	return false
}

// DocHead is who issues a document: the managing unit, the school and its
// principal.
type DocHead struct {
	Unit           sdgdt.Unit
	School         sdgdt.School
	Principal      string
	PrincipalTitle string // "Hiệu trưởng" or "Giám đốc"
}

// Issued is an issued document's verification code, data digest, time and
// verification address, with its head.
type Issued struct {
	Code   string
	Digest string
	URL    string
	Doc    sdgdt.Document
	Head   DocHead
	Data   []byte // the canonical data (JSON, RFC 8785) whose SHA-256 is Digest
	// Signatures are the valid signatures over the document's parts (class
	// books), each with its CMS and canonical document, for the archive.
	Signatures []DocSignature
}

// VerifyURL returns the verification page's address of a code.
func (a *App) VerifyURL(code string) string {
	base := strings.TrimRight(a.Cfg.PublicURL, "/")
	if base == "" {
		base = "http://localhost:8080"
	}
	return base + "/verify/" + code
}

// canPrint reports whether p may print documents of a class (classID 0: of
// the school).
func canPrint(p *Principal, s sdgdt.School, classID int64) bool {
	return Can(p, ActReadSheet, ClassTarget(s, classID)) || Can(p, ActPrint, ClassTarget(s, classID))
}

// CanPrintBook reports whether p may print a class's book or Bảng tổng hợp:
// whoever may print the class's documents, and the teachers who teach the
// class (needs-to-know, ActReadClass), since the book holds their marks.
// Pupils' records (học bạ, extracts) stay with canPrint.
func CanPrintBook(p *Principal, s sdgdt.School, classID int64) bool {
	return canPrint(p, s, classID) || Can(p, ActReadClass, ClassTarget(s, classID))
}

const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newCode returns a random verification code such as "K7QM-2XPA-9DFR".
func newCode() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return sb.String()
}

// digestOf returns the SHA-256 (hex) of the canonical JSON of v.
func digestOf(v any) (string, []byte, error) {
	b, err := sign.Canonical(v)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), b, nil
}

// docHead reads the unit, school and principal of a school.
func docHead(tx *store.Tx, s sdgdt.School) (DocHead, error) {
	h := DocHead{School: s}
	var err error
	if h.Unit, err = tx.Unit(s.UnitID); err != nil {
		return h, err
	}
	grants, err := tx.GrantsOnScope(sdgdt.ScopeSchool, s.ID)
	if err != nil {
		return h, err
	}
	// The principal: the leader whose duty names the principal (or centre
	// director), else the first leader.
	var pick *sdgdt.Grant
	for i := range grants {
		g := &grants[i]
		if g.Role != sdgdt.RoleLeader || g.UserID == 0 {
			continue
		}
		d := strings.ToLower(g.Duty)
		head := (strings.Contains(d, "hiệu trưởng") || strings.Contains(d, "giám đốc")) && !strings.Contains(d, "phó")
		if pick == nil || (head && !pickHead(pick)) {
			pick = g
		}
	}
	if pick != nil {
		u, err := tx.User(pick.UserID)
		if err != nil {
			return h, err
		}
		h.Principal = u.FullName
		if strings.Contains(strings.ToLower(pick.Duty), "giám đốc") {
			h.PrincipalTitle = "Giám đốc"
		}
	}
	return h, nil
}

func pickHead(g *sdgdt.Grant) bool {
	d := strings.ToLower(g.Duty)
	return (strings.Contains(d, "hiệu trưởng") || strings.Contains(d, "giám đốc")) && !strings.Contains(d, "phó")
}

// issue records a document of digest and returns it with its head.
func (a *App) issue(ctx context.Context, p *Principal, d sdgdt.Document, s sdgdt.School, data []byte) (Issued, error) {
	out := Issued{Data: data}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		var err error
		if out.Head, err = docHead(tx, s); err != nil {
			return err
		}
		d.Code, d.IssuedBy, d.IssuedByName = newCode(), p.User.ID, p.User.FullName
		if err := tx.CreateDocument(&d); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActDocumentIssue, "document", d.Code, s.ID, s.UnitPath, nil,
			map[string]any{"code": d.Code, "kind": d.Kind, "class_id": d.ClassID, "pupil_id": d.PupilID, "term": d.Term, "digest": d.Digest})
	})
	out.Code, out.Digest, out.Doc, out.URL = d.Code, d.Digest, d, a.VerifyURL(d.Code)
	return out, err
}

// --- The class book ---

// ClassBookDocument returns the class book of a secondary class for a term
// (hk1, hk2, year) and issues it, for whoever may read or print the class's
// book (the school's office staff included).
func (a *App) ClassBookDocument(ctx context.Context, p *Principal, classID int64, term string) (ClassBookPrint, Issued, error) {
	var bp ClassBookPrint
	if !ValidClassTerm(term) {
		return bp, Issued{}, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Kì của sổ không hợp lệ: «" + term + "». Sổ lớp THCS, THPT in theo học kì I (hk1), học kì II (hk2) hoặc cả năm (year)."}
	}
	cy, err := a.loadClassYear(ctx, p, classID, classYearOptions{cells: true, comments: true, allow: func(tx *store.Tx, s sdgdt.School, c sdgdt.Class) error {
		if !CanPrintBook(p, s, c.ID) {
			return forbidden()
		}
		return nil
	}})
	if err != nil {
		return bp, Issued{}, err
	}
	bp.ClassYear = cy
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		all, err := tx.CorrectionsOf(cy.School.ID)
		for i := len(all) - 1; i >= 0; i-- { // oldest first
			if c := all[i]; c.ClassID == cy.Class.ID && c.SchoolYearID == cy.Class.SchoolYearID {
				bp.Corrections = append(bp.Corrections, c)
			}
		}
		return err
	}); err != nil {
		return bp, Issued{}, err
	}
	if bp.Signatures, err = a.bookSignatures(ctx, &cy, term); err != nil {
		return bp, Issued{}, err
	}
	digest, data, err := digestOf(ClassBookData(&cy, term))
	if err != nil {
		return bp, Issued{}, err
	}
	is, err := a.issue(ctx, p, sdgdt.Document{Kind: sdgdt.DocClassBook, SchoolID: cy.School.ID, SchoolYearID: cy.Class.SchoolYearID, ClassID: cy.Class.ID, Term: term, Digest: digest}, cy.School, data)
	is.Signatures = bp.Signatures.All()
	return bp, is, err
}

// ClassBookPrint is a class book with the class's corrections of the year
// and the valid signatures over its data.
type ClassBookPrint struct {
	ClassYear
	Corrections []sdgdt.Correction
	Signatures  BookSignatures
}

// bookTerms are the semesters a book of term holds.
func bookTerms(term string) []string {
	switch term {
	case "hk1", "hk2":
		return []string{term}
	}
	return []string{"hk1", "hk2"}
}

// ClassBookData is the canonical data of a class book for a term: what the
// document prints, as stored (marks as their decimal text), with its identity.
func ClassBookData(cy *ClassYear, term string) any {
	type subjectRow struct {
		Pupil   int64                        `json:"pupil_id"`
		Cells   map[string]map[string]string `json:"cells"`
		Results map[string]string            `json:"results"`
	}
	type subject struct {
		Code     string       `json:"subject"`
		Teachers [2]string    `json:"teachers"`
		Rows     []subjectRow `json:"rows"`
	}
	type pupil struct {
		ID        int64             `json:"pupil_id"`
		Name      string            `json:"name"`
		Learning  map[string]string `json:"learning"`
		Conduct   map[string]string `json:"conduct"`
		Comments  map[string]string `json:"comments"`
		Excused   int               `json:"absent_excused"`
		Unexcused int               `json:"absent_unexcused"`
		Promotion string            `json:"promotion,omitempty"`
		Award     string            `json:"award,omitempty"`
	}
	terms := bookTerms(term)
	results := terms
	if term == "year" {
		results = ClassTerms
	}
	var subjects []subject
	for j, s := range cy.Subjects {
		sub := subject{Code: s.Code, Teachers: s.Teachers}
		for i := range cy.Pupils {
			v := &cy.Pupils[i]
			row := subjectRow{Pupil: v.Pupil.ID, Cells: map[string]map[string]string{}, Results: map[string]string{}}
			for _, t := range terms {
				if c := v.Cells[s.Code][t]; len(c) > 0 {
					row.Cells[t] = c
				}
			}
			for _, t := range results {
				row.Results[t] = v.Mark(j, t).String()
			}
			sub.Rows = append(sub.Rows, row)
		}
		subjects = append(subjects, sub)
	}
	var pupils []pupil
	for i := range cy.Pupils {
		v := &cy.Pupils[i]
		pp := pupil{ID: v.Pupil.ID, Name: v.Pupil.FullName(), Learning: map[string]string{}, Conduct: map[string]string{}, Comments: map[string]string{},
			Excused: v.Absent.Excused, Unexcused: v.Absent.Unexcused}
		for _, t := range results {
			tr := v.Term(t)
			pp.Learning[t], pp.Conduct[t] = tr.Learning.Code(), tr.Conduct.Code()
			if c := v.Comments[t]; c != "" {
				pp.Comments[t] = c
			}
		}
		if term == "year" {
			pp.Promotion, pp.Award = string(v.Result.Year.Promotion), string(v.Result.Year.Award)
		}
		pupils = append(pupils, pp)
	}
	return map[string]any{"kind": sdgdt.DocClassBook, "school_id": cy.School.ID, "class_id": cy.Class.ID, "class": cy.Class.Name,
		"school_year": cy.Year.Name, "term": term, "ruleset": cy.RuleSet.Version, "subjects": subjects, "pupils": pupils}
}

// --- The primary Bảng tổng hợp ---

// PrimarySummaryDocument returns the Bảng tổng hợp of a primary class at an
// assessment point and issues it.
func (a *App) PrimarySummaryDocument(ctx context.Context, p *Principal, classID int64, point string) (PrimarySummary, Issued, error) {
	if !ValidPoint(point) {
		return PrimarySummary{}, Issued{}, badPoint(point)
	}
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		c, s, err := primaryClass(tx, classID)
		if err != nil {
			return err
		}
		if !CanPrintBook(p, s, c.ID) {
			return forbidden()
		}
		return nil
	}); err != nil {
		return PrimarySummary{}, Issued{}, err
	}
	// Rights were checked above (printing includes the office staff).
	ps, err := a.ClassPrimarySummary(ctx, System(p.RequestID), classID, point)
	if err != nil {
		return ps, Issued{}, err
	}
	digest, data, err := digestOf(PrimarySummaryData(&ps))
	if err != nil {
		return ps, Issued{}, err
	}
	is, err := a.issue(ctx, p, sdgdt.Document{Kind: sdgdt.DocPrimarySummary, SchoolID: ps.School.ID, SchoolYearID: ps.Class.SchoolYearID, ClassID: ps.Class.ID, Term: point, Digest: digest}, ps.School, data)
	return ps, is, err
}

// PrimarySummaryData is the canonical data of a Bảng tổng hợp.
func PrimarySummaryData(ps *PrimarySummary) any {
	type row struct {
		Pupil        int64      `json:"pupil_id"`
		Name         string     `json:"name"`
		Levels       []string   `json:"levels"`
		Tests        []string   `json:"tests"`
		Comments     []string   `json:"comments"`
		Competencies [10]string `json:"competencies"`
		Qualities    [5]string  `json:"qualities"`
		QCComments   [3]string  `json:"qc_comments"`
		Result       string     `json:"result,omitempty"`
		ResultFinal  string     `json:"result_final,omitempty"`
		Award        string     `json:"award,omitempty"`
		Promotion    string     `json:"promotion,omitempty"`
	}
	var subjects []string
	for _, s := range ps.Subjects {
		subjects = append(subjects, s.Code)
	}
	var rows []row
	for _, r := range ps.Rows {
		rr := row{Pupil: r.PupilID, Name: r.FullName, Levels: r.Levels, Tests: r.Tests, Comments: r.Comments, Competencies: r.Competencies, Qualities: r.Qualities, QCComments: r.QCComments}
		if ps.YearEnd {
			rr.Result, rr.ResultFinal, rr.Award, rr.Promotion = r.Result.Result, r.Result.ResultFinal, r.Result.Award, r.Result.Promotion
		}
		rows = append(rows, rr)
	}
	return map[string]any{"kind": sdgdt.DocPrimarySummary, "school_id": ps.School.ID, "class_id": ps.Class.ID, "class": ps.Class.Name,
		"school_year": ps.Year.Name, "term": ps.Point, "ruleset": ps.RulesetVersion, "subjects": subjects, "rows": rows}
}

// --- The corrections register ---

// CorrectionsRegister is a school's corrections of one school year.
type CorrectionsRegister struct {
	School      sdgdt.School
	Year        sdgdt.SchoolYear
	Corrections []sdgdt.Correction
}

// CorrectionsDocument returns a school's corrections register of a school
// year (0: the current one) and issues it.
func (a *App) CorrectionsDocument(ctx context.Context, p *Principal, schoolID, yearID int64) (CorrectionsRegister, Issued, error) {
	cr, err := a.correctionsRegister(ctx, p, schoolID, yearID)
	if err != nil {
		return cr, Issued{}, err
	}
	digest, data, err := digestOf(CorrectionsData(&cr))
	if err != nil {
		return cr, Issued{}, err
	}
	is, err := a.issue(ctx, p, sdgdt.Document{Kind: sdgdt.DocCorrections, SchoolID: cr.School.ID, SchoolYearID: cr.Year.ID, Digest: digest}, cr.School, data)
	return cr, is, err
}

func (a *App) correctionsRegister(ctx context.Context, p *Principal, schoolID, yearID int64) (CorrectionsRegister, error) {
	var cr CorrectionsRegister
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if cr.School, err = tx.School(schoolID); err != nil {
			return err
		}
		if !Can(p, ActRead, SchoolTarget(cr.School)) {
			return forbidden()
		}
		if yearID == 0 {
			cr.Year, err = tx.CurrentYear()
		} else {
			cr.Year, err = schoolYear(tx, yearID)
		}
		if err != nil {
			return err
		}
		all, err := tx.CorrectionsOf(schoolID)
		if err != nil {
			return err
		}
		for _, c := range all {
			if c.SchoolYearID == cr.Year.ID {
				cr.Corrections = append(cr.Corrections, c)
			}
		}
		// Oldest first, as a register is written.
		for i, j := 0, len(cr.Corrections)-1; i < j; i, j = i+1, j-1 {
			cr.Corrections[i], cr.Corrections[j] = cr.Corrections[j], cr.Corrections[i]
		}
		return nil
	})
	return cr, err
}

// CorrectionsData is the canonical data of a corrections register.
func CorrectionsData(cr *CorrectionsRegister) any {
	type cell struct {
		Pupil int64  `json:"pupil_id"`
		Field string `json:"field"`
		Old   string `json:"old"`
		New   string `json:"new"`
	}
	type corr struct {
		ID      int64  `json:"id"`
		Class   int64  `json:"class_id"`
		Subject string `json:"subject"`
		Term    string `json:"term"`
		Status  string `json:"status"`
		Reason  string `json:"reason"`
		Cells   []cell `json:"cells"`
	}
	var out []corr
	for _, c := range cr.Corrections {
		k := corr{ID: c.ID, Class: c.ClassID, Subject: c.Subject, Term: c.Term, Status: c.Status, Reason: c.Reason}
		for _, x := range c.Cells {
			k.Cells = append(k.Cells, cell{x.PupilID, x.Field, x.OldValue, x.NewValue})
		}
		out = append(out, k)
	}
	return map[string]any{"kind": sdgdt.DocCorrections, "school_id": cr.School.ID, "school_year": cr.Year.Name, "corrections": out}
}

// ClassCorrections returns the corrections of one class of a register.
func ClassCorrections(all []sdgdt.Correction, classID int64) []sdgdt.Correction {
	var out []sdgdt.Correction
	for _, c := range all {
		if c.ClassID == classID {
			out = append(out, c)
		}
	}
	return out
}

// --- The học bạ ---

// RecordYear is one school year of a pupil's record: the class and, by the
// class's level, the secondary year (ClassYear holding only this pupil) or the
// primary year end (the Bảng tổng hợp at cn holding only this pupil's row).
type RecordYear struct {
	Class     sdgdt.Class
	Year      sdgdt.SchoolYear
	Secondary *ClassYear
	Primary   *PrimarySummary
}

// PupilRecord is a pupil's học bạ: every school year so far of one school
// (an extract: the chosen ones).
type PupilRecord struct {
	Kind   string // sdgdt.DocHocBa or sdgdt.DocExtract
	Pupil  sdgdt.Pupil
	School sdgdt.School
	Years  []RecordYear
	Chosen []string // the years an extract was asked for ("": every year)
}

// PupilRecordDocument returns a pupil's học bạ (kind hoc_ba) with every
// school year so far, or the extract of the book (kind extract) of the chosen
// years (none: every year), and issues it.
func (a *App) PupilRecordDocument(ctx context.Context, p *Principal, pupilID int64, kind string, years []string) (PupilRecord, Issued, error) {
	pr, err := a.pupilRecord(ctx, p, pupilID, kind, years, nil)
	if err != nil {
		return pr, Issued{}, err
	}
	digest, data, err := digestOf(PupilRecordData(&pr))
	if err != nil {
		return pr, Issued{}, err
	}
	var yearID int64
	if n := len(pr.Years); n > 0 {
		yearID = pr.Years[n-1].Class.SchoolYearID
	}
	is, err := a.issue(ctx, p, sdgdt.Document{Kind: kind, SchoolID: pr.School.ID, SchoolYearID: yearID, PupilID: pupilID, Term: strings.Join(pr.Chosen, ","), Digest: digest}, pr.School, data)
	return pr, is, err
}

// recordCache keeps the classes' years loaded for the records of many pupils.
type recordCache struct {
	secondary map[int64]ClassYear
	primary   map[int64]PrimarySummary
}

func (a *App) pupilRecord(ctx context.Context, p *Principal, pupilID int64, kind string, years []string, cache *recordCache) (PupilRecord, error) {
	if cache == nil {
		cache = &recordCache{secondary: map[int64]ClassYear{}, primary: map[int64]PrimarySummary{}}
	}
	pr := PupilRecord{Kind: kind}
	if kind != sdgdt.DocHocBa && kind != sdgdt.DocExtract {
		return pr, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Loại hồ sơ không hợp lệ: «" + kind + "». Chọn học bạ (hoc_ba) hoặc trích lục (extract)."}
	}
	if kind == sdgdt.DocHocBa && len(years) > 0 {
		return pr, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Học bạ ghi mọi năm học; chọn năm học chỉ dành cho trích lục (kind=extract)."}
	}
	var classes []sdgdt.Class
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if pr.Pupil, err = tx.Pupil(pupilID); err != nil {
			return err
		}
		if pr.School, err = tx.School(pr.Pupil.SchoolID); err != nil {
			return err
		}
		if classes, err = tx.PupilClasses(pupilID); err != nil {
			return err
		}
		var classID int64
		if len(classes) > 0 {
			classID = classes[len(classes)-1].ID
		}
		if !canPrint(p, pr.School, classID) {
			return forbidden()
		}
		return nil
	})
	if err != nil {
		return pr, err
	}
	sys := System(p.RequestID)
	var yearOf map[int64]string
	if len(years) > 0 {
		if err := a.DB.View(ctx, func(tx *store.Tx) error {
			ys, err := tx.SchoolYears()
			yearOf = map[int64]string{}
			for _, y := range ys {
				yearOf[y.ID] = y.Name
			}
			return err
		}); err != nil {
			return pr, err
		}
		studied := map[string]bool{}
		for _, c := range classes {
			if c.SchoolID == pr.School.ID {
				studied[yearOf[c.SchoolYearID]] = true
			}
		}
		for _, y := range years {
			if !studied[y] {
				return pr, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Học sinh không học ở trường trong năm học «" + y + "»."}
			}
		}
		pr.Chosen = years
	}
	chosen := func(yearID int64) bool {
		if len(years) == 0 {
			return true
		}
		for _, y := range years {
			if yearOf[yearID] == y {
				return true
			}
		}
		return false
	}
	for _, c := range classes {
		if c.SchoolID != pr.School.ID || !chosen(c.SchoolYearID) {
			continue
		}
		ry := RecordYear{Class: c}
		switch sdgdt.SheetKindOf(c.Ruleset) {
		case sdgdt.SheetSecondary:
			cy, ok := cache.secondary[c.ID]
			if !ok {
				var err error
				if cy, err = a.loadClassYear(ctx, sys, c.ID, classYearOptions{cells: true, comments: true}); err != nil {
					return pr, err
				}
				cache.secondary[c.ID] = cy
			}
			for i := range cy.Pupils {
				if cy.Pupils[i].Pupil.ID == pupilID {
					cy.Pupils = []PupilYearView{cy.Pupils[i]}
					break
				}
			}
			if len(cy.Pupils) != 1 || cy.Pupils[0].Pupil.ID != pupilID {
				cy.Pupils = nil
			}
			ry.Year, ry.Secondary = cy.Year, &cy
		default:
			ps, ok := cache.primary[c.ID]
			if !ok {
				var err error
				if ps, err = a.ClassPrimarySummary(ctx, sys, c.ID, assess.PointCN); err != nil {
					return pr, err
				}
				cache.primary[c.ID] = ps
			}
			var rows []SummaryRow
			for _, r := range ps.Rows {
				if r.PupilID == pupilID {
					rows = append(rows, r)
				}
			}
			ps.Rows = rows
			ry.Year, ry.Primary = ps.Year, &ps
		}
		pr.Years = append(pr.Years, ry)
	}
	return pr, nil
}

// PupilRecordData is the canonical data of a pupil's record.
func PupilRecordData(pr *PupilRecord) any {
	var years []any
	for _, y := range pr.Years {
		switch {
		case y.Secondary != nil:
			years = append(years, ClassBookData(y.Secondary, "year"))
		case y.Primary != nil:
			years = append(years, PrimarySummaryData(y.Primary))
		}
	}
	p := pr.Pupil
	return map[string]any{"kind": pr.Kind, "school_id": pr.School.ID, "pupil_id": p.ID, "name": p.FullName(),
		"date_of_birth": p.DateOfBirth.Format("2006-01-02"), "years": years, "chosen": pr.Chosen}
}

// --- Verification ---

// DocumentCheck is what the public verification page shows of a document:
// what it is and whether its data still holds — no marks, no names of pupils.
type DocumentCheck struct {
	Doc      sdgdt.Document
	KindName string
	School   string
	Class    string
	Year     string
	TermName string
	Holds    bool   // the data recomputed now has the digest recorded
	Current  string // the digest of the data now
	// Signatures are the valid signatures over a class book's data now, by
	// role and time only (no names on the public page).
	Signatures []SignedBy
}

// SignedBy is a valid signature as the verification page names it.
type SignedBy struct {
	Role     string
	SignedAt time.Time
}

// VerifyDocument loads an issued document's data again and compares its
// digest with the one recorded. It needs no sign-in: the answer shows only
// the document's identity.
func (a *App) VerifyDocument(ctx context.Context, code string) (DocumentCheck, error) {
	var dc DocumentCheck
	code = strings.ToUpper(strings.TrimSpace(code))
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if dc.Doc, err = tx.DocumentByCode(code); err != nil {
			return err
		}
		s, err := tx.School(dc.Doc.SchoolID)
		if err != nil {
			return err
		}
		dc.School = s.Name
		if dc.Doc.SchoolYearID != 0 {
			if y, err := schoolYear(tx, dc.Doc.SchoolYearID); err == nil {
				dc.Year = y.Name
			}
		}
		if dc.Doc.ClassID != 0 {
			if c, err := tx.Class(dc.Doc.ClassID); err == nil {
				dc.Class = c.Name
			}
		}
		return nil
	})
	if err != nil {
		return dc, err
	}
	dc.KindName = sdgdt.DocKindName(dc.Doc.Kind)
	if dc.Doc.Term != "" {
		dc.TermName = sdgdt.TermName(dc.Doc.Term)
	}
	data, err := a.DocumentData(ctx, dc.Doc)
	if err != nil {
		return dc, err
	}
	dc.Current, _, err = digestOf(data)
	dc.Holds = err == nil && dc.Current == dc.Doc.Digest
	if err != nil || dc.Doc.Kind != sdgdt.DocClassBook {
		return dc, err
	}
	cy, err := a.loadClassYear(ctx, System("verify"), dc.Doc.ClassID, classYearOptions{})
	if err != nil {
		return dc, err
	}
	bs, err := a.bookSignatures(ctx, &cy, dc.Doc.Term)
	for _, s := range bs.All() {
		dc.Signatures = append(dc.Signatures, SignedBy{Role: s.Role, SignedAt: s.SignedAt})
	}
	return dc, err
}

// DocumentData loads the canonical data of an issued document again (as the
// operator: for verification and the archive).
func (a *App) DocumentData(ctx context.Context, d sdgdt.Document) (any, error) {
	sys := System("verify")
	switch d.Kind {
	case sdgdt.DocClassBook:
		cy, err := a.loadClassYear(ctx, sys, d.ClassID, classYearOptions{cells: true, comments: true})
		if err != nil {
			return nil, err
		}
		return ClassBookData(&cy, d.Term), nil
	case sdgdt.DocPrimarySummary:
		ps, err := a.ClassPrimarySummary(ctx, sys, d.ClassID, d.Term)
		if err != nil {
			return nil, err
		}
		return PrimarySummaryData(&ps), nil
	case sdgdt.DocCorrections:
		cr, err := a.correctionsRegister(ctx, sys, d.SchoolID, d.SchoolYearID)
		if err != nil {
			return nil, err
		}
		return CorrectionsData(&cr), nil
	case sdgdt.DocHocBa, sdgdt.DocExtract:
		var years []string
		if d.Term != "" {
			years = strings.Split(d.Term, ",")
		}
		pr, err := a.pupilRecord(ctx, sys, d.PupilID, d.Kind, years, nil)
		if err != nil {
			return nil, err
		}
		return PupilRecordData(&pr), nil
	}
	return nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Loại tài liệu không xác định: " + d.Kind + "."}
}

// ClassPupilRecords returns and issues the records (kind hoc_ba or extract)
// of every pupil of a class, loading each class year once.
func (a *App) ClassPupilRecords(ctx context.Context, p *Principal, classID int64, kind string) ([]PupilRecord, []Issued, error) {
	var ids []int64
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		c, err := tx.Class(classID)
		if err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if !canPrint(p, s, c.ID) {
			return forbidden()
		}
		roster, err := tx.BookRoster(classID)
		for _, r := range roster {
			ids = append(ids, r.Pupil.ID)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	cache := &recordCache{secondary: map[int64]ClassYear{}, primary: map[int64]PrimarySummary{}}
	var prs []PupilRecord
	var iss []Issued
	for _, id := range ids {
		pr, err := a.pupilRecord(ctx, p, id, kind, nil, cache)
		if err != nil {
			return nil, nil, err
		}
		digest, data, err := digestOf(PupilRecordData(&pr))
		if err != nil {
			return nil, nil, err
		}
		var yearID int64
		if n := len(pr.Years); n > 0 {
			yearID = pr.Years[n-1].Class.SchoolYearID
		}
		is, err := a.issue(ctx, p, sdgdt.Document{Kind: kind, SchoolID: pr.School.ID, SchoolYearID: yearID, PupilID: id, Digest: digest}, pr.School, data)
		if err != nil {
			return nil, nil, err
		}
		prs, iss = append(prs, pr), append(iss, is)
	}
	return prs, iss, nil
}

// --- The archive ---

// ArchiveScope is what a school's archive of a school year holds: its classes
// and the head of the school's audit chain when it was made.
type ArchiveScope struct {
	School  sdgdt.School
	Year    sdgdt.SchoolYear
	Classes []sdgdt.Class
	Chain   string
	Seq     int64
	Head    string
}

// ArchiveOf opens a school's archive of a school year (by name, "2026-2027"):
// for the school's leaders, administrators and office staff; the export is
// recorded in the audit log.
func (a *App) ArchiveOf(ctx context.Context, p *Principal, schoolID int64, yearName string) (ArchiveScope, error) {
	var as ArchiveScope
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		var err error
		if as.School, err = tx.School(schoolID); err != nil {
			return err
		}
		if !Can(p, ActPrint, SchoolTarget(as.School)) {
			return forbidden()
		}
		ys, err := tx.SchoolYears()
		if err != nil {
			return err
		}
		found := false
		for _, y := range ys {
			if y.Name == yearName {
				as.Year, found = y, true
			}
		}
		if !found {
			return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không có năm học «" + yearName + "»."}
		}
		if as.Classes, err = tx.ClassesOf(schoolID, as.Year.ID); err != nil {
			return err
		}
		if err := record(tx, p, sdgdt.ActArchiveExport, "school", idStr(schoolID), schoolID, as.School.UnitPath, nil, map[string]any{"school_year": yearName}); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return as, err
	}
	// The chain's head after the export's own entry.
	as.Chain = audit.ChainFor(schoolID)
	err = a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		as.Seq, as.Head, err = tx.ChainHead(as.Chain)
		return err
	})
	return as, err
}

// AuditHead returns the head of a school's audit chain now.
func (a *App) AuditHead(ctx context.Context, schoolID int64) (chain string, seq int64, hash string, err error) {
	chain = audit.ChainFor(schoolID)
	err = a.DB.View(ctx, func(tx *store.Tx) error {
		seq, hash, err = tx.ChainHead(chain)
		return err
	})
	return chain, seq, hash, err
}

// --- Signatures printed in the documents ---

// DocSignature is a valid signature over the current data, as a document
// prints it and the archive keeps it (its CMS over its canonical document).
type DocSignature struct {
	ID        int64
	Signer    string
	Role      string // Vietnamese
	SignedAt  time.Time
	Serial    string
	CMS       []byte
	Canonical []byte
}

// BookSignatures are the valid signatures of a class book: each subject
// teacher's (subject code → term), the homeroom teacher's and the leader's.
type BookSignatures struct {
	Subjects map[string]map[string][]DocSignature
	Homeroom []DocSignature
	Leader   []DocSignature
}

// All returns every signature of the book, for the archive.
func (b BookSignatures) All() []DocSignature {
	out := append(append([]DocSignature{}, b.Leader...), b.Homeroom...)
	for _, ts := range b.Subjects {
		for _, t := range []string{"hk1", "hk2"} {
			out = append(out, ts[t]...)
		}
	}
	return out
}

// currentSignatures returns the valid signatures over an object's current
// data (none when the object does not exist yet).
func (a *App) currentSignatures(ctx context.Context, o SignObject) ([]DocSignature, error) {
	os, err := a.Signatures(ctx, System("print"), o)
	if err != nil {
		if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND || sdgdt.ErrorCode(err) == sdgdt.EINVALID {
			return nil, nil
		}
		return nil, err
	}
	var out []DocSignature
	for _, s := range os.Signatures {
		if s.Current {
			out = append(out, DocSignature{ID: s.ID, Signer: s.SignerName, Role: sdgdt.RoleName(s.Role), SignedAt: s.SignedAt,
				Serial: s.CertSerial, CMS: s.CMS, Canonical: s.Canonical})
		}
	}
	return out, nil
}

// bookSignatures reads the valid signatures of a class book of a term.
func (a *App) bookSignatures(ctx context.Context, cy *ClassYear, term string) (BookSignatures, error) {
	bs := BookSignatures{Subjects: map[string]map[string][]DocSignature{}}
	var err error
	if bs.Leader, err = a.currentSignatures(ctx, SignObject{Kind: sdgdt.SignBook, ClassID: cy.Class.ID, Term: term}); err != nil {
		return bs, err
	}
	if bs.Homeroom, err = a.currentSignatures(ctx, SignObject{Kind: sdgdt.SignHomeroom, ClassID: cy.Class.ID, Term: term}); err != nil {
		return bs, err
	}
	sheets := map[string]map[string]int64{}
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		for _, s := range cy.Subjects {
			sheets[s.Code] = map[string]int64{}
			for _, t := range bookTerms(term) {
				if sh, err := tx.SheetFor(cy.Class.ID, s.Code, t); err == nil {
					sheets[s.Code][t] = sh.ID
				}
			}
		}
		return nil
	}); err != nil {
		return bs, err
	}
	for code, ts := range sheets {
		for t, id := range ts {
			sigs, err := a.currentSignatures(ctx, SignObject{Kind: sdgdt.SignSheet, SheetID: id})
			if err != nil {
				return bs, err
			}
			if len(sigs) > 0 {
				if bs.Subjects[code] == nil {
					bs.Subjects[code] = map[string][]DocSignature{}
				}
				bs.Subjects[code][t] = sigs
			}
		}
	}
	return bs, nil
}
