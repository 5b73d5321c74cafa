-- Keys for Citus (docs/performance.md, "Distributing on Citus by school_id"):
-- three small tables keyed by class become keyed by school, then class, so
-- that they can be distributed by school_id. A class's school never changes,
-- so the new keys hold exactly what the old ones did. SQLite cannot change a
-- primary key in place: each table is made anew, filled, and renamed. An
-- index by class keeps the lookups that name a class alone.

CREATE TABLE class_subjects_new (
    class_id BIGINT NOT NULL REFERENCES classes(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    subject TEXT NOT NULL,
    periods_per_year INTEGER NOT NULL,
    assessed_by TEXT NOT NULL,
    position INTEGER NOT NULL,
    CONSTRAINT class_subjects_school_key PRIMARY KEY (school_id, class_id, subject)
);
INSERT INTO class_subjects_new (class_id, school_id, subject, periods_per_year, assessed_by, position)
    SELECT class_id, school_id, subject, periods_per_year, assessed_by, position FROM class_subjects;
DROP TABLE class_subjects;
ALTER TABLE class_subjects_new RENAME TO class_subjects;
CREATE INDEX class_subjects_class ON class_subjects(class_id, subject);

CREATE TABLE absence_totals_new (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    month TEXT NOT NULL,
    excused INTEGER NOT NULL,
    unexcused INTEGER NOT NULL,
    recorded_by BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT absence_totals_school_key PRIMARY KEY (school_id, class_id, pupil_id, month)
);
INSERT INTO absence_totals_new (school_id, class_id, pupil_id, month, excused, unexcused, recorded_by, recorded_at)
    SELECT school_id, class_id, pupil_id, month, excused, unexcused, recorded_by, recorded_at FROM absence_totals;
DROP TABLE absence_totals;
ALTER TABLE absence_totals_new RENAME TO absence_totals;
CREATE INDEX absence_totals_class ON absence_totals(class_id, pupil_id, month);

CREATE TABLE monthly_confirmations_new (
    class_id BIGINT NOT NULL REFERENCES classes(id),
    month TEXT NOT NULL,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    confirmed_by BIGINT NOT NULL,
    confirmed_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    CONSTRAINT monthly_confirmations_school_key PRIMARY KEY (school_id, class_id, month)
);
INSERT INTO monthly_confirmations_new (class_id, month, school_id, confirmed_by, confirmed_at, note)
    SELECT class_id, month, school_id, confirmed_by, confirmed_at, note FROM monthly_confirmations;
DROP TABLE monthly_confirmations;
ALTER TABLE monthly_confirmations_new RENAME TO monthly_confirmations;
CREATE INDEX monthly_confirmations_class ON monthly_confirmations(class_id, month);
