-- The homeroom teacher's comments (nhận xét của giáo viên chủ nhiệm) on each
-- pupil, per term: hk1, hk2, year. The current text only: every change is kept
-- in the audit log (homeroom_comment.set, with the text before and after).
CREATE TABLE homeroom_comments (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    term TEXT NOT NULL,
    class_id BIGINT NOT NULL,
    comment TEXT NOT NULL,
    changed_by BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, pupil_id, term)
);
