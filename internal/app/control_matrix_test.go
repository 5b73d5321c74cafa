package app_test

import (
	"context"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// TestControlMatrix checks who may lock, lift, propose, approve, decide a
// correction and witness it, and that conduct entry is refused under a lock.
func TestControlMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newRecordsFixture(t, db)
		leaderID := f.grantLeader(t)
		leader := f.principal(t, "hieutruong")
		board := f.boardMember(t)
		f.schoolUser(t, "hieutruong.b", f.schoolB, sdgdt.RoleLeader)
		otherLeader := f.principal(t, "hieutruong.b")
		unitAdmin := f.unitAdmin(t)
		who := map[string]*app.Principal{"leader": leader, "sysadmin": f.adminA, "board": board, "homeroom": f.homeroom,
			"teacher": f.teacher, "other school leader": otherLeader, "unit admin": unitAdmin}
		allowed := func(err error) bool { return err == nil }
		// Lock a school and lift it.
		lockWant := map[string]bool{"leader": true}
		for name, p := range who {
			l, err := f.a.SetLock(ctx, p, app.LockInput{SchoolID: f.schoolA.ID, Reason: "Thử quyền"})
			if allowed(err) != lockWant[name] {
				t.Errorf("lock by %s: %v", name, err)
			}
			if err == nil {
				for lname, lp := range who {
					if lname == name {
						continue
					}
					if err := f.a.LiftLock(ctx, lp, l.ID, "x", 0); err == nil {
						t.Errorf("%s lifted a lock of %s", lname, name)
					}
				}
				if err := f.a.LiftLock(ctx, p, l.ID, "x", 0); err != nil {
					t.Errorf("%s lifting his own lock: %v", name, err)
				}
			}
		}
		// The sysadmin at a leader's request.
		if _, err := f.a.SetLock(ctx, f.adminA, app.LockInput{SchoolID: f.schoolA.ID, Reason: "x", RequestedBy: leaderID}); err != nil {
			t.Errorf("sysadmin at the leader's request: %v", err)
		}
		if _, err := f.a.SetLock(ctx, f.adminA, app.LockInput{SchoolID: f.schoolA.ID, Reason: "x", RequestedBy: f.homeroom.User.ID}); !app.IsForbidden(err) {
			t.Errorf("sysadmin at a teacher's request: %v", err)
		}
		// Conduct under that lock is refused.
		p, err := f.a.EnrolNewPupil(ctx, f.adminA, f.c6a1.ID, pupilIn("Lê Văn Cảnh", "05/09/2014", "nam", ""), f.year.StartsOn)
		if err != nil {
			t.Fatal(err)
		}
		err = f.a.SetConduct(ctx, f.homeroom, f.c6a1.ID, []app.ConductEntry{{PupilID: p.ID, Term: "hk1", Level: "T"}})
		if sdgdt.ErrorCode(err) != sdgdt.ELOCKED {
			t.Errorf("conduct under a lock: %v", err)
		}
		// Proposals: the board only; approvals: the leader only.
		for name, p := range who {
			ap, err := f.a.ProposeApproval(ctx, p, f.c6a2.ID, "hk1", "")
			if allowed(err) != (name == "board") {
				t.Errorf("proposal by %s: %v", name, err)
			}
			if err == nil {
				for dname, dp := range who {
					if dname == "leader" {
						continue
					}
					if err := f.a.DecideApproval(ctx, dp, ap.ID, app.ApprovalDecision{Approve: true}); err == nil {
						t.Errorf("approval by %s", dname)
					}
				}
			}
		}
	})
}
