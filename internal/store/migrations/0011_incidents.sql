-- Reports to the school's admin board (R-13.4, R-14.3): an incident, an error
-- of the system or of entered data, or another difficulty with the data, from
-- a teacher, linked to the class or sheet concerned; the board answers and
-- closes it. Nothing is deleted.
CREATE TABLE incidents (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    kind TEXT NOT NULL,
    class_id BIGINT REFERENCES classes(id),
    sheet_id BIGINT REFERENCES sheets(id),
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    reported_by BIGINT NOT NULL REFERENCES users(id),
    reported_at TIMESTAMPTZ NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users(id),
    answered_at TIMESTAMPTZ
);
CREATE INDEX incidents_school ON incidents(school_id, status);
