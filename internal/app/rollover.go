package app

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"sdgdt"
	"sdgdt/internal/store"
)

// RolloverClass is a class of the new school year as the rollover plans it.
type RolloverClass struct {
	Name       string
	Grade      int
	Ruleset    string
	FromClass  string // the class it continues, "" for one made for retained pupils
	HomeroomID int64
	Homeroom   string
	Pupils     []RolloverPupil
}

// RolloverPupil is one pupil's place in the plan.
type RolloverPupil struct {
	PupilID   int64
	Name      string
	FromClass string
	Decision  string // promoted, retained, undecided
}

// RolloverPlan is the preview of a year rollover: every class of the new year
// with its pupils, the pupils who finish the school, and warnings.
type RolloverPlan struct {
	School     sdgdt.School
	From, To   sdgdt.SchoolYear
	Classes    []RolloverClass
	Leaving    []RolloverPupil // final grade: they leave the school
	Undecided  int             // pupils without a stored promotion decision (they follow their class)
	Retained   int
	Promoted   int
	Assignment string
}

var gradePrefix = regexp.MustCompile(`^(\d{1,2})(.*)$`)

// finalGrade is the last grade a school of that kind teaches.
func finalGrade(kind string) int {
	switch kind {
	case "th":
		return 5
	case "thcs", "th_thcs":
		return 9
	}
	return 12
}

// advanceName turns a class name of one grade into the next: 6A1 → 7A1.
func advanceName(name string, grade int) string {
	if m := gradePrefix.FindStringSubmatch(name); m != nil {
		if g, _ := strconv.Atoi(m[1]); g == grade {
			return strconv.Itoa(grade+1) + m[2]
		}
	}
	return name + " (" + strconv.Itoa(grade+1) + ")"
}

// rulesetFor is the rule set of a grade in a school whose class had ruleset.
func rulesetFor(grade int, old string) string {
	switch {
	case grade <= 5:
		return "tt27"
	case old == "tt43":
		return "tt43"
	}
	return "tt22"
}

// PlanRollover builds, without writing anything, the next school year of a
// school from the current one: classes advance a grade, promoted pupils follow,
// retained pupils stay in their grade, final grades leave, and teaching
// assignments start empty.
func (a *App) PlanRollover(ctx context.Context, p *Principal, schoolID, toYearID int64) (RolloverPlan, error) {
	var plan RolloverPlan
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		plan, err = a.planRollover(tx, p, schoolID, toYearID)
		return err
	})
	return plan, err
}

func (a *App) planRollover(tx *store.Tx, p *Principal, schoolID, toYearID int64) (RolloverPlan, error) {
	var plan RolloverPlan
	s, err := tx.School(schoolID)
	if err != nil {
		return plan, err
	}
	if !Can(p, ActManageSchool, SchoolTarget(s)) {
		return plan, forbidden()
	}
	plan.School = s
	if plan.From, err = tx.CurrentYear(); err != nil {
		return plan, err
	}
	if plan.To, err = schoolYear(tx, toYearID); err != nil {
		return plan, sdgdt.Invalid(map[string]string{"to_year": "Chọn năm học mới."})
	}
	if !plan.To.StartsOn.After(plan.From.StartsOn) {
		return plan, sdgdt.Invalid(map[string]string{"to_year": "Năm học mới phải sau năm học " + plan.From.Name + "."})
	}
	existing, err := tx.ClassesOf(schoolID, plan.To.ID)
	if err != nil {
		return plan, err
	}
	if len(existing) > 0 {
		return plan, &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: fmt.Sprintf("Năm học %s của trường đã có %d lớp: việc lên lớp đã được thực hiện, không làm lại.", plan.To.Name, len(existing))}
	}
	classes, err := tx.ClassesOf(schoolID, plan.From.ID)
	if err != nil {
		return plan, err
	}
	if len(classes) == 0 {
		return plan, sdgdt.Invalid(map[string]string{"from_year": "Năm học " + plan.From.Name + " của trường chưa có lớp nào."})
	}
	decisions, err := tx.Promotions(schoolID, plan.From.ID)
	if err != nil {
		return plan, err
	}
	final := finalGrade(s.Kind)
	byName := map[string]*RolloverClass{}
	var order []string
	get := func(name string, grade int, ruleset, from string, homeroom int64, hrName string) *RolloverClass {
		if c, ok := byName[name]; ok {
			return c
		}
		c := &RolloverClass{Name: name, Grade: grade, Ruleset: ruleset, FromClass: from, HomeroomID: homeroom, Homeroom: hrName}
		byName[name] = c
		order = append(order, name)
		return c
	}
	// First the classes that continue, so that retained pupils join them.
	for _, c := range classes {
		if c.Grade < final {
			get(advanceName(c.Name, c.Grade), c.Grade+1, rulesetFor(c.Grade+1, c.Ruleset), c.Name, c.HomeroomID, c.HomeroomName)
		}
	}
	for _, c := range classes {
		roster, err := tx.ClassRoster(c.ID, false)
		if err != nil {
			return plan, err
		}
		for _, r := range roster {
			rp := RolloverPupil{PupilID: r.Pupil.ID, Name: r.Pupil.FullName(), FromClass: c.Name}
			switch decisions[r.Pupil.ID] {
			case "promoted":
				rp.Decision = "promoted"
			case "retained":
				rp.Decision = "retained"
			default:
				rp.Decision = "undecided"
				plan.Undecided++
			}
			if rp.Decision == "retained" {
				plan.Retained++
				nc := get(c.Name, c.Grade, c.Ruleset, "", 0, "")
				nc.Pupils = append(nc.Pupils, rp)
				continue
			}
			if rp.Decision == "promoted" {
				plan.Promoted++
			}
			if c.Grade >= final {
				plan.Leaving = append(plan.Leaving, rp)
				continue
			}
			nc := byName[advanceName(c.Name, c.Grade)]
			nc.Pupils = append(nc.Pupils, rp)
		}
	}
	for _, name := range order {
		plan.Classes = append(plan.Classes, *byName[name])
	}
	sort.SliceStable(plan.Classes, func(i, j int) bool {
		if plan.Classes[i].Grade != plan.Classes[j].Grade {
			return plan.Classes[i].Grade < plan.Classes[j].Grade
		}
		return plan.Classes[i].Name < plan.Classes[j].Name
	})
	return plan, nil
}

// CommitRollover carries out the plan in one transaction: the plan is computed
// again inside it, so what is committed is what the data says at that moment.
func (a *App) CommitRollover(ctx context.Context, p *Principal, schoolID, toYearID int64) (RolloverPlan, error) {
	var plan RolloverPlan
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		var err error
		if plan, err = a.planRollover(tx, p, schoolID, toYearID); err != nil {
			return err
		}
		old, err := tx.ClassesOf(schoolID, plan.From.ID)
		if err != nil {
			return err
		}
		subjectsOf := map[string][]sdgdt.ClassSubject{}
		for _, c := range old {
			subjectsOf[c.Name], err = tx.ClassSubjects(c.ID)
			if err != nil {
				return err
			}
		}
		if err := tx.FinishEnrolmentsOfYear(schoolID, plan.From.ID, plan.From.EndsOn.Format("2006-01-02")); err != nil {
			return err
		}
		counts := map[string]int{}
		for _, rc := range plan.Classes {
			c := sdgdt.Class{SchoolID: schoolID, SchoolYearID: plan.To.ID, Grade: rc.Grade, Name: rc.Name, Ruleset: rc.Ruleset, HomeroomID: rc.HomeroomID}
			if err := tx.CreateClass(&c); err != nil {
				return err
			}
			// The curriculum of the new grade: the programme's defaults, with the
			// periods the school set for the same subject last year where it had them.
			last := map[string]int{}
			for _, cs := range subjectsOf[rc.Name] {
				last[cs.Subject] = cs.PeriodsPerYear
			}
			for _, cs := range DefaultCurriculum(rc.Grade, rc.Ruleset) {
				cs.ClassID, cs.SchoolID = c.ID, schoolID
				if rc.FromClass == "" && last[cs.Subject] > 0 {
					cs.PeriodsPerYear = last[cs.Subject]
				}
				if err := tx.SetClassSubject(cs); err != nil {
					return err
				}
			}
			for _, rp := range rc.Pupils {
				e := sdgdt.Enrolment{SchoolID: schoolID, SchoolYearID: plan.To.ID, ClassID: c.ID, PupilID: rp.PupilID, Status: sdgdt.EnrolStudying, From: plan.To.StartsOn}
				if err := tx.Enrol(&e); err != nil {
					return err
				}
			}
			counts[rc.Name] = len(rc.Pupils)
		}
		return record(tx, p, sdgdt.ActSchoolRollover, "school", idStr(schoolID), plan.School.ID, plan.School.UnitPath,
			map[string]any{"from_year": plan.From.Name}, map[string]any{"to_year": plan.To.Name, "classes": counts, "leaving": len(plan.Leaving),
				"retained": plan.Retained, "undecided": plan.Undecided})
	})
	return plan, err
}
