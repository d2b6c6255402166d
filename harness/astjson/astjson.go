// Package astjson writes OPA values as JSON text, byte for byte what
// ast.JSON and encoding/json produce, without building Go values first.
package astjson

import (
	"fmt"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Append appends the JSON text of a value (null, booleans, numbers,
// strings, arrays, sets as arrays, objects with string keys) without
// building the Go values ast.JSON and encoding/json would. Strings
// are escaped as encoding/json escapes them.
func Append(b []byte, v ast.Value) ([]byte, error) {
	switch v := v.(type) {
	case ast.Null:
		return append(b, "null"...), nil
	case ast.Boolean:
		if v {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case ast.Number:
		return append(b, v...), nil
	case ast.String:
		return AppendString(b, string(v)), nil
	case *ast.Array:
		b = append(b, '[')
		var err error
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = Append(b, v.Elem(i).Value); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case ast.Set:
		b = append(b, '[') // as ast.JSON: an array, in the set's order
		var err error
		for i, t := range v.Slice() {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = Append(b, t.Value); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case ast.Object:
		b = append(b, '{')
		var err error
		for i, k := range v.Keys() {
			key, ok := k.Value.(ast.String)
			if !ok {
				return b, fmt.Errorf("object key %v is not a string", k)
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendString(b, string(key))
			b = append(b, ':')
			if b, err = Append(b, v.Get(k).Value); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	}
	return b, fmt.Errorf("%s is not a JSON value", ast.ValueName(v))
}

const hexDigits = "0123456789abcdef"

// AppendString appends s quoted: control characters, quotes and backslashes
// escaped, <, > and & as \u003c…, invalid UTF-8 as U+FFFD, U+2028 and
// U+2029 escaped — encoding/json's output for the same string.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
