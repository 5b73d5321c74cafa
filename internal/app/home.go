package app

import (
	"cmp"
	"context"
	"slices"
	"time"

	"sdgdt"
	"sdgdt/internal/store"
)

// HomeView is the first page a person sees: what is his to do next, by role.
// Every part is filled only for whoever may act on it, so that no link on the
// page leads to a refusal.
type HomeView struct {
	Year          sdgdt.SchoolYear
	Sheets        []HomeSheet        // subject teacher: his sheets, the least complete first
	Deadlines     []HomeDeadline     // his assessments due in the next 30 days
	MyCorrections []sdgdt.Correction // the corrections he asked for, still open or decided lately
	Classes       []HomeClass        // homeroom teacher: his classes
	Schools       []HomeSchool       // leader, board: their schools
	Units         []sdgdt.RoleRef    // unit roles: the unit's dashboards
	UnitStats     []HomeUnit         // the units whose statistics p may see, with their main figures
}

// HomeUnit is a unit of p's with the main figures of its dashboard.
type HomeUnit struct {
	ID      int64
	Name    string
	Term    string
	Figures sdgdt.Figures
}

// HomeApproval is a class book proposed for approval, with how complete its
// sheets of the term are, so that the leader sees empty and incomplete
// sheets before approving.
type HomeApproval struct {
	ApprovalID int64
	ClassName  string
	Term       string
	Sheets     int
	Empty      []string      // subjects with nothing entered
	Incomplete []HomeMissing // subjects with cells still empty
}

// HomeSheet is one of a teacher's sheets with how complete it is.
type HomeSheet struct {
	ProgressRow
	NextDue time.Time // the next assessment due with cells still empty; zero if none
	// Signature is the sheet's signature state: "signed", "void" (changed
	// since: to sign again), "todo" (complete, waiting for his signature) or "".
	Signature string
}

// HomeDeadline is an assessment due soon on one of a teacher's sheets.
type HomeDeadline struct {
	SheetID   int64
	ClassName string
	Subject   string
	Label     string
	Due       time.Time
	Missing   int
}

// HomeClass is a homeroom teacher's class with what is still missing.
type HomeClass struct {
	ClassID   int64
	SchoolID  int64
	Name      string
	Missing   []HomeMissing // per subject and teacher, due already
	Confirmed bool          // last month's absences confirmed
	LastMonth string        // yyyy-mm
}

// HomeMissing is what a subject's teacher has still to enter in a class.
type HomeMissing struct {
	SubjectName string
	TeacherName string
	Missing     int
}

// HomeSchool is a leader's or board member's school with what waits on them.
type HomeSchool struct {
	School            sdgdt.School
	Rate              int // entry progress, in percent
	LateSheets        int
	ApprovalsToDecide int // proposals waiting for the leader
	ToDecide          int // correction requests waiting for the leader
	ToWitness         int // approved corrections waiting for witnesses
	CanApprove        bool
	Approvals         []HomeApproval // the proposals waiting, with their books' completeness
	CanSchedule       bool           // may set the school's entry schedule
	NextDue           time.Time      // the school's next entry deadline with cells still empty
	NextDueLabel      string
	CanStats          bool // may see the school's statistics
}

// Home returns what p has to do next.
func (a *App) Home(ctx context.Context, p *Principal) (HomeView, error) {
	var v HomeView
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		y, err := tx.CurrentYear()
		if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
			return nil // no school year yet: nothing to do
		}
		if err != nil {
			return err
		}
		v.Year = y
		schools := map[int64]bool{}
		var order []int64
		for _, r := range p.Roles {
			if r.ScopeKind == sdgdt.ScopeUnit {
				v.Units = append(v.Units, r)
				continue
			}
			if r.SchoolID != 0 && !schools[r.SchoolID] {
				schools[r.SchoolID] = true
				order = append(order, r.SchoolID)
			}
		}
		soon := tx.Now.AddDate(0, 0, 30)
		for _, id := range order {
			s, err := tx.School(id)
			if err != nil {
				return err
			}
			rows, err := a.progressRows(tx, s.ID, y, tx.Now)
			if err != nil {
				return err
			}
			signed, err := tx.SheetSignatureStates(s.ID)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if r.TeacherID != p.User.ID {
					continue
				}
				hs := HomeSheet{ProgressRow: r}
				switch valid, ok := signed[r.SheetID]; {
				case ok && valid:
					hs.Signature = "signed"
				case ok:
					hs.Signature = "void"
				case r.Required > 0 && r.Entered >= r.Required && len(r.Upcoming) == 0:
					hs.Signature = "todo" // every assessment of the term entered
				}
				for _, u := range r.Upcoming {
					if hs.NextDue.IsZero() || u.Due.Before(hs.NextDue) {
						hs.NextDue = u.Due
					}
					if u.Due.Before(soon) {
						v.Deadlines = append(v.Deadlines, HomeDeadline{SheetID: r.SheetID, ClassName: r.ClassName, Subject: r.SubjectName, Label: u.Label, Due: u.Due, Missing: u.Missing})
					}
				}
				v.Sheets = append(v.Sheets, hs)
			}
			if err := a.homeClasses(tx, p, s, y, rows, &v); err != nil {
				return err
			}
			corrections, err := tx.CorrectionsOf(s.ID)
			if err != nil {
				return err
			}
			for _, c := range corrections {
				if c.RequestedBy == p.User.ID && (c.Status == "requested" || c.Status == "approved" || tx.Now.Sub(c.RequestedAt) < 30*24*time.Hour) {
					v.MyCorrections = append(v.MyCorrections, c)
				}
			}
			t := SchoolTarget(s)
			if !Can(p, ActViewProgress, t) {
				continue
			}
			hs := HomeSchool{School: s, CanApprove: Can(p, ActApprove, t)}
			var required, entered int
			for _, r := range rows {
				required += r.Required
				entered += r.Entered
				if len(r.Late) > 0 {
					hs.LateSheets++
				}
			}
			hs.Rate = rate(entered, required)
			hs.CanSchedule = Can(p, ActLock, t) || Can(p, ActManageSchool, t)
			hs.CanStats = Can(p, ActViewStatistics, t)
			for _, r := range rows {
				for _, u := range r.Upcoming {
					if hs.NextDue.IsZero() || u.Due.Before(hs.NextDue) {
						hs.NextDue, hs.NextDueLabel = u.Due, u.Label+" ("+ClassTermName(r.Term)+")"
					}
				}
			}
			if hs.CanApprove {
				aps, err := tx.ApprovalsOf(s.ID, y.ID)
				if err != nil {
					return err
				}
				for _, ap := range aps {
					if ap.Status == "proposed" {
						hs.ApprovalsToDecide++
						hs.Approvals = append(hs.Approvals, bookCompleteness(ap, rows))
					}
				}
			}
			for _, c := range corrections {
				switch c.Status {
				case "requested":
					if hs.CanApprove {
						hs.ToDecide++
					}
				case "approved":
					hs.ToWitness++
				}
			}
			v.Schools = append(v.Schools, hs)
		}
		return nil
	})
	if err != nil {
		return v, err
	}
	seen := map[int64]bool{}
	for _, r := range v.Units {
		u := sdgdt.Unit{ID: r.ScopeID, Path: r.Path}
		if seen[u.ID] || !CanViewStatistics(p, u) {
			continue
		}
		seen[u.ID] = true
		st, err := a.UnitStatistics(ctx, p, r.ScopeID, StatsQuery{})
		if err != nil {
			return v, err
		}
		v.UnitStats = append(v.UnitStats, HomeUnit{ID: st.Unit.ID, Name: st.Unit.Name, Term: st.Query.Term, Figures: st.Figures})
	}
	slices.SortStableFunc(v.Sheets, func(a, b HomeSheet) int { return cmp.Compare(a.Rate(), b.Rate()) })
	slices.SortFunc(v.Deadlines, func(a, b HomeDeadline) int { return a.Due.Compare(b.Due) })
	return v, err
}

// bookCompleteness says how complete the sheets of a proposed class book are.
func bookCompleteness(ap sdgdt.Approval, rows []ProgressRow) HomeApproval {
	h := HomeApproval{ApprovalID: ap.ID, ClassName: ap.ClassName, Term: ap.Term}
	for _, r := range rows {
		if r.ClassName != ap.ClassName || r.Term != ap.Term {
			continue
		}
		h.Sheets++
		missing, items := 0, len(r.Upcoming)
		for _, l := range r.Late {
			missing += l.Missing
		}
		for _, u := range r.Upcoming {
			missing += u.Missing
		}
		if r.Pupils > 0 {
			items += r.Required / r.Pupils
		}
		switch {
		case missing == 0:
		case r.Pupils > 0 && missing >= items*r.Pupils:
			h.Empty = append(h.Empty, r.SubjectName)
		default:
			h.Incomplete = append(h.Incomplete, HomeMissing{SubjectName: r.SubjectName, TeacherName: r.TeacherName, Missing: missing})
		}
	}
	return h
}

// homeClasses fills the classes p is the homeroom teacher of in school s.
func (a *App) homeClasses(tx *store.Tx, p *Principal, s sdgdt.School, y sdgdt.SchoolYear, rows []ProgressRow, v *HomeView) error {
	for _, r := range p.Roles {
		if r.Role != sdgdt.RoleHomeroom || r.SchoolID != s.ID {
			continue
		}
		c, err := tx.Class(r.ScopeID)
		if err != nil {
			return err
		}
		hc := HomeClass{ClassID: c.ID, SchoolID: s.ID, Name: c.Name}
		for _, row := range rows {
			if row.ClassName == c.Name && row.Entered < row.Required {
				hc.Missing = append(hc.Missing, HomeMissing{SubjectName: row.SubjectName, TeacherName: row.TeacherName, Missing: row.Required - row.Entered})
			}
		}
		last := time.Date(tx.Now.In(sdgdt.Vietnam).Year(), tx.Now.In(sdgdt.Vietnam).Month(), 1, 0, 0, 0, 0, sdgdt.Vietnam).AddDate(0, -1, 0)
		if !last.Before(time.Date(y.StartsOn.Year(), y.StartsOn.Month(), 1, 0, 0, 0, 0, sdgdt.Vietnam)) {
			hc.LastMonth = last.Format("2006-01")
			cs, err := tx.Confirmations(c.ID)
			if err != nil {
				return err
			}
			hc.Confirmed = slices.ContainsFunc(cs, func(x sdgdt.Confirmation) bool { return x.Month == hc.LastMonth })
		}
		v.Classes = append(v.Classes, hc)
	}
	return nil
}
