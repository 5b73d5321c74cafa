package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPolicy(t *testing.T) {
	cases := []struct {
		name, user, pw string
		want           error
	}{
		{"ok", "nguyenvana", "Trâu ăn cỏ ở Buôn Ma Thuột", nil},
		{"ok ascii", "nguyenvana", "correct horse battery", nil},
		{"empty", "user", "", ErrPasswordTooShort},
		{"9 chars", "user", "abcdefgh9", ErrPasswordTooShort},
		{"10 chars", "user", "xk3!pq9zrt", nil},
		{"9 runes 18 bytes", "user", "đđđđđđđđđ", ErrPasswordTooShort},
		{"10 runes", "user", "đđđđđđđđđ1", ErrPasswordTrivial},
		{"10 different runes", "user", "đăâêôơưĐĂÂ", nil},
		{"128 runes", "user", strings.Repeat("ắ", 125) + "bcd", nil},
		{"12 identical letters", "user", "aaaaaaaaaaaa", ErrPasswordTrivial},
		{"repeated block", "user", "abcdabcdabcd", ErrPasswordTrivial},
		{"ascending run", "user", "abcdefghijkl", ErrPasswordTrivial},
		{"descending run", "user", "zyxwvutsrqpo", ErrPasswordTrivial},
		{"129 runes", "user", strings.Repeat("a", 129), ErrPasswordTooLong},
		{"equals username", "nguyenvanan", "nguyenvanan", ErrPasswordUsername},
		{"equals username case", "NguyenVanAn", "nguyenvanAN", ErrPasswordUsername},
		{"contains username", "an.nv", "xyzAN.NV2024!", ErrPasswordUsername},
		{"contains vietnamese username", "đức", "ĐỨCanh2024!!", ErrPasswordUsername},
		{"short username not checked", "an", "an-kh5!pq9z", nil},
		{"short username equal", "ab", strings.Repeat("ab", 5), ErrPasswordTrivial},
		{"empty username", "", "xk3!pq9zrt", nil},
		{"common", "user", "1234567890", ErrPasswordCommon},
		{"common vn", "user", "matkhau@123", ErrPasswordCommon},
		{"common case", "user", "ANHYEUEM123", ErrPasswordCommon},
		{"common upper", "user", "QWERTYUIOP", ErrPasswordCommon},
		{"common Admin@123", "user", "ADMIN@12345", ErrPasswordCommon},
		{"common 12345678910", "user", "12345678910", ErrPasswordCommon},
		{"common not substring", "user", "1234567890-xk3!", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckPolicy(c.user, c.pw)
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("CheckPolicy(%q, %q) = %v, want %v", c.user, c.pw, err, c.want)
			}
			if err != nil {
				if !errors.Is(err, ErrPolicy) {
					t.Error("error does not match ErrPolicy")
				}
				var pe *PolicyError
				if !errors.As(err, &pe) || pe.Code == "" {
					t.Error("error is not a *PolicyError with a code")
				}
			}
		})
	}
}

func TestPolicyMessages(t *testing.T) {
	want := map[error]string{
		ErrPasswordTooShort: "Mật khẩu phải có ít nhất 10 ký tự.",
		ErrPasswordTooLong:  "Mật khẩu không được dài quá 128 ký tự.",
		ErrPasswordUsername: "Mật khẩu không được trùng hoặc chứa tên đăng nhập.",
		ErrPasswordCommon:   "Mật khẩu này quá phổ biến, hãy chọn mật khẩu khác.",
	}
	for err, msg := range want {
		if err.Error() != msg {
			t.Errorf("got %q, want %q", err.Error(), msg)
		}
	}
}

func TestCommonPasswordList(t *testing.T) {
	if n := len(commonPasswords); n < 300 {
		t.Errorf("only %d common passwords", n)
	}
	for _, pw := range []string{"123456789", "password", "qwertyuiop", "1234567890", "iloveyou",
		"matkhau123", "matkhau@123", "123456789a", "anhyeuem", "anhyeuem123", "vietnam123",
		"hanoi12345", "admin@123", "Admin@123", "12345678910", "abc123456"} {
		if !IsCommonPassword(pw) {
			t.Errorf("%q not in common list", pw)
		}
	}
	for pw := range commonPasswords {
		if pw != strings.TrimSpace(pw) || strings.HasPrefix(pw, "#") || pw == "" {
			t.Errorf("bad entry %q", pw)
		}
	}
}
