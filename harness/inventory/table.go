package inventory

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/refguard/refguard/harness/manifest"
)

// ReferenceGrants is the collection of ReferenceGrants, which a check
// evaluates as well as indexes.
const ReferenceGrants = "referencegrants"

// groupKind is the API group and kind of a collection's objects.
type groupKind struct{ group, kind string }

// Table says which collection an object belongs to: the policy's
// lib.refguard.refs.collections, read by the checker (TableOf), with a
// profile's own collections (With) and a config's backend_lookups
// (WithLookups) added, and what the index keeps of the objects of a
// collection a load keeps whole (Keeping). The zero Table indexes
// nothing.
type Table struct {
	byKind map[groupKind]string
	names  []string                   // every collection, sorted
	kept   map[string]manifest.Fields // what the index keeps of a collection's objects (Keeping)
}

// TableOf reads the value of lib.refguard.refs.collections
// ({collection: {"kind", "apiVersions"}}).
func TableOf(v any) (Table, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return Table{}, fmt.Errorf("read collections from policy: want an object of collections, got %T", v)
	}
	t := Table{byKind: map[groupKind]string{}}
	for name, spec := range m {
		s, _ := spec.(map[string]any)
		kind, _ := s["kind"].(string)
		versions, _ := s["apiVersions"].([]any)
		var apiVersion string
		if len(versions) > 0 {
			apiVersion, _ = versions[0].(string)
		}
		if kind == "" || apiVersion == "" {
			return Table{}, fmt.Errorf("read collections from policy: collection %s has no kind and apiVersions", name)
		}
		t.add(name, groupKind{manifest.APIGroup(apiVersion), kind})
	}
	return t, nil
}

func (t *Table) add(name string, gk groupKind) {
	if _, taken := t.byKind[gk]; taken || slices.Contains(t.names, name) {
		return // the policy's own collections win, as lib.refguard.config.collections decides
	}
	t.byKind[gk] = name
	t.names = append(t.names, name)
	slices.Sort(t.names)
}

// With adds collections in lib.refguard.refs.collections' shape (a
// profile's own: lib.refguard.config.collections) to the table; the
// table's own win, as there.
func (t Table) With(collections map[string]any) (Table, error) {
	if len(collections) == 0 {
		return t, nil
	}
	added, err := TableOf(collections)
	if err != nil {
		return Table{}, err
	}
	out := Table{byKind: maps.Clone(t.byKind), names: slices.Clone(t.names), kept: t.kept}
	for _, name := range added.names {
		for gk, n := range added.byKind {
			if n == name {
				out.add(name, gk)
			}
		}
	}
	return out, nil
}

// Keeping has the index keep only f of the objects of a collection whose
// objects a load keeps whole (routes a profile reads as a collection,
// which are checked whole too): the index holds a copy with f's fields
// (manifest.Object.Kept). A collection a load trims already
// (manifest.Options.Fields) needs none.
func (t Table) Keeping(collection string, f manifest.Fields) Table {
	out := t
	out.kept = maps.Clone(t.kept)
	if out.kept == nil {
		out.kept = map[string]manifest.Fields{}
	}
	out.kept[collection] = f
	return out
}

// WithLookups adds the collections of a config's backend_lookups
// ([{"kind": "group/Kind", "resource": …}, …]); entries without both are
// left out, as the policy leaves them out.
func (t Table) WithLookups(lookups any) Table {
	list, _ := lookups.([]any)
	if len(list) == 0 {
		return t
	}
	out := Table{byKind: maps.Clone(t.byKind), names: slices.Clone(t.names), kept: t.kept}
	for _, l := range list {
		m, _ := l.(map[string]any)
		kind, _ := m["kind"].(string)
		resource, _ := m["resource"].(string)
		if kind == "" || resource == "" {
			continue
		}
		group, k, ok := strings.Cut(kind, "/")
		if !ok {
			group, k = "", kind
		}
		out.add(resource, groupKind{group, k})
	}
	return out
}

// Of names the collection an object of apiVersion and kind belongs to, or "".
func (t Table) Of(apiVersion, kind string) string {
	return t.byKind[groupKind{manifest.APIGroup(apiVersion), kind}]
}

// Names lists every collection, sorted.
func (t Table) Names() []string { return t.names }
