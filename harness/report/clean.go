package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Clean makes a string from the input (a name, a file name, a message that
// quotes one) safe to print on a terminal or in a CI log: control
// characters (C0 but tab, DEL, C1: escape sequences, carriage returns that
// overwrite a line, OSC hyperlinks and titles) and the Unicode
// bidirectional overrides that reorder what a reader sees are written as
// visible escapes (\x1b, \u202e). Newlines are kept only when keepNewlines
// (a stream of lines); in a single field they are escaped too. JSON,
// SARIF and JUnit encode strings exactly and do not need this.
func Clean(s string, keepNewlines bool) string {
	if !needsCleaning(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && keepNewlines, r == '\t':
			b.WriteRune(r)
		case r < 0x20, r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, bidi(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
	}
	return b.String()
}

func needsCleaning(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && !(c == '\n' && keepNewlines) || c == 0x7f || c >= 0x80 {
			if c >= 0x80 {
				return strings.ContainsFunc(s[i:], func(r rune) bool { return r == utf8.RuneError || r >= 0x80 && r <= 0x9f || bidi(r) }) || !utf8.ValidString(s[i:])
			}
			return true
		}
	}
	return false
}

// bidi: the explicit directional embeddings, overrides and isolates.
func bidi(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}
