-- The assessment book: sheets (class × subject × term), marks keyed by the pupil,
-- the history of every cell, conduct, re-tests and the stored results computed
-- from them by the rules engine.

-- A sheet is a view of a class's current pupils × their marks in one subject and
-- term. It holds the version counter used for conflict detection: every write
-- through the sheet increments it. kind: "secondary" (tt22, tt43) or "primary"
-- (tt27); it decides which fields a row has.
CREATE TABLE sheets (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL REFERENCES school_years(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    subject TEXT NOT NULL,
    term TEXT NOT NULL,
    kind TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (class_id, subject, term)
);
CREATE INDEX sheets_school ON sheets(school_id, school_year_id);

-- One cell: a pupil's mark (or comment) in a subject, term and field, so that
-- the marks follow the pupil when he changes class. field: "regular[0]".."regular[3]",
-- "midterm", "final", "comment", "exemption" (secondary); "level", "test",
-- "comment" (primary). value is the text of the mark ("7.5", "10", "D", "CD",
-- "P") or of the comment; '' is an empty cell. sheet_id and sheet_version say
-- through which sheet, at which version, the cell last changed.
CREATE TABLE marks (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    subject TEXT NOT NULL,
    term TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    sheet_id BIGINT NOT NULL,
    sheet_version BIGINT NOT NULL,
    changed_by BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, pupil_id, subject, term, field)
);

-- Every change of every cell, never updated or deleted: nothing entered is lost.
-- via: grid, api, upload, correction, import.
CREATE TABLE mark_changes (
    id ID_PK,
    school_id BIGINT NOT NULL,
    school_year_id BIGINT NOT NULL,
    sheet_id BIGINT NOT NULL,
    sheet_version BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL,
    subject TEXT NOT NULL,
    term TEXT NOT NULL,
    field TEXT NOT NULL,
    previous TEXT NOT NULL,
    value TEXT NOT NULL,
    changed_by BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    via TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    correction_id BIGINT,
    request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mark_changes_cell ON mark_changes(school_id, pupil_id, subject, term, field);

-- Conduct (kết quả rèn luyện) per pupil and term: hk1, hk2, and summer (the
-- re-assessment after summer training). level: T, K, D, CD or '' (not rated).
-- Entered by the homeroom teacher; changes are kept in the audit log.
CREATE TABLE conduct (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    term TEXT NOT NULL,
    class_id BIGINT NOT NULL,
    level TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    changed_by BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, pupil_id, term)
);

-- Summer re-test results (kiểm tra, đánh giá lại) per pupil and subject: a
-- score ("6.5") or D / CD.
CREATE TABLE retests (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    subject TEXT NOT NULL,
    class_id BIGINT NOT NULL,
    value TEXT NOT NULL,
    changed_by BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, pupil_id, subject)
);

-- A pupil's year as the rules engine computed it, with the rule-set version
-- that produced it, for fast lists and statistics. stale is set in the same
-- transaction as any change of the inputs (marks, conduct, re-tests) and
-- cleared by the recomputation; gen counts the changes, so that a recomputation
-- started before a change never clears it.
-- Levels: T, K, D, CD or '' (not computable). subjects_json: per subject
-- {"subject","assessed_by","hk1","hk2","year","retest","year_final"}; missing_json:
-- the missing cells ("toan.hk1.regular[2]", "conduct.hk1").
CREATE TABLE pupil_results (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    class_id BIGINT NOT NULL,
    stale BOOLEAN NOT NULL DEFAULT TRUE,
    gen BIGINT NOT NULL DEFAULT 0,
    ruleset_version TEXT NOT NULL DEFAULT '',
    grade INTEGER NOT NULL DEFAULT 0,
    complete BOOLEAN NOT NULL DEFAULT FALSE,
    absent_sessions INTEGER NOT NULL DEFAULT 0,
    hk1_learning TEXT NOT NULL DEFAULT '',
    hk1_learning_computed TEXT NOT NULL DEFAULT '',
    hk1_adjusted_for TEXT NOT NULL DEFAULT '',
    hk1_conduct TEXT NOT NULL DEFAULT '',
    hk2_learning TEXT NOT NULL DEFAULT '',
    hk2_learning_computed TEXT NOT NULL DEFAULT '',
    hk2_adjusted_for TEXT NOT NULL DEFAULT '',
    hk2_conduct TEXT NOT NULL DEFAULT '',
    year_learning TEXT NOT NULL DEFAULT '',
    year_learning_computed TEXT NOT NULL DEFAULT '',
    year_adjusted_for TEXT NOT NULL DEFAULT '',
    year_conduct TEXT NOT NULL DEFAULT '',
    learning_final TEXT NOT NULL DEFAULT '',
    conduct_final TEXT NOT NULL DEFAULT '',
    retest_subjects TEXT NOT NULL DEFAULT '',
    promotion TEXT NOT NULL DEFAULT '',
    award TEXT NOT NULL DEFAULT '',
    subjects_json TEXT NOT NULL DEFAULT '[]',
    missing_json TEXT NOT NULL DEFAULT '[]',
    error TEXT NOT NULL DEFAULT '',
    computed_at TIMESTAMPTZ,
    PRIMARY KEY (school_id, school_year_id, pupil_id)
);
CREATE INDEX pupil_results_class ON pupil_results(class_id);
CREATE INDEX pupil_results_stale ON pupil_results(stale) WHERE stale;
