// Package sdgdt holds the domain vocabulary of the electronic assessment book: the
// kinds of errors, roles, management units, schools and accounts that every other
// package speaks of. It has no dependencies beyond the standard library.
package sdgdt

import (
	"errors"
	"fmt"
	"time"
)

// Error codes, mapped to HTTP statuses in one place (internal/web).
const (
	EINVALID      = "invalid"      // 422: values that fail validation
	EMALFORMED    = "malformed"    // 400: a request that cannot be read
	EUNAUTHORIZED = "unauthorized" // 401: no or bad credentials
	EFORBIDDEN    = "forbidden"    // 403: not allowed
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // 409
	ELOCKED       = "locked"       // 423
	ETHROTTLED    = "throttled"    // 429
	EINTERNAL     = "internal"     // 500
	EMFAREQUIRED  = "otp_required" // 401 with a hint that a second factor is needed
	EPWCHANGE     = "password_change_required"
)

// Error is an error whose Message is safe to show to the user (in Vietnamese).
// Fields holds per-field messages for forms and the API.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	Lock    any   // for ELOCKED: the lock that refused the write, as the API shows it
	Err     error // cause, for the log only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error with per-field messages.
func Invalid(fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: "Dữ liệu chưa hợp lệ, vui lòng kiểm tra các ô được đánh dấu.", Fields: fields}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Đã có lỗi hệ thống. Vui lòng thử lại sau hoặc báo cho quản trị viên."
}

// ErrorFields returns the per-field messages of err, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Vietnam is the time zone every date is shown and scheduled in.
var Vietnam = mustZone()

func mustZone() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600) // no DST in Vietnam: a fixed offset is exact
	}
	return loc
}

// FormatDate shows t as dd/mm/yyyy in Vietnam's time zone.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Vietnam).Format("02/01/2006")
}

// FormatDateTime shows t as dd/mm/yyyy hh:mm in Vietnam's time zone.
func FormatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Vietnam).Format("02/01/2006 15:04")
}
