package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sdgdt/internal/store"
)

// Seeding a realistic database (the demo province) takes seconds; tests that
// need one get a copy of a database seeded once per test binary and engine: a
// copied file for SQLite, a database created from a template for PostgreSQL.

type template struct {
	once sync.Once
	ref  string // SQLite: file path; PostgreSQL: database name
	err  error
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*template{}
)

// Seeded returns a fresh database of engine holding what seed wrote, seed
// running once per test binary, engine and key. The copy is the test's own.
func Seeded(t testing.TB, engine, key string, seed func(db *store.DB) error) *store.DB {
	t.Helper()
	return open(t, SeededDSN(t, engine, key, seed))
}

// SeededDSN is Seeded without opening the copy: it returns its DSN, so that a
// test can open it more than once (two app servers on one database).
func SeededDSN(t testing.TB, engine, key string, seed func(db *store.DB) error) string {
	t.Helper()
	templatesMu.Lock()
	tpl, ok := templates[engine+"/"+key]
	if !ok {
		tpl = &template{}
		templates[engine+"/"+key] = tpl
	}
	templatesMu.Unlock()
	tpl.once.Do(func() { tpl.ref, tpl.err = makeTemplate(engine, key, seed) })
	if tpl.err != nil {
		t.Fatalf("seed %s template %s: %v", engine, key, tpl.err)
	}
	if engine == "postgres" {
		return cloneDatabase(t, tpl.ref)
	}
	path := filepath.Join(t.TempDir(), "seeded.db")
	if err := copyFile(tpl.ref, path); err != nil {
		t.Fatal(err)
	}
	return "sqlite:" + path
}

func makeTemplate(engine, key string, seed func(db *store.DB) error) (string, error) {
	ctx := context.Background()
	var b [4]byte
	rand.Read(b[:])
	name := fmt.Sprintf("sdgdt_tpl_%s_%s", sanitize(key), hex.EncodeToString(b[:]))
	dsn := ""
	if engine == "postgres" {
		admin, err := sql.Open("pgx", os.Getenv("SDGDT_TEST_POSTGRES"))
		if err != nil {
			return "", err
		}
		defer admin.Close()
		if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
			return "", fmt.Errorf("create template database: %w", err)
		}
		dsn = withDatabase(os.Getenv("SDGDT_TEST_POSTGRES"), name)
	} else {
		dir, err := os.MkdirTemp("", "sdgdt-tpl-")
		if err != nil {
			return "", err
		}
		name = filepath.Join(dir, "template.db")
		dsn = "sqlite:" + name
	}
	fail := func(err error) (string, error) {
		if engine == "postgres" {
			if admin, e := sql.Open("pgx", os.Getenv("SDGDT_TEST_POSTGRES")); e == nil {
				admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
				admin.Close()
			}
		} else {
			os.RemoveAll(filepath.Dir(name))
		}
		return "", err
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return fail(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return fail(err)
	}
	if err := seed(db); err != nil {
		db.Close()
		return fail(err)
	}
	// Closing the last connection checkpoints SQLite's WAL into the file, and
	// lets PostgreSQL use the database as a template.
	if err := db.Close(); err != nil {
		return "", err
	}
	return name, nil
}

// cloneDatabase creates a database from a template and drops it at the end.
func cloneDatabase(t testing.TB, tpl string) string {
	t.Helper()
	base := os.Getenv("SDGDT_TEST_POSTGRES")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "sdgdt_t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + tpl); err != nil {
		admin.Close()
		t.Fatalf("clone template: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	return withDatabase(base, name)
}

// DropTemplates removes the template databases this test binary made. Call it
// from TestMain after m.Run.
func DropTemplates() {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	for k, tpl := range templates {
		if tpl.err != nil || tpl.ref == "" {
			continue
		}
		if strings.HasPrefix(k, "postgres/") {
			if admin, err := sql.Open("pgx", os.Getenv("SDGDT_TEST_POSTGRES")); err == nil {
				admin.Exec(`DROP DATABASE IF EXISTS ` + tpl.ref + ` WITH (FORCE)`)
				admin.Close()
			}
		} else {
			os.RemoveAll(filepath.Dir(tpl.ref))
		}
	}
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
