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
		case !unsafeRune(r, keepNewlines) || r == utf8.RuneError: // U+FFFD itself is text
			b.WriteString(s[i : i+size])
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func needsCleaning(s string, keepNewlines bool) bool {
	for _, r := range s { // an invalid byte reads as utf8.RuneError
		if unsafeRune(r, keepNewlines) {
			return true
		}
	}
	return false
}

func unsafeRune(r rune, keepNewlines bool) bool {
	return r < 0x20 && r != '\t' && !(r == '\n' && keepNewlines) || r == 0x7f || r >= 0x80 && r <= 0x9f || r == utf8.RuneError || bidi(r)
}

// bidi: the explicit directional embeddings, overrides and isolates.
func bidi(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}
