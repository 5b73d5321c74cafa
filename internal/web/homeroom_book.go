package web

// The year-end lists of a class (with their Excel exports) and the class
// book on screen — "Sổ theo dõi và đánh giá học sinh (theo lớp học)" — in the
// book's order, printable from the browser (static/book.css, @media print).

import (
	"net/http"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/report"
)

// --- Year-end lists ---

// yearList is one of the lists the homeroom teacher prepares.
type yearList struct {
	Key     string // promoted, retest, summer, retained, awards
	Title   string
	Hint    string
	Entries []listRow
	Retest  bool // a column of re-test subjects
	Award   bool // a column of titles
}

type listRow struct {
	N     int
	V     *app.PupilYearView
	Extra string // re-test subjects, award title
	Note  string
}

type listsData struct {
	Head    hrHead
	Lists   []yearList
	Pending []listRow
}

func yearLists(cy *app.ClassYear) ([]yearList, []listRow) {
	l := app.Lists(cy)
	rows := func(es []app.ListEntry, extra func(app.ListEntry) string) []listRow {
		out := make([]listRow, len(es))
		for i, e := range es {
			out[i] = listRow{N: i + 1, V: e.Pupil, Note: e.Note}
			if extra != nil {
				out[i].Extra = extra(e)
			}
		}
		return out
	}
	subjects := func(e app.ListEntry) string {
		names := make([]string, len(e.Subjects))
		for i, c := range e.Subjects {
			names[i] = assess.SubjectName(c)
		}
		return strings.Join(names, ", ")
	}
	promoted := "Danh sách học sinh được lên lớp"
	if cy.Class.Grade == 9 {
		promoted = "Danh sách học sinh hoàn thành chương trình trung học cơ sở"
	} else if cy.Class.Grade == 12 {
		promoted = "Danh sách học sinh hoàn thành chương trình trung học phổ thông"
	}
	out := []yearList{
		{Key: "promoted", Title: promoted, Hint: "Rèn luyện và học tập cả năm từ Đạt trở lên (sau rèn luyện hè, kiểm tra lại nếu có), nghỉ không quá 45 buổi.", Entries: rows(l.Promoted, nil)},
		{Key: "retest", Title: "Danh sách học sinh kiểm tra, đánh giá lại trong hè", Hint: "Rèn luyện cả năm từ Đạt, học tập cả năm Chưa đạt: kiểm tra lại mọi môn Chưa đạt và môn có ĐTBmcn dưới 5,0.", Entries: rows(l.Retest, subjects), Retest: true},
		{Key: "summer", Title: "Danh sách học sinh rèn luyện trong hè", Hint: "Kết quả rèn luyện cả năm Chưa đạt; giáo viên chủ nhiệm đánh giá lại sau hè.", Entries: rows(l.Summer, nil)},
		{Key: "retained", Title: "Danh sách học sinh ở lại lớp", Hint: "Không đủ điều kiện lên lớp sau kiểm tra lại, rèn luyện hè, hoặc nghỉ quá 45 buổi.", Entries: rows(l.Retained, nil)},
	}
	if cy.RuleSet.Awards {
		var aw []app.ListEntry
		aw = append(aw, l.Excellent...)
		aw = append(aw, l.Good...)
		out = append(out, yearList{Key: "awards", Title: "Danh sách học sinh đề nghị khen thưởng", Hint: "Học sinh Xuất sắc: rèn luyện, học tập Tốt và ít nhất 6 môn có ĐTBmcn từ 9,0; Học sinh Giỏi: rèn luyện, học tập Tốt.",
			Entries: rows(aw, func(e app.ListEntry) string { return assess.AwardName(e.Pupil.Result.Year.Award) }), Award: true})
	}
	return out, rows(l.Pending, nil)
}

func (s *Server) homeroomLists(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	cy, err := s.classYear(r, p)
	if err != nil {
		return err
	}
	d := listsData{Head: s.hrHeadOf(&cy, p, "lists", "year")}
	d.Lists, d.Pending = yearLists(&cy)
	return s.render(w, r, http.StatusOK, "homeroom_lists", &Page{Title: "Danh sách cuối năm lớp " + cy.Class.Name, Active: "class", Data: d})
}

func (s *Server) homeroomListXLSX(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	key, ok := strings.CutSuffix(r.PathValue("file"), ".xlsx")
	if !ok {
		s.notFound(w, r)
		return nil
	}
	cy, err := s.classYear(r, p)
	if err != nil {
		return err
	}
	lists, _ := yearLists(&cy)
	for _, l := range lists {
		if l.Key != key {
			continue
		}
		rl := report.YearList{Title: l.Title, Retest: l.Retest, Award: l.Award}
		for _, e := range l.Entries {
			rl.Rows = append(rl.Rows, report.YearListRow{N: e.N, Pupil: e.V, Extra: e.Extra, Note: e.Note})
		}
		b, err := report.HomeroomList(&cy, rl)
		if err != nil {
			return err
		}
		sendXLSX(w, "danh-sach-"+key+"-lop-"+report.Slug(cy.Class.Name)+".xlsx", b)
		return nil
	}
	s.notFound(w, r)
	return nil
}

// --- The class book ---

type bookRow struct {
	N       int
	Name    string
	Regular []string
	Mid     string
	Final   string
	Avg     string
	Year    string
	Retest  string
	Note    string
	Missing bool
}

type bookTerm struct {
	Term    string
	Name    string
	Teacher string
	HK2     bool
	Rows    []bookRow
	Sig     *sdgdt.Signature // the subject teacher's newest digital signature
}

type bookSubject struct {
	app.YearSubject
	N      int
	Labels []string // ĐĐGtx1..n
	Terms  []bookTerm
}

type bookSummary struct {
	Term     string
	Title    string
	Rows     []ovRow
	Learning []levelCount
	Conduct  []levelCount
}

type bookData struct {
	Head      hrHead
	Unit      string
	RuleSet   string
	Pupils    []app.PupilYearView
	Subjects  []bookSubject
	Short     []ovSubject
	Summaries []bookSummary
	Year      []bookYearRow
	Lists     []yearList
	Awards    bool
	Sigs      []bookSig // homeroom data and class book signatures, per term
}

// bookSig is a signature line of the class book: the homeroom teacher's and
// the leader's of a term.
type bookSig struct {
	Term, Name         string
	Homeroom, Book     *sdgdt.Signature
	HomeroomHref, Href string
}

type bookYearRow struct {
	ovRow
	LearningFinal assess.Level
	ConductFinal  assess.Level
	Promotion     string
	Award         string
}

func (s *Server) homeroomBook(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cy, err := s.app.ClassBook(r.Context(), p, id)
	if err != nil {
		return err
	}
	d := s.bookOf(&cy, p)
	if sigs, err := s.app.ClassSignatures(r.Context(), p, id); err == nil {
		pick := func(k string) *sdgdt.Signature {
			if sg, ok := sigs[k]; ok {
				return &sg
			}
			return nil
		}
		for i := range d.Subjects {
			for t := range d.Subjects[i].Terms {
				bt := &d.Subjects[i].Terms[t]
				bt.Sig = pick("sheet:" + d.Subjects[i].Code + "." + bt.Term)
			}
		}
		for _, term := range app.ClassTerms {
			q := "?term=" + term
			d.Sigs = append(d.Sigs, bookSig{Term: term, Name: app.ClassTermName(term), Homeroom: pick("homeroom:" + term), Book: pick("book:" + term),
				HomeroomHref: "/signing/homeroom/" + strconv.FormatInt(id, 10) + q, Href: "/signing/book/" + strconv.FormatInt(id, 10) + q})
		}
	}
	return s.render(w, r, http.StatusOK, "homeroom_book", &Page{Title: "Sổ theo dõi và đánh giá học sinh lớp " + cy.Class.Name, Active: "class", Data: d})
}

func (s *Server) bookOf(cy *app.ClassYear, p *app.Principal) bookData {
	d := bookData{Head: s.hrHeadOf(cy, p, "book", ""), Unit: cy.Unit.Name, RuleSet: cy.RuleSet.Name, Pupils: cy.Pupils, Awards: cy.RuleSet.Awards}
	for j, sub := range cy.Subjects {
		bs := bookSubject{YearSubject: sub, N: j + 1}
		for k := 0; k < sub.RegularCount; k++ {
			bs.Labels = append(bs.Labels, "ĐĐGtx"+strconv.Itoa(k+1))
		}
		for t, term := range [2]string{"hk1", "hk2"} {
			bt := bookTerm{Term: term, Name: app.SheetTermName(term), Teacher: sub.Teachers[t], HK2: t == 1, Rows: make([]bookRow, len(cy.Pupils))}
			for i := range cy.Pupils {
				v := &cy.Pupils[i]
				cells := v.Cells[sub.Code][term]
				row := &bt.Rows[i]
				row.N, row.Name = v.N, v.Pupil.FullName()
				row.Regular = make([]string, sub.RegularCount)
				for k := range row.Regular {
					row.Regular[k] = app.MarkText("", cells["regular["+strconv.Itoa(k)+"]"])
				}
				row.Mid, row.Final = app.MarkText("", cells["midterm"]), app.MarkText("", cells["final"])
				row.Avg = avgText(v.Mark(j, term))
				row.Missing = len(v.MissingIn(j, term)) > 0
				if t == 1 {
					row.Year = avgText(v.Mark(j, "year"))
					if rt := v.Subjects[j].Retest; rt.Known() {
						row.Retest = rt.String()
					}
				}
				row.Note = cells["exemption"]
				if row.Note != "" {
					row.Note = "Miễn thực hành: " + row.Note
				}
				if v.NotAssessedIn(j) {
					row.Note = strings.TrimPrefix(row.Note+"; "+app.NotAssessedName+" (quyết định của Hiệu trưởng)", "; ")
				}
			}
			bs.Terms = append(bs.Terms, bt)
		}
		d.Subjects = append(d.Subjects, bs)
		d.Short = append(d.Short, ovSubject{YearSubject: sub, Short: shortName(sub.Code)})
	}
	for _, term := range app.ClassTerms {
		sum := bookSummary{Term: term, Title: "Tổng hợp kết quả đánh giá " + termLower(term)}
		var rr []resultRow
		for i := range cy.Pupils {
			v := &cy.Pupils[i]
			tr := v.Term(term)
			row := ovRow{V: v, Learning: tr.Learning, Conduct: tr.Conduct}
			if tr.AdjustedFor != "" {
				row.Adjusted = assess.SubjectName(tr.AdjustedFor)
			}
			for j := range cy.Subjects {
				if v.NotAssessedIn(j) {
					row.Cells = append(row.Cells, ovCell{Text: "KĐG"})
					continue
				}
				m := v.Mark(j, term)
				row.Cells = append(row.Cells, ovCell{Text: avgText(m), Missing: !m.Known()})
			}
			rr = append(rr, resultRow{Learning: tr.Learning, Conduct: tr.Conduct})
			if term == "year" {
				y := &v.Result.Year
				d.Year = append(d.Year, bookYearRow{ovRow: row, LearningFinal: y.LearningFinal, ConductFinal: y.ConductFinal,
					Promotion: assess.PromotionName(y.Promotion, cy.Class.Grade), Award: assess.AwardName(y.Award)})
				continue
			}
			sum.Rows = append(sum.Rows, row)
		}
		sum.Learning = countLevels(rr, func(r *resultRow) assess.Level { return r.Learning })
		sum.Conduct = countLevels(rr, func(r *resultRow) assess.Level { return r.Conduct })
		d.Summaries = append(d.Summaries, sum)
	}
	d.Lists, _ = yearLists(cy)
	return d
}
