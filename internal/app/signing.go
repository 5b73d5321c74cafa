package app

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/auth"
	"sdgdt/internal/sign"
	"sdgdt/internal/store"
)

// SignInput is how a signature is made: with the server-held key and the
// signer's PIN, or by uploading a detached CMS made by the signer's own tool
// over the canonical document (CMS, DER). A leader signing a class book also
// gives his TOTP code.
type SignInput struct {
	PIN string
	OTP string
	CMS []byte

	// A batch opens the key and checks the second factor once (SignBatch).
	opened   crypto.Signer
	openedID int64
	otpDone  bool
}

// signRights checks that p may sign o and returns the role he signs as.
func signRights(p *Principal, o SignObject, d *signDoc) (string, error) {
	switch o.Kind {
	case sdgdt.SignSheet:
		v := &d.sheet.view
		if !Can(p, ActWriteSheet, d.sheet.target) || v.AssignmentID == 0 && v.Sheet.Kind != sdgdt.SheetPrimaryPCNL || !v.CanWrite {
			return "", &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên được phân công môn " + v.SubjectName + " lớp " + v.Class.Name + " mới ký được bảng điểm này."}
		}
		if v.Sheet.Kind == sdgdt.SheetPrimaryPCNL {
			return sdgdt.RoleHomeroom, nil
		}
		return sdgdt.RoleSubjectTeacher, nil
	case sdgdt.SignHomeroom:
		if d.class.HomeroomID != p.User.ID || !Can(p, ActWriteConduct, ClassTarget(d.school, d.class.ID)) {
			return "", &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ giáo viên chủ nhiệm lớp " + d.class.Name + " mới ký xác nhận dữ liệu chủ nhiệm của lớp."}
		}
		return sdgdt.RoleHomeroom, nil
	case sdgdt.SignBook:
		if !Can(p, ActApprove, SchoolTarget(d.school)) {
			return "", &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ lãnh đạo nhà trường (hiệu trưởng, phó hiệu trưởng được ủy quyền) mới ký xác nhận sổ của lớp."}
		}
		return sdgdt.RoleLeader, nil
	}
	return "", forbidden()
}

// readRights checks that p may see o's document and signatures.
func (a *App) readSignObject(tx *store.Tx, p *Principal, o SignObject) (*signDoc, error) {
	if o.Kind == sdgdt.SignSheet {
		if _, err := a.loadSheet(tx, p, o.SheetID); err != nil {
			return nil, err
		}
	} else {
		c, err := tx.Class(o.ClassID)
		if err != nil {
			return nil, err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return nil, err
		}
		if !Can(p, ActReadSheet, ClassTarget(s, c.ID)) {
			return nil, forbidden()
		}
	}
	return a.canonicalDoc(tx, o)
}

func missingError(d *signDoc) error {
	fields := map[string]string{}
	for i, m := range d.missing {
		fields["missing["+idStr(int64(i))+"]"] = m
	}
	n := len(d.missing)
	list := strings.Join(d.missing, "; ")
	if n > 8 {
		list = strings.Join(d.missing[:8], "; ") + "; …"
	}
	return &sdgdt.Error{Code: sdgdt.ECONFLICT, Fields: fields,
		Message: "Chưa ký xác nhận được sổ của lớp " + d.class.Name + ": còn " + idStr(int64(n)) + " phần chưa có chữ ký số hợp lệ (" + list + ")."}
}

// Canonical returns the current canonical document of an object: the exact
// bytes a signature covers, and their hex SHA-256.
func (a *App) Canonical(ctx context.Context, p *Principal, o SignObject) ([]byte, string, error) {
	var d *signDoc
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		d, err = a.readSignObject(tx, p, o)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return d.bytes, d.digest, nil
}

// SignatureState is a signature as the pages and the API show it: stored,
// with its validity checked against the current data too (a signature still
// marked valid over data that changed behind the application shows invalid).
type SignatureState struct {
	sdgdt.Signature
	Current bool // valid and over the current data
}

// ObjectSignatures is an object's signatures and what is missing.
type ObjectSignatures struct {
	Object     SignObject
	Digest     string
	Signatures []SignatureState // newest first
	Missing    []string         // class books: the parts without a valid signature
	CanSign    bool
	Role       string
	ClassName  string
}

// Signatures returns every signature ever made on an object, newest first.
func (a *App) Signatures(ctx context.Context, p *Principal, o SignObject) (ObjectSignatures, error) {
	out := ObjectSignatures{Object: o}
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		d, err := a.readSignObject(tx, p, o)
		if err != nil {
			return err
		}
		out.Digest, out.Missing, out.ClassName = d.digest, d.missing, d.class.Name
		if role, err := signRights(p, o, d); err == nil {
			out.CanSign, out.Role = true, role
		}
		sigs, err := tx.SignaturesOf(d.school.ID, o.Kind, o.key())
		if err != nil {
			return err
		}
		for _, sg := range sigs {
			st := SignatureState{Signature: sg, Current: sg.Valid && sameDoc(sg, d)}
			if sg.Valid && !st.Current {
				st.Valid = false
				st.InvalidReason = "Dữ liệu hiện tại khác dữ liệu đã ký."
				st.Changed = diffDocs(sg.Canonical, d.bytes)
			}
			out.Signatures = append(out.Signatures, st)
		}
		return nil
	})
	return out, err
}

// SignatureCMS returns a signature's CMS (DER) for whoever may read its object.
func (a *App) SignatureCMS(ctx context.Context, p *Principal, id int64) (sdgdt.Signature, error) {
	var sg sdgdt.Signature
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if sg, err = tx.Signature(id); err != nil {
			return err
		}
		_, err = a.readSignObject(tx, p, objectOf(sg))
		return err
	})
	return sg, err
}

// Sign makes and stores a signature of p over the current canonical document
// of o: remote (the key sealed under in.PIN) or external (in.CMS checked over
// the current bytes against the trust roots). A wrong PIN or a CMS that does
// not verify is refused (422) and throttled like passwords; someone else than
// the signer the object needs gets 403; a class book with parts not signed
// yet gets 409. The data are read again in the writing transaction: a change
// made while the key was being opened is a 409 too, never a signature over
// data that are no longer current.
func (a *App) Sign(ctx context.Context, p *Principal, o SignObject, in SignInput) (sdgdt.Signature, error) {
	var sg sdgdt.Signature
	hasPIN := in.PIN != "" || in.opened != nil
	if hasPIN == (len(in.CMS) != 0) {
		msg := "Vui lòng nhập mã PIN ký."
		if in.PIN != "" {
			msg = "Gửi mã PIN hoặc tệp chữ ký CMS, không gửi cả hai."
		}
		return sg, &sdgdt.Error{Code: sdgdt.EINVALID, Message: msg, Fields: map[string]string{"pin": msg}}
	}
	if len(in.CMS) > sign.MaxSignatureSize {
		return sg, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Tệp chữ ký quá lớn.", Fields: map[string]string{"cms": "Tệp chữ ký quá lớn."}}
	}
	var (
		d     *signDoc
		role  string
		key   sdgdt.SigningKey
		keys  []sdgdt.SigningKey
		user  sdgdt.User
		trust *trustSet
		step  int64
	)
	now := a.Now()
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = a.readSignObject(tx, p, o); err != nil {
			return err
		}
		if role, err = signRights(p, o, d); err != nil {
			return err
		}
		if o.Kind == sdgdt.SignBook && len(d.missing) > 0 {
			return missingError(d)
		}
		if err := a.checkSignThrottle(tx, p.User.ID); err != nil {
			return err
		}
		if user, err = tx.User(p.User.ID); err != nil {
			return err
		}
		if trust, err = a.trustIn(tx); err != nil {
			return err
		}
		if keys, err = tx.KeysOf(p.User.ID); err != nil {
			return err
		}
		if hasPIN {
			key, err = tx.ActiveKey(p.User.ID)
			if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
				return signErr(sdgdt.EINVALID, "Bạn chưa đăng ký chữ ký số: vào trang “Chữ ký số” trong tài khoản để đăng ký và đặt mã PIN ký.")
			}
		}
		return err
	})
	if err != nil {
		return sg, err
	}
	if role == sdgdt.RoleLeader && !in.otpDone {
		if !user.TOTPEnabled {
			return sg, signErr(sdgdt.EFORBIDDEN, "Lãnh đạo cần bật xác thực hai lớp (TOTP) trước khi ký xác nhận sổ.")
		}
		if strings.TrimSpace(in.OTP) == "" {
			return sg, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Ký xác nhận sổ cần mã xác thực hai lớp.", Fields: map[string]string{"otp": "Vui lòng nhập mã xác thực 6 chữ số."}}
		}
		var ok bool
		if step, ok = auth.VerifyTOTP(user.TOTPSecret, in.OTP, now, user.TOTPLastStep); !ok {
			if err := a.recordSignAttempt(ctx, p.User.ID, false); err != nil {
				return sg, err
			}
			return sg, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Mã xác thực không đúng hoặc đã dùng.", Fields: map[string]string{"otp": "Mã xác thực không đúng hoặc đã dùng."}}
		}
	}
	sg = sdgdt.Signature{SchoolID: d.school.ID, ClassID: d.class.ID, Term: d.term, ObjectKind: o.Kind, ObjectKey: o.key(),
		SignerID: p.User.ID, SignerName: p.User.FullName, Role: role, Digest: d.digest, Canonical: d.bytes}
	if hasPIN {
		if len(key.SealedKey) == 0 {
			return sdgdt.Signature{}, signErr(sdgdt.EINVALID, "Khóa ký của bạn nằm trên thiết bị ký riêng: hãy ký bằng công cụ của thiết bị và tải lên tệp chữ ký (CMS).")
		}
		cert, chain, err := parseKeyCerts(key)
		if err != nil {
			return sdgdt.Signature{}, err
		}
		if !key.RevokedAt.IsZero() {
			return sdgdt.Signature{}, signErr(sdgdt.EINVALID, "Chứng thư số đã bị thu hồi.")
		}
		if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
			return sdgdt.Signature{}, signErr(sdgdt.EINVALID, "Chứng thư số đã hết hạn hoặc chưa có hiệu lực: hãy đăng ký lại chữ ký số.")
		}
		priv := in.opened
		if priv == nil {
			if priv, err = a.openKey(ctx, p, key, in.PIN); err != nil {
				return sdgdt.Signature{}, err
			}
		} else if in.openedID != key.ID {
			return sdgdt.Signature{}, signErr(sdgdt.ECONFLICT, "Chứng thư số của bạn vừa thay đổi; hãy ký lại.")
		}
		if sg.CMS, err = signWith(d.bytes, priv, cert, chain, now); err != nil {
			return sdgdt.Signature{}, err
		}
		sg.KeyID = key.ID
		ci := sign.CertInfo(cert)
		sg.CertSubject, sg.CertIssuer, sg.CertSerial = ci.Subject, ci.Issuer, ci.Serial
		sg.SignedAt = now.UTC().Truncate(time.Second)
	} else {
		opts := trust.opts(now)
		opts.MaxAge = maxUploadAge
		v, err := sign.Verify(in.CMS, d.bytes, opts)
		if err != nil {
			if err := a.recordSignAttempt(ctx, p.User.ID, false); err != nil {
				return sdgdt.Signature{}, err
			}
			msg := sign.Reason(err)
			return sdgdt.Signature{}, &sdgdt.Error{Code: sdgdt.EINVALID, Message: msg, Fields: map[string]string{"cms": msg}}
		}
		ci := sign.CertInfo(v.Cert)
		owned := v.Cert.Subject.SerialNumber == p.User.Username
		for _, k := range keys {
			if k.Serial == ci.Serial && k.Issuer == ci.Issuer && k.RevokedAt.IsZero() {
				owned, sg.KeyID = true, k.ID
			}
		}
		if !owned {
			msg := "Chứng thư số trong chữ ký không phải của bạn (chưa được đăng ký cho tài khoản này)."
			return sdgdt.Signature{}, &sdgdt.Error{Code: sdgdt.EINVALID, Message: msg, Fields: map[string]string{"cms": msg}}
		}
		sg.CMS, sg.External = in.CMS, true
		sg.CertSubject, sg.CertIssuer, sg.CertSerial = ci.Subject, ci.Issuer, ci.Serial
		sg.SignedAt = v.SigningTime
	}
	err = a.DB.Update(ctx, func(tx *store.Tx) error {
		if o.Kind == sdgdt.SignSheet {
			if err := tx.LockSheet(o.SheetID); err != nil {
				return err
			}
		}
		d2, err := a.canonicalDoc(tx, o)
		if err != nil {
			return err
		}
		if d2.digest != d.digest {
			return signErr(sdgdt.ECONFLICT, "Dữ liệu vừa thay đổi trong lúc ký: chữ ký chưa được lưu. Hãy xem lại dữ liệu và ký lại.")
		}
		if o.Kind == sdgdt.SignBook && len(d2.missing) > 0 {
			return missingError(d2)
		}
		if step != 0 {
			u, err := tx.User(p.User.ID)
			if err != nil {
				return err
			}
			if u.TOTPLastStep >= step {
				return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Mã xác thực đã được dùng; hãy chờ mã mới.", Fields: map[string]string{"otp": "Mã xác thực đã được dùng."}}
			}
			u.TOTPLastStep = step
			if err := tx.UpdateUser(&u); err != nil {
				return err
			}
		}
		if err := tx.RecordAttempt(signThrottleKey(p.User.ID), true); err != nil {
			return err
		}
		if err := tx.CreateSignature(&sg); err != nil {
			return err
		}
		return record(tx, p, sdgdt.ActSignatureCreate, "signature", idStr(sg.ID), d.school.ID, d.school.UnitPath, nil, map[string]any{
			"object": o.Kind, "object_key": sg.ObjectKey, "class": d.class.Name, "term": d.term, "role": role, "digest": sg.Digest,
			"external": sg.External, "signed_at": sg.SignedAt.Format(time.RFC3339),
			"certificate": map[string]string{"subject": sg.CertSubject, "issuer": sg.CertIssuer, "serial": sg.CertSerial}})
	})
	if err != nil {
		return sdgdt.Signature{}, err
	}
	return sg, nil
}

// openKey opens a signer's sealed key with his PIN; a wrong PIN is recorded
// for the throttle and answered 422.
func (a *App) openKey(ctx context.Context, p *Principal, key sdgdt.SigningKey, pin string) (crypto.Signer, error) {
	sealed, err := sign.ParseSealed(key.SealedKey)
	if err != nil {
		return nil, err
	}
	priv, err := sign.Open(sealed, pin)
	if errors.Is(err, sign.ErrWrongPIN) {
		if err := a.recordSignAttempt(ctx, p.User.ID, false); err != nil {
			return nil, err
		}
		return nil, pinError("Mã PIN ký không đúng.")
	}
	return priv, err
}

// signWith is the remote signature itself (also used by the benchmark).
func signWith(doc []byte, key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, at time.Time) ([]byte, error) {
	return sign.SignDetached(doc, key, cert, chain, at.UTC().Truncate(time.Second))
}

func parseKeyCerts(k sdgdt.SigningKey) (*x509.Certificate, []*x509.Certificate, error) {
	cert, err := x509.ParseCertificate(firstPEM(k.CertPEM, "CERTIFICATE"))
	if err != nil {
		return nil, nil, err
	}
	var chain []*x509.Certificate
	if k.ChainPEM != "" {
		if _, cs, err := sign.ParseTrustRoots([]byte(k.ChainPEM)); err == nil {
			chain = cs
		}
	}
	return cert, chain, nil
}

// Reasons a signature loses its validity.
const (
	VoidEdit       = "Dữ liệu đã được sửa sau khi ký."
	VoidCorrection = "Dữ liệu đã được điều chỉnh (đề nghị điều chỉnh được duyệt) sau khi ký."
	VoidRoster     = "Danh sách lớp đã thay đổi sau khi ký."
	voidBelow      = "Chữ ký của giáo viên bên dưới đã mất hiệu lực hoặc đã được ký lại."
)

// voidChanged marks invalid, in tx, every valid signature of a class over
// the given terms whose document the transaction's writes changed — and
// then the class books above them — with why and the changed cells. It is
// called by every write of signed data, after the write; without valid
// signatures it costs one indexed query.
func (a *App) voidChanged(tx *store.Tx, p *Principal, schoolID, classID int64, terms []string, why string) error {
	sigs, err := tx.ValidSignaturesOfClass(schoolID, classID, terms)
	if err != nil || len(sigs) == 0 {
		return err
	}
	docs := map[string]*signDoc{}
	current := func(o SignObject) (*signDoc, error) {
		k := o.Kind + ":" + o.key()
		if d, ok := docs[k]; ok {
			return d, nil
		}
		d, err := a.canonicalDoc(tx, o)
		if err != nil {
			return nil, err
		}
		docs[k] = d
		return d, nil
	}
	var school sdgdt.School
	void := func(sg sdgdt.Signature, d *signDoc, reason string) error {
		changed := diffDocs(sg.Canonical, d.bytes)
		if err := tx.InvalidateSignature(sg.ID, reason, changed); err != nil {
			return err
		}
		if school.ID == 0 {
			if school, err = tx.School(schoolID); err != nil {
				return err
			}
		}
		if len(changed) > 50 {
			changed = changed[:50]
		}
		return record(tx, p, sdgdt.ActSignatureVoid, "signature", idStr(sg.ID), schoolID, school.UnitPath,
			map[string]any{"valid": true, "digest": sg.Digest}, map[string]any{"valid": false, "reason": reason, "changed": changed, "object": sg.ObjectKind, "object_key": sg.ObjectKey})
	}
	for pass := 0; pass < 2; pass++ { // the data first, then the books above them
		for _, sg := range sigs {
			if (sg.ObjectKind == sdgdt.SignBook) != (pass == 1) {
				continue
			}
			d, err := current(objectOf(sg))
			if err != nil {
				return err
			}
			if sameDoc(sg, d) {
				continue
			}
			reason := why
			if pass == 1 {
				reason = voidBelow
			}
			if err := void(sg, d, reason); err != nil {
				return err
			}
		}
	}
	return nil
}
