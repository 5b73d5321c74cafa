package store

import (
	"strconv"
	"strings"
)

// Every difference between SQLite and PostgreSQL lives in this file. The SQL of the
// store uses $1, $2... placeholders, which both engines accept, RETURNING for new
// ids, and ON CONFLICT for upserts, which both support.

// Dialect names a database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// migrationTokens are replaced in the embedded migrations before they run.
func (d Dialect) migrationReplacer() *strings.Replacer {
	if d == Postgres {
		return strings.NewReplacer("ID_PK", "BIGSERIAL PRIMARY KEY", "TIMESTAMPTZ", "TIMESTAMPTZ")
	}
	return strings.NewReplacer("ID_PK", "INTEGER PRIMARY KEY", "TIMESTAMPTZ", "TIMESTAMP")
}

// ClaimsRows reports whether write transactions of several processes run at
// once, each locking only the rows it touches (PostgreSQL), so that a worker
// claims its rows (forUpdateSkipLocked) rather than reading them first and
// writing later. SQLite's one writer excludes every other transaction: a
// worker there holds it no longer than its write.
func (d Dialect) ClaimsRows() bool { return d == Postgres }

// forUpdateSkipLocked ends a SELECT that claims the rows it returns for the
// transaction, passing by those another transaction holds.
func (d Dialect) forUpdateSkipLocked() string {
	if d == Postgres {
		return ` FOR UPDATE SKIP LOCKED`
	}
	return ``
}

// driver is the database/sql driver name.
func (d Dialect) driver() string {
	if d == Postgres {
		return "pgx"
	}
	return "sqlite"
}

// isUniqueViolation reports whether err comes from a UNIQUE constraint.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

func itoa(n int) string { return strconv.Itoa(n) }

// splitColumns splits a column list on commas, trimming spaces and newlines.
func splitColumns(cols string) []string {
	var out []string
	for _, c := range strings.Split(cols, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}
