// Package auth holds the security primitives of sign-in: password hashing
// and policy, TOTP second factor, and random tokens. It does no I/O.
package auth
