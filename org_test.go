package sdgdt

import "testing"

func TestForKind(t *testing.T) {
	in := "Danh sách học sinh — HỌC SINH LỚP 10A — Hiệu trưởng ký; Học sinh chuyển trường"
	if got := ForKind("thpt", in); got != in {
		t.Errorf("a school's text changed: %q", got)
	}
	want := "Danh sách học viên — HỌC VIÊN LỚP 10A — Giám đốc ký; Học viên chuyển trường"
	if got := ForKind("gdnn_gdtx", in); got != want {
		t.Errorf("ForKind(gdnn_gdtx) = %q, want %q", got, want)
	}
	if got := ForKind("gdtx_tinh", "Phó Hiệu trưởng"); got != "Phó Giám đốc" {
		t.Errorf("vice-principal: %q", got)
	}
}
