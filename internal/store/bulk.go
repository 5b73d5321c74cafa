package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"sdgdt"
	"sdgdt/internal/audit"
)

// The bulk loader writes a whole school's year at once (sdgdt demo --scale):
// COPY on PostgreSQL, long multi-row INSERTs through prepared statements on
// SQLite, in one transaction per school that ends with the load's audit
// entry, appended to the school's chain through the normal path. Rows are
// the same as the use cases write: marks with one history row each (via
// "import"), sheets at the version of that write, results as the
// recomputation stores them (not stale). The caller assigns the ids
// (NextIDs), so a load needs a database nobody else writes meanwhile; Finish
// moves PostgreSQL's sequences past them and refreshes the statistics.

// BulkMark is one cell of a bulk load: its mark and its history row.
type BulkMark struct {
	SheetID, PupilID int64
	Subject, Term    string
	Field, Value     string
	By               int64
}

// BulkSchool is a school's year for BulkLoad. Every id is set by the caller.
type BulkSchool struct {
	SchoolID, SchoolYearID int64
	Users                  []sdgdt.User
	Classes                []sdgdt.Class
	Subjects               []sdgdt.ClassSubject
	Assignments            []sdgdt.Assignment
	Sheets                 []sdgdt.Sheet
	Pupils                 []sdgdt.Pupil
	Enrolments             []sdgdt.Enrolment
	Movements              []sdgdt.Movement
	Conduct                []sdgdt.Conduct
	Marks                  []BulkMark
	Results                []sdgdt.PupilResult
	PrimaryResults         []sdgdt.PrimaryResult
	// Via, Reason and RequestID are written on every history row; RequestID
	// also names the load in its audit entry, so VerifyData finds the rows.
	Via, Reason, RequestID string
	// Audit is the load's entry, appended last.
	Audit *audit.Entry
	// Took is filled by BulkLoad: the time each table took to write.
	Took map[string]time.Duration
}

// Rows counts the rows a load writes (a mark counts twice: mark and history).
func (b *BulkSchool) Rows() int {
	return len(b.Users) + len(b.Classes) + len(b.Subjects) + len(b.Assignments) + len(b.Sheets) + len(b.Pupils) +
		len(b.Enrolments) + len(b.Movements) + len(b.Conduct) + 2*len(b.Marks) + len(b.Results) + len(b.PrimaryResults) + 1
}

// MarksDigest is the digest of a load's cells that its audit entry records:
// SHA-256 of "sheet\tpupil\tfield\tvalue\n" lines in (sheet, pupil, field)
// order. VerifyData computes it again from the load's history rows.
func MarksDigest(marks []BulkMark) string {
	keys := make([]digestLine, len(marks))
	for i, m := range marks {
		keys[i] = digestLine{m.SheetID, m.PupilID, m.Field, m.Value}
	}
	return digestOf(keys)
}

type digestLine struct {
	sheet, pupil int64
	field, value string
}

func digestOf(lines []digestLine) string {
	slices.SortFunc(lines, func(a, b digestLine) int {
		switch {
		case a.sheet != b.sheet:
			return cmpInt(a.sheet, b.sheet)
		case a.pupil != b.pupil:
			return cmpInt(a.pupil, b.pupil)
		}
		return strings.Compare(a.field, b.field)
	})
	h := sha256.New()
	buf := make([]byte, 0, 128)
	for _, l := range lines {
		buf = strconv.AppendInt(buf[:0], l.sheet, 10)
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, l.pupil, 10)
		buf = append(buf, '\t')
		buf = append(buf, l.field...)
		buf = append(buf, '\t')
		buf = append(buf, l.value...)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func cmpInt(a, b int64) int {
	if a < b {
		return -1
	}
	return 1
}

// bulkTable is one table's rows in a load.
type bulkTable struct {
	name string
	cols []string
	n    int
	row  func(i int) []any
}

func (b *BulkSchool) tables(now time.Time) []bulkTable {
	date := func(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }
	var ts []bulkTable
	add := func(name, cols string, n int, row func(i int) []any) {
		if n > 0 {
			ts = append(ts, bulkTable{name, splitColumns(cols), n, row})
		}
	}
	add("users", `id, username, full_name, email, phone, home_kind, home_id, password_hash, must_change_password,
		totp_secret, totp_enabled, totp_last_step, disabled, created_at, password_set_at`, len(b.Users), func(i int) []any {
		u := &b.Users[i]
		return []any{u.ID, strings.ToLower(u.Username), u.FullName, u.Email, u.Phone, u.HomeKind, u.HomeID, u.PasswordHash, u.MustChangePW,
			u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep, u.Disabled, now, now}
	})
	add("classes", `id, school_id, school_year_id, grade, name, ruleset, homeroom_teacher_id`, len(b.Classes), func(i int) []any {
		c := &b.Classes[i]
		return []any{c.ID, c.SchoolID, c.SchoolYearID, c.Grade, c.Name, c.Ruleset, nullInt(c.HomeroomID)}
	})
	add("class_subjects", `class_id, school_id, subject, periods_per_year, assessed_by, position`, len(b.Subjects), func(i int) []any {
		s := &b.Subjects[i]
		return []any{s.ClassID, s.SchoolID, s.Subject, s.PeriodsPerYear, s.AssessedBy, s.Position}
	})
	add("assignments", `school_id, class_id, subject, term, teacher_id`, len(b.Assignments), func(i int) []any {
		a := &b.Assignments[i]
		return []any{a.SchoolID, a.ClassID, a.Subject, a.Term, a.TeacherID}
	})
	add("sheets", `id, school_id, school_year_id, class_id, subject, term, kind, version, created_at, updated_at`, len(b.Sheets), func(i int) []any {
		s := &b.Sheets[i]
		return []any{s.ID, s.SchoolID, s.SchoolYearID, s.ClassID, s.Subject, s.Term, s.Kind, s.Version, now, now}
	})
	add("pupils", `id, school_id, family_name, middle_name, given_name, date_of_birth, sex, ethnicity, place_of_birth, home_town, address,
		father_name, mother_name, guardian_name, guardian_phone, identity_number, ministry_code, created_at, updated_at`, len(b.Pupils), func(i int) []any {
		p := &b.Pupils[i]
		return []any{p.ID, p.SchoolID, p.FamilyName, p.MiddleName, p.GivenName, date(p.DateOfBirth), p.Sex, p.Ethnicity, p.PlaceOfBirth, p.HomeTown, p.Address,
			p.FatherName, p.MotherName, p.GuardianName, p.GuardianPhone, p.IdentityNumber, p.MinistryCode, now, now}
	})
	add("enrolments", `school_id, school_year_id, class_id, pupil_id, status, from_date, to_date, created_at`, len(b.Enrolments), func(i int) []any {
		e := &b.Enrolments[i]
		to := ""
		if !e.To.IsZero() {
			to = date(e.To)
		}
		return []any{e.SchoolID, e.SchoolYearID, e.ClassID, e.PupilID, e.Status, date(e.From), to, now}
	})
	add("movements", `school_id, pupil_id, kind, on_date, from_class_id, to_class_id, to_school_id, other_school, reason, status, requested_by, requested_at, snapshot_json`,
		len(b.Movements), func(i int) []any {
			m := &b.Movements[i]
			return []any{m.SchoolID, m.PupilID, m.Kind, date(m.On), nullInt(m.FromClassID), nullInt(m.ToClassID), nullInt(m.ToSchoolID), m.OtherSchool, m.Reason,
				m.Status, m.RequestedBy, now, m.Snapshot}
		})
	add("conduct", `school_id, school_year_id, pupil_id, term, class_id, level, comment, changed_by, changed_at`, len(b.Conduct), func(i int) []any {
		c := &b.Conduct[i]
		return []any{c.SchoolID, c.SchoolYearID, c.PupilID, c.Term, c.ClassID, c.Level, c.Comment, c.ChangedBy, now}
	})
	// Marks in key order, as WriteCells writes them (and the primary key
	// then grows at its end).
	slices.SortFunc(b.Marks, func(x, y BulkMark) int {
		switch {
		case x.PupilID != y.PupilID:
			return cmpInt(x.PupilID, y.PupilID)
		case x.Subject != y.Subject:
			return strings.Compare(x.Subject, y.Subject)
		case x.Term != y.Term:
			return strings.Compare(x.Term, y.Term)
		}
		return strings.Compare(x.Field, y.Field)
	})
	version := map[int64]int64{}
	for _, s := range b.Sheets {
		version[s.ID] = s.Version
	}
	add("marks", `school_id, school_year_id, pupil_id, subject, term, field, value, sheet_id, sheet_version, changed_by, changed_at`, len(b.Marks), func(i int) []any {
		m := &b.Marks[i]
		return []any{b.SchoolID, b.SchoolYearID, m.PupilID, m.Subject, m.Term, m.Field, m.Value, m.SheetID, version[m.SheetID], m.By, now}
	})
	add("mark_changes", `school_id, school_year_id, sheet_id, sheet_version, pupil_id, subject, term, field, previous, value,
		changed_by, changed_at, via, reason, correction_id, request_id`, len(b.Marks), func(i int) []any {
		m := &b.Marks[i]
		return []any{b.SchoolID, b.SchoolYearID, m.SheetID, version[m.SheetID], m.PupilID, m.Subject, m.Term, m.Field, "", m.Value,
			m.By, now, b.Via, b.Reason, nil, b.RequestID}
	})
	slices.SortFunc(b.Results, func(x, y sdgdt.PupilResult) int { return cmpInt2(x.PupilID, y.PupilID) })
	add("pupil_results", resultColumns, len(b.Results), func(i int) []any { return resultValues(&b.Results[i], now) })
	slices.SortStableFunc(b.PrimaryResults, func(x, y sdgdt.PrimaryResult) int { return cmpInt2(x.PupilID, y.PupilID) })
	add("primary_results", primaryResultColumns, len(b.PrimaryResults), func(i int) []any {
		r := &b.PrimaryResults[i]
		return []any{r.SchoolID, r.SchoolYearID, r.PupilID, r.Point, r.ClassID, r.Gen, r.RulesetVersion, r.Grade, r.Complete, r.MissingJSON,
			r.SubjectsT, r.SubjectsH, r.SubjectsC, r.QCT, r.QCD, r.QCC, r.Result, r.Award, r.CompletedGrade, r.CompletedPrimary, r.ResultFinal,
			r.Promotion, r.Error, now, cmp.Or(r.SubjectsJSON, "[]")}
	})
	return ts
}

func cmpInt2(a, b int64) int {
	if a == b {
		return 0
	}
	return cmpInt(a, b)
}

// bulkTables are the tables whose ids a bulk load assigns.
var bulkTables = []string{"users", "classes", "sheets", "pupils"}

// NextIDs returns, for users, classes, sheets and pupils, the first id
// after those stored.
func (db *DB) NextIDs(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := db.View(ctx, func(tx *Tx) error {
		for _, t := range bulkTables {
			var n int64
			if err := tx.queryRow(`SELECT COALESCE(MAX(id), 0) FROM ` + t).Scan(&n); err != nil {
				return err
			}
			out[t] = n + 1
		}
		return nil
	})
	return out, err
}

// BulkLoad writes one school's year in one transaction, its audit entry last.
func (db *DB) BulkLoad(ctx context.Context, b *BulkSchool) error {
	if b.Audit == nil {
		return errors.New("bulk load: no audit entry")
	}
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if db.turn != nil { // SQLite: take the writer's turn like Update
		select {
		case db.turn <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-db.turn }()
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	t := &Tx{tx: sqlTx, ctx: ctx, Now: db.Now().UTC().Truncate(time.Microsecond), d: db.Dialect}
	if db.Dialect == Postgres {
		// The foreign-key checks are row triggers: two thirds of the time of
		// COPY into marks went to them. A superuser (the usual owner of a
		// test or staging database) skips them for this transaction, as
		// pg_restore --disable-triggers does: every parent row is written
		// before its children, with ids assigned here, and the load's test
		// checks that no reference dangles. Other roles keep the checks.
		var super string
		if err := sqlTx.QueryRowContext(ctx, `SELECT current_setting('is_superuser')`).Scan(&super); err != nil {
			return err
		}
		if super == "on" {
			if _, err := sqlTx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
				return err
			}
		}
		// A school's load need not wait for its WAL to reach the disk: a
		// crash loses at most the last loads of a build that is started
		// again on a new database anyway, and FinishBulk's statements,
		// committed synchronously, flush every load before them.
		if _, err := sqlTx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
	}
	b.Took = map[string]time.Duration{}
	for _, tb := range b.tables(t.Now) {
		start := time.Now()
		if db.Dialect == Postgres {
			err = conn.Raw(func(dc any) error {
				pc, ok := dc.(*stdlib.Conn)
				if !ok {
					return fmt.Errorf("bulk load: unexpected driver connection %T", dc)
				}
				_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{tb.name}, tb.cols, pgx.CopyFromFunc(func() func() ([]any, error) {
					i := -1
					return func() ([]any, error) {
						i++
						if i >= tb.n {
							return nil, nil
						}
						return tb.row(i), nil
					}
				}()))
				return err
			})
		} else {
			err = t.insertRows(tb)
		}
		if err != nil {
			return fmt.Errorf("bulk load %s: %w", tb.name, err)
		}
		b.Took[tb.name] += time.Since(start)
	}
	start := time.Now()
	defer func() { b.Took["audit+commit"] = time.Since(start) }()
	if err := t.AppendAudit(b.Audit); err != nil {
		return err
	}
	if err := t.flushAudit(); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// insertRows writes a table's rows with multi-row INSERTs of up to 200 rows
// (and at most 30,000 parameters), each statement prepared once per load.
func (t *Tx) insertRows(tb bulkTable) error {
	per := min(200, 30000/len(tb.cols))
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	args := make([]any, 0, per*len(tb.cols))
	for start := 0; start < tb.n; start += per {
		k := min(per, tb.n-start)
		st := stmts[k]
		if st == nil {
			var b strings.Builder
			b.WriteString(`INSERT INTO ` + tb.name + ` (` + strings.Join(tb.cols, ", ") + `) VALUES `)
			ph := t.placeholders(0, len(tb.cols))
			for i := 0; i < k; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(ph)
			}
			var err error
			if st, err = t.tx.PrepareContext(t.ctx, b.String()); err != nil {
				return err
			}
			stmts[k] = st
		}
		args = args[:0]
		for i := start; i < start+k; i++ {
			args = append(args, tb.row(i)...)
		}
		if _, err := st.ExecContext(t.ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// bulkReferences are the foreign keys of the tables a bulk load writes:
// table, column, referenced table (by id).
var bulkReferences = [][3]string{
	{"classes", "school_id", "schools"}, {"classes", "school_year_id", "school_years"}, {"classes", "homeroom_teacher_id", "users"},
	{"class_subjects", "class_id", "classes"}, {"class_subjects", "school_id", "schools"},
	{"assignments", "school_id", "schools"}, {"assignments", "class_id", "classes"}, {"assignments", "teacher_id", "users"},
	{"sheets", "school_id", "schools"}, {"sheets", "school_year_id", "school_years"}, {"sheets", "class_id", "classes"},
	{"pupils", "school_id", "schools"},
	{"enrolments", "school_id", "schools"}, {"enrolments", "school_year_id", "school_years"}, {"enrolments", "class_id", "classes"}, {"enrolments", "pupil_id", "pupils"},
	{"movements", "school_id", "schools"}, {"movements", "pupil_id", "pupils"}, {"movements", "from_class_id", "classes"}, {"movements", "to_class_id", "classes"},
	{"conduct", "school_id", "schools"}, {"conduct", "pupil_id", "pupils"},
	{"marks", "school_id", "schools"}, {"marks", "pupil_id", "pupils"},
	{"pupil_results", "school_id", "schools"}, {"pupil_results", "pupil_id", "pupils"},
	{"primary_results", "school_id", "schools"}, {"primary_results", "pupil_id", "pupils"},
}

// bulkDeferred are the tables whose indexes a PostgreSQL bulk load builds
// after their rows rather than keeping them up to date row by row: the 63 M
// marks and history rows of a province spent most of their COPY in the two
// multi-column btrees (the primary key of marks, the history's cell index).
// Their identity primary keys, filled in order, are kept.
var bulkDeferred = []string{"marks", "mark_changes"}

// BeginBulk prepares an empty database for BulkLoad. On PostgreSQL it drops
// the indexes of bulkDeferred (their definitions read from the catalogue,
// so they are built again exactly as the migrations made them) and keeps
// their definitions for FinishBulk: a load that fails before FinishBulk
// leaves a database without them, to be dropped (the demo command says so).
func (db *DB) BeginBulk(ctx context.Context) error {
	if db.Dialect != Postgres {
		return nil
	}
	for _, table := range bulkDeferred {
		rows, err := db.writer.QueryContext(ctx, `SELECT i.relname, pg_get_indexdef(i.oid), COALESCE(c.conname, ''), COALESCE(pg_get_constraintdef(c.oid), '')
			FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype = 'p'
			WHERE x.indrelid = $1::regclass AND pg_get_indexdef(i.oid) NOT LIKE '%(id)'
			ORDER BY i.relname`, table)
		if err != nil {
			return fmt.Errorf("indexes of %s: %w", table, err)
		}
		var drops []string
		for rows.Next() {
			var index, def, con, condef string
			if err := rows.Scan(&index, &def, &con, &condef); err != nil {
				rows.Close()
				return err
			}
			if con != "" {
				drops = append(drops, `ALTER TABLE `+table+` DROP CONSTRAINT `+con)
				db.bulkIndexes = append(db.bulkIndexes, `ALTER TABLE `+table+` ADD CONSTRAINT `+con+` `+condef)
			} else {
				drops = append(drops, `DROP INDEX `+index)
				db.bulkIndexes = append(db.bulkIndexes, def)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, q := range drops {
			if _, err := db.writer.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("bulk load: %s: %w", q, err)
			}
		}
	}
	return nil
}

// FinishBulk ends a bulk load: on PostgreSQL it builds the indexes that
// BeginBulk dropped, checks every reference the load wrote (whole-table
// anti-joins, far cheaper than the per-row checks it skipped) and moves the
// id sequences past the ids it assigned; then it refreshes the planner's
// statistics (DB.Analyze).
func (db *DB) FinishBulk(ctx context.Context) error {
	if db.Dialect == Postgres {
		if err := db.buildBulkIndexes(ctx); err != nil {
			return err
		}
		for _, r := range bulkReferences {
			var n int64
			q := `SELECT COUNT(*) FROM ` + r[0] + ` t WHERE t.` + r[1] + ` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ` + r[2] + ` p WHERE p.id = t.` + r[1] + `)`
			if err := db.writer.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return fmt.Errorf("check %s.%s: %w", r[0], r[1], err)
			}
			if n > 0 {
				return fmt.Errorf("bulk load: %d rows of %s name a missing %s (%s)", n, r[0], r[2], r[1])
			}
		}
		for _, t := range bulkTables {
			if _, err := db.writer.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM `+t+`), false)`); err != nil {
				return fmt.Errorf("sequence of %s: %w", t, err)
			}
		}
	}
	return db.Analyze(ctx)
}

// buildBulkIndexes builds the indexes BeginBulk dropped, one after the other
// on one connection given a large sort memory (PostgreSQL builds each with
// its parallel workers).
func (db *DB) buildBulkIndexes(ctx context.Context) error {
	if len(db.bulkIndexes) == 0 {
		return nil
	}
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '1GB'`); err != nil {
		return err
	}
	for _, q := range db.bulkIndexes {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bulk load: %s: %w", q, err)
		}
	}
	db.bulkIndexes = nil
	_, err = conn.ExecContext(ctx, `RESET maintenance_work_mem`)
	return err
}

// bulkLoadRows returns the cells a bulk load's history rows hold, for
// VerifyData, and their digest.
func (t *Tx) bulkLoadRows(schoolID int64, requestID string) ([]digestLine, error) {
	rows, err := t.query(`SELECT sheet_id, pupil_id, field, value FROM mark_changes WHERE school_id = $1 AND request_id = $2`, schoolID, requestID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []digestLine
	for rows.Next() {
		var l digestLine
		if err := rows.Scan(&l.sheet, &l.pupil, &l.field, &l.value); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
