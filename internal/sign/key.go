package sign

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// ErrWrongPIN is returned by Open and Reseal when the PIN does not open the
// sealed key: the AES-GCM authentication failed (a damaged blob gives the
// same error, as the two cannot be told apart). LoadCA returns it for a
// wrong CA passphrase and ParsePKCS12 for a wrong PKCS#12 password.
var ErrWrongPIN = errors.New("sign: wrong signing PIN")

// KDFParams are the argon2id parameters that turn a PIN into the AES-256 key
// sealing a private key. They are stored in Sealed, so they can change
// without breaking keys sealed before.
type KDFParams struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory, in KiB
	Threads   uint8  // lanes
}

// DefaultKDFParams is OWASP's first argon2id configuration (46 MiB, one pass,
// one lane): Open takes about 60 ms on one core of the reference machine,
// slow enough against guessing a stolen database, quick enough for a signer.
// Do not modify it.
var DefaultKDFParams = KDFParams{Time: 1, MemoryKiB: 46 * 1024, Threads: 1}

// TestKDFParams is a cheap configuration for tests only (64 KiB, one pass):
// never seal a real key with it. Do not modify it.
var TestKDFParams = KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

// Limits on stored parameters, so that a tampered or hostile blob cannot
// make Open allocate gigabytes or spin for minutes.
const (
	maxKDFTime      = 16
	maxKDFMemoryKiB = 1 << 20 // 1 GiB
	maxKDFThreads   = 16
	saltLen         = 16
	maxSealedLen    = 64 << 10
)

func (p KDFParams) validate() error {
	switch {
	case p.Time < 1 || p.Time > maxKDFTime:
		return fmt.Errorf("sign: argon2id time %d out of range 1..%d", p.Time, maxKDFTime)
	case p.Threads < 1 || p.Threads > maxKDFThreads:
		return fmt.Errorf("sign: argon2id threads %d out of range 1..%d", p.Threads, maxKDFThreads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxKDFMemoryKiB:
		return fmt.Errorf("sign: argon2id memory %d KiB out of range %d..%d", p.MemoryKiB, 8*uint32(p.Threads), maxKDFMemoryKiB)
	}
	return nil
}

// Sealed is a private key encrypted under a key derived from a PIN:
// AES-256-GCM, with key argon2id(PIN, Salt, KDF), over the PKCS#8 DER of
// the private key. The header (version, KDF, salt) is authenticated as GCM
// additional data. Store it with Marshal; read it back with ParseSealed.
type Sealed struct {
	Version    uint8     // format version, 1
	KDF        KDFParams // argon2id parameters
	Salt       []byte    // 16 random bytes
	Nonce      []byte    // 12 random bytes
	Ciphertext []byte    // AES-GCM sealed PKCS#8 DER, tag included
}

// sealedMagic starts every marshalled Sealed.
const sealedMagic = "SGK"

// header is the authenticated prefix of the stored form:
// "SGK" | version | time u32 | memory u32 | threads u8 | salt len u8 | salt.
func (s Sealed) header() []byte {
	b := make([]byte, 0, 16+len(s.Salt))
	b = append(b, sealedMagic...)
	b = append(b, s.Version)
	b = binary.BigEndian.AppendUint32(b, s.KDF.Time)
	b = binary.BigEndian.AppendUint32(b, s.KDF.MemoryKiB)
	b = append(b, s.KDF.Threads, byte(len(s.Salt)))
	return append(b, s.Salt...)
}

// Marshal returns the stored form of s: the header, then a nonce length
// byte, the nonce and the ciphertext.
func (s Sealed) Marshal() []byte {
	b := s.header()
	b = append(b, byte(len(s.Nonce)))
	b = append(b, s.Nonce...)
	return append(b, s.Ciphertext...)
}

// ParseSealed reads the form written by Sealed.Marshal. It checks the
// structure and the KDF limits, not the PIN.
func ParseSealed(data []byte) (Sealed, error) {
	bad := func(why string) (Sealed, error) {
		return Sealed{}, fmt.Errorf("sign: sealed key: %s", why)
	}
	if len(data) > maxSealedLen {
		return bad("too long")
	}
	if len(data) < 14 || string(data[:3]) != sealedMagic {
		return bad("not a sealed key")
	}
	var s Sealed
	s.Version = data[3]
	if s.Version != 1 {
		return bad(fmt.Sprintf("unknown version %d", s.Version))
	}
	s.KDF.Time = binary.BigEndian.Uint32(data[4:8])
	s.KDF.MemoryKiB = binary.BigEndian.Uint32(data[8:12])
	s.KDF.Threads = data[12]
	rest := data[13:]
	n := int(rest[0])
	if len(rest) < 1+n+1 {
		return bad("truncated salt")
	}
	s.Salt = bytes.Clone(rest[1 : 1+n])
	rest = rest[1+n:]
	n = int(rest[0])
	if len(rest) < 1+n {
		return bad("truncated nonce")
	}
	s.Nonce = bytes.Clone(rest[1 : 1+n])
	s.Ciphertext = bytes.Clone(rest[1+n:])
	if err := s.check(); err != nil {
		return Sealed{}, err
	}
	return s, nil
}

func (s Sealed) check() error {
	if s.Version != 1 {
		return fmt.Errorf("sign: sealed key: unknown version %d", s.Version)
	}
	if err := s.KDF.validate(); err != nil {
		return err
	}
	if len(s.Salt) != saltLen {
		return fmt.Errorf("sign: sealed key: salt of %d bytes, want %d", len(s.Salt), saltLen)
	}
	if len(s.Nonce) != 12 {
		return fmt.Errorf("sign: sealed key: nonce of %d bytes, want 12", len(s.Nonce))
	}
	if len(s.Ciphertext) < 16 {
		return errors.New("sign: sealed key: ciphertext too short")
	}
	return nil
}

// GenerateKey returns a new ECDSA P-256 private key, the kind the province
// CA certifies (see NewCA for the choice).
func GenerateKey() (crypto.Signer, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sign: generating key: %w", err)
	}
	return k, nil
}

func gcmFor(pin string, salt []byte, p KDFParams) (cipher.AEAD, error) {
	key := argon2.IDKey([]byte(pin), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	defer clear(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts key (an *ecdsa.PrivateKey, *rsa.PrivateKey or
// ed25519.PrivateKey) under pin with the KDF parameters p and a fresh random
// salt and nonce. It does not apply the PIN policy: call CheckPIN first when
// the PIN is chosen.
func Seal(key crypto.Signer, pin string, p KDFParams) (Sealed, error) {
	if pin == "" {
		return Sealed{}, errors.New("sign: empty signing PIN")
	}
	if err := p.validate(); err != nil {
		return Sealed{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Sealed{}, fmt.Errorf("sign: sealing key: %w", err)
	}
	defer clear(der)
	s := Sealed{Version: 1, KDF: p, Salt: make([]byte, saltLen), Nonce: make([]byte, 12)}
	if _, err := rand.Read(s.Salt); err != nil {
		return Sealed{}, err
	}
	if _, err := rand.Read(s.Nonce); err != nil {
		return Sealed{}, err
	}
	aead, err := gcmFor(pin, s.Salt, p)
	if err != nil {
		return Sealed{}, err
	}
	s.Ciphertext = aead.Seal(nil, s.Nonce, der, s.header())
	return s, nil
}

// Open decrypts a sealed key with pin. A wrong PIN returns ErrWrongPIN; it
// never panics, whatever s holds.
func Open(s Sealed, pin string) (crypto.Signer, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	aead, err := gcmFor(pin, s.Salt, s.KDF)
	if err != nil {
		return nil, err
	}
	der, err := aead.Open(nil, s.Nonce, s.Ciphertext, s.header())
	if err != nil {
		return nil, ErrWrongPIN
	}
	defer clear(der)
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("sign: sealed key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("sign: sealed key: %T is not a signing key", k)
	}
	return signer, nil
}

// Reseal opens s with oldPIN and seals the key again under newPIN (a PIN
// change), with the same KDF parameters, a new salt and a new nonce.
func Reseal(s Sealed, oldPIN, newPIN string) (Sealed, error) {
	key, err := Open(s, oldPIN)
	if err != nil {
		return Sealed{}, err
	}
	return Seal(key, newPIN, s.KDF)
}
