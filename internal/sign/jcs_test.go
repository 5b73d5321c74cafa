package sign

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// RFC 8785 §3.2.2: the sample input and its exact canonical output.
func TestCanonicalizeRFCSample(t *testing.T) {
	in := `{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`
	want := `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`
	got, err := Canonicalize([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// RFC 8785 §3.2.3: members sorted by UTF-16 code units, so U+1F600 (a
// surrogate pair D83D DE00) sorts before U+FB33.
func TestCanonicalizeRFCSortOrder(t *testing.T) {
	in := `{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`
	want := "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\"," +
		"\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\"," +
		"\"😀\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}"
	got, err := Canonicalize([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// RFC 8785 Appendix B: IEEE-754 doubles and their canonical text.
func TestCanonicalNumbersAppendixB(t *testing.T) {
	cases := []struct {
		bits uint64
		want string // "" = not representable in JSON
	}{
		{0x0000000000000000, "0"},
		{0x8000000000000000, "0"},
		{0x0000000000000001, "5e-324"},
		{0x8000000000000001, "-5e-324"},
		{0x7fefffffffffffff, "1.7976931348623157e+308"},
		{0xffefffffffffffff, "-1.7976931348623157e+308"},
		{0x4340000000000000, "9007199254740992"},
		{0xc340000000000000, "-9007199254740992"},
		{0x4430000000000000, "295147905179352830000"},
		{0x7fffffffffffffff, ""},
		{0x7ff0000000000000, ""},
		{0x44b52d02c7e14af5, "9.999999999999997e+22"},
		{0x44b52d02c7e14af6, "1e+23"},
		{0x44b52d02c7e14af7, "1.0000000000000001e+23"},
		{0x444b1ae4d6e2ef4e, "999999999999999700000"},
		{0x444b1ae4d6e2ef4f, "999999999999999900000"},
		{0x444b1ae4d6e2ef50, "1e+21"},
		{0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
		{0x3eb0c6f7a0b5ed8d, "0.000001"},
		{0x41b3de4355555553, "333333333.3333332"},
		{0x41b3de4355555554, "333333333.33333325"},
		{0x41b3de4355555555, "333333333.3333333"},
		{0x41b3de4355555556, "333333333.3333334"},
		{0x41b3de4355555557, "333333333.33333343"},
		{0xbecbf647612f3696, "-0.0000033333333333333333"},
		{0x43143ff3c1cb0959, "1424953923781206.2"},
	}
	for _, c := range cases {
		f := math.Float64frombits(c.bits)
		t.Run(strconv.FormatUint(c.bits, 16), func(t *testing.T) {
			// Through Canonical (encoding/json's text, then JCS).
			got, err := Canonical(f)
			if c.want == "" {
				if err == nil {
					t.Fatalf("Canonical(%v) = %s, want an error", f, got)
				}
				return
			}
			if err != nil || string(got) != c.want {
				t.Fatalf("Canonical(%v) = %s, %v; want %s", f, got, err, c.want)
			}
			// Through Canonicalize of another spelling of the same double.
			in := strconv.FormatFloat(f, 'E', -1, 64)
			got, err = Canonicalize([]byte("[" + in + "]"))
			if err != nil || string(got) != "["+c.want+"]" {
				t.Fatalf("Canonicalize([%s]) = %s, %v; want [%s]", in, got, err, c.want)
			}
		})
	}
}

// Vietnamese text stays UTF-8 (no \u escapes), keys sort by UTF-16 code
// unit, and encoding/json's HTML escapes are undone.
func TestCanonicalVietnamese(t *testing.T) {
	type row struct {
		Name    string `json:"họ_tên"`
		Mark    string `json:"điểm"`
		Comment string `json:"nhận_xét"`
	}
	doc := map[string]any{
		"trường": "THCS Nguyễn Trãi",
		"Zlớp":   "6A1",
		"àmôn":   "Ngữ văn",
		"Đkỳ":    "hk1",
		"ảnh":    "<b>&</b>",
		"hàng":   []row{{Name: "Nguyễn Thị Hoà", Mark: "8,5", Comment: "Chăm ngoan, tiến bộ rõ rệt."}},
		"số":     45,
	}
	got, err := Canonical(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Zlớp":"6A1","hàng":[{"họ_tên":"Nguyễn Thị Hoà","nhận_xét":"Chăm ngoan, tiến bộ rõ rệt.","điểm":"8,5"}],"số":45,"trường":"THCS Nguyễn Trãi","àmôn":"Ngữ văn","Đkỳ":"hk1","ảnh":"<b>&</b>"}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if bytes.Contains(got, []byte(`\u`)) || !utf8.Valid(got) {
		t.Fatalf("escaped or invalid UTF-8: %s", got)
	}
	// The same text with escapes and white space canonicalizes the same.
	escaped := `{ "Zl\u1edbp" : "6A1", "h\u00e0ng":[{"\u0111i\u1ec3m":"8,5","h\u1ecd_t\u00ean":"Nguy\u1ec5n Th\u1ecb Ho\u00e0","nh\u1eadn_x\u00e9t":"Ch\u0103m ngoan, ti\u1ebfn b\u1ed9 r\u00f5 r\u1ec7t."}],
	  "s\u1ed1": 4.5e1, "tr\u01b0\u1eddng":"THCS Nguy\u1ec5n Tr\u00e3i", "\u00e0m\u00f4n":"Ng\u1eef v\u0103n", "\u0110k\u1ef3":"hk1", "\u1ea3nh":"\u003cb\u003e\u0026\u003c/b\u003e" }`
	got2, err := Canonicalize([]byte(escaped))
	if err != nil {
		t.Fatal(err)
	}
	if string(got2) != want {
		t.Fatalf("escaped input:\ngot  %s\nwant %s", got2, want)
	}
}

func TestCanonicalizeRejects(t *testing.T) {
	cases := map[string]string{
		"duplicate key":        `{"a":1,"a":2}`,
		"trailing comma":       `[1,2,]`,
		"unquoted key":         `{a:1}`,
		"two values":           `{} {}`,
		"invalid UTF-8":        "[\"\xff\"]",
		"lone surrogate":       `["\ud800"]`,
		"integer 2^53+1":       `{"id":9007199254740993}`,
		"negative beyond 2^53": `[-12345678901234567890]`,
		"out of range":         `[1e400]`,
		"leading zero":         `[012]`,
		"empty":                ``,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if out, err := Canonicalize([]byte(in)); err == nil {
				t.Fatalf("Canonicalize(%q) = %s, want an error", in, out)
			}
		})
	}
	if _, err := Canonical(map[string]any{"id": int64(1) << 60}); err == nil || !strings.Contains(err.Error(), "kept exactly") {
		t.Fatalf("Canonical of 2^60: %v, want the 2^53 error", err)
	}
	for _, ok := range []string{`[9007199254740992,-9007199254740992]`, `[295147905179352830000]`, `[0,-0,7,-10]`} {
		if _, err := Canonicalize([]byte(ok)); err != nil {
			t.Fatalf("Canonicalize(%s): %v", ok, err)
		}
	}
}

func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `null`, `0`, `-0`, `1E30`, `[4.50, 2e-3, 1e-27]`,
		`{"b":[1,{"a":"x"}],"a":null}`,
		`{"họ_tên":"Nguyễn Thị Hoà","điểm":"8,5"}`,
		`{"\u20ac":1,"\ud83d\ude00":2,"\ufb33":3}`,
		`"\u000f\n\\\"\/"`,
		`[1e21, 1e-6, 5e-324, 9007199254740992]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Canonicalize(in)
		if err != nil {
			return
		}
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("invalid output %q for %q", out, in)
		}
		again, err := Canonicalize(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
		var a, b any
		if err := json.Unmarshal(in, &a); err != nil {
			t.Fatalf("accepted %q that encoding/json rejects: %v", in, err)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("value changed: %q (%v) -> %q (%v)", in, a, out, b)
		}
	})
}
