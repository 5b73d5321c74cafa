-- School records: staff profiles, pupils and their profiles, enrolments with a
-- dated status history, class curricula, absences, movements and transfers, and
-- the homeroom teacher's monthly confirmation.

CREATE TABLE staff_profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    date_of_birth TEXT NOT NULL DEFAULT '',
    sex TEXT NOT NULL DEFAULT '',
    position TEXT NOT NULL DEFAULT '',
    subjects TEXT NOT NULL DEFAULT '',
    team_id BIGINT REFERENCES groups(id)
);
CREATE INDEX staff_profiles_school ON staff_profiles(school_id);

-- A pupil's profile (sơ yếu lý lịch). school_id is the school that holds the
-- record now; a transfer moves it. Changes are kept in the audit log.
CREATE TABLE pupils (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    family_name TEXT NOT NULL,
    middle_name TEXT NOT NULL DEFAULT '',
    given_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    sex TEXT NOT NULL,
    ethnicity TEXT NOT NULL DEFAULT '',
    place_of_birth TEXT NOT NULL DEFAULT '',
    home_town TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    father_name TEXT NOT NULL DEFAULT '',
    mother_name TEXT NOT NULL DEFAULT '',
    guardian_name TEXT NOT NULL DEFAULT '',
    guardian_phone TEXT NOT NULL DEFAULT '',
    identity_number TEXT NOT NULL DEFAULT '',
    ministry_code TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX pupils_school ON pupils(school_id);
CREATE UNIQUE INDEX pupils_identity ON pupils(identity_number) WHERE identity_number <> '';

-- A pupil's place in a class: one row per stay. status: studying (current),
-- moved (to another class of the school), left (nghỉ học), transferred (to
-- another school), finished (the year ended).
CREATE TABLE enrolments (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL REFERENCES school_years(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    status TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX enrolments_class ON enrolments(class_id, status);
CREATE INDEX enrolments_pupil ON enrolments(pupil_id, school_year_id);

-- The subjects a class studies, with periods per year (which fix the number of
-- regular marks) and how each is assessed: score, comment (secondary) or level
-- (primary).
CREATE TABLE class_subjects (
    class_id BIGINT NOT NULL REFERENCES classes(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    subject TEXT NOT NULL,
    periods_per_year INTEGER NOT NULL,
    assessed_by TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (class_id, subject)
);

-- Absences per session (buổi). A cancelled entry stays, with who cancelled it.
CREATE TABLE absences (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    on_date TEXT NOT NULL,
    session TEXT NOT NULL,
    excused BOOLEAN NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    cancelled_by BIGINT,
    cancelled_at TIMESTAMPTZ
);
CREATE INDEX absences_class ON absences(class_id, on_date);
CREATE INDEX absences_pupil ON absences(pupil_id, on_date);

-- Monthly totals, for schools that enter absences once a month.
CREATE TABLE absence_totals (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    month TEXT NOT NULL,
    excused INTEGER NOT NULL,
    unexcused INTEGER NOT NULL,
    recorded_by BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (class_id, pupil_id, month)
);

-- Movements: enrolment, leaving school, moving class, transfers out and in.
-- A transfer to another school of the system is requested by the origin and
-- accepted (or refused) by the destination.
CREATE TABLE movements (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    pupil_id BIGINT NOT NULL REFERENCES pupils(id),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    from_class_id BIGINT REFERENCES classes(id),
    to_class_id BIGINT REFERENCES classes(id),
    to_school_id BIGINT REFERENCES schools(id),
    other_school TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    requested_by BIGINT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    decided_by BIGINT,
    decided_at TIMESTAMPTZ,
    snapshot_json TEXT NOT NULL DEFAULT ''
);
CREATE INDEX movements_school ON movements(school_id, on_date);
CREATE INDEX movements_to_school ON movements(to_school_id, status);

-- The homeroom teacher's confirmation of a month's absences and movements.
CREATE TABLE monthly_confirmations (
    class_id BIGINT NOT NULL REFERENCES classes(id),
    month TEXT NOT NULL,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    confirmed_by BIGINT NOT NULL,
    confirmed_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (class_id, month)
);
