package store

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"sdgdt"
)

// join joins cells as PupilMarks' queries do.
func join(cells []sdgdt.Cell) string {
	var b strings.Builder
	for _, c := range cells {
		b.WriteString(c.Subject + "\x1f" + c.Term + "\x1f" + c.Field + "\x1f" + strconv.Itoa(len(c.Value)) + "\x1f" + c.Value)
	}
	return b.String()
}

func TestJoinedCells(t *testing.T) {
	cells := []sdgdt.Cell{
		{PupilID: 7, Subject: "toan", Term: "hk1", Field: "regular[0]", Value: "8.5"},
		{PupilID: 7, Subject: "gdtc", Term: "hk2", Field: "final", Value: "CĐ"},
		{PupilID: 7, Subject: "ngu_van", Term: "hk1", Field: "midterm", Value: "a\x1fb\x1f3\x1f"}, // separators inside a value
		{PupilID: 7, Subject: "toan", Term: "hk2", Field: "regular[1]", Value: "10"},
	}
	got, err := joinedCells(7, join(cells))
	if err != nil || !reflect.DeepEqual(got, cells) {
		t.Fatalf("joinedCells = %+v, %v; want %+v", got, err, cells)
	}
	if got, err := joinedCells(7, ""); err != nil || len(got) != 0 {
		t.Errorf("no cells: %+v, %v", got, err)
	}
	for _, bad := range []string{
		"toan\x1fhk1\x1fmidterm\x1f",          // no value length
		"toan\x1fhk1\x1fmidterm\x1f4\x1f8.5",  // value shorter than its length
		"toan\x1fhk1\x1fmidterm\x1f-1\x1f8.5", // negative length
		"toan\x1fhk1\x1fmidterm\x1fx\x1f8.5",  // length not a number
		"toan\x1fhk1",                         // cut short
	} {
		if got, err := joinedCells(7, bad); err == nil {
			t.Errorf("%q split into %+v", bad, got)
		}
	}
}

// FuzzJoinedCells: any text either splits into cells that join back to it or
// is refused; it never panics.
func FuzzJoinedCells(f *testing.F) {
	f.Add(join([]sdgdt.Cell{{Subject: "toan", Term: "hk1", Field: "final", Value: "9"}, {Subject: "gdtc", Term: "hk1", Field: "final", Value: "Đ"}}))
	f.Add("toan\x1fhk1\x1fmidterm\x1f4\x1f8.5")
	f.Fuzz(func(t *testing.T, s string) {
		cells, err := joinedCells(1, s)
		if err != nil {
			return
		}
		for _, c := range cells {
			if strings.ContainsRune(c.Subject+c.Term+c.Field, 0x1f) {
				t.Fatalf("%q: a name holds the separator: %+v", s, c)
			}
		}
		// A length written with leading zeros or a sign joins back otherwise:
		// compare the cells it joins back to.
		again, err := joinedCells(1, join(cells))
		if err != nil || !reflect.DeepEqual(again, cells) {
			t.Fatalf("%q: %+v joined again gives %+v, %v", s, cells, again, err)
		}
	})
}
