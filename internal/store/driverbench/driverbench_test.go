//go:build driverbench

package driverbench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	sqlite3mattn "github.com/mattn/go-sqlite3"
	ncruces "github.com/ncruces/go-sqlite3/driver"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
)

const demoPassword = "Demo@SoDanhGia2026"

func init() {
	// Under names of their own (mattn's "sqlite3" is renamed by -ldflags so
	// that it does not collide with ncruces'), wrapped for "$N" (wrap.go).
	sql.Register("driverbench-ncruces", numbered{&ncruces.SQLite{}})
	sql.Register("driverbench-mattn", numbered{&sqlite3mattn.SQLiteDriver{}})
}

// sqliteDriver is one driver under test, with its spelling of the product's
// connection settings (store.SQLiteDriver's doc): busy_timeout 10 s first,
// WAL, foreign keys, synchronous NORMAL; the writer BEGIN IMMEDIATE, readers
// BEGIN DEFERRED.
type sqliteDriver struct {
	name   string
	module string
	sql    string // the database/sql driver name
	dsn    func(file string, writer bool) string
}

var drivers = []sqliteDriver{
	{"modernc", "modernc.org/sqlite (pure Go)", store.SQLiteDriver.Name, store.SQLiteDriver.DSN},
	{"ncruces", "github.com/ncruces/go-sqlite3 (Wasm→Go, no cgo)", "driverbench-ncruces", func(file string, writer bool) string {
		lock := "deferred" // ncruces' default is immediate
		if writer {
			lock = "immediate"
		}
		return file + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=" + lock
	}},
	{"mattn", "github.com/mattn/go-sqlite3 (cgo)", "driverbench-mattn", func(file string, writer bool) string {
		dsn := file + "?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=1&_synchronous=NORMAL"
		if writer {
			dsn += "&_txlock=immediate"
		}
		return dsn
	}},
}

// fixture is the demo province on one driver, with the largest "toan" hk1
// sheet of a secondary class and its subject teacher.
type fixture struct {
	a       *app.App
	db      *store.DB
	p       *app.Principal
	sheet   int64
	version int64
	pupils  []int64
	fields  []string
	iter    int // saves so far: every save changes every cell
	class   string
	seed    time.Duration
	sqlite  string // SQLite's version as the driver reports it
	release func()
}

func setup(b *testing.B, d sqliteDriver) *fixture {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), d.name+".db")
	file := "file:" + (&url.URL{Path: path}).EscapedPath()
	saved := store.SQLiteDriver
	store.SQLiteDriver.Name, store.SQLiteDriver.DSN = d.sql, d.dsn
	db, err := store.Open(ctx, "sqlite:"+path)
	store.SQLiteDriver = saved
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{db: db}
	start := time.Now()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams // sign-in speed is not what is measured
	f.a = app.New(db, cfg, nil)
	accts, err := demo.Seed(ctx, f.a, demoPassword)
	if err != nil {
		b.Fatalf("%s: demo seed: %v %v", d.name, err, sdgdt.ErrorFields(err))
	}
	f.a.WaitResults()
	f.seed = time.Since(start)
	if f.sqlite, err = checkSettings(ctx, d, file); err != nil {
		b.Fatalf("%s: %v", d.name, err)
	}

	// The sheet: the "toan" hk1 sheet of an unsigned class with the most
	// pupils (ties: lowest id;
	// the demo is deterministic, so every driver gets the same one).
	var teacher int64
	err = db.View(ctx, func(tx *store.Tx) error {
		best := 0
		for _, ac := range accts {
			u, err := tx.UserByUsername(ac.Username)
			if err != nil {
				return err
			}
			ts, err := tx.TeacherSheets(u.ID)
			if err != nil {
				return err
			}
			for _, t := range ts {
				if t.Subject != "toan" || t.Term != "hk1" || t.SheetID == 0 {
					continue
				}
				// Not a signed class: a save there also rebuilds every signed
				// document of the class to see whether it changed (the demo
				// signs THCS Nguyễn Du's 6A1 through), which is not the
				// ordinary save.
				sigs, err := tx.ValidSignaturesOfClass(t.SchoolID, t.ClassID, []string{"hk1", "year"})
				if err != nil {
					return err
				}
				ps, err := tx.StudyingPupils(t.ClassID)
				if err != nil {
					return err
				}
				if len(sigs) > 0 {
					continue
				}
				if len(ps) > best || len(ps) == best && t.SheetID < f.sheet {
					best, f.sheet, teacher = len(ps), t.SheetID, t.TeacherID
				}
			}
		}
		if f.sheet == 0 {
			return fmt.Errorf("no toan hk1 sheet in the demo")
		}
		p := &app.Principal{IP: "192.0.2.1", RequestID: "driverbench"}
		if p.User, err = tx.User(teacher); err != nil {
			return err
		}
		p.Roles, err = tx.RolesOf(teacher)
		f.p = p
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	v, err := f.a.GetSheet(ctx, f.p, f.sheet)
	if err != nil {
		b.Fatal(err)
	}
	f.version = v.Sheet.Version
	f.class = v.School.Name + ", " + v.Class.Name
	f.fields = append(v.RegularFields(), "midterm", "final")
	for _, r := range v.Rows {
		f.pupils = append(f.pupils, r.PupilID)
	}
	// The background recomputation of results that a save starts is held
	// from here on (before the first save: a running recomputation goes on
	// while saves keep kicking it): what is measured is the save
	// transaction, not the recomputation competing with it for the CPU and
	// the writer.
	f.release = f.a.HoldResults()
	// One save first, outside the loops: the demo's marks equal some of
	// the first values, and the writer's statements get prepared.
	if err := f.save(ctx, false); err != nil {
		b.Fatal(err)
	}
	return f
}

func (f *fixture) close() {
	f.release()
	f.a.WaitResults()
	f.db.Close()
}

// checkSettings opens the writer's and a reader's DSN of the driver and
// checks that they set the product's pragmas, and that only the writer's
// transactions take the write lock at BEGIN; it returns SQLite's version.
func checkSettings(ctx context.Context, d sqliteDriver, file string) (string, error) {
	var version string
	for _, writer := range []bool{true, false} {
		err := func() error {
			pool, err := sql.Open(d.sql, d.dsn(file, writer))
			if err != nil {
				return err
			}
			defer pool.Close()
			want := map[string]string{"journal_mode": "wal", "busy_timeout": "10000", "foreign_keys": "1", "synchronous": "1"}
			for _, k := range []string{"journal_mode", "busy_timeout", "foreign_keys", "synchronous"} {
				var got string
				if err := pool.QueryRowContext(ctx, "PRAGMA "+k).Scan(&got); err != nil {
					return fmt.Errorf("PRAGMA %s: %w", k, err)
				}
				if strings.ToLower(got) != want[k] {
					return fmt.Errorf("writer=%v: PRAGMA %s = %s, want %s", writer, k, got, want[k])
				}
			}
			if err := pool.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version); err != nil {
				return err
			}
			// BEGIN of the pool, then another connection asks for the write
			// lock without waiting: refused after BEGIN IMMEDIATE only.
			tx, err := pool.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			other, err := pool.Conn(ctx)
			if err != nil {
				return err
			}
			defer other.Close()
			if _, err := other.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
				return err
			}
			_, err = other.ExecContext(ctx, "BEGIN IMMEDIATE")
			if err == nil {
				other.ExecContext(ctx, "ROLLBACK")
			}
			if locked := err != nil; locked != writer {
				return fmt.Errorf("writer=%v: a transaction's BEGIN took the write lock: %v (err %v)", writer, locked, err)
			}
			return nil
		}()
		if err != nil {
			return "", err
		}
	}
	return version, nil
}

// value is the text of cell k at save i: each save changes every cell.
func value(i, k int) string {
	v := strconv.Itoa(3 + (i+k)%7)
	if (i+k)%3 == 0 {
		v += ",5"
	}
	return v
}

// save is the product's full-sheet save, as the grid's autosave sends it.
// Every cell must change (exact), but on the first save.
func (f *fixture) save(ctx context.Context, exact bool) error {
	f.iter++
	changes := make([]app.SheetChange, 0, len(f.pupils)*len(f.fields))
	for j, id := range f.pupils {
		for k, field := range f.fields {
			changes = append(changes, app.SheetChange{PupilID: id, Field: field, Value: app.CellValue{Number: true, Text: value(f.iter, j*len(f.fields)+k)}})
		}
	}
	res, err := f.a.PatchSheet(ctx, f.p, f.sheet, app.SheetPatch{Version: f.version, Changes: changes, Via: app.ViaGrid})
	if err != nil {
		return err
	}
	if exact && res.Changed != len(changes) {
		return fmt.Errorf("save %d changed %d cells of %d", f.iter, res.Changed, len(changes))
	}
	f.version = res.Version
	return nil
}

// raw writes the same cells, their history rows and the sheet's version
// straight through the store (no rights, lock, validation, conflict check,
// audit entry nor stale results): the reference, as cmd/sdgdt-load's raw loop.
func (f *fixture) raw(ctx context.Context) error {
	f.iter++
	return f.db.Update(ctx, func(tx *store.Tx) error {
		sh, err := tx.Sheet(f.sheet)
		if err != nil {
			return err
		}
		writes := make([]sdgdt.CellWrite, 0, len(f.pupils)*len(f.fields))
		for j, id := range f.pupils {
			for k, field := range f.fields {
				writes = append(writes, sdgdt.CellWrite{PupilID: id, Field: field, Value: strings.Replace(value(f.iter, j*len(f.fields)+k), ",", ".", 1)})
			}
		}
		v, err := tx.BumpSheet(f.sheet)
		if err != nil {
			return err
		}
		f.version = v
		return tx.WriteCells(sh, v, writes, sdgdt.WriteMeta{By: f.p.User.ID, Via: app.ViaAPI})
	})
}

type stats struct {
	n        int
	rate     float64 // per second
	p50, p95 time.Duration
	cpu      time.Duration // CPU time of the process per operation (user + system)
}

// cpuTime is the CPU time the process used so far: on a machine shared with
// other work it varies less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs op b.N times back to back (one client: a closed loop) and
// reports saves/s and the median and p95 latency.
func loop(b *testing.B, op func(context.Context) error) stats {
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := op(ctx); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	el := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	if len(lat) >= 40 { // a save's cost grows with the saves before it
		var first, last time.Duration
		for i := 0; i < 20; i++ {
			first += lat[i]
			last += lat[len(lat)-1-i]
		}
		b.Logf("mean of the first 20: %.1f ms, of the last 20: %.1f ms", ms(first/20), ms(last/20))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	s := stats{n: b.N, rate: float64(b.N) / el.Seconds(), p50: lat[len(lat)/2], p95: lat[min(len(lat)-1, len(lat)*95/100)], cpu: cpu / time.Duration(b.N)}
	b.ReportMetric(ms(s.cpu), "cpu-ms/op")
	b.ReportMetric(s.rate, "saves/s")
	b.ReportMetric(ms(s.p50), "p50-ms")
	b.ReportMetric(ms(s.p95), "p95-ms")
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkSave runs, for each driver in turn, in one run: the demo seeded
// through the driver, then the full-sheet save in a closed loop (save), then
// the raw loop of the same writes (raw), and prints a table.
// DRIVERBENCH_DRIVERS=mattn,modernc runs only those, in that order.
func BenchmarkSave(b *testing.B) {
	type row struct {
		d         sqliteDriver
		sqlite    string
		seed      time.Duration
		cells     int
		class     string
		save, raw stats
	}
	var rows []row
	run := drivers
	if only := os.Getenv("DRIVERBENCH_DRIVERS"); only != "" { // in that order
		run = nil
		for _, name := range strings.Split(only, ",") {
			i := slices.IndexFunc(drivers, func(d sqliteDriver) bool { return d.name == name })
			if i < 0 {
				b.Fatalf("DRIVERBENCH_DRIVERS: no driver %q", name)
			}
			run = append(run, drivers[i])
		}
	}
	for _, d := range run {
		f := setup(b, d)
		r := row{d: d, sqlite: f.sqlite, seed: f.seed, cells: len(f.pupils) * len(f.fields), class: f.class}
		b.Run(d.name+"/save", func(b *testing.B) { r.save = loop(b, func(ctx context.Context) error { return f.save(ctx, true) }) })
		b.Run(d.name+"/raw", func(b *testing.B) { r.raw = loop(b, f.raw) })
		f.close()
		rows = append(rows, r)
	}
	w := os.Stdout
	fmt.Fprintf(w, "\nfull-sheet save of %s toan hk1 (%d cells: app.PatchSheet, closed loop, 1 client) and raw loop (same upserts and history rows, store only)\n", rows[0].class, rows[0].cells)
	fmt.Fprintf(w, "%-8s %-7s %8s | %7s %7s %7s %7s %5s | %7s %7s %7s %7s %5s\n", "driver", "sqlite", "seed", "saves/s", "p50 ms", "p95 ms", "cpu ms", "n", "raw/s", "p50 ms", "p95 ms", "cpu ms", "n")
	for _, r := range rows {
		fmt.Fprintf(w, "%-8s %-7s %7.1fs | %7.1f %7.1f %7.1f %7.1f %5d | %7.1f %7.1f %7.1f %7.1f %5d\n", r.d.name, r.sqlite, r.seed.Seconds(),
			r.save.rate, ms(r.save.p50), ms(r.save.p95), ms(r.save.cpu), r.save.n, r.raw.rate, ms(r.raw.p50), ms(r.raw.p95), ms(r.raw.cpu), r.raw.n)
	}
	fmt.Fprintln(w, "each driver's writer and reader DSN checked: journal_mode=wal, busy_timeout=10000, foreign_keys=1, synchronous=1 (NORMAL); writer BEGIN IMMEDIATE, readers DEFERRED")
}

func TestQuestionMarks(t *testing.T) {
	for in, want := range map[string]string{
		`UPDATE sheets SET version = version + 1, updated_at = $2 WHERE id = $1 RETURNING version`: `UPDATE sheets SET version = version + 1, updated_at = ?2 WHERE id = ?1 RETURNING version`,
		`SELECT '$1', "a$2" FROM t WHERE x = $10 AND y = ?`:                                        `SELECT '$1', "a$2" FROM t WHERE x = ?10 AND y = ?`,
		`SELECT 1`: `SELECT 1`,
	} {
		if got := questionMarks(in); got != want {
			t.Errorf("questionMarks(%q) = %q, want %q", in, got, want)
		}
	}
}
