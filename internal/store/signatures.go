package store

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"

	"sdgdt"
)

// The signing CA, signers' keys and signatures (0007_signatures.sql). Binary
// values (sealed keys, CMS) are stored as base64 text, the same on both engines.

// ActiveCA returns the active province CA.
func (t *Tx) ActiveCA() (sdgdt.SigningCA, error) {
	var c sdgdt.SigningCA
	err := t.queryRow(`SELECT id, cert_pem, sealed_pem, crl_pem, created_at FROM signing_cas WHERE active = $1 ORDER BY id DESC LIMIT 1`, true).
		Scan(&c.ID, &c.CertPEM, &c.SealedPEM, &c.CRLPEM, &c.CreatedAt)
	return c, notFound(err, "tổ chức cấp chứng thư số (CA) của hệ thống")
}

// CAs returns every CA certificate ever used, the active one first.
func (t *Tx) CAs() ([]sdgdt.SigningCA, error) {
	rows, err := t.query(`SELECT id, cert_pem, '', crl_pem, created_at FROM signing_cas ORDER BY active DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.SigningCA
	for rows.Next() {
		var c sdgdt.SigningCA
		if err := rows.Scan(&c.ID, &c.CertPEM, &c.SealedPEM, &c.CRLPEM, &c.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateCA stores a new CA as the active one; the former ones stay, inactive.
func (t *Tx) CreateCA(c *sdgdt.SigningCA) error {
	if _, err := t.exec(`UPDATE signing_cas SET active = $1 WHERE active = $2`, false, true); err != nil {
		return err
	}
	c.CreatedAt = t.Now
	var err error
	c.ID, err = t.insert(`INSERT INTO signing_cas (cert_pem, sealed_pem, crl_pem, active, created_at) VALUES ($1, $2, $3, $4, $5)`,
		c.CertPEM, c.SealedPEM, c.CRLPEM, true, c.CreatedAt)
	return err
}

// SetCRL stores a CA's latest revocation list.
func (t *Tx) SetCRL(caID int64, crlPEM string) error {
	_, err := t.exec(`UPDATE signing_cas SET crl_pem = $1 WHERE id = $2`, crlPEM, caID)
	return err
}

const keyColumns = `id, user_id, source, cert_pem, chain_pem, serial, subject, issuer, not_before, not_after, sealed_key, active, revoked_at, revoke_reason, created_at`

func scanKey(sc interface{ Scan(...any) error }) (sdgdt.SigningKey, error) {
	var k sdgdt.SigningKey
	var sealed string
	var revoked sql.NullTime
	err := sc.Scan(&k.ID, &k.UserID, &k.Source, &k.CertPEM, &k.ChainPEM, &k.Serial, &k.Subject, &k.Issuer, &k.NotBefore, &k.NotAfter,
		&sealed, &k.Active, &revoked, &k.RevokeReason, &k.CreatedAt)
	if err != nil {
		return k, err
	}
	if revoked.Valid {
		k.RevokedAt = revoked.Time.UTC()
	}
	if sealed != "" {
		k.SealedKey, err = base64.StdEncoding.DecodeString(sealed)
	}
	return k, err
}

// ActiveKey returns a user's active signing key.
func (t *Tx) ActiveKey(userID int64) (sdgdt.SigningKey, error) {
	k, err := scanKey(t.queryRow(`SELECT `+keyColumns+` FROM signing_keys WHERE user_id = $1 AND active = $2 ORDER BY id DESC LIMIT 1`, userID, true))
	return k, notFound(err, "chứng thư số của người ký")
}

// KeysOf returns every key a user ever had, newest first.
func (t *Tx) KeysOf(userID int64) ([]sdgdt.SigningKey, error) {
	return t.keys(`WHERE user_id = $1 ORDER BY id DESC`, userID)
}

// RevokedKeys returns the revoked keys (for the CRL).
func (t *Tx) RevokedKeys() ([]sdgdt.SigningKey, error) {
	return t.keys(`WHERE revoked_at IS NOT NULL ORDER BY id`)
}

// KeyBySerial returns the key with a certificate serial number (hex).
func (t *Tx) KeyBySerial(serial string) (sdgdt.SigningKey, error) {
	k, err := scanKey(t.queryRow(`SELECT `+keyColumns+` FROM signing_keys WHERE serial = $1 ORDER BY id DESC LIMIT 1`, serial))
	return k, notFound(err, "chứng thư số")
}

func (t *Tx) keys(where string, args ...any) ([]sdgdt.SigningKey, error) {
	rows, err := t.query(`SELECT `+keyColumns+` FROM signing_keys `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.SigningKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// CreateKey stores a user's new key as his active one; his former keys stay,
// inactive.
func (t *Tx) CreateKey(k *sdgdt.SigningKey) error {
	if _, err := t.exec(`UPDATE signing_keys SET active = $1 WHERE user_id = $2 AND active = $3`, false, k.UserID, true); err != nil {
		return err
	}
	k.CreatedAt, k.Active = t.Now, true
	var err error
	k.ID, err = t.insert(`INSERT INTO signing_keys (user_id, source, cert_pem, chain_pem, serial, subject, issuer, not_before, not_after, sealed_key, active, revoke_reason, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12)`,
		k.UserID, k.Source, k.CertPEM, k.ChainPEM, k.Serial, k.Subject, k.Issuer, k.NotBefore.UTC(), k.NotAfter.UTC(),
		base64.StdEncoding.EncodeToString(k.SealedKey), true, k.CreatedAt)
	return err
}

// UpdateSealedKey stores a key sealed again (a PIN change).
func (t *Tx) UpdateSealedKey(id int64, sealed []byte) error {
	_, err := t.exec(`UPDATE signing_keys SET sealed_key = $1 WHERE id = $2`, base64.StdEncoding.EncodeToString(sealed), id)
	return err
}

// RevokeKey marks a key revoked (and inactive) at now with an RFC 5280 reason.
func (t *Tx) RevokeKey(id int64, reason int) error {
	_, err := t.exec(`UPDATE signing_keys SET revoked_at = $1, revoke_reason = $2, active = $3 WHERE id = $4`, t.Now, reason, false, id)
	return err
}

const signatureColumns = `id, school_id, class_id, term, object_kind, object_key, signer_id, signer_name, role, COALESCE(key_id, 0), external, digest,
	canonical, cms, cert_subject, cert_issuer, cert_serial, signed_at, valid, invalid_reason, invalidated_at, changed_json`

func scanSignature(sc interface{ Scan(...any) error }) (sdgdt.Signature, error) {
	var s sdgdt.Signature
	var canonical, cms, changed string
	var inv sql.NullTime
	err := sc.Scan(&s.ID, &s.SchoolID, &s.ClassID, &s.Term, &s.ObjectKind, &s.ObjectKey, &s.SignerID, &s.SignerName, &s.Role, &s.KeyID, &s.External,
		&s.Digest, &canonical, &cms, &s.CertSubject, &s.CertIssuer, &s.CertSerial, &s.SignedAt, &s.Valid, &s.InvalidReason, &inv, &changed)
	if err != nil {
		return s, err
	}
	s.SignedAt = s.SignedAt.UTC()
	if inv.Valid {
		s.InvalidatedAt = inv.Time.UTC()
	}
	s.Canonical = []byte(canonical)
	if s.CMS, err = base64.StdEncoding.DecodeString(cms); err != nil {
		return s, err
	}
	if changed != "" {
		if err := json.Unmarshal([]byte(changed), &s.Changed); err != nil {
			return s, err
		}
	}
	return s, nil
}

func (t *Tx) signatures(where string, args ...any) ([]sdgdt.Signature, error) {
	rows, err := t.query(`SELECT `+signatureColumns+` FROM signatures `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Signature
	for rows.Next() {
		s, err := scanSignature(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateSignature stores a new, valid signature.
func (t *Tx) CreateSignature(s *sdgdt.Signature) error {
	s.Valid = true
	var err error
	s.ID, err = t.insert(`INSERT INTO signatures (school_id, class_id, term, object_kind, object_key, signer_id, signer_name, role, key_id, external, digest,
		canonical, cms, cert_subject, cert_issuer, cert_serial, signed_at, valid, invalid_reason, changed_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, '', '[]')`,
		s.SchoolID, s.ClassID, s.Term, s.ObjectKind, s.ObjectKey, s.SignerID, s.SignerName, s.Role, nullInt(s.KeyID), s.External, s.Digest,
		string(s.Canonical), base64.StdEncoding.EncodeToString(s.CMS), s.CertSubject, s.CertIssuer, s.CertSerial, s.SignedAt.UTC(), true)
	return err
}

// Signature returns one signature.
func (t *Tx) Signature(id int64) (sdgdt.Signature, error) {
	s, err := scanSignature(t.queryRow(`SELECT `+signatureColumns+` FROM signatures WHERE id = $1`, id))
	return s, notFound(err, "chữ ký số")
}

// SignaturesOf returns every signature of an object, newest first.
func (t *Tx) SignaturesOf(schoolID int64, kind, key string) ([]sdgdt.Signature, error) {
	return t.signatures(`WHERE school_id = $1 AND object_kind = $2 AND object_key = $3 ORDER BY id DESC`, schoolID, kind, key)
}

// ValidSignaturesOfClass returns the signatures of a class marked valid, for
// some terms, oldest first.
func (t *Tx) ValidSignaturesOfClass(schoolID, classID int64, terms []string) ([]sdgdt.Signature, error) {
	args := []any{schoolID, classID, true}
	ph := ""
	for i, term := range terms {
		if i > 0 {
			ph += ","
		}
		args = append(args, term)
		ph += "$" + itoa(len(args))
	}
	return t.signatures(`WHERE school_id = $1 AND class_id = $2 AND valid = $3 AND term IN (`+ph+`) ORDER BY id`, args...)
}

// SignaturesOfSchool returns every signature of a school (0: every school), in
// id order, for verification.
func (t *Tx) SignaturesOfSchool(schoolID int64) ([]sdgdt.Signature, error) {
	if schoolID == 0 {
		return t.signatures(`ORDER BY id`)
	}
	return t.signatures(`WHERE school_id = $1 ORDER BY id`, schoolID)
}

// InvalidateSignature marks a signature invalid with a reason and the cells
// that changed.
func (t *Tx) InvalidateSignature(id int64, reason string, changed []sdgdt.ChangedCell) error {
	if changed == nil {
		changed = []sdgdt.ChangedCell{}
	}
	b, err := json.Marshal(changed)
	if err != nil {
		return err
	}
	_, err = t.exec(`UPDATE signatures SET valid = $1, invalid_reason = $2, invalidated_at = $3, changed_json = $4 WHERE id = $5 AND valid = $6`,
		false, reason, t.Now, string(b), id, true)
	return err
}

// SheetsOfClass returns a class's sheets of some terms, by subject.
func (t *Tx) SheetsOfClass(classID int64, terms []string) ([]sdgdt.Sheet, error) {
	args := []any{classID}
	ph := ""
	for i, term := range terms {
		if i > 0 {
			ph += ","
		}
		args = append(args, term)
		ph += "$" + itoa(len(args))
	}
	rows, err := t.query(`SELECT `+sheetColumns+` FROM sheets WHERE class_id = $1 AND term IN (`+ph+`) ORDER BY term, subject`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Sheet
	for rows.Next() {
		s, err := scanSheet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SignaturesBy returns a signer's latest signatures, newest first.
func (t *Tx) SignaturesBy(userID int64, limit int) ([]sdgdt.Signature, error) {
	return t.signatures(`WHERE signer_id = $1 ORDER BY id DESC LIMIT `+itoa(limit), userID)
}
