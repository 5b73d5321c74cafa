package archive

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/doc"
	"sdgdt/internal/report"
	"sdgdt/internal/store"
)

// Books writes the books of every class of a school for a term (the class
// books of secondary classes for hk1, hk2 or year; the Bảng tổng hợp of
// primary classes for gk1, ck1, gk2 or cn) as one zip in the archive's
// format, so that archive verify checks it too.
func Books(ctx context.Context, a *app.App, p *app.Principal, schoolID int64, term string, out io.Writer, progress Progress) error {
	var school sdgdt.School
	var year sdgdt.SchoolYear
	var classes []sdgdt.Class
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if school, err = tx.School(schoolID); err != nil {
			return err
		}
		if year, err = tx.CurrentYear(); err != nil {
			return err
		}
		all, err := tx.ClassesOf(schoolID, year.ID)
		classes = app.JobClasses(all, term)
		return err
	})
	if err != nil {
		return err
	}
	w := &writer{zw: zip.NewWriter(out), m: Manifest{Format: Format, Year: year.Name, GeneratedAt: a.Now().UTC().Truncate(time.Second),
		School: School{ID: school.ID, Code: school.Code, Name: school.Name}}}
	if progress != nil {
		progress(0, len(classes))
	}
	for i, c := range classes {
		if err := ctx.Err(); err != nil {
			return err
		}
		pdf, _, is, err := doc.ClassBookFor(ctx, a, p, c.ID, term)
		if err != nil {
			return fmt.Errorf("lớp %s: %w", c.Name, err)
		}
		if err := w.document("books", "lop-"+report.Slug(c.Name)+"-"+term, pdf, is); err != nil {
			return err
		}
		if progress != nil {
			progress(i+1, len(classes))
		}
	}
	return w.finish(ctx, a, schoolID)
}

// ErrTaken is RunJob's answer for a job another runner took first.
var ErrTaken = errors.New("công việc đã được một máy chủ khác thực hiện")

// Runner runs the background jobs of the jobs table, one at a time: at start
// it takes up again the jobs a stop left queued or running.
type Runner struct {
	A   *app.App
	Dir string // where the finished zips are kept
	Log *slog.Logger
	// Stale is how long a running job must have shown no progress before
	// this runner takes it up (its server stopped): progress is written at
	// least every class, so a live runner's jobs are never taken.
	Stale time.Duration
	wake  chan struct{}
}

// NewRunner returns a runner keeping its results in dir.
func NewRunner(a *app.App, dir string, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{A: a, Dir: dir, Log: log, Stale: 2 * time.Minute, wake: make(chan struct{}, 1)}
}

// Wake tells the runner a job was queued.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// ResultPath is where a job's zip is kept.
func (r *Runner) ResultPath(id int64) string {
	return filepath.Join(r.Dir, "job-"+strconv.FormatInt(id, 10)+".zip")
}

// Run runs jobs until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		jobs, err := r.A.UnfinishedJobs(ctx)
		if err != nil && ctx.Err() == nil {
			r.Log.Warn("jobs", "err", err)
		}
		for _, j := range jobs {
			if ctx.Err() != nil {
				return
			}
			if j.Status == sdgdt.JobRunning && r.A.Now().Sub(j.UpdatedAt) < r.Stale {
				continue // another runner's, or ours before a restart: wait until stale
			}
			if err := r.RunJob(ctx, j, nil); err != nil && ctx.Err() == nil && !errors.Is(err, ErrTaken) {
				r.Log.Warn("job failed", "job", j.ID, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-t.C:
		}
	}
}

// RunJob runs one job to its end, writing its progress to the table (and
// to progress, if given). A job stopped by ctx stays running in the table,
// to start over at the next start.
func (r *Runner) RunJob(ctx context.Context, j sdgdt.Job, progress Progress) error {
	if j.Kind != app.JobPrintBooks && j.Kind != app.JobArchive {
		j.Status, j.Error = sdgdt.JobFailed, "Loại công việc không xác định: "+j.Kind
		return r.A.SetJob(ctx, &j)
	}
	var params app.BookJobParams
	if err := json.Unmarshal([]byte(j.Params), &params); err != nil {
		j.Status, j.Error = sdgdt.JobFailed, "Tham số công việc không đọc được."
		return r.A.SetJob(ctx, &j)
	}
	if ok, err := r.A.ClaimJob(ctx, &j); err != nil {
		return err
	} else if !ok {
		return ErrTaken
	}
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(r.Dir, ".job-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	step := func(done, total int) {
		j.Done, j.Total = done, total
		if err := r.A.SetJob(ctx, &j); err != nil && ctx.Err() == nil {
			r.Log.Warn("job progress", "job", j.ID, "err", err)
		}
		if progress != nil {
			progress(done, total)
		}
	}
	sys := app.System("job:" + strconv.FormatInt(j.ID, 10))
	if j.Kind == app.JobArchive {
		err = Export(ctx, r.A, sys, j.SchoolID, params.Year, tmp, step)
	} else {
		err = Books(ctx, r.A, sys, j.SchoolID, params.Term, tmp, step)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if ctx.Err() != nil {
		return ctx.Err() // left running: taken up again at the next start
	}
	if err == nil {
		err = os.Rename(tmp.Name(), r.ResultPath(j.ID))
	}
	if err != nil {
		j.Status, j.Error = sdgdt.JobFailed, sdgdt.ErrorMessage(err)
	} else {
		j.Status, j.ResultPath = sdgdt.JobDone, r.ResultPath(j.ID)
	}
	if serr := r.A.SetJob(context.WithoutCancel(ctx), &j); serr != nil {
		return serr
	}
	return err
}
