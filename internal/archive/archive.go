// Package archive makes and checks a school's permanent archive of a school
// year (07-print-archive.md): one zip with the class books and the pupils'
// records as PDF, their canonical data as JSON (the bytes whose SHA-256 each
// PDF prints), the signatures over that data with the trust roots, and a
// manifest.json naming every other file with its SHA-256 and the head of the
// school's audit chain.
package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/doc"
	"sdgdt/internal/report"
	"sdgdt/internal/sign"
)

// Format names the layout of the archive.
const Format = "sdgdt-archive/1"

// Manifest is manifest.json.
type Manifest struct {
	Format      string     `json:"format"`
	School      School     `json:"school"`
	Year        string     `json:"year"`
	GeneratedAt time.Time  `json:"generated_at"`
	AuditHead   AuditHead  `json:"audit_head"`
	Files       []File     `json:"files"`
	Documents   []Document `json:"documents"`
	Signatures  []Sig      `json:"signatures"`
}

// School identifies the school.
type School struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// AuditHead is the head of the school's audit chain when the archive was made.
type AuditHead struct {
	Chain string `json:"chain"`
	Seq   int64  `json:"seq"`
	Hash  string `json:"hash"`
}

// File is one file of the archive besides manifest.json.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
}

// Document is one issued document: its PDF, its canonical data and the
// digest and verification code the PDF prints.
type Document struct {
	Code   string `json:"code"`
	Kind   string `json:"kind"`
	PDF    string `json:"pdf"`
	Data   string `json:"data"`
	Digest string `json:"digest"`
}

// Sig is one detached CMS signature (signatures/…p7s) over a data file.
type Sig struct {
	Path string `json:"path"`
	Data string `json:"data"`
}

// Progress is told how many steps of how many are done.
type Progress func(done, total int)

// writer collects the files of an archive.
type writer struct {
	zw   *zip.Writer
	m    Manifest
	sigs map[int64]bool // signatures already written
}

func (w *writer) add(name string, b []byte) error {
	method := zip.Deflate
	if strings.HasSuffix(name, ".pdf") {
		method = zip.Store // already compressed
	}
	f, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: w.m.GeneratedAt})
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	w.m.Files = append(w.m.Files, File{Path: name, SHA256: hex.EncodeToString(sum[:]), Size: len(b)})
	return nil
}

func (w *writer) document(dir, base string, pdf []byte, is app.Issued) error {
	p, d := dir+"/"+base+".pdf", "data/"+dir+"/"+base+".json"
	if err := w.add(p, pdf); err != nil {
		return err
	}
	if err := w.add(d, is.Data); err != nil {
		return err
	}
	w.m.Documents = append(w.m.Documents, Document{Code: is.Code, Kind: is.Doc.Kind, PDF: p, Data: d, Digest: is.Digest})
	// The signatures over the document's parts, each with the canonical
	// document it covers (06-signatures.md).
	for _, sg := range is.Signatures {
		if w.sigs == nil {
			w.sigs = map[int64]bool{}
		}
		if w.sigs[sg.ID] || len(sg.CMS) == 0 {
			continue
		}
		w.sigs[sg.ID] = true
		id := strconv.FormatInt(sg.ID, 10)
		sp, sd := "signatures/"+id+".p7s", "data/signed/"+id+".json"
		if err := w.add(sd, sg.Canonical); err != nil {
			return err
		}
		if err := w.add(sp, sg.CMS); err != nil {
			return err
		}
		w.m.Signatures = append(w.m.Signatures, Sig{Path: sp, Data: sd})
	}
	return nil
}

// Export writes the archive of a school's year to out. The caller writes to
// a temporary file and keeps it only when Export succeeds.
func Export(ctx context.Context, a *app.App, p *app.Principal, schoolID int64, year string, out io.Writer, progress Progress) error {
	scope, err := a.ArchiveOf(ctx, p, schoolID, year)
	if err != nil {
		return err
	}
	w := &writer{zw: zip.NewWriter(out), m: Manifest{Format: Format, Year: scope.Year.Name, GeneratedAt: a.Now().UTC().Truncate(time.Second),
		School: School{ID: scope.School.ID, Code: scope.School.Code, Name: scope.School.Name}}}
	total := 2*len(scope.Classes) + 1
	done := 0
	step := func() {
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	if progress != nil {
		progress(0, total)
	}
	for _, c := range scope.Classes {
		terms := []string{"hk1", "hk2", "year"}
		if sdgdt.SheetKindOf(c.Ruleset) != sdgdt.SheetSecondary {
			terms = app.PrimaryPoints
		}
		for _, term := range terms {
			pdf, _, is, err := doc.ClassBookFor(ctx, a, p, c.ID, term)
			if err != nil {
				return fmt.Errorf("lớp %s, %s: %w", c.Name, sdgdt.TermName(term), err)
			}
			if err := w.document("books", "lop-"+report.Slug(c.Name)+"-"+term, pdf, is); err != nil {
				return err
			}
		}
		step()
		prs, iss, err := a.ClassPupilRecords(ctx, p, c.ID, sdgdt.DocHocBa)
		if err != nil {
			return fmt.Errorf("học bạ lớp %s: %w", c.Name, err)
		}
		for i := range prs {
			h, issue := doc.From(iss[i])
			pdf, err := doc.PupilRecord(doc.PupilRecordInput{Record: &prs[i], Head: h, Issue: issue})
			if err != nil {
				return err
			}
			base := strconv.FormatInt(prs[i].Pupil.ID, 10) + "-" + report.Slug(prs[i].Pupil.FullName())
			if err := w.document("records/lop-"+report.Slug(c.Name), base, pdf, iss[i]); err != nil {
				return err
			}
		}
		step()
	}
	pdf, _, is, err := doc.CorrectionsFor(ctx, a, p, schoolID, scope.Year.ID)
	if err != nil {
		return fmt.Errorf("sổ đăng ký điều chỉnh: %w", err)
	}
	if err := w.document("books", "so-dang-ky-dieu-chinh", pdf, is); err != nil {
		return err
	}
	step()
	return w.finish(ctx, a, schoolID)
}

// finish writes trust.pem and manifest.json and closes the zip.
func (w *writer) finish(ctx context.Context, a *app.App, schoolID int64) error {
	// The trust roots of the signatures: the province CA and the configured
	// roots (none before "sdgdt ca init").
	trust, err := a.TrustPEM(ctx)
	if err != nil && sdgdt.ErrorCode(err) != sdgdt.ENOTFOUND {
		return err
	}
	if len(w.m.Signatures) > 0 && len(trust) == 0 {
		return errors.New("archive: signatures without trust roots")
	}
	if err := w.add("trust.pem", trust); err != nil {
		return err
	}
	w.m.AuditHead.Chain, w.m.AuditHead.Seq, w.m.AuditHead.Hash, err = a.AuditHead(ctx, schoolID)
	if err != nil {
		return err
	}
	if w.m.Signatures == nil {
		w.m.Signatures = []Sig{}
	}
	mb, err := json.MarshalIndent(w.m, "", "  ")
	if err != nil {
		return err
	}
	f, err := w.zw.Create("manifest.json")
	if err != nil {
		return err
	}
	if _, err := f.Write(mb); err != nil {
		return err
	}
	return w.zw.Close()
}

// Error is a failed check: the file that does not hold and why.
type Error struct {
	File    string
	Message string
}

func (e *Error) Error() string { return e.File + ": " + e.Message }

// Verify checks an archive: it is a zip, every file is listed in
// manifest.json with the right SHA-256 and nothing else is there, every data
// file has the digest its document prints, and every signature verifies over
// its data with trust.pem. The first file that does not hold is named.
func Verify(r io.ReaderAt, size int64, name string) (*Manifest, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &Error{name, "không phải tệp zip hợp lệ (" + err.Error() + ")"}
	}
	files := map[string]*zip.File{}
	var names []string
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return nil, &Error{f.Name, "có hai lần trong tệp zip"}
		}
		files[f.Name] = f
		names = append(names, f.Name)
	}
	read := func(n string) ([]byte, error) {
		f := files[n]
		if f == nil {
			return nil, &Error{n, "thiếu tệp (manifest.json có ghi)"}
		}
		if f.UncompressedSize64 > 1<<30 {
			return nil, &Error{n, "tệp quá lớn"}
		}
		rc, err := f.Open()
		if err != nil {
			return nil, &Error{n, "không đọc được (" + err.Error() + ")"}
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, 1<<30))
		if err != nil {
			if errors.Is(err, zip.ErrChecksum) {
				return nil, &Error{n, "tệp đã bị thay đổi hoặc hỏng (sai mã kiểm tra CRC)"}
			}
			return nil, &Error{n, "không đọc được (" + err.Error() + ")"}
		}
		return b, nil
	}
	mb, err := read("manifest.json")
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, &Error{"manifest.json", "không đọc được (" + err.Error() + ")"}
	}
	if m.Format != Format {
		return nil, &Error{"manifest.json", "định dạng «" + m.Format + "» không phải " + Format}
	}
	listed := map[string]File{}
	for _, f := range m.Files {
		listed[f.Path] = f
	}
	sort.Strings(names)
	for _, n := range names {
		if _, ok := listed[n]; !ok && n != "manifest.json" {
			return nil, &Error{n, "tệp thừa: manifest.json không ghi tệp này"}
		}
	}
	content := map[string][]byte{}
	for _, f := range m.Files {
		b, err := read(f.Path)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
			return nil, &Error{f.Path, "tệp đã bị thay đổi: SHA-256 " + got + " khác với manifest.json (" + f.SHA256 + ")"}
		}
		content[f.Path] = b
	}
	for _, d := range m.Documents {
		b, ok := content[d.Data]
		if !ok {
			return nil, &Error{d.Data, "thiếu dữ liệu của tài liệu " + d.Code}
		}
		if _, ok := content[d.PDF]; !ok {
			return nil, &Error{d.PDF, "thiếu bản PDF của tài liệu " + d.Code}
		}
		if got := sign.Digest(b); got != d.Digest {
			return nil, &Error{d.Data, "dữ liệu không khớp dấu dữ liệu in trên tài liệu " + d.Code}
		}
	}
	if len(m.Signatures) > 0 {
		pool, _, err := sign.ParseTrustRoots(content["trust.pem"])
		if err != nil {
			return nil, &Error{"trust.pem", "không đọc được chứng thư gốc (" + err.Error() + ")"}
		}
		for _, s := range m.Signatures {
			sig, data := content[s.Path], content[s.Data]
			if sig == nil || data == nil {
				return nil, &Error{s.Path, "thiếu chữ ký hoặc dữ liệu được ký (" + s.Data + ")"}
			}
			if _, err := sign.Verify(sig, data, sign.VerifyOptions{Roots: pool, Now: m.GeneratedAt.Add(time.Minute)}); err != nil {
				return nil, &Error{s.Path, "chữ ký không hợp lệ trên " + path.Base(s.Data) + ": " + sign.Reason(err)}
			}
		}
	}
	return &m, nil
}

// VerifyBytes is Verify over an archive in memory.
func VerifyBytes(b []byte, name string) (*Manifest, error) {
	return Verify(bytes.NewReader(b), int64(len(b)), name)
}
