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
	"sdgdt/internal/store"
)

// cmdArchive runs sdgdt archive export|verify.
func cmdArchive(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return cmdArchiveExport(ctx, args[1:], getenv, stdout, stderr)
		case "verify":
			return cmdArchiveVerify(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, "usage: sdgdt archive export --db DSN --school ID --year 2026-2027 --out FILE.zip | sdgdt archive verify FILE.zip")
	return exitError(2)
}

// schoolArg resolves --school: a school's id or its code.
func schoolArg(ctx context.Context, db *store.DB, v string) (int64, error) {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	var id int64
	err := db.View(ctx, func(tx *store.Tx) error {
		var err error
		id, err = tx.SchoolIDByCode(v)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("--school %s: %s", v, sdgdt.ErrorMessage(err))
	}
	return id, nil
}

func cmdArchiveExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("archive export", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	school := c.str("school", "", "the school (id or code)")
	year := c.str("year", "", "the school year, e.g. 2026-2027")
	out := c.str("out", "", "the zip file to write (must not exist)")
	publicURL := c.str("public-url", "", "address of the server, for the verification links on the documents")
	quiet := c.boolean("quiet", false, "no progress bar")
	if err := c.parse(args); err != nil {
		return err
	}
	if *school == "" || *year == "" || *out == "" {
		fmt.Fprintln(stderr, "usage: sdgdt archive export --db DSN --school ID --year 2026-2027 --out FILE.zip")
		return exitError(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(stderr, "archive export: %s đã có; chọn tên tệp khác.\n", *out)
		return exitError(1)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	schoolID, err := schoolArg(ctx, db, *school)
	if err != nil {
		fmt.Fprintln(stderr, "archive export:", err)
		return exitError(1)
	}
	cfg := app.DefaultConfig()
	cfg.PublicURL = *publicURL
	a := app.New(db, cfg, nil)
	// Written to a temporary file beside the target, renamed when complete:
	// a failure leaves nothing behind.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".sdgdt-archive-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	start := time.Now()
	var progress archive.Progress
	if !*quiet {
		progress = bar(stderr, "Lưu trữ")
	}
	if err := archive.Export(ctx, a, app.System("archive"), schoolID, *year, tmp, progress); err != nil {
		tmp.Close()
		fmt.Fprintln(stderr, "archive export:", err)
		return exitError(1)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	b, err := os.ReadFile(tmp.Name())
	if err != nil {
		return err
	}
	m, err := archive.VerifyBytes(b, *out)
	if err != nil {
		return fmt.Errorf("archive written but it does not verify: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "archive written to %s (%.1f MB, %d documents, %d files) in %s\n", *out, float64(len(b))/1e6, len(m.Documents), len(m.Files)+1, time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdArchiveVerify(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: sdgdt archive verify FILE.zip")
		return exitError(2)
	}
	f, err := os.Open(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "archive verify: %s: không mở được tệp (%v)\n", args[0], err)
		return exitError(1)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	m, err := archive.Verify(f, st.Size(), args[0])
	if err != nil {
		fmt.Fprintln(stderr, "archive verify: "+err.Error())
		return exitError(1)
	}
	fmt.Fprintf(stdout, "archive %s: OK — %s, năm học %s, %d tài liệu, %d tệp khớp manifest.json, %d chữ ký hợp lệ; nhật ký %s đến #%d (%s)\n",
		args[0], m.School.Name, m.Year, len(m.Documents), len(m.Files), len(m.Signatures), m.AuditHead.Chain, m.AuditHead.Seq, m.AuditHead.Hash)
	return nil
}

// bar returns a progress function drawing a text progress bar on w.
func bar(w io.Writer, label string) func(done, total int) {
	return func(done, total int) {
		if total <= 0 {
			return
		}
		const width = 30
		n := done * width / total
		fmt.Fprintf(w, "\r%s [%s%s] %d/%d", label, repeat('#', n), repeat('.', width-n), done, total)
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}

func repeat(c byte, n int) string {
	b := make([]byte, max(n, 0))
	for i := range b {
		b[i] = c
	}
	return string(b)
}
