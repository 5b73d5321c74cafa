//go:build driverbench

package driverbench

import (
	"context"
	"database/sql/driver"
	"strings"
)

// numbered wraps a driver so that every statement's "$N" placeholders reach
// it as SQLite's "?N" (see the package doc). The wrapper adds one scan of each
// statement's text; statements without '$' pass as they are.
type numbered struct{ driver.Driver }

func (d numbered) Open(name string) (driver.Conn, error) {
	c, err := d.Driver.Open(name)
	if err != nil {
		return nil, err
	}
	return &numberedConn{c}, nil
}

// questionMarks rewrites $N outside quoted strings and identifiers to ?N.
func questionMarks(q string) string {
	if strings.IndexByte(q, '$') < 0 {
		return q
	}
	b := []byte(q)
	var quote byte
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$' && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '9':
			b[i] = '?'
		}
	}
	return string(b)
}

type numberedConn struct{ driver.Conn }

func (c *numberedConn) Prepare(q string) (driver.Stmt, error) {
	return c.Conn.Prepare(questionMarks(q))
}

func (c *numberedConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, questionMarks(q))
	}
	return c.Conn.Prepare(questionMarks(q))
}

func (c *numberedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // the driver has nothing else
}

func (c *numberedConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, questionMarks(q), args)
	}
	return nil, driver.ErrSkip
}

func (c *numberedConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if e, ok := c.Conn.(driver.QueryerContext); ok {
		return e.QueryContext(ctx, questionMarks(q), args)
	}
	return nil, driver.ErrSkip
}

func (c *numberedConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *numberedConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *numberedConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *numberedConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
