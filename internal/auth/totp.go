package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	qrcode "github.com/skip2/go-qrcode"
)

// TOTP parameters (RFC 6238 defaults, as understood by common
// authenticator apps).
const (
	TOTPDigits = 6
	TOTPPeriod = 30 // seconds
)

// ErrInvalidSecret is returned when a TOTP secret is not valid base32.
var ErrInvalidSecret = errors.New("auth: invalid TOTP secret")

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a new random TOTP secret: 20 bytes from crypto/rand
// as upper-case base32 without padding (32 characters).
func NewTOTPSecret() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // never fails; crashes the program on a broken RNG
	return b32.EncodeToString(b)
}

// normalizeSecret upper-cases the secret and removes spaces and padding,
// which users and some tools add.
func normalizeSecret(secret string) string {
	return strings.Map(func(r rune) rune {
		if r == '=' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, secret)
}

func decodeSecret(secret string) ([]byte, error) {
	key, err := b32.DecodeString(normalizeSecret(secret))
	if err != nil || len(key) == 0 {
		return nil, ErrInvalidSecret
	}
	return key, nil
}

// TOTPStep returns the RFC 6238 time step of t (Unix seconds / 30).
func TOTPStep(t time.Time) int64 {
	s := t.Unix()
	step := s / TOTPPeriod
	if s < 0 && s%TOTPPeriod != 0 {
		step-- // floor for times before 1970
	}
	return step
}

// hotp is RFC 4226 with SHA-1 and TOTPDigits digits.
func hotp(key []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", TOTPDigits, bin%1_000_000)
}

// TOTPCode returns the 6-digit code of secret (base32) at time t.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	step := TOTPStep(t)
	if step < 0 {
		return "", errors.New("auth: time before 1970")
	}
	return hotp(key, uint64(step)), nil
}

// VerifyTOTP checks code against secret at time t. It accepts the current
// step and one step either side (clock skew), but never a step ≤ lastStep
// (replay protection): on success the caller must store the returned step
// and pass it as lastStep next time (0 if none yet). Whitespace in code is
// ignored; it must then be exactly 6 ASCII digits. Comparison is
// constant-time.
func VerifyTOTP(secret, code string, t time.Time, lastStep int64) (step int64, ok bool) {
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, code)
	if len(code) != TOTPDigits {
		return 0, false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0, false
		}
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return 0, false
	}
	cur := TOTPStep(t)
	// Check every candidate without early exit; prefer the current step.
	for _, s := range []int64{cur, cur - 1, cur + 1} {
		if s < 0 || s <= lastStep {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s))), []byte(code)) == 1 && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// uriEscape percent-encodes s for both the label and the query of an
// otpauth URI (spaces as %20, not "+", which some apps show literally).
func uriEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// OTPAuthURI returns the key URI understood by authenticator apps:
//
//	otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
//
// Issuer and account are percent-encoded (UTF-8), so e.g. "SĐGĐT Đắk Lắk"
// is fine. An empty issuer leaves out the prefix and the issuer parameter.
func OTPAuthURI(issuer, account, secret string) string {
	var b strings.Builder
	b.WriteString("otpauth://totp/")
	if issuer != "" {
		b.WriteString(uriEscape(issuer))
		b.WriteByte(':')
	}
	b.WriteString(uriEscape(account))
	b.WriteString("?secret=")
	b.WriteString(uriEscape(normalizeSecret(secret)))
	if issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(uriEscape(issuer))
	}
	fmt.Fprintf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTPDigits, TOTPPeriod)
	return b.String()
}

// QRCodePNG renders content (typically an OTPAuthURI) as a PNG QR code with
// medium error recovery, size×size pixels (a negative size lets the library
// pick, see go-qrcode).
func QRCodePNG(content string, size int) ([]byte, error) {
	return qrcode.Encode(content, qrcode.Medium, size)
}
