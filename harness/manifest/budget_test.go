package manifest

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

// parsedNodes counts the nodes yaml.v3 builds for every document of data
// (aliases not followed); ok is false when data does not parse.
func parsedNodes(data []byte) (n int, ok bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return n, true
		}
		if err != nil {
			return 0, false
		}
		var walk func(*yaml.Node)
		walk = func(x *yaml.Node) {
			n++
			for _, c := range x.Content {
				walk(c)
			}
		}
		walk(&doc)
	}
}

// boundSeeds are texts where a bound is easy to get wrong: flow inside
// block, quotes holding indicators, comments, block scalars, JSON.
var boundSeeds = []string{
	"a: b\n", "- a\n- b\n", "- - - a\n", "- a: b\n  c: d\n", "[1,1,1,1]", "{a: 1, b: [2, 3]}",
	`{"a":{"b":[1,2,{"c":"d,e:f"}]}}`, "a: 'x: y, z'\nb: \"[1, 2]\"\n", "a: |\n  x: y\n  - z\n", "? a\n: b\n",
	"a: &x [1, 2]\nb: *x\n", "a: b # c: d\n", "---\na: 1\n---\nb: 2\n", "a:\n  - {x: 1}\n  - [y, z]\n", "-\n-\n-\n",
	"a: [\n  1,\n  2\n]\n", "a: !!binary aGVsbG8=\n", "k: v\n\n\n", "a: {b: {c: {d: e}}}\n", "[[[[]]]]", "{{{{}}}}",
	"a:\n- b\n- c\n", "- ? a\n  : b\n", "'a': 1\n\"b\": 2\n", "[a, b, ]", "{a, b}", "a: \"multi\n  line\"\n",
}

// TestNodeBoundIsAnUpperBound: for every manifest of the project, the
// seeds, and mutations of both, the bound is never below what yaml.v3
// builds, so a document the bound admits fits the budget it claims.
func TestNodeBoundIsAnUpperBound(t *testing.T) {
	texts := append([]string{}, boundSeeds...)
	for _, dir := range []string{"../../fixtures", "../../examples", "../../docs"} {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isManifestFile(p) {
				return err
			}
			raw, err := os.ReadFile(p)
			texts = append(texts, string(raw))
			return err
		}))
	}
	require.Greater(t, len(texts), 200)
	checked := 0
	for _, text := range texts {
		n, ok := parsedNodes([]byte(text))
		if !ok {
			continue
		}
		checked++
		require.GreaterOrEqual(t, nodeBound([]byte(text)), n, "bound below the parsed nodes of:\n%s", text)
	}
	require.Greater(t, checked, 200)
}

// FuzzNodeBound: any text yaml.v3 parses holds at most nodeBound nodes.
func FuzzNodeBound(f *testing.F) {
	for _, s := range boundSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, ok := parsedNodes(data)
		if ok && nodeBound(data) < n {
			t.Fatalf("bound %d below %d parsed nodes of %q", nodeBound(data), n, data)
		}
	})
}

func TestJSONNodesCountsExactly(t *testing.T) {
	for _, s := range []string{`{"a":{"b":[1,2,{"c":"d"}]}}`, `[1,2,3]`, `{}`, `"x"`, `[[],[{}]]`} {
		want, ok := parsedNodes([]byte(s))
		require.True(t, ok)
		got, ok := jsonNodes([]byte(s), 1000)
		require.True(t, ok, s)
		require.Equal(t, want-1, got, "%s (yaml.v3 adds a document node)", s)
	}
	_, ok := jsonNodes([]byte(`{a: 1}`), 1000)
	require.False(t, ok)
}

// TestParseBudget: a document of millions of tiny items is refused from its
// text before the parser builds it, as JSON or as YAML; a kubectl -o json
// dump of tens of thousands of Services, as large in bytes, is read.
func TestParseBudget(t *testing.T) {
	flowJSON := "[" + strings.Repeat("1,", MaxDocumentNodes) + "1]"
	_, err := Load([]string{"-"}, strings.NewReader(flowJSON))
	require.ErrorContains(t, err, "document holds more than 4000000 YAML nodes")

	flowYAML := "items: [" + strings.Repeat("a,", MaxDocumentNodes) + "a]\n"
	_, err = Load([]string{"-"}, strings.NewReader(flowYAML))
	require.ErrorContains(t, err, "refused before parsing")

	// Many documents, each under the document limit, over the run's.
	doc := "---\n[" + strings.Repeat("1,", MaxDocumentNodes/4) + "1]\n"
	_, err = Load([]string{"-"}, strings.NewReader(strings.Repeat(doc, MaxTotalNodes/(MaxDocumentNodes/2)+1)))
	require.ErrorContains(t, err, "the inputs hold more than 40000000 YAML nodes together")

	// Aliases: few nodes, a large expansion.
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	_, err = Load([]string{"-"}, strings.NewReader(bomb))
	require.ErrorContains(t, err, "through aliases (YAML alias bomb?)")
}

func TestLargeKubectlJSONDumpIsRead(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50 MB dump")
	}
	var b strings.Builder
	b.WriteString(`{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[`)
	const services = 25_000
	for i := 0; i < services; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		name := "svc-" + strings.Repeat("x", i%5) + strconv.Itoa(i)
		b.WriteString(`{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"annotations\":{},\"name\":\"` + name + `\",\"namespace\":\"ns-` + strconv.Itoa(i%500) + `\"},\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080}],\"selector\":{\"app\":\"` + name + `\"}}}\n"},"creationTimestamp":"2026-11-01T10:00:00Z","labels":{"app":"` + name + `","team":"t` + strconv.Itoa(i%40) + `"},"name":"` + name + `","namespace":"ns-` + strconv.Itoa(i%500) + `","resourceVersion":"` + strconv.Itoa(100000+i) + `","uid":"3b2f0d5c-9a8e-4f7a-9c1e-` + strconv.Itoa(100000000000+i) + `"},"spec":{"clusterIP":"10.96.` + strconv.Itoa(i%250) + `.` + strconv.Itoa(i%200) + `","clusterIPs":["10.96.` + strconv.Itoa(i%250) + `.` + strconv.Itoa(i%200) + `"],"internalTrafficPolicy":"Cluster","ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":8080},{"name":"metrics","port":9090,"protocol":"TCP","targetPort":9090}],"selector":{"app":"` + name + `"},"sessionAffinity":"None","type":"ClusterIP"},"status":{"loadBalancer":{}}}`)
	}
	b.WriteString("]}\n")
	require.Greater(t, b.Len(), 20<<20)
	res, err := Load([]string{"-"}, strings.NewReader(b.String()))
	require.NoError(t, err)
	require.Len(t, res.Objects, services)
}
