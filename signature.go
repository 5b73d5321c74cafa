package sdgdt

import "time"

// Kinds of signed objects (signatures.object_kind).
const (
	SignSheet    = "sheet"    // one class × subject × term, by its subject teacher
	SignHomeroom = "homeroom" // a class's homeroom data of a term, by its homeroom teacher
	SignBook     = "book"     // a class book of a term, by a leader
)

// Sources of a signer's key (signing_keys.source).
const (
	KeyFromCA       = "ca"       // issued by the province CA, key sealed under the PIN
	KeyFromPKCS12   = "pkcs12"   // imported from a licensed CA, key sealed under the PIN
	KeyFromExternal = "external" // USB token or remote provider: no key on the server
)

// SigningCA is the stored province CA.
type SigningCA struct {
	ID        int64
	CertPEM   string
	SealedPEM string // certificate and private key sealed under the operator's passphrase
	CRLPEM    string // the latest revocation list, "" when none
	CreatedAt time.Time
}

// SigningKey is a signer's certificate and, for remote signing, his private
// key sealed under his signing PIN.
type SigningKey struct {
	ID           int64
	UserID       int64
	Source       string
	CertPEM      string
	ChainPEM     string
	Serial       string // lower-case hex
	Subject      string
	Issuer       string
	NotBefore    time.Time
	NotAfter     time.Time
	SealedKey    []byte // sign.Sealed.Marshal, nil for an external signer
	Active       bool
	RevokedAt    time.Time // zero when not revoked
	RevokeReason int
	CreatedAt    time.Time
}

// ChangedCell is a cell of a signed document whose value differs from the
// signed one.
type ChangedCell struct {
	PupilID string `json:"pupil_id"`
	Field   string `json:"field"`
}

// Signature is one signature over a canonical document.
type Signature struct {
	ID            int64
	SchoolID      int64
	ClassID       int64
	Term          string
	ObjectKind    string // SignSheet, SignHomeroom, SignBook
	ObjectKey     string // the sheet id, or "class_id/term"
	SignerID      int64
	SignerName    string
	Role          string // subject_teacher, homeroom, leader
	KeyID         int64
	External      bool
	Digest        string // hex SHA-256 of Canonical
	Canonical     []byte
	CMS           []byte // DER
	CertSubject   string
	CertIssuer    string
	CertSerial    string
	SignedAt      time.Time
	Valid         bool
	InvalidReason string
	InvalidatedAt time.Time
	Changed       []ChangedCell
}
