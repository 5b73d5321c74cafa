package archive_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/archive"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

// rezip copies an archive through change, which may rewrite or drop an
// entry (return nil) and may add entries at the end.
func rezip(t *testing.T, b []byte, change func(name string, data []byte) []byte, add map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if data = change(f.Name, data); data == nil {
			continue
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	for n, s := range add {
		w, _ := zw.Create(n)
		w.Write([]byte(s))
	}
	zw.Close()
	return out.Bytes()
}

type entry struct {
	name string
	data []byte
}

func rezipFiles(t *testing.T, b []byte) []entry {
	var out []entry
	rezip(t, b, func(n string, d []byte) []byte { out = append(out, entry{n, d}); return d }, nil)
	return out
}

func TestExportVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, empty *store.DB) {
		ctx := context.Background()
		cfg := app.DefaultConfig()
		cfg.Argon = auth.TestParams
		db := storetest.Seeded(t, string(empty.Dialect), "demo", func(db *store.DB) error {
			_, err := demo.Seed(ctx, app.New(db, cfg, nil), "Demo@SoDanhGia2026")
			return err
		})
		a := app.New(db, cfg, nil)
		var school int64
		if err := db.View(ctx, func(tx *store.Tx) error { var err error; school, err = tx.SchoolIDByCode("GDTX-KP"); return err }); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		var last [2]int
		if err := archive.Export(ctx, a, app.System("test"), school, "2026-2027", &buf, func(d, n int) { last = [2]int{d, n} }); err != nil {
			t.Fatal(err)
		}
		if last[0] != last[1] || last[1] == 0 {
			t.Errorf("progress ended at %v", last)
		}
		good := buf.Bytes()
		m, err := archive.VerifyBytes(good, "good.zip")
		if err != nil {
			t.Fatalf("the archive as written: %v", err)
		}
		var books, records int
		for _, d := range m.Documents {
			switch d.Kind {
			case sdgdt.DocClassBook:
				books++
			case sdgdt.DocHocBa:
				records++
			}
		}
		if books == 0 || records == 0 || m.AuditHead.Hash == "" || m.School.Code != "GDTX-KP" {
			t.Errorf("manifest: %d books, %d records, head %+v, school %+v", books, records, m.AuditHead, m.School)
		}
		pdfName := m.Documents[0].PDF
		dataName := m.Documents[0].Data

		// A changed byte in the raw zip: the CRC catches it, naming the file.
		bad := append([]byte(nil), good...)
		i := bytes.Index(bad, []byte("%PDF")) + 400
		bad[i] ^= 0x01
		if _, err := archive.VerifyBytes(bad, "bad.zip"); err == nil || !strings.Contains(err.Error(), pdfName) {
			t.Errorf("a changed byte: %v", err)
		}
		flip := func(data []byte) []byte { c := append([]byte(nil), data...); c[len(c)/2] ^= 0x20; return c }
		var oldSum, newSum string
		for _, f := range m.Files {
			if f.Path == dataName {
				oldSum = f.SHA256
			}
		}
		for _, f := range rezipFiles(t, good) {
			if f.name == dataName {
				newSum = sum(flip(f.data))
			}
		}
		cases := []struct {
			name   string
			zip    []byte
			naming string
		}{
			{"a PDF rewritten (valid CRC)", rezip(t, good, func(n string, d []byte) []byte {
				if n == pdfName {
					return flip(d)
				}
				return d
			}, nil), pdfName},
			{"a missing file", rezip(t, good, func(n string, d []byte) []byte {
				if n == dataName {
					return nil
				}
				return d
			}, nil), dataName},
			{"an extra file", rezip(t, good, func(n string, d []byte) []byte { return d }, map[string]string{"books/them.pdf": "%PDF-1.4"}), "books/them.pdf"},
			{"data changed with its hash in the manifest", rezip(t, good, func(n string, d []byte) []byte {
				switch n {
				case dataName:
					return flip(d)
				case "manifest.json":
					return []byte(strings.Replace(string(d), oldSum, newSum, 1))
				}
				return d
			}, nil), dataName},
			{"a corrupted zip", good[:len(good)/2], "broken.zip"},
		}
		for _, c := range cases {
			name := "broken.zip"
			if _, err := archive.VerifyBytes(c.zip, name); err == nil || !strings.Contains(err.Error(), c.naming) {
				t.Errorf("%s: %v (want naming %s)", c.name, err, c.naming)
			}
		}

		// The same as a background job.
		j, err := a.QueueArchiveJob(ctx, app.System("test"), school, "2026-2027")
		if err != nil {
			t.Fatal(err)
		}
		r := archive.NewRunner(a, t.TempDir(), nil)
		if err := r.RunJob(ctx, j, nil); err != nil {
			t.Fatal(err)
		}
		jb, err := os.ReadFile(r.ResultPath(j.ID))
		if err != nil {
			t.Fatal(err)
		}
		if jm, err := archive.VerifyBytes(jb, "job.zip"); err != nil || len(jm.Documents) != len(m.Documents) {
			t.Errorf("archive job: %v", err)
		}
		if _, err := a.QueueArchiveJob(ctx, app.System("test"), school, "1999-2000"); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("archive job of an unknown year: %v", err)
		}

		// Bad input: an unknown year; nothing is written.
		var none bytes.Buffer
		if err := archive.Export(ctx, a, app.System("test"), school, "1999-2000", &none, nil); sdgdt.ErrorCode(err) != sdgdt.ENOTFOUND || none.Len() != 0 {
			t.Errorf("unknown year: %v, %d bytes", err, none.Len())
		}
	})
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestJobSurvivesRestart leaves a print job running as a stopped server
// would, and checks that a new runner takes it up and finishes it.
func TestJobSurvivesRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, empty *store.DB) {
		ctx := context.Background()
		cfg := app.DefaultConfig()
		cfg.Argon = auth.TestParams
		db := storetest.Seeded(t, string(empty.Dialect), "demo", func(db *store.DB) error {
			_, err := demo.Seed(ctx, app.New(db, cfg, nil), "Demo@SoDanhGia2026")
			return err
		})
		a := app.New(db, cfg, nil)
		var school int64
		if err := db.View(ctx, func(tx *store.Tx) error { var err error; school, err = tx.SchoolIDByCode("TH-LVT"); return err }); err != nil {
			t.Fatal(err)
		}
		if _, err := a.QueueBookJob(ctx, app.System("test"), school, "hk1"); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("hk1 books of a primary school: %v", err)
		}
		j, err := a.QueueBookJob(ctx, app.System("test"), school, "ck1")
		if err != nil {
			t.Fatal(err)
		}
		// The server stopped in the middle of the job.
		j.Status, j.Done, j.Total = sdgdt.JobRunning, 2, 10
		if err := a.SetJob(ctx, &j); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		r := archive.NewRunner(a, dir, nil)
		r.Stale = 0 // the stopped server's job is taken up at once
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { r.Run(runCtx); close(done) }()
		deadline := time.Now().Add(60 * time.Second)
		for {
			got, _, err := a.Job(ctx, app.System("test"), j.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status == sdgdt.JobDone {
				if got.Done != got.Total || got.Total == 0 {
					t.Errorf("done job at %d/%d", got.Done, got.Total)
				}
				break
			}
			if got.Status == sdgdt.JobFailed || time.Now().After(deadline) {
				t.Fatalf("job: %+v", got)
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		<-done
		b, err := os.ReadFile(r.ResultPath(j.ID))
		if err != nil {
			t.Fatal(err)
		}
		m, err := archive.VerifyBytes(b, "job.zip")
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range m.Documents {
			if d.Kind != sdgdt.DocPrimarySummary {
				t.Errorf("a %s in the ck1 books of a primary school", d.Kind)
			}
		}
		if len(m.Documents) == 0 {
			t.Error("no books")
		}
	})
}

// TestSignaturesInBooks prints THCS Nguyễn Du's semester I books, which hold
// the demo's signatures of 6A1, and checks them in the zip.
func TestSignaturesInBooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, empty *store.DB) {
		ctx := context.Background()
		cfg := app.DefaultConfig()
		cfg.Argon = auth.TestParams
		db := storetest.Seeded(t, string(empty.Dialect), "demo", func(db *store.DB) error {
			_, err := demo.Seed(ctx, app.New(db, cfg, nil), "Demo@SoDanhGia2026")
			return err
		})
		a := app.New(db, cfg, nil)
		var school int64
		if err := db.View(ctx, func(tx *store.Tx) error { var err error; school, err = tx.SchoolIDByCode("THCS-ND"); return err }); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := archive.Books(ctx, a, app.System("test"), school, "hk1", &buf, nil); err != nil {
			t.Fatal(err)
		}
		good := buf.Bytes()
		m, err := archive.VerifyBytes(good, "books.zip")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Signatures) == 0 {
			t.Skip("the demo signed nothing of semester I")
		}
		// A signature changed together with its hash in the manifest: the
		// CMS check names it.
		sp := m.Signatures[0].Path
		var oldSum, newSum string
		var changed []byte
		for _, f := range rezipFiles(t, good) {
			if f.name == sp {
				changed = append([]byte(nil), f.data...)
				changed[len(changed)-10] ^= 0x55
				oldSum, newSum = sum(f.data), sum(changed)
			}
		}
		bad := rezip(t, good, func(n string, d []byte) []byte {
			switch n {
			case sp:
				return changed
			case "manifest.json":
				return []byte(strings.Replace(string(d), oldSum, newSum, 1))
			}
			return d
		}, nil)
		if _, err := archive.VerifyBytes(bad, "bad.zip"); err == nil || !strings.Contains(err.Error(), sp) || !strings.Contains(err.Error(), "chữ ký không hợp lệ") {
			t.Errorf("a changed signature: %v", err)
		}
	})
}
