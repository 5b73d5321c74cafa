package web

// Printing a whole school's books for a term as a background job (with its
// progress on the page), and the school's archive of a year.

import (
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/report"
)

type jobRow struct {
	sdgdt.Job
	TermName   string
	StatusName string
	Percent    int
}

func jobRowOf(j sdgdt.Job) jobRow {
	var params app.BookJobParams
	_ = json.Unmarshal([]byte(j.Params), &params)
	r := jobRow{Job: j, TermName: sdgdt.TermName(params.Term), StatusName: app.JobStatusName(j.Status)}
	if j.Kind == app.JobArchive {
		r.TermName = "Bộ lưu trữ năm học " + params.Year
	}
	if j.Total > 0 {
		r.Percent = j.Done * 100 / j.Total
	}
	if j.Status == sdgdt.JobDone {
		r.Percent = 100
	}
	return r
}

type printPageData struct {
	School sdgdt.School
	Years  []sdgdt.SchoolYear
	Terms  []printTerm
	Jobs   []jobRow
	Job    *jobRow // the job page
	Active bool    // a job is queued or running: the page refreshes itself
}

// printPage is GET /schools/{id}/print: the school's print jobs and the form
// that queues one, and the archive of a year.
func (s *Server) printPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	jobs, err := s.app.JobsOf(r.Context(), p, id)
	if err != nil {
		return err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return err
	}
	d := printPageData{School: sr.School, Years: sr.Years}
	for _, c := range append(append([]string{}, app.ClassTerms...), app.PrimaryPoints...) {
		d.Terms = append(d.Terms, printTerm{c, sdgdt.TermName(c)})
	}
	for _, j := range jobs {
		d.Jobs = append(d.Jobs, jobRowOf(j))
		d.Active = d.Active || j.Status == sdgdt.JobQueued || j.Status == sdgdt.JobRunning
	}
	return s.render(w, r, http.StatusOK, "print", &Page{Title: "In sổ cả trường — " + sr.School.Name, Active: "records", Data: d})
}

// queuePrintJob is POST /schools/{id}/print-jobs (term).
func (s *Server) queuePrintJob(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm()
	}
	j, err := s.app.QueueBookJob(r.Context(), p, id, r.PostForm.Get("term"))
	if err != nil {
		return err
	}
	s.opt.Jobs.Wake()
	http.Redirect(w, r, "/jobs/"+strconv.FormatInt(j.ID, 10), http.StatusSeeOther)
	return nil
}

// jobPage is GET /jobs/{id}: a job's progress, refreshing itself until done.
func (s *Server) jobPage(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	j, school, err := s.app.Job(r.Context(), p, id)
	if err != nil {
		return err
	}
	jr := jobRowOf(j)
	d := printPageData{School: school, Job: &jr, Active: j.Status == sdgdt.JobQueued || j.Status == sdgdt.JobRunning}
	return s.render(w, r, http.StatusOK, "print", &Page{Title: "In sổ cả trường — " + jr.TermName, Active: "records", Data: d})
}

// apiJob is GET /api/v1/jobs/{job_id}: a job's progress.
func (s *Server) apiJob(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := idParam(r, "job_id")
	if err != nil {
		return err
	}
	j, _, err := s.app.Job(r.Context(), p, id)
	if err != nil {
		return err
	}
	jr := jobRowOf(j)
	out := map[string]any{"job_id": strconv.FormatInt(j.ID, 10), "kind": j.Kind, "status": j.Status, "done": j.Done, "total": j.Total,
		"percent": jr.Percent, "error": j.Error, "created_at": j.CreatedAt.UTC().Format(time.RFC3339), "updated_at": j.UpdatedAt.UTC().Format(time.RFC3339)}
	if j.Status == sdgdt.JobDone {
		out["download"] = "/jobs/" + strconv.FormatInt(j.ID, 10) + "/download"
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// jobDownload is GET /jobs/{id}/download: the finished job's zip.
func (s *Server) jobDownload(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	j, school, err := s.app.Job(r.Context(), p, id)
	if err != nil {
		return err
	}
	if j.Status != sdgdt.JobDone {
		return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Công việc chưa xong: " + app.JobStatusName(j.Status) + "."}
	}
	b, err := os.ReadFile(s.opt.Jobs.ResultPath(j.ID))
	if err != nil {
		return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không còn tệp kết quả của công việc này; hãy in lại.", Err: err}
	}
	jr := jobRowOf(j)
	sendZip(w, report.Slug(school.Name)+"-"+report.Slug(jr.TermName)+".zip", b)
	return nil
}

// queueArchiveJob is POST /schools/{id}/archive-jobs (year): the school's
// archive of a year, made in the background.
func (s *Server) queueArchiveJob(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm()
	}
	j, err := s.app.QueueArchiveJob(r.Context(), p, id, r.PostForm.Get("year"))
	if err != nil {
		return err
	}
	s.opt.Jobs.Wake()
	http.Redirect(w, r, "/jobs/"+strconv.FormatInt(j.ID, 10), http.StatusSeeOther)
	return nil
}

func sendZip(w http.ResponseWriter, name string, b []byte) {
	sendDownload(w, "application/zip", name, b)
}
