package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"

	"github.com/refguard/refguard/harness/astjson"
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

// A typed list as the API server returns it lends its items the
// apiVersion and kind they leave out; lists are read two deep, and -n
// reaches their items.
func TestTypedAndNestedLists(t *testing.T) {
	src := `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRouteList
items:
  - metadata: {name: r}
    spec: {}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceList
    items:
      - metadata: {name: s, namespace: kept}
      - apiVersion: v1
        kind: List
        items:
          - {apiVersion: v1, kind: Service, metadata: {name: too-deep}}
`
	res, err := LoadWithOptions([]string{"-"}, strings.NewReader(src), Options{Namespace: "shop"})
	require.NoError(t, err)
	var got []string
	for i := range res.Objects {
		o := res.Objects[i]
		got = append(got, fmt.Sprintf("%s %s %s/%s", o.APIVersion, o.Kind, o.Namespace, o.Name))
		require.Equal(t, o.Kind, stringAt(o.Value, "kind"), "the policy reads the kind from the value")
	}
	require.Equal(t, []string{"gateway.networking.k8s.io/v1 HTTPRoute shop/r", "v1 Service kept/s"}, got)
	require.Len(t, res.Notes, 1)
	require.Contains(t, res.Notes[0].Message, "a List inside 2 lists")
}

// FuzzLoad: any input either loads or fails with an *Error naming the
// file; it never panics or hangs.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: Service\nmetadata: {name: a}\n",
		"apiVersion: v1\nkind: Service\nmetadata: {name: a, labels: {x: y}}\nspec: {selector: {a: b}, ports: [{port: 80}]}\nstatus: {}\n",
		"---\n---\n", "[1, 2]", "a: &a [*a]", "{{ .Values }}", "\x00", "kind: List\napiVersion: v1\nitems: 3\n",
		"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nspec:\n  rules:\n    - backendRefs: [{name: x, port: 1}]\n",
		"a: !!binary aGVsbG8=\n", "a: 2001-12-14t21:59:43.10-05:00\n", "a: .nan\n", "? [a]\n: b\n",
		"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, labels: {a: b}}\nspec:\n  parentRefs: [{name: gw}]\n  rules:\n    - matches: [{path: {value: /a}}]\n      backendRefs: [{name: x, port: 1}]\n    - backendRefs: []\n    - 3\n",
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
		// Deferring every kind changes what is held, never what is loaded.
		deferred, err := LoadWithOptions([]string{"-"}, bytes.NewReader(data), Options{Defer: func(string, string) bool { return true }, DeferredJSON: true})
		if err != nil {
			t.Fatalf("loads plainly but not deferred: %v", err)
		}
		if len(deferred.Objects) != len(res.Objects) {
			t.Fatalf("deferred load has %d objects, want %d", len(deferred.Objects), len(res.Objects))
		}
		for i := range deferred.Objects {
			got, err := deferred.Objects[i].Materialize()
			if err != nil {
				t.Fatalf("materialize: %v", err)
			}
			want := res.Objects[i]
			if got.Line != want.Line || got.Value.Compare(want.Value) != 0 || fmt.Sprint(got.Lines) != fmt.Sprint(want.Lines) {
				t.Fatalf("object %d differs when deferred", i)
			}
			// The JSON a deferred document keeps is its value's.
			if o := deferred.Objects[i]; o.Deferred() {
				text, err := astjson.Append(nil, want.Value)
				if err != nil || string(o.JSON) != string(text) {
					t.Fatalf("object %d: deferred JSON %s, want %s (%v)", i, o.JSON, text, err)
				}
			}
			// A kept copy is the same whether the object was deferred
			// (its JSON cut down) or not (its value), and leaves the
			// object whole.
			keep := Fields{"metadata": {"labels", "name"}, "spec": {"parentRefs", "hostnames", "rules[].matches"}, "kind": nil}
			plain, err := res.Objects[i].Kept(keep)
			if err != nil {
				t.Fatalf("keep: %v", err)
			}
			fromDeferred, err := deferred.Objects[i].Kept(keep)
			if err != nil {
				t.Fatalf("keep deferred: %v", err)
			}
			if fromDeferred.JSON != nil {
				text, err := astjson.Append(nil, plain.Value)
				if err != nil || !sameJSON(fromDeferred.JSON, text) {
					t.Fatalf("object %d: kept JSON %s, want %s (%v)", i, fromDeferred.JSON, text, err)
				}
			}
			again, err := fromDeferred.Materialize()
			if err != nil || again.Value.Compare(plain.Value) != 0 {
				t.Fatalf("object %d: kept copy materializes to %v, want %v (%v)", i, again.Value, plain.Value, err)
			}
			if res.Objects[i].Value.Compare(want.Value) != 0 {
				t.Fatalf("object %d: keeping changed the object", i)
			}
		}
		var objs []*Object
		for i := range deferred.Objects {
			objs = append(objs, &deferred.Objects[i])
		}
		all, err := MaterializeAll(objs)
		if err != nil {
			t.Fatalf("materialize all: %v", err)
		}
		for i, got := range all {
			want := res.Objects[i]
			if got.Line != want.Line || got.Value.Compare(want.Value) != 0 || fmt.Sprint(got.Lines) != fmt.Sprint(want.Lines) {
				t.Fatalf("object %d differs when materialized with the others", i)
			}
		}
		// Keeping fields changes values, never what loads or where.
		fields := Fields{"kind": nil, "metadata": {"name"}, "spec": {"ports", "rules[].matches"}}
		kept, err := LoadWithOptions([]string{"-"}, bytes.NewReader(data), Options{Fields: func(string, string) Fields { return fields }})
		if err != nil {
			t.Fatalf("loads plainly but not with fields: %v", err)
		}
		if len(kept.Objects) != len(res.Objects) {
			t.Fatalf("load with fields has %d objects, want %d", len(kept.Objects), len(res.Objects))
		}
		for i, o := range kept.Objects {
			want := res.Objects[i]
			if o.APIVersion != want.APIVersion || o.Kind != want.Kind || o.Name != want.Name || o.Namespace != want.Namespace || o.Line != want.Line {
				t.Fatalf("object %d: identity differs with fields", i)
			}
			o.Value.Foreach(func(k, v *ast.Term) {
				keys, listed := fields[string(k.Value.(ast.String))]
				if !listed {
					t.Fatalf("object %d keeps %v", i, k)
				}
				if inner, ok := v.Value.(ast.Object); ok && len(keys) > 0 {
					for _, ik := range inner.Keys() {
						if _, selected := selection(keys, string(ik.Value.(ast.String))); !selected {
							t.Fatalf("object %d keeps %v.%v", i, k, ik)
						}
					}
				}
				if w := want.Value.Get(k); w == nil || (len(keys) == 0 && w.Value.Compare(v.Value) != 0) {
					t.Fatalf("object %d: %v differs from the plain load", i, k)
				}
			})
		}
		// Deferred with fields: the same kept value once materialized, and
		// the JSON kept with the text is that value's.
		keptDeferred, err := LoadWithOptions([]string{"-"}, bytes.NewReader(data), Options{
			Defer: func(string, string) bool { return true }, DeferredJSON: true,
			Fields: func(string, string) Fields { return fields },
		})
		if err != nil {
			t.Fatalf("loads with fields but not deferred: %v", err)
		}
		for i := range keptDeferred.Objects {
			o := &keptDeferred.Objects[i]
			got, err := o.Materialize()
			if err != nil {
				t.Fatalf("materialize: %v", err)
			}
			want := kept.Objects[i]
			if got.Value.Compare(want.Value) != 0 {
				t.Fatalf("object %d: kept value differs when deferred: %v, want %v", i, got.Value, want.Value)
			}
			if o.Deferred() {
				text, err := astjson.Append(nil, want.Value)
				if err != nil || string(o.JSON) != string(text) {
					t.Fatalf("object %d: deferred JSON with fields %s, want %s (%v)", i, o.JSON, text, err)
				}
			}
		}
	})
}

// FuzzValueMatchesDecoder: the direct node-to-value path gives exactly
// what yaml.v3's decoder gives, for every document it accepts.
func FuzzValueMatchesDecoder(f *testing.F) {
	for _, seed := range []string{
		"a: 1\nb: [true, false, null, ~, 1.5, -7, 007, 0x1F, 1e3, .inf, yes, on, '3']\n",
		"a: {b: {c: [1, {d: e}]}}\n", "a: 2001-12-14\n", "a: !!str 12\n", "a: !!int '12'\n",
		"a: 9223372036854775808\n", "a: -9223372036854775808\n", "\"a\": |\n  x\n  y\n", "a: b\na: c\n",
		"? [a]\n: b\n", "1: a\n", "a: !custom {b: 1}\n", "a: !!binary aGVsbG8=\n", "a: -0\n", "a: +1\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var node yaml.Node
		if err := yaml.Unmarshal(data, &node); err != nil || node.Kind != yaml.DocumentNode || len(node.Content) == 0 {
			return
		}
		root := node.Content[0]
		if plain, err := checkShape("fuzz", root); err != nil || !plain {
			return
		}
		var unshared *termTable
		fast, fastErr := unshared.value(root)
		slow, slowErr := decodedValue(root)
		if errors.Is(fastErr, errNotPlain) {
			return
		}
		if (fastErr == nil) != (slowErr == nil) {
			t.Fatalf("fast error %v, decoder error %v", fastErr, slowErr)
		}
		if fastErr == nil && fast.Compare(slow) != 0 {
			t.Fatalf("fast %v != decoder %v", fast, slow)
		}
		// Sharing the terms of repeated scalars changes nothing either.
		table := newTermTable()
		for range 2 {
			shared, sharedErr := table.value(root)
			if (sharedErr == nil) != (fastErr == nil) || (sharedErr == nil && shared.Compare(fast) != 0) {
				t.Fatalf("shared terms %v (%v) != fast %v (%v)", shared, sharedErr, fast, fastErr)
			}
		}
	})
}

// A large input is split at document markers and parsed concurrently; the
// objects, their lines and the notes are those of one sequential parse,
// and deferred documents materialise to the same objects.
func TestConcurrentParseMatchesSequential(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "# object %d\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r%d\nspec:\n  rules:\n    - backendRefs:\n        - name: s%d\n          port: %d\n", i, i, i, 1000+i)
		if i%7 == 0 {
			b.WriteString("---\n# only a comment\n")
		}
		if i%11 == 0 {
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Service\nmetadata: {name: s%d}\nspec:\n  ports: [{port: %d}]\n", i, 1000+i)
		}
		if i%13 == 0 {
			b.WriteString("--- \r\nkind: NotAnObject\n")
		}
	}
	data := []byte(b.String())
	require.Greater(t, len(data), 4*minGroup, "big enough to be spread over goroutines")
	sequential, notes, err := parseStream("set.yaml", data, chunk{start: 0, end: len(data), line: 1}, nil, nil, "")
	require.NoError(t, err)
	require.Greater(t, len(groupChunks(splitDocuments(data), 8)), 1)
	isRoute := func(_, kind string) bool { return kind == "HTTPRoute" }
	for _, deferKind := range []func(string, string) bool{nil, isRoute} {
		res, err := parse([]source{{file: "set.yaml", data: data}}, Options{Defer: deferKind})
		require.NoError(t, err)
		require.Equal(t, notes, res.Notes)
		require.Len(t, res.Objects, len(sequential))
		deferred := 0
		for i := range res.Objects {
			if res.Objects[i].Deferred() {
				deferred++
			}
			got, err := res.Objects[i].Materialize()
			require.NoError(t, err)
			want := sequential[i]
			require.Equal(t, want.Line, got.Line)
			require.Equal(t, want.Lines, got.Lines)
			require.Equal(t, 0, want.Value.Compare(got.Value), "object %d", i)
			require.Equal(t, want.Body(), got.Body())
		}
		if deferKind != nil {
			require.Equal(t, 3000, deferred)
		}
		// Materialised together (runs of adjacent documents share a
		// decoder), in windows that cut runs anywhere: the same objects.
		for _, window := range []int{1, 2, 7, 64, len(res.Objects)} {
			for start := 0; start < len(res.Objects); start += window {
				end := min(start+window, len(res.Objects))
				var objs []*Object
				for i := start; i < end; i++ {
					objs = append(objs, &res.Objects[i])
				}
				all, err := MaterializeAll(objs)
				require.NoError(t, err)
				for k, got := range all {
					want := sequential[start+k]
					require.Equal(t, want.Line, got.Line)
					require.Equal(t, want.Lines, got.Lines)
					require.Equal(t, 0, want.Value.Compare(got.Value), "object %d", start+k)
				}
			}
		}
	}
}

// Inputs whose documents cannot be cut at markers stay whole: directives;
// a chunk holding a "..." end marker is never deferred (YAML would allow a
// bare document after it).
func TestSplitKeepsWhatCannotBeCut(t *testing.T) {
	require.Len(t, splitDocuments([]byte("%YAML 1.2\n---\na: 1\n---\nb: 2\n")), 1)
	chunks := splitDocuments([]byte("a: 1\n...\n---\nc: 3\n"))
	require.Len(t, chunks, 2)
	require.False(t, chunks[0].single)
	require.True(t, chunks[1].single)
	res, err := LoadWithOptions([]string{"-"}, strings.NewReader("apiVersion: v1\nkind: A\n...\n---\napiVersion: v1\nkind: B\n---\napiVersion: v1\nkind: C\n"), Options{Defer: func(string, string) bool { return true }})
	require.NoError(t, err)
	require.Len(t, res.Objects, 3)
	require.False(t, res.Objects[0].Deferred())
	require.True(t, res.Objects[2].Deferred())
	require.True(t, res.Objects[1].Deferred())
	require.Equal(t, []int{1, 5, 8}, []int{res.Objects[0].Line, res.Objects[1].Line, res.Objects[2].Line})
}

func TestFieldsKeepOnlyWhatIsListed(t *testing.T) {
	src := `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: prod
  labels: {app: web}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"big": "blob"}'
spec:
  type: ClusterIP
  selector: {app: web}
  ports:
    - {name: http, port: 80}
status:
  loadBalancer: {}
---
apiVersion: v1
kind: Service
metadata: not-a-mapping
spec: {}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: untouched, labels: {a: b}}
data: {k: v}
`
	fields := Fields{"apiVersion": nil, "kind": nil, "metadata": {"name", "namespace"}, "spec": {"type", "externalName", "ports"}}
	res, err := LoadWithOptions([]string{"-"}, strings.NewReader(src), Options{Fields: func(_, kind string) Fields {
		if kind == "Service" {
			return fields
		}
		return nil
	}})
	require.NoError(t, err)
	require.Len(t, res.Objects, 3)
	require.Equal(t, map[string]any{
		"apiVersion": "v1",
		"kind":       "Service",
		"metadata":   map[string]any{"name": "web", "namespace": "prod"},
		"spec":       map[string]any{"type": "ClusterIP", "ports": []any{map[string]any{"name": "http", "port": json.Number("80")}}},
	}, res.Objects[0].Body())
	require.Equal(t, "web", res.Objects[0].Name, "identity is read before fields are dropped")
	require.Equal(t, 1, res.Objects[0].Line)
	require.Equal(t, map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": "not-a-mapping", "spec": map[string]any{}},
		res.Objects[1].Body(), "a listed field that is not a mapping is kept as it is, so the rules see the same shape")
	plain, err := Load([]string{"-"}, strings.NewReader(src))
	require.NoError(t, err)
	require.Equal(t, plain.Objects[2].Body(), res.Objects[2].Body(), "kinds without fields keep everything")
}

// Deferred documents keep only their own text: the rest of the input is not
// held for them, adjacent documents stay adjacent, and every document
// materialises as the plain load has it.
func TestDeferredTextIsCompacted(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Service\nmetadata: {name: s%d}\nspec: {ports: [{port: 80}]}\n", i)
		for j := 0; j < 1+i%3; j++ { // runs of one to three routes
			fmt.Fprintf(&b, "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r%d-%d}\nspec:\n  rules:\n    - backendRefs: [{name: s%d, port: 80}]\n", i, j, i)
		}
	}
	src := b.String()
	plain, err := Load([]string{"-"}, strings.NewReader(src))
	require.NoError(t, err)
	deferred, err := LoadWithOptions([]string{"-"}, strings.NewReader(src), Options{Defer: func(_, kind string) bool { return kind == "HTTPRoute" }})
	require.NoError(t, err)
	require.Len(t, deferred.Objects, len(plain.Objects))
	var routes []*Object
	text, adjacentPairs := 0, 0
	for i := range deferred.Objects {
		o := &deferred.Objects[i]
		if !o.Deferred() {
			continue
		}
		text += o.srcEnd - o.srcStart
		require.Less(t, len(o.src), len(src), "a deferred route holds the routes' text, not the input")
		if len(routes) > 0 && adjacent(routes[len(routes)-1], o) {
			adjacentPairs++
		}
		routes = append(routes, o)
	}
	require.Equal(t, 99, len(routes))
	require.Equal(t, text+49, len(routes[0].src), "the routes' text and one separator per gap")
	require.Equal(t, 49, adjacentPairs, "routes that followed one another still do")
	all, err := MaterializeAll(routes)
	require.NoError(t, err)
	k := 0
	for i := range plain.Objects {
		if plain.Objects[i].Kind != "HTTPRoute" {
			continue
		}
		one, err := routes[k].Materialize()
		require.NoError(t, err)
		for _, got := range []*Object{one, all[k]} {
			require.Equal(t, plain.Objects[i].Line, got.Line)
			require.Equal(t, plain.Objects[i].Lines, got.Lines)
			require.Equal(t, 0, plain.Objects[i].Value.Compare(got.Value))
		}
		k++
	}
}

// TestNamespaceOption: Options.Namespace reaches every object that names
// no namespace (or an empty or null one), List items included, in the
// value, the deferred JSON and a materialized document alike; a named
// namespace and a cluster-scoped kind are left as they are.
func TestNamespaceOption(t *testing.T) {
	src := `apiVersion: v1
kind: Service
metadata:
  name: a
---
apiVersion: v1
kind: Service
metadata:
  name: b
  namespace: kept
---
apiVersion: v1
kind: Service
metadata:
  name: c
  namespace:
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata:
      name: d
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
spec: {}
`
	want := map[string]string{"Service/a": "shop", "Service/b": "kept", "Service/c": "shop", "Namespace/shop": "", "Service/d": "shop", "HTTPRoute/r": "shop"}
	deferRoutes := func(_, kind string) bool { return kind == "HTTPRoute" }
	for _, opts := range []Options{{Namespace: "shop"}, {Namespace: "shop", Defer: deferRoutes}, {Namespace: "shop", Defer: deferRoutes, DeferredJSON: true}} {
		res, err := LoadWithOptions([]string{"-"}, strings.NewReader(src), opts)
		require.NoError(t, err)
		require.Len(t, res.Objects, len(want))
		for i := range res.Objects {
			o, err := res.Objects[i].Materialize()
			require.NoError(t, err)
			key := o.Kind + "/" + o.Name
			require.Equal(t, want[key], o.Namespace, key)
			ns := ""
			if md, ok := o.Value.Get(ast.InternedTerm("metadata")).Value.(ast.Object); ok {
				ns = stringAt(md, "namespace")
			}
			require.Equal(t, want[key], ns, "%s: the value the policy reads", key)
			if res.Objects[i].JSON != nil {
				require.Contains(t, string(res.Objects[i].JSON), `"namespace":"shop"`, key)
			}
		}
	}
	plain, err := Load([]string{"-"}, strings.NewReader(src))
	require.NoError(t, err)
	require.Equal(t, "", plain.Objects[0].Namespace, "without the option nothing is added")
}

// sameJSON: two JSON texts hold the same value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
