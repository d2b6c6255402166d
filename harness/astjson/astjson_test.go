package astjson

import (
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/require"
)

// AppendJSON must write what ast.JSON and encoding/json write, byte for
// byte, for everything a manifest holds.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, text := range []string{
		`null`, `true`, `false`, `0`, `-1.5e3`, `12345678901234567890`,
		`"plain"`, `"quote \" backslash \\ slash /"`, `"tab\tnewline\ncr\r"`,
		`"\u0000\u0001\u001f"`, `"<html> & </html>"`, `"line\u2028para\u2029"`, `"é ß 日本 🚀"`,
		`[]`, `{}`, `[1, "a", null, [true, {"k": "v"}]]`,
		`{"b", "a", 3, 1}`, `{"s": {[1], [0]}}`,
		`{"apiVersion": "gateway.networking.k8s.io/v1", "spec": {"rules": [{"backendRefs": [{"name": "web", "port": 80, "weight": 0}]}]}, "b": 1, "a": 2}`,
	} {
		v, err := ast.ParseTerm(text)
		require.NoError(t, err, text)
		native, err := ast.JSON(v.Value)
		require.NoError(t, err)
		want, err := json.Marshal(native)
		require.NoError(t, err)
		got, err := Append(nil, v.Value)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), text)
	}
	// Invalid UTF-8 (a YAML file may hold it): replaced as encoding/json does.
	bad := ast.String("a\xffb\xc3")
	want, err := json.Marshal(string(bad))
	require.NoError(t, err)
	got, err := Append(nil, bad)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))

	_, err = Append(nil, ast.MustParseTerm(`{1: "a"}`).Value)
	require.ErrorContains(t, err, "not a string")
	_, err = Append(nil, ast.MustParseTerm(`{"k": x}`).Value)
	require.ErrorContains(t, err, "not a JSON value")
}
