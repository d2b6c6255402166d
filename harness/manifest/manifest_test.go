package manifest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLinesOfBackendRefs(t *testing.T) {
	src := "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  rules:\n    - filters:\n        - type: RequestMirror\n          requestMirror:\n            backendRef:\n              name: m\n      backendRefs:\n        - name: a\n        - name: b\n"
	res, err := Load([]string{"-"}, strings.NewReader(src))
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)
	lines := res.Objects[0].Lines
	require.Equal(t, 10, lines["spec.rules[0].filters[0].requestMirror.backendRef"])
	require.Equal(t, 13, lines["spec.rules[0].backendRefs[0]"])
	require.Equal(t, 14, lines["spec.rules[0].backendRefs[1]"])
}

func TestJSONArrayAndList(t *testing.T) {
	src := `[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}},
{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"b","namespace":"x"}}]}]`
	res, err := Load([]string{"-"}, strings.NewReader(src))
	require.NoError(t, err)
	require.Len(t, res.Objects, 2)
	require.Equal(t, "b", res.Objects[1].Name)
	require.Equal(t, "x", res.Objects[1].Namespace)
}

// FuzzLoad: any input either loads or fails with an *Error naming the
// file; it never panics or hangs.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: Service\nmetadata: {name: a}\n",
		"---\n---\n", "[1, 2]", "a: &a [*a]", "{{ .Values }}", "\x00", "kind: List\napiVersion: v1\nitems: 3\n",
		"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nspec:\n  rules:\n    - backendRefs: [{name: x, port: 1}]\n",
		"a: !!binary aGVsbG8=\n", "a: 2001-12-14t21:59:43.10-05:00\n", "a: .nan\n", "? [a]\n: b\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Load([]string{"-"}, bytes.NewReader(data))
		if err != nil {
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("error is not a *manifest.Error: %v", err)
			}
			if le.File != "<stdin>" {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, o := range res.Objects {
			if o.APIVersion == "" || o.Kind == "" || o.Line < 1 {
				t.Fatalf("bad object %+v", o)
			}
		}
	})
}
