-- Subjects a pupil is not assessed in (TT22 Điều 10-11): a pupil with
-- disabilities, by the principal's decision, is not assessed in a subject of
-- his individual education plan; the subject is left out of every condition
-- of his results and the book says so. One row a pupil, year and subject.
CREATE TABLE not_assessed (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL,
    subject TEXT NOT NULL,
    class_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    decided_by BIGINT NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, pupil_id, subject)
);
