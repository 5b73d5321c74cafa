// Package viet holds Vietnamese text helpers: collation of names (sorting a class
// list the Vietnamese way), splitting a full name, folding to ASCII, and numbers
// with a decimal comma.
package viet

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// letters is the Vietnamese alphabet in order; a letter's rank is its index.
// Letters outside it (f, j, w, z in foreign names) sort after their neighbours.
var letterRank = func() map[string]byte {
	order := []string{"a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
		"o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"}
	m := make(map[string]byte, len(order))
	for i, l := range order {
		m[l] = byte('A' + i)
	}
	return m
}()

// Tones in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
var toneRank = map[rune]byte{'\u0300': '1', '\u0309': '2', '\u0303': '3', '\u0301': '4', '\u0323': '5'}

// Letter modifiers that make a separate letter (ă, â, ê, ô, ơ, ư).
const (
	breve      = '\u0306'
	circumflex = '\u0302'
	horn       = '\u031B'
)

// wordKey returns the collation key of one word: the letters' ranks, then a
// separator, then the tones, so that letters decide first (Anh < Ánh < Ba) and
// tones break ties.
func wordKey(w string) string {
	var primary, tones strings.Builder
	d := []rune(norm.NFD.String(strings.ToLower(w)))
	for i := 0; i < len(d); i++ {
		r := d[i]
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		letter := string(r)
		tone := byte('0')
		for j := i + 1; j < len(d) && unicode.Is(unicode.Mn, d[j]); j++ {
			switch d[j] {
			case breve, circumflex, horn:
				letter += string(d[j])
			default:
				if t, ok := toneRank[d[j]]; ok {
					tone = t
				}
			}
		}
		letter = norm.NFC.String(letter)
		if rank, ok := letterRank[letter]; ok {
			primary.WriteByte(rank)
		} else if r >= '0' && r <= '9' {
			primary.WriteByte(byte('0' + (r - '0')))
		} else {
			primary.WriteString("~")
		}
		tones.WriteByte(tone)
	}
	return primary.String() + "!" + tones.String()
}

// NameKey returns the key that sorts pupils the Vietnamese way: by given name,
// then middle name, then family name, each letter by the Vietnamese alphabet
// (Đ after D) and tones after letters (Anh before Ánh).
func NameKey(family, middle, given string) string {
	return wordsKey(given) + "\x01" + wordsKey(middle) + "\x01" + wordsKey(family)
}

func wordsKey(s string) string {
	var b strings.Builder
	for i, w := range strings.Fields(s) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(wordKey(w))
	}
	return b.String()
}

// SplitName splits a full name into family name (first word), middle name and
// given name (last word): "Nguyễn Thị Ngọc Ánh" → "Nguyễn", "Thị Ngọc", "Ánh".
func SplitName(full string) (family, middle, given string) {
	f := strings.Fields(full)
	switch len(f) {
	case 0:
		return "", "", ""
	case 1:
		return "", "", f[0]
	}
	return f[0], strings.Join(f[1:len(f)-1], " "), f[len(f)-1]
}

// FullNameKey is NameKey of a full name split by SplitName.
func FullNameKey(full string) string {
	return NameKey(SplitName(full))
}

// Fold turns Vietnamese text into lower-case ASCII: "Đặng Thị Ánh" → "dang thi anh".
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r == 'đ':
			b.WriteByte('d')
		case unicode.Is(unicode.Mn, r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Clean normalises user-typed text: NFC (so that decomposed input from some
// keyboards compares equal), trimmed, inner spaces collapsed.
func Clean(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// Key returns the collation key of any text (each word by the Vietnamese
// alphabet, tones after letters), for sorting lists that are not pupils' names,
// such as staff ordered by full name.
func Key(s string) string { return wordsKey(s) }

// Less reports whether a sorts before b in Vietnamese order.
func Less(a, b string) bool { return Key(a) < Key(b) }

// LowerFirst puts the first letter of a name in lower case for use inside a
// sentence, leaving the rest as it is: "Học kì II" → "học kì II" (where
// strings.ToLower would write "học kì ii").
func LowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
