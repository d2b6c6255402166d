package engine

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
)

// AssembleDerived builds the derived collections from what the policy's
// derived query returns: for each collection, the entries [path, value]
// that place value at path (an array of strings) inside it. The policy
// says what goes where; this only nests it. Grouping is left to Go because
// OPA's Wasm build has no linear way to do it (object.union_n copies the
// object it builds at every step, and its sort is an insertion sort), and
// both evaluators assemble the same way. A path given twice keeps its
// first value: the policy gives one value per path.
func AssembleDerived(derived ast.Object) (ast.Object, error) {
	out := ast.NewObject()
	err := derived.Iter(func(k, v *ast.Term) error {
		name, ok := k.Value.(ast.String)
		if !ok {
			return fmt.Errorf("collection name %v is not a string", k)
		}
		entries, ok := v.Value.(*ast.Array)
		if !ok {
			return fmt.Errorf("derived collection %s: the entries are not an array", name)
		}
		collection := ast.NewObject()
		var err error
		entries.Foreach(func(entry *ast.Term) {
			if err == nil {
				err = place(collection, entry)
			}
		})
		if err != nil {
			return fmt.Errorf("derived collection %s: %w", name, err)
		}
		out.Insert(k, ast.NewTerm(collection))
		return nil
	})
	return out, err
}

// place puts an entry's value at its path in obj, making the objects on
// the way.
func place(obj ast.Object, entry *ast.Term) error {
	pair, ok := entry.Value.(*ast.Array)
	if !ok || pair.Len() != 2 {
		return fmt.Errorf("entry %v is not [path, value]", entry)
	}
	path, ok := pair.Elem(0).Value.(*ast.Array)
	if !ok || path.Len() == 0 {
		return fmt.Errorf("entry %v: the path is not a non-empty array", entry)
	}
	for i := range path.Len() {
		key := path.Elem(i)
		if _, ok := key.Value.(ast.String); !ok {
			return fmt.Errorf("entry %v: path element %v is not a string", entry, key)
		}
		if i == path.Len()-1 {
			if obj.Get(key) == nil {
				obj.Insert(key, pair.Elem(1))
			}
			continue
		}
		next := obj.Get(key)
		if next == nil {
			next = ast.NewTerm(ast.NewObject())
			obj.Insert(key, next)
		}
		child, ok := next.Value.(ast.Object)
		if !ok {
			return fmt.Errorf("entry %v: %v holds a value, not an object", entry, key)
		}
		obj = child
	}
	return nil
}

// NamesOnly is a collection ({namespace: {name: object}}) as the derived
// query reads a name-only input: {namespace: {name: true}}.
func NamesOnly(collection ast.Value) ast.Value {
	byNS, ok := collection.(ast.Object)
	if !ok {
		return collection
	}
	out := ast.NewObject()
	byNS.Foreach(func(ns, objs *ast.Term) {
		names := ast.NewObject()
		if o, ok := objs.Value.(ast.Object); ok {
			o.Foreach(func(name, _ *ast.Term) {
				names.Insert(name, ast.InternedTerm(true))
			})
		}
		out.Insert(ns, ast.NewTerm(names))
	})
	return out
}
