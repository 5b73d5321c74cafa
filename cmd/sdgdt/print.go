package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/archive"
)

// cmdPrint runs sdgdt print books|status: a school's books for a term as a
// job of the jobs table, run here with a progress bar (an interrupted job is
// taken up again by the server, or by the next print books).
func cmdPrint(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "books":
			return cmdPrintBooks(ctx, args[1:], getenv, stdout, stderr)
		case "status":
			return cmdPrintStatus(ctx, args[1:], getenv, stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, "usage: sdgdt print books --db DSN --school ID --term TERM --out FILE.zip | sdgdt print status --db DSN --job ID")
	return exitError(2)
}

func cmdPrintBooks(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("print books", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	school := c.str("school", "", "the school (id or code)")
	term := c.str("term", "", "hk1, hk2, year (secondary classes) or gk1, ck1, gk2, cn (primary classes)")
	out := c.str("out", "", "the zip file to write (must not exist)")
	jobsDir := c.str("jobs-dir", "./data/jobs", "where print jobs keep their results")
	publicURL := c.str("public-url", "", "address of the server, for the verification links on the documents")
	quiet := c.boolean("quiet", false, "no progress bar")
	if err := c.parse(args); err != nil {
		return err
	}
	if *school == "" || *term == "" || *out == "" {
		fmt.Fprintln(stderr, "usage: sdgdt print books --db DSN --school ID --term TERM --out FILE.zip")
		return exitError(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(stderr, "print books: %s đã có; chọn tên tệp khác.\n", *out)
		return exitError(1)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	schoolID, err := schoolArg(ctx, db, *school)
	if err != nil {
		fmt.Fprintln(stderr, "print books:", err)
		return exitError(1)
	}
	cfg := app.DefaultConfig()
	cfg.PublicURL = *publicURL
	a := app.New(db, cfg, nil)
	j, err := a.QueueBookJob(ctx, app.System("print"), schoolID, *term)
	if err != nil {
		fmt.Fprintln(stderr, "print books:", sdgdt.ErrorMessage(err))
		return exitError(1)
	}
	var progress archive.Progress
	if !*quiet {
		progress = bar(stderr, "In sổ (công việc "+strconv.FormatInt(j.ID, 10)+")")
	}
	start := time.Now()
	r := archive.NewRunner(a, *jobsDir, nil)
	if err := r.RunJob(ctx, j, progress); err != nil {
		fmt.Fprintf(stderr, "print books: công việc %d: %v\n", j.ID, err)
		return exitError(1)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	b, err := os.ReadFile(r.ResultPath(j.ID))
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "job %d: books for %s written to %s (%.1f MB) in %s\n", j.ID, sdgdt.TermName(*term), *out, float64(len(b))/1e6, time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdPrintStatus(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("print status", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	id := c.str("job", "", "the job's id")
	watch := c.boolean("watch", false, "follow the job with a progress bar until it ends")
	if err := c.parse(args); err != nil {
		return err
	}
	jobID, err := strconv.ParseInt(*id, 10, 64)
	if err != nil || jobID <= 0 {
		fmt.Fprintln(stderr, "usage: sdgdt print status --db DSN --job ID [--watch]")
		return exitError(2)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a := app.New(db, app.DefaultConfig(), nil)
	draw := bar(stderr, "Công việc "+*id)
	for {
		j, _, err := a.Job(ctx, app.System("print"), jobID)
		if err != nil {
			fmt.Fprintln(stderr, "print status:", sdgdt.ErrorMessage(err))
			return exitError(1)
		}
		done := j.Status == sdgdt.JobDone || j.Status == sdgdt.JobFailed
		if !*watch || done {
			fmt.Fprintf(stdout, "job %d: %s, %d/%d%s\n", j.ID, app.JobStatusName(j.Status), j.Done, j.Total, map[bool]string{true: " — " + j.Error, false: ""}[j.Error != ""])
			if j.Status == sdgdt.JobFailed {
				return exitError(1)
			}
			return nil
		}
		draw(j.Done, max(j.Total, 1))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
