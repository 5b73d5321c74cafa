package auth

import (
	_ "embed"
	"errors"
	"strings"
	"unicode/utf8"
)

// Password length bounds, in characters (runes).
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// ErrPolicy matches (with errors.Is) every error returned by CheckPolicy.
var ErrPolicy = errors.New("mật khẩu không đạt yêu cầu")

// PolicyError is the type of the errors returned by CheckPolicy. Its Error
// method gives a Vietnamese message suitable for showing to the user.
type PolicyError struct {
	Code    string // stable machine-readable reason
	Message string // Vietnamese message for the user
}

func (e *PolicyError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrPolicy) true for every *PolicyError.
func (e *PolicyError) Is(target error) bool { return target == ErrPolicy }

// The specific policy violations; compare with errors.Is.
var (
	ErrPasswordTooShort = &PolicyError{Code: "too_short", Message: "Mật khẩu phải có ít nhất 10 ký tự."}
	ErrPasswordTooLong  = &PolicyError{Code: "too_long", Message: "Mật khẩu không được dài quá 128 ký tự."}
	ErrPasswordUsername = &PolicyError{Code: "contains_username", Message: "Mật khẩu không được trùng hoặc chứa tên đăng nhập."}
	ErrPasswordCommon   = &PolicyError{Code: "common", Message: "Mật khẩu này quá phổ biến, hãy chọn mật khẩu khác."}
	ErrPasswordTrivial  = &PolicyError{Code: "trivial", Message: "Mật khẩu quá đơn giản (lặp lại hoặc là một dãy liên tiếp như aaaaaaaaaa, 1234567890, abcabcabc); hãy chọn mật khẩu khác."}
)

//go:embed common-passwords.txt
var commonPasswordsText string

// commonPasswords is built once at initialisation and only read afterwards.
var commonPasswords = parseCommonPasswords(commonPasswordsText)

func parseCommonPasswords(text string) map[string]struct{} {
	m := make(map[string]struct{})
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = struct{}{}
	}
	return m
}

// IsCommonPassword reports whether password is in the embedded list of
// common passwords (case-insensitive, exact match).
func IsCommonPassword(password string) bool {
	_, ok := commonPasswords[strings.ToLower(password)]
	return ok
}

// CheckPolicy checks a new password for the account username. It returns nil
// or one of ErrPasswordTooShort, ErrPasswordTooLong, ErrPasswordUsername,
// ErrPasswordCommon (all *PolicyError, all matching ErrPolicy).
//
// Rules: 10 to 128 characters; not equal to the username and, when the
// username has at least 3 characters, not containing it (case-insensitive);
// not in the list of common passwords (case-insensitive).
func CheckPolicy(username, password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen {
		return ErrPasswordTooShort
	}
	if n > MaxPasswordLen {
		return ErrPasswordTooLong
	}
	user := strings.ToLower(strings.TrimSpace(username))
	pw := strings.ToLower(password)
	if user != "" {
		if pw == user || (utf8.RuneCountInString(user) >= 3 && strings.Contains(pw, user)) {
			return ErrPasswordUsername
		}
	}
	if IsCommonPassword(password) {
		return ErrPasswordCommon
	}
	if trivial(pw) {
		return ErrPasswordTrivial
	}
	return nil
}

// trivial reports whether a password is a repetition of a short block
// ("aaaaaaaaaaaa", "abcabcabcabc") or a run of consecutive characters
// ("1234567890", "abcdefghij", "9876543210"), or uses fewer than four
// different characters.
func trivial(pw string) bool {
	rs := []rune(pw)
	distinct := map[rune]bool{}
	for _, r := range rs {
		distinct[r] = true
	}
	if len(distinct) < 4 {
		return true
	}
	for block := 1; block <= len(rs)/2; block++ {
		if len(rs)%block != 0 {
			continue
		}
		if strings.Repeat(string(rs[:block]), len(rs)/block) == pw {
			return true
		}
	}
	up, down := true, true
	for i := 1; i < len(rs); i++ {
		up = up && rs[i] == rs[i-1]+1
		down = down && rs[i] == rs[i-1]-1
	}
	return up || down
}
