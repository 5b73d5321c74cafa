package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/archive"
	"sdgdt/internal/assess"
	"sdgdt/internal/audit"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
	"sdgdt/internal/web"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// exitError ends the program with a status and no further message.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

const usage = `sdgdt — Sổ đánh giá điện tử (electronic assessment book)

Usage:
  sdgdt serve   [--db DSN] [--addr HOST:PORT] [--demo] [--demo-password P] [--replica-db DSN] [--replica-max-lag 10s]
  sdgdt migrate [--db DSN]
  sdgdt demo    [--db DSN] --password P [--json] [--scale N]
  sdgdt admin   create-user|reset-password|grant [flags]   (sdgdt admin -h)
  sdgdt audit   verify [--db DSN] [--heads FILE]
  sdgdt audit   heads  [--db DSN] [--out FILE]
  sdgdt backup  [--db DSN] --out FILE
  sdgdt archive export [--db DSN] --school ID --year 2026-2027 --out FILE.zip
  sdgdt archive verify FILE.zip
  sdgdt print   books [--db DSN] --school ID --term hk1|hk2|year|gk1|ck1|gk2|cn --out FILE.zip
  sdgdt print   status [--db DSN] --job ID
  sdgdt ca      init|issue|revoke [flags]                   (sdgdt ca)
  sdgdt sign    verify [--db DSN] [--school ID] [--trust-roots FILE]
  sdgdt stats   [--db DSN] --unit ID|--school ID [--year Y] [--term hk1|hk2|year] [--kind K] [--grade G] [--xlsx FILE] [--json]
  sdgdt rules   eval  < pupil.json
  sdgdt version

DSN: sqlite:./data/sdgdt.db (default) or postgres://user@host/db.
Every flag can also be set as SDGDT_<NAME> (e.g. SDGDT_DB, SDGDT_ADDR).
`

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return exitError(2)
	}
	cmd, rest := args[1], args[2:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, getenv, stdout, stderr)
	case "admin":
		return cmdAdmin(ctx, rest, getenv, stdout, stderr)
	case "audit":
		switch {
		case len(rest) > 0 && rest[0] == "verify":
			return cmdAuditVerify(ctx, rest[1:], getenv, stdout, stderr)
		case len(rest) > 0 && rest[0] == "heads":
			return cmdAuditHeads(ctx, rest[1:], getenv, stdout, stderr)
		}
		fmt.Fprintln(stderr, "usage: sdgdt audit verify [--db DSN] [--heads FILE] | sdgdt audit heads [--db DSN] [--out FILE]")
		return exitError(2)
	case "backup":
		return cmdBackup(ctx, rest, getenv, stdout, stderr)
	case "archive":
		return cmdArchive(ctx, rest, getenv, stdout, stderr)
	case "print":
		return cmdPrint(ctx, rest, getenv, stdout, stderr)
	case "ca":
		return cmdCA(ctx, rest, getenv, stdout, stderr)
	case "sign":
		return cmdSign(ctx, rest, getenv, stdout, stderr)
	case "stats":
		return cmdStats(ctx, rest, getenv, stdout, stderr)
	case "rules":
		if len(rest) == 0 || rest[0] != "eval" {
			fmt.Fprintln(stderr, "usage: sdgdt rules eval < input.json")
			return exitError(2)
		}
		if code := assess.EvalCommand(stdin, stdout, stderr); code != 0 {
			return exitError(code)
		}
		return nil
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "sdgdt", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "Lệnh không có: %q (unknown command)\n\n%s", cmd, usage)
	return exitError(2)
}

// flagSet returns a flag set whose defaults come from SDGDT_* variables.
type config struct {
	fs     *flag.FlagSet
	getenv func(string) string
}

func newConfig(name string, getenv func(string) string, stderr io.Writer) *config {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &config{fs: fs, getenv: getenv}
}

func envName(flagName string) string {
	return "SDGDT_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (c *config) str(name, def, help string) *string {
	if v := c.getenv(envName(name)); v != "" {
		def = v
	}
	return c.fs.String(name, def, help+" ("+envName(name)+")")
}

func (c *config) boolean(name string, def bool, help string) *bool {
	if v := c.getenv(envName(name)); v != "" {
		def = v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes")
	}
	return c.fs.Bool(name, def, help+" ("+envName(name)+")")
}

func (c *config) duration(name string, def time.Duration, help string) *time.Duration {
	if v := c.getenv(envName(name)); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			def = d
		}
	}
	return c.fs.Duration(name, def, help+" ("+envName(name)+")")
}

func (c *config) parse(args []string) error {
	if err := c.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitError(0)
		}
		return exitError(2)
	}
	return nil
}

const defaultDB = "sqlite:./data/sdgdt.db"

// openDB opens and migrates the database.
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("serve", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	addr := c.str("addr", "127.0.0.1:8080", "listen address")
	seed := c.boolean("demo", false, "seed the demo province into an empty database first")
	demoPW := c.str("demo-password", "Demo@SoDanhGia2026", "password of the demo accounts")
	secure := c.boolean("secure-cookies", false, "mark cookies Secure (serve behind TLS)")
	proxy := c.boolean("trust-proxy", false, "take the client address from X-Forwarded-For")
	metricsToken := c.str("metrics-token", "", "bearer token that lets other hosts read /metrics (loopback needs none)")
	idle := c.duration("idle-timeout", 30*time.Minute, "web session idle timeout")
	absolute := c.duration("absolute-timeout", 12*time.Hour, "web session absolute timeout")
	mfaRoles := c.str("mfa-roles", "", "comma-separated roles that must use a second factor (default: administrators and leaders; 'none' for none)")
	logJSON := c.boolean("log-json", false, "log as JSON")
	publicURL := c.str("public-url", "", "address people reach the server at, for the verification links on printed documents (default http://ADDR)")
	jobsDir := c.str("jobs-dir", "./data/jobs", "where the background print jobs keep their results")
	caPass := c.str("ca-passphrase", "", "passphrase of the province CA's key, to enrol signers on the web (demo: the demo password)")
	trustRoots := c.str("trust-roots", "", "PEM file of trusted roots of licensed CAs, besides the province CA")
	replicaDB := c.str("replica-db", "", "PostgreSQL hot standby of --db (same database) that serves the dashboards' and statistics' reads")
	replicaLag := c.duration("replica-max-lag", 10*time.Second, "the replica serves while its replay lag is at most this; the primary otherwise")
	if err := c.parse(args); err != nil {
		return err
	}
	var log *slog.Logger
	if *logJSON {
		log = slog.New(slog.NewJSONHandler(stderr, nil))
	} else {
		log = slog.New(slog.NewTextHandler(stderr, nil))
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *replicaDB != "" {
		switch err := db.AttachReplica(ctx, *replicaDB, *replicaLag); {
		case errors.Is(err, store.ErrReplicaUnreachable):
			log.Warn("read replica not answering: the primary serves the dashboards and statistics until it does", "err", err.Error())
		case err != nil:
			return fmt.Errorf("--replica-db: %w", err)
		default:
			log.Info("read replica attached for dashboards and statistics", "max_lag", replicaLag.String())
		}
	}
	cfg := app.DefaultConfig()
	cfg.IdleTimeout, cfg.AbsoluteTimeout = *idle, *absolute
	cfg.PublicURL = *publicURL
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + *addr
	}
	if cfg.TrustRoots, err = loadTrustRoots(*trustRoots); err != nil {
		return err
	}
	cfg.CAPassphrase = *caPass
	if cfg.CAPassphrase == "" && *seed {
		cfg.CAPassphrase = *demoPW // the demo's CA is sealed under the demo password
	}
	if *mfaRoles != "" {
		cfg.MFARoles = map[string]bool{}
		for _, r := range strings.Split(*mfaRoles, ",") {
			if r = strings.TrimSpace(r); r != "" && r != "none" {
				if _, ok := sdgdt.Role(r); !ok {
					return fmt.Errorf("--mfa-roles: unknown role %q", r)
				}
				cfg.MFARoles[r] = true
			}
		}
	}
	a := app.New(db, cfg, log)
	if *seed {
		empty := false
		if err := db.View(ctx, func(tx *store.Tx) error { empty, err = tx.IsEmpty(); return err }); err != nil {
			return err
		}
		if empty {
			fmt.Fprintln(stdout, "Đang tạo dữ liệu mẫu (tỉnh demo)…")
			accts, err := demo.Seed(ctx, a, *demoPW)
			if err != nil {
				return err
			}
			printAccounts(stdout, accts, *demoPW)
		} else {
			fmt.Fprintln(stdout, "Cơ sở dữ liệu đã có dữ liệu: không tạo lại dữ liệu mẫu.")
		}
	}
	if n, err := a.EnsureSheets(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("created missing sheets", "sheets", n)
	}
	// Figures of data written before statistics existed (08-statistics.md),
	// counted in the background (a province's first start takes a while).
	go func() {
		if n, err := a.RebuildStatistics(ctx); err != nil {
			log.Warn("count missing statistics", "err", err)
		} else if n > 0 {
			log.Info("counted missing statistics", "school_years", n)
		}
	}()
	// Results left stale by a stop in the middle of a recomputation are
	// computed again in the background.
	go func() {
		for {
			n, err := a.RecomputeStale(ctx, 200)
			if err != nil {
				log.Warn("recompute stale results at start", "err", err)
				return
			}
			if n == 0 {
				return
			}
		}
	}()
	// Scheduled jobs, each at start and then every period: every school's
	// audit chain head is anchored in the units' chain daily; the progress
	// figures of closed periods are frozen hourly (pages only read them); the
	// dashboards of units read each school's progress as counted a few
	// minutes after the school's data changed.
	go every(ctx, log, 24*time.Hour, "anchor audit chains", "chains", a.AnchorChains)
	go every(ctx, log, time.Hour, "freeze progress", "periods", a.FreezeProgress)
	go every(ctx, log, 5*time.Minute, "count progress summaries", "summaries", a.RefreshProgressSummaries)
	// Background print jobs: queued and unfinished ones are taken up again.
	jobs := archive.NewRunner(a, *jobsDir, log)
	go jobs.Run(ctx)
	srv, err := web.NewServer(a, log, web.Options{SecureCookies: *secure, TrustProxy: *proxy, Version: version, MetricsToken: *metricsToken, Jobs: jobs})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	fmt.Fprintf(stdout, "SĐGĐT đang chạy tại http://%s (cơ sở dữ liệu %s)\n", ln.Addr(), db.Dialect)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shutdown)
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("migrate", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	if err := c.parse(args); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã áp dụng %d bản cập nhật cơ sở dữ liệu (migrations)\n", n)
	return nil
}

func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("demo", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	pw := c.str("password", "", "password of every demo account")
	asJSON := c.fs.Bool("json", false, "print the accounts as a JSON array")
	scaleN := c.fs.Int("scale", 0, "build a province-scale data set of N schools instead (see docs/performance.md)")
	if err := c.parse(args); err != nil {
		return err
	}
	if *pw == "" {
		fmt.Fprintln(stderr, "sdgdt demo: cần --password (mật khẩu chung của các tài khoản demo)")
		return exitError(2)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *scaleN > 0 {
		return demoScale(ctx, db, *scaleN, *pw, stdout)
	}
	accts, err := demo.Seed(ctx, app.New(db, app.DefaultConfig(), nil), *pw)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(accts)
	}
	printAccounts(stdout, accts, *pw)
	return nil
}

func printAccounts(w io.Writer, accts []demo.Account, pw string) {
	fmt.Fprintf(w, "\nTài khoản demo (mật khẩu chung: %s)\n", pw)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TÊN ĐĂNG NHẬP\tHỌ VÀ TÊN\tVAI TRÒ\tPHẠM VI\tKHÓA TOTP")
	for _, a := range accts {
		secret := "—"
		if a.TOTPSecret != nil {
			secret = *a.TOTPSecret
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Username, a.FullName, a.Role, a.ScopeName, secret)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// headsFile is what sdgdt audit heads writes: every chain's head at a moment,
// to be kept by the management unit above, out of the schools' reach.
type headsFile struct {
	ExportedAt time.Time             `json:"exported_at"`
	Heads      map[string]audit.Head `json:"heads"`
}

func cmdAuditHeads(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("audit heads", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	out := c.str("out", "", "write the heads to this file (default: standard output)")
	if err := c.parse(args); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	heads, err := db.ChainHeads(ctx)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(headsFile{ExportedAt: db.Now().UTC(), Heads: heads}, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if *out == "" {
		_, err = stdout.Write(b)
		return err
	}
	if err := os.WriteFile(*out, b, 0o640); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã ghi %d đầu chuỗi nhật ký vào %s\n", len(heads), *out)
	return nil
}

func cmdAuditVerify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("audit verify", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	headsPath := c.str("heads", "", "also check the chain heads exported earlier to FILE (sdgdt audit heads)")
	if err := c.parse(args); err != nil {
		return err
	}
	var anchored []map[string]map[string]audit.Head
	if *headsPath != "" {
		b, err := os.ReadFile(*headsPath)
		if err != nil {
			return err
		}
		var hf headsFile
		if err := json.Unmarshal(b, &hf); err != nil {
			return fmt.Errorf("--heads %s: %w", *headsPath, err)
		}
		anchored = append(anchored, map[string]map[string]audit.Head{"tệp đầu chuỗi xuất ngày " + hf.ExportedAt.In(sdgdt.Vietnam).Format("02/01/2006 15:04"): hf.Heads})
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	problem, n, err := db.VerifyAudit(ctx, anchored...)
	if err != nil {
		return err
	}
	if problem != nil {
		fmt.Fprintf(stderr, "NHẬT KÝ BỊ HỎNG (audit log BROKEN) sau %d mục đã kiểm tra: %v\n", n, problem)
		return exitError(1)
	}
	fmt.Fprintf(stdout, "Nhật ký nguyên vẹn (audit log intact): đã kiểm tra %d mục\n", n)
	// The data itself: every mark, history row, identity number and role
	// grant must be what the log's entries say.
	problems, err := db.VerifyData(ctx)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		for i, p := range problems {
			if i == 50 {
				fmt.Fprintf(stderr, "… và %d chỗ nữa\n", len(problems)-50)
				break
			}
			fmt.Fprintln(stderr, "DỮ LIỆU BỊ SỬA NGOÀI PHẦN MỀM (data changed outside the application):", p)
		}
		fmt.Fprintf(stderr, "DỮ LIỆU BỊ HỎNG (data BROKEN): %d giá trị đang lưu không đúng như nhật ký ghi\n", len(problems))
		return exitError(1)
	}
	fmt.Fprintln(stdout, "Dữ liệu nguyên vẹn (data intact): mọi điểm, lịch sử sửa điểm, số định danh và phân quyền khớp với nhật ký")
	return nil
}

// cmdBackup makes a consistent online copy of a SQLite database and checks it:
// the copy opens, its audit chains verify and it holds as many entries.
func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("backup", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	out := c.str("out", "", "the backup file to write (must not exist)")
	if err := c.parse(args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "usage: sdgdt backup [--db DSN] --out FILE")
		return exitError(2)
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	copyDB, err := store.Open(ctx, "sqlite:"+*out)
	if err != nil {
		return fmt.Errorf("đã ghi bản sao lưu nhưng không mở được: %w", err)
	}
	defer copyDB.Close()
	problem, n, err := copyDB.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("đã ghi bản sao lưu nhưng không đọc được nhật ký của nó: %w", err)
	}
	if problem != nil {
		return fmt.Errorf("đã ghi bản sao lưu nhưng nhật ký của nó bị hỏng: %v", problem)
	}
	info, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã ghi bản sao lưu vào %s (%.1f MB, đã kiểm tra %d mục nhật ký) trong %s\n", *out, float64(info.Size())/1e6, n, time.Since(start).Round(time.Millisecond))
	return nil
}

// every runs job now and then every period until ctx ends, logging its
// failures and, when it did something, how many of what.
func every(ctx context.Context, log *slog.Logger, period time.Duration, what, unit string, job func(context.Context) (int, error)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		if n, err := job(ctx); err != nil {
			log.Warn(what, "err", err)
		} else if n > 0 {
			log.Info(what, unit, n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
