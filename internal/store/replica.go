package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A read replica (docs/performance.md, "Read replica for dashboards and
// statistics") is a PostgreSQL hot standby of the primary, fed by streaming
// replication. Stale reads from it while its lag is within a bound.
//
// The lag is measured by WAL positions, not by the age of the last replayed
// transaction: when the primary is idle that age grows although the standby
// holds everything. Every check reads the primary's WAL position
// (pg_current_wal_lsn) and then the standby's replay position; a standby that
// has replayed up to the position read has every transaction committed before
// the check, so its lag is 0. One that has not is as old as the last check
// whose position it has replayed, or as old as its last replayed transaction
// (it holds every one committed before), whichever is younger: under writes
// the transaction's age is milliseconds; when WAL other than transactions (a
// checkpoint) moved an idle primary on, the checks bound it to a second or so.
// The age compares the standby's clock with the primary's: across machines,
// keep them in step (NTP).

// replicaCheckEvery is how long a lag measurement is used before the next.
const replicaCheckEvery = time.Second

// replica is an attached standby and what its last check found.
type replica struct {
	pool   *sql.DB
	maxLag time.Duration

	mu        sync.Mutex
	checking  bool
	checkedAt time.Time
	up        bool
	lag       time.Duration
	samples   []walSample // the primary's positions at checks, oldest first

	// unverified: the replica did not answer when attached; each check
	// verifies it first (sameDatabase). refused is what that found wrong: it
	// never serves then.
	unverified bool
	refused    error

	served, fellBack atomic.Int64
}

// walSample is the primary's WAL position at a moment.
type walSample struct {
	at  time.Time
	lsn uint64
}

// maxSamples bounds the checks kept: with one a second, two minutes, beyond
// any useful bound on the lag.
const maxSamples = 120

// AttachReplica opens a pool on a hot standby of this PostgreSQL database
// (the same database on a server following the primary by streaming
// replication), which Stale then reads from while its lag is at most maxLag.
// It refuses SQLite, a server that is not in recovery (a primary, or a
// promoted standby), and a standby of another cluster or database. Attaching
// again replaces the previous replica.
func (db *DB) AttachReplica(ctx context.Context, dsn string, maxLag time.Duration) error {
	if db.Dialect != Postgres {
		return errors.New("a read replica needs PostgreSQL: SQLite reads from its own reader pool")
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return errors.New("replica: the DSN must be a postgres:// URL")
	}
	if maxLag <= 0 {
		return errors.New("replica: the maximum lag must be positive")
	}
	pool, err := sql.Open("pgx", withConnectTimeout(dsn))
	if err != nil {
		return fmt.Errorf("open replica: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	r := &replica{pool: pool, maxLag: maxLag}
	err = sameDatabase(ctx, db.writer, pool)
	var down unreachable
	switch {
	case errors.As(err, &down):
		// Not answering now: attached all the same, it serves once a check
		// finds it answering and what it should be. A server is not kept
		// from starting by its standby.
		r.unverified = true
	case err != nil:
		pool.Close()
		return err
	default:
		r.check(ctx, db)
	}
	if old := db.replica.Swap(r); old != nil {
		old.pool.Close()
	}
	if r.unverified {
		return fmt.Errorf("%w: %v", ErrReplicaUnreachable, err)
	}
	return nil
}

// ErrReplicaUnreachable is returned by AttachReplica for a standby that did
// not answer: it is attached, unverified, and the primary serves every read
// until a check finds the standby and verifies it.
var ErrReplicaUnreachable = errors.New("replica attached but not answering: the primary serves until it does")

// unreachable is a server that did not answer sameDatabase: the replica,
// or the primary itself; a check later may find it.
type unreachable struct {
	what string
	err  error
}

func (u unreachable) Error() string { return u.what + ": " + u.err.Error() }
func (u unreachable) Unwrap() error { return u.err }

// sameDatabase checks that the replica is in recovery and is a copy of the
// primary's cluster (system identifier), database and schema.
func sameDatabase(ctx context.Context, primary, standby *sql.DB) error {
	const q = `SELECT pg_is_in_recovery(), current_database(), COALESCE(current_schema(), ''), (SELECT system_identifier::text FROM pg_control_system())`
	var inRecovery bool
	var db, schema, system string
	if err := standby.QueryRowContext(ctx, q).Scan(&inRecovery, &db, &schema, &system); err != nil {
		return unreachable{"connect to the replica", err}
	}
	if !inRecovery {
		return errors.New("replica: the server is not a standby (pg_is_in_recovery() is false): it does not follow the primary")
	}
	var pRecovery bool
	var pDB, pSchema, pSystem string
	if err := primary.QueryRowContext(ctx, q).Scan(&pRecovery, &pDB, &pSchema, &pSystem); err != nil {
		return unreachable{"replica: read the primary", err}
	}
	switch {
	case system != pSystem:
		return fmt.Errorf("replica: the standby is a copy of another cluster (system identifier %s, the primary's %s)", system, pSystem)
	case db != pDB || schema != pSchema:
		return fmt.Errorf("replica: the DSN names database %s, schema %s; the primary's are %s, %s", db, schema, pDB, pSchema)
	}
	return nil
}

// withConnectTimeout bounds the time to connect to the replica, so that a
// standby that stopped answering costs a read 2 s, not a TCP timeout.
func withConnectTimeout(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "2")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// usable reports whether a read may go to the replica now: it answered its
// last check, and its lag then plus the time since is within the bound. A
// check older than replicaCheckEvery is made again by this caller; readers
// arriving meanwhile use the previous one.
func (r *replica) usable(ctx context.Context, db *DB) bool {
	r.mu.Lock()
	if !r.checking && time.Since(r.checkedAt) >= replicaCheckEvery {
		r.checking = true
		r.mu.Unlock()
		r.check(ctx, db)
		r.mu.Lock()
	}
	ok := r.up && r.lag+time.Since(r.checkedAt) <= r.maxLag
	r.mu.Unlock()
	return ok
}

// check measures the replica's lag (see the comment at the top of the file).
func (r *replica) check(ctx context.Context, db *DB) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	at := time.Now()
	r.mu.Lock()
	unverified, fails := r.unverified, r.refused != nil
	r.mu.Unlock()
	if unverified && !fails {
		err := sameDatabase(ctx, db.writer, r.pool)
		var down unreachable
		r.mu.Lock()
		if err != nil && !errors.As(err, &down) {
			r.refused = err
		}
		r.unverified = err != nil
		r.mu.Unlock()
		fails = err != nil
	}
	if fails { // refused for good, or still not reached to be verified
		r.mu.Lock()
		r.checking, r.checkedAt, r.up = false, at, false
		r.mu.Unlock()
		return
	}
	var cur string
	err := db.writer.QueryRowContext(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&cur)
	var inRecovery bool
	var replay sql.NullString
	var age sql.NullFloat64
	if err == nil {
		err = r.pool.QueryRowContext(ctx, `SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8`).Scan(&inRecovery, &replay, &age)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checking, r.checkedAt = false, at
	curLSN, err1 := parseLSN(cur)
	replayLSN, err2 := parseLSN(replay.String)
	if err != nil || err1 != nil || err2 != nil || !inRecovery || !replay.Valid {
		// Unreachable, promoted (it no longer follows), or not replaying.
		r.up = false
		return
	}
	r.up = true
	r.samples = append(r.samples, walSample{at: at, lsn: curLSN})
	if len(r.samples) > maxSamples {
		r.samples = r.samples[len(r.samples)-maxSamples:]
	}
	// Forget the checks before the last one the replica has replayed.
	for len(r.samples) > 1 && r.samples[1].lsn <= replayLSN {
		r.samples = r.samples[1:]
	}
	if replayLSN >= curLSN {
		r.lag = 0
		return
	}
	r.lag = time.Duration(1<<63 - 1) // nothing known: too old
	if s := r.samples[0]; s.lsn <= replayLSN {
		r.lag = at.Sub(s.at)
	}
	if age.Valid {
		r.lag = min(r.lag, time.Duration(max(age.Float64, 0)*float64(time.Second)))
	}
}

// down marks the replica unreachable until its next check.
func (r *replica) down(error) {
	r.mu.Lock()
	r.up = false
	r.mu.Unlock()
}

// parseLSN reads a WAL position written as PostgreSQL's pg_lsn text ("16/B374D848").
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("bad LSN %q", s)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("bad LSN %q", s)
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("bad LSN %q", s)
	}
	return h<<32 | l, nil
}

// ReplicaStats is what the metrics show of the read replica.
type ReplicaStats struct {
	Attached bool
	Up       bool          // it answered its last check, in recovery
	Lag      time.Duration // measured at its last check
	Replica  int64         // Stale reads it served
	Primary  int64         // Stale reads the primary served instead
	// Refused is why a replica attached while it did not answer was found,
	// once it did, not to be a standby of this database: it never serves.
	Refused string
}

// ReplicaStats returns the state of the read replica (Attached false without one).
func (db *DB) ReplicaStats() ReplicaStats {
	r := db.replica.Load()
	if r == nil {
		return ReplicaStats{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rs := ReplicaStats{Attached: true, Up: r.up, Lag: r.lag, Replica: r.served.Load(), Primary: r.fellBack.Load()}
	if r.refused != nil {
		rs.Refused = r.refused.Error()
	}
	return rs
}
