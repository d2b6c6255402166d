package harness_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
)

const edgeRoute = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: app\nspec:\n  rules:\n    - backendRefs:\n        - name: NAME\n          port: 80\n"

// yamlEdgeCases are the inputs where two YAML readings could differ: each
// must get one answer, whichever evaluator runs.
var yamlEdgeCases = map[string]string{
	"duplicate key":              strings.Replace(edgeRoute, "  name: r\n", "  name: r\n  name: s\n", 1),
	"duplicate key in a ref":     strings.Replace(edgeRoute, "          port: 80\n", "          port: 80\n          port: 81\n", 1),
	"binary tag on a name":       strings.Replace(edgeRoute, "NAME", "!!binary d2Vi", 1),
	"custom tag on a name":       strings.Replace(edgeRoute, "NAME", "!custom web", 1),
	"str tag on a port":          strings.Replace(strings.Replace(edgeRoute, "NAME", "web", 1), "port: 80", "port: !!str 80", 1),
	"int tag on a name":          strings.Replace(edgeRoute, "NAME", "!!int 7", 1),
	"anchor and alias in a doc":  strings.Replace(edgeRoute, "        - name: NAME\n          port: 80\n", "        - &ref\n          name: web\n          port: 80\n        - *ref\n", 1),
	"merge key":                  strings.Replace(edgeRoute, "        - name: NAME\n          port: 80\n", "        - &ref\n          name: web\n          port: 80\n        - <<: *ref\n          port: 81\n", 1),
	"alias across documents":     "a: &x web\n---\n" + strings.Replace(edgeRoute, "NAME", "*x", 1),
	"byte-order mark mid-stream": "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: app}\nspec: {ports: [{port: 80}]}\n---\n\ufeff" + strings.Replace(edgeRoute, "NAME", "web", 1),
	"flow style route":           `{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r", "namespace": "app"}, "spec": {"rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}}`,
	"null name":                  strings.Replace(edgeRoute, "NAME", "~", 1),
	"numeric name":               strings.Replace(edgeRoute, "NAME", "0x1F", 1),
	"quoted boolean name":        strings.Replace(edgeRoute, "NAME", "'yes'", 1),
	"plain boolean-like name":    strings.Replace(edgeRoute, "NAME", "yes", 1),
	"multi-line name":            strings.Replace(edgeRoute, "NAME", "|\n            web", 1),
	"timestamp-like name":        strings.Replace(edgeRoute, "NAME", "2001-12-14", 1),
}

// fuzzCorpus reads the inputs go test's fuzzing saved under testdata/fuzz.
func fuzzCorpus(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		require.NoError(t, err)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, line := range strings.Split(string(raw), "\n") {
				if q, ok := strings.CutPrefix(line, "[]byte("); ok {
					v, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
					require.NoError(t, err, f)
					out[filepath.Base(dir)+"/"+filepath.Base(f)] = v
				}
			}
		}
	}
	return out
}

// TestEvaluatorsAgreeOnYAMLEdgeCases: the YAML edge cases and every input
// the fuzzers saved get the same answer from OPA's interpreter and the Wasm
// build — the same report byte for byte, or the same error.
func TestEvaluatorsAgreeOnYAMLEdgeCases(t *testing.T) {
	set, err := policyset.Embedded()
	require.NoError(t, err)
	ctx := context.Background()
	rego, err := check.NewChecker(ctx, set)
	require.NoError(t, err)
	wasmChecker := newWasmChecker(t, set)
	inputs := map[string]string{}
	for k, v := range yamlEdgeCases {
		inputs["edge: "+k] = v
	}
	for k, v := range fuzzCorpus(t, filepath.Join("testdata", "fuzz", "FuzzCheck"), filepath.Join("manifest", "testdata", "fuzz", "FuzzNodeBound")) {
		inputs["fuzz: "+k] = v
	}
	run := func(c *check.Checker, input string) (string, string) {
		loaded, err := manifest.LoadWithOptions([]string{"-"}, strings.NewReader(input), c.LoadOptions())
		if err != nil {
			return "", err.Error()
		}
		rep, err := c.Check(ctx, loaded, nil, map[string]any{"profile": "spec"})
		if err != nil {
			return "", err.Error()
		}
		return reportJSON(t, rep), ""
	}
	for name, input := range inputs {
		t.Run(name, func(t *testing.T) {
			a, aErr := run(rego, input)
			b, bErr := run(wasmChecker, input)
			require.Equal(t, aErr, bErr, "the evaluators read the input differently")
			require.True(t, bytes.Equal([]byte(a), []byte(b)), "reports differ:\n%s\n---\n%s", a, b)
		})
	}
	// The answers the semantics promise (docs/cli.md).
	_, err = manifest.Load([]string{"-"}, strings.NewReader(yamlEdgeCases["duplicate key"]))
	require.ErrorContains(t, err, `line 5: mapping key "name" already defined at line 4`)
	for _, tagged := range []string{"binary tag on a name", "custom tag on a name"} {
		_, err = manifest.Load([]string{"-"}, strings.NewReader(yamlEdgeCases[tagged]))
		require.ErrorContains(t, err, "is not read the same way by kubectl", tagged)
	}
	// An alias into another document is refused with the same words
	// whether the two documents are parsed by one decoder (small input) or
	// fall into different groups parsed apart (large input).
	filler := strings.Repeat("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n", 4000)
	for _, input := range []string{yamlEdgeCases["alias across documents"], "a: &x web\n" + filler + "---\n" + strings.Replace(edgeRoute, "NAME", "*x", 1)} {
		_, err = manifest.Load([]string{"-"}, strings.NewReader(input))
		require.ErrorContains(t, err, "alias *x refers to an anchor this document does not define; kubectl reads each document on its own")
	}
}
