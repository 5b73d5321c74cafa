package sign

import (
	"bytes"
	"crypto/x509"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestCAIssue(t *testing.T) {
	f := newFixture(t)
	ca, cert := f.ca.Cert, f.cert
	if !ca.IsCA || !ca.MaxPathLenZero || ca.KeyUsage&x509.KeyUsageCertSign == 0 || ca.KeyUsage&x509.KeyUsageCRLSign == 0 {
		t.Fatalf("CA certificate: IsCA %v, MaxPathLenZero %v, KeyUsage %#x", ca.IsCA, ca.MaxPathLenZero, ca.KeyUsage)
	}
	if err := ca.CheckSignatureFrom(ca); err != nil {
		t.Fatalf("root not self-signed: %v", err)
	}
	if cert.IsCA || cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
		t.Fatalf("leaf: IsCA %v, KeyUsage %#x", cert.IsCA, cert.KeyUsage)
	}
	if len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageEmailProtection {
		t.Fatalf("leaf EKU %v", cert.ExtKeyUsage)
	}
	if cert.Subject.CommonName != "Nguyễn Thị Hoà" || cert.Subject.SerialNumber != "gv.hoa" ||
		cert.Subject.Organization[0] != "Trường THCS Nguyễn Trãi" || cert.Subject.Province[0] != "Thử Nghiệm" {
		t.Fatalf("leaf subject %v", cert.Subject)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: f.roots, CurrentTime: f.signAt, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}); err != nil {
		t.Fatalf("leaf does not verify: %v", err)
	}
	// Serials are random: a second certificate has another.
	other, err := f.ca.Issue(IssueRequest{FullName: "Trần Văn Đức", Username: "gv.duc", PublicKey: f.key.Public(), NotBefore: cert.NotBefore, NotAfter: cert.NotAfter})
	if err != nil {
		t.Fatal(err)
	}
	if other.SerialNumber.Cmp(cert.SerialNumber) == 0 || cert.SerialNumber.BitLen() < 64 {
		t.Fatalf("serials %x and %x", cert.SerialNumber, other.SerialNumber)
	}

	info := CertInfo(cert)
	if !strings.Contains(info.Subject, "CN=Nguyễn Thị Hoà") || !strings.Contains(info.Subject, "SERIALNUMBER=gv.hoa") ||
		!strings.Contains(info.Issuer, "CN=CA Sở GD&ĐT Thử Nghiệm") || info.Serial != cert.SerialNumber.Text(16) ||
		len(info.FingerprintSHA256) != 64 || !info.NotAfter.Equal(cert.NotAfter) {
		t.Fatalf("CertInfo %+v", info)
	}

	// A CA made at a time with nanoseconds issues up to its own end.
	now := time.Date(2026, 9, 5, 7, 30, 0, 123456789, time.UTC)
	ca2, err := NewCA("CA", "", now, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca2.Issue(IssueRequest{FullName: "x", Username: "x", PublicKey: f.key.Public(), NotBefore: now, NotAfter: now.Add(24 * time.Hour)}); err != nil {
		t.Fatalf("issue for the CA's whole validity: %v", err)
	}
	if _, err := NewCA("", "org", now, time.Hour); err == nil {
		t.Fatal("CA without a name")
	}
	if _, err := NewCA("CA", "org", now, 0); err == nil {
		t.Fatal("CA without validity")
	}

	bad := []IssueRequest{
		{Username: "x", PublicKey: f.key.Public(), NotBefore: cert.NotBefore, NotAfter: cert.NotAfter},
		{FullName: "x", PublicKey: f.key.Public(), NotBefore: cert.NotBefore, NotAfter: cert.NotAfter},
		{FullName: "x", Username: "x", NotBefore: cert.NotBefore, NotAfter: cert.NotAfter},
		{FullName: "x", Username: "x", PublicKey: f.key.Public(), NotBefore: cert.NotAfter, NotAfter: cert.NotBefore},
		{FullName: "x", Username: "x", PublicKey: f.key.Public(), NotBefore: cert.NotBefore, NotAfter: ca.NotAfter.Add(time.Hour)},
	}
	for i, r := range bad {
		if _, err := f.ca.Issue(r); err == nil {
			t.Errorf("bad request %d issued", i)
		}
	}
}

func TestCRL(t *testing.T) {
	f := newFixture(t)
	der, err := f.ca.CRL([]Revoked{{Serial: f.cert.SerialNumber, At: f.now, Reason: ReasonKeyCompromise}, {Serial: big.NewInt(42), At: f.now}}, f.now, f.now.Add(7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(f.ca.Cert); err != nil {
		t.Fatal(err)
	}
	if len(crl.RevokedCertificateEntries) != 2 || crl.RevokedCertificateEntries[0].SerialNumber.Cmp(f.cert.SerialNumber) != 0 ||
		crl.RevokedCertificateEntries[0].ReasonCode != ReasonKeyCompromise || !crl.NextUpdate.Equal(f.now.Add(7*24*time.Hour)) ||
		crl.Number.Int64() != f.now.Unix() {
		t.Fatalf("CRL %+v", crl)
	}
	if _, err := f.ca.CRL(nil, f.now, f.now); err == nil {
		t.Fatal("CRL with next == now accepted")
	}
}

func TestCAPEM(t *testing.T) {
	f := newFixture(t)
	for _, pass := range []string{"", "mật khẩu CA rất dài 2026"} {
		pemBytes, err := f.ca.MarshalPEM(pass)
		if err != nil {
			t.Fatal(err)
		}
		if pass != "" && (bytes.Contains(pemBytes, []byte("BEGIN PRIVATE KEY")) || !bytes.Contains(pemBytes, []byte("BEGIN SDGDT SEALED PRIVATE KEY"))) {
			t.Fatalf("sealed PEM:\n%s", pemBytes)
		}
		ca, err := LoadCA(pemBytes, pass)
		if err != nil {
			t.Fatal(err)
		}
		if !ca.Cert.Equal(f.ca.Cert) || !samePublicKey(ca.Key.Public(), f.ca.Key.Public()) {
			t.Fatal("loaded CA differs")
		}
		// The loaded CA still issues certificates that chain to the root.
		c, err := ca.Issue(IssueRequest{FullName: "Lê Minh Khôi", Username: "gv.khoi", PublicKey: f.key.Public(), NotBefore: f.cert.NotBefore, NotAfter: f.cert.NotAfter})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.CheckSignatureFrom(f.ca.Cert); err != nil {
			t.Fatal(err)
		}
		if pass != "" {
			for _, wrong := range []string{"", "mật khẩu sai"} {
				if _, err := LoadCA(pemBytes, wrong); !errors.Is(err, ErrWrongPIN) {
					t.Fatalf("LoadCA with %q: %v, want ErrWrongPIN", wrong, err)
				}
			}
		}
	}
	// A key that does not match, and a PEM without a key.
	other, _ := GenerateKey()
	if _, err := LoadCA(append(certPEM(f.ca.Cert), keyPEM(t, other)...), ""); err == nil {
		t.Fatal("mismatched key accepted")
	}
	if _, err := LoadCA(certPEM(f.ca.Cert), ""); err == nil {
		t.Fatal("PEM without key accepted")
	}
	if _, err := LoadCA(append(certPEM(f.cert), keyPEM(t, f.key)...), ""); err == nil {
		t.Fatal("a leaf accepted as CA")
	}
}

func TestParseTrustRoots(t *testing.T) {
	f := newFixture(t)
	g := newFixture(t)
	file := append([]byte("# trust roots\n"), certPEM(f.ca.Cert, g.ca.Cert)...)
	pool, certs, err := ParseTrustRoots(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 2 || !certs[1].Equal(g.ca.Cert) {
		t.Fatalf("got %d certificates", len(certs))
	}
	if _, err := g.cert.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: g.signAt, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ParseTrustRoots([]byte("no PEM here")); err == nil {
		t.Fatal("empty trust roots accepted")
	}
	if _, _, err := ParseTrustRoots([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")); err == nil {
		t.Fatal("garbage certificate accepted")
	}
}
