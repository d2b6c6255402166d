// Package inventory indexes the objects backendRefs resolve against — the
// collections of the policy's table (Table), Services, ReferenceGrants and
// the rest — by collection, namespace and name, in the shape kube-mgmt
// replicates into OPA (data.kubernetes.<resource>[ns][name]).
package inventory

import (
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/refguard/refguard/harness/astjson"
	"github.com/refguard/refguard/harness/manifest"
)

// Namespace is the effective namespace of an object.
func Namespace(o *manifest.Object) string {
	if o.Namespace == "" {
		return manifest.DefaultNamespace
	}
	return o.Namespace
}

// Build indexes objects in the kube-mgmt shape
// ({collection: {namespace: {name: object}}}, every collection present);
// later objects of the same name win, as with kubectl apply. The objects'
// values are shared, not copied; deferred objects are parsed.
func Build(table Table, sets ...[]manifest.Object) (ast.Object, error) {
	idx := index(table, sets)
	out := ast.NewObjectWithCapacity(len(idx))
	for _, c := range slices.Sorted(maps.Keys(idx)) {
		byNS := ast.NewObjectWithCapacity(len(idx[c]))
		for _, ns := range slices.Sorted(maps.Keys(idx[c])) {
			byName := ast.NewObjectWithCapacity(len(idx[c][ns]))
			for _, name := range slices.Sorted(maps.Keys(idx[c][ns])) {
				full, err := idx[c][ns][name].Materialize()
				if err != nil {
					return nil, err
				}
				byName.Insert(ast.StringTerm(name), ast.NewTerm(full.Value))
			}
			byNS.Insert(ast.StringTerm(ns), ast.NewTerm(byName))
		}
		out.Insert(ast.StringTerm(c), ast.NewTerm(byNS))
	}
	return out, nil
}

// index groups the inventory objects of sets by collection, namespace and
// name (every collection present); a later object of a name replaces an
// earlier one.
func index(table Table, sets [][]manifest.Object) Index {
	idx := Index{}
	for _, c := range table.Names() {
		idx[c] = map[string]map[string]*manifest.Object{}
	}
	for _, objs := range sets {
		for i := range objs {
			o := &objs[i]
			c := table.Of(o.APIVersion, o.Kind)
			if c == "" || o.Name == "" {
				continue
			}
			ns := Namespace(o)
			if idx[c][ns] == nil {
				idx[c][ns] = map[string]*manifest.Object{}
			}
			idx[c][ns][o.Name] = o
		}
	}
	for c, f := range table.kept {
		for _, byName := range idx[c] {
			for name, o := range byName {
				// An object no copy can be made of stays whole: the
				// policy reads the same of it, and a document that no
				// longer parses reports that when the index materialises
				// it.
				if kept, err := o.Kept(f); err == nil {
					byName[name] = kept
				}
			}
		}
	}
	return idx
}

// GatekeeperShape renders the inventory objects the way Gatekeeper syncs
// them — {"inventory": {"namespace": {ns: {apiVersion: {Kind: {name: obj}}}}}}
// — which is also the data file conftest --data reads for cluster objects.
func GatekeeperShape(table Table, sets ...[]manifest.Object) map[string]any {
	byNS := map[string]any{}
	for _, objs := range sets {
		for i := range objs {
			o := &objs[i]
			if table.Of(o.APIVersion, o.Kind) == "" || o.Name == "" {
				continue
			}
			ns := Namespace(o)
			gvs, _ := byNS[ns].(map[string]any)
			if gvs == nil {
				gvs = map[string]any{}
				byNS[ns] = gvs
			}
			kinds, _ := gvs[o.APIVersion].(map[string]any)
			if kinds == nil {
				kinds = map[string]any{}
				gvs[o.APIVersion] = kinds
			}
			names, _ := kinds[o.Kind].(map[string]any)
			if names == nil {
				names = map[string]any{}
				kinds[o.Kind] = names
			}
			names[o.Name] = o.Body()
		}
	}
	return map[string]any{"inventory": map[string]any{"namespace": byNS}}
}

// Index is the inventory's objects by collection, namespace and name
// (every collection present), later objects of the same name winning, as
// Build indexes them; its methods write it as JSON.
type Index map[string]map[string]map[string]*manifest.Object

// IndexOf indexes the objects of sets by the table's collections.
func IndexOf(table Table, sets ...[]manifest.Object) Index { return index(table, sets) }

// BuildJSON is Build as JSON text, one document per collection
// ({namespace: {name: object}}, every collection present), for an
// evaluator that reads JSON (the policy's Wasm build).
func BuildJSON(table Table, sets ...[]manifest.Object) (map[string][]byte, error) {
	return IndexOf(table, sets...).JSON()
}

// JSON writes each collection as one document, {namespace: {name:
// object}}. Objects kept as JSON (deferred with
// manifest.Options.DeferredJSON) are used as they are, never parsed again.
func (idx Index) JSON() (map[string][]byte, error) {
	return collectionsJSON(idx, func(b []byte, o *manifest.Object) ([]byte, error) {
		if o.JSON != nil {
			return append(b, o.JSON...), nil
		}
		full, err := o.Materialize()
		if err != nil {
			return nil, err
		}
		if b, err = astjson.Append(b, full.Value); err != nil {
			return nil, o.Errorf(err)
		}
		return b, nil
	})
}

// NamesJSON writes each collection holding only its names, {namespace:
// {name: true}}: what the derived collections read of the collections
// they read by name only (refguard.harness.derived_name_reads).
func (idx Index) NamesJSON() map[string][]byte {
	out, _ := collectionsJSON(idx, func(b []byte, _ *manifest.Object) ([]byte, error) {
		return append(b, "true"...), nil
	})
	return out
}

// collectionsJSON writes each collection of idx as one JSON document,
// {namespace: {name: value}}, namespaces and names sorted, value written
// by appendValue.
func collectionsJSON(idx Index, appendValue func([]byte, *manifest.Object) ([]byte, error)) (map[string][]byte, error) {
	out := make(map[string][]byte, len(idx))
	for c, byNS := range idx {
		b := []byte{'{'}
		for i, ns := range slices.Sorted(maps.Keys(byNS)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = astjson.AppendString(b, ns)
			b = append(b, ':', '{')
			for j, name := range slices.Sorted(maps.Keys(byNS[ns])) {
				if j > 0 {
					b = append(b, ',')
				}
				b = astjson.AppendString(b, name)
				b = append(b, ':')
				var err error
				if b, err = appendValue(b, byNS[ns][name]); err != nil {
					return nil, err
				}
			}
			b = append(b, '}')
		}
		out[c] = append(b, '}')
	}
	return out, nil
}
