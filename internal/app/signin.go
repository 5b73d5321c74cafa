package app

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
)

// SignInInput is what a person types to sign in.
type SignInInput struct {
	Username  string
	Password  string
	OTP       string // for API tokens, the second factor in the same request
	IP        string
	UserAgent string
	Kind      string // "web" or "api"
}

// SignInResult is a new session: Token is its secret (sent once, stored hashed).
type SignInResult struct {
	Token      string
	User       sdgdt.User
	ExpiresAt  time.Time
	MFAPending bool // web: the second factor is still to be given
}

var errBadCredentials = &sdgdt.Error{Code: sdgdt.EUNAUTHORIZED, Message: "Tên đăng nhập hoặc mật khẩu không đúng."}

// SignIn checks a username and password (and, for API tokens, the second factor)
// and opens a session. Failures are throttled per account and per client address.
func (a *App) SignIn(ctx context.Context, in SignInInput) (SignInResult, error) {
	var res SignInResult
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	if in.Username == "" || in.Password == "" {
		return res, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Vui lòng nhập tên đăng nhập và mật khẩu.",
			Fields: fieldsIf(in.Username == "", "username", "Vui lòng nhập tên đăng nhập.", in.Password == "", "password", "Vui lòng nhập mật khẩu.")}
	}
	if strings.ContainsRune(in.Username, 0) || !utf8.ValidString(in.Username) || len(in.Username) > 200 {
		// No account has such a name, and PostgreSQL refuses it as a text value.
		auth.CheckPassword(a.dummyHash(), in.Password)
		return res, errBadCredentials
	}
	account, address, pair := "user:"+in.Username, "ip:"+in.IP, "user:"+in.Username+"@ip:"+in.IP
	keys := []string{pair, address, account} // the lockouts first: their message says how long
	now := a.DB.Now()
	// Read the throttle state and the account outside the writer, check the
	// password (argon2id, ~100 ms) outside any transaction, then write the
	// attempt and the session in one short transaction: sign-ins never hold
	// the writer that every mark save of the province waits for.
	var user sdgdt.User
	var roles []sdgdt.RoleRef
	var failure error
	found := false
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		th := a.Cfg.Throttle
		since := now.Add(-th.Window - th.Lockout)
		for _, k := range keys {
			fails, err := tx.FailuresSince(k, since)
			if err != nil {
				return err
			}
			switch k {
			case pair:
				if until, locked := th.LockedUntil(fails, now); locked {
					failure = &sdgdt.Error{Code: sdgdt.ETHROTTLED, Message: auth.LockoutMessage(until, now)}
				}
			case address:
				if until, locked := th.AddressLockedUntil(fails, now); locked {
					failure = &sdgdt.Error{Code: sdgdt.ETHROTTLED, Message: auth.LockoutMessage(until, now)}
				}
			case account:
				if until, slowed := th.AccountDelayUntil(fails, now); slowed {
					failure = &sdgdt.Error{Code: sdgdt.ETHROTTLED, Message: auth.DelayMessage(until, now)}
				}
			}
			if failure != nil {
				return nil
			}
		}
		u, err := tx.UserByUsername(in.Username)
		if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		user, found = u, true
		roles, err = tx.RolesOf(u.ID)
		return err
	})
	if err != nil {
		return res, err
	}
	if failure != nil {
		return res, failure
	}
	ok := false
	if found {
		ok, _ = auth.CheckPassword(user.PasswordHash, in.Password)
	} else {
		// Spend the same time as a real check, so timing does not reveal accounts.
		auth.CheckPassword(a.dummyHash(), in.Password)
	}
	// A disabled account says so only to whoever knows its password, so that
	// the answer does not reveal which usernames exist.
	disabled := ok && user.Disabled
	if disabled {
		ok = false
	}
	var otpStep int64
	if ok && in.Kind == "api" {
		switch {
		case user.TOTPEnabled && strings.TrimSpace(in.OTP) == "":
			return res, &sdgdt.Error{Code: sdgdt.EMFAREQUIRED, Message: "Tài khoản này cần mã xác thực hai lớp (otp).", Fields: map[string]string{"otp": "Vui lòng nhập mã xác thực 6 chữ số."}}
		case user.TOTPEnabled:
			step, good := auth.VerifyTOTP(user.TOTPSecret, in.OTP, now, user.TOTPLastStep)
			ok, otpStep = good, step
		case a.NeedsMFAEnrolment(&Principal{User: user, Roles: roles}):
			// The same rule as the web path: a role that requires a second
			// factor gets no token until one is enrolled (on the web) and given.
			return res, &sdgdt.Error{Code: sdgdt.EMFAREQUIRED, Message: "Tài khoản này phải bật xác thực hai lớp trước khi dùng API: hãy đăng nhập trên trang web để đăng ký ứng dụng xác thực."}
		}
	}
	if ok {
		res.User = user
		res.Token = auth.NewToken()
	}
	s := sdgdt.Session{ID: auth.HashToken(res.Token), UserID: user.ID, Kind: in.Kind, IP: in.IP, UserAgent: in.UserAgent}
	if in.Kind == "api" {
		s.ExpiresAt = now.Add(a.Cfg.TokenTTL)
	} else {
		s.ExpiresAt = now.Add(a.Cfg.AbsoluteTimeout)
		s.MFAPending = user.TOTPEnabled
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		if ok && otpStep != 0 {
			// The code is used once: a second sign-in with the same code,
			// racing this one, finds the step already taken.
			u, err := tx.User(user.ID)
			if err != nil {
				return err
			}
			if u.TOTPLastStep >= otpStep {
				ok = false
			} else {
				u.TOTPLastStep = otpStep
				if err := tx.UpdateUser(&u); err != nil {
					return err
				}
			}
		}
		for _, k := range keys {
			if err := tx.RecordAttempt(k, ok); err != nil {
				return err
			}
		}
		if !ok {
			return nil
		}
		if err := tx.CreateSession(&s); err != nil {
			return err
		}
		if s.MFAPending {
			return nil // recorded once the second factor is given
		}
		return a.recordSignIn(tx, user, in.IP, in.UserAgent, in.Kind, in.Kind)
	})
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		if disabled {
			return SignInResult{}, &sdgdt.Error{Code: sdgdt.EUNAUTHORIZED, Message: "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị viên của trường."}
		}
		return SignInResult{}, errBadCredentials
	}
	res.ExpiresAt, res.MFAPending = s.ExpiresAt, s.MFAPending
	return res, nil
}

func (a *App) recordSignIn(tx *store.Tx, u sdgdt.User, ip, ua, kind, how string) error {
	if err := tx.RecordSignIn(u.ID, ip, ua, kind); err != nil {
		return err
	}
	schoolID, path, err := homeOf(tx, u)
	if err != nil {
		return err
	}
	p := &Principal{User: u, IP: ip, UserAgent: ua}
	return record(tx, p, sdgdt.ActSignIn, "user", idStr(u.ID), schoolID, path, nil, map[string]string{"kind": how, "user_agent": ua})
}

// dummyHash is a hash of no one's password, checked when the account does not exist.
func (a *App) dummyHash() string {
	a.dummyOnce.Do(func() { a.dummy, _ = auth.HashPasswordWith(a.Cfg.Argon, "không phải mật khẩu thật") })
	return a.dummy
}

// VerifyMFA completes the second factor of a web session.
//
// The session gets a new id (returned as its new token): whoever learnt the
// token of the half-open session before the second factor was given holds
// nothing afterwards.
func (a *App) VerifyMFA(ctx context.Context, token, code string) (newToken string, err error) {
	now := a.DB.Now()
	var failure error
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		s, err := tx.Session(auth.HashToken(token))
		if err != nil {
			return err
		}
		key := "mfa:" + idStr(s.UserID)
		fails, err := tx.FailuresSince(key, now.Add(-a.Cfg.Throttle.Window-a.Cfg.Throttle.Lockout))
		if err != nil {
			return err
		}
		if until, locked := a.Cfg.Throttle.LockedUntil(fails, now); locked {
			failure = &sdgdt.Error{Code: sdgdt.ETHROTTLED, Message: auth.LockoutMessage(until, now)}
			return nil
		}
		u, err := tx.User(s.UserID)
		if err != nil {
			return err
		}
		step, ok := auth.VerifyTOTP(u.TOTPSecret, code, now, u.TOTPLastStep)
		if err := tx.RecordAttempt(key, ok); err != nil {
			return err
		}
		if !ok {
			failure = &sdgdt.Error{Code: sdgdt.EUNAUTHORIZED, Message: "Mã xác thực không đúng hoặc đã hết hạn.", Fields: map[string]string{"otp": "Mã xác thực không đúng hoặc đã hết hạn."}}
			return nil
		}
		u.TOTPLastStep = step
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		newToken = auth.NewToken()
		if err := tx.CompleteMFA(s.ID, auth.HashToken(newToken)); err != nil {
			return err
		}
		return a.recordSignIn(tx, u, s.IP, s.UserAgent, s.Kind, "web+totp")
	})
	if err != nil {
		return "", err
	}
	if failure != nil {
		return "", failure
	}
	return newToken, nil
}

// ErrNoSession is returned by Authenticate for a missing, ended or expired session.
var ErrNoSession = &sdgdt.Error{Code: sdgdt.EUNAUTHORIZED, Message: "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."}

// Authenticate returns the principal of a session token. A web session whose
// second factor is pending is returned with MFAPending set and no roles.
func (a *App) Authenticate(ctx context.Context, token string) (*Principal, sdgdt.Session, error) {
	var p Principal
	var s sdgdt.Session
	if token == "" {
		return nil, s, ErrNoSession
	}
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		s, err = tx.Session(auth.HashToken(token))
		if err != nil {
			return err
		}
		if !s.ExpiresAt.After(tx.Now) || (s.Kind == "web" && s.LastSeenAt.Add(a.Cfg.IdleTimeout).Before(tx.Now)) {
			return ErrNoSession
		}
		p.User, err = tx.User(s.UserID)
		if err != nil {
			return err
		}
		if p.User.Disabled {
			return ErrNoSession
		}
		if !s.MFAPending {
			p.Roles, err = tx.RolesOf(p.User.ID)
		}
		return err
	})
	if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
		return nil, s, ErrNoSession
	}
	if err != nil {
		return nil, s, err
	}
	p.SessionID = s.ID
	// Record activity at most once a minute, to keep writes off the hot path.
	if a.DB.Now().Sub(s.LastSeenAt) > time.Minute {
		if err := a.DB.Update(ctx, func(tx *store.Tx) error { return tx.TouchSession(s.ID) }); err != nil {
			a.Log.Warn("touch session", "err", err)
		}
	}
	return &p, s, nil
}

// SignOut ends the caller's session.
func (a *App) SignOut(ctx context.Context, p *Principal) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		err := tx.EndSession(p.User.ID, p.SessionID)
		if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
			return nil
		}
		return err
	})
}

// NeedsMFAEnrolment reports whether p holds a role that requires a second factor
// which p has not enrolled yet.
func (a *App) NeedsMFAEnrolment(p *Principal) bool {
	if p.User.TOTPEnabled {
		return false
	}
	for _, r := range p.Roles {
		if a.Cfg.MFARoles[r.Role] {
			return true
		}
	}
	return false
}

func fieldsIf(kv ...any) map[string]string {
	m := map[string]string{}
	for i := 0; i+2 < len(kv); i += 3 {
		if kv[i].(bool) {
			m[kv[i+1].(string)] = kv[i+2].(string)
		}
	}
	return m
}

// LiftSignInDelay ends the sign-in delays and lockouts of an account (from
// every address), for its school's administrator when the account's owner has
// been slowed down by someone else's guesses. It is recorded.
func (a *App) LiftSignInDelay(ctx context.Context, p *Principal, userID int64) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		u, t, err := a.managedUser(tx, p, userID)
		if err != nil {
			return err
		}
		n, err := tx.ClearFailures("user:" + u.Username)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActUserLiftDelay, "user", idStr(u.ID), t.SchoolID, t.UnitPath, nil, map[string]any{"keys_cleared": n})
	})
}
