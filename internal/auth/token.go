package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken returns a new random token (32 bytes from crypto/rand, unpadded
// URL-safe base64, 43 characters), for session ids and API tokens.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails; crashes the program on a broken RNG
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the lower-case hex SHA-256 of token. Store only this in
// the database; look tokens up by their hash.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
