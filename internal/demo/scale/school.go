package scale

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/audit"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
)

// gradesOf are the grades a school of a kind teaches in the data set.
func gradesOf(kind string) []int {
	lo, hi := app.GradeRange(kind)
	if kind == "gdnn_gdtx" {
		lo = 10 // the centres' GDTX programme: grades 10-12
	}
	var out []int
	for g := lo; g <= hi; g++ {
		out = append(out, g)
	}
	return out
}

// class is a class being generated.
type class struct {
	c        sdgdt.Class
	subjects []sdgdt.ClassSubject
	terms    []string
	sheets   map[string]*sdgdt.Sheet // subject + "/" + term
	teacher  map[string]int64        // subject + "/" + term → teacher
	tp       map[string]*teacher     // the same while ids are not assigned
	hr       *teacher                // the homeroom teacher
	pupils   []int                   // indexes into school.pupils
}

// teacher is a teacher being planned.
type teacher struct {
	u        sdgdt.User
	load     int
	homeroom bool
}

// pupil is a pupil being generated: his profile, his classes (a second one
// after a class move), when he left, his ability.
type pupil struct {
	p        sdgdt.Pupil
	from, to *class // to: the class moved to, from the start of semester II
	left     bool   // left school during semester II
	ability  float64
}

// termsOf returns the terms (or primary assessment points) of a rule set.
func termsOf(ruleset string) []string {
	if ruleset == "tt27" {
		return []string{assess.PointGK1, assess.PointCK1, assess.PointGK2, assess.PointCN}
	}
	return []string{"hk1", "hk2"}
}

// secondHalf reports whether a term falls after the class moves and leavings
// (semester II).
func secondHalf(term string) bool {
	return term == "hk2" || term == assess.PointGK2 || term == assess.PointCN
}

var specialists = map[string]bool{"ngoai_ngu_1": true, "gdtc": true, "am_nhac": true, "mi_thuat": true, "tin_hoc_cong_nghe": true}

// school generates one school's year.
func (b *builder) school(p schoolPlan) (*store.BulkSchool, error) {
	r := rand.New(rand.NewPCG(p.seed, 99))
	s := p.school
	y := b.year
	bs := &store.BulkSchool{SchoolID: s.ID, SchoolYearID: y.ID, Via: app.ViaImport, Reason: "Dữ liệu mẫu quy mô tỉnh",
		RequestID: "scale:" + s.Code}
	grades := gradesOf(s.Kind)
	// Size: 300-1,200 pupils (most schools nearer the lower end), classes of
	// 35-45; GDNN-GDTX centres are smaller (classes of 25-40).
	target := 300 + 900*math.Pow(r.Float64(), 2.5)
	lo, hi := 35, 45
	if s.Kind == "gdnn_gdtx" {
		target, lo, hi = 120+260*r.Float64(), 25, 40
	}
	perGrade := max(1, int(math.Round(target/float64(len(grades))/40)))
	var classes []*class
	for _, g := range grades {
		for k := 0; k < perGrade; k++ {
			name := fmt.Sprintf("%d%c", g, 'A'+k)
			if g >= 6 {
				name = fmt.Sprintf("%dA%d", g, k+1)
			}
			rs := app.RulesetFor(s.Kind, g)
			c := &class{c: sdgdt.Class{SchoolID: s.ID, SchoolYearID: y.ID, Grade: g, Name: name, Ruleset: rs},
				terms: termsOf(rs), sheets: map[string]*sdgdt.Sheet{}, teacher: map[string]int64{}, tp: map[string]*teacher{}}
			classes = append(classes, c)
		}
	}
	cid := b.alloc("classes", len(classes))
	for i, c := range classes {
		c.c.ID = cid + int64(i)
		for _, cs := range app.DefaultCurriculum(c.c.Grade, c.c.Ruleset) {
			cs.ClassID, cs.SchoolID = c.c.ID, s.ID
			c.subjects = append(c.subjects, cs)
			bs.Subjects = append(bs.Subjects, cs)
		}
	}
	// Teachers: in primary the homeroom teacher teaches the class's subjects
	// but the specialists'; in secondary a teacher takes a subject in up to
	// five classes. Homeroom teachers are chosen among them.
	var teachers []*teacher
	used := map[string]bool{}
	newTeacher := func() *teacher {
		per := demo.NewPerson(r)
		un := p.pre + "." + demo.ASCII(per.Given+per.Family)
		for n := 2; used[un]; n++ {
			un = fmt.Sprintf("%s.%s%d", p.pre, demo.ASCII(per.Given+per.Family), n)
		}
		used[un] = true
		t := &teacher{u: sdgdt.User{Username: un, FullName: per.Full(), HomeKind: sdgdt.ScopeSchool, HomeID: s.ID, PasswordHash: b.hash}}
		teachers = append(teachers, t)
		return t
	}
	current := map[string]*teacher{} // subject (and band) → teacher taking classes
	for _, c := range classes {
		var hr *teacher
		if c.c.Ruleset == "tt27" {
			hr = newTeacher()
		}
		for _, cs := range c.subjects {
			var t *teacher
			if c.c.Ruleset == "tt27" && !specialists[cs.Subject] {
				t = hr
			} else {
				band := cs.Subject
				if c.c.Ruleset != "tt27" {
					band += strconv.Itoa((c.c.Grade + 1) / 2)
				}
				t = current[band]
				if t == nil || t.load >= 5 {
					t = newTeacher()
					current[band] = t
				}
				t.load++
			}
			if hr == nil && !t.homeroom && !specialists[cs.Subject] && cs.AssessedBy == "score" {
				hr = t
			}
			for _, term := range c.terms {
				c.tp[cs.Subject+"/"+term] = t
			}
		}
		if hr == nil {
			hr = newTeacher()
		}
		hr.homeroom = true
		c.hr = hr
	}
	uid := b.alloc("users", len(teachers))
	for i, t := range teachers {
		t.u.ID = uid + int64(i)
		bs.Users = append(bs.Users, t.u)
	}
	sheetsOf := func(c *class) []*sdgdt.Sheet {
		var out []*sdgdt.Sheet
		for _, cs := range c.subjects {
			for _, term := range c.terms {
				out = append(out, &sdgdt.Sheet{SchoolID: s.ID, SchoolYearID: y.ID, ClassID: c.c.ID, Subject: cs.Subject, Term: term, Kind: sdgdt.SheetKindOf(c.c.Ruleset)})
			}
		}
		if c.c.Ruleset == "tt27" {
			for _, point := range c.terms {
				out = append(out, &sdgdt.Sheet{SchoolID: s.ID, SchoolYearID: y.ID, ClassID: c.c.ID, Subject: sdgdt.PCNLSubject, Term: point, Kind: sdgdt.SheetPrimaryPCNL})
			}
		}
		return out
	}
	nSheets := 0
	for _, c := range classes {
		c.c.HomeroomID = c.hr.u.ID
		for k, t := range c.tp {
			c.teacher[k] = t.u.ID
		}
		for _, sh := range sheetsOf(c) {
			c.sheets[sh.Subject+"/"+sh.Term] = sh
			nSheets++
		}
		for _, cs := range c.subjects {
			for _, term := range c.terms {
				bs.Assignments = append(bs.Assignments, sdgdt.Assignment{SchoolID: s.ID, ClassID: c.c.ID, Subject: cs.Subject, Term: term, TeacherID: c.teacher[cs.Subject+"/"+term]})
			}
		}
		bs.Classes = append(bs.Classes, c.c)
	}
	shid := b.alloc("sheets", nSheets)
	for _, c := range classes {
		for _, cs := range c.subjects {
			for _, term := range c.terms {
				sh := c.sheets[cs.Subject+"/"+term]
				sh.ID, shid = shid, shid+1
			}
		}
		if c.c.Ruleset == "tt27" {
			for _, point := range c.terms {
				sh := c.sheets[sdgdt.PCNLSubject+"/"+point]
				sh.ID, shid = shid, shid+1
			}
		}
	}
	// Pupils, with an identity number unique in the province.
	var pupils []*pupil
	for _, c := range classes {
		n := lo + r.IntN(hi-lo+1)
		for k := 0; k < n; k++ {
			in := demo.NewPupil(r, c.c.Grade)
			pp, fields := in.ToPupil(b.a.DB.Now())
			if len(fields) > 0 {
				return nil, fmt.Errorf("học sinh mẫu không hợp lệ: %v", fields)
			}
			pp.SchoolID = s.ID
			pp.IdentityNumber = b.identity(pp.IdentityNumber[:6])
			ability := clamp(7.0+1.15*r.NormFloat64(), 3.0, 9.7)
			if c.c.Ruleset == "tt27" {
				ability = r.NormFloat64()
			}
			c.pupils = append(c.pupils, len(pupils))
			pupils = append(pupils, &pupil{p: pp, from: c, ability: ability})
		}
	}
	pid := b.alloc("pupils", len(pupils))
	for i, pu := range pupils {
		pu.p.ID = pid + int64(i)
		bs.Pupils = append(bs.Pupils, pu.p)
	}
	// Movements: in about one class of three a pupil leaves school in
	// semester II; in one of four a pupil moves to another class of the
	// grade at its start.
	hk2, leftOn := y.HK2Starts, y.HK2Starts.AddDate(0, 1, 2)
	for ci, c := range classes {
		if len(c.pupils) < 3 {
			continue
		}
		if r.IntN(3) == 0 {
			pu := pupils[c.pupils[r.IntN(len(c.pupils))]]
			if !pu.left && pu.to == nil {
				pu.left = true
				bs.Movements = append(bs.Movements, sdgdt.Movement{SchoolID: s.ID, PupilID: pu.p.ID, Kind: "leave", On: leftOn, FromClassID: c.c.ID,
					Reason: []string{"Gia đình chuyển nơi ở", "Hoàn cảnh gia đình khó khăn", "Sức khỏe không đảm bảo"}[r.IntN(3)], Status: "done", RequestedBy: c.c.HomeroomID})
			}
		}
		if r.IntN(4) == 0 {
			var other *class
			for _, o := range classes {
				if o != c && o.c.Grade == c.c.Grade {
					other = o
				}
			}
			pu := pupils[c.pupils[r.IntN(len(c.pupils))]]
			if other != nil && !pu.left && pu.to == nil {
				pu.to = other
				bs.Movements = append(bs.Movements, sdgdt.Movement{SchoolID: s.ID, PupilID: pu.p.ID, Kind: "class_move", On: hk2, FromClassID: c.c.ID, ToClassID: other.c.ID,
					Reason: "Theo nguyện vọng của gia đình", Status: "done", RequestedBy: c.c.HomeroomID})
			}
		}
		_ = ci
	}
	for _, pu := range pupils {
		e := sdgdt.Enrolment{SchoolID: s.ID, SchoolYearID: y.ID, ClassID: pu.from.c.ID, PupilID: pu.p.ID, Status: sdgdt.EnrolStudying, From: y.StartsOn}
		switch {
		case pu.left:
			e.Status, e.To = sdgdt.EnrolLeft, leftOn
		case pu.to != nil:
			e.Status, e.To = sdgdt.EnrolMoved, hk2
		}
		bs.Enrolments = append(bs.Enrolments, e)
		if pu.to != nil {
			bs.Enrolments = append(bs.Enrolments, sdgdt.Enrolment{SchoolID: s.ID, SchoolYearID: y.ID, ClassID: pu.to.c.ID, PupilID: pu.p.ID, Status: sdgdt.EnrolStudying, From: hk2})
		}
	}
	// Marks, conduct and the inputs of the results.
	years := make([]sdgdt.PupilYear, 0, len(pupils))
	written := map[int64]bool{} // sheets written through
	for _, pu := range pupils {
		last := pu.from
		if pu.to != nil {
			last = pu.to
		}
		py := sdgdt.PupilYear{PupilID: pu.p.ID, Class: last.c, Subjects: last.subjects, Conduct: map[string]string{}, Retests: map[string]string{}}
		leaning := map[string]float64{}
		for _, term := range last.terms {
			if pu.left && secondHalf(term) {
				continue
			}
			c := pu.from
			if pu.to != nil && secondHalf(term) {
				c = pu.to
			}
			add := func(subject, field, v string) {
				sh := c.sheets[subject+"/"+term]
				by := c.teacher[subject+"/"+term]
				if subject == sdgdt.PCNLSubject {
					by = c.c.HomeroomID
				}
				written[sh.ID] = true
				bs.Marks = append(bs.Marks, store.BulkMark{SheetID: sh.ID, PupilID: pu.p.ID, Subject: subject, Term: term, Field: field, Value: v, By: by})
				if field != "comment" {
					py.Cells = append(py.Cells, sdgdt.Cell{PupilID: pu.p.ID, Subject: subject, Term: term, Field: field, Value: v, SheetID: sh.ID, SheetVersion: 1})
				}
			}
			if c.c.Ruleset == "tt27" {
				primaryMarks(r, c, pu, term, leaning, add)
				continue
			}
			secondaryMarks(r, c, pu, term, leaning, add)
			x := r.Float64() - (pu.ability-6.9)*0.05
			lv := "T"
			switch {
			case x > 0.985:
				lv = "CD"
			case x > 0.92:
				lv = "D"
			case x > 0.7:
				lv = "K"
			}
			bs.Conduct = append(bs.Conduct, sdgdt.Conduct{SchoolID: s.ID, SchoolYearID: y.ID, PupilID: pu.p.ID, Term: term, ClassID: c.c.ID, Level: lv, ChangedBy: c.c.HomeroomID})
			py.Conduct[term] = lv
		}
		years = append(years, py)
	}
	for _, c := range classes {
		for _, sh := range c.sheets {
			if written[sh.ID] {
				sh.Version = 1
			}
			bs.Sheets = append(bs.Sheets, *sh)
		}
	}
	bs.Results, bs.PrimaryResults = app.EvaluateYears(s.ID, y.ID, 1, years)
	// The audit entry: the pupils' identities and the digest of the cells.
	after := auditAfter{Source: "sdgdt demo --scale", SchoolYearID: y.ID, Classes: len(classes), Teachers: len(teachers), Sheets: len(bs.Sheets),
		Pupils: make(map[string]auditPupil, len(pupils)), Marks: len(bs.Marks), MarksSHA256: store.MarksDigest(bs.Marks),
		Conduct: len(bs.Conduct), Movements: len(bs.Movements), Results: len(bs.Results)}
	for _, pu := range pupils {
		after.Pupils[itoa(pu.p.ID)] = auditPupil{FullName: pu.p.FullName(), IdentityNumber: pu.p.IdentityNumber, ClassID: pu.from.c.ID}
	}
	js, err := json.Marshal(after)
	if err != nil {
		return nil, err
	}
	bs.Audit = &audit.Entry{Chain: audit.ChainFor(s.ID), ActorName: b.sys.User.FullName, Action: string(sdgdt.ActSchoolBulkLoad), ObjectKind: "school",
		ObjectID: itoa(s.ID), SchoolID: s.ID, UnitPath: s.UnitPath, After: string(js), IP: "", RequestID: bs.RequestID}
	return bs, nil
}

// secondaryMarks draws a pupil's marks of a semester: each subject's regular
// marks, midterm and final around the pupil's ability and his leaning in the
// subject (Đ/CĐ for subjects assessed by comment), a comment now and then.
func secondaryMarks(r *rand.Rand, c *class, pu *pupil, term string, leaning map[string]float64, add func(subject, field, v string)) {
	rs, _ := assess.Lookup(c.c.Ruleset)
	for _, cs := range c.subjects {
		if cs.AssessedBy != "score" && cs.AssessedBy != "comment" {
			continue
		}
		l, ok := leaning[cs.Subject]
		if !ok {
			l = 0.6 * r.NormFloat64()
			leaning[cs.Subject] = l
		}
		lvl := pu.ability + l
		if term == "hk2" {
			lvl += 0.3
		}
		n := rs.RegularCount(assess.AssessedBy(cs.AssessedBy), cs.PeriodsPerYear)
		for k := 0; k < n; k++ {
			add(cs.Subject, "regular["+strconv.Itoa(k)+"]", markFor(r, cs.AssessedBy, lvl, 1.1, k%2 == 0))
		}
		add(cs.Subject, "midterm", markFor(r, cs.AssessedBy, lvl, 0.9, false))
		add(cs.Subject, "final", markFor(r, cs.AssessedBy, lvl, 0.9, false))
		if r.IntN(10) == 0 {
			add(cs.Subject, "comment", demo.Comment(cs.AssessedBy, lvl, r.IntN(3)))
		}
	}
}

// primaryMarks draws a primary pupil's levels (T, H, C) and test scores at
// an assessment point, and his qualities and competencies (T, Đ, C).
func primaryMarks(r *rand.Rand, c *class, pu *pupil, point string, leaning map[string]float64, add func(subject, field, v string)) {
	for _, cs := range c.subjects {
		if cs.AssessedBy != "level" {
			continue
		}
		l, ok := leaning[cs.Subject]
		if !ok {
			l = 0.2 * r.NormFloat64()
			leaning[cs.Subject] = l
		}
		// A pupil's levels follow his ability closely: the year results
		// (HTXS, HTT, HT, CHT) need every subject and quality at a level.
		x := pu.ability + l + 0.25*r.NormFloat64()
		if point == assess.PointCK1 || point == assess.PointCN {
			x += 0.1
		}
		lv := "H"
		switch {
		case x > -0.2:
			lv = "T"
		case x < -2.3:
			lv = "C"
		}
		add(cs.Subject, "level", lv)
		if assess.PrimaryTestRequired(c.c.Grade, point, cs.Subject) {
			t := int(math.Round(clamp(7.9+1.25*x, 2, 10)))
			if lv == "C" {
				t = min(t, 4)
			}
			add(cs.Subject, "test", strconv.Itoa(t))
		}
	}
	for _, f := range app.PCNLFields() {
		if app.IsTextField(f) {
			continue
		}
		x := pu.ability + 0.3*r.NormFloat64()
		v := "D"
		switch {
		case x > -0.4:
			v = "T"
		case x < -2.6:
			v = "C"
		}
		add(sdgdt.PCNLSubject, f, v)
	}
}

// markFor draws a mark around lvl: a score (whole or half points), or Đ/CĐ.
func markFor(r *rand.Rand, by string, lvl, spread float64, whole bool) string {
	v := clamp(lvl+spread*r.NormFloat64(), 0, 10)
	if by == "comment" {
		if v < 3.2 && r.IntN(2) == 0 {
			return "CD"
		}
		return "D"
	}
	if whole {
		return strconv.Itoa(int(math.Round(v)))
	}
	h := math.Round(v*2) / 2
	if h == math.Trunc(h) {
		return strconv.Itoa(int(h))
	}
	return strconv.FormatFloat(h, 'f', 1, 64)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
