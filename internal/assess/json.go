package assess

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// EvalCommand runs `sdgdt rules eval`: it reads one JSON pupil document or a
// JSON array of them from stdin (04-rules-json.md), evaluates each under its
// rule set and writes the result, or the array of results in order, to
// stdout. It returns the exit code: 0 when every input was valid; 1 for
// malformed JSON or any invalid pupil, with a message naming the pupil index
// and the field on stderr and nothing at all on stdout.
func EvalCommand(stdin io.Reader, stdout, stderr io.Writer) int {
	out, err := evalJSON(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "sdgdt rules eval: %v\n", err)
		return 1
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "sdgdt rules eval: %v\n", err)
		return 1
	}
	return 0
}

// EvalJSON evaluates one pupil document (or an array of them) and returns
// the output document, newline-terminated. Errors name the pupil and field.
func EvalJSON(input []byte) ([]byte, error) { return evalJSON(bytes.NewReader(input)) }

func evalJSON(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading input: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return nil, errors.New("malformed JSON: more than one value on input")
	}
	top = bytes.TrimSpace(top)
	var results []any
	array := false
	switch {
	case len(top) > 0 && top[0] == '[':
		array = true
		var items []json.RawMessage
		if err := json.Unmarshal(top, &items); err != nil {
			return nil, fmt.Errorf("malformed JSON: %w", err)
		}
		results = make([]any, 0, len(items))
		for i, item := range items {
			res, err := evalPupilJSON(item)
			if err != nil {
				return nil, fmt.Errorf("pupil %d: %w", i, err)
			}
			results = append(results, res)
		}
	case len(top) > 0 && top[0] == '{':
		res, err := evalPupilJSON(top)
		if err != nil {
			return nil, fmt.Errorf("pupil 0: %w", err)
		}
		results = append(results, res)
	default:
		return nil, errors.New("malformed input: expected a JSON object or an array of objects")
	}
	var v any = results
	if !array {
		v = results[0]
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("writing output: %w", err)
	}
	return append(out, '\n'), nil
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return cleanJSONError(err)
	}
	return nil
}

// cleanJSONError turns encoding/json's messages into field-named ones.
func cleanJSONError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Errorf("%s: JSON %s where %s was expected", te.Field, te.Value, goTypeWord(te.Type.String()))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return errors.New(msg)
}

func goTypeWord(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"), strings.HasPrefix(t, "*[]"):
		return "an array"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "map"), strings.Contains(t, "assess."):
		return "an object"
	}
	return t
}

func evalPupilJSON(data []byte) (any, error) {
	var probe struct {
		Ruleset json.RawMessage `json:"ruleset"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, cleanJSONError(err)
	}
	if isNull(probe.Ruleset) {
		return nil, &FieldError{Field: "ruleset", Err: errors.New("missing")}
	}
	var id string
	if err := json.Unmarshal(probe.Ruleset, &id); err != nil {
		return nil, &FieldError{Field: "ruleset", Err: errors.New("must be a string such as \"tt22\"")}
	}
	rs := lookup(id)
	if rs == nil {
		return nil, &FieldError{Field: "ruleset", Err: fmt.Errorf("%w %q (known: tt22, tt43, tt27)", ErrRuleSet, id)}
	}
	if rs.Secondary() {
		return evalSecondaryJSON(rs, data)
	}
	return evalPrimaryJSON(rs, data)
}

func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// parseWhole parses a non-negative whole JSON number.
func parseWhole(field string, raw json.RawMessage) (int, error) {
	s := string(bytes.TrimSpace(raw))
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1_000_000 {
		return 0, &FieldError{Field: field, Err: fmt.Errorf("%s is not a whole number from 0 to 1000000", s)}
	}
	return n, nil
}

func parseMarkJSON(field string, raw json.RawMessage) (Mark, error) {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return Empty, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return Empty, &FieldError{Field: field, Err: err}
		}
		switch s {
		case "P":
			return Pending, nil
		case "D", "Đ":
			return Pass, nil
		case "CD", "CĐ":
			return Fail, nil
		}
		return Empty, &FieldError{Field: field, Err: fmt.Errorf("%q is not a mark (a score, \"D\", \"CD\", \"P\" or null)", s)}
	}
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return Empty, &FieldError{Field: field, Err: fmt.Errorf("%s is not a mark (a score, \"D\", \"CD\", \"P\" or null)", raw)}
	}
	sc, err := parseTenths(string(raw))
	if err != nil {
		return Empty, &FieldError{Field: field, Err: fmt.Errorf("%s %w", raw, err)}
	}
	return ScoreMark(sc), nil
}

func parseLevelJSON(field string, raw json.RawMessage) (Level, error) {
	if isNull(raw) {
		return LevelNone, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if l, ok := ParseLevel(s); ok {
			return l, nil
		}
	}
	return LevelNone, &FieldError{Field: field, Err: fmt.Errorf("%s is not a level (\"T\", \"K\", \"D\", \"CD\" or null)", bytes.TrimSpace(raw))}
}

type jsSecondary struct {
	Ruleset        string           `json:"ruleset"`
	Grade          json.RawMessage  `json:"grade"`
	AbsentSessions json.RawMessage  `json:"absent_sessions"`
	Conduct        *jsConduct       `json:"conduct"`
	Subjects       *[]jsSubject     `json:"subjects"`
	Note           *json.RawMessage `json:"note"` // free text, ignored
}

type jsConduct struct {
	HK1    json.RawMessage `json:"hk1"`
	HK2    json.RawMessage `json:"hk2"`
	Summer json.RawMessage `json:"summer"`
}

type jsSubject struct {
	Code           string          `json:"code"`
	Name           string          `json:"name"` // display only, ignored
	AssessedBy     string          `json:"assessed_by"`
	PeriodsPerYear json.RawMessage `json:"periods_per_year"`
	NotAssessed    bool            `json:"not_assessed"`
	HK1            *jsSemester     `json:"hk1"`
	HK2            *jsSemester     `json:"hk2"`
	Retest         json.RawMessage `json:"retest"`
}

type jsSemester struct {
	Regular *[]json.RawMessage `json:"regular"`
	Midterm json.RawMessage    `json:"midterm"`
	Final   json.RawMessage    `json:"final"`
}

type jsTermOut struct {
	Learning         Level      `json:"learning"`
	LearningComputed Level      `json:"learning_computed"`
	AdjustedFor      nullString `json:"adjusted_for"`
	Conduct          Level      `json:"conduct"`
}

type jsYearOut struct {
	Learning         Level      `json:"learning"`
	LearningComputed Level      `json:"learning_computed"`
	AdjustedFor      nullString `json:"adjusted_for"`
	Conduct          Level      `json:"conduct"`
	RetestSubjects   []string   `json:"retest_subjects"`
	LearningFinal    Level      `json:"learning_final"`
	ConductFinal     Level      `json:"conduct_final"`
	Promotion        Promotion  `json:"promotion"`
	Award            Award      `json:"award"`
}

type jsSubjectOut struct {
	Code        string `json:"code"`
	NotAssessed bool   `json:"not_assessed,omitempty"`
	HK1         Mark   `json:"hk1"`
	HK2         Mark   `json:"hk2"`
	Year        Mark   `json:"year"`
	Retest      Mark   `json:"retest"`
	YearFinal   Mark   `json:"year_final"`
}

type jsSecondaryOut struct {
	Complete bool           `json:"complete"`
	Missing  []string       `json:"missing"`
	Subjects []jsSubjectOut `json:"subjects"`
	HK1      jsTermOut      `json:"hk1"`
	HK2      jsTermOut      `json:"hk2"`
	Year     jsYearOut      `json:"year"`
}

type nullString string

func (s nullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// SecondaryInputFromJSON decodes one secondary pupil document into the Go
// input. rs is the document's rule set.
func secondaryInputFromJSON(rs *RuleSet, data []byte) (SecondaryInput, error) {
	var in SecondaryInput
	var js jsSecondary
	if err := strictDecode(data, &js); err != nil {
		return in, err
	}
	if isNull(js.Grade) {
		return in, &FieldError{Field: "grade", Err: errors.New("missing")}
	}
	g, err := parseWhole("grade", js.Grade)
	if err != nil {
		return in, err
	}
	in.Grade = g
	if in.Grade < rs.MinGrade || in.Grade > rs.MaxGrade {
		return in, fieldErr("grade", "%d is outside %d-%d for %s", in.Grade, rs.MinGrade, rs.MaxGrade, rs.ID)
	}
	if !isNull(js.AbsentSessions) {
		if in.AbsentSessions, err = parseWhole("absent_sessions", js.AbsentSessions); err != nil {
			return in, err
		}
	}
	if js.Conduct != nil {
		for i, raw := range []json.RawMessage{js.Conduct.HK1, js.Conduct.HK2} {
			if in.Conduct[i], err = parseLevelJSON("conduct."+hkNames[i], raw); err != nil {
				return in, err
			}
		}
		if in.SummerConduct, err = parseLevelJSON("conduct.summer", js.Conduct.Summer); err != nil {
			return in, err
		}
	}
	if js.Subjects == nil {
		return in, &FieldError{Field: "subjects", Err: errors.New("missing")}
	}
	in.Subjects = make([]SubjectInput, len(*js.Subjects))
	for i, s := range *js.Subjects {
		si := &in.Subjects[i]
		si.Code, si.AssessedBy, si.NotAssessed = s.Code, AssessedBy(s.AssessedBy), s.NotAssessed
		if s.Code == "" {
			return in, &FieldError{Field: subjField(i, "code"), Err: errors.New("missing")}
		}
		cat := secondaryIndex[s.Code]
		if cat == nil {
			return in, fieldErr(subjField(i, "code"), "unknown subject code %q", s.Code)
		}
		if s.NotAssessed {
			continue // its marks, if any, are ignored
		}
		if !isNull(s.PeriodsPerYear) {
			p, err := parseWhole(subjField(i, "periods_per_year"), s.PeriodsPerYear)
			if err != nil {
				return in, err
			}
			if p == 0 {
				return in, fieldErr(subjField(i, "periods_per_year"), "0 periods")
			}
			si.PeriodsPerYear = p
		}
		by := si.AssessedBy
		if by == "" {
			by = cat.AssessedBy
		}
		periods := si.PeriodsPerYear
		if periods == 0 {
			if periods, _ = DefaultPeriods(s.Code, in.Grade); periods == 0 {
				return in, fieldErr(subjField(i, "periods_per_year"), "%s has no default in grade %d; give periods_per_year", s.Code, in.Grade)
			}
		}
		n := rs.RegularCount(by, periods)
		for t, sem := range [2]*jsSemester{s.HK1, s.HK2} {
			if sem == nil {
				continue // nothing entered: every cell missing
			}
			f := subjField(i, hkNames[t])
			dst := &si.HK[t]
			if sem.Regular != nil {
				if len(*sem.Regular) != n {
					return in, fieldErr(f+".regular", "%d marks, want %d (%s, %d periods a year)", len(*sem.Regular), n, by, periods)
				}
				dst.Regular = make([]Mark, n)
				for k, raw := range *sem.Regular {
					if dst.Regular[k], err = parseMarkJSON(f+".regular"+idx(k), raw); err != nil {
						return in, err
					}
				}
			}
			if dst.Midterm, err = parseMarkJSON(f+".midterm", sem.Midterm); err != nil {
				return in, err
			}
			if dst.Final, err = parseMarkJSON(f+".final", sem.Final); err != nil {
				return in, err
			}
		}
		if si.Retest, err = parseMarkJSON(subjField(i, "retest"), s.Retest); err != nil {
			return in, err
		}
	}
	return in, nil
}

func evalSecondaryJSON(rs *RuleSet, data []byte) (any, error) {
	in, err := secondaryInputFromJSON(rs, data)
	if err != nil {
		return nil, err
	}
	var res SecondaryResult
	if err := EvalSecondaryInto(rs, &in, &res); err != nil {
		return nil, err
	}
	out := jsSecondaryOut{
		Complete: res.Complete,
		Missing:  res.Missing,
		Subjects: make([]jsSubjectOut, len(res.Subjects)),
		HK1:      termOut(res.HK[0]),
		HK2:      termOut(res.HK[1]),
		Year: jsYearOut{
			Learning:         res.Year.Learning,
			LearningComputed: res.Year.LearningComputed,
			AdjustedFor:      nullString(res.Year.AdjustedFor),
			Conduct:          res.Year.Conduct,
			RetestSubjects:   res.Year.RetestSubjects,
			LearningFinal:    res.Year.LearningFinal,
			ConductFinal:     res.Year.ConductFinal,
			Promotion:        res.Year.Promotion,
			Award:            res.Year.Award,
		},
	}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	if out.Year.RetestSubjects == nil {
		out.Year.RetestSubjects = []string{}
	}
	for i, s := range res.Subjects {
		out.Subjects[i] = jsSubjectOut{Code: s.Code, NotAssessed: s.NotAssessed,
			HK1: s.HK[0], HK2: s.HK[1], Year: s.Year, Retest: s.Retest, YearFinal: s.YearFinal}
	}
	return out, nil
}

func termOut(t TermResult) jsTermOut {
	return jsTermOut{Learning: t.Learning, LearningComputed: t.LearningComputed,
		AdjustedFor: nullString(t.AdjustedFor), Conduct: t.Conduct}
}

type jsPrimary struct {
	Ruleset      string                     `json:"ruleset"`
	Grade        json.RawMessage            `json:"grade"`
	Point        string                     `json:"point"`
	Nominated    bool                       `json:"nominated"`
	Subjects     *[]jsPrimarySubject        `json:"subjects"`
	Qualities    map[string]json.RawMessage `json:"qualities"`
	Competencies map[string]json.RawMessage `json:"competencies"`
	Note         *json.RawMessage           `json:"note"` // free text, ignored
}

type jsPrimarySubject struct {
	Code  string          `json:"code"`
	Name  string          `json:"name"` // display only, ignored
	Level json.RawMessage `json:"level"`
	Test  json.RawMessage `json:"test"`
}

type jsPrimaryYearOut struct {
	Result           Outcome  `json:"result"`
	Award            Award    `json:"award"`
	CompletedGrade   nullBool `json:"completed_grade"`
	CompletedPrimary nullBool `json:"completed_primary"`
}

type jsPrimaryOut struct {
	Complete bool             `json:"complete"`
	Missing  []string         `json:"missing"`
	Year     jsPrimaryYearOut `json:"year"`
}

// nullBool is a bool that may be unknown (null).
type nullBool uint8

func (b nullBool) MarshalJSON() ([]byte, error) {
	return []byte([...]string{"null", "false", "true"}[min(int(b), 2)]), nil
}

func knownBool(v bool) nullBool { return nullBool(1 + b2i(v)) }

func evalPrimaryJSON(rs *RuleSet, data []byte) (any, error) {
	var js jsPrimary
	if err := strictDecode(data, &js); err != nil {
		return nil, err
	}
	var in PrimaryInput
	if isNull(js.Grade) {
		return nil, &FieldError{Field: "grade", Err: errors.New("missing")}
	}
	g, err := parseWhole("grade", js.Grade)
	if err != nil {
		return nil, err
	}
	in.Grade, in.Point, in.Nominated = g, js.Point, js.Nominated
	if js.Subjects == nil {
		return nil, &FieldError{Field: "subjects", Err: errors.New("missing")}
	}
	in.Subjects = make([]PrimarySubject, len(*js.Subjects))
	for i, s := range *js.Subjects {
		ps := &in.Subjects[i]
		ps.Code = s.Code
		if s.Code == "" {
			return nil, &FieldError{Field: subjField(i, "code"), Err: errors.New("missing")}
		}
		if !isNull(s.Level) {
			var code string
			_ = json.Unmarshal(s.Level, &code)
			switch code {
			case "T":
				ps.Level = SubjectT
			case "H":
				ps.Level = SubjectH
			case "C":
				ps.Level = SubjectC
			default:
				return nil, fieldErr(subjField(i, "level"), "%s is not a level (\"T\", \"H\", \"C\" or null)", bytes.TrimSpace(s.Level))
			}
		}
		if !isNull(s.Test) {
			text := string(bytes.TrimSpace(s.Test))
			if text[0] != '-' && (text[0] < '0' || text[0] > '9') {
				return nil, fieldErr(subjField(i, "test"), "%s is not a test score (an integer 0-10)", text)
			}
			t, err := ParseTest(text)
			if err != nil {
				return nil, &FieldError{Field: subjField(i, "test"), Err: err}
			}
			ps.Test, ps.HasTest = t, true
		}
	}
	for _, set := range []struct {
		kind   string
		raw    map[string]json.RawMessage
		codes  []string
		levels []QualityLevel
	}{
		{"qualities", js.Qualities, QualityCodes[:], in.Qualities[:]},
		{"competencies", js.Competencies, CompetencyCodes[:], in.Competencies[:]},
	} {
		for key, raw := range set.raw {
			k := -1
			for i, c := range set.codes {
				if c == key {
					k = i
				}
			}
			if k < 0 {
				return nil, fieldErr(set.kind+"."+key, "unknown code (known: %s)", strings.Join(set.codes, ", "))
			}
			if isNull(raw) {
				continue
			}
			var code string
			_ = json.Unmarshal(raw, &code)
			switch code {
			case "T":
				set.levels[k] = QualityT
			case "D":
				set.levels[k] = QualityD
			case "C":
				set.levels[k] = QualityC
			default:
				return nil, fieldErr(set.kind+"."+key, "%s is not a level (\"T\", \"D\", \"C\" or null)", bytes.TrimSpace(raw))
			}
		}
	}
	var res PrimaryResult
	if err := evalPrimary(rs, &in, &res); err != nil {
		return nil, err
	}
	out := jsPrimaryOut{Complete: res.Complete, Missing: res.Missing,
		Year: jsPrimaryYearOut{Result: res.Result, Award: res.Award}}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	if res.Result != OutcomeNone {
		out.Year.CompletedGrade = knownBool(res.CompletedGrade)
		out.Year.CompletedPrimary = knownBool(res.CompletedPrimary)
	}
	return out, nil
}
