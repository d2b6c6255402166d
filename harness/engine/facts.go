package engine

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// The facts Go reads of the policy, from their values as Go's JSON types
// (what OPA's evaluator and the Wasm build both hand out; sets come as
// arrays). nil is an undefined value.

// RouteKindsOf reads RouteKindsQuery's value: the route kinds, sorted.
func RouteKindsOf(v any) ([]string, error) {
	return stringList(v, RouteKindsQuery, "route kinds")
}

// ProfileNamesOf reads ProfilesQuery's value (profiles by name): the
// names, sorted.
func ProfileNamesOf(v any) ([]string, error) {
	profiles, ok := v.(map[string]any)
	if !ok || len(profiles) == 0 {
		return nil, fmt.Errorf("read profiles from policy: %s is %s, not an object of profiles", ProfilesQuery, describe(v))
	}
	return slices.Sorted(maps.Keys(profiles)), nil
}

// ProfileControllersOf reads, from ProfilesQuery's value, the profile of
// each controllerName a profile's controller writes in route status.
func ProfileControllersOf(v any) (map[string]string, error) {
	profiles, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("read profiles from policy: %s is %s, not an object of profiles", ProfilesQuery, describe(v))
	}
	out := map[string]string{}
	for name, p := range profiles {
		profile, _ := p.(map[string]any)
		if profile["controllers"] == nil {
			continue // a profile that names no controller is never suggested
		}
		controllers, err := stringList(profile["controllers"], ProfilesQuery, "profile "+name+"'s controllers")
		if err != nil {
			return nil, err
		}
		for _, c := range controllers {
			if other, taken := out[c]; taken {
				return nil, fmt.Errorf("read profiles from policy: controller %s is in profiles %s and %s", c, other, name)
			}
			out[c] = name
		}
	}
	return out, nil
}

// ProfileCollectionsOf reads, from ProfilesQuery's value, the inventory
// collections each profile reads beside the policy's own (a profile's
// "collections", in lib.refguard.refs.collections' shape), for the
// profiles that declare any.
func ProfileCollectionsOf(v any) (map[string]map[string]any, error) {
	profiles, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("read profiles from policy: %s is %s, not an object of profiles", ProfilesQuery, describe(v))
	}
	out := map[string]map[string]any{}
	for name, p := range profiles {
		profile, _ := p.(map[string]any)
		switch c := profile["collections"].(type) {
		case nil:
		case map[string]any:
			out[name] = c
		default:
			return nil, fmt.Errorf("read profiles from policy: profile %s's collections is %s, not an object of collections", name, describe(c))
		}
	}
	return out, nil
}

// DerivedReadsOf reads DerivedReadsQuery's value: the inventory
// collections the derived ones are computed from, sorted; none when the
// policy derives nothing.
func DerivedReadsOf(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	return stringList(v, DerivedReadsQuery, "derived collections' inputs")
}

// DerivedNameReadsOf reads DerivedNameReadsQuery's value: the inventory
// collections the derived ones read by namespace and name only, sorted;
// none when the policy declares none.
func DerivedNameReadsOf(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	return stringList(v, DerivedNameReadsQuery, "derived collections' name-only inputs")
}

// InventoryFieldsOf reads InventoryFieldsQuery's value: per inventory
// collection, the fields the policy reads of the objects references
// resolve to (lib.refguard.resolve.inventory_fields), top-level field →
// the keys of it that are read, none for the whole field. Collections not
// listed are read whole.
func InventoryFieldsOf(v any) (map[string]map[string][]string, error) {
	const query = InventoryFieldsQuery
	if v == nil {
		return map[string]map[string][]string{}, nil // a policy without the declaration reads everything
	}
	collections, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("read inventory fields from policy: %s is %s, not an object", query, describe(v))
	}
	out := make(map[string]map[string][]string, len(collections))
	for collection, v := range collections {
		fields, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("read inventory fields from policy: %s[%q] is %s, not an object", query, collection, describe(v))
		}
		out[collection] = make(map[string][]string, len(fields))
		for field, keep := range fields {
			switch keep := keep.(type) {
			case string:
				if keep != "*" {
					return nil, fmt.Errorf("read inventory fields from policy: %s[%q][%q] is %q: want \"*\" or a list of keys", query, collection, field, keep)
				}
				out[collection][field] = nil
			case []any:
				if len(keep) == 0 {
					return nil, fmt.Errorf("read inventory fields from policy: %s[%q][%q] lists no keys: want \"*\" or a list of keys", query, collection, field)
				}
				for _, k := range keep {
					key, ok := k.(string)
					if !ok {
						return nil, fmt.Errorf("read inventory fields from policy: %s[%q][%q] holds %v, not a key", query, collection, field, k)
					}
					out[collection][field] = append(out[collection][field], key)
				}
			default:
				return nil, fmt.Errorf("read inventory fields from policy: %s[%q][%q] is %s: want \"*\" or a list of keys", query, collection, field, describe(keep))
			}
		}
	}
	return out, nil
}

// stringList reads a collection of strings, sorted.
func stringList(v any, query, what string) ([]string, error) {
	if v == nil {
		return nil, fmt.Errorf("read %s from policy: %s is undefined", what, query)
	}
	values, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("read %s from policy: %s is %s, not a collection", what, query, describe(v))
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("read %s from policy: %v is not a string", what, v)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out, nil
}

// describe names a JSON value's type for an error.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "undefined"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}
