// Package sign holds the cryptographic core of digital signatures (ký số)
// over the book's data. It does no I/O: no HTTP, no SQL, no files.
//
// It holds:
//
//   - canonical JSON (RFC 8785, JCS): Canonicalize and Canonical give the
//     exact bytes a signature covers; Digest gives their hex SHA-256;
//   - the province CA standing in for a licensed one: NewCA, (*CA).Issue for
//     a signer's certificate, (*CA).CRL for the revocation list,
//     (*CA).MarshalPEM and LoadCA to keep it; ParseTrustRoots reads a
//     --trust-roots file; CertInfo summarises a certificate;
//   - per-user keys sealed under a signing PIN (argon2id → AES-256-GCM over
//     the PKCS#8 key): GenerateKey, Seal, Open, Reseal, Sealed with Marshal
//     and ParseSealed, and the PIN policy CheckPIN; ParsePKCS12 imports a key
//     and certificate issued elsewhere;
//   - detached CMS SignedData (SHA-256, signed content-type, message-digest
//     and signing-time attributes, signer certificate included) made by
//     SignDetached and checked by Verify, whose failures are sentinel errors
//     (ErrMalformed, ErrContentMismatch, ErrBadSignature, ErrUntrusted,
//     ErrExpired, ErrRevoked, ...) that Reason turns into Vietnamese.
//
// A typical remote signature: doc, _ := Canonical(v); key, _ := Open(sealed,
// pin); cms, _ := SignDetached(doc, key, cert, nil, now). A check, now or
// years later: Verify(cms, doc, VerifyOptions{Roots: roots, CRLs: crls}).
package sign
