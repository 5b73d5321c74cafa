-- Foundation: management tree, schools, school years, accounts, roles, sessions,
-- sign-in attempts and the hash-chained audit log.
-- Tokens: ID_PK and TIMESTAMPTZ are replaced per dialect (dialect.go).

CREATE TABLE units (
    id ID_PK,
    parent_id BIGINT REFERENCES units(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX units_path ON units(path);

CREATE TABLE schools (
    id ID_PK,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX schools_unit_path ON schools(unit_path);

CREATE TABLE school_years (
    id ID_PK,
    name TEXT NOT NULL UNIQUE,
    starts_on TEXT NOT NULL,
    hk1_ends_on TEXT NOT NULL,
    hk2_starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    gk1_on TEXT NOT NULL,
    ck1_on TEXT NOT NULL,
    gk2_on TEXT NOT NULL,
    cn_on TEXT NOT NULL,
    is_current BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE users (
    id ID_PK,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    home_kind TEXT NOT NULL,
    home_id BIGINT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    totp_secret TEXT NOT NULL DEFAULT '',
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    password_set_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_home ON users(home_kind, home_id);

-- Groups and subject teams (tổ chuyên môn) of a school; they can hold roles.
CREATE TABLE groups (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (school_id, name)
);

CREATE TABLE group_members (
    group_id BIGINT NOT NULL REFERENCES groups(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);

-- Roles granted by hand. Homeroom and subject-teacher roles follow from classes
-- and teaching assignments instead. A revoked grant is kept, with who and when.
CREATE TABLE role_grants (
    id ID_PK,
    user_id BIGINT REFERENCES users(id),
    group_id BIGINT REFERENCES groups(id),
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_id BIGINT NOT NULL,
    duty TEXT NOT NULL DEFAULT '',
    granted_by BIGINT,
    granted_at TIMESTAMPTZ NOT NULL,
    revoked_by BIGINT,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX role_grants_user ON role_grants(user_id);
CREATE INDEX role_grants_scope ON role_grants(scope_kind, scope_id);

-- Classes and teaching assignments: the foundation of the homeroom and subject
-- teacher roles. School records extend them.
CREATE TABLE classes (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL REFERENCES school_years(id),
    grade INTEGER NOT NULL,
    name TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    homeroom_teacher_id BIGINT REFERENCES users(id),
    UNIQUE (school_id, school_year_id, name)
);
CREATE INDEX classes_homeroom ON classes(homeroom_teacher_id);

CREATE TABLE assignments (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    subject TEXT NOT NULL,
    term TEXT NOT NULL,
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    UNIQUE (class_id, subject, term)
);
CREATE INDEX assignments_teacher ON assignments(teacher_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    mfa_pending BOOLEAN NOT NULL DEFAULT FALSE,
    ended_at TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    id ID_PK,
    key TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    ok BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts(key, at);

-- Sign-ins of each account (successful ones), so that a user sees where his
-- account was used (R-16).
CREATE TABLE sign_ins (
    id ID_PK,
    user_id BIGINT NOT NULL REFERENCES users(id),
    at TIMESTAMPTZ NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX sign_ins_user ON sign_ins(user_id, at);

-- The audit log: append-only, one hash chain per school ("school:ID") and one for
-- everything above schools ("system"). No code path updates or deletes a row.
CREATE TABLE audit_log (
    id ID_PK,
    chain TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    actor_id BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    school_id BIGINT NOT NULL,
    unit_path TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    ip TEXT NOT NULL,
    request_id TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (chain, seq)
);
CREATE INDEX audit_log_scope ON audit_log(unit_path, at);
CREATE INDEX audit_log_school ON audit_log(school_id, at);

CREATE TABLE audit_heads (
    chain TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
