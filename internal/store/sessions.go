package store

import (
	"time"

	"sdgdt"
)

const sessionColumns = `id, user_id, kind, created_at, last_seen_at, expires_at, ip, user_agent, mfa_pending`

func scanSession(sc interface{ Scan(...any) error }) (sdgdt.Session, error) {
	var s sdgdt.Session
	err := sc.Scan(&s.ID, &s.UserID, &s.Kind, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.IP, &s.UserAgent, &s.MFAPending)
	return s, err
}

// CreateSession inserts a session; s.ID is the hash of its secret.
func (t *Tx) CreateSession(s *sdgdt.Session) error {
	s.CreatedAt, s.LastSeenAt = t.Now, t.Now
	_, err := t.exec(`INSERT INTO sessions (id, user_id, kind, created_at, last_seen_at, expires_at, ip, user_agent, mfa_pending)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.ID, s.UserID, s.Kind, s.CreatedAt, s.LastSeenAt, s.ExpiresAt.UTC(), s.IP, s.UserAgent, s.MFAPending)
	return err
}

// Session returns a session that has not been ended.
func (t *Tx) Session(id string) (sdgdt.Session, error) {
	s, err := scanSession(t.queryRow(`SELECT `+sessionColumns+` FROM sessions WHERE id = $1 AND ended_at IS NULL`, id))
	return s, notFound(err, "phiên đăng nhập")
}

// TouchSession records activity on a session.
func (t *Tx) TouchSession(id string) error {
	_, err := t.exec(`UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, t.Now, id)
	return err
}

// CompleteMFA marks a session's second factor as passed.
func (t *Tx) CompleteMFA(id, newID string) error {
	_, err := t.exec(`UPDATE sessions SET id = $1, mfa_pending = $2, last_seen_at = $3 WHERE id = $4`, newID, false, t.Now, id)
	return err
}

// EndSession ends one session of a user.
func (t *Tx) EndSession(userID int64, id string) error {
	res, err := t.exec(`UPDATE sessions SET ended_at = $1 WHERE id = $2 AND user_id = $3 AND ended_at IS NULL`, t.Now, id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Phiên đăng nhập không còn hoạt động."}
	}
	return nil
}

// EndSessionsOf ends every session of a user except keep (which may be "").
func (t *Tx) EndSessionsOf(userID int64, keep string) error {
	_, err := t.exec(`UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND id <> $3 AND ended_at IS NULL`, t.Now, userID, keep)
	return err
}

// ActiveSessions returns a user's sessions that are neither ended nor expired
// (idle is the idle timeout of web sessions), newest first.
func (t *Tx) ActiveSessions(userID int64, idle time.Duration) ([]sdgdt.Session, error) {
	rows, err := t.query(`SELECT `+sessionColumns+` FROM sessions WHERE user_id = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY last_seen_at DESC`, userID, t.Now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		if s.Kind == "web" && s.LastSeenAt.Add(idle).Before(t.Now) {
			continue
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// RecordAttempt records a sign-in attempt under a throttling key ("user:x", "ip:y").
func (t *Tx) RecordAttempt(key string, ok bool) error {
	_, err := t.exec(`INSERT INTO login_attempts (key, at, ok) VALUES ($1, $2, $3)`, key, t.Now, ok)
	return err
}

// ClearFailures ends the throttling of key and of every key that starts with
// key + "@" (an account from each address), by recording a success for each
// of them. It returns how many keys it cleared.
func (t *Tx) ClearFailures(key string) (int64, error) {
	rows, err := t.query(`SELECT DISTINCT key FROM login_attempts WHERE (key = $1 OR key LIKE $2) AND ok = $3`, key, key+"@%", false)
	if err != nil {
		return 0, err
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return 0, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, k := range keys {
		if _, err := t.exec(`INSERT INTO login_attempts (key, at, ok) VALUES ($1, $2, $3)`, k, t.Now, true); err != nil {
			return 0, err
		}
	}
	return int64(len(keys)), nil
}

// FailuresSince returns the times of failed attempts under key after since, back
// to the last successful one.
func (t *Tx) FailuresSince(key string, since time.Time) ([]time.Time, error) {
	rows, err := t.query(`SELECT at FROM login_attempts WHERE key = $1 AND at > $2 AND ok = $3
		AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE key = $1 AND ok = $4), $2)`, key, since.UTC(), false, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, rows.Err()
}

// RecordSignIn records a successful sign-in.
func (t *Tx) RecordSignIn(userID int64, ip, ua, kind string) error {
	_, err := t.exec(`INSERT INTO sign_ins (user_id, at, ip, user_agent, kind) VALUES ($1, $2, $3, $4, $5)`, userID, t.Now, ip, ua, kind)
	return err
}

// SignInsOf returns a user's latest sign-ins, newest first.
func (t *Tx) SignInsOf(userID int64, limit int) ([]sdgdt.SignIn, error) {
	rows, err := t.query(`SELECT at, ip, user_agent, kind FROM sign_ins WHERE user_id = $1 ORDER BY at DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.SignIn
	for rows.Next() {
		var s sdgdt.SignIn
		if err := rows.Scan(&s.At, &s.IP, &s.UserAgent, &s.Kind); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
