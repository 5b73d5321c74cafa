//go:build driverbench

// Package driverbench compares SQLite drivers for database/sql on the
// product's own full-sheet save (app.PatchSheet: rights, lock, validation,
// conflict check, cells, history, audit entry and stale results in one
// transaction), each driver opening the database through store.Open (its
// store.SQLiteDriver hook) on the same demo province (demo.Seed):
//
//   - modernc: modernc.org/sqlite, driver "sqlite", pure Go: the product's;
//   - ncruces: github.com/ncruces/go-sqlite3/driver, SQLite compiled to Go
//     through Wasm, no cgo;
//   - mattn: github.com/mattn/go-sqlite3, cgo.
//
// It is built only with the build tag driverbench, so the product's builds,
// vet and tests (and CGO_ENABLED=0 builds) never compile it nor its drivers.
// mattn and ncruces both register the name "sqlite3"; rename mattn's at link
// time:
//
//	go test -tags driverbench -ldflags=-X=github.com/mattn/go-sqlite3.driverName=mattn \
//	    -run '^$' -bench . -benchtime=20s ./internal/store/driverbench/
//
// The store writes PostgreSQL's numbered placeholders ($1, $2 …). modernc
// binds "$N" to the N-th argument; ncruces and mattn, like SQLite itself,
// treat "$N" as a named parameter numbered in order of first appearance, so
// "SET updated_at = $2 WHERE id = $1" would bind the wrong values. Their
// connections are therefore wrapped (wrap.go) to send SQLite's numbered form
// "?N" instead, which binds the same on every driver; a switch of driver in
// the product would need that change in the store.
package driverbench
