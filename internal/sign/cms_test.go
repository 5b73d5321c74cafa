package sign

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"
	"software.sslmate.com/src/go-pkcs12"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	f := newFixture(t)
	doc := sheetDoc(t)
	sig, err := SignDetached(doc, f.key, f.cert, []*x509.Certificate{f.ca.Cert}, f.signAt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Verify(sig, doc, f.opts())
	if err != nil {
		t.Fatal(err)
	}
	if !s.Cert.Equal(f.cert) || !s.SigningTime.Equal(f.signAt) || s.Digest != Digest(doc) ||
		len(s.Chain) != 2 || !s.Chain[1].Equal(f.ca.Cert) {
		t.Fatalf("Signed %+v", s)
	}
	if len(s.Digest) != 64 || strings.ToLower(s.Digest) != s.Digest {
		t.Fatalf("digest %q", s.Digest)
	}
	// Without the chain in the CMS, the root from Roots suffices.
	sig2, err := SignDetached(doc, f.key, f.cert, nil, f.signAt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(sig2, doc, f.opts()); err != nil {
		t.Fatal(err)
	}
}

// The CMS is what the spec asks for, and signing-time is the given time, not
// the clock: in UTC, to the second, GeneralizedTime from 2050 on.
func TestSignDetachedStructure(t *testing.T) {
	f := newFixture(t)
	doc := []byte(`{"a":"Nguyễn"}`)
	hanoi := time.FixedZone("ICT", 7*3600)
	for _, at := range []time.Time{
		f.signAt,
		f.signAt.Add(-24*time.Hour + 987654321).In(hanoi),
		time.Date(2051, 6, 1, 0, 0, 0, 0, time.UTC),
	} {
		sig, err := SignDetached(doc, f.key, f.cert, nil, at)
		if err != nil {
			t.Fatal(err)
		}
		p7, err := pkcs7.Parse(sig)
		if err != nil {
			t.Fatal(err)
		}
		if len(p7.Content) != 0 || len(p7.Signers) != 1 || len(p7.Certificates) != 1 || !p7.Certificates[0].Equal(f.cert) {
			t.Fatalf("content %d bytes, %d signers, %d certificates", len(p7.Content), len(p7.Signers), len(p7.Certificates))
		}
		si := p7.Signers[0]
		if !si.DigestAlgorithm.Algorithm.Equal(pkcs7.OIDDigestAlgorithmSHA256) {
			t.Fatalf("digest algorithm %v", si.DigestAlgorithm.Algorithm)
		}
		var got time.Time
		if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &got); err != nil {
			t.Fatal(err)
		}
		if want := at.Truncate(time.Second); !got.Equal(want) {
			t.Fatalf("signing time %v, want %v", got, want)
		}
		var ct asn1.ObjectIdentifier
		if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeContentType, &ct); err != nil || !ct.Equal(pkcs7.OIDData) {
			t.Fatalf("content type %v, %v", ct, err)
		}
		// The signed attributes are in DER SET OF order, which the
		// signature covers: the library's own verification agrees.
		p7.Content = doc
		if at.Before(f.cert.NotAfter) {
			if err := p7.Verify(); err != nil {
				t.Fatalf("library verification: %v", err)
			}
		}
		if len(si.AuthenticatedAttributes) != 3 {
			t.Fatalf("%d signed attributes", len(si.AuthenticatedAttributes))
		}
		for i := 1; i < len(si.AuthenticatedAttributes); i++ {
			a, _ := asn1.Marshal(si.AuthenticatedAttributes[i-1])
			b, _ := asn1.Marshal(si.AuthenticatedAttributes[i])
			if bytes.Compare(a, b) >= 0 {
				t.Fatal("signed attributes not in DER order")
			}
		}
	}
	// Wrong inputs.
	other, _ := GenerateKey()
	if _, err := SignDetached(doc, other, f.cert, nil, f.signAt); err == nil {
		t.Fatal("signed with a key that does not match the certificate")
	}
	if _, err := SignDetached(doc, f.key, f.cert, nil, time.Time{}); err == nil {
		t.Fatal("signed without a signing time")
	}
}

// issueRaw makes a certificate from tmpl signed by parent, for the cases
// the CA refuses to issue.
func issueRaw(t *testing.T, tmpl, parent *x509.Certificate, pub crypto.PublicKey, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber, _ = randomSerial()
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVerifyRejects(t *testing.T) {
	f := newFixture(t)
	doc := sheetDoc(t)
	good, err := SignDetached(doc, f.key, f.cert, nil, f.signAt)
	if err != nil {
		t.Fatal(err)
	}
	mustSign := func(key crypto.Signer, cert *x509.Certificate, at time.Time) []byte {
		t.Helper()
		sig, err := SignDetached(doc, key, cert, nil, at)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	crl := func(ca *CA, r ...Revoked) *x509.RevocationList {
		t.Helper()
		der, err := ca.CRL(r, f.now, f.now.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		l, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}

	// A certificate from another CA.
	g := newFixture(t)
	// An expired certificate, and one not yet valid, at the signing time.
	shortKey, _ := GenerateKey()
	expired, err := f.ca.Issue(IssueRequest{FullName: "Phạm Quốc Bảo", Username: "gv.bao", PublicKey: shortKey.Public(),
		NotBefore: f.ca.Cert.NotBefore, NotAfter: f.ca.Cert.NotBefore.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	future, err := f.ca.Issue(IssueRequest{FullName: "Phạm Quốc Bảo", Username: "gv.bao", PublicKey: shortKey.Public(),
		NotBefore: f.now.Add(24 * time.Hour), NotAfter: f.now.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// A certificate whose key usage is encipherment only.
	encOnly := issueRaw(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Chỉ mã hoá"}, NotBefore: f.cert.NotBefore, NotAfter: f.cert.NotAfter,
		KeyUsage: x509.KeyUsageKeyEncipherment, BasicConstraintsValid: true}, f.ca.Cert, shortKey.Public(), f.ca.Key)
	// An attached (not detached) signature and a SHA-1 one, made directly
	// with the library.
	libSign := func(detach bool, digest asn1.ObjectIdentifier) []byte {
		sd, err := pkcs7.NewSignedData(doc)
		if err != nil {
			t.Fatal(err)
		}
		sd.SetDigestAlgorithm(digest)
		if err := sd.AddSigner(f.cert, f.key, pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
		if detach {
			sd.Detach()
		}
		der, err := sd.Finish()
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	// The last byte of the DER is the end of the signature value.
	badSig := bytes.Clone(good)
	badSig[len(badSig)-1] ^= 0x55
	changed := bytes.Replace(doc, []byte(`"8.3"`), []byte(`"9.3"`), 1)

	cases := []struct {
		name    string
		sig     []byte
		content []byte
		opts    func(*VerifyOptions)
		want    error
	}{
		{"good", good, doc, nil, nil},
		{"changed content", good, changed, nil, ErrContentMismatch},
		{"empty content", good, nil, nil, ErrContentMismatch},
		{"garbage", []byte("not a CMS at all"), doc, nil, ErrMalformed},
		{"empty", nil, doc, nil, ErrMalformed},
		{"truncated", good[:len(good)/2], doc, nil, ErrMalformed},
		{"attached", libSign(false, pkcs7.OIDDigestAlgorithmSHA256), doc, nil, ErrMalformed},
		{"SHA-1", libSign(true, pkcs7.OIDDigestAlgorithmSHA1), doc, nil, ErrMalformed},
		{"library-made, detached, SHA-256", libSign(true, pkcs7.OIDDigestAlgorithmSHA256), doc, nil, nil},
		{"bad signature value", badSig, doc, nil, ErrBadSignature},
		{"other CA", mustSign(g.key, g.cert, g.signAt), doc, nil, ErrUntrusted},
		{"other CA trusted too", mustSign(g.key, g.cert, g.signAt), doc, func(o *VerifyOptions) { o.Roots = o.Roots.Clone(); o.Roots.AddCert(g.ca.Cert) }, nil},
		{"no roots", good, doc, func(o *VerifyOptions) { o.Roots = nil }, ErrUntrusted},
		{"expired at signing", mustSign(shortKey, expired, f.signAt), doc, nil, ErrExpired},
		{"not yet valid at signing", mustSign(shortKey, future, f.signAt), doc, nil, ErrExpired},
		{"signed while valid, checked after expiry", mustSign(shortKey, expired, expired.NotAfter.Add(-time.Hour)), doc, nil, nil},
		{"key usage", mustSign(shortKey, encOnly, f.signAt), doc, nil, ErrKeyUsage},
		{"revoked before signing", good, doc, func(o *VerifyOptions) {
			o.CRLs = []*x509.RevocationList{crl(f.ca, Revoked{Serial: f.cert.SerialNumber, At: f.signAt.Add(-time.Minute), Reason: ReasonAffiliationChanged})}
		}, ErrRevoked},
		{"revoked after signing, superseded", good, doc, func(o *VerifyOptions) {
			o.CRLs = []*x509.RevocationList{crl(f.ca, Revoked{Serial: f.cert.SerialNumber, At: f.signAt.Add(time.Minute), Reason: ReasonSuperseded})}
		}, nil},
		{"revoked after signing, key compromise", good, doc, func(o *VerifyOptions) {
			o.CRLs = []*x509.RevocationList{crl(f.ca, Revoked{Serial: f.cert.SerialNumber, At: f.signAt.Add(time.Minute), Reason: ReasonKeyCompromise})}
		}, ErrRevoked},
		{"other serial revoked", good, doc, func(o *VerifyOptions) {
			o.CRLs = []*x509.RevocationList{crl(f.ca, Revoked{Serial: big.NewInt(7), At: f.signAt.Add(-time.Hour)})}
		}, nil},
		{"CRL of another CA ignored", good, doc, func(o *VerifyOptions) {
			o.CRLs = []*x509.RevocationList{crl(g.ca, Revoked{Serial: f.cert.SerialNumber, At: f.signAt.Add(-time.Hour)})}
		}, nil},
		{"signing time in the future", mustSign(f.key, f.cert, f.now.Add(time.Hour)), doc, nil, ErrSigningTime},
		{"signing time a little ahead", mustSign(f.key, f.cert, f.now.Add(time.Minute)), doc, nil, nil},
		{"older than MaxAge", good, doc, func(o *VerifyOptions) { o.MaxAge = 30 * time.Minute }, ErrSigningTime},
		{"within MaxAge", good, doc, func(o *VerifyOptions) { o.MaxAge = 2 * time.Hour }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := f.opts()
			if c.opts != nil {
				c.opts(&o)
			}
			s, err := Verify(c.sig, c.content, o)
			if c.want == nil {
				if err != nil || s == nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) || s != nil {
				t.Fatalf("Verify = %v, %v; want %v", s, err, c.want)
			}
			if Reason(err) == Reason(errors.New("other")) {
				t.Fatalf("no specific reason for %v", err)
			}
		})
	}
}

// A chain root → intermediate → signer: the intermediate travels in the
// CMS, and a CRL signed by the intermediate revokes the signer.
func TestVerifyIntermediate(t *testing.T) {
	f := newFixture(t)
	rootKey, _ := GenerateKey()
	rootTmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "Gốc thử"}, NotBefore: f.ca.Cert.NotBefore, NotAfter: f.ca.Cert.NotAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	root := issueRaw(t, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	interKey, _ := GenerateKey()
	inter := issueRaw(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Trung gian thử"}, NotBefore: root.NotBefore, NotAfter: root.NotAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, root, interKey.Public(), rootKey)
	interCA := &CA{Cert: inter, Key: interKey}
	cert, err := interCA.Issue(IssueRequest{FullName: "Vũ Thu Trang", Username: "gv.trang", PublicKey: f.key.Public(), NotBefore: f.cert.NotBefore, NotAfter: f.cert.NotAfter})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	doc := []byte(`{"x":1}`)
	opts := VerifyOptions{Roots: roots, Now: f.now}

	withChain, err := SignDetached(doc, f.key, cert, []*x509.Certificate{inter}, f.signAt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Verify(withChain, doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Chain) != 3 || !s.Chain[1].Equal(inter) || !s.Chain[2].Equal(root) {
		t.Fatalf("chain of %d", len(s.Chain))
	}
	bare, _ := SignDetached(doc, f.key, cert, nil, f.signAt)
	if _, err := Verify(bare, doc, opts); !errors.Is(err, ErrUntrusted) {
		t.Fatalf("without the intermediate: %v", err)
	}
	opts.Intermediates = x509.NewCertPool()
	opts.Intermediates.AddCert(inter)
	if _, err := Verify(bare, doc, opts); err != nil {
		t.Fatalf("intermediate from options: %v", err)
	}
	der, err := interCA.CRL([]Revoked{{Serial: cert.SerialNumber, At: f.signAt.Add(-time.Hour)}}, f.now, f.now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	l, _ := x509.ParseRevocationList(der)
	opts.CRLs = []*x509.RevocationList{l}
	if _, err := Verify(withChain, doc, opts); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoked by the intermediate's CRL: %v", err)
	}
}

// Hostile BER (indefinite lengths without terminators, deep nesting) is
// rejected as malformed, and quickly: the size bound keeps the library's
// quadratic BER scan short.
func TestVerifyHostileBER(t *testing.T) {
	f := newFixture(t)
	doc := []byte(`{"a":1}`)
	signedDataHead := []byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80}
	for name, b := range map[string][]byte{
		"unterminated children": append([]byte{0x30, 0x80}, bytes.Repeat([]byte{0x05, 0x00}, MaxSignatureSize/2-1)...),
		"deep nesting":          bytes.Repeat([]byte{0x30, 0x80}, MaxSignatureSize/2),
		"deep signed data":      append(bytes.Clone(signedDataHead), bytes.Repeat([]byte{0x30, 0x80}, (MaxSignatureSize-len(signedDataHead))/2)...),
		"too large":             make([]byte, MaxSignatureSize+1),
	} {
		start := time.Now()
		_, err := Verify(b, doc, f.opts())
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: %v to reject %d bytes", name, d, len(b))
		}
	}
}

func TestReason(t *testing.T) {
	cases := map[error]string{
		ErrContentMismatch: "Chữ ký không khớp với dữ liệu hiện tại.",
		ErrRevoked:         "Chứng thư số đã bị thu hồi.",
		ErrUntrusted:       "Chứng thư số không do một tổ chức tin cậy cấp.",
		ErrExpired:         "Chứng thư số đã hết hạn hoặc chưa có hiệu lực tại thời điểm ký.",
		ErrWrongPIN:        "Mã PIN ký không đúng.",
		nil:                "",
	}
	for err, want := range cases {
		if got := Reason(err); got != want {
			t.Errorf("Reason(%v) = %q, want %q", err, got, want)
		}
		if err != nil {
			wrapped := errors.Join(errors.New("context"), err)
			if got := Reason(wrapped); got != want {
				t.Errorf("Reason(wrapped %v) = %q, want %q", err, got, want)
			}
		}
	}
	seen := map[string]bool{}
	for _, err := range []error{ErrMalformed, ErrContentMismatch, ErrBadSignature, ErrUntrusted, ErrExpired, ErrRevoked, ErrKeyUsage, ErrSigningTime, ErrWrongPIN, errors.New("x")} {
		r := Reason(err)
		if r == "" || seen[r] {
			t.Errorf("Reason(%v) = %q: empty or shared", err, r)
		}
		seen[r] = true
	}
}

func TestDigest(t *testing.T) {
	if got := Digest([]byte("abc")); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatal(got)
	}
}

// Our signature verifies with OpenSSL, the spec's reference command.
func TestOpenSSLVerifiesSignDetached(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	f := newFixture(t)
	doc := sheetDoc(t)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaCert, err := f.ca.Issue(IssueRequest{FullName: "Hiệu trưởng Đỗ Gia Huy", Username: "ht.huy", School: "Trường THCS Nguyễn Trãi", PublicKey: rsaKey.Public(), NotBefore: f.cert.NotBefore, NotAfter: f.cert.NotAfter})
	if err != nil {
		t.Fatal(err)
	}
	content := writeFile(t, dir, "CANONICAL.json", doc)
	caFile := writeFile(t, dir, "CA.pem", certPEM(f.ca.Cert))
	for _, signer := range []struct {
		name string
		key  crypto.Signer
		cert *x509.Certificate
	}{{"ecdsa", f.key, f.cert}, {"rsa", rsaKey, rsaCert}} {
		t.Run(signer.name, func(t *testing.T) {
			sig, err := SignDetached(doc, signer.key, signer.cert, nil, f.signAt)
			if err != nil {
				t.Fatal(err)
			}
			sigFile := writeFile(t, dir, signer.name+".p7s", sig)
			out := runOpenSSL(t, "cms", "-verify", "-binary", "-inform", "DER", "-in", sigFile, "-content", content,
				"-CAfile", caFile, "-purpose", "any", "-out", filepath.Join(dir, "out"))
			if !strings.Contains(out, "Verification successful") {
				t.Fatalf("openssl: %s", out)
			}
			// Over other bytes OpenSSL refuses too.
			other := writeFile(t, dir, "other.json", bytes.Replace(doc, []byte("8.3"), []byte("9.3"), 1))
			failed := runOpenSSLFails(t, "cms", "-verify", "-binary", "-inform", "DER", "-in", sigFile, "-content", other,
				"-CAfile", caFile, "-purpose", "any", "-out", filepath.Join(dir, "out"))
			if !strings.Contains(failed, "Verification failure") {
				t.Fatalf("openssl on changed content: %s", failed)
			}
			// signingTime is the given time.
			printed := runOpenSSL(t, "cms", "-cmsout", "-print", "-inform", "DER", "-in", sigFile)
			if !strings.Contains(printed, "signingTime") || !strings.Contains(printed, f.signAt.UTC().Format("Jan _2 15:04:05 2006 GMT")) {
				t.Fatalf("no signingTime %s in:\n%s", f.signAt.UTC().Format("Jan _2 15:04:05 2006 GMT"), printed)
			}
			if !strings.Contains(printed, "sha256") {
				t.Fatalf("no sha256 in:\n%s", printed)
			}
		})
	}
}

func runOpenSSLFails(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(needOpenSSL(t), args...).CombinedOutput()
	if err == nil {
		t.Fatalf("openssl %s succeeded, want a failure:\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

// The external-signer path: a CMS made by OpenSSL verifies.
func TestVerifyOpenSSLSigned(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	f := newFixture(t)
	doc := sheetDoc(t)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsaCert, err := f.ca.Issue(IssueRequest{FullName: "Con dấu Trường THCS Nguyễn Trãi", Username: "truong.nguyentrai", School: "Trường THCS Nguyễn Trãi", PublicKey: rsaKey.Public(), NotBefore: f.cert.NotBefore, NotAfter: f.cert.NotAfter})
	if err != nil {
		t.Fatal(err)
	}
	content := writeFile(t, dir, "content.json", doc)
	for _, signer := range []struct {
		name string
		key  crypto.Signer
		cert *x509.Certificate
	}{{"ecdsa", f.key, f.cert}, {"rsa", rsaKey, rsaCert}} {
		t.Run(signer.name, func(t *testing.T) {
			certFile := writeFile(t, dir, signer.name+"-cert.pem", certPEM(signer.cert))
			keyFile := writeFile(t, dir, signer.name+"-key.pem", keyPEM(t, signer.key))
			sigFile := filepath.Join(dir, signer.name+".p7s")
			before := time.Now().Add(-2 * time.Second)
			runOpenSSL(t, "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256", "-signer", certFile, "-inkey", keyFile, "-in", content, "-out", sigFile)
			sig, err := os.ReadFile(sigFile)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Verify(sig, doc, VerifyOptions{Roots: f.roots, MaxAge: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if !s.Cert.Equal(signer.cert) || s.SigningTime.Before(before.Truncate(time.Second)) || s.SigningTime.After(time.Now()) || s.Digest != Digest(doc) {
				t.Fatalf("Signed %+v", s)
			}
			if _, err := Verify(sig, append(bytes.Clone(doc), ' '), VerifyOptions{Roots: f.roots}); !errors.Is(err, ErrContentMismatch) {
				t.Fatalf("changed content: %v", err)
			}
			g := newFixture(t)
			if _, err := Verify(sig, doc, VerifyOptions{Roots: g.roots}); !errors.Is(err, ErrUntrusted) {
				t.Fatalf("other roots: %v", err)
			}
		})
	}
}

func TestParsePKCS12(t *testing.T) {
	f := newFixture(t)
	doc := []byte(`{"ký":"số"}`)
	check := func(t *testing.T, p12 []byte, password string, wantChain int) {
		t.Helper()
		key, cert, chain, err := ParsePKCS12(p12, password)
		if err != nil {
			t.Fatal(err)
		}
		if !cert.Equal(f.cert) || !samePublicKey(key.Public(), f.key.Public()) || len(chain) != wantChain {
			t.Fatalf("cert %v, chain %d", cert.Subject, len(chain))
		}
		if wantChain > 0 && !chain[0].Equal(f.ca.Cert) {
			t.Fatal("chain[0] is not the CA")
		}
		sig, err := SignDetached(doc, key, cert, chain, f.signAt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(sig, doc, f.opts()); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := ParsePKCS12(p12, password+"x"); !errors.Is(err, ErrWrongPIN) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	t.Run("go-pkcs12", func(t *testing.T) {
		p12, err := pkcs12.Modern.Encode(f.key, f.cert, []*x509.Certificate{f.ca.Cert}, "mật khẩu p12")
		if err != nil {
			t.Fatal(err)
		}
		check(t, p12, "mật khẩu p12", 1)
	})
	t.Run("openssl", func(t *testing.T) {
		needOpenSSL(t)
		dir := t.TempDir()
		out := filepath.Join(dir, "gv.p12")
		runOpenSSL(t, "pkcs12", "-export", "-inkey", writeFile(t, dir, "key.pem", keyPEM(t, f.key)),
			"-in", writeFile(t, dir, "cert.pem", certPEM(f.cert)), "-certfile", writeFile(t, dir, "ca.pem", certPEM(f.ca.Cert)),
			"-name", "gv.hoa", "-passout", "pass:p12-Pass-2026", "-out", out)
		p12, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		check(t, p12, "p12-Pass-2026", 1)
	})
	if _, _, _, err := ParsePKCS12([]byte("not a p12"), "x"); err == nil {
		t.Fatal("garbage accepted")
	}
}

func FuzzVerify(fz *testing.F) {
	f := newFixture(fz)
	doc := []byte(`{"a":1}`)
	good, err := SignDetached(doc, f.key, f.cert, []*x509.Certificate{f.ca.Cert}, f.signAt)
	if err != nil {
		fz.Fatal(err)
	}
	fz.Add(good)
	fz.Add(good[:len(good)-10])
	fz.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80, 0x30, 0x80, 0, 0, 0, 0, 0, 0})
	fz.Add([]byte{0x30, 0x02, 0x30, 0x80, 0x00, 0x00})
	fz.Add([]byte{})
	opts := f.opts()
	sentinels := []error{ErrMalformed, ErrContentMismatch, ErrBadSignature, ErrUntrusted, ErrExpired, ErrRevoked, ErrKeyUsage, ErrSigningTime}
	fz.Fuzz(func(t *testing.T, sig []byte) {
		s, err := Verify(sig, doc, opts)
		if err == nil {
			if s == nil || s.Digest != Digest(doc) || !s.Cert.Equal(f.cert) {
				t.Fatalf("accepted %x as %+v", sig, s)
			}
			return
		}
		for _, e := range sentinels {
			if errors.Is(err, e) {
				return
			}
		}
		t.Fatalf("error without a sentinel: %v", err)
	})
}

func BenchmarkSignDetached(b *testing.B) {
	f := newFixture(b)
	doc := sheetDoc(b)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := SignDetached(doc, f.key, f.cert, nil, f.signAt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	f := newFixture(b)
	doc := sheetDoc(b)
	sig, err := SignDetached(doc, f.key, f.cert, nil, f.signAt)
	if err != nil {
		b.Fatal(err)
	}
	opts := f.opts()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := Verify(sig, doc, opts); err != nil {
			b.Fatal(err)
		}
	}
}
