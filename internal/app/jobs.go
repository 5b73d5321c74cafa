package app

import (
	"context"
	"encoding/json"

	"sdgdt"
	"sdgdt/internal/store"
)

// Background jobs: printing a whole school's books for a term. A job is a
// row of the jobs table, so it survives a restart: the server picks up
// queued and running jobs again when it starts (a running job starts over;
// its documents are issued anew).

// Job kinds: a school's books for a term; a school's archive of a year.
const (
	JobPrintBooks = "print_books"
	JobArchive    = "archive"
)

// BookJobParams are the parameters of a print_books job (Term) or of an
// archive job (Year, by name).
type BookJobParams struct {
	Term string `json:"term,omitempty"`
	Year string `json:"year,omitempty"`
}

// QueueArchiveJob queues the making of a school's archive of a school year.
func (a *App) QueueArchiveJob(ctx context.Context, p *Principal, schoolID int64, year string) (sdgdt.Job, error) {
	var j sdgdt.Job
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActPrint, SchoolTarget(s)) {
			return forbidden()
		}
		ys, err := tx.SchoolYears()
		if err != nil {
			return err
		}
		found := false
		for _, y := range ys {
			found = found || y.Name == year
		}
		if !found {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Không có năm học «" + year + "»."}
		}
		params, _ := json.Marshal(BookJobParams{Year: year})
		j = sdgdt.Job{Kind: JobArchive, SchoolID: schoolID, Params: string(params), CreatedBy: p.User.ID}
		if err := tx.CreateJob(&j); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActPrintJobCreate, "job", idStr(j.ID), s.ID, s.UnitPath, nil, map[string]any{"archive": year})
	})
	return j, err
}

// JobTermValid reports whether a school's books print for term: hk1, hk2,
// year (secondary classes) or gk1, ck1, gk2, cn (primary classes).
func JobTermValid(term string) bool { return ValidClassTerm(term) || ValidPoint(term) }

// QueueBookJob queues the printing of every class book of a school for a
// term, for whoever prints the school's documents.
func (a *App) QueueBookJob(ctx context.Context, p *Principal, schoolID int64, term string) (sdgdt.Job, error) {
	var j sdgdt.Job
	if !JobTermValid(term) {
		return j, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Kì không hợp lệ: «" + term + "». Chọn học kì I, học kì II, cả năm (THCS, THPT) hoặc một thời điểm đánh giá (tiểu học)."}
	}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActPrint, SchoolTarget(s)) {
			return forbidden()
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		classes, err := tx.ClassesOf(schoolID, y.ID)
		if err != nil {
			return err
		}
		if len(JobClasses(classes, term)) == 0 {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Trường không có lớp nào in sổ theo kì «" + sdgdt.TermName(term) + "» trong năm học " + y.Name + "."}
		}
		params, _ := json.Marshal(BookJobParams{Term: term})
		j = sdgdt.Job{Kind: JobPrintBooks, SchoolID: schoolID, Params: string(params), CreatedBy: p.User.ID}
		if err := tx.CreateJob(&j); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActPrintJobCreate, "job", idStr(j.ID), s.ID, s.UnitPath, nil, map[string]any{"term": term})
	})
	return j, err
}

// JobClasses are the classes whose books print for term.
func JobClasses(classes []sdgdt.Class, term string) []sdgdt.Class {
	secondary := ValidClassTerm(term)
	var out []sdgdt.Class
	for _, c := range classes {
		if (sdgdt.SheetKindOf(c.Ruleset) == sdgdt.SheetSecondary) == secondary {
			out = append(out, c)
		}
	}
	return out
}

// Job returns a job for whoever prints its school's documents.
func (a *App) Job(ctx context.Context, p *Principal, id int64) (sdgdt.Job, sdgdt.School, error) {
	var j sdgdt.Job
	var s sdgdt.School
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if j, err = tx.Job(id); err != nil {
			return err
		}
		if s, err = tx.School(j.SchoolID); err != nil {
			return err
		}
		if !Can(p, ActPrint, SchoolTarget(s)) {
			return forbidden()
		}
		return nil
	})
	return j, s, err
}

// JobsOf returns a school's latest jobs.
func (a *App) JobsOf(ctx context.Context, p *Principal, schoolID int64) ([]sdgdt.Job, error) {
	var out []sdgdt.Job
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActPrint, SchoolTarget(s)) {
			return forbidden()
		}
		out, err = tx.JobsOf(schoolID, 10)
		return err
	})
	return out, err
}

// --- For the runner (the operator's side; no principal) ---

// UnfinishedJobs returns the queued and running jobs, oldest first.
func (a *App) UnfinishedJobs(ctx context.Context) ([]sdgdt.Job, error) {
	var out []sdgdt.Job
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.UnfinishedJobs()
		return err
	})
	return out, err
}

// ClaimJob marks a job running for this runner, if no other took it since
// it was read.
func (a *App) ClaimJob(ctx context.Context, j *sdgdt.Job) (bool, error) {
	var ok bool
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		var err error
		ok, err = tx.ClaimJob(j)
		return err
	})
	return ok, err
}

// SetJob writes a job's status and progress.
func (a *App) SetJob(ctx context.Context, j *sdgdt.Job) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error { return tx.UpdateJob(j) })
}

// JobStatusName is the Vietnamese name of a job status.
func JobStatusName(status string) string {
	switch status {
	case sdgdt.JobQueued:
		return "Đang chờ"
	case sdgdt.JobRunning:
		return "Đang in"
	case sdgdt.JobDone:
		return "Đã xong"
	case sdgdt.JobFailed:
		return "Lỗi"
	}
	return status
}
