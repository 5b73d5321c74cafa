package app

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"sdgdt"
	"sdgdt/internal/audit"
	"sdgdt/internal/store"
)

// Tree is what a principal sees of the management tree: units and schools.
type Tree struct {
	Units   []sdgdt.Unit
	Schools []sdgdt.School
}

// VisibleTree returns the units and schools p may read, in tree order.
func (a *App) VisibleTree(ctx context.Context, p *Principal) (Tree, error) {
	var tr Tree
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		seenU, seenS := map[int64]bool{}, map[int64]bool{}
		for _, r := range p.Roles {
			if r.ScopeKind == sdgdt.ScopeUnit {
				us, err := tx.UnitsBelow(r.Path)
				if err != nil {
					return err
				}
				for _, u := range us {
					if !seenU[u.ID] {
						seenU[u.ID] = true
						tr.Units = append(tr.Units, u)
					}
				}
				ss, err := tx.SchoolsBelow(r.Path)
				if err != nil {
					return err
				}
				for _, s := range ss {
					if !seenS[s.ID] {
						seenS[s.ID] = true
						tr.Schools = append(tr.Schools, s)
					}
				}
			} else if r.SchoolID != 0 && !seenS[r.SchoolID] {
				s, err := tx.School(r.SchoolID)
				if err != nil {
					return err
				}
				seenS[s.ID] = true
				tr.Schools = append(tr.Schools, s)
			}
		}
		if p.system {
			var err error
			if tr.Units, err = tx.UnitsBelow("/"); err != nil {
				return err
			}
			tr.Schools, err = tx.SchoolsBelow("/")
			return err
		}
		return nil
	})
	sort.Slice(tr.Units, func(i, j int) bool { return tr.Units[i].Path < tr.Units[j].Path })
	return tr, err
}

// Member is an account with its active grants at one place.
type Member struct {
	User   sdgdt.User
	Grants []sdgdt.Grant
}

// Place is a unit or school page: its accounts, board, children and classes.
type Place struct {
	Unit       sdgdt.Unit   // for a unit
	School     sdgdt.School // for a school
	Parent     sdgdt.Unit   // a school's unit, a unit's parent
	Target     Target
	Members    []Member       // accounts whose home is here, with their grants here
	Board      []Member       // board members (board, unit_board grants) with duties
	SubUnits   []sdgdt.Unit   // direct children of a unit
	Schools    []sdgdt.School // schools directly in a unit
	Groups     []sdgdt.Group
	Classes    []sdgdt.Class
	Readable   map[int64]bool // the classes whose lists the reader may open
	Year       sdgdt.SchoolYear
	CanManage  bool
	CanGrant   bool
	CanAudit   bool
	CanAddUnit bool
}

// SchoolPlace returns the page data of a school.
func (a *App) SchoolPlace(ctx context.Context, p *Principal, id int64) (Place, error) {
	var pl Place
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		s, err := tx.School(id)
		if err != nil {
			return err
		}
		pl.School, pl.Target = s, SchoolTarget(s)
		if !Can(p, ActRead, pl.Target) {
			return forbidden()
		}
		if pl.Parent, err = tx.Unit(s.UnitID); err != nil {
			return err
		}
		if err := fillPlace(tx, &pl, sdgdt.ScopeSchool, s.ID, sdgdt.RoleBoard); err != nil {
			return err
		}
		if pl.Groups, err = tx.GroupsOf(s.ID); err != nil {
			return err
		}
		years, err := tx.SchoolYears()
		if err != nil {
			return err
		}
		for _, y := range years {
			if y.Current {
				pl.Year = y
				pl.Classes, err = tx.ClassesOf(s.ID, y.ID)
				pl.Readable = map[int64]bool{}
				for _, c := range pl.Classes {
					pl.Readable[c.ID] = Can(p, ActReadClass, ClassTarget(s, c.ID))
				}
				return err
			}
		}
		return nil
	})
	pl.CanManage, pl.CanGrant, pl.CanAudit = Can(p, ActManageAccounts, pl.Target), Can(p, ActGrantRoles, pl.Target), Can(p, ActViewAudit, pl.Target)
	return pl, err
}

// UnitPlace returns the page data of a unit.
func (a *App) UnitPlace(ctx context.Context, p *Principal, id int64) (Place, error) {
	var pl Place
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		u, err := tx.Unit(id)
		if err != nil {
			return err
		}
		pl.Unit, pl.Target = u, UnitTarget(u)
		if !Can(p, ActRead, pl.Target) {
			return forbidden()
		}
		if u.ParentID != 0 {
			if pl.Parent, err = tx.Unit(u.ParentID); err != nil {
				return err
			}
		}
		if err := fillPlace(tx, &pl, sdgdt.ScopeUnit, u.ID, sdgdt.RoleUnitBoard); err != nil {
			return err
		}
		below, err := tx.UnitsBelow(u.Path)
		if err != nil {
			return err
		}
		for _, c := range below {
			if c.ParentID == u.ID {
				pl.SubUnits = append(pl.SubUnits, c)
			}
		}
		schools, err := tx.SchoolsBelow(u.Path)
		for _, s := range schools {
			if s.UnitID == u.ID {
				pl.Schools = append(pl.Schools, s)
			}
		}
		return err
	})
	pl.CanManage, pl.CanGrant, pl.CanAudit = Can(p, ActManageAccounts, pl.Target), Can(p, ActGrantRoles, pl.Target), Can(p, ActViewAudit, pl.Target)
	pl.CanAddUnit = Can(p, ActManageUnits, pl.Target)
	return pl, err
}

func fillPlace(tx *store.Tx, pl *Place, kind string, id int64, boardRole string) error {
	users, err := tx.UsersAt(kind, id)
	if err != nil {
		return err
	}
	grants, err := tx.GrantsOnScope(kind, id)
	if err != nil {
		return err
	}
	byUser := map[int64][]sdgdt.Grant{}
	for _, g := range grants {
		byUser[g.UserID] = append(byUser[g.UserID], g)
	}
	for _, u := range users {
		m := Member{User: u, Grants: byUser[u.ID]}
		pl.Members = append(pl.Members, m)
		for _, g := range m.Grants {
			if g.Role == boardRole {
				pl.Board = append(pl.Board, Member{User: u, Grants: []sdgdt.Grant{g}})
			}
		}
	}
	return nil
}

// AuditQuery is what a user asks of the audit log.
type AuditQuery struct {
	SchoolID int64
	UnitID   int64
	Action   string
	ObjectID string
	Actor    string // username
	BeforeID int64
	Limit    int
}

// AuditLog returns the entries of the log p may see that match q, newest first.
func (a *App) AuditLog(ctx context.Context, p *Principal, q AuditQuery) ([]audit.Entry, error) {
	var out []audit.Entry
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		f := sdgdt.AuditFilter{Action: q.Action, ObjectID: q.ObjectID, BeforeID: q.BeforeID, Limit: q.Limit}
		if q.Actor != "" {
			u, err := tx.UserByUsername(q.Actor)
			if err != nil {
				return nil // no such user: no entries
			}
			f.ActorID = u.ID
		}
		switch {
		case q.SchoolID != 0:
			s, err := tx.School(q.SchoolID)
			if err != nil {
				return err
			}
			if !Can(p, ActViewAudit, SchoolTarget(s)) {
				return forbidden()
			}
			f.SchoolIDs = []int64{s.ID}
		case q.UnitID != 0:
			u, err := tx.Unit(q.UnitID)
			if err != nil {
				return err
			}
			if !Can(p, ActViewAudit, UnitTarget(u)) {
				return forbidden()
			}
			f.UnitPath = u.Path
		case p.system:
		default:
			// Everything the principal may see: the widest unit path, or his schools.
			path := ""
			var schools []int64
			for _, r := range p.Roles {
				if r.ScopeKind == sdgdt.ScopeUnit && Can(p, ActViewAudit, Target{Kind: sdgdt.ScopeUnit, UnitPath: r.Path}) {
					if path == "" || strings.HasPrefix(path, r.Path) {
						path = r.Path
					}
				} else if r.SchoolID != 0 && Can(p, ActViewAudit, Target{Kind: sdgdt.ScopeSchool, SchoolID: r.SchoolID}) {
					schools = append(schools, r.SchoolID)
				}
			}
			switch {
			case path != "":
				f.UnitPath = path
			case len(schools) > 0:
				f.SchoolIDs = schools
			default:
				return forbidden()
			}
		}
		var err error
		out, err = tx.ListAudit(f)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Personal data in the entries' old and new values is shown only to
	// readers who may see the profiles themselves, and such a view is
	// recorded, as it is on the profile page.
	viewed := map[int64]string{} // school → unit path
	for i := range out {
		e := &out[i]
		if !hasPersonalData(e.Before) && !hasPersonalData(e.After) {
			continue
		}
		if e.SchoolID != 0 && Can(p, ActViewProfiles, Target{Kind: sdgdt.ScopeSchool, SchoolID: e.SchoolID, UnitPath: e.UnitPath}) {
			viewed[e.SchoolID] = e.UnitPath
			continue
		}
		e.Before, e.After = maskPersonalJSON(e.Before), maskPersonalJSON(e.After)
	}
	if len(viewed) > 0 && !p.system {
		err = a.DB.Update(ctx, func(tx *store.Tx) error {
			for id, path := range viewed {
				if err := record(tx, p, sdgdt.ActAuditPersonalView, "audit", "", id, path, nil, map[string]any{"query": q}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return out, err
}

// personalKeys are the fields of audit values that hold personal data.
var personalKeys = map[string]bool{"identity_number": true, "guardian_phone": true, "address": true, "phone": true, "email": true,
	"date_of_birth": true, "place_of_birth": true, "father_name": true, "mother_name": true, "guardian_name": true}

func hasPersonalData(js string) bool {
	if js == "" {
		return false
	}
	for k := range personalKeys {
		if strings.Contains(js, `"`+k+`"`) {
			return true
		}
	}
	return false
}

// maskPersonalJSON masks the personal fields of an audit value, at any depth.
func maskPersonalJSON(js string) string {
	var v any
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		return js
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if s, ok := val.(string); ok && personalKeys[k] {
					x[k] = mask(s, 2)
				} else {
					x[k] = walk(val)
				}
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		}
		return v
	}
	b, err := json.Marshal(walk(v))
	if err != nil {
		return ""
	}
	return string(b)
}

// AnchorChains records the head of every school's audit chain in the chain of
// the units above (the system chain), which no school can write: a school's
// chain rewritten later, hashes and head included, no longer matches its
// anchor and audit verify names it. serve runs it at start and daily; the
// heads can also be exported to a file (sdgdt audit heads) kept by the unit.
func (a *App) AnchorChains(ctx context.Context) (int, error) {
	heads, err := a.DB.ChainHeads(ctx)
	if err != nil {
		return 0, err
	}
	schools := map[string]audit.Head{}
	for c, h := range heads {
		if c != "system" {
			schools[c] = h
		}
	}
	if len(schools) == 0 {
		return 0, nil
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		return record(tx, System("anchor"), sdgdt.ActAuditAnchor, "audit", "", 0, "", nil, map[string]any{"heads": schools})
	})
	return len(schools), err
}
