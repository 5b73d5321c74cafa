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
