package doc_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/doc"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

var seedOnce sync.Mutex

// demoApp returns the use cases over a copy of the demo province.
func demoApp(t testing.TB, engine string) *app.App {
	t.Helper()
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	seedOnce.Lock()
	defer seedOnce.Unlock()
	db := storetest.Seeded(t, engine, "demo", func(db *store.DB) error {
		_, err := demo.Seed(context.Background(), app.New(db, cfg, nil), "Demo@SoDanhGia2026")
		return err
	})
	cfg.PublicURL = "https://sdgd.example.vn"
	return app.New(db, cfg, nil)
}

// classesOf returns the classes of a demo school of the current year.
func classesOf(t testing.TB, a *app.App, code string) (sdgdt.School, []sdgdt.Class) {
	t.Helper()
	var s sdgdt.School
	var cs []sdgdt.Class
	err := a.DB.View(context.Background(), func(tx *store.Tx) error {
		id, err := tx.SchoolIDByCode(code)
		if err != nil {
			return err
		}
		if s, err = tx.School(id); err != nil {
			return err
		}
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		cs, err = tx.ClassesOf(id, y.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, cs
}

func head(is app.Issued) (doc.Head, doc.Issue) { return doc.From(is) }

// save writes a document under $SDGDT_DOC_OUT (to look at) when it is set.
func save(t *testing.T, name string, pdf []byte) {
	if dir := os.Getenv("SDGDT_DOC_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// text extracts a PDF's text with pdftotext (the test is skipped without it).
func text(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// checkFonts checks with pdffonts that every font is embedded and subset.
func checkFonts(t *testing.T, pdf []byte) {
	t.Helper()
	if _, err := exec.LookPath("pdffonts"); err != nil {
		return
	}
	f := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdffonts", f).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", out)
	}
	for _, l := range lines[2:] {
		fs := strings.Fields(l)
		// name type encoding emb sub uni object ID
		if len(fs) < 7 || fs[len(fs)-5] != "yes" || fs[len(fs)-4] != "yes" {
			t.Errorf("font not embedded and subset: %s", l)
		}
		if !strings.Contains(fs[0], "LiberationSerif") {
			t.Errorf("unexpected font %s", fs[0])
		}
	}
}

func pages(t *testing.T, txt string) int { return strings.Count(txt, "\f") }

func TestClassBookPDF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, empty *store.DB) {
		ctx := context.Background()
		a := demoApp(t, string(empty.Dialect))
		_, classes := classesOf(t, a, "THCS-ND")
		c := classes[0]
		for _, term := range []string{"hk1", "year"} {
			cy, is, err := a.ClassBookDocument(ctx, app.System("test"), c.ID, term)
			if err != nil {
				t.Fatal(err)
			}
			h, iss := head(is)
			sigs := doc.BookSignaturesOf(cy.Signatures)
			if term == "hk1" && len(sigs.Leader) == 0 {
				// The demo signs 6A1's semester I when its sheets are complete;
				// the block is checked with a signature of our own otherwise.
				sigs.Leader = []doc.Signature{{Signer: h.Principal, Role: "Hiệu trưởng", SignedAt: iss.At, Serial: "5F3A0C19"}}
			}
			pdf, err := doc.ClassBook(doc.ClassBookInput{Book: &cy.ClassYear, Term: term, Head: h, Issue: iss, Corrections: cy.Corrections, Signatures: sigs})
			if err != nil {
				t.Fatal(err)
			}
			save(t, "classbook-"+term+".pdf", pdf)
			checkFonts(t, pdf)
			txt := text(t, pdf)
			n := pages(t, txt)
			for _, want := range []string{"SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
				cy.Pupils[0].Pupil.FullName(), cy.Pupils[len(cy.Pupils)-1].Pupil.FullName(), "Lớp " + c.Name, "Trang 1/", "Mã xác thực: " + is.Code,
				doc.ShortDigest(is.Digest), "/verify/" + is.Code, "Giáo viên bộ môn:"} {
				if !strings.Contains(txt, want) {
					t.Errorf("%s: no %q in the text", term, want)
				}
			}
			// The demo signed 6A1's semester I: sheets, homeroom data and the
			// book by the principal; the year is not signed.
			flatTxt := strings.Join(strings.Fields(txt), " ")
			if term == "hk1" {
				if s := sigs.Leader[0]; !strings.Contains(flatTxt, "Đã ký số: "+s.Signer) || !strings.Contains(flatTxt, s.Serial) {
					t.Errorf("hk1: the principal's signature (%s, %s) is not printed", s.Signer, s.Serial)
				}
			} else if !strings.Contains(txt, "Chữ ký: ……") {
				t.Errorf("%s: no empty signature line", term)
			}
			if h.Principal == "" || !strings.Contains(txt, h.Principal) {
				t.Errorf("%s: principal's name %q missing", term, h.Principal)
			}
			if !regexp.MustCompile(`\b\d{1,2},\d\b`).MatchString(txt) {
				t.Errorf("%s: no mark with a decimal comma", term)
			}
			if regexp.MustCompile(`\b\d\.\d\b`).MatchString(txt) {
				t.Errorf("%s: a mark with a decimal point: %s", term, regexp.MustCompile(`.{20}\b\d\.\d\b.{10}`).FindString(txt))
			}
			if !strings.Contains(txt, "Trang "+itoa(n)+"/"+itoa(n)) {
				t.Errorf("%s: %d pages, no 'Trang %d/%d'", term, n, n, n)
			}
			// Every table holds every pupil across its page breaks: the list,
			// each subject of each semester, the summaries and the comments.
			want := 2 + len(cy.Subjects)*len(map[string][]string{"hk1": {"hk1"}, "year": {"hk1", "hk2"}}[term]) + map[string]int{"hk1": 1, "year": 3}[term]
			flat := strings.Join(strings.Fields(txt), " ")
			for _, v := range cy.Pupils {
				if n := strings.Count(flat, v.Pupil.FullName()); n < want {
					t.Errorf("%s: %s appears %d times, want at least %d", term, v.Pupil.FullName(), n, want)
				}
			}
			// Each subject's table holds every pupil: at least a page per subject.
			if min := 3 + len(cy.Subjects); n < min {
				t.Errorf("%s: %d pages, want at least %d", term, n, min)
			}
			// The last page is not blank and not only the signatures.
			last := txt[strings.LastIndex(strings.TrimRight(txt, "\f"), "\f")+1:]
			if !strings.Contains(last, "XÁC NHẬN") || !strings.Contains(last, "GIÁO VIÊN CHỦ NHIỆM") || !strings.Contains(last, cy.Pupils[len(cy.Pupils)-1].Pupil.FullName()) {
				t.Errorf("%s: last page:\n%s", term, last)
			}
		}
		// A term that is not the class's.
		if _, _, err := a.ClassBookDocument(ctx, app.System("test"), c.ID, "gk1"); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("term gk1 of a secondary class: %v", err)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestPrimarySummaryPDF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, empty *store.DB) {
		ctx := context.Background()
		a := demoApp(t, string(empty.Dialect))
		_, classes := classesOf(t, a, "TH-LVT")
		var c sdgdt.Class
		for _, x := range classes {
			if x.Grade == 5 {
				c = x
			}
		}
		for _, point := range []string{"ck1", "cn"} {
			ps, is, err := a.PrimarySummaryDocument(ctx, app.System("test"), c.ID, point)
			if err != nil {
				t.Fatal(err)
			}
			h, iss := head(is)
			pdf, err := doc.PrimarySummary(doc.PrimarySummaryInput{Summary: &ps, Head: h, Issue: iss})
			if err != nil {
				t.Fatal(err)
			}
			save(t, "primary-"+point+".pdf", pdf)
			checkFonts(t, pdf)
			txt := text(t, pdf)
			for _, want := range []string{"BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ GIÁO DỤC", ps.Rows[0].FullName, "Số HS mức T", "GIÁO VIÊN CHỦ NHIỆM", "Mã xác thực: " + is.Code} {
				if !strings.Contains(txt, want) {
					t.Errorf("%s: no %q", point, want)
				}
			}
			if point == "cn" && !strings.Contains(txt, "HIỆU TRƯỞNG") {
				t.Errorf("cn: no principal's block")
			}
		}
		if _, _, err := a.PrimarySummaryDocument(ctx, app.System("test"), c.ID, "hk1"); sdgdt.ErrorCode(err) != sdgdt.EINVALID {
			t.Errorf("point hk1 of a primary class: %v", err)
		}
	})
}

func TestPupilRecordAndCorrectionsPDF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, empty *store.DB) {
		ctx := context.Background()
		a := demoApp(t, string(empty.Dialect))
		for _, code := range []string{"THCS-ND", "TH-LVT"} {
			s, classes := classesOf(t, a, code)
			cy, err := a.ClassRecords(ctx, app.System("test"), classes[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			pupil := cy.Roster[0].Pupil
			pr, is, err := a.PupilRecordDocument(ctx, app.System("test"), pupil.ID, sdgdt.DocHocBa, nil)
			if err != nil {
				t.Fatal(err)
			}
			h, iss := head(is)
			pdf, err := doc.PupilRecord(doc.PupilRecordInput{Record: &pr, Head: h, Issue: iss})
			if err != nil {
				t.Fatal(err)
			}
			save(t, "hocba-"+code+".pdf", pdf)
			txt := text(t, pdf)
			for _, want := range []string{"HỌC BẠ", pupil.FullName(), doc.Date(pupil.DateOfBirth), "NĂM HỌC", "Mã xác thực: " + is.Code} {
				if !strings.Contains(txt, want) {
					t.Errorf("%s học bạ: no %q", code, want)
				}
			}
			cr, is, err := a.CorrectionsDocument(ctx, app.System("test"), s.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			h, iss = head(is)
			pdf, err = doc.Corrections(doc.CorrectionsInput{Year: cr.Year.Name, Corrections: cr.Corrections, Head: h, Issue: iss})
			if err != nil {
				t.Fatal(err)
			}
			save(t, "corrections-"+code+".pdf", pdf)
			txt = text(t, pdf)
			if !strings.Contains(txt, "SỔ ĐĂNG KÝ ĐIỀU CHỈNH") || !strings.Contains(txt, "Tổng số đề nghị: ") {
				t.Errorf("%s corrections register:\n%s", code, txt)
			}
		}
	})
}

// BenchmarkClassBookPDF prints the class book of a 45-pupil class for a
// semester and for the year: load, issue and build (target: under 1 s).
func BenchmarkClassBookPDF(b *testing.B) {
	ctx := context.Background()
	a := demoApp(b, "sqlite")
	_, classes := classesOf(b, a, "THCS-ND")
	var c sdgdt.Class
	var most int
	for _, x := range classes {
		cr, err := a.ClassRecords(ctx, app.System("bench"), x.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(cr.Roster) > most {
			c, most = x, len(cr.Roster)
		}
	}
	for _, term := range []string{"hk1", "year"} {
		b.Run(term, func(b *testing.B) {
			var pages int
			start := time.Now()
			for i := 0; i < b.N; i++ {
				cy, is, err := a.ClassBookDocument(ctx, app.System("bench"), c.ID, term)
				if err != nil {
					b.Fatal(err)
				}
				// A 45-pupil class: the demo's largest, with pupils repeated to 45.
				for len(cy.Pupils) < 45 {
					v := cy.Pupils[len(cy.Pupils)%most]
					v.N = len(cy.Pupils) + 1
					cy.Pupils = append(cy.Pupils, v)
				}
				h, iss := head(is)
				pdf, err := doc.ClassBook(doc.ClassBookInput{Book: &cy.ClassYear, Term: term, Head: h, Issue: iss})
				if err != nil {
					b.Fatal(err)
				}
				pages = bytes.Count(pdf, []byte("/Type /Page\n"))
			}
			ms := float64(time.Since(start).Microseconds()) / 1000 / float64(b.N)
			b.ReportMetric(ms, "ms/book")
			b.ReportMetric(float64(pages), "pages")
		})
	}
}

func TestCorrectionsRegister(t *testing.T) {
	at := time.Date(2027, 1, 20, 3, 0, 0, 0, time.UTC)
	cs := []sdgdt.Correction{{ID: 1, SheetID: 12, ClassName: "8A1", Subject: "toan", Term: "hk1", Status: "applied", Reason: "Nhập nhầm điểm bài kiểm tra cuối kì của học sinh",
		RequesterName: "Nguyễn Văn Bình", RequestedAt: at, DeciderName: "Phạm Ngọc Linh", DecidedAt: at.Add(time.Hour), DecisionNote: "Đồng ý",
		BoardWitnessName: "Trần Thị Hoa", BoardWitnessAt: at.Add(2 * time.Hour), HomeroomName: "Lê Văn Hùng", HomeroomWitnessAt: at.Add(3 * time.Hour), AppliedAt: at.Add(3 * time.Hour),
		Cells: []sdgdt.CorrectionCell{{PupilName: "Đặng Thị Ngọc Ánh", Field: "final", OldValue: "6.5", NewValue: "8.5"}, {PupilName: "Hồ Đức Lợi", Field: "regular[1]", OldValue: "", NewValue: "7"}}},
		{ID: 2, ClassName: "9A2", Subject: "ngu_van", Term: "hk2", Status: "requested", Reason: "Thiếu điểm", RequesterName: "Vũ Thị Mai", RequestedAt: at.Add(48 * time.Hour),
			Cells: []sdgdt.CorrectionCell{{PupilName: "Bùi Văn Sơn", Field: "midterm", OldValue: "4", NewValue: "5.5"}}}}
	pdf, err := doc.Corrections(doc.CorrectionsInput{Year: "2026-2027", Corrections: cs, Issue: doc.Issue{Code: "TEST-CODE-0001", URL: "https://sdgd.example.vn/verify/TEST-CODE-0001", Digest: strings.Repeat("ab", 32), At: at},
		Head: doc.Head{Unit: "Phòng Giáo dục và Đào tạo thành phố Buôn Ma Thuột", School: "Trường THCS Nguyễn Du", Principal: "Phạm Ngọc Linh"}})
	if err != nil {
		t.Fatal(err)
	}
	save(t, "corrections-synthetic.pdf", pdf)
	checkFonts(t, pdf)
	txt := text(t, pdf)
	for _, want := range []string{"SỔ ĐĂNG KÝ ĐIỀU CHỈNH KẾT QUẢ ĐÁNH GIÁ", "Đặng Thị Ngọc Ánh", "ĐĐGck: 6,5", "8,5", "(trống) → 7", "4 → 5,5", "20/01/2027",
		"Phạm Ngọc Linh", "Trần Thị Hoa", "Tổng số đề nghị: 2", "ABAB-ABAB-ABAB-ABAB", "Trang 1/1"} {
		if !strings.Contains(strings.Join(strings.Fields(txt), " "), want) {
			t.Errorf("no %q in:\n%s", want, txt)
		}
	}
}
