-- The entry progress of every school per period, counted by a job a few
-- minutes after the school's data changed (its audit chain moved on) and
-- read by the dashboards of the units above it: counting a school from its
-- cells' history takes 50-100 ms, a province's thousand schools too long
-- for a page.
CREATE TABLE progress_summaries (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    teachers BIGINT NOT NULL,
    required BIGINT NOT NULL,
    entered BIGINT NOT NULL,
    frozen BOOLEAN NOT NULL,
    audit_seq BIGINT NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, period)
);
