package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sdgdt/internal/store"
)

// Replication tests need a primary and a hot standby made from it with
// pg_basebackup. Rather than copy the SDGDT_TEST_POSTGRES cluster, which may
// hold large databases (the scale data sets) and whose settings and pg_hba are
// not the test's to change, the helper makes a small cluster of its own:
// initdb into a temporary folder, on a free port of 127.0.0.1, with the same
// locale as the test database; a standby of it is taken with
// pg_basebackup -R -X stream and started with hot_standby=on. Both run as the
// postgres user when the tests run as root (PostgreSQL refuses root). They
// are made once per test binary, when a test first asks, and stopped by
// StopReplication (call it from TestMain after m.Run); each test gets its own
// database on them.

// Replication is a database of a test's own on a primary and its standby.
type Replication struct {
	Primary string // DSN of the database on the primary
	Standby string // DSN of the same database on the standby
	c       *clusters
}

type clusters struct {
	once    sync.Once
	skip    string // why replication tests cannot run here
	err     error
	bin     string // PostgreSQL's programs
	dir     string // temporary folder holding both data folders
	primary int    // ports
	standby int
}

var repl clusters

// NewReplication returns a fresh database on a primary and the DSN of the
// same database on its hot standby, once the standby has it. It skips the
// test unless SDGDT_TEST_POSTGRES is set and PostgreSQL's server programs
// (initdb, pg_ctl, pg_basebackup) are found.
func NewReplication(t testing.TB) *Replication {
	t.Helper()
	if os.Getenv("SDGDT_TEST_POSTGRES") == "" {
		t.Skip("SDGDT_TEST_POSTGRES not set: replication tests need PostgreSQL")
	}
	repl.once.Do(func() { repl.skip, repl.err = repl.start() })
	if repl.skip != "" {
		t.Skip(repl.skip)
	}
	if repl.err != nil {
		t.Fatalf("start a primary and its standby: %v", repl.err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "sdgdt_r_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", repl.dsn(repl.primary, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	r := &Replication{Primary: repl.dsn(repl.primary, name), Standby: repl.dsn(repl.standby, name), c: &repl}
	// The standby has the database once it has replayed its creation.
	if err := waitFor(30*time.Second, func() error { return ping(r.Standby) }); err != nil {
		t.Fatalf("the standby did not get database %s: %v", name, err)
	}
	return r
}

// Open opens the primary's database, migrated; it is closed at the end of the test.
func (r *Replication) Open(t testing.TB) *store.DB {
	t.Helper()
	return open(t, r.Primary)
}

// PauseReplay stops the standby applying WAL (it keeps receiving it), as a
// standby that falls behind would.
func (r *Replication) PauseReplay(t testing.TB) {
	t.Helper()
	r.standbyExec(t, `SELECT pg_wal_replay_pause()`)
}

// ResumeReplay lets the standby catch up again.
func (r *Replication) ResumeReplay(t testing.TB) {
	t.Helper()
	r.standbyExec(t, `SELECT pg_wal_replay_resume()`)
}

func (r *Replication) standbyExec(t testing.TB, q string) {
	t.Helper()
	db, err := sql.Open("pgx", r.c.dsn(r.c.standby, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s on the standby: %v", q, err)
	}
}

// StopStandby shuts the standby down (fast: its sessions are ended).
func (r *Replication) StopStandby(t testing.TB) {
	t.Helper()
	if out, err := r.c.pgctl("stop", "-D", filepath.Join(r.c.dir, "standby"), "-m", "fast", "-w"); err != nil {
		t.Fatalf("stop the standby: %v\n%s", err, out)
	}
}

// StartStandby starts the standby again and waits until it serves the test's database.
func (r *Replication) StartStandby(t testing.TB) {
	t.Helper()
	if err := r.c.startStandby(); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(30*time.Second, func() error { return ping(r.Standby) }); err != nil {
		t.Fatalf("the standby does not answer: %v", err)
	}
}

// StopReplication stops the primary and the standby that NewReplication
// started, if it did, and removes their folders.
func StopReplication() {
	if repl.dir == "" {
		return
	}
	repl.pgctl("stop", "-D", filepath.Join(repl.dir, "standby"), "-m", "immediate", "-w")
	repl.pgctl("stop", "-D", filepath.Join(repl.dir, "primary"), "-m", "fast", "-w")
	os.RemoveAll(repl.dir)
	repl.dir = ""
}

func (c *clusters) dsn(port int, db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", port, db)
}

// start makes the primary and the standby. A non-empty first result skips.
func (c *clusters) start() (string, error) {
	c.bin = postgresBin()
	if c.bin == "" {
		return "PostgreSQL's initdb, pg_ctl and pg_basebackup not found (PATH, pg_config --bindir, /usr/lib/postgresql/*/bin): replication tests skipped", nil
	}
	if skip := canRunPostgres(); skip != "" {
		return skip, nil
	}
	locale := "C.UTF-8"
	if admin, err := sql.Open("pgx", os.Getenv("SDGDT_TEST_POSTGRES")); err == nil {
		admin.QueryRow(`SELECT datcollate FROM pg_database WHERE datname = current_database()`).Scan(&locale)
		admin.Close()
	}
	dir, err := os.MkdirTemp("", "sdgdt-repl-")
	if err != nil {
		return "", err
	}
	c.dir = dir
	if err := chownPostgres(dir); err != nil {
		return "", err
	}
	if c.primary, err = freePort(); err != nil {
		return "", err
	}
	if c.standby, err = freePort(); err != nil {
		return "", err
	}
	primary := filepath.Join(dir, "primary")
	if out, err := c.run("initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale="+locale); err != nil {
		return "", fmt.Errorf("initdb: %w\n%s", err, out)
	}
	// Small and local; wal_level replica and the replication lines of
	// initdb's pg_hba (127.0.0.1, trust) are the defaults, written anyway.
	conf := fmt.Sprintf("\nport = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nwal_level = replica\nmax_wal_senders = 4\nmax_connections = 60\nshared_buffers = 32MB\nhot_standby_feedback = on\n", c.primary, dir)
	if err := appendFile(filepath.Join(primary, "postgresql.conf"), conf); err != nil {
		return "", err
	}
	if err := appendFile(filepath.Join(primary, "pg_hba.conf"), "\nhost replication postgres 127.0.0.1/32 trust\n"); err != nil {
		return "", err
	}
	if out, err := c.pgctl("start", "-D", primary, "-l", filepath.Join(dir, "primary.log"), "-w"); err != nil {
		return "", fmt.Errorf("start the primary: %w\n%s", err, out)
	}
	standby := filepath.Join(dir, "standby")
	if out, err := c.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(c.primary), "-U", "postgres", "-D", standby, "-R", "-X", "stream", "-c", "fast"); err != nil {
		return "", fmt.Errorf("pg_basebackup: %w\n%s", err, out)
	}
	if err := c.startStandby(); err != nil {
		return "", err
	}
	return "", waitFor(30*time.Second, func() error { return ping(c.dsn(c.standby, "postgres")) })
}

func (c *clusters) startStandby() error {
	standby := filepath.Join(c.dir, "standby")
	opts := fmt.Sprintf("-p %d -c hot_standby=on", c.standby)
	if out, err := c.pgctl("start", "-D", standby, "-o", opts, "-l", filepath.Join(c.dir, "standby.log"), "-w"); err != nil {
		return fmt.Errorf("start the standby: %w\n%s", err, out)
	}
	return nil
}

func (c *clusters) pgctl(args ...string) ([]byte, error) { return c.run("pg_ctl", args...) }

// run runs one of PostgreSQL's programs, as the postgres user when we are root.
func (c *clusters) run(prog string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, prog), args...)
	cmd.Dir = c.dir
	if err := asPostgres(cmd); err != nil {
		return nil, err
	}
	return cmd.CombinedOutput()
}

// postgresBin returns the folder holding initdb, pg_ctl and pg_basebackup.
func postgresBin() string {
	var dirs []string
	if p, err := exec.LookPath("pg_basebackup"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	debian, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(debian))) // the newest first (two-digit versions)
	dirs = append(dirs, debian...)
	for _, d := range dirs {
		found := true
		for _, prog := range []string{"initdb", "pg_ctl", "pg_basebackup"} {
			if _, err := os.Stat(filepath.Join(d, prog)); err != nil {
				found = false
			}
		}
		if found {
			return d
		}
	}
	return ""
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func ping(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

func waitFor(limit time.Duration, try func() error) error {
	deadline := time.Now().Add(limit)
	for {
		err := try()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("gave up after " + limit.String() + ": " + err.Error())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
