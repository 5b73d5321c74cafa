package app

// The homeroom teacher's forms as typed on a page: each use case takes the
// form's typed input, checks it (terms, whole numbers), keeps only what
// changed, and calls the use case that writes. Messages are keyed by the
// field they belong to, so that the page shows them beside it.

import (
	"context"
	"strconv"
	"strings"

	"sdgdt"
)

// ConductForm is the conduct form of a class for one term (hk1, hk2, summer).
type ConductForm struct {
	ClassID int64
	Term    string
	Rows    []ConductEntry // the term of each row is the form's
}

// SaveConductForm stores the ratings of a conduct form that differ from those
// stored. A bad term is an error of the field "term".
func (a *App) SaveConductForm(ctx context.Context, p *Principal, in ConductForm) error {
	if !conductTerms[in.Term] {
		return sdgdt.Invalid(map[string]string{"term": "Kì đánh giá rèn luyện là học kì I, học kì II hoặc rèn luyện trong hè."})
	}
	current, err := a.ClassConduct(ctx, p, in.ClassID)
	if err != nil {
		return err
	}
	old := map[int64]sdgdt.Conduct{}
	for _, c := range current {
		if c.Term == in.Term {
			old[c.PupilID] = c
		}
	}
	var changed []ConductEntry
	for _, e := range in.Rows {
		o := old[e.PupilID]
		if e.Level != o.Level || strings.TrimSpace(e.Comment) != o.Comment {
			e.Term = in.Term
			changed = append(changed, e)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	return a.SetConduct(ctx, p, in.ClassID, changed)
}

// CommentsForm is the homeroom comments form of a class for one term (hk1, hk2, year).
type CommentsForm struct {
	ClassID int64
	Term    string
	Rows    []HomeroomCommentEntry // the term of each row is the form's
}

// SaveCommentsForm stores the comments of a homeroom comments form.
func (a *App) SaveCommentsForm(ctx context.Context, p *Principal, in CommentsForm) error {
	if !ValidClassTerm(in.Term) {
		return sdgdt.Invalid(map[string]string{"term": "Kì nhận xét là học kì I, học kì II hoặc cả năm."})
	}
	for i := range in.Rows {
		in.Rows[i].Term = in.Term
	}
	return a.SetHomeroomComments(ctx, p, in.ClassID, in.Rows)
}

// MonthTotalsRow is one pupil's line of the monthly absence form, as typed:
// whole numbers from 0, blank for 0.
type MonthTotalsRow struct {
	PupilID            int64
	Excused, Unexcused string
}

// MonthTotalsField is the key of a message about a pupil's line of the
// monthly absence form.
func MonthTotalsField(pupilID int64) string { return "totals." + strconv.FormatInt(pupilID, 10) }

// SaveMonthTotalsForm checks the typed counts of a monthly absence form and
// stores them; each wrong line gets a message under MonthTotalsField.
func (a *App) SaveMonthTotalsForm(ctx context.Context, p *Principal, classID int64, month string, rows []MonthTotalsRow) error {
	fields := map[string]string{}
	totals := make([]sdgdt.AbsenceTotal, 0, len(rows))
	for _, r := range rows {
		ex, err1 := countOf(r.Excused)
		un, err2 := countOf(r.Unexcused)
		switch {
		case err1 != nil || err2 != nil:
			fields[MonthTotalsField(r.PupilID)] = "Nhập số buổi (số nguyên từ 0)."
		case ex+un > 62:
			fields[MonthTotalsField(r.PupilID)] = "Số buổi vắng trong tháng từ 0 đến 62."
		}
		totals = append(totals, sdgdt.AbsenceTotal{PupilID: r.PupilID, Excused: ex, Unexcused: un})
	}
	if len(fields) > 0 {
		return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Số buổi vắng phải là số nguyên từ 0 đến 62.", Fields: fields}
	}
	return a.SetMonthTotals(ctx, p, classID, month, totals)
}

// countOf reads a count of sessions: a whole number from 0, blank for 0.
func countOf(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err == nil && n < 0 {
		return 0, strconv.ErrRange
	}
	return n, err
}

// SaveRetestsForm stores the re-test results of a form that differ from those
// stored (a value is compared as the page shows it: "7,5", "Đ").
func (a *App) SaveRetestsForm(ctx context.Context, p *Principal, classID int64, entries []RetestEntry) error {
	rv, err := a.ClassRetests(ctx, p, classID)
	if err != nil {
		return err
	}
	var changed []RetestEntry
	for _, e := range entries {
		if strings.TrimSpace(e.Value) != retestText(rv.Values[e.PupilID][e.Subject]) {
			changed = append(changed, e)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	return a.RecordRetests(ctx, p, classID, changed)
}

// retestText is a stored re-test result as the form shows it.
func retestText(v string) string {
	switch v {
	case "D":
		return "Đ"
	case "CD":
		return "CĐ"
	}
	return strings.Replace(v, ".", ",", 1)
}
