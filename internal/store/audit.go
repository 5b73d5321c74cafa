package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sdgdt"
	"strings"
	"time"

	"sdgdt/internal/audit"
)

// AppendAudit adds e to the end of its chain when the transaction commits:
// the entry is linked and hashed as the transaction's last statements, right
// before COMMIT, so that the chain head's row lock (PostgreSQL; SQLite has a
// single writer) is held for two statements and the commit, not for the whole
// write — every save of a school goes through that one row. e.At is the
// transaction's time.
func (t *Tx) AppendAudit(e *audit.Entry) error {
	e.At = t.Now
	t.pending = append(t.pending, e)
	return nil
}

// flushAudit appends the transaction's pending audit entries to their chains.
func (t *Tx) flushAudit() error {
	for _, e := range t.pending {
		if err := t.appendAudit(e); err != nil {
			return err
		}
	}
	t.pending = nil
	return nil
}

func (t *Tx) appendAudit(e *audit.Entry) error {
	var seq int64
	var prev string
	err := t.queryRow(`UPDATE audit_heads SET seq = seq + 1 WHERE chain = $1 RETURNING seq, hash`, e.Chain).Scan(&seq, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		// The chain's first entry.
		if _, err := t.exec(`INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING`, e.Chain, audit.Genesis); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		err = t.queryRow(`UPDATE audit_heads SET seq = seq + 1 WHERE chain = $1 RETURNING seq, hash`, e.Chain).Scan(&seq, &prev)
	}
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	// The UPDATE returned the old hash column: it is the previous entry's hash.
	e.Seq, e.PrevHash = seq, prev
	e.Hash = audit.ComputeHash(e)
	args := []any{e.Chain, e.Seq, e.At, e.ActorID, e.ActorName, e.Action, e.ObjectKind, e.ObjectID,
		e.SchoolID, e.UnitPath, e.Before, e.After, e.IP, e.RequestID, e.PrevHash, e.Hash}
	const insert = `INSERT INTO audit_log (chain, seq, at, actor_id, actor_name, action, object_kind, object_id,
		school_id, unit_path, before_json, after_json, ip, request_id, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`
	if t.d == Postgres {
		// One round trip for the entry and the head's new hash.
		err := t.queryRow(`WITH e AS (`+insert+` RETURNING id) UPDATE audit_heads SET hash = $16 WHERE chain = $1 RETURNING (SELECT id FROM e)`, args...).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("audit insert: %w", err)
		}
		return nil
	}
	id, err := t.insert(insert, args...)
	if err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	e.ID = id
	if _, err := t.exec(`UPDATE audit_heads SET hash = $1 WHERE chain = $2`, e.Hash, e.Chain); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

const auditColumns = `id, chain, seq, at, actor_id, actor_name, action, object_kind, object_id,
	school_id, unit_path, before_json, after_json, ip, request_id, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	err := sc.Scan(&e.ID, &e.Chain, &e.Seq, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectKind, &e.ObjectID,
		&e.SchoolID, &e.UnitPath, &e.Before, &e.After, &e.IP, &e.RequestID, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// ListAudit returns entries newest first.
func (t *Tx) ListAudit(f sdgdt.AuditFilter) ([]audit.Entry, error) {
	if err := t.flushAudit(); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.UnitPath != "" {
		where = append(where, "unit_path LIKE "+arg(f.UnitPath+"%"))
	}
	if f.SchoolIDs != nil {
		if len(f.SchoolIDs) == 0 {
			return nil, nil
		}
		var ph []string
		for _, id := range f.SchoolIDs {
			ph = append(ph, arg(id))
		}
		where = append(where, "school_id IN ("+strings.Join(ph, ",")+")")
	}
	if f.ActorID != 0 {
		where = append(where, "actor_id = "+arg(f.ActorID))
	}
	if f.Action != "" {
		where = append(where, "action LIKE "+arg(f.Action+"%"))
	}
	if f.ObjectID != "" {
		where = append(where, "object_id = "+arg(f.ObjectID))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(f.To.UTC()))
	}
	if f.BeforeID != 0 {
		where = append(where, "id < "+arg(f.BeforeID))
	}
	q := `SELECT ` + auditColumns + ` FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", f.Limit)
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ChainHeads returns each chain's recorded head, to be exported (sdgdt audit
// heads) or anchored in the chain of the units above (App.AnchorChains).
func (db *DB) ChainHeads(ctx context.Context) (map[string]audit.Head, error) {
	heads := map[string]audit.Head{}
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT chain, seq, hash FROM audit_heads`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			var h audit.Head
			if err := rows.Scan(&c, &h.Seq, &h.Hash); err != nil {
				return err
			}
			heads[c] = h
		}
		return rows.Err()
	})
	return heads, err
}

// Anchors returns the chain heads anchored by the entries of the system chain,
// each named by its entry.
func (db *DB) Anchors(ctx context.Context) (map[string]map[string]audit.Head, error) {
	out := map[string]map[string]audit.Head{}
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT id, at, after_json FROM audit_log WHERE chain = $1 AND action = $2 ORDER BY seq`, "system", string(sdgdt.ActAuditAnchor))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var at time.Time
			var js string
			if err := rows.Scan(&id, &at, &js); err != nil {
				return err
			}
			var after struct {
				Heads map[string]audit.Head `json:"heads"`
			}
			if err := json.Unmarshal([]byte(js), &after); err != nil {
				return fmt.Errorf("anchor entry %d: %w", id, err)
			}
			out[fmt.Sprintf("mục neo %d ngày %s", id, at.In(sdgdt.Vietnam).Format("02/01/2006 15:04"))] = after.Heads
		}
		return rows.Err()
	})
	return out, err
}

// VerifyAudit walks every chain in order and returns the first problem found, or
// nil, and how many entries it checked. It reads in pages, so memory stays flat.
// Besides each chain's own links and head, it checks the heads anchored in the
// system chain and those given in anchored (source → chain → head), so that a
// school's chain rewritten with its head is caught.
func (db *DB) VerifyAudit(ctx context.Context, anchored ...map[string]map[string]audit.Head) (*audit.Problem, int, error) {
	v := audit.NewVerifier()
	inChain, err := db.Anchors(ctx)
	if err != nil {
		return nil, 0, err
	}
	for _, set := range append(anchored, inChain) {
		for source, heads := range set {
			for chain, h := range heads {
				v.Expect(chain, h, source)
			}
		}
	}
	heads := map[string]audit.Head{}
	err = db.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT chain, seq, hash FROM audit_heads`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c string
			var h audit.Head
			if err := rows.Scan(&c, &h.Seq, &h.Hash); err != nil {
				rows.Close()
				return err
			}
			heads[c] = h
		}
		rows.Close()
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	chain, seq := "", int64(0)
	for {
		var page []audit.Entry
		err := db.View(ctx, func(tx *Tx) error {
			rows, err := tx.query(`SELECT `+auditColumns+` FROM audit_log WHERE chain > $1 OR (chain = $1 AND seq > $2) ORDER BY chain, seq LIMIT 5000`, chain, seq)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				e, err := scanAudit(rows)
				if err != nil {
					return err
				}
				page = append(page, e)
			}
			return rows.Err()
		})
		if err != nil {
			return nil, v.Checked, err
		}
		for _, e := range page {
			if p := v.Add(e); p != nil {
				return p, v.Checked, nil
			}
		}
		if len(page) == 0 {
			break
		}
		last := page[len(page)-1]
		chain, seq = last.Chain, last.Seq
	}
	return v.Finish(heads), v.Checked, nil
}
