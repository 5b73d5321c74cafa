package app

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"time"

	"sdgdt"
	"sdgdt/internal/auth"
	"sdgdt/internal/sign"
	"sdgdt/internal/store"
)

// Digital signatures (ký số) over the book's data: the province CA, signers'
// keys sealed under their PIN, signing sheets, homeroom data and class books,
// and voiding every signature whose data changed, in the writing transaction.
// The cryptography is package sign; the canonical documents sign_docs.go.

// maxUploadAge bounds how old the signing time of an uploaded external CMS may
// be, so that a signature cannot be backdated to before a revocation.
const maxUploadAge = 24 * time.Hour

func signErr(code, msg string) error { return &sdgdt.Error{Code: code, Message: msg} }

func pinError(msg string) error {
	return &sdgdt.Error{Code: sdgdt.EINVALID, Message: msg, Fields: map[string]string{"pin": msg}}
}

// trustSet is what verification trusts: the CA certificates kept in the
// database (the province CA, current and former) and the configured roots,
// with the CAs' revocation lists.
type trustSet struct {
	roots *x509.CertPool
	certs []*x509.Certificate
	crls  []*x509.RevocationList
}

func (t *trustSet) opts(now time.Time) sign.VerifyOptions {
	return sign.VerifyOptions{Roots: t.roots, CRLs: t.crls, Now: now}
}

func firstPEM(s, typ string) []byte {
	for rest := []byte(s); ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil
		}
		if b.Type == typ {
			return b.Bytes
		}
	}
}

func (a *App) trustIn(tx *store.Tx) (*trustSet, error) {
	t := &trustSet{roots: x509.NewCertPool()}
	cas, err := tx.CAs()
	if err != nil {
		return nil, err
	}
	for _, ca := range cas {
		c, err := x509.ParseCertificate(firstPEM(ca.CertPEM, "CERTIFICATE"))
		if err != nil {
			return nil, err
		}
		t.roots.AddCert(c)
		t.certs = append(t.certs, c)
		if der := firstPEM(ca.CRLPEM, "X509 CRL"); der != nil {
			if crl, err := x509.ParseRevocationList(der); err == nil {
				t.crls = append(t.crls, crl)
			}
		}
	}
	for _, c := range a.Cfg.TrustRoots {
		t.roots.AddCert(c)
		t.certs = append(t.certs, c)
	}
	return t, nil
}

// TrustPEM returns the trust roots in PEM: the province CA's certificates and
// the configured roots (public).
func (a *App) TrustPEM(ctx context.Context) ([]byte, error) {
	var out []byte
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		t, err := a.trustIn(tx)
		if err != nil {
			return err
		}
		for _, c := range t.certs {
			out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		err = signErr(sdgdt.ENOTFOUND, "Hệ thống chưa có tổ chức cấp chứng thư số: người quản trị cần chạy “sdgdt ca init”.")
	}
	return out, err
}

// CAInput describes a new province CA.
type CAInput struct {
	CommonName string
	Org        string
	Passphrase string
	Validity   time.Duration
	Replace    bool // replace an existing CA (the former stays trusted)
}

// InitCA creates the province CA and keeps it in the database, its key
// sealed under the passphrase. Only the operator (the command line) may.
func (a *App) InitCA(ctx context.Context, p *Principal, in CAInput) (*x509.Certificate, error) {
	if !p.system {
		return nil, forbidden()
	}
	if len(in.Passphrase) < 12 {
		return nil, signErr(sdgdt.EINVALID, "Cụm mật khẩu bảo vệ khóa CA phải có ít nhất 12 ký tự.")
	}
	if in.CommonName == "" {
		in.CommonName = "CA Sổ đánh giá điện tử"
	}
	if in.Validity <= 0 {
		in.Validity = 10 * 365 * 24 * time.Hour
	}
	var exists bool
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		_, err := tx.ActiveCA()
		exists = err == nil
		if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
			err = nil
		}
		return err
	}); err != nil {
		return nil, err
	}
	if exists && !in.Replace {
		return nil, signErr(sdgdt.ECONFLICT, "Hệ thống đã có CA; dùng --replace để tạo CA mới (CA cũ vẫn được tin cậy cho các chữ ký đã có).")
	}
	now := a.Now().UTC().Truncate(time.Second)
	ca, err := sign.NewCA(in.CommonName, in.Org, now.Add(-time.Hour), in.Validity)
	if err != nil {
		return nil, err
	}
	sealed, err := ca.MarshalPEM(in.Passphrase)
	if err != nil {
		return nil, err
	}
	row := sdgdt.SigningCA{CertPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})), SealedPEM: string(sealed)}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCA(&row); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActSigningCAInit, "signing_ca", idStr(row.ID), 0, "", nil, sign.CertInfo(ca.Cert))
	})
	return ca.Cert, err
}

// loadCA opens the active CA with the configured passphrase.
func (a *App) loadCA(ctx context.Context) (*sign.CA, sdgdt.SigningCA, error) {
	var row sdgdt.SigningCA
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		row, err = tx.ActiveCA()
		return err
	}); err != nil {
		if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
			return nil, row, signErr(sdgdt.ECONFLICT, "Hệ thống chưa có tổ chức cấp chứng thư số: người quản trị cần chạy “sdgdt ca init”.")
		}
		return nil, row, err
	}
	if a.Cfg.CAPassphrase == "" {
		return nil, row, signErr(sdgdt.ECONFLICT, "Máy chủ chưa được cấu hình cụm mật khẩu của CA (SDGDT_CA_PASSPHRASE) nên chưa cấp được chứng thư số; hãy liên hệ người quản trị.")
	}
	ca, err := sign.LoadCA([]byte(row.SealedPEM), a.Cfg.CAPassphrase)
	if err != nil {
		if errors.Is(err, sign.ErrWrongPIN) {
			return nil, row, signErr(sdgdt.ECONFLICT, "Cụm mật khẩu CA cấu hình trên máy chủ không mở được khóa CA.")
		}
		return nil, row, err
	}
	return ca, row, nil
}

// SigningAccount is a user's signing state, for the page "Chữ ký số".
type SigningAccount struct {
	User      sdgdt.User
	Active    *sdgdt.SigningKey
	Cert      *sign.CertSummary
	Keys      []sdgdt.SigningKey
	CAReady   bool // the server can issue certificates (enrolment)
	HasCA     bool
	Signed    []sdgdt.Signature // the user's latest signatures
	Throttled string
}

// MySigning returns the caller's signing state.
func (a *App) MySigning(ctx context.Context, p *Principal) (SigningAccount, error) {
	out := SigningAccount{User: p.User}
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		keys, err := tx.KeysOf(p.User.ID)
		if err != nil {
			return err
		}
		out.Keys = keys
		for i := range keys {
			if keys[i].Active {
				out.Active = &keys[i]
				if c, err := x509.ParseCertificate(firstPEM(keys[i].CertPEM, "CERTIFICATE")); err == nil {
					ci := sign.CertInfo(c)
					out.Cert = &ci
				}
				break
			}
		}
		_, err = tx.ActiveCA()
		out.HasCA = err == nil
		out.Signed, err = tx.SignaturesBy(p.User.ID, 20)
		return err
	})
	out.CAReady = out.HasCA && a.Cfg.CAPassphrase != ""
	return out, err
}

// Enrol gives the caller (or, for the operator, any account) a new key pair
// and a certificate of the province CA, the key sealed under pin. A former
// key stays, inactive: the signatures it made remain verifiable.
func (a *App) Enrol(ctx context.Context, p *Principal, userID int64, pin string) (sdgdt.SigningKey, error) {
	n, err := a.EnrolMany(ctx, p, []int64{userID}, pin)
	if err != nil || len(n) == 0 {
		return sdgdt.SigningKey{}, err
	}
	return n[0], nil
}

// EnrolMany enrols several accounts with the same PIN (the demo, a batch of
// the operator), opening the CA once.
func (a *App) EnrolMany(ctx context.Context, p *Principal, userIDs []int64, pin string) ([]sdgdt.SigningKey, error) {
	for _, id := range userIDs {
		if !p.system && id != p.User.ID {
			return nil, forbidden()
		}
	}
	if err := sign.CheckPIN(pin); err != nil {
		return nil, pinError(sign.Reason(err))
	}
	ca, _, err := a.loadCA(ctx)
	if err != nil {
		return nil, err
	}
	type who struct {
		u      sdgdt.User
		school string
	}
	var people []who
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		for _, id := range userIDs {
			u, err := tx.User(id)
			if err != nil {
				return err
			}
			w := who{u: u}
			if u.HomeKind == sdgdt.ScopeSchool {
				if s, err := tx.School(u.HomeID); err == nil {
					w.school = s.Name
				}
			} else if un, err := tx.Unit(u.HomeID); err == nil {
				w.school = un.Name
			}
			people = append(people, w)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	now := a.Now().UTC().Truncate(time.Second)
	validity := a.Cfg.CertValidity
	if validity <= 0 {
		validity = 3 * 365 * 24 * time.Hour
	}
	// Each key is sealed with argon2id (tens of milliseconds): a batch uses
	// every core.
	keys := make([]sdgdt.SigningKey, len(people))
	errs := make([]error, len(people))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, w := range people {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			key, err := sign.GenerateKey()
			if err != nil {
				errs[i] = err
				return
			}
			nb, na := now.Add(-5*time.Minute), now.Add(validity)
			if nb.Before(ca.Cert.NotBefore) {
				nb = ca.Cert.NotBefore
			}
			if na.After(ca.Cert.NotAfter) {
				na = ca.Cert.NotAfter
			}
			cert, err := ca.Issue(sign.IssueRequest{FullName: w.u.FullName, Username: w.u.Username, School: w.school, Email: w.u.Email,
				PublicKey: key.Public(), NotBefore: nb, NotAfter: na})
			if err != nil {
				errs[i] = err
				return
			}
			sealed, err := sign.Seal(key, pin, a.Cfg.SignKDF)
			if err != nil {
				errs[i] = err
				return
			}
			keys[i] = keyRow(w.u.ID, sdgdt.KeyFromCA, cert, nil, sealed.Marshal())
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		for i := range keys {
			if err := tx.CreateKey(&keys[i]); err != nil {
				return err
			}
			schoolID, path, err := homeOf(tx, people[i].u)
			if err != nil {
				return err
			}
			if err := record(tx, p, sdgdt.ActSigningEnrol, "user", idStr(keys[i].UserID), schoolID, path, nil,
				map[string]any{"certificate": certJSON(keys[i]), "source": keys[i].Source}); err != nil {
				return err
			}
		}
		return nil
	})
	return keys, err
}

func keyRow(userID int64, source string, cert *x509.Certificate, chain []*x509.Certificate, sealed []byte) sdgdt.SigningKey {
	ci := sign.CertInfo(cert)
	var chainPEM []byte
	for _, c := range chain {
		chainPEM = append(chainPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return sdgdt.SigningKey{UserID: userID, Source: source, CertPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})),
		ChainPEM: string(chainPEM), Serial: ci.Serial, Subject: ci.Subject, Issuer: ci.Issuer, NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, SealedKey: sealed}
}

func certJSON(k sdgdt.SigningKey) map[string]string {
	return map[string]string{"subject": k.Subject, "issuer": k.Issuer, "serial": k.Serial,
		"not_before": k.NotBefore.UTC().Format(time.RFC3339), "not_after": k.NotAfter.UTC().Format(time.RFC3339)}
}

// signThrottleKey counts wrong PINs (and refused uploads) of an account.
func signThrottleKey(userID int64) string { return "sign:user:" + idStr(userID) }

// checkSignThrottle refuses while the account's wrong PINs lock it.
func (a *App) checkSignThrottle(tx *store.Tx, userID int64) error {
	now := a.DB.Now()
	th := a.Cfg.Throttle
	fails, err := tx.FailuresSince(signThrottleKey(userID), now.Add(-th.Window-th.Lockout))
	if err != nil {
		return err
	}
	if until, locked := th.LockedUntil(fails, now); locked {
		return signErr(sdgdt.ETHROTTLED, "Nhập sai mã PIN ký quá nhiều lần. "+auth.LockoutMessage(until, now))
	}
	return nil
}

func (a *App) recordSignAttempt(ctx context.Context, userID int64, ok bool) error {
	return a.DB.Update(ctx, func(tx *store.Tx) error { return tx.RecordAttempt(signThrottleKey(userID), ok) })
}

// ChangePIN seals the caller's key again under a new PIN. A wrong old PIN is
// throttled like a password.
func (a *App) ChangePIN(ctx context.Context, p *Principal, oldPIN, newPIN string) error {
	if err := sign.CheckPIN(newPIN); err != nil {
		return &sdgdt.Error{Code: sdgdt.EINVALID, Message: sign.Reason(err), Fields: map[string]string{"new_pin": sign.Reason(err)}}
	}
	var k sdgdt.SigningKey
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		if err := a.checkSignThrottle(tx, p.User.ID); err != nil {
			return err
		}
		var err error
		k, err = tx.ActiveKey(p.User.ID)
		return err
	}); err != nil {
		return err
	}
	if len(k.SealedKey) == 0 {
		return signErr(sdgdt.EINVALID, "Khóa ký của bạn nằm trên thiết bị ký riêng: đổi mã PIN bằng công cụ của thiết bị.")
	}
	s, err := sign.ParseSealed(k.SealedKey)
	if err != nil {
		return err
	}
	ns, err := sign.Reseal(s, oldPIN, newPIN)
	if errors.Is(err, sign.ErrWrongPIN) {
		if err := a.recordSignAttempt(ctx, p.User.ID, false); err != nil {
			return err
		}
		return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Mã PIN ký hiện tại không đúng.", Fields: map[string]string{"pin": "Mã PIN ký hiện tại không đúng."}}
	}
	if err != nil {
		return err
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		if err := tx.RecordAttempt(signThrottleKey(p.User.ID), true); err != nil {
			return err
		}
		if err := tx.UpdateSealedKey(k.ID, ns.Marshal()); err != nil {
			return err
		}
		schoolID, path, err := homeOf(tx, p.User)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActSigningChangePIN, "user", idStr(p.User.ID), schoolID, path, nil, map[string]string{"serial": k.Serial})
	})
}

// ImportPKCS12 makes a key and certificate issued by a licensed CA (a .p12
// file and its password) the caller's signing key, sealed under pin. The
// certificate must chain to a trust root.
func (a *App) ImportPKCS12(ctx context.Context, p *Principal, data []byte, password, pin string) (sdgdt.SigningKey, error) {
	if err := sign.CheckPIN(pin); err != nil {
		return sdgdt.SigningKey{}, pinError(sign.Reason(err))
	}
	key, cert, chain, err := sign.ParsePKCS12(data, password)
	if errors.Is(err, sign.ErrWrongPIN) {
		return sdgdt.SigningKey{}, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Mật khẩu tệp PKCS#12 không đúng.", Fields: map[string]string{"password": "Mật khẩu tệp PKCS#12 không đúng."}}
	}
	if err != nil {
		return sdgdt.SigningKey{}, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Tệp không phải PKCS#12 (.p12, .pfx) hợp lệ.", Fields: map[string]string{"file": "Tệp không phải PKCS#12 hợp lệ."}}
	}
	var t *trustSet
	if err := a.DB.View(ctx, func(tx *store.Tx) error { var err error; t, err = a.trustIn(tx); return err }); err != nil {
		return sdgdt.SigningKey{}, err
	}
	inter := x509.NewCertPool()
	for _, c := range chain {
		inter.AddCert(c)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: t.roots, Intermediates: inter, CurrentTime: a.Now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return sdgdt.SigningKey{}, signErr(sdgdt.EINVALID, "Chứng thư số không do một tổ chức tin cậy cấp, hoặc đã hết hạn.")
	}
	sealed, err := sign.Seal(key, pin, a.Cfg.SignKDF)
	if err != nil {
		return sdgdt.SigningKey{}, err
	}
	k := keyRow(p.User.ID, sdgdt.KeyFromPKCS12, cert, chain, sealed.Marshal())
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateKey(&k); err != nil {
			return err
		}
		schoolID, path, err := homeOf(tx, p.User)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActSigningImport, "user", idStr(p.User.ID), schoolID, path, nil, map[string]any{"certificate": certJSON(k)})
	})
	return k, err
}

// RevokeCertificate revokes a certificate of the province CA (by serial, hex)
// and publishes a new revocation list. Only the operator.
func (a *App) RevokeCertificate(ctx context.Context, p *Principal, serial string, reason int) error {
	if !p.system {
		return forbidden()
	}
	serial = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(serial), "0x"))
	ca, row, err := a.loadCA(ctx)
	if err != nil {
		return err
	}
	return a.DB.Update(ctx, func(tx *store.Tx) error {
		k, err := tx.KeyBySerial(serial)
		if err != nil {
			return err
		}
		if !k.RevokedAt.IsZero() {
			return signErr(sdgdt.ECONFLICT, "Chứng thư số này đã bị thu hồi.")
		}
		if err := tx.RevokeKey(k.ID, reason); err != nil {
			return err
		}
		revoked, err := tx.RevokedKeys()
		if err != nil {
			return err
		}
		var list []sign.Revoked
		for _, r := range revoked {
			if r.Source != sdgdt.KeyFromCA {
				continue
			}
			n, ok := new(big.Int).SetString(r.Serial, 16)
			if !ok {
				continue
			}
			list = append(list, sign.Revoked{Serial: n, At: r.RevokedAt, Reason: r.RevokeReason})
		}
		now := tx.Now.UTC()
		der, err := ca.CRL(list, now, now.Add(30*24*time.Hour))
		if err != nil {
			return err
		}
		if err := tx.SetCRL(row.ID, string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}))); err != nil {
			return err
		}
		u, err := tx.User(k.UserID)
		if err != nil {
			return err
		}
		schoolID, path, err := homeOf(tx, u)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActSigningRevoke, "user", idStr(k.UserID), schoolID, path, nil, map[string]any{"certificate": certJSON(k), "reason": reason})
	})
}

// RegisterCertificate registers a certificate whose key lives outside the
// server (a USB token, a remote signing provider) as the caller's: his
// signatures are then uploaded as CMS. It must chain to a trust root and be
// valid now.
func (a *App) RegisterCertificate(ctx context.Context, p *Principal, certPEM []byte) (sdgdt.SigningKey, error) {
	bad := func(msg string) error {
		return &sdgdt.Error{Code: sdgdt.EINVALID, Message: msg, Fields: map[string]string{"certificate": msg}}
	}
	_, certs, err := sign.ParseTrustRoots(certPEM)
	if err != nil {
		return sdgdt.SigningKey{}, bad("Không đọc được chứng thư số (cần tệp PEM: -----BEGIN CERTIFICATE-----).")
	}
	cert, chain := certs[0], certs[1:]
	if cert.IsCA {
		return sdgdt.SigningKey{}, bad("Đây là chứng thư của một tổ chức cấp (CA), không phải của người ký.")
	}
	var t *trustSet
	if err := a.DB.View(ctx, func(tx *store.Tx) error { var err error; t, err = a.trustIn(tx); return err }); err != nil {
		return sdgdt.SigningKey{}, err
	}
	inter := x509.NewCertPool()
	for _, c := range chain {
		inter.AddCert(c)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: t.roots, Intermediates: inter, CurrentTime: a.Now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return sdgdt.SigningKey{}, bad("Chứng thư số không do một tổ chức tin cậy cấp, hoặc đã hết hạn.")
	}
	k := keyRow(p.User.ID, sdgdt.KeyFromExternal, cert, chain, nil)
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateKey(&k); err != nil {
			return err
		}
		schoolID, path, err := homeOf(tx, p.User)
		if err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActSigningImport, "user", idStr(p.User.ID), schoolID, path, nil, map[string]any{"certificate": certJSON(k), "source": k.Source})
	})
	return k, err
}
