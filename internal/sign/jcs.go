package sign

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gowebpki/jcs"
)

// Canonicalize returns the RFC 8785 (JSON Canonicalization Scheme) form of
// the UTF-8 JSON text data: no insignificant white space, object members
// sorted by the UTF-16 code units of their names, numbers in ECMAScript
// form, strings with the minimal escapes (non-ASCII text such as Vietnamese
// diacritics stays UTF-8). It rejects invalid JSON, invalid UTF-8, duplicate
// member names, and integers whose digits canonicalization would change
// because a double cannot hold them (such as 9007199254740993, 2^53+1): it
// would silently alter the data signed. Store such values, and decimal
// marks, as strings.
func Canonicalize(data []byte) ([]byte, error) {
	if err := checkIntegers(data); err != nil {
		return nil, err
	}
	out, err := jcs.Transform(data)
	if err != nil {
		return nil, fmt.Errorf("sign: canonical JSON: %w", err)
	}
	return out, nil
}

// Canonical marshals v with encoding/json and returns the canonical form of
// the result (see Canonicalize).
func Canonical(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sign: canonical JSON: %w", err)
	}
	return Canonicalize(data)
}

// checkIntegers rejects a number written without fraction or exponent that
// canonicalization would write with other digits. Malformed JSON is left
// for jcs to report.
func checkIntegers(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // jcs gives the syntax error
		}
		n, ok := tok.(json.Number)
		if !ok || strings.ContainsAny(string(n), ".eE") {
			continue
		}
		if n == "-0" {
			continue
		}
		if f, err := strconv.ParseFloat(string(n), 64); err == nil {
			if es, err := jcs.NumberToJSON(f); err == nil && es == string(n) {
				continue
			}
		} else {
			continue // out of range: jcs reports it
		}
		s := string(n)
		if len(s) > 24 {
			s = s[:24] + "…"
		}
		return fmt.Errorf("sign: canonical JSON: integer %s cannot be kept exactly as a JSON number (a double); encode it as a string", s)
	}
}
