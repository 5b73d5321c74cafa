package assess

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Score is a mark or an average on the 0-10 scale held exactly in tenths:
// 75 is 7.5. Every formula of the engine works on Scores and exact integer
// rationals; no binary floating point is used between a mark and a level.
type Score int16

// MaxScore is 10.0, the best possible score.
const MaxScore Score = 100

// Errors returned (wrapped) by ParseScore and ParseTest.
var (
	ErrScoreSyntax   = errors.New("is not a number")
	ErrScoreDecimals = errors.New("has more than one decimal")
	ErrScoreRange    = errors.New("is outside 0-10")
	ErrTestInteger   = errors.New("is not an integer (a primary test score has no decimals)")
)

// ParseScore parses a score typed by a teacher or read from JSON: "7", "7.5"
// or "7,5" (Vietnamese decimal comma), "10", "7.50" (a trailing zero is the
// same number). It accepts exponent notation when the value is exact ("1e1").
// More than one significant decimal ("7.25") and values outside 0-10 are
// errors, never rounded.
func ParseScore(s string) (Score, error) {
	t, err := parseTenths(strings.TrimSpace(s))
	if err != nil {
		return 0, &scoreError{text: s, err: err}
	}
	return t, nil
}

// ParseTest parses a primary periodic test score: an integer from 0 to 10.
// "9" and "9.0" are accepted, "9.5" is not.
func ParseTest(s string) (int, error) {
	t, err := ParseScore(s)
	if err != nil {
		var se *scoreError
		if errors.As(err, &se) && se.err == ErrScoreDecimals {
			return 0, &scoreError{text: s, err: ErrTestInteger}
		}
		return 0, err
	}
	if t%10 != 0 {
		return 0, &scoreError{text: s, err: ErrTestInteger}
	}
	return int(t / 10), nil
}

type scoreError struct {
	text string
	err  error
}

func (e *scoreError) Error() string { return e.text + " " + e.err.Error() }
func (e *scoreError) Unwrap() error { return e.err }

// parseTenths parses a decimal number (JSON number syntax, with '.' or ',' as
// decimal separator) exactly into tenths.
func parseTenths(s string) (Score, error) {
	if s == "" {
		return 0, ErrScoreSyntax
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	mant, exp, hasExp := s, "", false
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp, hasExp = s[:i], s[i+1:], true
	}
	intPart, frac := mant, ""
	if i := strings.IndexAny(mant, ".,"); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
		if frac == "" {
			return 0, ErrScoreSyntax
		}
	}
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) {
		return 0, ErrScoreSyntax
	}
	e := 0
	if hasExp {
		n, err := strconv.Atoi(exp)
		if err != nil {
			if !validExp(exp) {
				return 0, ErrScoreSyntax
			}
			// Absurdly large exponent: the value is 0, huge or tiny.
			if allZero(intPart) && allZero(frac) {
				return 0, nil
			}
			if exp[0] == '-' {
				return 0, ErrScoreDecimals
			}
			return 0, ErrScoreRange
		}
		e = n
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return 0, nil
	}
	// The value is digits × 10^(e - len(frac)); in tenths, × 10^(e-len(frac)+1).
	shift := e - len(frac) + 1
	if shift < 0 {
		if -shift >= len(digits) {
			return 0, ErrScoreDecimals
		}
		if !allZero(digits[len(digits)+shift:]) {
			return 0, ErrScoreDecimals
		}
		digits = digits[:len(digits)+shift]
		shift = 0
	}
	if len(digits)+shift > 3 {
		return 0, ErrScoreRange
	}
	v := 0
	for i := 0; i < len(digits); i++ {
		v = v*10 + int(digits[i]-'0')
	}
	for ; shift > 0; shift-- {
		v *= 10
	}
	if v == 0 {
		return 0, nil
	}
	if neg || v > int(MaxScore) {
		return 0, ErrScoreRange
	}
	return Score(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allZero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

func validExp(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && allDigits(s)
}

// String formats the score the Vietnamese way, with a decimal comma: "7,5",
// "8", "10".
func (s Score) String() string { return s.format(',') }

// Dot formats the score with a decimal point, as in JSON: "7.5", "8", "10".
func (s Score) Dot() string { return s.format('.') }

func (s Score) format(sep byte) string {
	var b [8]byte
	return string(s.appendTo(b[:0], sep))
}

func (s Score) appendTo(b []byte, sep byte) []byte {
	v := int(s)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, int64(v/10), 10)
	if v%10 != 0 {
		b = append(b, sep, byte('0'+v%10))
	}
	return b
}

// MarshalJSON writes the score as a JSON number with at most one decimal.
func (s Score) MarshalJSON() ([]byte, error) { return s.appendTo(nil, '.'), nil }

// Valid reports whether s is within 0-10.
func (s Score) Valid() bool { return s >= 0 && s <= MaxScore }

// roundTenths returns num/den (both in tenths, num ≥ 0, den > 0) rounded half
// up to a whole number of tenths.
func roundTenths(num, den int) Score {
	return Score((2*num + den) / (2 * den))
}

// SemesterAverage is ĐTBmhk = (TĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (n + 5),
// computed exactly and rounded half up to one decimal.
func SemesterAverage(regular []Score, mid, final Score) Score {
	sum := 0
	for _, r := range regular {
		sum += int(r)
	}
	return roundTenths(sum+2*int(mid)+3*int(final), len(regular)+5)
}

// YearAverage is ĐTBmcn = (ĐTBmhkI + 2·ĐTBmhkII) / 3 from the two rounded
// semester averages, rounded half up to one decimal.
func YearAverage(hk1, hk2 Score) Score {
	return roundTenths(int(hk1)+2*int(hk2), 3)
}

// MarkKind says what a cell of the class book holds.
type MarkKind uint8

// The kinds of a mark. The zero value is an empty cell.
const (
	MarkEmpty   MarkKind = iota // not yet entered (JSON null)
	MarkPending                 // absent, make-up pending ("P", vắng – chờ bù)
	MarkScore                   // a score
	MarkPass                    // Đạt ("D")
	MarkFail                    // Chưa đạt ("CD")
)

// Mark is one cell: a score, Đạt/Chưa đạt, empty or make-up pending. The zero
// Mark is empty.
type Mark struct {
	Kind  MarkKind
	Score Score // when Kind is MarkScore
}

// Convenience marks.
var (
	Empty   = Mark{}
	Pending = Mark{Kind: MarkPending}
	Pass    = Mark{Kind: MarkPass}
	Fail    = Mark{Kind: MarkFail}
)

// ScoreMark returns a Mark holding s.
func ScoreMark(s Score) Mark { return Mark{Kind: MarkScore, Score: s} }

// Known reports whether m is a score, Đạt or Chưa đạt (not empty or pending).
func (m Mark) Known() bool { return m.Kind >= MarkScore }

// String gives the Vietnamese display: "7,5", "Đ", "CĐ", "" (empty), "P".
func (m Mark) String() string {
	switch m.Kind {
	case MarkScore:
		return m.Score.String()
	case MarkPass:
		return "Đ"
	case MarkFail:
		return "CĐ"
	case MarkPending:
		return "P"
	}
	return ""
}

// MarshalJSON writes a score as a number, Đạt/Chưa đạt as "D"/"CD", pending
// as "P" and an empty mark as null.
func (m Mark) MarshalJSON() ([]byte, error) {
	switch m.Kind {
	case MarkScore:
		return m.Score.MarshalJSON()
	case MarkPass:
		return []byte(`"D"`), nil
	case MarkFail:
		return []byte(`"CD"`), nil
	case MarkPending:
		return []byte(`"P"`), nil
	}
	return []byte("null"), nil
}

// ParseMark parses a cell as typed in JSON text or a form: a score, "D"/"Đ",
// "CD"/"CĐ", "P", or "" / "null" for an empty cell.
func ParseMark(s string) (Mark, error) {
	switch strings.TrimSpace(s) {
	case "", "null":
		return Empty, nil
	case "P", "p":
		return Pending, nil
	case "D", "Đ":
		return Pass, nil
	case "CD", "CĐ":
		return Fail, nil
	}
	sc, err := ParseScore(s)
	if err != nil {
		return Empty, err
	}
	return ScoreMark(sc), nil
}

func (m Mark) validFor(by AssessedBy) error {
	switch m.Kind {
	case MarkEmpty, MarkPending:
		return nil
	case MarkScore:
		if by != ByScore {
			return fmt.Errorf("%s: a comment-assessed subject takes D or CD, not a score", m.Score.Dot())
		}
		if !m.Score.Valid() {
			return fmt.Errorf("%s %v", m.Score.Dot(), ErrScoreRange)
		}
		return nil
	case MarkPass, MarkFail:
		if by != ByComment {
			return fmt.Errorf("%s: a scored subject takes a score", levelWord(m))
		}
		return nil
	}
	return fmt.Errorf("invalid mark kind %d", m.Kind)
}

func levelWord(m Mark) string {
	if m.Kind == MarkPass {
		return "D"
	}
	return "CD"
}
