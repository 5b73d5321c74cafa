// Package store is the only package that speaks SQL. It opens SQLite or PostgreSQL,
// applies the embedded migrations, and offers transactions (Update, View) whose Tx
// carries one method per query, one file per aggregate.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sdgdt/internal/audit"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"

	"sdgdt"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open database: for SQLite one writer connection and a pool of readers on
// the same file; for PostgreSQL one pool serving both.
type DB struct {
	Dialect Dialect
	writer  *sql.DB
	reader  *sql.DB
	// Now is the clock of every transaction; tests replace it.
	Now func() time.Time
	// turn serves SQLite's write transactions first come, first served:
	// database/sql hands a freed connection to a random waiter, which let a
	// few saves wait seconds while the writer was half idle.
	turn chan struct{}
	// stmts holds the SQLite writer's prepared statements (see prepared).
	stmts *stmtCache
	// bulkIndexes are the statements that build again the indexes a bulk
	// load dropped (BeginBulk, FinishBulk).
	bulkIndexes []string
	// replica is the hot standby that Stale reads from (AttachReplica), nil
	// without one.
	replica atomic.Pointer[replica]
}

// SQLiteDriver is the database/sql driver that Open uses for SQLite files, and
// the data source name it gives it for a "file:" URI: writer is the single
// writing connection, whose transactions BEGIN IMMEDIATE; readers BEGIN
// DEFERRED. Every connection has busy_timeout 10 s (first, so the other pragmas
// wait instead of failing), WAL, foreign keys and synchronous NORMAL. The
// product always uses modernc.org/sqlite (pure Go, no cgo; docs/performance.md
// says why); only the driver benchmark (internal/store/driverbench, build tag
// driverbench) changes it, before Open, to compare drivers on this same path.
var SQLiteDriver = struct {
	Name string
	DSN  func(file string, writer bool) string
}{Name: "sqlite", DSN: moderncDSN}

func moderncDSN(file string, writer bool) string {
	dsn := file + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	if writer {
		dsn += "&_txlock=immediate"
	}
	return dsn
}

// Open opens the database named by dsn: "sqlite:PATH" (or a bare path ending in .db)
// or "postgres://...". It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now}
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		db.Dialect = Postgres
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(10)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.writer, db.reader = pool, pool
	default:
		db.Dialect = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "sqlite:")
		if path == "" || path == ":memory:" {
			return nil, errors.New("sqlite needs a file path (temporary files in tests, never :memory:)")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		file := "file:" + (&url.URL{Path: path}).EscapedPath()
		w, err := sql.Open(SQLiteDriver.Name, SQLiteDriver.DSN(file, true))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		r, err := sql.Open(SQLiteDriver.Name, SQLiteDriver.DSN(file, false))
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(8)
		db.writer, db.reader = w, r
		db.turn = make(chan struct{}, 1)
		db.stmts = &stmtCache{ready: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
	}
	if err := db.writer.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	if db.stmts != nil {
		db.stmts.mu.Lock()
		for _, st := range db.stmts.ready {
			st.Close()
		}
		db.stmts.ready = map[string]*sql.Stmt{}
		db.stmts.mu.Unlock()
	}
	err := db.writer.Close()
	if r := db.replica.Swap(nil); r != nil {
		r.pool.Close()
	}
	if db.reader != db.writer {
		if e := db.reader.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.reader.PingContext(ctx) }

// Stats returns the connection pool statistics of the writer and the reader pools.
func (db *DB) Stats() (writer, reader sql.DBStats) { return db.writer.Stats(), db.reader.Stats() }

// Migrate applies every embedded migration not applied yet, each in its own
// transaction, and returns how many it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	sort.Strings(names)
	applied := 0
	for _, name := range names {
		base := filepath.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return applied, fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return applied, err
		}
		err = db.inTx(ctx, db.writer, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitStatements(db.Dialect.migrationReplacer().Replace(string(body))) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %s: %w\n%s", base, err, stmt)
				}
			}
			applied++
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, v, db.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// splitStatements splits a migration on semicolons at line ends, dropping comments.
func splitStatements(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// Tx is a transaction with a fixed clock reading, so that every row it writes
// carries the same time.
type Tx struct {
	tx    *sql.Tx
	ctx   context.Context
	Now   time.Time
	d     Dialect
	stmts *stmtCache // nil but on the SQLite writer
	// pending are the audit entries appended at commit (AppendAudit).
	pending []*audit.Entry
	// statDirty are the classes whose figures are counted again at commit
	// (touchStatistics).
	statDirty map[statKey]map[int64]bool
}

// Update runs fn in a read-write transaction, committed if fn returns nil.
// On SQLite, writers take their turn in the order they arrived (goroutines
// blocked sending on a channel are woken in order).
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	if db.turn != nil {
		select {
		case db.turn <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-db.turn }()
		db.stmts.prepareWanted(ctx, db.writer)
	}
	return db.inTx(ctx, db.writer, func(tx *sql.Tx) error {
		t := &Tx{tx: tx, ctx: ctx, Now: db.Now().UTC().Truncate(time.Microsecond), d: db.Dialect, stmts: db.stmts}
		if err := fn(t); err != nil {
			return err
		}
		if err := t.flushStatistics(); err != nil {
			return err
		}
		return t.flushAudit() // the audit entries last, right before COMMIT
	})
}

// stmtCache keeps the SQLite writer's statements prepared across
// transactions: without it every save parsed its multi-row statements again
// (a fifth of a full-sheet save's CPU). A statement seen in a transaction is
// prepared before the next one begins — the single writer connection is free
// then, and the writer's turn is held — and used from then on.
type stmtCache struct {
	mu     sync.Mutex
	ready  map[string]*sql.Stmt
	wanted map[string]bool
}

// maxPrepared bounds the cache: the store's statements are a few hundred
// texts (multi-row statements vary with their row count up to their chunk).
const maxPrepared = 2000

func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.ready[query]; ok {
		return st
	}
	if len(c.ready)+len(c.wanted) < maxPrepared {
		c.wanted[query] = true
	}
	return nil
}

func (c *stmtCache) prepareWanted(ctx context.Context, pool *sql.DB) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q := range c.wanted {
		delete(c.wanted, q)
		if st, err := pool.PrepareContext(ctx, q); err == nil {
			c.ready[q] = st
		}
	}
}

// View runs fn in a read-only transaction on the reader pool.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	return db.inTx(ctx, db.reader, db.viewFn(ctx, fn))
}

// Stale runs fn in a read-only transaction that may see data a few seconds
// old: on the replica when one is attached and its lag is within the bound
// given to AttachReplica, otherwise on the primary as View does (always on
// SQLite). Dashboards and statistics read through it; a page someone edits
// from must use View, which sees the last save.
//
// A read the replica fails for a reason of its own — the standby went away
// mid-read, or cancelled the query for a conflict with what it replays — is
// made again on the primary, so fn may run twice: it must set what it
// returns, not add to it. An error of the application (*sdgdt.Error: a
// refusal, something not found) is returned as it is.
func (db *DB) Stale(ctx context.Context, fn func(*Tx) error) error {
	r := db.replica.Load()
	if r == nil {
		return db.View(ctx, fn)
	}
	if r.usable(ctx, db) {
		tx, err := r.pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err == nil {
			err = db.runTx(tx, db.viewFn(ctx, fn))
			var app *sdgdt.Error
			if err == nil || errors.As(err, &app) || ctx.Err() != nil {
				r.served.Add(1)
				return err
			}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("replica: %w", err)
		}
		// Unreachable or failing since its last check: the primary serves
		// until the next check finds it well again.
		r.down(err)
	}
	r.fellBack.Add(1)
	return db.View(ctx, fn)
}

// viewFn wraps fn as the body of a read transaction.
func (db *DB) viewFn(ctx context.Context, fn func(*Tx) error) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		t := &Tx{tx: tx, ctx: ctx, Now: db.Now().UTC().Truncate(time.Microsecond), d: db.Dialect}
		if err := fn(t); err != nil {
			return err
		}
		if len(t.pending) > 0 {
			return errors.New("store: an audit entry was appended in a read transaction (use Update)")
		}
		return nil
	}
}

func (db *DB) inTx(ctx context.Context, pool *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	return db.runTx(tx, fn)
}

// runTx runs fn in tx, committing if it returns nil and rolling back otherwise.
func (db *DB) runTx(tx *sql.Tx, fn func(*sql.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
			return
		}
		if err = tx.Commit(); err != nil {
			err = fmt.Errorf("commit: %w", err)
		}
	}()
	return fn(tx)
}

func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	if st := t.prepared(query); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, query, args...)
}

func (t *Tx) query(query string, args ...any) (*sql.Rows, error) {
	if st := t.prepared(query); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, query, args...)
}

func (t *Tx) queryRow(query string, args ...any) *sql.Row {
	if st := t.prepared(query); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

// prepared returns the transaction's handle of a statement prepared on the
// writer, or nil to run the text as it is.
func (t *Tx) prepared(query string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	st := t.stmts.get(query)
	if st == nil {
		return nil
	}
	return t.tx.StmtContext(t.ctx, st)
}

// insert runs an INSERT ... RETURNING id and returns the new id.
func (t *Tx) insert(query string, args ...any) (int64, error) {
	var id int64
	err := t.queryRow(query+" RETURNING id", args...).Scan(&id)
	if isUniqueViolation(err) {
		return 0, &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Bản ghi đã tồn tại.", Err: err}
	}
	return id, err
}

// notFound turns sql.ErrNoRows into a typed not-found error.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy " + what + ".", Err: err}
	}
	return err
}

// IsEmpty reports whether the database holds no unit and no user yet.
func (t *Tx) IsEmpty() (bool, error) {
	var n int
	err := t.queryRow(`SELECT (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM users)`).Scan(&n)
	return n == 0, err
}

// nullInt returns nil for 0, so that optional references are stored as NULL.
func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// Analyze refreshes the planner's statistics (after bulk loads: the demo, a
// rollover, a large import). Without them PostgreSQL planned a class's cells
// as a nested loop over every mark of the province (270 ms instead of 0.3 ms).
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.writer.ExecContext(ctx, `ANALYZE`)
	return err
}

// Backup writes a consistent copy of the database to path while it serves:
// on SQLite with VACUUM INTO, which reads one snapshot of the WAL database (every
// write committed before it began, none after) and writes a compact file. The
// file must not exist. PostgreSQL is copied with its own tools (pg_dump, or
// pg_basebackup for a standby); see the README's operations section.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return errors.New("sdgdt backup copies SQLite databases; for PostgreSQL use pg_dump --format=custom (see the README, Operations)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	if _, err := db.reader.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// ExecForTest runs a statement outside any use case. Tests use it to tamper with
// data the way an intruder with database access would; the application never
// calls it.
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.writer.ExecContext(ctx, query, args...)
	return err
}
