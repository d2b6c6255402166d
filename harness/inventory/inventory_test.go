package inventory_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/astjson"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/internal/testsupport"
)

// TestTableIsThePolicysCollections: the Go index files each object where
// the policy's one table says, the versions Gatekeeper syncs included, and a
// config's lookups add collections without displacing the policy's own.
func TestTableIsThePolicysCollections(t *testing.T) {
	set, err := policyset.Embedded()
	require.NoError(t, err)
	compiler, err := set.Compiler()
	require.NoError(t, err)
	rs, err := rego.New(rego.Query("data.lib.refguard.inventory.sources"), rego.Compiler(compiler)).Eval(context.Background())
	require.NoError(t, err)
	raw, err := json.Marshal(rs[0].Expressions[0].Value)
	require.NoError(t, err)
	var sources map[string][][2]string
	require.NoError(t, json.Unmarshal(raw, &sources))
	// Gatekeeper syncs what every profile reads: the policy's table with
	// each profile's own collections (kgateway's child HTTPRoutes).
	base := testsupport.Collections(t)
	profiles, err := engine.EvalConstant(context.Background(), compiler, engine.ProfilesQuery)
	require.NoError(t, err)
	own, err := engine.ProfileCollectionsOf(profiles)
	require.NoError(t, err)
	require.NotEmpty(t, own, "a profile reads collections of its own")
	table := base
	for _, collections := range own {
		table, err = table.With(collections)
		require.NoError(t, err)
	}
	require.Subset(t, table.Names(), base.Names())
	require.ElementsMatch(t, table.Names(), keys(sources))
	for collection, pairs := range sources {
		for _, p := range pairs {
			require.Equal(t, collection, table.Of(p[0], p[1]), "%s %s", p[0], p[1])
		}
	}
	require.Equal(t, "", table.Of("apps/v1", "Deployment"))
	require.False(t, strings.Contains(strings.Join(table.Names(), ","), " "))

	with := table.WithLookups([]any{
		map[string]any{"kind": "gateway.example.com/Backend", "version": "v1", "resource": "examplebackends"},
		map[string]any{"kind": "example.com/Service", "version": "v1", "resource": "services"},
		map[string]any{"kind": "gateway.networking.k8s.io/ReferenceGrant", "version": "v1", "resource": "grants"},
	})
	require.Equal(t, "examplebackends", with.Of("gateway.example.com/v1", "Backend"))
	require.Equal(t, "", with.Of("example.com/v1", "Service"), "the policy's resource names stay its own")
	require.Equal(t, inventory.ReferenceGrants, with.Of("gateway.networking.k8s.io/v1", "ReferenceGrant"), "and its kinds")
	require.Equal(t, "", table.Of("gateway.example.com/v1", "Backend"), "WithLookups leaves the table as it was")
}

func keys(m map[string][][2]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestBuildReadsDeferredObjects: objects kept as text index exactly like
// loaded ones, and later objects of the same name win.
func TestBuildReadsDeferredObjects(t *testing.T) {
	src := "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\nspec: {ports: [{port: 80}]}\n---\n" +
		"apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\nspec: {ports: [{port: 81}]}\n---\n" +
		"apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: x}\nspec: {from: [], to: []}\n"
	plain, err := manifest.Load([]string{"-"}, strings.NewReader(src))
	require.NoError(t, err)
	deferred, err := manifest.LoadWithOptions([]string{"-"}, strings.NewReader(src), manifest.Options{Defer: func(string, string) bool { return true }})
	require.NoError(t, err)
	require.True(t, deferred.Objects[0].Deferred())
	want, err := inventory.Build(testsupport.Collections(t), plain.Objects)
	require.NoError(t, err)
	got, err := inventory.Build(testsupport.Collections(t), deferred.Objects)
	require.NoError(t, err)
	require.Equal(t, 0, want.Compare(got))
	port, err := got.Find(ast.MustParseRef("x.services.x.a.spec.ports[0].port")[1:])
	require.NoError(t, err)
	require.Equal(t, ast.Number("81"), port)
}

// TestBuildJSONIsBuildAsJSON: the JSON inventory is the indexed one written
// as JSON, collection by collection, whether objects were loaded as values,
// kept as text, or kept as text with their (field-filtered) JSON.
func TestBuildJSONIsBuildAsJSON(t *testing.T) {
	src := "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x, labels: {l: v}}\nspec: {ports: [{port: 80}], selector: {s: t}}\n---\n" +
		"apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\nspec: {ports: [{port: 81, name: \"h\\u00e9\"}], type: ClusterIP}\n---\n" +
		"apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {type: ExternalName, externalName: e.example.com}\n---\n" +
		"apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: x}\nspec: {from: [], to: []}\n"
	fields := func(apiVersion, kind string) manifest.Fields {
		if kind == "Service" {
			return manifest.Fields{"spec": {"type", "externalName", "ports"}}
		}
		return nil
	}
	plain, err := manifest.LoadWithOptions([]string{"-"}, strings.NewReader(src), manifest.Options{Fields: fields})
	require.NoError(t, err)
	want, err := inventory.Build(testsupport.Collections(t), plain.Objects)
	require.NoError(t, err)
	for name, opts := range map[string]manifest.Options{
		"values":    {Fields: fields},
		"text":      {Defer: func(string, string) bool { return true }, Fields: fields},
		"text+JSON": {Defer: func(string, string) bool { return true }, DeferredJSON: true, Fields: fields},
	} {
		t.Run(name, func(t *testing.T) {
			loaded, err := manifest.LoadWithOptions([]string{"-"}, strings.NewReader(src), opts)
			require.NoError(t, err)
			got, err := inventory.BuildJSON(testsupport.Collections(t), loaded.Objects)
			require.NoError(t, err)
			require.Len(t, got, want.Len())
			want.Foreach(func(k, v *ast.Term) {
				text, err := astjson.Append(nil, v.Value)
				require.NoError(t, err)
				require.Equal(t, string(text), string(got[string(k.Value.(ast.String))]), "collection %v", k)
			})
		})
	}
}

// TestNamesJSONIsBuildsNamesOnly: the names-only form of each collection
// NamesJSON writes is what engine.NamesOnly makes of Build's, so the Wasm
// build and OPA's evaluator derive from the same input.
func TestNamesJSONIsBuildsNamesOnly(t *testing.T) {
	src := "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\nspec: {ports: [{port: 80}]}\n---\n" +
		"apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: y}\n---\n" +
		"apiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
	loaded, err := manifest.LoadWithOptions([]string{"-"}, strings.NewReader(src), manifest.Options{})
	require.NoError(t, err)
	built, err := inventory.Build(testsupport.Collections(t), loaded.Objects)
	require.NoError(t, err)
	got := inventory.IndexOf(testsupport.Collections(t), loaded.Objects).NamesJSON()
	require.Len(t, got, built.Len())
	built.Foreach(func(k, v *ast.Term) {
		text, err := astjson.Append(nil, engine.NamesOnly(v.Value))
		require.NoError(t, err)
		require.Equal(t, string(text), string(got[string(k.Value.(ast.String))]), "collection %v", k)
	})
	require.JSONEq(t, `{"default": {"b": true}, "x": {"a": true}, "y": {"a": true}}`, string(got["services"]))
}

// TestKeepingIndexesCopies: a collection the table keeps fields of (routes
// a profile reads, checked whole too) is indexed as copies with only those
// fields, the same however the objects were loaded, and the objects stay
// whole for the check.
func TestKeepingIndexesCopies(t *testing.T) {
	src := "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: c, namespace: x, labels: {l: v}, annotations: {a: b}}\n" +
		"spec: {parentRefs: [{kind: HTTPRoute, name: p}], hostnames: [], rules: [{backendRefs: [{name: s, port: 80}]}]}\n"
	table, err := testsupport.Collections(t).With(map[string]any{"httproutes": map[string]any{"kind": "HTTPRoute", "apiVersions": []any{"gateway.networking.k8s.io/v1"}}})
	require.NoError(t, err)
	table = table.Keeping("httproutes", manifest.Fields{"metadata": {"labels"}, "spec": {"parentRefs", "hostnames"}})
	want := ast.MustParseTerm(`{"metadata": {"labels": {"l": "v"}}, "spec": {"parentRefs": [{"kind": "HTTPRoute", "name": "p"}], "hostnames": []}}`).Value
	for name, opts := range map[string]manifest.Options{
		"values":    {},
		"text":      {Defer: func(string, string) bool { return true }},
		"text+JSON": {Defer: func(string, string) bool { return true }, DeferredJSON: true},
	} {
		loaded, err := manifest.LoadWithOptions([]string{"-"}, strings.NewReader(src), opts)
		require.NoError(t, err, name)
		built, err := inventory.Build(table, loaded.Objects)
		require.NoError(t, err, name)
		got, err := built.Find(ast.MustParseRef("x.httproutes.x.c")[1:])
		require.NoError(t, err, name)
		require.Equal(t, 0, want.Compare(got), "%s: %v", name, got)
		docs, err := inventory.IndexOf(table, loaded.Objects).JSON()
		require.NoError(t, err, name)
		fromJSON, err := ast.ParseTerm(string(docs["httproutes"]))
		require.NoError(t, err, name)
		require.Equal(t, 0, ast.NewObject(ast.Item(ast.StringTerm("x"), ast.NewTerm(ast.NewObject(ast.Item(ast.StringTerm("c"), ast.NewTerm(want)))))).Compare(fromJSON.Value), "%s: %s", name, docs["httproutes"])
		whole, err := loaded.Objects[0].Materialize()
		require.NoError(t, err)
		rules, err := whole.Value.Find(ast.MustParseRef("x.spec.rules")[1:])
		require.NoError(t, err, "%s: the route stays whole", name)
		require.NotNil(t, rules)
	}
}
