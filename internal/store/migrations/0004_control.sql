-- Control of the book: locks (immediate or scheduled; by a school, or an
-- inspection window of a unit over every school below it), approvals of class
-- books, correction requests with approval and witnesses, and frozen snapshots
-- of entry progress.

-- A lock covers everything its named fields match: unit_path (a unit's window
-- over the schools below it), school, school year, term (hk1/hk2 or
-- gk1/ck1/gk2/cn), grade, class, sheet. from_at/until_at make it scheduled
-- (until_at NULL: until lifted). A lifted lock stays, with who lifted it.
CREATE TABLE locks (
    id ID_PK,
    unit_path TEXT NOT NULL DEFAULT '',
    school_id BIGINT REFERENCES schools(id),
    school_year_id BIGINT REFERENCES school_years(id),
    term TEXT NOT NULL DEFAULT '',
    grade INTEGER NOT NULL DEFAULT 0,
    class_id BIGINT REFERENCES classes(id),
    sheet_id BIGINT,
    from_at TIMESTAMPTZ NOT NULL,
    until_at TIMESTAMPTZ,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    set_by BIGINT NOT NULL,
    requested_by BIGINT,
    set_at TIMESTAMPTZ NOT NULL,
    lifted_by BIGINT,
    lifted_at TIMESTAMPTZ,
    lift_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX locks_school ON locks(school_id);
CREATE INDEX locks_unit ON locks(unit_path);

-- Approval (xét duyệt) of a class book for a term: proposed by a member of the
-- school's admin board, approved or sent back by a leader. An approval locks
-- the class's term (lock_id).
CREATE TABLE approvals (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL REFERENCES school_years(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    term TEXT NOT NULL,
    status TEXT NOT NULL,
    proposed_by BIGINT NOT NULL,
    proposed_at TIMESTAMPTZ NOT NULL,
    proposal_note TEXT NOT NULL DEFAULT '',
    decided_by BIGINT,
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT '',
    lock_id BIGINT REFERENCES locks(id)
);
CREATE INDEX approvals_class ON approvals(class_id, term);

-- A correction request (đề nghị điều chỉnh): the teacher names cells of a
-- locked, approved or signed sheet, the new values and why; a leader approves
-- or rejects; a member of the admin board and the class's homeroom teacher each
-- confirm they witnessed it; then the cells are applied at once.
-- status: requested, approved, rejected, applied, cancelled.
CREATE TABLE corrections (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    sheet_id BIGINT NOT NULL,
    class_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_by BIGINT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    decided_by BIGINT,
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT '',
    board_witness BIGINT,
    board_witness_at TIMESTAMPTZ,
    homeroom_witness BIGINT,
    homeroom_witness_at TIMESTAMPTZ,
    applied_at TIMESTAMPTZ
);
CREATE INDEX corrections_school ON corrections(school_id, status);

CREATE TABLE correction_cells (
    correction_id BIGINT NOT NULL REFERENCES corrections(id),
    pupil_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    PRIMARY KEY (correction_id, pupil_id, field)
);

-- Entry progress frozen at a period's end (a month or a term), so that later
-- entries do not rewrite history: per teacher × class × subject × term, the
-- assessments required by then and those entered.
CREATE TABLE progress_snapshots (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    period TEXT NOT NULL,
    sheet_id BIGINT NOT NULL,
    teacher_id BIGINT NOT NULL,
    class_id BIGINT NOT NULL,
    subject TEXT NOT NULL,
    term TEXT NOT NULL,
    required INTEGER NOT NULL,
    entered INTEGER NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, period, sheet_id)
);

-- The school's entry schedule: by which day each assessment of a term is due
-- (regular[0]…, midterm, final for secondary; level and test for primary).
-- Without a row the default applies (spread over the term's dates).
CREATE TABLE entry_schedules (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL REFERENCES school_years(id),
    term TEXT NOT NULL,
    item TEXT NOT NULL,
    due_on TEXT NOT NULL,
    PRIMARY KEY (school_id, school_year_id, term, item)
);
