// Package storetest opens migrated test databases: a temporary SQLite file
// always, and a fresh PostgreSQL schema too when SDGDT_TEST_POSTGRES holds a DSN,
// so that the same test runs on both engines.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"sdgdt/internal/store"
)

// Engine is one database engine a test runs on.
type Engine struct {
	Name string
	Open func(t testing.TB) *store.DB
}

// Engines returns SQLite, and PostgreSQL when SDGDT_TEST_POSTGRES is set.
func Engines() []Engine {
	es := []Engine{{"sqlite", OpenSQLite}}
	if os.Getenv("SDGDT_TEST_POSTGRES") != "" {
		es = append(es, Engine{"postgres", OpenPostgres})
	}
	return es
}

// Each runs fn as a subtest on a fresh database of every engine.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) { fn(t, e.Open(t)) })
	}
}

// DSN returns the DSN of a fresh, empty database of the engine for tests that
// run the whole program: a temporary SQLite file or a new PostgreSQL schema.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	if engine == "postgres" {
		return newSchema(t)
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
}

// OpenSQLite opens a migrated database in a temporary file.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, DSN(t, "sqlite"))
}

// OpenPostgres opens a migrated database in a new schema, dropped at the end.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, newSchema(t))
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// newSchema creates a schema in the SDGDT_TEST_POSTGRES database and returns a
// DSN whose search_path is that schema.
func newSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv("SDGDT_TEST_POSTGRES")
	if base == "" {
		t.Skip("SDGDT_TEST_POSTGRES not set")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
