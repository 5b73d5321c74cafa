package store_test

import (
	"context"
	"sdgdt"
	"strings"
	"testing"

	"sdgdt/internal/audit"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// appendN writes n entries to chain "system" and n to "school:1".
func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		for _, school := range []int64{0, 1} {
			err := db.Update(context.Background(), func(tx *store.Tx) error {
				return tx.AppendAudit(&audit.Entry{Chain: audit.ChainFor(school), ActorID: 7, ActorName: "Nguyễn Văn An", Action: "test.write",
					ObjectKind: "thing", ObjectID: "1", SchoolID: school, UnitPath: "/1/", After: `{"v":1}`, IP: "127.0.0.1", RequestID: "r"})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 5)
		p, n, err := db.VerifyAudit(ctx)
		if err != nil || p != nil || n != 10 {
			t.Fatalf("intact chain: problem %v, checked %d, err %v", p, n, err)
		}
		var third audit.Entry
		db.View(ctx, func(tx *store.Tx) error {
			es, err := tx.ListAudit(sdgdt.AuditFilter{Limit: 100})
			for _, e := range es {
				if e.Chain == "school:1" && e.Seq == 3 {
					third = e
				}
			}
			return err
		})
		cases := []struct {
			name, sql string
			want      int64 // entry named
		}{
			{"content changed", `UPDATE audit_log SET after_json = '{"v":2}' WHERE id = $1`, third.ID},
			{"actor changed", `UPDATE audit_log SET actor_name = 'Kẻ gian' WHERE id = $1`, third.ID},
			{"time changed", `UPDATE audit_log SET request_id = 'x' WHERE id = $1`, third.ID},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var old audit.Entry
				db.View(ctx, func(tx *store.Tx) error {
					es, _ := tx.ListAudit(sdgdt.AuditFilter{ObjectID: "1", Limit: 500})
					old = find(es, third.ID)
					return nil
				})
				if err := db.ExecForTest(ctx, c.sql, third.ID); err != nil {
					t.Fatal(err)
				}
				p, _, err := db.VerifyAudit(ctx)
				if err != nil || p == nil || p.EntryID != c.want {
					t.Fatalf("want problem naming entry %d, got %v (err %v)", c.want, p, err)
				}
				// Put it back: the chain is intact again.
				if err := db.ExecForTest(ctx, `UPDATE audit_log SET after_json = $1, actor_name = $2, request_id = $3 WHERE id = $4`, old.After, old.ActorName, old.RequestID, third.ID); err != nil {
					t.Fatal(err)
				}
				if p, _, _ := db.VerifyAudit(ctx); p != nil {
					t.Fatalf("restored chain still broken: %v", p)
				}
			})
		}
		t.Run("deleted entry", func(t *testing.T) {
			db.ExecForTest(ctx, `DELETE FROM audit_log WHERE id = $1`, third.ID)
			p, _, _ := db.VerifyAudit(ctx)
			if p == nil || !strings.Contains(p.Reason, "bị mất") {
				t.Fatalf("deletion not detected: %v", p)
			}
		})
		t.Run("last entry removed", func(t *testing.T) {
			db2 := storetest.Engines()[0].Open(t)
			appendN(t, db2, 2)
			db2.ExecForTest(ctx, `DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`)
			if p, _, _ := db2.VerifyAudit(ctx); p == nil {
				t.Fatal("removal of the last entry not detected")
			}
		})
	})
}

func find(es []audit.Entry, id int64) audit.Entry {
	for _, e := range es {
		if e.ID == id {
			return e
		}
	}
	return audit.Entry{}
}
