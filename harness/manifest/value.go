package manifest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	yaml "go.yaml.in/yaml/v3"

	"github.com/refguard/refguard/harness/astjson"
)

// errNotPlain sends a document down the general decoding path: it uses
// anchors, aliases, merge keys, non-string keys or repeated keys, whose
// meaning yaml.v3's decoder defines (and whose errors it words).
var errNotPlain = errors.New("document needs the general decoder")

// objectValue turns a mapping node into the value the policy evaluates.
// Plain documents (the overwhelming majority) are converted node by node
// straight into OPA values, without an intermediate Go map; anything else
// goes through yaml.v3's decoder, so both paths give the same value
// (FuzzValueMatchesDecoder holds them to it).
func objectValue(n *yaml.Node, plain bool, shared *termTable) (ast.Object, error) {
	if plain {
		v, err := shared.value(n)
		if err == nil {
			if obj, ok := v.(ast.Object); ok {
				return obj, nil
			}
		}
		if err != nil && !errors.Is(err, errNotPlain) {
			return nil, err
		}
	}
	v, err := decodedValue(n)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("expected a mapping, found %s", describe(n))
	}
	return obj, nil
}

// decodedValue is the general path: yaml.v3 decodes into Go values, which
// are normalised to JSON types and converted.
func decodedValue(n *yaml.Node) (ast.Value, error) {
	v, err := toValue(n)
	if err != nil {
		return nil, err
	}
	value, err := ast.InterfaceToValue(v)
	if err != nil {
		return nil, fmt.Errorf("invalid value: %w", err)
	}
	return value, nil
}

// termTable shares the terms of repeated strings and numbers within one
// parse: a thousand Services spell "name", "port", "TCP" and "v1" a
// thousand times, and an OPA term is never changed once built. A nil table
// shares nothing.
type termTable struct {
	strings, numbers map[string]*ast.Term
}

func newTermTable() *termTable {
	return &termTable{strings: map[string]*ast.Term{}, numbers: map[string]*ast.Term{}}
}

func (t *termTable) str(s string) *ast.Term {
	if t == nil {
		return ast.StringTerm(s)
	}
	term, ok := t.strings[s]
	if !ok {
		term = ast.StringTerm(s)
		t.strings[s] = term
	}
	return term
}

func (t *termTable) term(v ast.Value) *ast.Term {
	if t != nil {
		switch v := v.(type) {
		case ast.String:
			return t.str(string(v))
		case ast.Number:
			term, ok := t.numbers[string(v)]
			if !ok {
				term = ast.NewTerm(v)
				t.numbers[string(v)] = term
			}
			return term
		}
	}
	return ast.NewTerm(v)
}

func (t *termTable) value(n *yaml.Node) (ast.Value, error) {
	switch n.Kind {
	case yaml.MappingNode:
		obj := ast.NewObjectWithCapacity(len(n.Content) / 2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
				return nil, errNotPlain
			}
			key := t.str(k.Value)
			if obj.Get(key) != nil {
				return nil, errNotPlain
			}
			v, err := t.value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			obj.Insert(key, t.term(v))
		}
		return obj, nil
	case yaml.SequenceNode:
		terms := make([]*ast.Term, len(n.Content))
		for i, item := range n.Content {
			v, err := t.value(item)
			if err != nil {
				return nil, err
			}
			terms[i] = t.term(v)
		}
		return ast.NewArray(terms...), nil
	case yaml.ScalarNode:
		return scalarValue(n)
	}
	return nil, errNotPlain
}

// scalarValue resolves a scalar the way yaml.v3 does when decoding into
// an interface{}: the common tags directly, the rest through the decoder.
func scalarValue(n *yaml.Node) (ast.Value, error) {
	switch n.ShortTag() {
	case "!!str":
		return ast.String(n.Value), nil
	case "!!null":
		return ast.Null{}, nil
	case "!!bool":
		switch n.Value {
		case "true", "True", "TRUE":
			return ast.Boolean(true), nil
		case "false", "False", "FALSE":
			return ast.Boolean(false), nil
		}
	case "!!int":
		if decimal(n.Value) {
			if i, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
				return ast.Number(strconv.FormatInt(i, 10)), nil
			}
		}
	}
	return decodedValue(n)
}

// decimal: an optional minus and digits without a leading zero, the only
// integer spelling whose value does not depend on YAML's base prefixes.
func decimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// toValue decodes a node into JSON-compatible Go values: string-keyed maps,
// slices, strings, bools, nil, int64 and float64.
func toValue(n *yaml.Node) (any, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return normalize(v), nil
}

func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalize(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = normalize(e)
		}
		return t
	case int:
		return int64(t)
	case uint64:
		return float64(t)
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return strconv.FormatFloat(t, 'g', -1, 64)
		}
		return t
	case time.Time:
		return t.Format(time.RFC3339Nano)
	case []byte:
		return string(t)
	}
	return v
}

// appendJSON writes a plain document's value as JSON text straight from
// its nodes, without building the value: what astjson.Append writes for
// the value termTable.value builds (keys in sorted order, scalars
// resolved by scalarValue), and errNotPlain where that returns it.
func appendJSON(b []byte, n *yaml.Node) ([]byte, error) {
	switch n.Kind {
	case yaml.MappingNode:
		pairs, err := plainPairs(n, nil)
		if err != nil {
			return b, err
		}
		return appendPairs(b, n, pairs, appendValue)
	case yaml.SequenceNode:
		b = append(b, '[')
		for i, item := range n.Content {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, item); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" {
			return astjson.AppendString(b, n.Value), nil
		}
		v, err := scalarValue(n)
		if err != nil {
			return b, err
		}
		return astjson.Append(b, v)
	}
	return b, errNotPlain
}

// appendKeptJSON writes a plain mapping as appendJSON does, keeping only
// what f lists (keepFields' selection, so the JSON is the kept value's); a
// nil f keeps everything.
func appendKeptJSON(b []byte, root *yaml.Node, f Fields) ([]byte, error) {
	if f == nil {
		return appendJSON(b, root)
	}
	kept, err := plainPairs(root, func(key string) bool { _, ok := f[key]; return ok })
	if err != nil {
		return b, err
	}
	return appendPairs(b, root, kept, func(b []byte, key string, value *yaml.Node) ([]byte, error) {
		keys := f[key]
		if len(keys) == 0 || value.Kind != yaml.MappingNode {
			return appendJSON(b, value)
		}
		inner, err := plainPairs(value, func(k string) bool { _, ok := selection(keys, k); return ok })
		if err != nil {
			return b, err
		}
		return appendPairs(b, value, inner, func(b []byte, k string, v *yaml.Node) ([]byte, error) {
			member, _ := selection(keys, k)
			return appendMembers(b, v, member)
		})
	})
}

// appendMembers writes a list with only member of each of its plain
// mappings (keptMembers), or the value whole (member "", or not a list).
func appendMembers(b []byte, list *yaml.Node, member string) ([]byte, error) {
	if member == "" || list.Kind != yaml.SequenceNode {
		return appendJSON(b, list)
	}
	b = append(b, '[')
	for i, item := range list.Content {
		if i > 0 {
			b = append(b, ',')
		}
		if item.Kind != yaml.MappingNode {
			var err error
			if b, err = appendJSON(b, item); err != nil {
				return b, err
			}
			continue
		}
		only, err := plainPairs(item, func(k string) bool { return k == member })
		if err != nil {
			return b, err
		}
		if b, err = appendPairs(b, item, only, appendValue); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

// plainPairs returns the indexes of a mapping's keys that keep selects
// (nil: all), sorted by key; errNotPlain unless every key is a distinct
// string.
func plainPairs(n *yaml.Node, keep func(string) bool) ([]int, error) {
	order := make([]int, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			return nil, errNotPlain
		}
		order = append(order, i)
	}
	slices.SortFunc(order, func(x, y int) int { return strings.Compare(n.Content[x].Value, n.Content[y].Value) })
	kept := order[:0]
	for i, at := range order {
		if i > 0 && n.Content[order[i-1]].Value == n.Content[at].Value {
			return nil, errNotPlain // a repeated key
		}
		if keep == nil || keep(n.Content[at].Value) {
			kept = append(kept, at)
		}
	}
	return kept, nil
}

// appendValue is appendJSON as appendPairs calls it.
func appendValue(b []byte, _ string, v *yaml.Node) ([]byte, error) { return appendJSON(b, v) }

// appendPairs writes the pairs of mapping n at the key indexes given, in
// that order, each value by value.
func appendPairs(b []byte, n *yaml.Node, pairs []int, value func([]byte, string, *yaml.Node) ([]byte, error)) ([]byte, error) {
	b = append(b, '{')
	for i, at := range pairs {
		if i > 0 {
			b = append(b, ',')
		}
		key := n.Content[at].Value
		b = astjson.AppendString(b, key)
		b = append(b, ':')
		var err error
		if b, err = value(b, key, n.Content[at+1]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}
