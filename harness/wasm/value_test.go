package wasm

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/require"
)

// reference is what parseJSON stands in for: encoding/json with UseNumber,
// then ast.InterfaceToValue.
func reference(text []byte) (*ast.Term, bool) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	value, err := ast.InterfaceToValue(v)
	if err != nil {
		return nil, false
	}
	return ast.NewTerm(value), true
}

var valueSeeds = []string{
	`"spec.rules[%d].backendRefs[%d]"`, `[0, 1]`, `["Service", "app", "web", 8080]`,
	`{"a": [1, 2.5, -3e2, true, false, null], "b": {"c": "d"}}`, `[]`, `{}`, ` [ 1 , "x" ] `,
	`"esc\"aped \\ \n \u00e9 \ud83d\ude80"`, `"é"`, `12345678901234567890`, `1e400`,
	`{1, 2}`, `set()`, `{1: "a"}`, `[1,]`, `[1 2]`, `"unterminated`, `tru`, `01`, `"\x01"`,
}

func TestParseJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range valueSeeds {
		got, ok := parseJSON([]byte(s))
		want, wantOK := reference([]byte(s))
		if !wantOK {
			require.False(t, ok && wantOK, s)
			continue
		}
		require.True(t, ok, s)
		require.Equal(t, 0, want.Value.Compare(got.Value), "%s: %v, want %v", s, got, want)
	}
}

// FuzzParseJSON: whatever parseJSON accepts, encoding/json reads as the
// same value.
func FuzzParseJSON(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		got, ok := parseJSON(text)
		if !ok {
			return
		}
		want, wantOK := reference(text)
		if !wantOK {
			t.Fatalf("parseJSON accepts %q, encoding/json does not", text)
		}
		if want.Value.Compare(got.Value) != 0 {
			t.Fatalf("%q: %v, want %v", text, got, want)
		}
	})
}
