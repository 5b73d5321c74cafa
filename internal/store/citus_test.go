package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

// The schema is to be distributed on Citus by school_id (10-design.md,
// "Beyond one machine"; docs/performance.md, "Distributing on Citus by
// school_id"). Citus requires of a distributed table that its distribution
// column be NOT NULL in practice and be part of its primary key and of every
// unique constraint; this project keys school-scoped tables by school_id
// first, so that a school's rows of a table are one range of its key.
//
// A table not named in citusPlan must follow that rule. citusPlan names the
// others: the reference tables (copied to every node), the tables kept on
// the coordinator, and the school-scoped tables that do not follow the rule
// yet, each with the change it needs. A new table that breaks the rule fails
// the test until it is keyed by school_id or named here with a reason.

type citusKind string

const (
	reference   citusKind = "reference"   // create_reference_table: small, read everywhere, written rarely
	local       citusKind = "local"       // citus_add_local_table_to_metadata: on the coordinator only
	distributed citusKind = "distributed" // create_distributed_table(t, 'school_id'): not there yet
)

type citusEntry struct {
	kind   citusKind
	change string // what the table still needs; for distributed ones what breaks the rule
}

var citusPlan = map[string]citusEntry{
	// Reference tables: the management tree and what every request reads.
	"units":         {reference, ""},
	"schools":       {reference, "read by every rights check and by every unit page over the schools below it"},
	"school_years":  {reference, ""},
	"users":         {reference, "accounts of schools and of units alike (home_kind, home_id); sign-in by username"},
	"groups":        {reference, "a school's groups and teams, few; role_grants and group_members point at them"},
	"group_members": {reference, ""},
	"role_grants":   {reference, "resolved on every request; scope_kind/scope_id name units as well as schools"},
	"signing_cas":   {reference, ""},
	"signing_keys":  {reference, "a signer's certificates, read when signing and verifying"},
	"locks": {reference, "a unit's inspection window has no school (school_id NULL) and every write checks the locks: " +
		"drop the FOREIGN KEY (class_id) REFERENCES classes, which a reference table may not have"},

	// On the coordinator: per account or per request, no school.
	"sessions":          {local, "looked up by id on every request"},
	"login_attempts":    {local, ""},
	"sign_ins":          {local, ""},
	"schema_migrations": {local, ""},

	// School-scoped tables that do not follow the rule yet.
	"classes":          {distributed, "PRIMARY KEY (school_id, id); references to classes(id) become (school_id, class_id)"},
	"assignments":      {distributed, "PRIMARY KEY (school_id, id); UNIQUE (school_id, class_id, subject, term)"},
	"staff_profiles":   {distributed, "PRIMARY KEY (school_id, user_id); a move to another school is a new row"},
	"pupils":           {distributed, "PRIMARY KEY (school_id, id); identity_number unique per school only (or checked by the app); a transfer updates school_id, which Citus refuses: move the row (delete + insert)"},
	"enrolments":       {distributed, "PRIMARY KEY (school_id, id)"},
	"absences":         {distributed, "PRIMARY KEY (school_id, id)"},
	"movements":        {distributed, "PRIMARY KEY (school_id, id); the destination of a transfer reads it by to_school_id (a query over every shard, rare)"},
	"sheets":           {distributed, "PRIMARY KEY (school_id, id); UNIQUE (school_id, class_id, subject, term)"},
	"mark_changes":     {distributed, "PRIMARY KEY (school_id, id)"},
	"approvals":        {distributed, "PRIMARY KEY (school_id, id)"},
	"corrections":      {distributed, "PRIMARY KEY (school_id, id)"},
	"correction_cells": {distributed, "add school_id; PRIMARY KEY (school_id, correction_id, pupil_id, field)"},
	"signatures":       {distributed, "PRIMARY KEY (school_id, id)"},
	"documents":        {distributed, "PRIMARY KEY (school_id, id); the code is looked up alone by /verify/{code}: UNIQUE (school_id, code) and a code that names its school, or a reference table of codes"},
	"jobs":             {distributed, "PRIMARY KEY (school_id, id); the runner's UnfinishedJobs is a query over every shard (small)"},
	"incidents":        {distributed, "PRIMARY KEY (school_id, id)"},
	"audit_log":        {distributed, "PRIMARY KEY (school_id, id); UNIQUE (school_id, chain, seq) (the system chain's rows have school_id 0)"},
	"audit_heads":      {distributed, "add school_id; PRIMARY KEY (school_id, chain): a school's head is written with its data"},
}

// citusRule says why a table cannot be distributed by school_id as it is
// ("" when it can).
func citusRule(t store.TableInfo) string {
	c, ok := t.Column("school_id")
	switch {
	case !ok:
		return "no school_id column"
	case !c.NotNull:
		return "school_id may be NULL"
	case len(t.PrimaryKey) == 0 || t.PrimaryKey[0] != "school_id":
		return "primary key (" + strings.Join(t.PrimaryKey, ", ") + ") does not start with school_id"
	}
	for _, ix := range t.Indexes {
		if ix.Unique && !slices.Contains(ix.Columns, "school_id") {
			return "unique index " + ix.Name + " (" + strings.Join(ix.Columns, ", ") + ") lacks school_id"
		}
	}
	return ""
}

func TestSchoolScopedTablesKeyedBySchool(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tables, err := db.Tables(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		var keyed []string
		for _, tb := range tables {
			seen[tb.Name] = true
			why := citusRule(tb)
			e, listed := citusPlan[tb.Name]
			switch {
			case !listed && why != "":
				t.Errorf("table %s cannot be distributed by school_id: %s. Key it by school_id first, or name it in citusPlan with why", tb.Name, why)
			case !listed:
				keyed = append(keyed, tb.Name)
			case e.kind == distributed && why == "":
				t.Errorf("table %s follows the rule now: take it out of citusPlan", tb.Name)
			case e.kind == distributed && e.change == "":
				t.Errorf("table %s: citusPlan must say what it needs (%s)", tb.Name, why)
			}
		}
		for name := range citusPlan {
			if !seen[name] {
				t.Errorf("citusPlan names %s, which is not a table", name)
			}
		}
		// The tables distributed as they are: the assessment book's own.
		for _, want := range []string{"class_subjects", "absence_totals", "monthly_confirmations", "marks", "conduct", "retests", "pupil_results", "primary_results", "result_statistics", "progress_snapshots", "entry_schedules"} {
			if !slices.Contains(keyed, want) {
				t.Errorf("%s is not keyed by school_id", want)
			}
		}
		t.Logf("distributed by school_id as they are: %s", strings.Join(keyed, ", "))
	})
}
