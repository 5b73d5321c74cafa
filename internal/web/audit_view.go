package web

// The audit log page shows an entry's before and after as readable lines,
// "field: old → new", with Vietnamese labels and values as text: never the
// stored JSON.

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
)

// auditLine is one line of an audit entry's detail.
type auditLine struct {
	Label    string
	Old, New string
	Changed  bool // Old → New; else the value (New) alone
}

// auditLines compares an entry's before and after, key by key.
func auditLines(before, after string) []auditLine {
	b, a := flatJSON(before), flatJSON(after)
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return auditKeyLess(keys[i], keys[j]) })
	out := make([]auditLine, 0, len(keys))
	for _, k := range keys {
		ov, inB := b[k]
		nv, inA := a[k]
		ot, nt := auditValue(k, ov), auditValue(k, nv)
		l := auditLine{Label: auditLabel(k), Old: ot, New: nt}
		switch {
		case inB && inA && ov == nv:
		case inB && !inA:
			l.New, l.Changed = "(không còn)", true
		case inB || (inA && auditIsCell(k)):
			l.Changed = true
		}
		if l.Changed && l.Old == "" {
			l.Old = "(trống)"
		}
		if l.Changed && l.New == "" {
			l.New = "(trống)"
		}
		out = append(out, l)
	}
	return out
}

// flatJSON reads a JSON document as "a.b.c" → value text; a document that is
// not an object is one value under "".
func flatJSON(s string) map[string]string {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		out[""] = s
		return out
	}
	flatten("", v, out)
	return out
}

func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, e, out)
		}
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			m := map[string]string{}
			flatten("", e, m)
			for _, t := range m {
				parts = append(parts, t)
			}
		}
		out[prefix] = strings.Join(parts, ", ")
	case nil:
		out[prefix] = ""
	case bool:
		out[prefix] = map[bool]string{true: "có", false: "không"}[x]
	case float64:
		out[prefix] = strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	case string:
		out[prefix] = x
	}
}

// auditIsCell reports whether a key is a cell of a sheet: cells.<pupil>.<field>.
func auditIsCell(k string) bool { return strings.HasPrefix(k, "cells.") }

// auditKeyLess orders the lines: the entry's own fields first, then the cells
// by pupil and field.
func auditKeyLess(a, b string) bool {
	if auditIsCell(a) != auditIsCell(b) {
		return !auditIsCell(a)
	}
	return a < b
}

// auditKeyLabel are the labels of the fields audit entries hold.
func auditKeyLabel(k string) string {
	switch k {
	case "version":
		return "Phiên bản sổ"
	case "via":
		return "Nhập qua"
	case "subject":
		return "Môn"
	case "term":
		return "Kì"
	case "class":
		return "Lớp"
	case "reason":
		return "Lý do"
	case "note":
		return "Ghi chú"
	case "name", "full_name":
		return "Họ và tên"
	case "username":
		return "Tên đăng nhập"
	case "role":
		return "Vai trò"
	case "email":
		return "Thư điện tử"
	case "phone":
		return "Số điện thoại"
	case "kind":
		return "Loại"
	case "code":
		return "Mã"
	case "from":
		return "Từ"
	case "until":
		return "Đến"
	case "level":
		return "Mức"
	case "comment":
		return "Nhận xét"
	case "status":
		return "Trạng thái"
	case "retests":
		return "Kiểm tra lại"
	case "conduct":
		return "Rèn luyện"
	case "comments":
		return "Nhận xét"
	case "pupils", "pupil":
		return "Học sinh"
	case "user_agent":
		return "Trình duyệt"
	case "ip":
		return "Địa chỉ"
	case "sex":
		return "Giới tính"
	case "":
		return "Giá trị"
	}
	if l, ok := pupilLabels[k]; ok {
		return l
	}
	return ""
}

// auditLabel names a flattened key: "Học sinh #12 · ĐĐGtx 1", "Môn",
// "Kiểm tra lại · Học sinh #12 · Toán".
func auditLabel(k string) string {
	if rest, ok := strings.CutPrefix(k, "cells."); ok {
		pupil, field, _ := strings.Cut(rest, ".")
		return "Học sinh #" + pupil + " · " + fieldName(field)
	}
	parts := strings.Split(k, ".")
	for i, p := range parts {
		switch {
		case auditKeyLabel(p) != "":
			parts[i] = auditKeyLabel(p)
		case p != "" && strings.Trim(p, "0123456789") == "":
			parts[i] = "#" + p
			if i > 0 && auditPupilKeys(parts[i-1]) {
				parts[i] = "Học sinh #" + p
			}
		case assess.SubjectName(p) != p:
			parts[i] = assess.SubjectName(p)
		case sdgdt.Term(p).Valid():
			parts[i] = sdgdt.TermName(p)
		default:
			parts[i] = fieldName(p)
		}
	}
	return strings.Join(parts, " · ")
}

// auditPupilKeys reports whether the keys under a label are pupils' ids.
func auditPupilKeys(label string) bool {
	switch label {
	case "Kiểm tra lại", "Rèn luyện", "Nhận xét", "Học sinh":
		return true
	}
	return false
}

// auditValue shows a value as text: names for codes the entry holds.
func auditValue(k, v string) string {
	last := k[strings.LastIndexByte(k, '.')+1:]
	switch {
	case v == "":
		return ""
	case auditIsCell(k):
		_, field, _ := strings.Cut(strings.TrimPrefix(k, "cells."), ".")
		return app.MarkText(field, v)
	case last == "via":
		return viaName(v)
	case last == "subject":
		return assess.SubjectName(v)
	case last == "term":
		return sdgdt.TermName(v)
	case last == "role":
		return sdgdt.RoleName(v)
	case last == "sex":
		return sdgdt.SexName(v)
	}
	return v
}

// viaName is the Vietnamese name of the way a cell was written.
func viaName(via string) string {
	switch via {
	case app.ViaGrid:
		return "Bảng nhập điểm"
	case app.ViaAPI:
		return "API"
	case app.ViaUpload:
		return "Tải tệp Excel"
	case app.ViaCorrection:
		return "Điều chỉnh sau khóa sổ"
	case app.ViaImport:
		return "Nhập từ tệp"
	}
	return "Khác"
}

// fieldName names a field of a sheet for people: "ĐĐGtx 2", "Giữa kì",
// "Tiếng Việt – bài kiểm tra"; a field of a primary subject is written
// <subject>.<field>.
func fieldName(field string) string {
	if sub, f, ok := strings.Cut(field, "."); ok && assess.SubjectName(sub) != sub {
		return assess.SubjectName(sub) + " – " + fieldName(f)
	}
	switch field {
	case "midterm":
		return "Giữa kì"
	case "final":
		return "Cuối kì"
	case "comment":
		return "Nhận xét"
	case "test":
		return "bài kiểm tra"
	case "level":
		return "mức đạt được"
	}
	if n, ok := strings.CutPrefix(field, "regular["); ok {
		i, _ := strconv.Atoi(strings.TrimSuffix(n, "]"))
		return "ĐĐGtx " + strconv.Itoa(i+1)
	}
	return app.FieldLabel(field)
}
