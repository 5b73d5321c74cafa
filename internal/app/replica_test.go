package app_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// The read replica (docs/performance.md, "Read replica for dashboards and
// statistics"): the dashboards read a hot standby while its lag is within the
// bound, the primary otherwise. The standby is a real one (storetest.NewReplication).

// TestReplicaRefused checks that a replica is refused on SQLite and when the
// server named is not a standby.
func TestReplicaRefused(t *testing.T) {
	ctx := context.Background()
	lite := storetest.OpenSQLite(t)
	if err := lite.AttachReplica(ctx, "postgres://postgres@127.0.0.1:5432/x", 10*time.Second); err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Errorf("SQLite with a replica: %v, want a refusal naming PostgreSQL", err)
	}
	// Stale is View on SQLite.
	if err := lite.Stale(ctx, func(tx *store.Tx) error { _, err := tx.IsEmpty(); return err }); err != nil {
		t.Errorf("Stale on SQLite: %v", err)
	}
	if rs := lite.ReplicaStats(); rs.Attached {
		t.Errorf("SQLite reports a replica: %+v", rs)
	}
	dsn := storetest.DSN(t, "postgres")
	pg, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if err := pg.AttachReplica(ctx, dsn, 10*time.Second); err == nil || !strings.Contains(err.Error(), "not a standby") {
		t.Errorf("the primary as its own replica: %v, want «not a standby»", err)
	}
	if rs := pg.ReplicaStats(); rs.Attached {
		t.Errorf("a refused replica is attached: %+v", rs)
	}
	// A standby of another cluster, and the right standby's other database.
	r := storetest.NewReplication(t)
	if err := pg.AttachReplica(ctx, r.Standby, 10*time.Second); err == nil || !strings.Contains(err.Error(), "another cluster") {
		t.Errorf("a standby of another cluster: %v, want «another cluster»", err)
	}
	primary := r.Open(t)
	other := r.Standby[:strings.LastIndex(r.Standby, "/")] + "/postgres?sslmode=disable"
	if err := primary.AttachReplica(ctx, other, 10*time.Second); err == nil || !strings.Contains(err.Error(), "database") {
		t.Errorf("the standby's other database: %v, want a refusal naming the database", err)
	}
	if err := primary.AttachReplica(ctx, r.Standby, 10*time.Second); err != nil {
		t.Errorf("the standby of the same database: %v", err)
	}
}

// replicaBook is the test book on the primary of a replication, with the
// standby attached, and a second App that reads the primary only, for
// comparing what each returns.
type replicaBook struct {
	*book
	r       *storetest.Replication
	primary *app.App
}

func newReplicaBook(t *testing.T, maxLag time.Duration) *replicaBook {
	t.Helper()
	r := storetest.NewReplication(t)
	db := r.Open(t)
	b := newBook(t, newWorld(t, db), 3)
	if err := db.AttachReplica(b.ctx, r.Standby, maxLag); err != nil {
		t.Fatal(err)
	}
	only, err := store.Open(b.ctx, r.Primary)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { only.Close() })
	cfg := app.DefaultConfig()
	cfg.Clock = b.clk.Now
	cfg.Argon = auth.TestParams
	return &replicaBook{book: b, r: r, primary: app.New(only, cfg, nil)}
}

// entered reads the live progress of school A1 through the dashboard, and
// says whether the replica served the read.
func (b *replicaBook) entered() (entered int, onReplica bool) {
	b.t.Helper()
	before := b.db.ReplicaStats()
	sp, err := b.a.Progress(b.ctx, b.as("a1.leader"), b.school["A1"].ID, app.ProgressQuery{})
	b.must(err)
	after := b.db.ReplicaStats()
	if after.Replica+after.Primary != before.Replica+before.Primary+1 {
		b.t.Fatalf("one dashboard read counted %d times", after.Replica+after.Primary-before.Replica-before.Primary)
	}
	return sp.Entered, after.Replica == before.Replica+1
}

// waitEntered reads the dashboard until it shows want, served by the replica
// (onReplica) or by the primary, and returns how long that took.
func (b *replicaBook) waitEntered(want int, onReplica bool, limit time.Duration) time.Duration {
	b.t.Helper()
	start := time.Now()
	for {
		got, replica := b.entered()
		if got == want && replica == onReplica {
			return time.Since(start)
		}
		if got != want && !replica {
			b.t.Fatalf("the primary served %d entered, want %d: a fallback read must be fresh", got, want)
		}
		if time.Since(start) > limit {
			b.t.Fatalf("after %s: entered %d (replica %v), want %d from the replica %v; replica %+v", limit, got, replica, want, onReplica, b.db.ReplicaStats())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestReplicaServesDashboards checks that the dashboards read the standby,
// that a save on the primary shows there within seconds, and that the
// statistics and progress use cases return through the replica what they
// return from the primary.
func TestReplicaServesDashboards(t *testing.T) {
	b := newReplicaBook(t, 10*time.Second)
	base, _ := b.entered()
	if _, err := b.patch("a1.math", "toan.hk1", 0, ch(b.pupils[0], "regular[0]", num("8"))); err != nil {
		t.Fatal(err)
	}
	took := b.waitEntered(base+1, true, 5*time.Second)
	t.Logf("a save became visible on the replica's dashboard after %s", took.Round(time.Millisecond))

	// The same figures through the replica as from the primary, once the
	// results' recomputation has stored what the statistics count.
	b.a.WaitResults()
	leader, board := b.as("a1.leader"), b.as("pa.board")
	reads := map[string]func(a *app.App) (any, error){
		"SchoolStatistics": func(a *app.App) (any, error) {
			return a.SchoolStatistics(b.ctx, board, b.school["A1"].ID, app.StatsQuery{})
		},
		"UnitStatistics": func(a *app.App) (any, error) {
			return a.UnitStatistics(b.ctx, b.as("so.admin"), b.units["SO"].ID, app.StatsQuery{Term: "hk1"})
		},
		// The live figures are as of the transaction's clock reading, which
		// the test clock moves at every reading: the moment is left out.
		"Progress": func(a *app.App) (any, error) {
			sp, err := a.Progress(b.ctx, leader, b.school["A1"].ID, app.ProgressQuery{Period: "2026-10"})
			sp.Period.AsOf = time.Time{}
			return sp, err
		},
		"UnitProgressOf": func(a *app.App) (any, error) {
			up, err := a.UnitProgressOf(b.ctx, board, b.units["PA"].ID, "")
			up.Period.AsOf = time.Time{}
			for i := range up.Schools {
				up.Schools[i].Period.AsOf = time.Time{}
			}
			return up, err
		},
	}
	names := make([]string, 0, len(reads))
	for name := range reads {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		read := reads[name]
		want, err := read(b.primary)
		if err != nil {
			t.Fatalf("%s from the primary: %v", name, err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			before := b.db.ReplicaStats().Replica
			got, err := read(b.a)
			if err != nil {
				t.Fatalf("%s through Stale: %v", name, err)
			}
			onReplica := b.db.ReplicaStats().Replica > before
			if onReplica && reflect.DeepEqual(got, want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: through the replica (%v)\n%+v\nfrom the primary\n%+v", name, onReplica, got, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if rs := b.db.ReplicaStats(); !rs.Up || rs.Replica == 0 || rs.Lag > time.Second {
		t.Errorf("replica after the reads: %+v", rs)
	}
}

// TestReplicaFallback checks that reads go to the primary, fresh, when the
// standby falls behind its bound or stops, and back to it once it catches up.
func TestReplicaFallback(t *testing.T) {
	b := newReplicaBook(t, 10*time.Second)
	base, _ := b.entered()
	b.waitEntered(base, true, 5*time.Second)
	version := int64(0)
	save := func(pupil int, v string) {
		t.Helper()
		res, err := b.patch("a1.math", "toan.hk1", version, ch(b.pupils[pupil], "regular[0]", num(v)))
		if err != nil {
			t.Fatal(err)
		}
		version = res.Version
	}

	// A tiny bound and a standby that stopped replaying: the primary serves
	// every read, with the save just made.
	b.r.PauseReplay(t)
	resumed := false
	defer func() {
		if !resumed {
			b.r.ResumeReplay(t)
		}
	}()
	b.must(b.db.AttachReplica(b.ctx, b.r.Standby, time.Millisecond))
	save(0, "8")
	for range 5 {
		if got, replica := b.entered(); got != base+1 || replica {
			t.Fatalf("paused standby, tiny bound: entered %d (replica %v), want %d from the primary", got, replica, base+1)
		}
	}

	// A bound of 2 s: the paused standby may serve the older figures until
	// its measured lag passes the bound, then the primary serves.
	b.must(b.db.AttachReplica(b.ctx, b.r.Standby, 2*time.Second))
	save(1, "9")
	took := b.waitEntered(base+2, false, 10*time.Second)
	if rs := b.db.ReplicaStats(); !rs.Up || rs.Lag < 500*time.Millisecond {
		t.Errorf("paused standby: %+v, want it up with a lag of half a second or more", rs)
	}
	t.Logf("paused standby, bound 2 s: the primary served after %s", took.Round(time.Millisecond))
	b.r.ResumeReplay(t)
	resumed = true
	took = b.waitEntered(base+2, true, 10*time.Second)
	t.Logf("replay resumed: the replica served again after %s", took.Round(time.Millisecond))

	// A stopped standby: the primary serves; started again, the replica does.
	b.r.StopStandby(t)
	save(2, "7")
	for range 3 {
		if got, replica := b.entered(); got != base+3 || replica {
			t.Fatalf("stopped standby: entered %d (replica %v), want %d from the primary", got, replica, base+3)
		}
	}
	if rs := b.db.ReplicaStats(); rs.Up {
		t.Errorf("stopped standby reported up: %+v", rs)
	}
	// Attached while it is stopped (a server starting before its standby):
	// attached all the same, unverified; the primary serves until it answers.
	if err := b.db.AttachReplica(b.ctx, b.r.Standby, 10*time.Second); !errors.Is(err, store.ErrReplicaUnreachable) {
		t.Fatalf("attach a stopped standby: %v, want ErrReplicaUnreachable", err)
	}
	if rs := b.db.ReplicaStats(); !rs.Attached || rs.Up {
		t.Errorf("a stopped standby attached: %+v, want attached and not up", rs)
	}
	if got, replica := b.entered(); got != base+3 || replica {
		t.Fatalf("standby stopped at attach: entered %d (replica %v), want %d from the primary", got, replica, base+3)
	}
	b.r.StartStandby(t)
	took = b.waitEntered(base+3, true, 15*time.Second)
	t.Logf("standby started again: the replica served after %s", took.Round(time.Millisecond))
	if rs := b.db.ReplicaStats(); rs.Refused != "" {
		t.Errorf("the standby, verified once it answered: refused %q", rs.Refused)
	}
}

// TestReplicaFailsMidRead checks that a read the replica fails half-way (its
// connection ended under it) is made again on the primary, once, and that a
// refusal of the application read there is not.
func TestReplicaFailsMidRead(t *testing.T) {
	b := newReplicaBook(t, 10*time.Second)
	base, _ := b.entered()
	b.waitEntered(base, true, 5*time.Second)
	standby, err := sql.Open("pgx", b.r.Standby)
	if err != nil {
		t.Fatal(err)
	}
	defer standby.Close()
	if err := standby.PingContext(b.ctx); err != nil {
		t.Fatal(err)
	}
	before := b.db.ReplicaStats()
	calls := 0
	err = b.db.Stale(b.ctx, func(tx *store.Tx) error {
		calls++
		if calls == 1 { // on the replica: end its connections, this one with them
			if _, err := standby.ExecContext(b.ctx, `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
				WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname = current_database()`); err != nil {
				t.Fatal(err)
			}
		}
		_, err := tx.IsEmpty()
		return err
	})
	after := b.db.ReplicaStats()
	if err != nil || calls != 2 {
		t.Fatalf("read whose replica connection ended: err %v after %d calls, want it made again on the primary (2 calls)", err, calls)
	}
	if after.Primary != before.Primary+1 || after.Replica != before.Replica {
		t.Errorf("reads counted: replica %d → %d, primary %d → %d; want the primary's one more", before.Replica, after.Replica, before.Primary, after.Primary)
	}
	// The replica serves again after its next check; a refusal read there is
	// the answer, not made again.
	b.waitEntered(base, true, 5*time.Second)
	after = b.db.ReplicaStats()
	if _, err := b.a.Progress(b.ctx, b.as("b1.leader"), b.school["A1"].ID, app.ProgressQuery{}); sdgdt.ErrorCode(err) != sdgdt.EFORBIDDEN {
		t.Errorf("another school's leader on A1's dashboard: %v, want forbidden", err)
	}
	if rs := b.db.ReplicaStats(); rs.Primary != after.Primary || rs.Replica != after.Replica+1 {
		t.Errorf("a refusal read on the replica: %+v, want it counted on the replica only (before: %+v)", rs, after)
	}
}

// TestReplicaLagUnderBurst measures the replication lag under a burst of 200
// saves, for docs/performance.md: each save's commit position on the primary
// against the standby's replay position, polled every 2 ms; and where the
// dashboard reads made meanwhile went.
func TestReplicaLagUnderBurst(t *testing.T) {
	b := newReplicaBook(t, 10*time.Second)
	primary, err := sql.Open("pgx", b.r.Primary)
	b.must(err)
	defer primary.Close()
	standby, err := sql.Open("pgx", b.r.Standby)
	b.must(err)
	defer standby.Close()

	type sample struct {
		at  time.Time
		lsn string
	}
	var (
		mu       sync.Mutex
		replays  []sample
		measured time.Duration // the largest lag the store's checks found
		done     = make(chan struct{})
		wg       sync.WaitGroup
	)
	wg.Add(2)
	go func() { // the standby's replay position
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			var lsn string
			if err := standby.QueryRow(`SELECT pg_last_wal_replay_lsn()::text`).Scan(&lsn); err == nil {
				mu.Lock()
				replays = append(replays, sample{time.Now(), lsn})
				mu.Unlock()
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	leader := b.as("a1.leader")
	go func() { // a dashboard reader
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := b.a.Progress(b.ctx, leader, b.school["A1"].ID, app.ProgressQuery{}); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			measured = max(measured, b.db.ReplicaStats().Lag)
			mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
	}()

	before := b.db.ReplicaStats()
	const saves = 200
	var commits []sample
	version := int64(0)
	fields := []string{"regular[0]", "regular[1]", "regular[2]", "regular[3]", "midterm", "final"}
	start := time.Now()
	for i := range saves {
		v := []string{"5", "6", "7", "8", "9"}[i%5]
		res, err := b.patch("a1.math", "toan.hk1", version, ch(b.pupils[i%len(b.pupils)], fields[i/len(b.pupils)%len(fields)], num(v)))
		if err != nil {
			t.Fatal(err)
		}
		version = res.Version
		var lsn string
		b.must(primary.QueryRow(`SELECT pg_current_wal_lsn()::text`).Scan(&lsn))
		commits = append(commits, sample{time.Now(), lsn})
	}
	burst := time.Since(start)
	time.Sleep(500 * time.Millisecond)
	close(done)
	wg.Wait()
	after := b.db.ReplicaStats()

	var lags []time.Duration
	for _, c := range commits {
		want := lsnValue(t, c.lsn)
		lag := time.Duration(-1)
		for _, r := range replays {
			if !r.at.Before(c.at) && lsnValue(t, r.lsn) >= want {
				lag = r.at.Sub(c.at)
				break
			}
		}
		if lag < 0 {
			t.Fatalf("save at %s (%s) never replayed", c.at.Format(time.StampMilli), c.lsn)
		}
		lags = append(lags, lag)
	}
	slices.Sort(lags)
	ms := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	t.Logf("%d saves in %s (%.0f saves/s); replication lag: median %s, p95 %s, max %s (polled every 2 ms); dashboard reads during the burst: %d on the replica, %d on the primary; largest lag the store's checks measured %s",
		saves, burst.Round(time.Millisecond), float64(saves)/burst.Seconds(), ms(lags[len(lags)/2]), ms(lags[len(lags)*95/100]), ms(lags[len(lags)-1]),
		after.Replica-before.Replica, after.Primary-before.Primary, ms(measured))
	if lags[len(lags)-1] > 5*time.Second {
		t.Errorf("max lag %s under a burst of %d saves", lags[len(lags)-1], saves)
	}
}

// lsnValue reads a pg_lsn text ("0/3431000") as a number.
func lsnValue(t *testing.T, s string) uint64 {
	t.Helper()
	hi, lo, _ := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad LSN %q", s)
	}
	return h<<32 | l
}
