package doc

import (
	"context"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/report"
)

// The documents as the pages, the API, the bulk job and the archive get them:
// the use case loads and issues, the builder prints. Each returns the PDF and
// a file name.

// ClassBookFor issues and prints a class's book for a term: the class book of
// a secondary class (hk1, hk2, year) or the Bảng tổng hợp of a primary class
// (gk1, ck1, gk2, cn).
func ClassBookFor(ctx context.Context, a *app.App, p *app.Principal, classID int64, term string) ([]byte, string, app.Issued, error) {
	if sdgdt.Term(term).IsPoint() {
		ps, is, err := a.PrimarySummaryDocument(ctx, p, classID, term)
		if err != nil {
			return nil, "", is, err
		}
		h, iss := From(is)
		b, err := PrimarySummary(PrimarySummaryInput{Summary: &ps, Head: h, Issue: iss})
		return b, "bang-tong-hop-lop-" + report.Slug(ps.Class.Name) + "-" + term + "-" + ps.Year.Name + ".pdf", is, err
	}
	cy, is, err := a.ClassBookDocument(ctx, p, classID, term)
	if err != nil {
		return nil, "", is, err
	}
	h, iss := From(is)
	b, err := ClassBook(ClassBookInput{Book: &cy.ClassYear, Term: term, Head: h, Issue: iss, Corrections: cy.Corrections, Signatures: BookSignaturesOf(cy.Signatures)})
	return b, "so-theo-doi-lop-" + report.Slug(cy.Class.Name) + "-" + term + "-" + cy.Year.Name + ".pdf", is, err
}

// PupilRecordFor issues and prints a pupil's học bạ or extract (of the
// chosen years; none: every year).
func PupilRecordFor(ctx context.Context, a *app.App, p *app.Principal, pupilID int64, kind string, years []string) ([]byte, string, app.Issued, error) {
	pr, is, err := a.PupilRecordDocument(ctx, p, pupilID, kind, years)
	if err != nil {
		return nil, "", is, err
	}
	h, iss := From(is)
	b, err := PupilRecord(PupilRecordInput{Record: &pr, Head: h, Issue: iss})
	name := "hoc-ba-"
	if kind == sdgdt.DocExtract {
		name = "trich-luc-"
	}
	return b, name + report.Slug(pr.Pupil.FullName()) + ".pdf", is, err
}

// CorrectionsFor issues and prints a school's corrections register of a
// school year (0: the current one).
func CorrectionsFor(ctx context.Context, a *app.App, p *app.Principal, schoolID, yearID int64) ([]byte, string, app.Issued, error) {
	cr, is, err := a.CorrectionsDocument(ctx, p, schoolID, yearID)
	if err != nil {
		return nil, "", is, err
	}
	h, iss := From(is)
	b, err := Corrections(CorrectionsInput{Year: cr.Year.Name, Corrections: cr.Corrections, Head: h, Issue: iss})
	return b, "so-dieu-chinh-" + cr.Year.Name + ".pdf", is, err
}

// BookSignaturesOf is the signature block's input from the book's valid
// signatures.
func BookSignaturesOf(bs app.BookSignatures) BookSignatures {
	out := BookSignatures{Subjects: map[string]map[string][]Signature{}, Homeroom: sigs(bs.Homeroom), Leader: sigs(bs.Leader)}
	for code, ts := range bs.Subjects {
		out.Subjects[code] = map[string][]Signature{}
		for t, s := range ts {
			out.Subjects[code][t] = sigs(s)
		}
	}
	return out
}

func sigs(in []app.DocSignature) []Signature {
	var out []Signature
	for _, s := range in {
		out = append(out, Signature{Signer: s.Signer, Role: s.Role, SignedAt: s.SignedAt, Serial: s.Serial})
	}
	return out
}
