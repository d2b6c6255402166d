package fix

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/refguard/refguard/harness/report"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

func TestOffsetCountsCharactersNotBytes(t *testing.T) {
	content := []byte(`{"metadata":{"annotations":{"d":"ééé日本"}},"spec":{"name":"api-svc"}}` + "\n")
	docs, err := parseDocs(content)
	require.NoError(t, err)
	obj := objects(docs[0])[0]
	sp, err := setSplice(content, obj, report.Edit{Op: "set", Field: "spec.name", Value: "api-service"}, "RG103")
	require.NoError(t, err)
	out, err := apply(content, []splice{sp}, nil)
	require.NoError(t, err)
	require.Equal(t, `{"metadata":{"annotations":{"d":"ééé日本"}},"spec":{"name":"api-service"}}`+"\n", string(out))
}

func TestInsertionsAtOnePointAreAllApplied(t *testing.T) {
	content := []byte("spec:\n  ref:\n    name: web\n")
	docs, err := parseDocs(content)
	require.NoError(t, err)
	obj := objects(docs[0])[0]
	var sps []splice
	for _, e := range []report.Edit{{Op: "set", Field: "spec.ref.group", Value: ""}, {Op: "set", Field: "spec.ref.kind", Value: "Service"}} {
		sp, err := setSplice(content, obj, e, "RG401")
		require.NoError(t, err)
		sps = append(sps, sp)
	}
	out, err := apply(content, sps, nil)
	require.NoError(t, err)
	require.Equal(t, "spec:\n  ref:\n    name: web\n    group: \"\"\n    kind: Service\n", string(out))
}

func TestCRLFFilesKeepCRLF(t *testing.T) {
	content := []byte("spec:\r\n  ref:\r\n    name: web\r\n")
	docs, err := parseDocs(content)
	require.NoError(t, err)
	sp, err := setSplice(content, objects(docs[0])[0], report.Edit{Op: "set", Field: "spec.ref.port", Value: float64(80)}, "RG104")
	require.NoError(t, err)
	out, err := apply(content, []splice{sp}, []string{"kind: ReferenceGrant\nmetadata:\n  name: g\n"})
	require.NoError(t, err)
	require.Equal(t, "spec:\r\n  ref:\r\n    name: web\r\n    port: 80\r\n---\r\nkind: ReferenceGrant\r\nmetadata:\r\n  name: g\r\n", string(out))
}

func TestRedactMasksSecretValuesOnly(t *testing.T) {
	content := []byte(`apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: hunter2
  dsn: |
    postgres://u:pw@db/x
    second line
data:
  tls.key: c2VjcmV0
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
  annotations:
    example.com/api-token: "abc123"
spec:
  rules:
  - backendRefs:
    - name: web
`)
	got := string(Redact(content))
	for _, secret := range []string{"hunter2", "postgres://", "second line", "c2VjcmV0", "abc123"} {
		require.NotContains(t, got, secret)
	}
	require.Contains(t, got, "  password: <redacted>\n")
	require.Contains(t, got, "  dsn: <redacted>\n    <redacted>\n    <redacted>\n")
	require.Contains(t, got, "    example.com/api-token: <redacted>\n")
	require.Contains(t, got, "    - name: web\n")
	require.Equal(t, strings.Count(string(content), "\n"), strings.Count(got, "\n"), "one line for one line")
}

func TestRedactMasksValuesThatLookLikeCredentials(t *testing.T) {
	// Tokens and keys under innocent keys: what people paste from real
	// clusters (env vars, annotations, a kubectl last-applied copy).
	secrets := map[string]string{
		"pem":     "-----BEGIN RSA PRIVATE KEY-----",
		"jwt":     "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
		"aws":     "AKIAIOSFODNN7EXAMPLE",
		"github":  "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
		"slack":   "xoxb-1234567890-abcdefghij",
		"url":     "postgres://admin:s3cr3t@db.internal:5432/app",
		"openai":  "sk-proj-0123456789abcdefghijklmnop",
		"applied": `{"apiVersion":"v1","kind":"ConfigMap","data":{"db_password":"hunter2"}}`,
	}
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  annotations:\n")
	for _, k := range slices.Sorted(maps.Keys(secrets)) {
		fmt.Fprintf(&b, "    example.com/%s: %q\n", k, secrets[k])
	}
	b.WriteString("data:\n  args:\n  - --flag\n  - " + secrets["github"] + "\n  plain: just-a-service-name\n")
	b.WriteString("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"data\":{\"tls.crt\":\"Y2VydA==\"}}\ndata:\n  tls.crt: Y2VydA==\n")
	got := string(Redact([]byte(b.String())))
	for name, secret := range secrets {
		require.NotContains(t, got, secret, name)
	}
	require.NotContains(t, got, "Y2VydA==")
	require.Contains(t, got, "  - --flag\n")
	require.Contains(t, got, "  plain: just-a-service-name\n")
	require.Contains(t, got, "  name: app\n")
}

func TestDiffNeverPrintsASecretNextToAnEdit(t *testing.T) {
	old := []byte("kind: Secret\nstringData:\n  password: hunter2\n---\nspec:\n  name: api-svc\n")
	p := &Plan{Old: map[string][]byte{"a.yaml": old}, Files: map[string][]byte{"a.yaml": []byte(strings.Replace(string(old), "api-svc", "api", 1))}}
	d := p.Diff()
	require.Contains(t, d, "+  name: api\n")
	require.NotContains(t, d, "hunter2")
	require.Contains(t, d, "password: <redacted>")
}

func TestWriteReplacesAtomicallyKeepingModeAndLinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.yaml")
	require.NoError(t, os.WriteFile(real, []byte("old\n"), 0o640))
	link := filepath.Join(dir, "link.yaml")
	require.NoError(t, os.Symlink("real.yaml", link))
	p := &Plan{Old: map[string][]byte{link: []byte("old\n")}, Files: map[string][]byte{link: []byte("new\n")}}
	require.NoError(t, p.Write())
	got, err := os.ReadFile(real)
	require.NoError(t, err)
	require.Equal(t, "new\n", string(got))
	info, err := os.Lstat(link)
	require.NoError(t, err)
	require.NotZero(t, info.Mode()&os.ModeSymlink, "the link stays a link")
	info, err = os.Stat(real)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o640), info.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "no temporary file left behind")
}

func TestWriteRefusesAFileChangedSinceItWasRead(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	require.NoError(t, os.WriteFile(a, []byte("a\n"), 0o644))
	require.NoError(t, os.WriteFile(b, []byte("edited by the user meanwhile\n"), 0o644))
	p := &Plan{
		Old:   map[string][]byte{a: []byte("a\n"), b: []byte("b\n")},
		Files: map[string][]byte{a: []byte("A\n"), b: []byte("B\n")},
	}
	require.ErrorIs(t, p.Write(), ErrChanged)
	got, _ := os.ReadFile(a)
	require.Equal(t, "a\n", string(got), "no file is written when one fails")
	got, _ = os.ReadFile(b)
	require.Equal(t, "edited by the user meanwhile\n", string(got))
}

func TestFlowMappingsTakeAnInsertedKey(t *testing.T) {
	content := []byte("spec:\n  rules:\n  - backendRefs:\n    - {name: web,\tport: 80}  # flow style\n")
	docs, err := parseDocs(content)
	require.NoError(t, err)
	obj := objects(docs[0])[0]
	var sps []splice
	for _, e := range []report.Edit{{Op: "set", Field: "spec.rules[0].backendRefs[0].group", Value: ""}, {Op: "set", Field: "spec.rules[0].backendRefs[0].kind", Value: "Service"}} {
		sp, err := setSplice(content, obj, e, "RG401")
		require.NoError(t, err)
		sps = append(sps, sp)
	}
	out, err := apply(content, sps, nil)
	require.NoError(t, err)
	require.Equal(t, "spec:\n  rules:\n  - backendRefs:\n    - {name: web,\tport: 80, group: \"\", kind: Service}  # flow style\n", string(out))
}

// A key written with no value ("group:", a null) gets its value after the
// colon, in block and flow mappings; the parser places such a value at the
// next token, where writing it would break the document.
func TestAKeyWithoutAValueGetsOne(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"to:\n  - group:\n    kind: Service\n", "to:\n  - group: \"\"\n    kind: Service\n"},
		{"to:\n  - group:   # core\n    kind: Service\n", "to:\n  - group: \"\"   # core\n    kind: Service\n"},
		{"to:\n  - {group: , kind: Service}\n", "to:\n  - {group: \"\" , kind: Service}\n"},
		{"to:\n  - kind: Service\n    group:\n", "to:\n  - kind: Service\n    group: \"\"\n"},
	} {
		out, err := editOne(tc.in, setSplice, report.Edit{Op: "set", Field: "to[0].group", Value: ""})
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, out)
	}
}

// editOne applies one edit to the first object of a document and checks
// that the result still parses.
func editOne(in string, edit func([]byte, *yaml.Node, report.Edit, string) (splice, error), e report.Edit) (string, error) {
	content := []byte(in)
	docs, err := parseDocs(content)
	if err != nil {
		return "", err
	}
	sp, err := edit(content, objects(docs[0])[0], e, "RG000")
	if err != nil {
		return "", err
	}
	out, err := apply(content, []splice{sp}, nil)
	if err != nil {
		return "", err
	}
	if _, err := parseDocs(out); err != nil {
		return "", fmt.Errorf("the result does not parse: %w", err)
	}
	return string(out), nil
}

// A removed key takes its line, or, when it opens a sequence item, hands
// the "- " to the item's next key; in a flow mapping one comma goes with
// it. Every result parses, and nothing else changes.
func TestRemoveTakesTheKeyAndNothingElse(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"refs:\n  - name: api\n    namespace: backend\n    port: 80\n", "refs:\n  - name: api\n    port: 80\n"},
		{"refs:\n  - name: api\n    namespace: backend # why\n", "refs:\n  - name: api\n"},
		{"refs:\n  - namespace: backend\n    name: api\n", "refs:\n  - name: api\n"},
		{"refs:\n  - namespace:\n    name: api\n", "refs:\n  - name: api\n"},
		{"refs:\n  - {name: api, namespace: backend, port: 80}\n", "refs:\n  - {name: api, port: 80}\n"},
		{"refs:\n  - {name: api, namespace: backend}\n", "refs:\n  - {name: api}\n"},
		{"refs:\n  - {namespace: backend, name: api}\n", "refs:\n  - {name: api}\n"},
		{"refs:\n  - {name: namespace, namespace: backend}\n", "refs:\n  - {name: namespace}\n"},
		{"refs:\r\n  - name: api\r\n    namespace: backend\r\n", "refs:\r\n  - name: api\r\n"},
	} {
		out, err := editOne(tc.in, removeSplice, report.Edit{Op: "remove", Field: "refs[0].namespace"})
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, out, tc.in)
	}
}

// What a removal cannot do cleanly it refuses, and the finding is then
// listed as not fixed.
func TestRemoveRefusesWhatItCannotDoCleanly(t *testing.T) {
	for _, in := range []string{
		"refs:\n  - name: api\n",                                  // not present
		"refs:\n  - namespace: backend\n",                         // the only key
		"refs:\n  - name: api\n    namespace: |\n      backend\n", // a block scalar
		"refs:\n  - name: api\n    namespace: {a: b}\n",           // not a scalar
	} {
		_, err := editOne(in, removeSplice, report.Edit{Op: "remove", Field: "refs[0].namespace"})
		require.Error(t, err, in)
	}
}
