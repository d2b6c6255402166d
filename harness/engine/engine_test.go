package engine

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/policy"
)

// inventoryFields reads the declaration as check does with OPA's evaluator.
func inventoryFields(compiler *ast.Compiler) (map[string]map[string][]string, error) {
	v, err := EvalConstant(context.Background(), compiler, InventoryFieldsQuery)
	if err != nil {
		return nil, err
	}
	return InventoryFieldsOf(v)
}

func TestInventoryFieldsOfTheEmbeddedPolicy(t *testing.T) {
	modules, err := Modules(policy.FS)
	require.NoError(t, err)
	compiler, err := Compile(modules)
	require.NoError(t, err)
	fields, err := inventoryFields(compiler)
	require.NoError(t, err)
	services := fields["services"]
	require.NotNil(t, services, "Services are read field by field")
	assert.Subset(t, services["spec"], []string{"ports", "type", "externalName"})
	assert.NotContains(t, services, "status")
	assert.NotContains(t, services, "metadata", "a target's name and namespace are its keys in the inventory")
	assert.NotContains(t, fields, "referencegrants", "grants are read whole")
}

func TestInventoryFieldsWholeFields(t *testing.T) {
	compiler, err := Compile(map[string]string{"r.rego": `package lib.refguard.resolve

inventory_fields := {"services": {"kind": "*", "spec": ["ports"]}}
`})
	require.NoError(t, err)
	fields, err := inventoryFields(compiler)
	require.NoError(t, err)
	assert.Equal(t, map[string]map[string][]string{"services": {"kind": nil, "spec": {"ports"}}}, fields, `"*" keeps the field whole`)
}

func TestInventoryFieldsRejectsMalformedDeclarations(t *testing.T) {
	for name, tc := range map[string]struct{ decl, want string }{
		"absent":        {decl: ``, want: ""},
		"not an object": {decl: `inventory_fields := ["services"]`, want: "is an array, not an object"},
		"bad keep":      {decl: `inventory_fields := {"services": {"spec": "all"}}`, want: `["services"]["spec"] is "all"`},
		"empty list":    {decl: `inventory_fields := {"services": {"spec": []}}`, want: "lists no keys"},
		"not a key":     {decl: `inventory_fields := {"services": {"spec": [1]}}`, want: "holds 1, not a key"},
	} {
		t.Run(name, func(t *testing.T) {
			compiler, err := Compile(map[string]string{"r.rego": "package lib.refguard.resolve\n\n" + tc.decl + "\n"})
			require.NoError(t, err)
			fields, err := inventoryFields(compiler)
			if tc.want == "" {
				require.NoError(t, err)
				assert.Empty(t, fields, "without a declaration everything is read")
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestUsedGrantsIsASet(t *testing.T) {
	used := UsedGrants([]string{"b/g", "a/g", "b/g"})
	set, ok := used.Value.(ast.Set)
	require.True(t, ok, "the harness looks keys up in it: an array would be rebuilt into a set for every grant")
	assert.Equal(t, 2, set.Len())
	assert.True(t, set.Contains(ast.StringTerm("a/g")))
}

func TestAddDerivedStoresEachCollectionNextToTheInventory(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		module string
		want   string // data.kubernetes after, or the error
		err    bool
	}{
		"derived": {module: `package refguard.harness

derived := {"names_by_ns": [[[ns, name], true] | some ns, objs in data.kubernetes.services; some name, _ in objs]}
`, want: `{"names_by_ns": {"a": {"x": true}}, "services": {"a": {"x": {}}}}`},
		"none":          {module: "package other\n\nx := 1\n", want: `{"services": {"a": {"x": {}}}}`},
		"not an object": {module: "package refguard.harness\n\nderived := [1]\n", want: "is not an object", err: true},
		"bad name":      {module: "package refguard.harness\n\nderived := {1: []}\n", want: "collection name 1 is not a string", err: true},
		"not entries":   {module: "package refguard.harness\n\nderived := {\"x\": {}}\n", want: "the entries are not an array", err: true},
		"bad path":      {module: "package refguard.harness\n\nderived := {\"x\": [[[\"a\", 1], true]]}\n", want: "path element 1 is not a string", err: true},
		"value on path": {module: "package refguard.harness\n\nderived := {\"x\": [[[\"a\"], true], [[\"a\", \"b\"], true]]}\n", want: "holds a value, not an object", err: true},
	} {
		t.Run(name, func(t *testing.T) {
			compiler, err := Compile(map[string]string{"m.rego": tc.module})
			require.NoError(t, err)
			inv := ast.MustParseTerm(`{"services": {"a": {"x": {}}}}`).Value.(ast.Object)
			eng, err := New(ctx, compiler, inv, nil)
			if tc.err {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				return
			}
			require.NoError(t, err)
			var got any
			require.NoError(t, eng.Decision(ctx, "data.kubernetes", nil, &got))
			var want any
			require.NoError(t, json.Unmarshal([]byte(tc.want), &want))
			assert.Equal(t, want, got)
		})
	}
}

// TestAssembleDerivedNestsEveryEntry: each entry's value lands at its
// path, the objects on the way shared by the entries that pass through
// them, and a path given twice keeps its first value.
func TestAssembleDerivedNestsEveryEntry(t *testing.T) {
	entries := ast.MustParseTerm(`{"idx": [
		[["t", "a", "x"], {"g": 1}],
		[["t", "a", "y"], {"g": 2}],
		[["t", "b", "x"], {"g": 3}],
		[["u", "a", "x"], {"g": 4}],
		[["t", "a", "x"], {"g": 1}]
	], "empty": []}`).Value.(ast.Object)
	got, err := AssembleDerived(entries)
	require.NoError(t, err)
	want := ast.MustParseTerm(`{"idx": {"t": {"a": {"x": {"g": 1}, "y": {"g": 2}}, "b": {"x": {"g": 3}}}, "u": {"a": {"x": {"g": 4}}}}, "empty": {}}`).Value
	assert.Equal(t, 0, want.Compare(got), "got %v", got)
}

// TestNamesOnlyKeepsNamespacesAndNames: what a collection read by name
// only becomes, objects dropped, and what is not a collection left as is.
func TestNamesOnlyKeepsNamespacesAndNames(t *testing.T) {
	in := ast.MustParseTerm(`{"a": {"x": {"spec": {}}, "y": {}}, "b": {}}`).Value
	want := ast.MustParseTerm(`{"a": {"x": true, "y": true}, "b": {}}`).Value
	assert.Equal(t, 0, want.Compare(NamesOnly(in)))
	assert.Equal(t, ast.String("x"), NamesOnly(ast.String("x")))
}
