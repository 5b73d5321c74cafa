package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// CA is the province's own certification authority: a self-signed root that
// issues signers' certificates and revocation lists. It stands in for a
// licensed CA (VGCA, VNPT-CA, ...), whose certificates can be imported
// instead (ParsePKCS12).
type CA struct {
	Cert *x509.Certificate // the self-signed root certificate
	Key  crypto.Signer     // its private key
}

// sealedKeyPEMType is the PEM type of a private key sealed with a
// passphrase by (*CA).MarshalPEM: the bytes are a Sealed (see
// Sealed.Marshal), not a legacy PEM-encrypted key.
const sealedKeyPEMType = "SDGDT SEALED PRIVATE KEY"

// NewCA makes a self-signed root CA named commonName (organisation org,
// country VN), valid from now for validity. The key is ECDSA P-256: every
// tool in the chain (Go's crypto/x509, OpenSSL, the CMS library, Vietnamese
// signing tools) accepts it, and its keys and signatures are small and quick
// to make, which matters for a server that signs for every teacher; RSA-2048
// would be as accepted but slower to sign and to generate, for no gain in an
// internal CA. The root may issue end-entity certificates only (path length
// 0).
func NewCA(commonName, org string, now time.Time, validity time.Duration) (*CA, error) {
	if commonName == "" {
		return nil, errors.New("sign: CA common name is empty")
	}
	if validity <= 0 {
		return nil, errors.New("sign: CA validity must be positive")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sign: generating CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	name := pkix.Name{CommonName: commonName, Country: []string{"VN"}}
	if org != "" {
		name.Organization = []string{org}
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		NotBefore:             now,
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("sign: creating CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// randomSerial returns a random positive 127-bit serial number (RFC 5280
// allows up to 20 octets; 127 bits keep the DER integer at 16 octets).
func randomSerial() (*big.Int, error) {
	for {
		n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
		if err != nil {
			return nil, fmt.Errorf("sign: random serial: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// IssueRequest describes the signer a certificate is issued to.
type IssueRequest struct {
	FullName  string           // subject common name, e.g. "Nguyễn Thị Hoa"
	Username  string           // the account's username, as the subject serialNumber attribute
	School    string           // subject organisation: the school's name
	Province  string           // optional subject state or province
	Email     string           // optional rfc822Name subject alternative name
	PublicKey crypto.PublicKey // the signer's public key (from GenerateKey)
	NotBefore time.Time        // start of validity
	NotAfter  time.Time        // end of validity, no later than the CA's
}

// Issue signs a certificate for req: key usage digitalSignature and
// contentCommitment (non-repudiation), extended key usage emailProtection
// (what S/MIME tools expect; `openssl cms -verify -purpose any` accepts
// it), not a CA, random 127-bit serial.
func (ca *CA) Issue(req IssueRequest) (*x509.Certificate, error) {
	switch {
	case req.FullName == "":
		return nil, errors.New("sign: issue: full name is empty")
	case req.Username == "":
		return nil, errors.New("sign: issue: username is empty")
	case req.PublicKey == nil:
		return nil, errors.New("sign: issue: no public key")
	case !req.NotAfter.After(req.NotBefore):
		return nil, errors.New("sign: issue: validity ends before it starts")
	case req.NotBefore.Truncate(time.Second).Before(ca.Cert.NotBefore) || req.NotAfter.Truncate(time.Second).After(ca.Cert.NotAfter):
		return nil, fmt.Errorf("sign: issue: validity %s–%s is outside the CA's %s–%s",
			req.NotBefore.Format(time.RFC3339), req.NotAfter.Format(time.RFC3339),
			ca.Cert.NotBefore.Format(time.RFC3339), ca.Cert.NotAfter.Format(time.RFC3339))
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	name := pkix.Name{CommonName: req.FullName, SerialNumber: req.Username, Country: []string{"VN"}}
	if req.School != "" {
		name.Organization = []string{req.School}
	}
	if req.Province != "" {
		name.Province = []string{req.Province}
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		NotBefore:             req.NotBefore,
		NotAfter:              req.NotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		BasicConstraintsValid: true,
	}
	if req.Email != "" {
		tmpl.EmailAddresses = []string{req.Email}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, req.PublicKey, ca.Key)
	if err != nil {
		return nil, fmt.Errorf("sign: issuing certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

// CRL reasons (RFC 5280 §5.3.1) for Revoked.Reason.
const (
	ReasonUnspecified          = 0
	ReasonKeyCompromise        = 1
	ReasonCACompromise         = 2
	ReasonAffiliationChanged   = 3
	ReasonSuperseded           = 4
	ReasonCessationOfOperation = 5
	ReasonCertificateHold      = 6
	ReasonAACompromise         = 10
)

// Revoked is one entry of a revocation list.
type Revoked struct {
	Serial *big.Int  // the revoked certificate's serial number
	At     time.Time // when the revocation takes effect
	Reason int       // an RFC 5280 reason code (Reason... constants)
}

// CRL returns a DER certificate revocation list signed by the CA, listing
// revoked, issued at now and due to be replaced by next. Its CRL number is
// now in Unix seconds, so lists made later (in another second) have larger
// numbers.
func (ca *CA) CRL(revoked []Revoked, now, next time.Time) ([]byte, error) {
	if !next.After(now) {
		return nil, errors.New("sign: CRL next update must be after this update")
	}
	entries := make([]x509.RevocationListEntry, 0, len(revoked))
	for _, r := range revoked {
		if r.Serial == nil {
			return nil, errors.New("sign: CRL entry without serial")
		}
		entries = append(entries, x509.RevocationListEntry{
			SerialNumber:   r.Serial,
			RevocationTime: r.At,
			ReasonCode:     r.Reason,
		})
	}
	tmpl := &x509.RevocationList{
		Number:                    big.NewInt(now.Unix()),
		ThisUpdate:                now,
		NextUpdate:                next,
		RevokedCertificateEntries: entries,
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, ca.Cert, ca.Key)
	if err != nil {
		return nil, fmt.Errorf("sign: creating CRL: %w", err)
	}
	return der, nil
}

// MarshalPEM returns the CA as PEM: the certificate, then the private key.
// With an empty passphrase the key is plain PKCS#8 ("PRIVATE KEY"); else
// it is sealed like a signer's key (argon2id with DefaultKDFParams, then
// AES-256-GCM over the PKCS#8 DER) in a "SDGDT SEALED PRIVATE KEY" block.
func (ca *CA) MarshalPEM(passphrase string) ([]byte, error) {
	var buf bytes.Buffer
	if err := pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw}); err != nil {
		return nil, err
	}
	if passphrase == "" {
		der, err := x509.MarshalPKCS8PrivateKey(ca.Key)
		if err != nil {
			return nil, fmt.Errorf("sign: CA key: %w", err)
		}
		err = pem.Encode(&buf, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
		clear(der)
		if err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	s, err := Seal(ca.Key, passphrase, DefaultKDFParams)
	if err != nil {
		return nil, err
	}
	if err := pem.Encode(&buf, &pem.Block{Type: sealedKeyPEMType, Bytes: s.Marshal()}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// LoadCA reads the PEM written by MarshalPEM (a CERTIFICATE block and a
// PRIVATE KEY, EC PRIVATE KEY or sealed key block). A sealed key needs its
// passphrase: a wrong one returns ErrWrongPIN. The key must match the
// certificate, which must be a CA.
func LoadCA(pemBytes []byte, passphrase string) (*CA, error) {
	var cert *x509.Certificate
	var key crypto.Signer
	for rest := pemBytes; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch block.Type {
		case "CERTIFICATE":
			if cert != nil {
				continue
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("sign: CA certificate: %w", err)
			}
			cert = c
		case "PRIVATE KEY", "EC PRIVATE KEY", sealedKeyPEMType:
			if key != nil {
				return nil, errors.New("sign: CA PEM holds more than one private key")
			}
			k, err := parseKeyBlock(block, passphrase)
			if err != nil {
				return nil, err
			}
			key = k
		}
	}
	if cert == nil {
		return nil, errors.New("sign: CA PEM holds no certificate")
	}
	if key == nil {
		return nil, errors.New("sign: CA PEM holds no private key")
	}
	if !cert.IsCA {
		return nil, errors.New("sign: CA certificate is not a CA")
	}
	if !samePublicKey(cert.PublicKey, key.Public()) {
		return nil, errors.New("sign: CA private key does not match its certificate")
	}
	return &CA{Cert: cert, Key: key}, nil
}

func parseKeyBlock(block *pem.Block, passphrase string) (crypto.Signer, error) {
	var k any
	var err error
	switch block.Type {
	case sealedKeyPEMType:
		if passphrase == "" {
			return nil, fmt.Errorf("%w: the CA key is sealed and no passphrase was given", ErrWrongPIN)
		}
		s, perr := ParseSealed(block.Bytes)
		if perr != nil {
			return nil, perr
		}
		return Open(s, passphrase)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("sign: CA key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("sign: CA key: %T is not a signing key", k)
	}
	return signer, nil
}

// samePublicKey reports whether a and b are the same public key.
func samePublicKey(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// ParseTrustRoots reads every CERTIFICATE block of a PEM file (the
// --trust-roots FILE.pem of licensed CAs' roots) into a pool for
// VerifyOptions.Roots, and returns the certificates too. Other blocks are
// ignored; a file without certificates is an error.
func ParseTrustRoots(pemBytes []byte) (*x509.CertPool, []*x509.Certificate, error) {
	pool := x509.NewCertPool()
	var certs []*x509.Certificate
	for rest := pemBytes; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("sign: trust root %d: %w", len(certs)+1, err)
		}
		pool.AddCert(c)
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, nil, errors.New("sign: no certificate in the trust roots PEM")
	}
	return pool, certs, nil
}

// CertSummary is what a page or an API answer shows of a certificate.
type CertSummary struct {
	Subject           string    `json:"subject"`            // RFC 2253 form, e.g. "SERIALNUMBER=gv.hoa,CN=Nguyễn Thị Hoa,O=...,C=VN"
	Issuer            string    `json:"issuer"`             // RFC 2253 form
	Serial            string    `json:"serial"`             // lower-case hex
	NotBefore         time.Time `json:"not_before"`         // start of validity
	NotAfter          time.Time `json:"not_after"`          // end of validity
	FingerprintSHA256 string    `json:"fingerprint_sha256"` // lower-case hex SHA-256 of the DER
}

// CertInfo summarises cert.
func CertInfo(cert *x509.Certificate) CertSummary {
	fp := sha256.Sum256(cert.Raw)
	return CertSummary{
		Subject:           cert.Subject.String(),
		Issuer:            cert.Issuer.String(),
		Serial:            cert.SerialNumber.Text(16),
		NotBefore:         cert.NotBefore,
		NotAfter:          cert.NotAfter,
		FingerprintSHA256: hex.EncodeToString(fp[:]),
	}
}
