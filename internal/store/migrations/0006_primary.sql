-- The primary book (tt27): stored results per pupil and assessment point, the
-- homeroom teacher's nominations for Học sinh Tiêu biểu, the additional
-- assessment (đánh giá bổ sung) of pupils who did not complete the year, and
-- the principal's decisions on them. Subject levels, test scores, comments and
-- the qualities and competencies (subject "pcnl") live in marks, through
-- sheets; their history in mark_changes.

-- A pupil's result at an assessment point (gk1, ck1, gk2, cn) as the rules
-- engine computed it, with the rule-set version. At gk1, ck1 and gk2 only the
-- completeness and the counts of levels; at cn the year result (HTXS, HTT, HT,
-- CHT), award, completion, and after the additional assessment result_final
-- and promotion (promoted, retained, additional_assessment: pending,
-- principal_decision: pending). Kept fresh through pupil_results.stale/gen.
CREATE TABLE primary_results (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    point TEXT NOT NULL,
    class_id BIGINT NOT NULL,
    gen BIGINT NOT NULL DEFAULT 0,
    ruleset_version TEXT NOT NULL DEFAULT '',
    grade INTEGER NOT NULL DEFAULT 0,
    complete BOOLEAN NOT NULL DEFAULT FALSE,
    missing_json TEXT NOT NULL DEFAULT '[]',
    subjects_t INTEGER NOT NULL DEFAULT 0,
    subjects_h INTEGER NOT NULL DEFAULT 0,
    subjects_c INTEGER NOT NULL DEFAULT 0,
    qc_t INTEGER NOT NULL DEFAULT 0,
    qc_d INTEGER NOT NULL DEFAULT 0,
    qc_c INTEGER NOT NULL DEFAULT 0,
    result TEXT NOT NULL DEFAULT '',
    award TEXT NOT NULL DEFAULT '',
    completed_grade BOOLEAN NOT NULL DEFAULT FALSE,
    completed_primary BOOLEAN NOT NULL DEFAULT FALSE,
    result_final TEXT NOT NULL DEFAULT '',
    promotion TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    computed_at TIMESTAMPTZ,
    PRIMARY KEY (school_id, school_year_id, pupil_id, point)
);
CREATE INDEX primary_results_class ON primary_results(class_id, point);

-- The homeroom teacher's nomination of a pupil as Học sinh Tiêu biểu hoàn
-- thành tốt trong học tập và rèn luyện, with its reason (agreed by the class).
-- Withdrawn nominations stay (nominated false); every change is audited.
CREATE TABLE primary_nominations (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    class_id BIGINT NOT NULL,
    nominated BOOLEAN NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    changed_by BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, pupil_id)
);

-- The additional assessment in summer of a pupil whose year result is CHT:
-- the updated level (and test score) of an item: a subject code, or
-- "q.<quality>" / "c.<competency>". The year result is computed again from the
-- end-of-year data with these values in place. '' clears.
CREATE TABLE primary_supplements (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    item TEXT NOT NULL,
    class_id BIGINT NOT NULL,
    level TEXT NOT NULL DEFAULT '',
    test TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    changed_by BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, pupil_id, item)
);

-- The principal's decision on a pupil still CHT after the additional
-- assessment: promoted (lên lớp) or retained (ở lại lớp); who and when.
CREATE TABLE primary_decisions (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    class_id BIGINT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    decided_by BIGINT NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, pupil_id)
);
