package auth

import (
	"bytes"
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the RFC 6238 appendix B SHA-1 key "12345678901234567890".
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

func TestTOTPRFC6238(t *testing.T) {
	if rfcSecret != "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" {
		t.Fatalf("secret %s", rfcSecret)
	}
	// RFC 6238 appendix B, SHA-1 (8 digits there; the last 6 here).
	vectors := []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	}
	for _, v := range vectors {
		at := time.Unix(v.unix, 0)
		got, err := TOTPCode(rfcSecret, at)
		if err != nil || got != v.code {
			t.Errorf("TOTPCode(T=%d) = %q, %v; want %q", v.unix, got, err, v.code)
		}
		// Lower-case, padded, spaced secrets decode the same.
		got, err = TOTPCode(strings.ToLower(rfcSecret[:16])+" "+rfcSecret[16:]+"====", at)
		if err != nil || got != v.code {
			t.Errorf("TOTPCode(normalised secret, T=%d) = %q, %v", v.unix, got, err)
		}
		step, ok := VerifyTOTP(rfcSecret, v.code, at, 0)
		if !ok || step != v.unix/30 {
			t.Errorf("VerifyTOTP(T=%d) = %d, %v", v.unix, step, ok)
		}
	}
}

func TestTOTPBadSecret(t *testing.T) {
	for _, s := range []string{"", "   ", "1189", "ABC!DEF", "GEZDGNBV1"} {
		if _, err := TOTPCode(s, time.Unix(59, 0)); err == nil {
			t.Errorf("TOTPCode(%q) succeeded", s)
		}
		if _, ok := VerifyTOTP(s, "123456", time.Unix(59, 0), 0); ok {
			t.Errorf("VerifyTOTP(%q) succeeded", s)
		}
	}
	if _, err := TOTPCode(rfcSecret, time.Unix(-1, 0)); err == nil {
		t.Error("TOTPCode before 1970 succeeded")
	}
}

func TestVerifyTOTPSkewAndReplay(t *testing.T) {
	const base = 1111111109 // step 37037036, code 081804
	const code = "081804"
	const step = base / 30
	cases := []struct {
		name     string
		offset   time.Duration
		code     string
		lastStep int64
		wantOK   bool
	}{
		{"current", 0, code, 0, true},
		{"one step later", 30 * time.Second, code, 0, true},
		{"one step earlier", -30 * time.Second, code, 0, true},
		{"two steps later", 60 * time.Second, code, 0, false},
		{"two steps earlier", -60 * time.Second, code, 0, false},
		{"replay same step", 0, code, step, false},
		{"replay later step stored", 0, code, step + 1, false},
		{"previous step stored", 0, code, step - 1, true},
		{"skew but replayed", 30 * time.Second, code, step, false},
		{"spaces", 0, " 081 804 ", 0, true},
		{"tab newline", 0, "\t081804\n", 0, true},
		{"wrong code", 0, "081805", 0, false},
		{"five digits", 0, "81804", 0, false},
		{"seven digits", 0, "0818040", 0, false},
		{"eight digit RFC form", 0, "07081804", 0, false},
		{"letters", 0, "08180a", 0, false},
		{"unicode digits", 0, "０８１８０４", 0, false},
		{"sign", 0, "+81804", 0, false},
		{"empty", 0, "", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := VerifyTOTP(rfcSecret, c.code, time.Unix(base, 0).Add(c.offset), c.lastStep)
			if ok != c.wantOK {
				t.Fatalf("VerifyTOTP = %d, %v; want ok=%v", got, ok, c.wantOK)
			}
			if ok && got != step {
				t.Errorf("step = %d, want %d", got, step)
			}
			if !ok && got != 0 {
				t.Errorf("step = %d on failure", got)
			}
		})
	}
}

func TestTOTPRoundTrip(t *testing.T) {
	secret := NewTOTPSecret()
	if len(secret) != 32 || strings.ToUpper(secret) != secret || strings.Contains(secret, "=") {
		t.Fatalf("secret %q", secret)
	}
	if secret == NewTOTPSecret() {
		t.Fatal("two equal secrets")
	}
	now := time.Now()
	code, err := TOTPCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	step, ok := VerifyTOTP(secret, code, now, 0)
	if !ok || step != TOTPStep(now) {
		t.Fatalf("VerifyTOTP = %d, %v", step, ok)
	}
	if _, ok := VerifyTOTP(secret, code, now, step); ok {
		t.Fatal("replay accepted")
	}
}

func TestTOTPStep(t *testing.T) {
	for _, c := range []struct{ unix, step int64 }{{0, 0}, {29, 0}, {30, 1}, {59, 1}, {-1, -1}, {-30, -1}, {-31, -2}} {
		if got := TOTPStep(time.Unix(c.unix, 0)); got != c.step {
			t.Errorf("TOTPStep(%d) = %d, want %d", c.unix, got, c.step)
		}
	}
}

func TestOTPAuthURI(t *testing.T) {
	issuer := "SĐGĐT Đắk Lắk"
	account := "nguyen.van.a@daklak.edu.vn"
	uri := OTPAuthURI(issuer, account, rfcSecret)
	want := "otpauth://totp/S%C4%90G%C4%90T%20%C4%90%E1%BA%AFk%20L%E1%BA%AFk:nguyen.van.a%40daklak.edu.vn" +
		"?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=S%C4%90G%C4%90T%20%C4%90%E1%BA%AFk%20L%E1%BA%AFk" +
		"&algorithm=SHA1&digits=6&period=30"
	if uri != want {
		t.Errorf("OTPAuthURI =\n%s\nwant\n%s", uri, want)
	}
	if strings.Contains(uri, "+") || strings.Contains(uri, " ") {
		t.Errorf("URI has + or space: %s", uri)
	}
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/"+issuer+":"+account {
		t.Errorf("parsed scheme=%q host=%q path=%q", u.Scheme, u.Host, u.Path)
	}
	q := u.Query()
	if q.Get("issuer") != issuer || q.Get("secret") != rfcSecret || q.Get("algorithm") != "SHA1" ||
		q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("query %v", q)
	}

	// Separators inside issuer or account are escaped.
	u, err = url.Parse(OTPAuthURI("A:B&C", "x:y?z#w", "abc"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/A:B&C:x:y?z#w" || u.Query().Get("issuer") != "A:B&C" || u.Query().Get("secret") != "ABC" || u.Fragment != "" {
		t.Errorf("parsed path=%q query=%v fragment=%q", u.Path, u.Query(), u.Fragment)
	}
	if got := OTPAuthURI("", "bob", "ABC"); got != "otpauth://totp/bob?secret=ABC&algorithm=SHA1&digits=6&period=30" {
		t.Errorf("no issuer: %s", got)
	}
}

func TestQRCodePNG(t *testing.T) {
	png, err := QRCodePNG(OTPAuthURI("SĐGĐT Đắk Lắk", "an", NewTOTPSecret()), 256)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("not a PNG: % x", png[:min(8, len(png))])
	}
	if _, err := QRCodePNG(strings.Repeat("x", 10000), 256); err == nil {
		t.Error("oversized content accepted")
	}
}
