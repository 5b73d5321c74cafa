-- Every document the system issued (printed as PDF or put in an archive): its
-- verification code (in /verify/{code} and the QR code), kind, identity (what
-- the verification page loads again: a class and term, a pupil, a school's
-- year) and the SHA-256 of its canonical data, so that the page can say
-- whether the data still holds. No marks or names are stored here.
CREATE TABLE documents (
    id ID_PK,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    class_id BIGINT NOT NULL DEFAULT 0,
    pupil_id BIGINT NOT NULL DEFAULT 0,
    term TEXT NOT NULL DEFAULT '',
    digest TEXT NOT NULL,
    issued_by BIGINT NOT NULL DEFAULT 0,
    issued_by_name TEXT NOT NULL DEFAULT '',
    issued_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_school ON documents(school_id, school_year_id, kind);

-- Background jobs (a school's term books in one go): the work survives a
-- restart of the server, which picks up queued and running jobs again.
CREATE TABLE jobs (
    id ID_PK,
    kind TEXT NOT NULL,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    params TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    result_path TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_school ON jobs(school_id, id);
CREATE INDEX jobs_status ON jobs(status, id);
