package app

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"sdgdt"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
)

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// homeOf returns the school id (0 for a unit account) and the unit path of the
// place an account belongs to.
func homeOf(tx *store.Tx, u sdgdt.User) (int64, string, error) {
	if u.HomeKind == sdgdt.ScopeSchool {
		s, err := tx.School(u.HomeID)
		return s.ID, s.UnitPath, err
	}
	unit, err := tx.Unit(u.HomeID)
	return 0, unit.Path, err
}

// homeTarget returns the policy target of an account's home.
func homeTarget(tx *store.Tx, u sdgdt.User) (Target, error) {
	schoolID, path, err := homeOf(tx, u)
	if schoolID != 0 {
		return Target{Kind: sdgdt.ScopeSchool, UnitPath: path, SchoolID: schoolID}, err
	}
	return Target{Kind: sdgdt.ScopeUnit, UnitPath: path}, err
}

// userView is what the audit log records of an account: never its secrets.
func userView(u sdgdt.User) map[string]any {
	return map[string]any{"username": u.Username, "full_name": u.FullName, "email": u.Email, "phone": u.Phone,
		"home_kind": u.HomeKind, "home_id": u.HomeID, "must_change_password": u.MustChangePW,
		"totp_enabled": u.TOTPEnabled, "disabled": u.Disabled}
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)

// NewUserInput is the form to create an account.
type NewUserInput struct {
	Username string
	FullName string
	Email    string
	Phone    string
	HomeKind string
	HomeID   int64
	Password string // empty: a temporary password is generated and returned
	// PasswordHash, from the command line only, is Password already hashed: the
	// demo gives every account the same password and hashes it once.
	PasswordHash string
}

func validateProfile(fullName, email, phone string, fields map[string]string) {
	if n := utf8.RuneCountInString(strings.TrimSpace(fullName)); n < 2 || n > 100 {
		fields["full_name"] = "Họ và tên phải có từ 2 đến 100 ký tự."
	} else if !plainName(fullName) {
		fields["full_name"] = "Họ và tên chỉ gồm chữ cái, chữ số, dấu cách, dấu chấm, dấu gạch nối và dấu nháy (không có ký tự điều khiển, ký tự đảo chiều hay biểu tượng cảm xúc)."
	}
	if email != "" {
		if _, err := mail.ParseAddress(email); err != nil || !strings.Contains(email, "@") {
			fields["email"] = "Địa chỉ e-mail không hợp lệ."
		}
	}
	if phone != "" && !phoneRE.MatchString(phone) {
		fields["phone"] = "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0."
	}
}

// plainName reports whether a person's name holds only letters (with their
// combining marks), spaces and the punctuation of names: no control or
// bidirectional-override characters (U+202E turns "ngân" into "nâgn" on
// screen), no emoji.
func plainName(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.Is(unicode.Mn, r), unicode.IsDigit(r), r == ' ', r == '.', r == '-', r == '\'', r == '’':
		default:
			return false
		}
	}
	return true
}

var phoneRE = regexp.MustCompile(`^0[0-9]{9}$`)

// CreateUser creates an account at a school or unit. It must change its password
// at first sign-in. It returns the account and the password to hand over.
func (a *App) CreateUser(ctx context.Context, p *Principal, in NewUserInput) (sdgdt.User, string, error) {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.FullName = strings.Join(strings.Fields(in.FullName), " ")
	in.Email, in.Phone = strings.TrimSpace(in.Email), strings.TrimSpace(in.Phone)
	fields := map[string]string{}
	if !usernameRE.MatchString(in.Username) {
		fields["username"] = "Tên đăng nhập có 3-40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang."
	}
	validateProfile(in.FullName, in.Email, in.Phone, fields)
	if in.HomeKind != sdgdt.ScopeSchool && in.HomeKind != sdgdt.ScopeUnit {
		fields["home"] = "Chọn trường hoặc đơn vị của tài khoản."
	}
	generated := in.Password == ""
	if generated {
		in.Password = TempPassword()
	} else if err := auth.CheckPolicy(in.Username, in.Password); err != nil {
		fields["password"] = err.Error()
	}
	if len(fields) > 0 {
		return sdgdt.User{}, "", sdgdt.Invalid(fields)
	}
	hash := in.PasswordHash
	if hash == "" || !p.system {
		var err error
		if hash, err = auth.HashPasswordWith(a.Cfg.Argon, in.Password); err != nil {
			return sdgdt.User{}, "", err
		}
	}
	u := sdgdt.User{Username: in.Username, FullName: in.FullName, Email: in.Email, Phone: in.Phone,
		HomeKind: in.HomeKind, HomeID: in.HomeID, PasswordHash: hash, MustChangePW: true}
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		t, err := homeTarget(tx, u)
		if err != nil {
			return err
		}
		if !Can(p, ActManageAccounts, t) {
			return forbidden()
		}
		if err := tx.CreateUser(&u); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActUserCreate, "user", idStr(u.ID), t.SchoolID, t.UnitPath, nil, userView(u))
	})
	return u, in.Password, err
}

// TempPassword returns a random temporary password that passes the policy.
func TempPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[n.Int64()]
	}
	return string(b[:4]) + "-" + string(b[4:8]) + "-" + string(b[8:])
}

// ManagedUser loads an account the principal may manage.
func (a *App) managedUser(tx *store.Tx, p *Principal, id int64) (sdgdt.User, Target, error) {
	u, err := tx.User(id)
	if err != nil {
		return u, Target{}, err
	}
	t, err := homeTarget(tx, u)
	if err != nil {
		return u, t, err
	}
	if !Can(p, ActManageAccounts, t) {
		return u, t, forbidden()
	}
	// A leader's account (password, second factor, lock) is managed from the
	// unit above, so that a school administrator cannot take it over.
	roles, err := tx.RolesOf(u.ID)
	if err != nil {
		return u, t, err
	}
	for _, r := range roles {
		if r.Role == sdgdt.RoleLeader && !canFromAbove(p, ActManageAccounts, t) {
			return u, t, &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Tài khoản của lãnh đạo nhà trường do đơn vị quản lý cấp trên đặt lại hoặc khóa."}
		}
	}
	return u, t, nil
}

// ResetPassword gives an account a new temporary password, ends its sessions and
// forces a change at next sign-in. It returns the temporary password.
func (a *App) ResetPassword(ctx context.Context, p *Principal, userID int64) (string, error) {
	pw := TempPassword()
	hash, err := auth.HashPasswordWith(a.Cfg.Argon, pw)
	if err != nil {
		return "", err
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		u, t, err := a.managedUser(tx, p, userID)
		if err != nil {
			return err
		}
		u.PasswordHash, u.MustChangePW, u.PasswordSetAt = hash, true, tx.Now
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		if err := tx.EndSessionsOf(u.ID, ""); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActUserResetPassword, "user", idStr(u.ID), t.SchoolID, t.UnitPath, nil, map[string]any{"must_change_password": true})
	})
	return pw, err
}

// ResetMFA removes an account's second factor, so that it enrols again.
func (a *App) ResetMFA(ctx context.Context, p *Principal, userID int64) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		u, t, err := a.managedUser(tx, p, userID)
		if err != nil {
			return err
		}
		before := userView(u)
		u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep = "", false, 0
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		if err := tx.EndSessionsOf(u.ID, ""); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActUserResetMFA, "user", idStr(u.ID), t.SchoolID, t.UnitPath, before, userView(u))
	})
}

// SetDisabled locks or unlocks an account; locking ends its sessions.
func (a *App) SetDisabled(ctx context.Context, p *Principal, userID int64, disabled bool) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		u, t, err := a.managedUser(tx, p, userID)
		if err != nil {
			return err
		}
		if u.ID == p.User.ID && disabled {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Bạn không thể tự khóa tài khoản của mình."}
		}
		before := userView(u)
		u.Disabled = disabled
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		if disabled {
			if err := tx.EndSessionsOf(u.ID, ""); err != nil {
				return err
			}
		}
		action := sdgdt.ActUserEnable
		if disabled {
			action = sdgdt.ActUserDisable
		}
		return record(tx, p, action, "user", idStr(u.ID), t.SchoolID, t.UnitPath, before, userView(u))
	})
}

// UpdateProfile changes the caller's own name, e-mail and phone.
func (a *App) UpdateProfile(ctx context.Context, p *Principal, fullName, email, phone string) error {
	fullName = strings.Join(strings.Fields(fullName), " ")
	email, phone = strings.TrimSpace(email), strings.TrimSpace(phone)
	fields := map[string]string{}
	validateProfile(fullName, email, phone, fields)
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		u, err := tx.User(p.User.ID)
		if err != nil {
			return err
		}
		before := userView(u)
		u.FullName, u.Email, u.Phone = fullName, email, phone
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		schoolID, path, err := homeOf(tx, u)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActUserUpdateProfile, "user", idStr(u.ID), schoolID, path, before, userView(u))
	})
}

// ChangePassword changes the caller's password after checking the old one. Every
// other session of the account ends.
func (a *App) ChangePassword(ctx context.Context, p *Principal, old, new, confirm string) error {
	fields := map[string]string{}
	if new != confirm {
		fields["confirm"] = "Mật khẩu nhập lại không khớp."
	}
	if old == new && new != "" {
		fields["new"] = "Mật khẩu mới phải khác mật khẩu cũ."
	}
	if err := auth.CheckPolicy(p.User.Username, new); err != nil {
		fields["new"] = err.Error()
	}
	ok, _ := auth.CheckPassword(p.User.PasswordHash, old)
	if !ok {
		fields["old"] = "Mật khẩu hiện tại không đúng."
	}
	if len(fields) > 0 {
		return sdgdt.Invalid(fields)
	}
	hash, err := auth.HashPasswordWith(a.Cfg.Argon, new)
	if err != nil {
		return err
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		u, err := tx.User(p.User.ID)
		if err != nil {
			return err
		}
		u.PasswordHash, u.MustChangePW, u.PasswordSetAt = hash, false, tx.Now
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		if err := tx.EndSessionsOf(u.ID, p.SessionID); err != nil {
			return err
		}
		schoolID, path, err := homeOf(tx, u)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActUserChangePassword, "user", idStr(u.ID), schoolID, path, nil, map[string]any{"must_change_password": false})
	})
}

// BeginTOTP creates a new secret for the caller (not yet active) and returns it.
func (a *App) BeginTOTP(ctx context.Context, p *Principal) (string, error) {
	if p.User.TOTPEnabled {
		return "", &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Tài khoản đã bật xác thực hai lớp."}
	}
	secret := auth.NewTOTPSecret()
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		u, err := tx.User(p.User.ID)
		if err != nil {
			return err
		}
		u.TOTPSecret = secret
		return tx.UpdateUser(&u)
	})
	return secret, err
}

// ConfirmTOTP activates the caller's pending secret when code matches it.
func (a *App) ConfirmTOTP(ctx context.Context, p *Principal, code string) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		u, err := tx.User(p.User.ID)
		if err != nil {
			return err
		}
		if u.TOTPEnabled {
			return &sdgdt.Error{Code: sdgdt.ECONFLICT, Message: "Tài khoản đã bật xác thực hai lớp."}
		}
		if u.TOTPSecret == "" {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Hãy bắt đầu lại việc đăng ký xác thực hai lớp."}
		}
		step, ok := auth.VerifyTOTP(u.TOTPSecret, code, tx.Now, 0)
		if !ok {
			return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Mã xác thực không đúng.", Fields: map[string]string{"otp": "Mã không đúng: kiểm tra giờ trên điện thoại và nhập mã mới nhất."}}
		}
		u.TOTPEnabled, u.TOTPLastStep = true, step
		if err := tx.UpdateUser(&u); err != nil {
			return err
		}
		schoolID, path, err := homeOf(tx, u)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActUserEnableMFA, "user", idStr(u.ID), schoolID, path, nil, map[string]any{"totp_enabled": true})
	})
}

// AccountActivity is what a user sees of his own account: active sessions and
// recent sign-ins.
type AccountActivity struct {
	Sessions []sdgdt.Session
	SignIns  []sdgdt.SignIn
}

// MyActivity returns the caller's sessions and sign-ins.
func (a *App) MyActivity(ctx context.Context, p *Principal) (AccountActivity, error) {
	var act AccountActivity
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if act.Sessions, err = tx.ActiveSessions(p.User.ID, a.Cfg.IdleTimeout); err != nil {
			return err
		}
		act.SignIns, err = tx.SignInsOf(p.User.ID, 20)
		return err
	})
	return act, err
}

// EndMySession ends one of the caller's sessions (not necessarily the current one).
func (a *App) EndMySession(ctx context.Context, p *Principal, sessionID string) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		if err := tx.EndSession(p.User.ID, sessionID); err != nil {
			return err
		}
		schoolID, path, err := homeOf(tx, p.User)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActSessionEnd, "session", sessionID[:12], schoolID, path, nil, nil)
	})
}

// IsForbidden reports whether err is a rights refusal.
func IsForbidden(err error) bool {
	var e *sdgdt.Error
	return errors.As(err, &e) && e.Code == sdgdt.EFORBIDDEN
}
