package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// The schema as the database's catalogue describes it, for the test that
// keeps every school-scoped table keyed by school_id (docs/performance.md,
// "Distributing on Citus by school_id"). Reading the catalogue differs
// wholly between the engines, so both readers live here rather than in
// dialect.go, which holds the differences of the data's SQL.

// TableInfo is a table: its columns in order, its primary key and its other
// indexes (unique constraints included).
type TableInfo struct {
	Name       string
	Columns    []ColumnInfo
	PrimaryKey []string
	Indexes    []IndexInfo
}

// ColumnInfo is a column of a table.
type ColumnInfo struct {
	Name    string
	NotNull bool
}

// IndexInfo is an index, with its columns in order.
type IndexInfo struct {
	Name    string
	Unique  bool
	Partial bool
	Columns []string
}

// Column returns the named column and whether the table has it.
func (t TableInfo) Column(name string) (ColumnInfo, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return ColumnInfo{}, false
}

// Tables returns every table of the database, by name.
func (db *DB) Tables(ctx context.Context) ([]TableInfo, error) {
	var out []TableInfo
	var err error
	if db.Dialect == Postgres {
		out, err = postgresTables(ctx, db.reader)
	} else {
		out, err = sqliteTables(ctx, db.reader)
	}
	if err != nil {
		return nil, fmt.Errorf("read the catalogue: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func sqliteTables(ctx context.Context, q *sql.DB) ([]TableInfo, error) {
	names, err := queryStrings(ctx, q, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, err
	}
	var out []TableInfo
	for _, name := range names {
		t := TableInfo{Name: name}
		rows, err := q.QueryContext(ctx, `SELECT name, "notnull", pk FROM pragma_table_info($1) ORDER BY cid`, name)
		if err != nil {
			return nil, err
		}
		pk := map[int]string{}
		for rows.Next() {
			var c ColumnInfo
			var n int
			if err := rows.Scan(&c.Name, &c.NotNull, &n); err != nil {
				rows.Close()
				return nil, err
			}
			if n > 0 {
				pk[n] = c.Name
			}
			t.Columns = append(t.Columns, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for i := 1; i <= len(pk); i++ {
			t.PrimaryKey = append(t.PrimaryKey, pk[i])
		}
		rows, err = q.QueryContext(ctx, `SELECT name, "unique", origin, partial FROM pragma_index_list($1)`, name)
		if err != nil {
			return nil, err
		}
		var idx []IndexInfo
		for rows.Next() {
			var ix IndexInfo
			var origin string
			if err := rows.Scan(&ix.Name, &ix.Unique, &origin, &ix.Partial); err != nil {
				rows.Close()
				return nil, err
			}
			if origin != "pk" { // the primary key is PrimaryKey
				idx = append(idx, ix)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, ix := range idx {
			if ix.Columns, err = queryStrings(ctx, q, `SELECT name FROM pragma_index_info($1) ORDER BY seqno`, ix.Name); err != nil {
				return nil, err
			}
			t.Indexes = append(t.Indexes, ix)
		}
		out = append(out, t)
	}
	return out, nil
}

func postgresTables(ctx context.Context, q *sql.DB) ([]TableInfo, error) {
	byName := map[string]*TableInfo{}
	var order []string
	rows, err := q.QueryContext(ctx, `SELECT table_name, column_name, is_nullable = 'NO' FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table string
		var c ColumnInfo
		if err := rows.Scan(&table, &c.Name, &c.NotNull); err != nil {
			rows.Close()
			return nil, err
		}
		t := byName[table]
		if t == nil {
			t = &TableInfo{Name: table}
			byName[table] = t
			order = append(order, table)
		}
		t.Columns = append(t.Columns, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT t.relname, i.relname, ix.indisprimary, ix.indisunique, ix.indpred IS NOT NULL,
			(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum)
		FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_namespace ns ON ns.oid = t.relnamespace
		WHERE ns.nspname = current_schema() ORDER BY t.relname, i.relname`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var table, cols string
		var ix IndexInfo
		var primary bool
		if err := rows.Scan(&table, &ix.Name, &primary, &ix.Unique, &ix.Partial, &cols); err != nil {
			return nil, err
		}
		t := byName[table]
		if t == nil {
			continue
		}
		ix.Columns = strings.Split(cols, ",")
		if primary {
			t.PrimaryKey = ix.Columns
		} else {
			t.Indexes = append(t.Indexes, ix)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]TableInfo, 0, len(order))
	for _, n := range order {
		out = append(out, *byName[n])
	}
	return out, nil
}

func queryStrings(ctx context.Context, q *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
