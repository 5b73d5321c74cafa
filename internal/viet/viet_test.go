package viet

import (
	"sort"
	"testing"
)

func TestNameOrder(t *testing.T) {
	// Each list is in the correct Vietnamese order.
	cases := [][]string{
		{"Nguyễn Văn Anh", "Trần Thị Ánh", "Lê Văn Bình"},  // tone after letters: Anh < Ánh
		{"Lê Văn Dũng", "Phạm Văn Đức", "Hoàng Thị Em"},    // Đ after D
		{"Lê Thị An", "Lê Thị Ân", "Lê Văn Ấn"},            // a < â (An, Ân, Ấn: â then tone)
		{"Trần Văn Hà", "Trần Văn Hạ", "Trần Văn Hai"},     // Hà (huyền) < Hạ (nặng); Ha* before Hai
		{"Nguyễn Thị Lan", "Trần Thị Lan", "Trần Văn Lan"}, // same given: by middle (Thị < Văn), then family
	}
	for _, c := range cases {
		got := append([]string(nil), c...)
		sort.Slice(got, func(i, j int) bool { return FullNameKey(got[i]) < FullNameKey(got[j]) })
		for i := range c {
			if got[i] != c[i] {
				t.Errorf("order of %v: got %v", c, got)
				break
			}
		}
	}
	// o < ô < ơ and u < ư as letters.
	if !(FullNameKey("A Văn On") < FullNameKey("A Văn Ôn") && FullNameKey("A Văn Ôn") < FullNameKey("A Văn Ơn")) {
		t.Error("o, ô, ơ out of order")
	}
	if !(FullNameKey("A Văn Uyên") < FullNameKey("A Văn Ưng")) {
		t.Error("u before ư expected")
	}
	// Composed and decomposed input sort the same.
	if FullNameKey("Nguyễn Ánh") != FullNameKey("Nguye\u0302\u0303n A\u0301nh") {
		t.Error("NFD input gives a different key")
	}
}

func TestSplitName(t *testing.T) {
	cases := []struct{ full, f, m, g string }{
		{"Nguyễn Thị Ngọc Ánh", "Nguyễn", "Thị Ngọc", "Ánh"},
		{"  Lê   Văn  An ", "Lê", "Văn", "An"},
		{"Lê An", "Lê", "", "An"},
		{"An", "", "", "An"},
		{"", "", "", ""},
	}
	for _, c := range cases {
		f, m, g := SplitName(c.full)
		if f != c.f || m != c.m || g != c.g {
			t.Errorf("SplitName(%q) = %q %q %q", c.full, f, m, g)
		}
	}
}

func TestFold(t *testing.T) {
	if got := Fold("Đặng Thị Ánh"); got != "dang thi anh" {
		t.Errorf("Fold = %q", got)
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{"Học kì II": "học kì II", "Cuối học kì I": "cuối học kì I", "Đầu năm": "đầu năm", "": "", "x": "x"} {
		if got := LowerFirst(in); got != want {
			t.Errorf("LowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}
