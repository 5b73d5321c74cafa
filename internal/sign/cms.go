package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/digitorus/pkcs7"
)

// Digest returns the lower-case hex SHA-256 of content: the digest a
// signature over content carries, shown to external signers and stored with
// each signature.
func Digest(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// SignDetached makes a detached CMS SignedData (RFC 5652) over content, DER
// encoded: digest SHA-256, signed attributes content-type (id-data),
// message-digest and signing-time (at, in UTC, to the second), signed with
// key (ECDSA or RSA PKCS#1 v1.5), cert and then chain (intermediate
// certificates; the root may be left out) included. The key must match cert.
//
// github.com/digitorus/pkcs7 builds the structure but always stamps
// signing-time with time.Now; SignDetached therefore lets it sign with a
// placeholder signer, puts at in the signing-time attribute, keeps the
// attributes in DER set order, and makes the one real signature over them.
func SignDetached(content []byte, key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, at time.Time) ([]byte, error) {
	switch {
	case key == nil || cert == nil:
		return nil, errors.New("sign: SignDetached needs a key and a certificate")
	case at.IsZero():
		return nil, errors.New("sign: SignDetached needs a signing time")
	case !samePublicKey(cert.PublicKey, key.Public()):
		return nil, errors.New("sign: the key does not match the certificate")
	}
	switch key.Public().(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey:
	default:
		return nil, fmt.Errorf("sign: unsupported signing key %T (want ECDSA or RSA)", key.Public())
	}
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, fmt.Errorf("sign: CMS: %w", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(cert, placeholderSigner{key.Public()}, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, fmt.Errorf("sign: CMS: %w", err)
	}
	for _, c := range chain {
		if c != nil && !c.Equal(cert) {
			sd.AddCertificate(c)
		}
	}
	si := &sd.GetSignedData().SignerInfos[0]
	st, err := asn1.Marshal(at.UTC())
	if err != nil {
		return nil, fmt.Errorf("sign: CMS signing time: %w", err)
	}
	found := 0
	for i := range si.AuthenticatedAttributes {
		if si.AuthenticatedAttributes[i].Type.Equal(pkcs7.OIDAttributeSigningTime) {
			si.AuthenticatedAttributes[i].Value = asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: st}
			found++
		}
	}
	if found != 1 {
		return nil, fmt.Errorf("sign: CMS: %d signing-time attributes from the library, want 1", found)
	}
	// DER orders a SET OF by the encodings of its elements; the signature
	// covers the attributes in that order, and they are stored in it.
	attrs := si.AuthenticatedAttributes
	ders := make([][]byte, len(attrs))
	order := make([]int, len(attrs))
	for i := range attrs {
		if ders[i], err = asn1.Marshal(attrs[i]); err != nil {
			return nil, fmt.Errorf("sign: CMS: %w", err)
		}
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return bytes.Compare(ders[a], ders[b]) })
	sorted := slices.Clone(attrs)
	var body []byte
	for k, i := range order {
		sorted[k] = attrs[i]
		body = append(body, ders[i]...)
	}
	si.AuthenticatedAttributes = sorted
	set, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: body})
	if err != nil {
		return nil, fmt.Errorf("sign: CMS: %w", err)
	}
	h := sha256.Sum256(set)
	sig, err := key.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign: signing: %w", err)
	}
	si.EncryptedDigest = sig
	sd.Detach()
	der, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("sign: CMS: %w", err)
	}
	return der, nil
}

// placeholderSigner stands for the real key while the CMS library builds
// the signer info; its signature is replaced by SignDetached.
type placeholderSigner struct{ pub crypto.PublicKey }

func (p placeholderSigner) Public() crypto.PublicKey { return p.pub }

func (placeholderSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, nil
}

// The reasons a signature does not verify. Verify wraps one of them with
// detail; test with errors.Is, show with Reason.
var (
	ErrMalformed       = errors.New("sign: not a well-formed detached CMS signature")
	ErrContentMismatch = errors.New("sign: the signature is over other content")
	ErrBadSignature    = errors.New("sign: the signature value does not verify")
	ErrUntrusted       = errors.New("sign: the certificate does not chain to a trusted root")
	ErrExpired         = errors.New("sign: the certificate was not valid at the signing time")
	ErrRevoked         = errors.New("sign: the certificate is revoked")
	ErrKeyUsage        = errors.New("sign: the certificate's key usage does not allow signing")
	ErrSigningTime     = errors.New("sign: the signing time is not acceptable")
)

// Reason returns a short Vietnamese sentence for err, for the page and the
// invalid_reason field: one for each Err... of this package (a PIN policy
// error gives its own message), a generic one otherwise, "" for nil.
func Reason(err error) string {
	var pe *PINError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &pe):
		return pe.Message
	case errors.Is(err, ErrContentMismatch):
		return "Chữ ký không khớp với dữ liệu hiện tại."
	case errors.Is(err, ErrRevoked):
		return "Chứng thư số đã bị thu hồi."
	case errors.Is(err, ErrUntrusted):
		return "Chứng thư số không do một tổ chức tin cậy cấp."
	case errors.Is(err, ErrExpired):
		return "Chứng thư số đã hết hạn hoặc chưa có hiệu lực tại thời điểm ký."
	case errors.Is(err, ErrBadSignature):
		return "Giá trị chữ ký không đúng: dữ liệu ký đã bị sửa hoặc không do khóa của chứng thư số này ký."
	case errors.Is(err, ErrKeyUsage):
		return "Chứng thư số không được phép dùng để ký số."
	case errors.Is(err, ErrSigningTime):
		return "Thời điểm ký ghi trong chữ ký không hợp lệ (ở tương lai hoặc đã quá cũ)."
	case errors.Is(err, ErrMalformed):
		return "Tệp chữ ký không đúng định dạng CMS tách rời (SHA-256)."
	case errors.Is(err, ErrWrongPIN):
		return "Mã PIN ký không đúng."
	default:
		return "Không kiểm tra được chữ ký số."
	}
}

// MaxSignatureSize is the largest CMS Verify reads. A signature with its
// certificate chain is a few kilobytes; the bound also caps the work of the
// CMS library's BER decoder, whose search for end-of-contents markers is
// quadratic in the input (about 0.2 s for 64 KiB of hostile BER, a minute
// for 1 MiB).
const MaxSignatureSize = 64 << 10

// maxClockSkew is how far in the future of VerifyOptions.Now a signing time
// may be (the signer's clock may run ahead).
const maxClockSkew = 5 * time.Minute

// VerifyOptions are the trust settings of Verify.
type VerifyOptions struct {
	// Roots are the trusted roots: the province CA and the --trust-roots
	// file. Required: a nil pool is not the system's, it is an error.
	Roots *x509.CertPool
	// Intermediates are extra intermediate CA certificates, besides those
	// the CMS carries. Optional.
	Intermediates *x509.CertPool
	// CRLs are revocation lists; each is used for the certificates its
	// issuer (identified by name and signature) issued. Others are ignored,
	// and so is a list's NextUpdate: the caller passes the current lists.
	CRLs []*x509.RevocationList
	// Now is the time of the check; zero means time.Now(). A signing time
	// more than five minutes after Now is rejected.
	Now time.Time
	// MaxAge, when positive, rejects a signing time older than Now-MaxAge:
	// set it when accepting a new upload, so that an external signer cannot
	// backdate a signature to before a revocation. Leave it zero when
	// re-checking stored signatures.
	MaxAge time.Duration
}

// Signed is what a verified signature tells.
type Signed struct {
	Cert        *x509.Certificate   // the signer's certificate
	Chain       []*x509.Certificate // the verified chain, signer first, root last
	SigningTime time.Time           // the signed signing-time attribute, UTC
	Digest      string              // hex SHA-256 of the content (see Digest)
}

// Verify checks that sig is a detached CMS signature over content by a
// trusted, valid, unrevoked certificate, in this order:
//
//   - sig (at most MaxSignatureSize bytes, DER or BER) parses as CMS
//     SignedData with one signer, no embedded content,
//     digest SHA-256, signed content-type (id-data), message-digest and
//     signing-time attributes (each once) and the signer certificate
//     included; else ErrMalformed;
//   - the message digest is SHA-256(content); else ErrContentMismatch;
//   - the signing time is not in the future of opts.Now (nor older than
//     opts.MaxAge); else ErrSigningTime;
//   - the signer certificate is valid at the signing time; else ErrExpired
//     (reported before the signature value is checked);
//   - the signature over the signed attributes verifies with the signer
//     certificate's key; else ErrBadSignature;
//   - the certificate chains to opts.Roots, every certificate valid at the
//     signing time; else ErrUntrusted (ErrExpired for a CA not valid then);
//   - its key usage, if present, allows digitalSignature or
//     contentCommitment; else ErrKeyUsage;
//   - no certificate of the chain is revoked by a CRL of opts.CRLs signed by
//     its issuer; else ErrRevoked. A revocation counts when it took effect
//     at or before the signing time, or, whatever its date, when its reason
//     is a compromise (keyCompromise, cACompromise, aACompromise): a
//     certificate revoked later for another reason (the teacher moved
//     school) leaves the signatures made before valid.
//
// Verify never panics on hostile input.
func Verify(sig, content []byte, opts VerifyOptions) (s *Signed, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%w: %v", ErrMalformed, r)
		}
	}()
	if opts.Roots == nil {
		return nil, fmt.Errorf("%w: no trust roots given", ErrUntrusted)
	}
	if len(sig) == 0 || len(sig) > MaxSignatureSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformed, len(sig))
	}
	p7, err := pkcs7.Parse(sig)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	malformed := func(format string, a ...any) (*Signed, error) {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, a...))
	}
	if len(p7.Signers) != 1 {
		return malformed("%d signers, want 1", len(p7.Signers))
	}
	if len(p7.Content) != 0 {
		return malformed("the content is embedded, want a detached signature")
	}
	si := p7.Signers[0]
	if !si.DigestAlgorithm.Algorithm.Equal(pkcs7.OIDDigestAlgorithmSHA256) {
		return malformed("digest algorithm %v, want SHA-256", si.DigestAlgorithm.Algorithm)
	}
	if len(si.AuthenticatedAttributes) == 0 {
		return malformed("no signed attributes")
	}
	seen := map[string]bool{}
	for _, a := range si.AuthenticatedAttributes {
		if seen[a.Type.String()] {
			return malformed("signed attribute %v twice", a.Type)
		}
		seen[a.Type.String()] = true
	}
	var contentType asn1.ObjectIdentifier
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeContentType, &contentType); err != nil {
		return malformed("content-type attribute: %v", err)
	}
	if !contentType.Equal(pkcs7.OIDData) {
		return malformed("content type %v, want id-data", contentType)
	}
	var md []byte
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeMessageDigest, &md); err != nil {
		return malformed("message-digest attribute: %v", err)
	}
	var signingTime time.Time
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &signingTime); err != nil {
		return malformed("signing-time attribute: %v", err)
	}
	signingTime = signingTime.UTC()
	leaf := p7.GetOnlySigner()
	if leaf == nil {
		return malformed("the signer's certificate is not included")
	}

	sum := sha256.Sum256(content)
	if subtle.ConstantTimeCompare(md, sum[:]) != 1 {
		return nil, fmt.Errorf("%w: signed digest %x, content digest %x", ErrContentMismatch, md, sum)
	}

	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if signingTime.After(now.Add(maxClockSkew)) {
		return nil, fmt.Errorf("%w: signed at %s, after %s", ErrSigningTime, signingTime.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	if opts.MaxAge > 0 && signingTime.Before(now.Add(-opts.MaxAge)) {
		return nil, fmt.Errorf("%w: signed at %s, more than %s before %s", ErrSigningTime, signingTime.Format(time.RFC3339), opts.MaxAge, now.Format(time.RFC3339))
	}
	if signingTime.Before(leaf.NotBefore) || signingTime.After(leaf.NotAfter) {
		return nil, fmt.Errorf("%w: signed at %s, certificate valid %s to %s", ErrExpired,
			signingTime.Format(time.RFC3339), leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))
	}

	p7.Content = content
	if err := p7.Verify(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}

	inter := x509.NewCertPool()
	if opts.Intermediates != nil {
		inter = opts.Intermediates.Clone()
	}
	for _, c := range p7.Certificates {
		if !c.Equal(leaf) {
			inter.AddCert(c)
		}
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         opts.Roots,
		Intermediates: inter,
		CurrentTime:   signingTime,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		var invalid x509.CertificateInvalidError
		if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
			return nil, fmt.Errorf("%w: %v", ErrExpired, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrUntrusted, err)
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return nil, fmt.Errorf("%w: key usage %#x", ErrKeyUsage, leaf.KeyUsage)
	}
	var revokedErr error
	var chain []*x509.Certificate
	for _, c := range chains {
		if err := checkRevocation(c, opts.CRLs, signingTime); err != nil {
			if revokedErr == nil {
				revokedErr = err
			}
			continue
		}
		chain = c
		break
	}
	if chain == nil {
		return nil, revokedErr
	}
	return &Signed{Cert: leaf, Chain: chain, SigningTime: signingTime, Digest: hex.EncodeToString(sum[:])}, nil
}

// checkRevocation returns an ErrRevoked error if a certificate of chain
// (signer first) is revoked, for a signature made at signingTime, by a CRL
// of crls signed by its issuer.
func checkRevocation(chain []*x509.Certificate, crls []*x509.RevocationList, signingTime time.Time) error {
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		for _, crl := range crls {
			if crl == nil || !bytes.Equal(crl.RawIssuer, issuer.RawSubject) || crl.CheckSignatureFrom(issuer) != nil {
				continue
			}
			for _, e := range crl.RevokedCertificateEntries {
				if e.SerialNumber == nil || e.SerialNumber.Cmp(cert.SerialNumber) != 0 {
					continue
				}
				if e.RevocationTime.After(signingTime) && !compromise(e.ReasonCode) {
					continue // revoked later, for a reason that leaves earlier signatures good
				}
				return fmt.Errorf("%w: certificate %x (%s) revoked at %s, reason %d; signed at %s", ErrRevoked,
					cert.SerialNumber, cert.Subject.CommonName, e.RevocationTime.UTC().Format(time.RFC3339), e.ReasonCode,
					signingTime.Format(time.RFC3339))
			}
		}
	}
	return nil
}

// compromise reports whether an RFC 5280 reason code says the key or an
// authority was compromised (keyCompromise, cACompromise, aACompromise).
func compromise(reason int) bool {
	return reason == ReasonKeyCompromise || reason == ReasonCACompromise || reason == ReasonAACompromise
}
