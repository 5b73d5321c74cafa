package sign

import (
	"errors"
	"unicode/utf8"
)

// ErrWeakPIN matches (with errors.Is) every error returned by CheckPIN.
var ErrWeakPIN = errors.New("mã PIN ký không đạt yêu cầu")

// PINError is the type of the errors returned by CheckPIN. Its Error is a
// Vietnamese sentence fit to show the user; Code is stable for programs.
type PINError struct {
	Code    string // "digits", "simple", "short", "long"
	Message string // Vietnamese, for the user
}

func (e *PINError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrWeakPIN) true for every *PINError.
func (e *PINError) Is(target error) bool { return target == ErrWeakPIN }

// The PIN policy errors.
var (
	ErrPINDigits = &PINError{Code: "digits", Message: "Mã PIN ký phải có từ 6 đến 12 chữ số, không được là dãy số đơn giản như 123456."}
	ErrPINSimple = &PINError{Code: "simple", Message: "Mã PIN ký phải có từ 6 đến 12 chữ số, không được là dãy số đơn giản như 123456."}
	ErrPINShort  = &PINError{Code: "short", Message: "Mã PIN ký phải có từ 6 đến 12 chữ số, hoặc là cụm mật khẩu có ít nhất 8 ký tự không lặp lại một ký tự."}
	ErrPINLong   = &PINError{Code: "long", Message: "Mã PIN ký không được dài quá 128 ký tự."}
)

// CheckPIN applies the signing PIN policy: either 6 to 12 digits that are
// not all the same nor a run such as 123456 or 987654 (wrapping through 0
// counts as a run), or a passphrase of at least 8 and at most 128 characters
// with some non-digit and not one character repeated. It returns nil or a
// *PINError (ErrPINDigits, ErrPINSimple, ErrPINShort, ErrPINLong).
func CheckPIN(pin string) error {
	n := utf8.RuneCountInString(pin)
	if n > 128 {
		return ErrPINLong
	}
	if allDigits(pin) {
		if n < 6 || n > 12 {
			return ErrPINDigits
		}
		if sameOrRun(pin) {
			return ErrPINSimple
		}
		return nil
	}
	if n < 8 || allSame(pin) {
		return ErrPINShort
	}
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allSame(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}

// sameOrRun reports whether the digit string d has one constant step of
// 0, +1 or -1 (mod 10) between consecutive digits.
func sameOrRun(d string) bool {
	step := (int(d[1]) - int(d[0]) + 10) % 10
	if step != 0 && step != 1 && step != 9 {
		return false
	}
	for i := 2; i < len(d); i++ {
		if (int(d[i])-int(d[i-1])+10)%10 != step {
			return false
		}
	}
	return true
}
