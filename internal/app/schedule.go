package app

import (
	"context"
	"fmt"
	"time"

	"sdgdt"
	"sdgdt/internal/store"
)

// The school's own entry schedule: by which day each assessment of a
// term or assessment point is due. Without a date of its own an assessment is
// due by the default (defaultDue). The dates drive the progress ratings and
// the deadlines on the home pages (progressRows).

// ScheduleEntry is one assessment of a term with its due date.
type ScheduleEntry struct {
	Item    string // regular[0]…, midterm, final; level, test
	Label   string
	Due     time.Time // the school's date, or the default
	Default time.Time
	Own     bool // set by the school
}

// ScheduleTerm is a term's (or an assessment point's) entries.
type ScheduleTerm struct {
	Term    string
	Name    string
	Entries []ScheduleEntry
}

// ScheduleView is a school's entry schedule of the current year.
type ScheduleView struct {
	School  sdgdt.School
	Year    sdgdt.SchoolYear
	Terms   []ScheduleTerm
	CanEdit bool
}

// scheduleRegular is how many regular assessments the schedule lists per
// semester: the most a subject has (4, for more than 70 periods a year).
const scheduleRegular = 4

// Schedule returns a school's entry schedule for whoever sees its progress
// or may set it.
func (a *App) Schedule(ctx context.Context, p *Principal, schoolID int64) (ScheduleView, error) {
	var v ScheduleView
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if v.School, err = tx.School(schoolID); err != nil {
			return err
		}
		t := SchoolTarget(v.School)
		v.CanEdit = Can(p, ActLock, t) || Can(p, ActManageSchool, t)
		if !v.CanEdit && !Can(p, ActViewProgress, t) {
			return forbidden()
		}
		if v.Year, err = tx.CurrentYear(); err != nil {
			return err
		}
		own, err := tx.EntrySchedule(schoolID, v.Year.ID)
		if err != nil {
			return err
		}
		primary, secondary, err := schoolLevels(tx, v.School, v.Year)
		if err != nil {
			return err
		}
		var terms []string
		if secondary {
			terms = append(terms, "hk1", "hk2")
		}
		if primary {
			terms = append(terms, "gk1", "ck1", "gk2", "cn")
		}
		for _, term := range terms {
			st := ScheduleTerm{Term: term, Name: ClassTermName(term)}
			def := defaultDue(v.Year, term, scheduleRegular)
			items := []string{"level", "test"}
			if term == "hk1" || term == "hk2" {
				items = nil
				for i := 0; i < scheduleRegular; i++ {
					items = append(items, fmt.Sprintf("regular[%d]", i))
				}
				items = append(items, "midterm", "final")
			}
			for _, it := range items {
				e := ScheduleEntry{Item: it, Label: FieldLabel(it), Due: def[it], Default: def[it]}
				for _, o := range own {
					if o.Term == term && o.Item == it {
						e.Due, e.Own = o.DueOn, true
					}
				}
				st.Entries = append(st.Entries, e)
			}
			v.Terms = append(v.Terms, st)
		}
		return nil
	})
	return v, err
}

// schoolLevels reports whether a school teaches primary and secondary
// classes this year (by its classes, else by its kind).
func schoolLevels(tx *store.Tx, s sdgdt.School, y sdgdt.SchoolYear) (primary, secondary bool, err error) {
	cs, err := tx.ClassesOf(s.ID, y.ID)
	if err != nil {
		return false, false, err
	}
	for _, c := range cs {
		if sdgdt.SheetKindOf(c.Ruleset) == sdgdt.SheetPrimary {
			primary = true
		} else {
			secondary = true
		}
	}
	if len(cs) == 0 {
		primary = s.Kind == "th" || s.Kind == "th_thcs" || s.Kind == "th_thcs_thpt"
		secondary = s.Kind != "th"
	}
	return primary, secondary, nil
}
