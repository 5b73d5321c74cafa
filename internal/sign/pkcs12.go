package sign

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// ParsePKCS12 reads a PKCS#12 (.p12, .pfx) file, as a licensed CA hands out
// a key and certificate, with its password. It returns the private key, the
// certificate that matches it and the other (CA) certificates of the file.
// A wrong password returns an error matching ErrWrongPIN.
func ParsePKCS12(data []byte, password string) (key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, err error) {
	k, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, nil, nil, fmt.Errorf("%w: PKCS#12 password", ErrWrongPIN)
		}
		return nil, nil, nil, fmt.Errorf("sign: PKCS#12: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, nil, fmt.Errorf("sign: PKCS#12: %T is not a signing key", k)
	}
	if !samePublicKey(cert.PublicKey, signer.Public()) {
		return nil, nil, nil, errors.New("sign: PKCS#12: the key does not match the certificate")
	}
	return signer, cert, chain, nil
}
