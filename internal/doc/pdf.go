// Package doc builds the printed documents of the system as PDF — the class
// book (Sổ theo dõi và đánh giá học sinh), the primary Bảng tổng hợp, the
// học bạ and the corrections register — from domain values (package sdgdt)
// and the read models of internal/app.
//
// Every document is A4 with the official header (managing unit, school, the
// national motto), page "x/y" and the document's verification code and short
// data digest in the footer, a signature block with the principal's name and
// the date line, a stamp area, and a QR code leading to /verify/{code} with the
// address beside it. Text is set in Liberation Serif (SIL OFL, fonts/),
// embedded and subset, so that pdftotext extracts every diacritic. Marks are
// written with a decimal comma and dates as dd/mm/yyyy.
//
// Each document is one function returning the whole file, so a handler writes
// headers only once it is complete. doc may import sdgdt, internal/app (view
// types and pure helpers), internal/assess; it never imports store or web.
package doc

import (
	"bytes"
	_ "embed"
	"encoding/xml"
	"errors"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"sdgdt/internal/app"
)

//go:embed fonts/LiberationSerif-Regular.ttf
var fontRegular []byte

//go:embed fonts/LiberationSerif-Bold.ttf
var fontBold []byte

//go:embed fonts/LiberationSerif-Italic.ttf
var fontItalic []byte

// The sRGB profile of the output intent (International Color Consortium,
// free to embed: icc/LICENSE.color.org).
//
//go:embed icc/sRGB2014.icc
var srgbICC []byte

// Vietnam's time zone, for every date printed.
var vietnam = time.FixedZone("ICT", 7*3600)

// Issue identifies one issued document: what the verification page looks up.
type Issue struct {
	Code   string    // verification code, in /verify/{code}
	URL    string    // the verification page's full address
	Digest string    // SHA-256 (hex) of the document's canonical data
	At     time.Time // when it was generated
}

// Short is the digest as printed: its first 16 hex digits in groups of four.
func (i Issue) Short() string { return ShortDigest(i.Digest) }

// ShortDigest returns the first 16 hex digits of a digest in groups of four.
func ShortDigest(d string) string {
	d = strings.ToUpper(d)
	if len(d) > 16 {
		d = d[:16]
	}
	var parts []string
	for len(d) > 4 {
		parts = append(parts, d[:4])
		d = d[4:]
	}
	return strings.Join(append(parts, d), "-")
}

// Signature is one valid digital signature over a document's data, as the
// signature block prints it.
type Signature struct {
	Signer   string
	Role     string // "Giáo viên chủ nhiệm", "Hiệu trưởng", ...
	SignedAt time.Time
	Serial   string // the certificate's serial number
}

// Head is the managing unit and school printed at the top of a document.
type Head struct {
	Unit      string // "Phòng Giáo dục và Đào tạo ..." / "Sở Giáo dục và Đào tạo ..."
	School    string
	Address   string
	Principal string // the principal's (or centre director's) name, "" when unknown
	// PrincipalTitle is "Hiệu trưởng" or "Giám đốc" ("" means Hiệu trưởng).
	PrincipalTitle string
}

func (h Head) principalTitle() string {
	if h.PrincipalTitle == "" {
		return "Hiệu trưởng"
	}
	return h.PrincipalTitle
}

// page geometry and style
const (
	margin  = 12.0
	footerH = 10.0
)

// builder wraps one fpdf document with the house layout.
type builder struct {
	f        *fpdf.Fpdf
	issue    Issue
	head     Head
	title    string // the running title of every page after the first
	landsc   bool
	pageW    float64
	pageH    float64
	started  bool
	qrLoaded bool
}

func newBuilder(landscape bool, title string, head Head, issue Issue) *builder {
	orient := "P"
	if landscape {
		orient = "L"
	}
	f := fpdf.New(orient, "mm", "A4", "")
	for _, ff := range fontFaces {
		f.AddUTF8FontFromBytes(ff.family, "", ff.ttf)
	}
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, margin+footerH)
	f.AliasNbPages("{nb}")
	f.SetTitle(title, true)
	f.SetAuthor(head.School, true)
	f.SetSubject(title+" — "+head.School, true)
	f.SetCreator("SĐGĐT — Sổ đánh giá điện tử", true)
	f.SetProducer("SĐGĐT (go-pdf/fpdf)", true)
	f.SetKeywords("mã xác thực "+issue.Code+"; dấu dữ liệu "+issue.Digest, true)
	f.SetLang("vi-VN")
	if !issue.At.IsZero() {
		f.SetCreationDate(issue.At)
		f.SetModificationDate(issue.At)
	}
	// Traits of PDF/A-2b that fpdf allows: fonts embedded (above), an sRGB
	// output intent, XMP metadata, no encryption. Conformance is not claimed
	// (no pdfaid in the XMP): it has not been validated.
	f.AddOutputIntent(fpdf.OutputIntentType{SubtypeIdent: fpdf.OutputIntent_GTS_PDFA1, OutputConditionIdentifier: "sRGB IEC61966-2.1",
		Info: "sRGB IEC61966-2.1", ICCProfile: srgbICC})
	f.SetXmpMetadata(xmp(title, head.School, issue))
	w, h := f.GetPageSize()
	b := &builder{f: f, issue: issue, head: head, title: title, landsc: landscape, pageW: w, pageH: h}
	f.SetHeaderFuncMode(b.runningHeader, false)
	f.SetFooterFunc(b.footer)
	return b
}

func (b *builder) font(style string, size float64) {
	switch style {
	case "B":
		b.f.SetFont(fontFaces[1].family, "", size)
	case "I":
		b.f.SetFont(fontFaces[2].family, "", size)
	default:
		b.f.SetFont(fontFaces[0].family, "", size)
	}
}

// fontFaces are the embedded faces. fpdf names a font "utf8"+family and
// marks no subset; the family names are chosen so that, in the finished
// file, "utf8"+family can be replaced by the subset name PDF expects
// ("ABCDEF+LiberationSerif") without changing a byte offset.
var fontFaces = [3]struct {
	family, name string
	ttf          []byte
}{
	{"sdgdtSerifRegular1", "SDGDTA+LiberationSerif", fontRegular},
	{"sdgdtSerifBoldPadded123", "SDGDTB+LiberationSerif-Bold", fontBold},
	{"sdgdtSerifItalicPadded123", "SDGDTC+LiberationSerif-Italic", fontItalic},
}

// bottom is the lowest y the content may reach.
func (b *builder) bottom() float64 { return b.pageH - margin - footerH }

// contentW is the width between the margins.
func (b *builder) contentW() float64 { return b.pageW - 2*margin }

func (b *builder) addPage() {
	b.f.AddPage()
	b.started = true
}

// ensure starts a new page unless h mm remain on this one.
func (b *builder) ensure(h float64) {
	if !b.started || b.f.GetY()+h > b.bottom() {
		b.addPage()
	}
}

func (b *builder) runningHeader() {
	if b.f.PageNo() == 1 {
		return
	}
	b.font("I", 8)
	b.f.SetTextColor(90, 90, 90)
	b.f.SetXY(margin, 6)
	b.f.CellFormat(b.contentW()/2, 4, b.head.School, "", 0, "L", false, 0, "")
	b.f.CellFormat(b.contentW()/2, 4, b.title, "", 0, "R", false, 0, "")
	b.f.SetDrawColor(160, 160, 160)
	b.f.Line(margin, 10.5, b.pageW-margin, 10.5)
	b.f.SetTextColor(0, 0, 0)
	b.f.SetDrawColor(0, 0, 0)
	b.f.SetXY(margin, margin+1)
}

func (b *builder) footer() {
	b.f.SetY(-margin - 3)
	b.f.SetDrawColor(160, 160, 160)
	b.f.Line(margin, b.f.GetY()-1, b.pageW-margin, b.f.GetY()-1)
	b.f.SetDrawColor(0, 0, 0)
	b.font("", 8)
	b.f.SetTextColor(70, 70, 70)
	left := "Mã xác thực: " + b.issue.Code + " · Dấu dữ liệu: " + b.issue.Short() + " · In ngày " + Date(b.issue.At)
	b.f.CellFormat(b.contentW()*0.75, 4, left, "", 0, "L", false, 0, "")
	b.f.CellFormat(b.contentW()*0.25, 4, "Trang "+strconv.Itoa(b.f.PageNo())+"/{nb}", "", 0, "R", false, 0, "")
	b.f.SetTextColor(0, 0, 0)
}

// officialHeader draws the managing unit and school (left) and the national
// motto (right) at the top of the current page.
func (b *builder) officialHeader() {
	f := b.f
	y := margin
	colW := b.contentW() * 0.45
	if b.landsc {
		colW = b.contentW() * 0.4
	}
	rightX := b.pageW - margin - colW
	f.SetXY(margin, y)
	unit := strings.ToUpper(b.head.Unit)
	b.fitFont(unit, colW, "", 10.5)
	f.CellFormat(colW, 5, unit, "", 2, "C", false, 0, "")
	b.font("B", 10.5)
	school := strings.ToUpper(b.head.School)
	b.fitFont(school, colW, "B", 10.5)
	f.CellFormat(colW, 5, school, "", 2, "C", false, 0, "")
	f.Line(margin+colW/2-18, y+10.8, margin+colW/2+18, y+10.8)
	b.font("B", 10.5)
	f.SetXY(rightX, y)
	f.CellFormat(colW, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", 2, "C", false, 0, "")
	b.font("B", 11)
	f.SetX(rightX)
	f.CellFormat(colW, 5, "Độc lập - Tự do - Hạnh phúc", "", 2, "C", false, 0, "")
	w := f.GetStringWidth("Độc lập - Tự do - Hạnh phúc")
	f.Line(rightX+colW/2-w/2, y+10.8, rightX+colW/2+w/2, y+10.8)
	f.SetXY(margin, y+16)
}

// heading writes a centred title and an optional italic line under it.
func (b *builder) heading(title, sub string) {
	b.font("B", 14)
	b.f.SetX(margin)
	b.f.MultiCell(b.contentW(), 6.5, title, "", "C", false)
	if sub != "" {
		b.font("I", 10.5)
		b.f.SetX(margin)
		b.f.MultiCell(b.contentW(), 5, sub, "", "C", false)
	}
	b.f.Ln(3)
}

// section writes a bold section title, starting a page if little room is left.
func (b *builder) section(title string) {
	b.ensure(30)
	b.font("B", 12)
	b.f.SetX(margin)
	b.f.MultiCell(b.contentW(), 6, title, "", "L", false)
	b.f.Ln(1)
}

// para writes a paragraph.
func (b *builder) para(style string, size float64, text string) {
	b.font(style, size)
	lines := b.f.SplitText(text, b.contentW())
	b.ensure(float64(len(lines)) * size * 0.45)
	b.f.SetX(margin)
	b.f.MultiCell(b.contentW(), size*0.45, text, "", "L", false)
}

// fitFont sets the largest size not above size at which s fits in w (down to
// 60 % of size).
func (b *builder) fitFont(s string, w float64, style string, size float64) float64 {
	b.font(style, size)
	for sz := size; sz > size*0.6; sz -= 0.25 {
		b.font(style, sz)
		if b.f.GetStringWidth(s) <= w {
			return sz
		}
	}
	b.font(style, size*0.6)
	return size * 0.6
}

// keyValues writes label: value pairs in two columns.
func (b *builder) keyValues(pairs [][2]string, labelW float64) {
	for _, kv := range pairs {
		b.ensure(6)
		b.f.SetX(margin)
		b.font("", 11)
		b.f.CellFormat(labelW, 6, kv[0]+":", "", 0, "L", false, 0, "")
		b.font("B", 11)
		b.f.MultiCell(b.contentW()-labelW, 6, kv[1], "", "L", false)
	}
}

// keyValues2 writes label: value pairs in two columns.
func (b *builder) keyValues2(pairs [][2]string, labelW float64) {
	half := b.contentW() / 2
	for i := 0; i < len(pairs); i += 2 {
		b.ensure(6)
		y := b.f.GetY()
		for k := 0; k < 2 && i+k < len(pairs); k++ {
			kv := pairs[i+k]
			b.f.SetXY(margin+float64(k)*half, y)
			b.font("", 10.5)
			b.f.CellFormat(labelW, 6, kv[0]+":", "", 0, "L", false, 0, "")
			b.fitFont(kv[1], half-labelW-2, "B", 10.5)
			b.f.CellFormat(half-labelW-2, 6, kv[1], "", 0, "L", false, 0, "")
		}
		b.f.SetXY(margin, y+6)
	}
}

// output returns the PDF, or the first error fpdf met.
func (b *builder) output() ([]byte, error) {
	if err := b.f.Error(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := b.f.Output(&buf); err != nil {
		return nil, err
	}
	if buf.Len() == 0 {
		return nil, errors.New("doc: empty PDF")
	}
	out := buf.Bytes()
	for _, ff := range fontFaces {
		from := []byte("/utf8" + strings.ToLower(ff.family))
		to := []byte("/" + ff.name)
		if len(from) != len(to) {
			return nil, errors.New("doc: font name lengths differ")
		}
		out = bytes.ReplaceAll(out, from, to)
	}
	return out, nil
}

// --- Text helpers ---

// Date writes a date as dd/mm/yyyy in Vietnam's time zone ("" for zero).
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format("02/01/2006")
}

// DateTime writes dd/mm/yyyy hh:mm in Vietnam's time zone.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format("02/01/2006 15:04")
}

// dateLine is "……, ngày dd tháng mm năm yyyy".
func dateLine(place string, t time.Time) string {
	if place == "" {
		place = "……………"
	}
	t = t.In(vietnam)
	return place + ", ngày " + t.Format("02") + " tháng " + t.Format("01") + " năm " + t.Format("2006")
}

// Mark writes a stored mark the book's way: decimal comma, Đ/CĐ.
func Mark(v string) string {
	switch v {
	case "D":
		return "Đ"
	case "CD":
		return "CĐ"
	}
	return strings.Replace(v, ".", ",", 1)
}

// --- QR code and the closing block ---

// qr draws the QR code of the verification page at (x, y), size mm square,
// and returns false when it cannot be made.
func (b *builder) qr(x, y, size float64) {
	if b.issue.URL == "" {
		return
	}
	if !b.qrLoaded {
		png, err := qrcode.Encode(b.issue.URL, qrcode.Medium, 256)
		if err != nil {
			b.f.SetError(err)
			return
		}
		b.f.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		b.qrLoaded = true
	}
	b.f.ImageOptions("qr", x, y, size, size, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, b.issue.URL)
}

// signBox is one column of the signature block.
type signBox struct {
	Title string // "GIÁO VIÊN CHỦ NHIỆM"
	Hint  string // "(Ký, ghi rõ họ tên)"
	Name  string
	Sigs  []Signature
	Date  bool // the date line above this box
	Stamp bool // the stamp area in this box
}

// closingHeight is the height of the closing block.
const closingHeight = 62.0

// closing draws the signature block with the QR code and the verification
// address: on this page when it fits, else on a new one (callers keep some
// content with it, see table.tail).
func (b *builder) closing(boxes []signBox) {
	b.ensure(closingHeight)
	f := b.f
	y := f.GetY() + 2
	qrSize := 24.0
	// The verification block on the left.
	qrW := 62.0
	b.qr(margin, y+4, qrSize)
	lines := []string{"Kiểm tra tại:", b.issue.URL, "Mã xác thực: " + b.issue.Code, "Dấu dữ liệu: " + b.issue.Short()}
	for i, l := range lines {
		f.SetXY(margin, y+4+qrSize+1+float64(i)*3.6)
		b.fitFont(l, qrW, "", 8)
		f.CellFormat(qrW, 3.6, l, "", 0, "L", false, 0, "")
	}
	// The signature columns on the right.
	x0 := margin + qrW + 4
	w := (b.pageW - margin - x0) / float64(len(boxes))
	for i, bx := range boxes {
		x := x0 + float64(i)*w
		yy := y
		if bx.Date {
			b.font("I", 10.5)
			f.SetXY(x, yy)
			f.CellFormat(w, 5, dateLine("", b.issue.At), "", 0, "C", false, 0, "")
		}
		yy += 6
		b.font("B", 10.5)
		f.SetXY(x, yy)
		f.MultiCell(w, 5, bx.Title, "", "C", false)
		b.font("I", 9.5)
		f.SetX(x)
		f.MultiCell(w, 4.5, bx.Hint, "", "C", false)
		yy = f.GetY() + 2
		if len(bx.Sigs) == 0 {
			b.font("", 10)
			f.SetXY(x, yy+6)
			f.CellFormat(w, 5, "Chữ ký: ……………………", "", 0, "C", false, 0, "")
		} else {
			b.font("", 8.5)
			f.SetXY(x, yy)
			for _, s := range bx.Sigs {
				f.SetX(x)
				f.MultiCell(w, 3.8, "Đã ký số: "+s.Signer+" ("+s.Role+"), "+DateTime(s.SignedAt)+", chứng thư số "+s.Serial, "", "C", false)
			}
		}
		if bx.Stamp {
			f.SetDrawColor(150, 150, 150)
			f.SetDashPattern([]float64{1, 1}, 0)
			cx := x + 14
			f.Circle(cx, yy+16, 10, "D")
			f.SetDashPattern(nil, 0)
			f.SetDrawColor(0, 0, 0)
			b.font("I", 7)
			f.SetTextColor(130, 130, 130)
			f.SetXY(cx-10, yy+14)
			f.CellFormat(20, 4, "Vị trí đóng dấu", "", 0, "C", false, 0, "")
			f.SetTextColor(0, 0, 0)
		}
		b.font("B", 10.5)
		f.SetXY(x, y+closingHeight-10)
		name := bx.Name
		if name == "" {
			name = "………………………………"
		}
		f.CellFormat(w, 5, name, "", 0, "C", false, 0, "")
	}
	f.SetXY(margin, y+closingHeight)
}

// xmp is the document's XMP metadata packet.
func xmp(title, school string, issue Issue) []byte {
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	at := issue.At.UTC().Format(time.RFC3339)
	return []byte(`<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + esc(title) + `</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>` + esc(school) + `</rdf:li></rdf:Seq></dc:creator>
<dc:identifier>` + esc(issue.Code) + `</dc:identifier>
<xmp:CreateDate>` + at + `</xmp:CreateDate>
<xmp:ModifyDate>` + at + `</xmp:ModifyDate>
<xmp:CreatorTool>SĐGĐT — Sổ đánh giá điện tử</xmp:CreatorTool>
<pdf:Producer>SĐGĐT (go-pdf/fpdf)</pdf:Producer>
<pdf:Keywords>` + esc("mã xác thực "+issue.Code+"; dấu dữ liệu "+issue.Digest) + `</pdf:Keywords>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`)
}

// From returns the head and issue of a document app issued.
func From(is app.Issued) (Head, Issue) {
	h := Head{Unit: is.Head.Unit.Name, School: is.Head.School.Name, Address: is.Head.School.Address,
		Principal: is.Head.Principal, PrincipalTitle: is.Head.PrincipalTitle}
	return h, Issue{Code: is.Code, URL: is.URL, Digest: is.Digest, At: is.Doc.IssuedAt}
}
