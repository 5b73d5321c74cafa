package sign

import (
	"bytes"
	"crypto/ecdsa"
	"errors"
	"testing"
)

func TestCheckPIN(t *testing.T) {
	cases := []struct {
		pin  string
		want error
	}{
		{"246813", nil},
		{"019283746574", nil},           // 12 digits
		{"Cô Hoa dạy Văn", nil},         // passphrase with diacritics
		{"abcd1234", nil},               // 8 characters, not all digits
		{"12345", ErrPINDigits},         // too few digits
		{"1234567890123", ErrPINDigits}, // too many digits
		{"123456", ErrPINSimple},        // ascending run
		{"987654", ErrPINSimple},        // descending run
		{"890123", ErrPINSimple},        // run through 0
		{"000000", ErrPINSimple},        // all the same
		{"777777777777", ErrPINSimple},  // all the same, 12 digits
		{"abc123", ErrPINShort},         // 6 characters, not all digits
		{"", ErrPINDigits},              // empty: no digits, too short
		{"ááááááááá", ErrPINShort},      // one character repeated
		{string(make([]byte, 129)), ErrPINLong},
	}
	for _, c := range cases {
		err := CheckPIN(c.pin)
		if c.pin == "" {
			if !errors.Is(err, ErrWeakPIN) {
				t.Errorf("CheckPIN(%q) = %v, want a policy error", c.pin, err)
			}
			continue
		}
		if err != c.want {
			t.Errorf("CheckPIN(%q) = %v, want %v", c.pin, err, c.want)
		}
		if c.want != nil && !errors.Is(err, ErrWeakPIN) {
			t.Errorf("CheckPIN(%q): %v does not match ErrWeakPIN", c.pin, err)
		}
	}
	want := "Mã PIN ký phải có từ 6 đến 12 chữ số, không được là dãy số đơn giản như 123456."
	if got := CheckPIN("123456").Error(); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if got := Reason(CheckPIN("111111")); got != want {
		t.Errorf("Reason %q, want %q", got, want)
	}
}

func TestSealOpen(t *testing.T) {
	key, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Seal(key, "246813", TestKDFParams)
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != 1 || len(s.Salt) != 16 || len(s.Nonce) != 12 || s.KDF != TestKDFParams {
		t.Fatalf("sealed: %+v", s)
	}
	blob := s.Marshal()
	s2, err := ParseSealed(blob)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(s2, "246813")
	if err != nil {
		t.Fatal(err)
	}
	if !got.(*ecdsa.PrivateKey).Equal(key) {
		t.Fatal("opened key differs")
	}
	// Two seals of one key differ (fresh salt and nonce).
	s3, _ := Seal(key, "246813", TestKDFParams)
	if bytes.Equal(s3.Marshal(), blob) {
		t.Fatal("two seals are identical")
	}

	t.Run("wrong PIN", func(t *testing.T) {
		for _, pin := range []string{"246814", "", "2468130", "Cô Hoa"} {
			if k, err := Open(s2, pin); !errors.Is(err, ErrWrongPIN) || k != nil {
				t.Errorf("Open(%q) = %v, %v; want ErrWrongPIN", pin, k, err)
			}
		}
		if got := Reason(ErrWrongPIN); got != "Mã PIN ký không đúng." {
			t.Errorf("Reason(ErrWrongPIN) = %q", got)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		// Every byte flipped fails: header bytes are authenticated (or
		// rejected by the parser), ciphertext bytes fail GCM.
		for i := range blob {
			b := bytes.Clone(blob)
			b[i] ^= 0x01
			ts, err := ParseSealed(b)
			if err != nil {
				continue
			}
			if _, err := Open(ts, "246813"); err == nil {
				t.Fatalf("byte %d flipped still opens", i)
			}
		}
	})
	t.Run("hostile params", func(t *testing.T) {
		bad := s2
		bad.KDF.MemoryKiB = 1 << 30 // 1 TiB
		if _, err := Open(bad, "246813"); err == nil || errors.Is(err, ErrWrongPIN) {
			t.Fatalf("Open with 1 TiB memory: %v", err)
		}
		if _, err := ParseSealed(bad.Marshal()); err == nil {
			t.Fatal("ParseSealed accepted 1 TiB memory")
		}
		for _, b := range [][]byte{nil, []byte("SGK"), blob[:20], append([]byte("XYZ"), blob[3:]...)} {
			if _, err := ParseSealed(b); err == nil {
				t.Fatalf("ParseSealed(%x) accepted", b)
			}
		}
	})
	t.Run("reseal", func(t *testing.T) {
		r, err := Reseal(s2, "246813", "Cô Hoa dạy Văn")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Open(r, "246813"); !errors.Is(err, ErrWrongPIN) {
			t.Fatalf("old PIN after reseal: %v", err)
		}
		k, err := Open(r, "Cô Hoa dạy Văn")
		if err != nil || !k.(*ecdsa.PrivateKey).Equal(key) {
			t.Fatalf("new PIN after reseal: %v", err)
		}
		if _, err := Reseal(s2, "000000", "135792"); !errors.Is(err, ErrWrongPIN) {
			t.Fatalf("reseal with wrong old PIN: %v", err)
		}
	})
	if _, err := Seal(key, "", TestKDFParams); err == nil {
		t.Fatal("sealed under an empty PIN")
	}
}

func BenchmarkOpen(b *testing.B) {
	key, _ := GenerateKey()
	s, err := Seal(key, "246813", DefaultKDFParams)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Open(s, "246813"); err != nil {
			b.Fatal(err)
		}
	}
}
