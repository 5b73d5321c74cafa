-- Digital signatures (ký số) over the book's data (06-signatures.md).

-- The province's own CA: its certificate and its private key sealed under the
-- operator's passphrase (sign.CA.MarshalPEM), and the latest revocation list
-- it signed. One active row; older ones stay (their certificates may still
-- be trusted for signatures made before a new CA).
CREATE TABLE signing_cas (
    id ID_PK,
    cert_pem TEXT NOT NULL,
    sealed_pem TEXT NOT NULL,
    crl_pem TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

-- A signer's certificate, and (remote signing) the private key sealed under
-- the signer's PIN (argon2id → AES-GCM; the PIN is never stored). source:
-- 'ca' (issued by the province CA), 'pkcs12' (imported), 'external' (a USB
-- token or remote provider: no key here). A revoked or replaced key stays.
CREATE TABLE signing_keys (
    id ID_PK,
    user_id BIGINT NOT NULL REFERENCES users(id),
    source TEXT NOT NULL,
    cert_pem TEXT NOT NULL,
    chain_pem TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL,
    subject TEXT NOT NULL,
    issuer TEXT NOT NULL,
    not_before TIMESTAMPTZ NOT NULL,
    not_after TIMESTAMPTZ NOT NULL,
    sealed_key TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    revoked_at TIMESTAMPTZ,
    revoke_reason INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX signing_keys_user ON signing_keys(user_id, active);
CREATE INDEX signing_keys_serial ON signing_keys(serial);

-- Every signature ever made: the canonical bytes it covers (JSON text, RFC
-- 8785) with their SHA-256, the detached CMS (base64 DER), who and as what.
-- object_kind 'sheet' (object_key the sheet id), 'homeroom' or 'book'
-- (object_key "class_id/term"). A change of the signed data marks it
-- invalid with the reason and the changed cells; nothing is deleted.
CREATE TABLE signatures (
    id ID_PK,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL,
    term TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_key TEXT NOT NULL,
    signer_id BIGINT NOT NULL REFERENCES users(id),
    signer_name TEXT NOT NULL,
    role TEXT NOT NULL,
    key_id BIGINT,
    external BOOLEAN NOT NULL DEFAULT FALSE,
    digest TEXT NOT NULL,
    canonical TEXT NOT NULL,
    cms TEXT NOT NULL,
    cert_subject TEXT NOT NULL,
    cert_issuer TEXT NOT NULL,
    cert_serial TEXT NOT NULL,
    signed_at TIMESTAMPTZ NOT NULL,
    valid BOOLEAN NOT NULL,
    invalid_reason TEXT NOT NULL DEFAULT '',
    invalidated_at TIMESTAMPTZ,
    changed_json TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX signatures_object ON signatures(school_id, object_kind, object_key);
CREATE INDEX signatures_class ON signatures(school_id, class_id, term);
