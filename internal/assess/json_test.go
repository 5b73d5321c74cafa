package assess

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// specExample is the input of 04-rules-json.md, completed with the pupil's
// other subjects at the Khá level (7.0), as the spec's note describes.
const specExample = `{
  "ruleset": "tt22",
  "grade": 8,
  "absent_sessions": 12,
  "conduct": {"hk1": "T", "hk2": "K", "summer": null},
  "subjects": [
    {"code": "toan", "assessed_by": "score", "periods_per_year": 140,
     "hk1": {"regular": [8, 7.5, 9, 6], "midterm": 7, "final": 8.5},
     "hk2": {"regular": [8, 8, 9, 7], "midterm": 8, "final": 8.5},
     "retest": null},
    {"code": "gdtc", "assessed_by": "comment", "periods_per_year": 70,
     "hk1": {"regular": ["D", "D"], "midterm": "D", "final": "D"},
     "hk2": {"regular": ["D", "D"], "midterm": "D", "final": "CD"},
     "retest": null},
    {"code": "nghe_thuat", "not_assessed": true}%s
  ]
}`

var otherK = []string{"ngu_van", "ngoai_ngu_1", "gdcd", "lich_su_dia_li", "khtn", "cong_nghe", "tin_hoc"}

func specInput() string {
	var b strings.Builder
	for _, c := range otherK {
		n := regularN(c, 8)
		reg := strings.TrimSuffix(strings.Repeat("7, ", n), ", ")
		fmt.Fprintf(&b, `,
    {"code": %q, "hk1": {"regular": [%s], "midterm": 7, "final": 7.0}, "hk2": {"regular": [%s], "midterm": 7, "final": 7}}`, c, reg, reg)
	}
	for _, c := range []string{"hdtn_hn", "gddp"} {
		fmt.Fprintf(&b, `,
    {"code": %q, "hk1": {"regular": ["D", "D"], "midterm": "D", "final": "D"}, "hk2": {"regular": ["D", "D"], "midterm": "D", "final": "D"}}`, c)
	}
	return fmt.Sprintf(specExample, b.String())
}

func specOutput() string {
	var b strings.Builder
	for _, c := range otherK {
		fmt.Fprintf(&b, `, {"code": %q, "hk1": 7, "hk2": 7, "year": 7, "retest": null, "year_final": 7}`, c)
	}
	for _, c := range []string{"hdtn_hn", "gddp"} {
		fmt.Fprintf(&b, `, {"code": %q, "hk1": "D", "hk2": "D", "year": "D", "retest": null, "year_final": "D"}`, c)
	}
	return `{
  "complete": true,
  "missing": [],
  "subjects": [
    {"code": "toan", "hk1": 7.8, "hk2": 8.2, "year": 8.1, "retest": null, "year_final": 8.1},
    {"code": "gdtc", "hk1": "D", "hk2": "CD", "year": "CD", "retest": null, "year_final": "CD"},
    {"code": "nghe_thuat", "not_assessed": true, "hk1": null, "hk2": null, "year": null, "retest": null, "year_final": null}` + b.String() + `
  ],
  "hk1":  {"learning": "K", "learning_computed": "K", "adjusted_for": null, "conduct": "T"},
  "hk2":  {"learning": "D", "learning_computed": "D", "adjusted_for": null, "conduct": "K"},
  "year": {
    "learning": "D", "learning_computed": "D", "adjusted_for": null,
    "conduct": "K",
    "retest_subjects": [],
    "learning_final": "D", "conduct_final": "K",
    "promotion": "promoted",
    "award": null
  }
}`
}

func run(t testing.TB, input string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = EvalCommand(strings.NewReader(input), &out, &errb)
	return code, out.String(), errb.String()
}

func sameJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestEvalCommandSpecExample(t *testing.T) {
	code, out, errs := run(t, specInput())
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasSuffix(out, "\n") {
		t.Error("output does not end with a newline")
	}
	sameJSON(t, out, specOutput())
	// Numbers are written from tenths, never as float noise.
	if !strings.Contains(out, `"hk1": 7.8`) || !strings.Contains(out, `"year": 8.1`) {
		t.Errorf("number formatting:\n%s", out)
	}
}

func TestEvalCommandArray(t *testing.T) {
	primary := `{"ruleset": "tt27", "grade": 5, "nominated": false,
  "subjects": [{"code": "tieng_viet", "level": "T", "test": 9}, {"code": "toan", "level": "T", "test": 10}, {"code": "dao_duc", "level": "T"}],
  "qualities": {"yeu_nuoc": "T", "nhan_ai": "T", "cham_chi": "T", "trung_thuc": "T", "trach_nhiem": "T"},
  "competencies": {"tu_chu_tu_hoc": "T", "giao_tiep_hop_tac": "T", "gqvd_sang_tao": "T", "ngon_ngu": "T", "tinh_toan": "T",
                   "khoa_hoc": "T", "cong_nghe": "T", "tin_hoc": "T", "tham_mi": "T", "the_chat": "T"}}`
	code, out, errs := run(t, "["+specInput()+","+primary+"]")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	sameJSON(t, out, "["+specOutput()+`,{"complete": true, "missing": [],
 "year": {"result": "HTXS", "award": "xuat_sac", "completed_grade": true, "completed_primary": true}}]`)

	code, out, _ = run(t, primary)
	if code != 0 {
		t.Fatal(code)
	}
	sameJSON(t, out, `{"complete": true, "missing": [],
 "year": {"result": "HTXS", "award": "xuat_sac", "completed_grade": true, "completed_primary": true}}`)

	incomplete := strings.Replace(primary, `, "test": 9`, "", 1)
	incomplete = strings.Replace(incomplete, `"cham_chi": "T", `, "", 1)
	code, out, _ = run(t, incomplete)
	if code != 0 {
		t.Fatal(code)
	}
	sameJSON(t, out, `{"complete": false, "missing": ["tieng_viet.test", "qualities.cham_chi"],
 "year": {"result": null, "award": null, "completed_grade": null, "completed_primary": null}}`)

	code, out, _ = run(t, "[]")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("empty array: %d %q", code, out)
	}
}

func TestEvalCommandIncomplete(t *testing.T) {
	in := strings.Replace(specInput(), `"midterm": 8, "final": 8.5}`, `"midterm": "P", "final": null}`, 1)
	in = strings.Replace(in, `"hk1": "T", `, "", 1)
	in = strings.Replace(in, `"regular": [8, 7.5, 9, 6]`, `"regular": [8, 7.5, null, 6]`, 1)
	code, out, errs := run(t, in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res struct {
		Complete bool
		Missing  []string
		HK1      map[string]any `json:"hk1"`
		Year     map[string]any `json:"year"`
		Subjects []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	want := []string{"toan.hk1.regular[2]", "toan.hk2.midterm", "toan.hk2.final", "conduct.hk1"}
	if res.Complete || !slices.Equal(res.Missing, want) {
		t.Errorf("complete %v missing %v", res.Complete, res.Missing)
	}
	if res.HK1["learning"] != nil || res.HK1["conduct"] != nil || res.Year["learning"] != nil || res.Year["promotion"] != nil {
		t.Errorf("levels from incomplete data: %v %v", res.HK1, res.Year)
	}
	if res.Subjects[0]["hk1"] != nil || res.Subjects[1]["hk1"] != "D" {
		t.Errorf("subjects %v", res.Subjects[:2])
	}
}

func TestEvalCommandErrors(t *testing.T) {
	good := specInput()
	primary := `{"ruleset": "tt27", "grade": 3, "subjects": [{"code": "toan", "level": "T", "test": 9}]}`
	tests := []struct {
		name  string
		input string
		want  string // in stderr
	}{
		{"malformed JSON", `{"ruleset": `, "malformed JSON"},
		{"not an object", `42`, "malformed input"},
		{"two values", good + good, "more than one value"},
		{"unknown rule set", strings.Replace(good, `"tt22"`, `"tt58"`, 1), "pupil 0: ruleset: unknown rule set"},
		{"missing rule set", strings.Replace(good, `"ruleset": "tt22",`, "", 1), "pupil 0: ruleset: missing"},
		{"missing grade", strings.Replace(good, `"grade": 8,`, "", 1), "pupil 0: grade: missing"},
		{"grade out of range", strings.Replace(good, `"grade": 8,`, `"grade": 5,`, 1), "pupil 0: grade: 5 is outside 6-12"},
		{"missing subjects", `{"ruleset": "tt22", "grade": 8}`, "pupil 0: subjects: missing"},
		{"unknown subject", strings.Replace(good, `"code": "gdtc"`, `"code": "the_duc"`, 1), `pupil 0: subjects[1].code: unknown subject code "the_duc"`},
		{"two decimals", strings.Replace(good, `[8, 7.5, 9, 6]`, `[8, 7.25, 9, 6]`, 1), "pupil 0: subjects[0].hk1.regular[1]: 7.25 has more than one decimal"},
		{"out of range", strings.Replace(good, `"midterm": 7,`, `"midterm": 10.5,`, 1), "pupil 0: subjects[0].hk1.midterm: 10.5 is outside 0-10"},
		{"negative", strings.Replace(good, `"midterm": 7,`, `"midterm": -1,`, 1), "subjects[0].hk1.midterm: -1 is outside 0-10"},
		{"wrong number of marks", strings.Replace(good, `[8, 7.5, 9, 6]`, `[8, 7.5, 9]`, 1), "pupil 0: subjects[0].hk1.regular: 3 marks, want 4"},
		{"empty regular", strings.Replace(good, `[8, 7.5, 9, 6]`, `[]`, 1), "subjects[0].hk1.regular: 0 marks, want 4"},
		{"bad level", strings.Replace(good, `"hk2": "K"`, `"hk2": "G"`, 1), `pupil 0: conduct.hk2: "G" is not a level`},
		{"bad mark code", strings.Replace(good, `["D", "D"], "midterm": "D", "final": "CD"`, `["D", "X"], "midterm": "D", "final": "CD"`, 1), `subjects[1].hk2.regular[1]: "X" is not a mark`},
		{"score in comment subject", strings.Replace(good, `["D", "D"], "midterm": "D", "final": "CD"`, `["D", 5], "midterm": "D", "final": "CD"`, 1), "subjects[1].hk2.regular[1]"},
		{"D in scored subject", strings.Replace(good, `"midterm": 7,`, `"midterm": "D",`, 1), "subjects[0].hk1.midterm"},
		{"unknown field", strings.Replace(good, `"grade": 8,`, `"grade": 8, "colour": 1,`, 1), `pupil 0: unknown field "colour"`},
		{"bad assessed_by", strings.Replace(good, `"assessed_by": "score"`, `"assessed_by": "points"`, 1), "subjects[0].assessed_by"},
		{"second pupil invalid", "[" + good + "," + strings.Replace(good, `"grade": 8`, `"grade": 8.5`, 1) + "]", "pupil 1: grade"},
		{"retest P", strings.Replace(good, `"retest": null}`, `"retest": "P"}`, 1), "subjects[0].retest"},
		{"wrong type", strings.Replace(good, `"absent_sessions": 12`, `"absent_sessions": "12"`, 1), "absent_sessions"},
		{"primary decimal test", strings.Replace(primary, `"test": 9`, `"test": 9.5`, 1), "pupil 0: subjects[0].test: 9.5 is not an integer"},
		{"primary test out of range", strings.Replace(primary, `"test": 9`, `"test": 11`, 1), "subjects[0].test"},
		{"primary test on untested", strings.Replace(primary, `"code": "toan", "level": "T", "test": 9`, `"code": "dao_duc", "level": "T", "test": 9`, 1), "pupil 0: subjects[0].test: dao_duc has no periodic test"},
		{"primary bad level", strings.Replace(primary, `"level": "T"`, `"level": "K"`, 1), "subjects[0].level"},
		{"primary grade", strings.Replace(primary, `"grade": 3`, `"grade": 6`, 1), "grade: 6 is outside 1-5"},
		{"primary unknown quality", strings.Replace(primary, `"grade": 3,`, `"grade": 3, "qualities": {"dung_cam": "T"},`, 1), "qualities.dung_cam"},
		{"primary bad quality level", strings.Replace(primary, `"grade": 3,`, `"grade": 3, "qualities": {"nhan_ai": "H"},`, 1), "qualities.nhan_ai"},
		{"primary missing subjects", `{"ruleset": "tt27", "grade": 3}`, "subjects: missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, tc.input)
			if code != 1 || out != "" {
				t.Fatalf("exit %d, stdout %q", code, out)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q, want %q", errs, tc.want)
			}
		})
	}
}

func TestEvalCommandAccepted(t *testing.T) {
	good := specInput()
	tests := []struct {
		name  string
		input string
	}{
		{"trailing zero", strings.Replace(good, `[8, 7.5, 9, 6]`, `[8, 7.50, 9.0, 6]`, 1)},
		{"exponent", strings.Replace(good, `[8, 7.5, 9, 6]`, `[8e0, 75e-1, 0.9e1, 6]`, 1)},
		{"versioned rule set", strings.Replace(good, `"tt22"`, `"tt22/2021.1"`, 1)},
		{"tt43", strings.Replace(good, `"tt22"`, `"tt43"`, 1)},
		{"pending mark", strings.Replace(good, `"midterm": 7,`, `"midterm": "P",`, 1)},
		{"defaults", strings.Replace(strings.Replace(good, `"assessed_by": "score", "periods_per_year": 140,`, "", 1), `"assessed_by": "comment", "periods_per_year": 70,`, "", 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, errs := run(t, tc.input); code != 0 {
				t.Errorf("exit %d: %s", code, errs)
			}
		})
	}
	_, a, _ := run(t, tests[0].input)
	_, b, _ := run(t, good)
	if a != b {
		t.Error("7.50 and 7.5 differ")
	}
	_, a, _ = run(t, tests[1].input)
	if a != b {
		t.Error("exponent form differs")
	}
}

func TestEvalCommandRetestFlow(t *testing.T) {
	// khtn and toan pull the pupil to CD; re-tests bring them back.
	in := strings.Replace(specInput(), `"midterm": 7,`, `"midterm": 2,`, 1)
	in = strings.Replace(in, `"final": 8.5}`, `"final": 2}`, 2)
	in = strings.Replace(in, `"midterm": 8,`, `"midterm": 2,`, 1)
	in = strings.Replace(in, `[8, 7.5, 9, 6]`, `[0, 0, 0, 0]`, 1)
	in = strings.Replace(in, `[8, 8, 9, 7]`, `[0, 0, 0, 0]`, 1)
	code, out, errs := run(t, in)
	if code != 0 {
		t.Fatal(errs)
	}
	var res struct {
		Year map[string]any `json:"year"`
	}
	_ = json.Unmarshal([]byte(out), &res)
	if res.Year["promotion"] != "retest" || fmt.Sprint(res.Year["retest_subjects"]) != "[toan gdtc]" {
		t.Fatalf("year %v", res.Year)
	}
	in = strings.Replace(in, `"retest": null}`, `"retest": 6}`, 1)
	in = strings.Replace(in, `"retest": null}`, `"retest": "D"}`, 1)
	code, out, errs = run(t, in)
	if code != 0 {
		t.Fatal(errs)
	}
	_ = json.Unmarshal([]byte(out), &res)
	if res.Year["promotion"] != "promoted" || res.Year["learning_final"] != "K" {
		t.Fatalf("year %v\n%s", res.Year, out)
	}
}

func FuzzEvalCommand(f *testing.F) {
	f.Add(specInput())
	f.Add(`{"ruleset": "tt27", "grade": 5, "subjects": [{"code": "toan", "level": "T", "test": 9}], "qualities": {"yeu_nuoc": "T"}}`)
	f.Add(`[{"ruleset": "tt43", "grade": 10, "subjects": [{"code": "toan", "hk1": {"regular": [1e1, 0.5, 7, null], "midterm": "P", "final": 3}}]}]`)
	f.Add(`{"ruleset": "tt22", "grade": 6, "conduct": {"hk1": "CD", "hk2": "CD", "summer": "D"}, "subjects": []}`)
	f.Fuzz(func(t *testing.T, input string) {
		var out, errb bytes.Buffer
		code := EvalCommand(strings.NewReader(input), &out, &errb)
		switch code {
		case 0:
			if !json.Valid(out.Bytes()) {
				t.Fatalf("invalid JSON output %q", out.String())
			}
		case 1:
			if out.Len() != 0 {
				t.Fatalf("output on error: %q", out.String())
			}
			if errb.Len() == 0 {
				t.Fatal("no message on error")
			}
		default:
			t.Fatalf("exit %d", code)
		}
	})
}
