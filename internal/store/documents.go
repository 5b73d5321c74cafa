package store

import (
	"database/sql"
	"errors"
	"time"

	"sdgdt"
)

// CreateDocument records an issued document.
func (t *Tx) CreateDocument(d *sdgdt.Document) error {
	d.IssuedAt = t.Now
	id, err := t.insert(`INSERT INTO documents (code, kind, school_id, school_year_id, class_id, pupil_id, term, digest, issued_by, issued_by_name, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		d.Code, d.Kind, d.SchoolID, d.SchoolYearID, d.ClassID, d.PupilID, d.Term, d.Digest, d.IssuedBy, d.IssuedByName, d.IssuedAt)
	d.ID = id
	return err
}

const documentColumns = `id, code, kind, school_id, school_year_id, class_id, pupil_id, term, digest, issued_by, issued_by_name, issued_at`

func scanDocument(sc interface{ Scan(...any) error }) (sdgdt.Document, error) {
	var d sdgdt.Document
	err := sc.Scan(&d.ID, &d.Code, &d.Kind, &d.SchoolID, &d.SchoolYearID, &d.ClassID, &d.PupilID, &d.Term, &d.Digest, &d.IssuedBy, &d.IssuedByName, &d.IssuedAt)
	return d, err
}

// DocumentByCode returns the document of a verification code.
func (t *Tx) DocumentByCode(code string) (sdgdt.Document, error) {
	d, err := scanDocument(t.queryRow(`SELECT `+documentColumns+` FROM documents WHERE code = $1`, code))
	return d, notFound(err, "tài liệu có mã xác thực này")
}

// CreateJob queues a background job.
func (t *Tx) CreateJob(j *sdgdt.Job) error {
	// Microseconds, as PostgreSQL keeps them: ClaimJob compares updated_at.
	now := t.Now.Truncate(time.Microsecond)
	j.CreatedAt, j.UpdatedAt, j.Status = now, now, sdgdt.JobQueued
	id, err := t.insert(`INSERT INTO jobs (kind, school_id, params, status, total, done, error, result_path, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		j.Kind, j.SchoolID, j.Params, j.Status, j.Total, j.Done, j.Error, j.ResultPath, j.CreatedBy, j.CreatedAt, j.UpdatedAt)
	j.ID = id
	return err
}

const jobColumns = `id, kind, school_id, params, status, total, done, error, result_path, created_by, created_at, updated_at`

func scanJob(sc interface{ Scan(...any) error }) (sdgdt.Job, error) {
	var j sdgdt.Job
	err := sc.Scan(&j.ID, &j.Kind, &j.SchoolID, &j.Params, &j.Status, &j.Total, &j.Done, &j.Error, &j.ResultPath, &j.CreatedBy, &j.CreatedAt, &j.UpdatedAt)
	return j, err
}

// Job returns a job.
func (t *Tx) Job(id int64) (sdgdt.Job, error) {
	j, err := scanJob(t.queryRow(`SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	return j, notFound(err, "công việc")
}

// UpdateJob writes a job's status and progress.
func (t *Tx) UpdateJob(j *sdgdt.Job) error {
	j.UpdatedAt = t.Now.Truncate(time.Microsecond)
	_, err := t.exec(`UPDATE jobs SET status = $1, total = $2, done = $3, error = $4, result_path = $5, updated_at = $6 WHERE id = $7`,
		j.Status, j.Total, j.Done, j.Error, j.ResultPath, j.UpdatedAt, j.ID)
	return err
}

// JobsOf returns a school's latest jobs, newest first.
func (t *Tx) JobsOf(schoolID int64, limit int) ([]sdgdt.Job, error) {
	return t.jobs(`school_id = $1 ORDER BY id DESC LIMIT $2`, schoolID, limit)
}

// UnfinishedJobs returns the queued and running jobs, oldest first.
func (t *Tx) UnfinishedJobs() ([]sdgdt.Job, error) {
	return t.jobs(`status IN ($1, $2) ORDER BY id`, sdgdt.JobQueued, sdgdt.JobRunning)
}

func (t *Tx) jobs(where string, args ...any) ([]sdgdt.Job, error) {
	rows, err := t.query(`SELECT `+jobColumns+` FROM jobs WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// PupilClasses returns, per school year, the class a pupil was last enrolled
// in, oldest year first.
func (t *Tx) PupilClasses(pupilID int64) ([]sdgdt.Class, error) {
	rows, err := t.query(`SELECT e.class_id, e.school_year_id FROM enrolments e JOIN school_years y ON y.id = e.school_year_id
		WHERE e.pupil_id = $1 ORDER BY y.starts_on, e.id`, pupilID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	last := map[int64]int{}
	for rows.Next() {
		var classID, yearID int64
		if err := rows.Scan(&classID, &yearID); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := last[yearID]; ok {
			ids[i] = classID
			continue
		}
		last[yearID] = len(ids)
		ids = append(ids, classID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]sdgdt.Class, 0, len(ids))
	for _, id := range ids {
		c, err := t.Class(id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ChainHead returns the last sequence number and hash of an audit chain
// (0 and "" for a chain without entries).
func (t *Tx) ChainHead(chain string) (int64, string, error) {
	var seq int64
	var hash string
	err := t.queryRow(`SELECT seq, hash FROM audit_heads WHERE chain = $1`, chain).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return seq, hash, err
}

// ClaimJob marks a job running for one runner: it succeeds only if the job
// is still as the runner read it (status and updated_at), so that of several
// servers one runs it.
func (t *Tx) ClaimJob(j *sdgdt.Job) (bool, error) {
	now := t.Now.Truncate(time.Microsecond)
	res, err := t.exec(`UPDATE jobs SET status = $1, done = 0, error = '', updated_at = $2 WHERE id = $3 AND status = $4 AND updated_at = $5`,
		sdgdt.JobRunning, now, j.ID, j.Status, j.UpdatedAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if n == 1 {
		j.Status, j.Done, j.Error, j.UpdatedAt = sdgdt.JobRunning, 0, "", now
	}
	return n == 1, err
}

// BookRoster returns the pupils a class's book lists: those studying in it,
// and, once the year is closed by the rollover, those who finished it there.
func (t *Tx) BookRoster(classID int64) ([]sdgdt.RosterEntry, error) {
	all, err := t.ClassRoster(classID, true)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, r := range all {
		if r.Status == sdgdt.EnrolStudying || r.Status == sdgdt.EnrolFinished {
			out = append(out, r)
		}
	}
	return out, nil
}
