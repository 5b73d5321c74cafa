package sign

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixture is a province CA with one teacher's key and certificate, valid
// around the real clock so that openssl (which checks at the current time)
// agrees.
type fixture struct {
	ca     *CA
	key    crypto.Signer
	cert   *x509.Certificate
	signAt time.Time
	now    time.Time
	roots  *x509.CertPool
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	start := now.AddDate(0, -2, 0)
	ca, err := NewCA("CA Sở GD&ĐT Thử Nghiệm", "Sở Giáo dục và Đào tạo Thử Nghiệm", start, 10*365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	key, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(IssueRequest{
		FullName:  "Nguyễn Thị Hoà",
		Username:  "gv.hoa",
		School:    "Trường THCS Nguyễn Trãi",
		Province:  "Thử Nghiệm",
		PublicKey: key.Public(),
		NotBefore: start,
		NotAfter:  start.AddDate(3, 0, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	return &fixture{ca: ca, key: key, cert: cert, signAt: now.Add(-time.Hour), now: now, roots: roots}
}

func (f *fixture) opts() VerifyOptions {
	return VerifyOptions{Roots: f.roots, Now: f.now}
}

// sheetDoc is the canonical document of a 45-pupil sheet (about 20 KB).
func sheetDoc(t testing.TB) []byte {
	t.Helper()
	type row struct {
		PupilID  int      `json:"pupil_id"`
		Name     string   `json:"name"`
		Regular  []string `json:"regular"`
		Midterm  string   `json:"midterm"`
		Final    string   `json:"final"`
		Average  string   `json:"average"`
		Comment  string   `json:"comment"`
		Level    string   `json:"level"`
		Modified string   `json:"modified"`
	}
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"}
	given := []string{"Thị Hoà", "Văn Đức", "Minh Khôi", "Ngọc Ánh", "Quốc Bảo", "Thu Trang", "Gia Huy", "Khánh Linh", "Đức Anh"}
	rows := make([]row, 45)
	for i := range rows {
		rows[i] = row{
			PupilID: 10000 + i,
			Name:    family[i%len(family)] + " " + given[i%len(given)],
			Regular: []string{"8", "7.5", "9", "8.5"},
			Midterm: "7.8", Final: "8.3", Average: "8.1",
			Comment:  "Em chăm chỉ, tích cực phát biểu xây dựng bài; cần rèn thêm kỹ năng trình bày bài viết và đọc hiểu văn bản nghị luận. Tiến bộ rõ rệt so với đầu học kỳ, đạt yêu cầu của môn học.",
			Level:    "Tốt",
			Modified: "2026-12-01T09:30:00+07:00",
		}
	}
	doc, err := Canonical(map[string]any{
		"kind": "sheet", "school": "Trường THCS Nguyễn Trãi", "class": "6A1", "school_year": "2026-2027",
		"term": "hk1", "subject": "Ngữ văn", "rule_set": "tt22/2021.1", "rows": rows,
	})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func needOpenSSL(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not on PATH")
	}
	return path
}

func runOpenSSL(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(needOpenSSL(t), args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func certPEM(certs ...*x509.Certificate) []byte {
	var b []byte
	for _, c := range certs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return b
}

func keyPEM(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
