package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/sign"
	"sdgdt/internal/store"
)

// The commands of digital signatures: the province CA (init, issue, revoke)
// and the verification of every stored signature.

const caUsage = `usage:
  sdgdt ca init   [--db DSN] [--name CN] [--org ORG] [--replace]      (passphrase: SDGDT_CA_PASSPHRASE)
  sdgdt ca issue  [--db DSN] --user USERNAME --pin PIN                 (a certificate and a key sealed under PIN)
  sdgdt ca revoke [--db DSN] --serial HEX [--reason N]                (RFC 5280 reason; 1 = key compromise)
  sdgdt sign verify [--db DSN] [--school ID] [--trust-roots FILE]`

// loadTrustRoots reads a --trust-roots PEM file ("" for none).
func loadTrustRoots(path string) ([]*x509.Certificate, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	_, certs, err := sign.ParseTrustRoots(b)
	if err != nil {
		return nil, fmt.Errorf("--trust-roots %s: %w", path, err)
	}
	return certs, nil
}

func cmdCA(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, caUsage)
		return exitError(2)
	}
	c := newConfig("ca "+args[0], getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	pass := c.str("ca-passphrase", "", "passphrase sealing the CA's private key")
	var name, org, user, pin, serial *string
	var replace *bool
	var reason *int
	switch args[0] {
	case "init":
		name = c.str("name", "CA Sổ đánh giá điện tử", "the CA's common name")
		org = c.str("org", "", "the CA's organisation (e.g. the province department)")
		replace = c.fs.Bool("replace", false, "replace the existing CA (the former stays trusted)")
	case "issue":
		user = c.fs.String("user", "", "username of the signer")
		pin = c.fs.String("pin", "", "the signer's signing PIN (the key is sealed under it)")
	case "revoke":
		serial = c.fs.String("serial", "", "serial number (hex) of the certificate")
		reason = c.fs.Int("reason", sign.ReasonUnspecified, "RFC 5280 reason code")
	default:
		fmt.Fprintln(stderr, caUsage)
		return exitError(2)
	}
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	if *pass == "" {
		fmt.Fprintln(stderr, "sdgdt ca: set the CA passphrase in SDGDT_CA_PASSPHRASE (or --ca-passphrase)")
		return exitError(2)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg := app.DefaultConfig()
	cfg.CAPassphrase = *pass
	a := app.New(db, cfg, nil)
	sys := app.System("cli")
	switch args[0] {
	case "init":
		cert, err := a.InitCA(ctx, sys, app.CAInput{CommonName: *name, Org: *org, Passphrase: *pass, Replace: *replace})
		if err != nil {
			return err
		}
		ci := sign.CertInfo(cert)
		fmt.Fprintf(stdout, "CA created: %s\nserial %s, valid %s to %s\nSHA-256 %s\n", ci.Subject, ci.Serial,
			ci.NotBefore.Format(time.DateOnly), ci.NotAfter.Format(time.DateOnly), ci.FingerprintSHA256)
	case "issue":
		if *user == "" || *pin == "" {
			fmt.Fprintln(stderr, "usage: sdgdt ca issue --user USERNAME --pin PIN")
			return exitError(2)
		}
		var u sdgdt.User
		if err := db.View(ctx, func(tx *store.Tx) error { var err error; u, err = tx.UserByUsername(*user); return err }); err != nil {
			return err
		}
		k, err := a.Enrol(ctx, sys, u.ID, *pin)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "certificate issued to %s: %s\nserial %s, valid %s to %s\n", u.Username, k.Subject, k.Serial,
			k.NotBefore.Format(time.DateOnly), k.NotAfter.Format(time.DateOnly))
	case "revoke":
		if *serial == "" {
			fmt.Fprintln(stderr, "usage: sdgdt ca revoke --serial HEX [--reason N]")
			return exitError(2)
		}
		if err := a.RevokeCertificate(ctx, sys, *serial, *reason); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "certificate %s revoked; a new revocation list is published\n", *serial)
	}
	return nil
}

func cmdSign(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: sdgdt sign verify [--db DSN] [--school ID] [--trust-roots FILE]")
		return exitError(2)
	}
	c := newConfig("sign verify", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	school := c.str("school", "", "only this school's signatures (id)")
	roots := c.str("trust-roots", "", "PEM file of trusted roots besides the province CA")
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	var schoolID int64
	if *school != "" {
		n, err := strconv.ParseInt(*school, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("--school %q: not a school id", *school)
		}
		schoolID = n
	}
	trust, err := loadTrustRoots(*roots)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg := app.DefaultConfig()
	cfg.TrustRoots = trust
	a := app.New(db, cfg, nil)
	start := time.Now()
	n, problems, err := a.VerifySignatures(ctx, app.System("cli"), schoolID)
	if err != nil {
		return err
	}
	broken := 0
	for _, p := range problems {
		if p.Broken {
			broken++
		}
		fmt.Fprintln(stdout, p.String())
	}
	fmt.Fprintf(stdout, "%d signatures checked in %s: %d valid, %d invalid, %d marked valid that do not verify\n",
		n, time.Since(start).Round(time.Millisecond), n-len(problems), len(problems)-broken, broken)
	if broken > 0 {
		return exitError(1)
	}
	return nil
}
