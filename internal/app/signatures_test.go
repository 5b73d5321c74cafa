package app_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/sign"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"

	"software.sslmate.com/src/go-pkcs12"
)

const (
	testPIN          = "246813"
	testCAPassphrase = "cụm mật khẩu CA thử nghiệm"
)

// signBook is the test book with a province CA and signing keys for the
// teachers of 6A, cheap to open (sign.TestKDFParams).
func signBook(t *testing.T, db *store.DB, pupils int) *book {
	t.Helper()
	b := newBook(t, newWorld(t, db), pupils)
	b.a.Cfg.SignKDF = sign.TestKDFParams
	b.a.Cfg.CAPassphrase = testCAPassphrase
	if _, err := b.a.InitCA(b.ctx, b.sys, app.CAInput{CommonName: "CA Sở GD&ĐT Thử", Passphrase: testCAPassphrase}); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, u := range []string{"a1.math", "a1.other", "a1.teacher", "a1.leader", "b1.teacher"} {
		ids = append(ids, b.users[u].ID)
	}
	if _, err := b.a.EnrolMany(b.ctx, b.sys, ids, testPIN); err != nil {
		t.Fatal(err)
	}
	return b
}

func sheetObj(id int64) app.SignObject { return app.SignObject{Kind: sdgdt.SignSheet, SheetID: id} }

func (b *book) signSheet(user, sheet, pin string) (sdgdt.Signature, error) {
	return b.a.Sign(b.ctx, b.as(user), sheetObj(b.sheets[sheet]), app.SignInput{PIN: pin})
}

func (b *book) sigs(user string, o app.SignObject) app.ObjectSignatures {
	b.t.Helper()
	s, err := b.a.Signatures(b.ctx, b.as(user), o)
	b.must(err)
	return s
}

func TestSignSheetAndVoid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := signBook(t, db, 3)
		if _, err := b.patch("a1.math", "toan.hk1", 0, ch(b.pupils[0], "regular[0]", num("8")), ch(b.pupils[1], "midterm", num("7.5")),
			ch(b.pupils[2], "comment", text("Tiến bộ rõ rệt, chăm chỉ"))); err != nil {
			t.Fatal(err)
		}
		doc, digest, err := b.a.Canonical(b.ctx, b.as("a1.math"), sheetObj(b.sheets["toan.hk1"]))
		if err != nil || sign.Digest(doc) != digest || !bytes.Contains(doc, []byte(`"regular[0]":"8"`)) || !bytes.Contains(doc, []byte("Tiến bộ rõ rệt")) {
			t.Fatalf("canonical: %s %v", doc, err)
		}
		if again, err := sign.Canonicalize(doc); err != nil || !bytes.Equal(again, doc) {
			t.Fatalf("the document is not in canonical form: %v", err)
		}
		// Bad input first: nothing is written.
		if _, err := b.signSheet("a1.other", "toan.hk1", testPIN); !app.IsForbidden(err) {
			t.Fatalf("a stranger signed: %v", err)
		}
		if _, err := b.signSheet("b1.teacher", "toan.hk1", testPIN); !app.IsForbidden(err) {
			t.Fatalf("another school's teacher signed: %v", err)
		}
		_, err = b.signSheet("a1.math", "toan.hk1", "135792")
		wantCode(t, "wrong PIN", err, sdgdt.EINVALID)
		wantField(t, "wrong PIN", err, "pin")
		_, err = b.signSheet("a1.math", "toan.hk1", "")
		wantCode(t, "empty PIN", err, sdgdt.EINVALID)
		if n := len(b.sigs("a1.math", sheetObj(b.sheets["toan.hk1"])).Signatures); n != 0 {
			t.Fatalf("%d signatures after refusals", n)
		}
		sg, err := b.signSheet("a1.math", "toan.hk1", testPIN)
		if err != nil {
			t.Fatal(err)
		}
		if !sg.Valid || sg.Digest != digest || sg.Role != sdgdt.RoleSubjectTeacher || !strings.Contains(sg.CertSubject, "a1.math") {
			t.Fatalf("signature: %+v", sg)
		}
		// The CMS verifies over the document with the trust roots, in Go and with openssl.
		roots, err := b.a.TrustPEM(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		pool, _, err := sign.ParseTrustRoots(roots)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sign.Verify(sg.CMS, doc, sign.VerifyOptions{Roots: pool, Now: b.a.Now()}); err != nil {
			t.Fatalf("verify: %v", err)
		}
		opensslVerify(t, sg.CMS, doc, roots, sg.SignedAt)
		// Someone else's write voids it, with the changed cell.
		if _, err := b.patch("a1.math", "toan.hk1", 1, ch(b.pupils[1], "midterm", num("8"))); err != nil {
			t.Fatal(err)
		}
		st := b.sigs("a1.teacher", sheetObj(b.sheets["toan.hk1"]))
		if len(st.Signatures) != 1 || st.Signatures[0].Valid || st.Signatures[0].InvalidReason != app.VoidEdit {
			t.Fatalf("after an edit: %+v", st.Signatures)
		}
		if c := st.Signatures[0].Changed; len(c) != 1 || c[0].PupilID != strconv.FormatInt(b.pupils[1], 10) || c[0].Field != "midterm" {
			t.Fatalf("changed cells: %+v", c)
		}
		// Signed again: two signatures, the newest valid; nothing deleted.
		if _, err := b.signSheet("a1.math", "toan.hk1", testPIN); err != nil {
			t.Fatal(err)
		}
		st = b.sigs("a1.math", sheetObj(b.sheets["toan.hk1"]))
		if len(st.Signatures) != 2 || !st.Signatures[0].Valid || st.Signatures[1].Valid {
			t.Fatalf("after signing again: %+v", st.Signatures)
		}
		// Verification over the database: nothing broken; a void signature
		// marked valid again behind the application's back is caught.
		n, problems, err := b.a.VerifySignatures(b.ctx, b.sys, 0)
		if err != nil || n != 2 || len(problems) != 1 || problems[0].Broken {
			t.Fatalf("verify: %d %+v %v", n, problems, err)
		}
		b.must(db.ExecForTest(b.ctx, `UPDATE signatures SET valid = $1 WHERE id = $2`, true, st.Signatures[1].ID))
		if _, problems, _ := b.a.VerifySignatures(b.ctx, b.sys, 0); len(problems) != 1 || !problems[0].Broken {
			t.Fatalf("tampered mark not caught: %+v", problems)
		}
		// The page shows it invalid even so.
		if st := b.sigs("a1.math", sheetObj(b.sheets["toan.hk1"])); st.Signatures[1].Valid || st.Signatures[1].Current {
			t.Fatal("a tampered mark shows valid")
		}
		b.verifyAudit()
	})
}

// opensslVerify checks a signature with `openssl cms -verify` (skipped
// without openssl), at the signing time.
func opensslVerify(t *testing.T, cms, content, roots []byte, at time.Time) {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Log("openssl not on PATH: not checked with openssl")
		return
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sig, doc, trust := write("SIG.p7s", cms), write("CANONICAL.json", content), write("TRUST.pem", roots)
	out, err := exec.Command(bin, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", doc, "-CAfile", trust,
		"-purpose", "any", "-attime", strconv.FormatInt(at.Unix()+60, 10), "-out", os.DevNull).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification successful") {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}
	// Over other bytes it fails.
	other := write("OTHER.json", append(bytes.Clone(content[:len(content)-1]), []byte(`,"x":1}`)...))
	if out, err := exec.Command(bin, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", other, "-CAfile", trust,
		"-purpose", "any", "-attime", strconv.FormatInt(at.Unix()+60, 10), "-out", os.DevNull).CombinedOutput(); err == nil {
		t.Fatalf("openssl accepted other content:\n%s", out)
	}
}

func TestSignWrongPINThrottled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := signBook(t, db, 1)
		for i := 0; i < 5; i++ {
			_, err := b.signSheet("a1.math", "toan.hk1", "135792")
			wantCode(t, "wrong PIN", err, sdgdt.EINVALID)
		}
		_, err := b.signSheet("a1.math", "toan.hk1", testPIN)
		wantCode(t, "after five wrong PINs", err, sdgdt.ETHROTTLED)
		b.clk.Advance(31 * time.Minute)
		if _, err := b.signSheet("a1.math", "toan.hk1", testPIN); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}
	})
}

func TestSignExternalCMS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := signBook(t, db, 2)
		// The teacher's own tool (here: his key, taken out of the server)
		// signs the shown document.
		var k sdgdt.SigningKey
		b.must(db.View(b.ctx, func(tx *store.Tx) error { var err error; k, err = tx.ActiveKey(b.users["a1.math"].ID); return err }))
		sealed, err := sign.ParseSealed(k.SealedKey)
		b.must(err)
		key, err := sign.Open(sealed, testPIN)
		b.must(err)
		_, cs, err := sign.ParseTrustRoots([]byte(k.CertPEM))
		b.must(err)
		doc, _, err := b.a.Canonical(b.ctx, b.as("a1.math"), sheetObj(b.sheets["toan.hk1"]))
		b.must(err)
		cmsOther, err := sign.SignDetached(append(bytes.Clone(doc), ' '), key, cs[0], nil, b.a.Now())
		b.must(err)
		_, err = b.a.Sign(b.ctx, b.as("a1.math"), sheetObj(b.sheets["toan.hk1"]), app.SignInput{CMS: cmsOther})
		wantCode(t, "CMS over other bytes", err, sdgdt.EINVALID)
		wantField(t, "CMS over other bytes", err, "cms")
		// A certificate of a CA nobody trusts.
		rogue, err := sign.NewCA("CA lạ", "", b.a.Now().Add(-time.Hour), 24*time.Hour*365)
		b.must(err)
		rk, _ := sign.GenerateKey()
		rc, err := rogue.Issue(sign.IssueRequest{FullName: "Người a1.math", Username: "a1.math", PublicKey: rk.Public(), NotBefore: b.a.Now().Add(-time.Minute), NotAfter: b.a.Now().Add(time.Hour)})
		b.must(err)
		cmsRogue, err := sign.SignDetached(doc, rk, rc, nil, b.a.Now())
		b.must(err)
		_, err = b.a.Sign(b.ctx, b.as("a1.math"), sheetObj(b.sheets["toan.hk1"]), app.SignInput{CMS: cmsRogue})
		wantCode(t, "untrusted certificate", err, sdgdt.EINVALID)
		good, err := sign.SignDetached(doc, key, cs[0], nil, b.a.Now())
		b.must(err)
		// Another teacher uploading it: 403 before anything is checked.
		if _, err := b.a.Sign(b.ctx, b.as("a1.other"), sheetObj(b.sheets["toan.hk1"]), app.SignInput{CMS: good}); !app.IsForbidden(err) {
			t.Fatalf("stranger upload: %v", err)
		}
		sg, err := b.a.Sign(b.ctx, b.as("a1.math"), sheetObj(b.sheets["toan.hk1"]), app.SignInput{CMS: good})
		if err != nil || !sg.External || !sg.Valid {
			t.Fatalf("external: %+v %v", sg, err)
		}
		// Revoked (key compromise): the signature no longer verifies.
		b.must(b.a.RevokeCertificate(b.ctx, b.sys, k.Serial, sign.ReasonKeyCompromise))
		if _, problems, _ := b.a.VerifySignatures(b.ctx, b.sys, 0); len(problems) != 1 || !problems[0].Broken || !strings.Contains(problems[0].Problem, "thu hồi") {
			t.Fatalf("revoked: %+v", problems)
		}
		_, err = b.signSheet("a1.math", "toan.hk1", testPIN)
		wantCode(t, "revoked key", err, sdgdt.EINVALID)
	})
}

func TestSignVoidByCorrection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newRecordsFixture(t, db)
		f.a.Cfg.SignKDF, f.a.Cfg.CAPassphrase = sign.TestKDFParams, testCAPassphrase
		ctx := context.Background()
		must := func(_ *testing.T, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.a.InitCA(ctx, f.sys, app.CAInput{Passphrase: testCAPassphrase}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Enrol(ctx, f.teacher, f.teacher.User.ID, testPIN); err != nil {
			t.Fatal(err)
		}
		f.grantLeader(t)
		leader := f.principal(t, "hieutruong")
		board := f.boardMember(t)
		pupil, err := f.a.EnrolNewPupil(ctx, f.adminA, f.c6a1.ID, pupilIn("Nguyễn Văn An", "05/09/2014", "nam", ""), f.year.StartsOn)
		if err != nil {
			t.Fatal(err)
		}
		var sheet sdgdt.Sheet
		must(t, db.View(ctx, func(tx *store.Tx) error {
			var err error
			sheet, err = tx.SheetFor(f.c6a1.ID, "toan", "hk1")
			return err
		}))
		if _, err := f.a.PatchSheet(ctx, f.teacher, sheet.ID, app.SheetPatch{Changes: []app.SheetChange{{PupilID: pupil.ID, Field: "midterm", Value: num("6")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.SetLock(ctx, leader, app.LockInput{SchoolID: f.schoolA.ID, Term: "hk1", Reason: "Khóa sổ học kì I"}); err != nil {
			t.Fatal(err)
		}
		// Signed after the lock.
		if _, err := f.a.Sign(ctx, f.teacher, sheetObj(sheet.ID), app.SignInput{PIN: testPIN}); err != nil {
			t.Fatal(err)
		}
		c, err := f.a.RequestCorrection(ctx, f.teacher, sheet.ID, []app.CorrectionCellInput{{PupilID: pupil.ID, Field: "midterm", Value: num("8.5")}}, "Nhập nhầm điểm giữa kì")
		must(t, err)
		must(t, f.a.DecideCorrection(ctx, leader, c.ID, true, "Đồng ý"))
		_, err = f.a.WitnessCorrection(ctx, board, c.ID)
		must(t, err)
		applied, err := f.a.WitnessCorrection(ctx, f.homeroom, c.ID)
		if err != nil || !applied {
			t.Fatalf("correction: %v %v", applied, err)
		}
		st, err := f.a.Signatures(ctx, f.teacher, sheetObj(sheet.ID))
		must(t, err)
		if len(st.Signatures) != 1 || st.Signatures[0].Valid || st.Signatures[0].InvalidReason != app.VoidCorrection ||
			len(st.Signatures[0].Changed) != 1 || st.Signatures[0].Changed[0].Field != "midterm" {
			t.Fatalf("after the correction: %+v", st.Signatures)
		}
		// Re-signing is offered to the teacher: he can sign the corrected sheet.
		if !st.CanSign {
			t.Fatal("re-signing not offered")
		}
		if _, err := f.a.Sign(ctx, f.teacher, sheetObj(sheet.ID), app.SignInput{PIN: testPIN}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSignBookOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := signBook(t, db, 2)
		// The leader's second factor.
		leader := b.as("a1.leader")
		secret, err := b.a.BeginTOTP(b.ctx, leader)
		b.must(err)
		code, _ := auth.TOTPCode(secret, b.a.Now())
		b.must(b.a.ConfirmTOTP(b.ctx, leader, code))
		bookObj := app.SignObject{Kind: sdgdt.SignBook, ClassID: b.class.ID, Term: "hk1"}
		hrObj := app.SignObject{Kind: sdgdt.SignHomeroom, ClassID: b.class.ID, Term: "hk1"}
		otp := func() string {
			b.clk.Advance(31 * time.Second)
			c, _ := auth.TOTPCode(secret, b.a.Now())
			return c
		}
		// Nothing signed yet: refused, the missing parts named.
		_, err = b.a.Sign(b.ctx, b.as("a1.leader"), bookObj, app.SignInput{PIN: testPIN, OTP: otp()})
		wantCode(t, "book with missing signatures", err, sdgdt.ECONFLICT)
		var named []string
		for _, m := range sdgdt.ErrorFields(err) {
			named = append(named, m)
		}
		if all := strings.Join(named, ";"); !strings.Contains(all, "Môn Toán") || !strings.Contains(all, "chủ nhiệm") {
			t.Fatalf("missing parts not named: %v", err)
		}
		// Only the homeroom teacher signs the homeroom data; only a leader the book.
		if _, err := b.a.Sign(b.ctx, b.as("a1.math"), hrObj, app.SignInput{PIN: testPIN}); !app.IsForbidden(err) {
			t.Fatalf("a subject teacher signed homeroom data: %v", err)
		}
		if _, err := b.a.Sign(b.ctx, b.as("a1.teacher"), bookObj, app.SignInput{PIN: testPIN}); !app.IsForbidden(err) {
			t.Fatalf("a teacher signed the book: %v", err)
		}
		for key := range b.sheets {
			subject, term, _ := strings.Cut(key, ".")
			if term != "hk1" {
				continue
			}
			who := "a1.other"
			if subject == "toan" {
				who = "a1.math"
			}
			if _, err := b.signSheet(who, key, testPIN); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
		}
		_, err = b.a.Sign(b.ctx, b.as("a1.leader"), bookObj, app.SignInput{PIN: testPIN, OTP: otp()})
		wantCode(t, "book without the homeroom signature", err, sdgdt.ECONFLICT)
		if _, err := b.a.Sign(b.ctx, b.as("a1.teacher"), hrObj, app.SignInput{PIN: testPIN}); err != nil {
			t.Fatal(err)
		}
		// PIN and TOTP both needed.
		_, err = b.a.Sign(b.ctx, b.as("a1.leader"), bookObj, app.SignInput{PIN: testPIN})
		wantField(t, "book without TOTP", err, "otp")
		_, err = b.a.Sign(b.ctx, b.as("a1.leader"), bookObj, app.SignInput{PIN: testPIN, OTP: "000000"})
		wantField(t, "book with a wrong TOTP", err, "otp")
		sg, err := b.a.Sign(b.ctx, b.as("a1.leader"), bookObj, app.SignInput{PIN: testPIN, OTP: otp()})
		if err != nil || sg.Role != sdgdt.RoleLeader {
			t.Fatalf("leader: %+v %v", sg, err)
		}
		doc, _, _ := b.a.Canonical(b.ctx, b.as("a1.leader"), bookObj)
		if bytes.Contains(doc, []byte(`"signature_id":null`)) {
			t.Fatalf("book document with a missing part: %s", doc)
		}
		// A mark changes: the sheet's signature and the leader's above it are void;
		// the homeroom signature (its results changed too) as well.
		if _, err := b.patch("a1.math", "toan.hk1", 0, ch(b.pupils[0], "midterm", num("9"))); err != nil {
			t.Fatal(err)
		}
		if st := b.sigs("a1.leader", bookObj); st.Signatures[0].Valid || !strings.Contains(st.Signatures[0].InvalidReason, "bên dưới") {
			t.Fatalf("book after a change below: %+v", st.Signatures[0])
		}
		if st := b.sigs("a1.leader", sheetObj(b.sheets["toan.hk1"])); st.Signatures[0].Valid {
			t.Fatal("sheet signature still valid")
		}
		other := ""
		for key := range b.sheets {
			if strings.HasSuffix(key, ".hk1") && key != "toan.hk1" {
				other = key
			}
		}
		if st := b.sigs("a1.leader", sheetObj(b.sheets[other])); !st.Signatures[0].Valid {
			t.Fatal("another sheet's signature voided")
		}
		if _, problems, err := b.a.VerifySignatures(b.ctx, b.sys, 0); err != nil || brokenCount(problems) != 0 {
			t.Fatalf("verify: %+v %v", problems, err)
		}
		b.verifyAudit()
	})
}

func brokenCount(ps []app.SignatureProblem) int {
	n := 0
	for _, p := range ps {
		if p.Broken {
			n++
		}
	}
	return n
}

// TestSignCanonicalEngines builds the same book on each engine: the sheet's
// canonical document is the same bytes on both.
func TestSignCanonicalEngines(t *testing.T) {
	var mu sync.Mutex
	docs := map[string][]byte{}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBook(t, newWorld(t, db), 4)
		if _, err := b.patch("a1.math", "toan.hk1", 0, ch(b.pupils[0], "regular[0]", num("8,5")), ch(b.pupils[1], "final", num("10")),
			ch(b.pupils[2], "comment", text("Em cần cố gắng hơn ở phần hình học; “chăm” và ngoan\\")), ch(b.pupils[3], "midterm", text("P"))); err != nil {
			t.Fatal(err)
		}
		doc, _, err := b.a.Canonical(b.ctx, b.as("a1.math"), sheetObj(b.sheets["toan.hk1"]))
		b.must(err)
		mu.Lock()
		docs[t.Name()] = doc
		mu.Unlock()
	})
	var first []byte
	for name, d := range docs {
		if first == nil {
			first = d
			continue
		}
		if !bytes.Equal(first, d) {
			t.Fatalf("%s: canonical documents differ between engines:\n%s\n%s", name, first, d)
		}
	}
	if len(docs) < 2 {
		t.Log("one engine only (set SDGDT_TEST_POSTGRES to compare with PostgreSQL)")
	}
}

// BenchmarkSignSheet measures signing one 45-pupil sheet with the PIN,
// server side, on SQLite: read the sheet, canonical document, open the key,
// CMS, the check in the writing transaction, store and audit. "server" opens
// a key sealed with sign.TestKDFParams (the time beside the PIN's key
// derivation); "with-argon2id" with the production parameters.
func BenchmarkSignSheet(b *testing.B) {
	b.Run("server", func(b *testing.B) { benchSignSheet(b, sign.TestKDFParams) })
	b.Run("with-argon2id", func(b *testing.B) { benchSignSheet(b, sign.DefaultKDFParams) })
}

func benchSignSheet(b *testing.B, kdf sign.KDFParams) {
	ctx := context.Background()
	db := storetest.OpenSQLite(b)
	cfg := app.DefaultConfig()
	cfg.Argon, cfg.SignKDF, cfg.CAPassphrase = auth.TestParams, kdf, testCAPassphrase
	a := app.New(db, cfg, nil)
	sys := app.System("bench")
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	now := time.Now().In(sdgdt.Vietnam)
	d0 := time.Date(now.Year()-1, 9, 5, 0, 0, 0, 0, sdgdt.Vietnam)
	y, err := a.CreateSchoolYear(ctx, sys, sdgdt.SchoolYear{Name: strconv.Itoa(d0.Year()) + "-" + strconv.Itoa(d0.Year()+1), StartsOn: d0, GK1On: d0.AddDate(0, 2, 0),
		CK1On: d0.AddDate(0, 4, 0), HK1EndsOn: d0.AddDate(0, 4, 10), HK2Starts: d0.AddDate(0, 4, 12), GK2On: d0.AddDate(0, 6, 0), CNOn: d0.AddDate(0, 8, 0),
		EndsOn: d0.AddDate(0, 8, 25), Current: true})
	must(err)
	u, err := a.CreateUnit(ctx, sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo Thử", "SO")
	must(err)
	s, err := a.CreateSchool(ctx, sys, u.ID, "thcs", "Trường THCS Thử", "THCS-T", "")
	must(err)
	teacher, _, err := a.CreateUser(ctx, sys, app.NewUserInput{Username: "gv.toan", FullName: "Nguyễn Thị Hoà", HomeKind: sdgdt.ScopeSchool, HomeID: s.ID, Password: testPassword})
	must(err)
	c, err := a.CreateClass(ctx, sys, sdgdt.Class{SchoolID: s.ID, SchoolYearID: y.ID, Grade: 8, Name: "8A1", Ruleset: "tt22"})
	must(err)
	var pupils []int64
	for i := 0; i < 45; i++ {
		pp, err := a.EnrolNewPupil(ctx, sys, c.ID, app.PupilInput{FullName: "Trần Văn " + bookNames[i%len(bookNames)] + " " + bookNames[i/len(bookNames)], DateOfBirth: "02/03/2012", Sex: "nam"}, y.StartsOn)
		must(err)
		pupils = append(pupils, pp.ID)
	}
	_, err = a.CreateAssignment(ctx, sys, sdgdt.Assignment{SchoolID: s.ID, ClassID: c.ID, Subject: "toan", Term: "hk1", TeacherID: teacher.ID})
	must(err)
	var sheet sdgdt.Sheet
	must(db.View(ctx, func(tx *store.Tx) error { var err error; sheet, err = tx.SheetFor(c.ID, "toan", "hk1"); return err }))
	p := &app.Principal{IP: "192.0.2.1"}
	must(db.View(ctx, func(tx *store.Tx) error {
		var err error
		if p.User, err = tx.User(teacher.ID); err != nil {
			return err
		}
		p.Roles, err = tx.RolesOf(teacher.ID)
		return err
	}))
	var changes []app.SheetChange
	for i, id := range pupils {
		for _, f := range []string{"regular[0]", "regular[1]", "regular[2]", "regular[3]", "midterm", "final"} {
			changes = append(changes, ch(id, f, num(strconv.Itoa(5+i%5)+".5")))
		}
		changes = append(changes, ch(id, "comment", text("Em chăm chỉ, tích cực phát biểu xây dựng bài; cần rèn thêm kỹ năng trình bày.")))
	}
	_, err = a.PatchSheet(ctx, p, sheet.ID, app.SheetPatch{Changes: changes})
	must(err)
	_, err = a.InitCA(ctx, sys, app.CAInput{Passphrase: testCAPassphrase})
	must(err)
	_, err = a.Enrol(ctx, sys, teacher.ID, testPIN)
	must(err)
	o := sheetObj(sheet.ID)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := a.Sign(ctx, p, o, app.SignInput{PIN: testPIN}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSignVoidByHomeroomDataAndRoster(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := signBook(t, db, 3)
		hr := app.SignObject{Kind: sdgdt.SignHomeroom, ClassID: b.class.ID, Term: "hk1"}
		year := app.SignObject{Kind: sdgdt.SignHomeroom, ClassID: b.class.ID, Term: "year"}
		for _, o := range []app.SignObject{hr, year} {
			if _, err := b.a.Sign(b.ctx, b.as("a1.teacher"), o, app.SignInput{PIN: testPIN}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.signSheet("a1.math", "toan.hk2", testPIN); err != nil {
			t.Fatal(err)
		}
		// A conduct rating of semester I voids semester I's and the year's
		// homeroom signatures, not the semester II sheet's.
		b.must(b.a.SetConduct(b.ctx, b.as("a1.teacher"), b.class.ID, []app.ConductEntry{{PupilID: b.pupils[0], Term: "hk1", Level: "T"}}))
		for _, o := range []app.SignObject{hr, year} {
			st := b.sigs("a1.teacher", o)
			if st.Signatures[0].Valid || len(st.Signatures[0].Changed) == 0 || st.Signatures[0].Changed[0].PupilID != strconv.FormatInt(b.pupils[0], 10) {
				t.Fatalf("%s after a conduct rating: %+v", o.Term, st.Signatures[0])
			}
		}
		if st := b.sigs("a1.math", sheetObj(b.sheets["toan.hk2"])); !st.Signatures[0].Valid {
			t.Fatal("semester II sheet voided by a semester I conduct rating")
		}
		// The year's absences are in the year's homeroom document: a day of
		// absence voids it, not semester I's.
		for _, o := range []app.SignObject{hr, year} {
			if _, err := b.a.Sign(b.ctx, b.as("a1.teacher"), o, app.SignInput{PIN: testPIN}); err != nil {
				t.Fatal(err)
			}
		}
		day := b.year.StartsOn.AddDate(0, 0, 14)
		b.must(b.a.RecordDay(b.ctx, b.as("a1.teacher"), b.class.ID, day, []app.AbsenceMark{{PupilID: b.pupils[1], Session: "sang", Excused: true, Reason: "Ốm"}}))
		if st := b.sigs("a1.teacher", year); st.Signatures[0].Valid || st.Signatures[0].InvalidReason != app.VoidEdit ||
			len(st.Signatures[0].Changed) == 0 || st.Signatures[0].Changed[0].PupilID != strconv.FormatInt(b.pupils[1], 10) {
			t.Fatalf("year after an absence: %+v", st.Signatures[0])
		}
		if st := b.sigs("a1.teacher", hr); !st.Signatures[0].Valid {
			t.Fatal("semester I's homeroom signature voided by an absence")
		}
		// The same day entered again changes nothing and voids nothing.
		if _, err := b.a.Sign(b.ctx, b.as("a1.teacher"), year, app.SignInput{PIN: testPIN}); err != nil {
			t.Fatal(err)
		}
		b.must(b.a.RecordDay(b.ctx, b.as("a1.teacher"), b.class.ID, day, []app.AbsenceMark{{PupilID: b.pupils[1], Session: "sang", Excused: true, Reason: "Ốm"}}))
		if st := b.sigs("a1.teacher", year); !st.Signatures[0].Valid {
			t.Fatalf("year voided by the same absences: %+v", st.Signatures[0])
		}
		// A pupil leaving the class changes every document of the class.
		if _, err := b.a.Sign(b.ctx, b.as("a1.teacher"), hr, app.SignInput{PIN: testPIN}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.a.RecordMovement(b.ctx, b.sys, app.MovementInput{PupilID: b.pupils[2], Kind: "leave", On: b.year.StartsOn.AddDate(0, 1, 0), Reason: "Chuyển vùng"}); err != nil {
			t.Fatal(err)
		}
		if st := b.sigs("a1.teacher", hr); st.Signatures[0].Valid || st.Signatures[0].InvalidReason != app.VoidRoster {
			t.Fatalf("after a pupil left: %+v", st.Signatures[0])
		}
		if st := b.sigs("a1.math", sheetObj(b.sheets["toan.hk2"])); st.Signatures[0].Valid {
			t.Fatal("sheet still valid after a pupil left")
		}
	})
}

// waitJob waits for a batch to finish.
func (b *book) waitJob(user string, j app.SignJob) app.SignJob {
	b.t.Helper()
	for i := 0; i < 500; i++ {
		cur, err := b.a.SignJobStatus(b.as(user), j.ID)
		b.must(err)
		if cur.Finished {
			return cur
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.t.Fatal("batch did not finish")
	return j
}

func TestSignBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := signBook(t, db, 2)
		_, err := b.a.StartSignBatch(b.ctx, b.as("a1.other"), app.SignBatchInput{Kind: "sheets", Term: "hk1", PIN: "135792"})
		wantCode(t, "batch with a wrong PIN", err, sdgdt.EINVALID)
		if _, err := b.a.StartSignBatch(b.ctx, b.as("a1.other"), app.SignBatchInput{Kind: "books", SchoolID: b.school["A1"].ID, Grade: 6, Term: "hk1", PIN: testPIN}); !app.IsForbidden(err) {
			t.Fatalf("a teacher signing books: %v", err)
		}
		for _, u := range []string{"a1.other", "a1.math"} {
			j, err := b.a.StartSignBatch(b.ctx, b.as(u), app.SignBatchInput{Kind: "sheets", Term: "hk1", PIN: testPIN})
			if err != nil {
				t.Fatal(err)
			}
			j = b.waitJob(u, j)
			if j.Failed != 0 || j.Signed != j.Total || j.Total == 0 {
				t.Fatalf("%s: %+v", u, j)
			}
		}
		// Again: nothing to sign, every sheet skipped.
		j, err := b.a.StartSignBatch(b.ctx, b.as("a1.math"), app.SignBatchInput{Kind: "sheets", Term: "hk1", PIN: testPIN})
		b.must(err)
		if j = b.waitJob("a1.math", j); j.Signed != 0 || !j.Items[0].Skipped {
			t.Fatalf("second batch: %+v", j)
		}
		if _, err := b.a.Sign(b.ctx, b.as("a1.teacher"), app.SignObject{Kind: sdgdt.SignHomeroom, ClassID: b.class.ID, Term: "hk1"}, app.SignInput{PIN: testPIN}); err != nil {
			t.Fatal(err)
		}
		leader := b.as("a1.leader")
		secret, err := b.a.BeginTOTP(b.ctx, leader)
		b.must(err)
		code, _ := auth.TOTPCode(secret, b.a.Now())
		b.must(b.a.ConfirmTOTP(b.ctx, leader, code))
		b.clk.Advance(31 * time.Second)
		code, _ = auth.TOTPCode(secret, b.a.Now())
		j, err = b.a.StartSignBatch(b.ctx, b.as("a1.leader"), app.SignBatchInput{Kind: "books", SchoolID: b.school["A1"].ID, Grade: 6, Term: "hk1", PIN: testPIN, OTP: code})
		if err != nil {
			t.Fatal(err)
		}
		if j = b.waitJob("a1.leader", j); j.Signed != 1 || j.Failed != 0 {
			t.Fatalf("leader batch: %+v", j)
		}
		if _, err := b.a.SignJobStatus(b.as("a1.math"), j.ID); sdgdt.ErrorCode(err) != sdgdt.ENOTFOUND {
			t.Fatalf("someone else's batch: %v", err)
		}
	})
}

func TestSignImportedKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := signBook(t, db, 1)
		now := b.a.Now()
		licensed, err := sign.NewCA("VNPT-CA thử nghiệm", "VNPT", now.Add(-time.Hour), 5*365*24*time.Hour)
		b.must(err)
		key, _ := sign.GenerateKey()
		cert, err := licensed.Issue(sign.IssueRequest{FullName: "Người a1.math", Username: "079123456789", PublicKey: key.Public(), NotBefore: now.Add(-time.Minute), NotAfter: now.AddDate(1, 0, 0)})
		b.must(err)
		p12, err := pkcs12.Modern.Encode(key, cert, []*x509.Certificate{licensed.Cert}, "mật khẩu p12")
		b.must(err)
		// Not trusted until the licensed CA is a configured root.
		_, err = b.a.ImportPKCS12(b.ctx, b.as("a1.math"), p12, "mật khẩu p12", "975310")
		wantCode(t, "untrusted PKCS#12", err, sdgdt.EINVALID)
		b.a.Cfg.TrustRoots = []*x509.Certificate{licensed.Cert}
		_, err = b.a.ImportPKCS12(b.ctx, b.as("a1.math"), p12, "sai", "975310")
		wantField(t, "wrong PKCS#12 password", err, "password")
		if _, err := b.a.ImportPKCS12(b.ctx, b.as("a1.math"), p12, "mật khẩu p12", "975310"); err != nil {
			t.Fatal(err)
		}
		sg, err := b.signSheet("a1.math", "toan.hk1", "975310")
		if err != nil || !strings.Contains(sg.CertIssuer, "VNPT-CA") {
			t.Fatalf("signed with the imported key: %+v %v", sg, err)
		}
		// An external certificate: PIN signing refused, its CMS accepted.
		ekey, _ := sign.GenerateKey()
		ecert, err := licensed.Issue(sign.IssueRequest{FullName: "Người a1.other", Username: "079000111222", PublicKey: ekey.Public(), NotBefore: now.Add(-time.Minute), NotAfter: now.AddDate(1, 0, 0)})
		b.must(err)
		if _, err := b.a.RegisterCertificate(b.ctx, b.as("a1.other"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ecert.Raw})); err != nil {
			t.Fatal(err)
		}
		var other string
		for k := range b.sheets {
			if strings.HasSuffix(k, ".hk1") && k != "toan.hk1" {
				other = k
			}
		}
		_, err = b.signSheet("a1.other", other, testPIN)
		wantCode(t, "PIN with an external key", err, sdgdt.EINVALID)
		doc, _, err := b.a.Canonical(b.ctx, b.as("a1.other"), sheetObj(b.sheets[other]))
		b.must(err)
		cms, err := sign.SignDetached(doc, ekey, ecert, nil, b.a.Now())
		b.must(err)
		if sg, err := b.a.Sign(b.ctx, b.as("a1.other"), sheetObj(b.sheets[other]), app.SignInput{CMS: cms}); err != nil || !sg.External {
			t.Fatalf("external CMS: %+v %v", sg, err)
		}
		// Expired: years later the province certificate no longer signs.
		b.clk.Advance(4 * 365 * 24 * time.Hour)
		_, err = b.a.Sign(b.ctx, b.as("a1.teacher"), app.SignObject{Kind: sdgdt.SignHomeroom, ClassID: b.class.ID, Term: "hk1"}, app.SignInput{PIN: testPIN})
		wantCode(t, "expired certificate", err, sdgdt.EINVALID)
		if !strings.Contains(sdgdt.ErrorMessage(err), "hết hạn") {
			t.Fatalf("expired: %v", err)
		}
	})
}

// BenchmarkSignBooks measures a leader's batch: the class books of a grade of
// 12 classes of 45 pupils (every sheet and homeroom signature present), with
// one PIN (argon2id, production parameters) and one TOTP code, until the
// background job has signed them all. SQLite.
func BenchmarkSignBooks(b *testing.B) {
	ctx := context.Background()
	db := storetest.OpenSQLite(b)
	clk := newClock()
	clk.now = time.Now().UTC()
	cfg := app.DefaultConfig()
	cfg.Argon, cfg.SignKDF, cfg.CAPassphrase, cfg.Clock = auth.TestParams, sign.DefaultKDFParams, testCAPassphrase, clk.Now
	a := app.New(db, cfg, nil)
	sys := app.System("bench")
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	now := clk.Now().In(sdgdt.Vietnam)
	d0 := time.Date(now.Year()-1, 9, 5, 0, 0, 0, 0, sdgdt.Vietnam)
	y, err := a.CreateSchoolYear(ctx, sys, sdgdt.SchoolYear{Name: strconv.Itoa(d0.Year()) + "-" + strconv.Itoa(d0.Year()+1), StartsOn: d0, GK1On: d0.AddDate(0, 2, 0),
		CK1On: d0.AddDate(0, 4, 0), HK1EndsOn: d0.AddDate(0, 4, 10), HK2Starts: d0.AddDate(0, 4, 12), GK2On: d0.AddDate(0, 6, 0), CNOn: d0.AddDate(0, 8, 0),
		EndsOn: d0.AddDate(0, 8, 25), Current: true})
	must(err)
	u, err := a.CreateUnit(ctx, sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo Thử", "SO")
	must(err)
	s, err := a.CreateSchool(ctx, sys, u.ID, "thcs", "Trường THCS Thử", "THCS-T", "")
	must(err)
	user := func(name, role string) sdgdt.User {
		us, _, err := a.CreateUser(ctx, sys, app.NewUserInput{Username: name, FullName: "Người " + name, HomeKind: sdgdt.ScopeSchool, HomeID: s.ID, Password: testPassword})
		must(err)
		must(a.SetupAccount(ctx, sys, us.ID, false, ""))
		if role != "" {
			_, err := a.GrantRole(ctx, sys, us.ID, role, sdgdt.ScopeSchool, s.ID, "")
			must(err)
		}
		return us
	}
	principal := func(id int64) *app.Principal {
		p := &app.Principal{IP: "192.0.2.1"}
		must(db.View(ctx, func(tx *store.Tx) error {
			var err error
			if p.User, err = tx.User(id); err != nil {
				return err
			}
			p.Roles, err = tx.RolesOf(id)
			return err
		}))
		return p
	}
	_, err = a.InitCA(ctx, sys, app.CAInput{Passphrase: testCAPassphrase})
	must(err)
	leaderU := user("hieutruong", sdgdt.RoleLeader)
	teacher := user("gv.bomon", "")
	var ids []int64
	var homerooms []sdgdt.User
	for i := 0; i < 12; i++ {
		homerooms = append(homerooms, user("gvcn"+strconv.Itoa(i), ""))
		ids = append(ids, homerooms[i].ID)
	}
	_, err = a.EnrolMany(ctx, sys, append(ids, leaderU.ID, teacher.ID), testPIN)
	must(err)
	for i := 0; i < 12; i++ {
		c, err := a.CreateClass(ctx, sys, sdgdt.Class{SchoolID: s.ID, SchoolYearID: y.ID, Grade: 8, Name: "8A" + strconv.Itoa(i+1), Ruleset: "tt22", HomeroomID: homerooms[i].ID})
		must(err)
		for k := 0; k < 45; k++ {
			_, err := a.EnrolNewPupil(ctx, sys, c.ID, app.PupilInput{FullName: "Lê Thị " + bookNames[k%len(bookNames)] + " " + bookNames[k/len(bookNames)], DateOfBirth: "02/03/2012", Sex: "nu"}, y.StartsOn)
			must(err)
		}
		var subjects []sdgdt.ClassSubject
		must(db.View(ctx, func(tx *store.Tx) error { var err error; subjects, err = tx.ClassSubjects(c.ID); return err }))
		for _, cs := range subjects {
			_, err := a.CreateAssignment(ctx, sys, sdgdt.Assignment{SchoolID: s.ID, ClassID: c.ID, Subject: cs.Subject, Term: "hk1", TeacherID: teacher.ID})
			must(err)
		}
		_, err = a.Sign(ctx, principal(homerooms[i].ID), app.SignObject{Kind: sdgdt.SignHomeroom, ClassID: c.ID, Term: "hk1"}, app.SignInput{PIN: testPIN})
		must(err)
	}
	tp := principal(teacher.ID)
	job, err := a.StartSignBatch(ctx, tp, app.SignBatchInput{Kind: "sheets", Term: "hk1", PIN: testPIN})
	must(err)
	wait := func(p *app.Principal, id string) app.SignJob {
		for {
			j, err := a.SignJobStatus(p, id)
			must(err)
			if j.Finished {
				return j
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	if j := wait(tp, job.ID); j.Failed != 0 {
		b.Fatalf("sheets: %+v", j)
	}
	leader := principal(leaderU.ID)
	secret, err := a.BeginTOTP(ctx, leader)
	must(err)
	code, _ := auth.TOTPCode(secret, clk.Now())
	must(a.ConfirmTOTP(ctx, leader, code))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		must(db.ExecForTest(ctx, `UPDATE signatures SET valid = $1, invalid_reason = 'banc' WHERE object_kind = 'book'`, false))
		clk.Advance(31 * time.Second)
		code, _ := auth.TOTPCode(secret, clk.Now())
		b.StartTimer()
		job, err := a.StartSignBatch(ctx, principal(leaderU.ID), app.SignBatchInput{Kind: "books", SchoolID: s.ID, Grade: 8, Term: "hk1", PIN: testPIN, OTP: code})
		must(err)
		if j := wait(leader, job.ID); j.Signed != 12 {
			b.Fatalf("books: %+v", j)
		}
	}
}

// TestSignPrimary signs a primary class at an assessment point: the subject
// teacher his subject, the homeroom teacher the qualities sheet and the Bảng
// tổng hợp, the leader the book; a qualities entry voids the Bảng tổng hợp.
func TestSignPrimary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.a.Cfg.SignKDF, w.a.Cfg.CAPassphrase = sign.TestKDFParams, testCAPassphrase
		_, err := w.a.InitCA(w.ctx, w.sys, app.CAInput{Passphrase: testCAPassphrase})
		w.must(err)
		hr := w.addUser("a2.gvcn", "A2", "")
		en := w.addUser("a2.tienganh", "A2", "")
		c, err := w.a.CreateClass(w.ctx, w.sys, sdgdt.Class{SchoolID: w.school["A2"].ID, SchoolYearID: w.year.ID, Grade: 3, Name: "3A", Ruleset: "tt27", HomeroomID: hr.ID})
		w.must(err)
		pupil, err := w.a.EnrolNewPupil(w.ctx, w.sys, c.ID, app.PupilInput{FullName: "Trần Thị Mai", DateOfBirth: "01/02/2018", Sex: "nu"}, w.year.StartsOn)
		w.must(err)
		var subjects []sdgdt.ClassSubject
		w.must(db.View(w.ctx, func(tx *store.Tx) error { var err error; subjects, err = tx.ClassSubjects(c.ID); return err }))
		var enSheet int64
		for _, cs := range subjects {
			teacher := hr.ID
			if cs.Subject == "ngoai_ngu_1" {
				teacher = en.ID
			}
			if _, err := w.a.CreateAssignment(w.ctx, w.sys, sdgdt.Assignment{SchoolID: c.SchoolID, ClassID: c.ID, Subject: cs.Subject, Term: "gk1", TeacherID: teacher}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = w.a.EnrolMany(w.ctx, w.sys, []int64{hr.ID, en.ID, w.users["a2.leader"].ID}, testPIN)
		w.must(err)
		var sheets []sdgdt.Sheet
		w.must(db.View(w.ctx, func(tx *store.Tx) error {
			var err error
			sheets, err = tx.SheetsOfClass(c.ID, []string{"gk1"})
			return err
		}))
		pcnl, err := w.a.PCNLSheet(w.ctx, w.as("a2.gvcn"), c.ID, "gk1")
		w.must(err)
		for _, sh := range sheets {
			who := "a2.gvcn"
			if sh.Subject == "ngoai_ngu_1" {
				who, enSheet = "a2.tienganh", sh.ID
			}
			if sh.Subject != "ngoai_ngu_1" {
				if _, err := w.a.Sign(w.ctx, w.as("a2.tienganh"), sheetObj(sh.ID), app.SignInput{PIN: testPIN}); !app.IsForbidden(err) {
					t.Fatalf("%s signed by the English teacher: %v", sh.Subject, err)
				}
			}
			if sh.Subject == "ngoai_ngu_1" {
				continue
			}
			if _, err := w.a.Sign(w.ctx, w.as(who), sheetObj(sh.ID), app.SignInput{PIN: testPIN}); err != nil {
				t.Fatalf("%s: %v", sh.Subject, err)
			}
		}
		if enSheet == 0 {
			t.Fatal("no English sheet")
		}
		summary := app.SignObject{Kind: sdgdt.SignHomeroom, ClassID: c.ID, Term: "gk1"}
		if _, err := w.a.Sign(w.ctx, w.as("a2.gvcn"), summary, app.SignInput{PIN: testPIN}); err != nil {
			t.Fatal(err)
		}
		// The English sheet is missing: the leader is refused.
		leader := w.as("a2.leader")
		secret, err := w.a.BeginTOTP(w.ctx, leader)
		w.must(err)
		code, _ := auth.TOTPCode(secret, w.a.Now())
		w.must(w.a.ConfirmTOTP(w.ctx, leader, code))
		w.clk.Advance(31 * time.Second)
		code, _ = auth.TOTPCode(secret, w.a.Now())
		book := app.SignObject{Kind: sdgdt.SignBook, ClassID: c.ID, Term: "gk1"}
		_, err = w.a.Sign(w.ctx, w.as("a2.leader"), book, app.SignInput{PIN: testPIN, OTP: code})
		wantCode(t, "primary book without English", err, sdgdt.ECONFLICT)
		if _, err := w.a.Sign(w.ctx, w.as("a2.tienganh"), sheetObj(enSheet), app.SignInput{PIN: testPIN}); err != nil {
			t.Fatal(err)
		}
		w.clk.Advance(31 * time.Second)
		code, _ = auth.TOTPCode(secret, w.a.Now())
		if _, err := w.a.Sign(w.ctx, w.as("a2.leader"), book, app.SignInput{PIN: testPIN, OTP: code}); err != nil {
			t.Fatal(err)
		}
		// A quality entered: the qualities sheet, the Bảng tổng hợp and the book are void.
		if _, err := w.a.PatchSheet(w.ctx, w.as("a2.gvcn"), pcnl, app.SheetPatch{Changes: []app.SheetChange{{PupilID: pupil.ID, Field: app.PCNLFields()[0], Value: text("T")}}}); err != nil {
			t.Fatal(err)
		}
		for _, o := range []app.SignObject{sheetObj(pcnl), summary, book} {
			st, err := w.a.Signatures(w.ctx, w.as("a2.leader"), o)
			w.must(err)
			if st.Signatures[0].Valid {
				t.Fatalf("%+v still valid", o)
			}
		}
		if st, _ := w.a.Signatures(w.ctx, w.as("a2.leader"), sheetObj(enSheet)); !st.Signatures[0].Valid {
			t.Fatal("the English sheet's signature voided by a qualities entry")
		}
	})
}
