// Package manifest loads Kubernetes manifests from YAML and JSON files,
// directories and stdin, keeping the file and line of every object and of
// every node below it, so findings can point at the exact backendRef.
package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Limits that keep hostile input bounded.
const (
	// MaxFileSize is the largest file read (bytes).
	MaxFileSize = 256 << 20
	// MaxDepth is the deepest nesting of mappings and sequences accepted.
	MaxDepth = 100
)

// APIGroup is the group of an apiVersion: "gateway.networking.k8s.io" of
// "gateway.networking.k8s.io/v1", "" of the core group's "v1".
func APIGroup(apiVersion string) string {
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return ""
	}
	return group
}

// GatewayGroup is the Gateway API group: the objects findings point into.
const GatewayGroup = "gateway.networking.k8s.io"

// DefaultNamespace is the namespace of a namespaced object that names none
// and is not given one (-n), as the API server defaults it.
const DefaultNamespace = "default"

// Object is one Kubernetes object and where it came from.
type Object struct {
	APIVersion string
	Kind       string
	Namespace  string // as written; "" when absent
	Name       string
	// Value is the object as the policy evaluates it (OPA's value type, so
	// it is converted once, at load, and shared by the inventory and the
	// inputs without copies). Read-only.
	Value ast.Object
	File  string
	Line  int
	// Lines maps a field path ("spec.rules[0].backendRefs[0]") to its line,
	// for objects of the Gateway API group: findings only ever point into
	// routes and ReferenceGrants. Nil for other objects.
	Lines map[string]int
	// Observed is the ResolvedRefs condition a controller wrote in a
	// route's status, when the input is a live object; nil otherwise.
	Observed *Observed
	// Source is the template the object was rendered from, as helm
	// template names it in a "# Source:" comment above the document; "" if
	// none.
	Source string
	// Ignores holds the "# refguard:ignore" comments above list items, by
	// field path; like Lines, only for objects of the Gateway API group.
	Ignores map[string]IgnoreComment

	// JSON is the value as JSON text, for a deferred document loaded with
	// Options.DeferredJSON; nil otherwise.
	JSON []byte

	// A deferred document (Options.Defer) is src[srcStart:srcEnd], the
	// text of File from line sourceLine; Value and Lines are nil until
	// Materialize parses it again.
	src              []byte
	srcStart, srcEnd int
	sourceLine       int
	namespace        string // Options.Namespace of the load, applied again by Materialize
	keep             Fields // what Materialize keeps of the value (Options.Fields)
}

// Options tune a load.
type Options struct {
	// Defer names kinds whose documents are kept as source text, not as
	// values: Materialize parses one when it is needed. A checker that
	// evaluates each route once then holds one route's value per worker
	// instead of all of them. Documents that share a chunk of text with
	// others (JSON arrays, kind: List, inputs with directives) are never
	// deferred.
	Defer func(apiVersion, kind string) bool
	// DeferredJSON keeps, with a deferred document's text, its value as
	// JSON text (Object.JSON), built while its nodes are at hand: an
	// evaluator that takes JSON (the policy compiled to Wasm) then never
	// parses the document again unless it needs its lines.
	DeferredJSON bool
	// Fields names, per kind, the fields a load keeps of an object's value
	// (nil: all of them). A checker that holds thousands of Services needs
	// their ports, not their labels, annotations or status.
	Fields func(apiVersion, kind string) Fields
	// Exclude holds --exclude patterns: a file or directory a pattern
	// matches is not read (see Excluder).
	Exclude *Excluder
	// Namespace is the namespace of namespaced objects that name none, as
	// kubectl apply -n gives it ("" leaves them without one: the policy
	// reads them as "default"). It is set on the value the policy reads;
	// the file is not changed.
	Namespace string
}

// Fields selects what of an object's value is kept: each listed top-level
// field whole (no keys) or only the listed keys of it, when it is a
// mapping. A key written "list[].member" keeps the list with only that
// member of each of its mappings (one member per list). Fields not listed
// are dropped.
type Fields map[string][]string

// selection says whether keys select key, and how: whole, or (member not
// "") only that member of each mapping of the list key holds.
func selection(keys []string, key string) (member string, ok bool) {
	for _, k := range keys {
		if k == key {
			return "", true
		}
		if list, m, found := strings.Cut(k, "[]."); found && list == key {
			return m, true
		}
	}
	return "", false
}

// keepFields drops what f does not list from the object's value (a nil f
// keeps everything). Values are shared, not copied.
func (o *Object) keepFields(f Fields) {
	if f == nil || o.Value == nil {
		return
	}
	kept := ast.NewObjectWithCapacity(len(f))
	o.Value.Foreach(func(k, v *ast.Term) {
		name, ok := k.Value.(ast.String)
		if !ok {
			return
		}
		keys, listed := f[string(name)]
		if !listed {
			return
		}
		inner, isObject := v.Value.(ast.Object)
		if len(keys) == 0 || !isObject {
			kept.Insert(k, v)
			return
		}
		sub := ast.NewObjectWithCapacity(len(keys))
		inner.Foreach(func(ik, iv *ast.Term) {
			key, ok := ik.Value.(ast.String)
			if !ok {
				return
			}
			if member, selected := selection(keys, string(key)); selected {
				sub.Insert(ik, keptMembers(iv, member))
			}
		})
		kept.Insert(k, ast.NewTerm(sub))
	})
	o.Value = kept
}

// Kept is a copy of the object with only what f lists of its value, for
// an index that holds objects also checked whole elsewhere (the routes a
// profile reads as an inventory collection): the object itself is left as
// it is. A deferred object with its JSON keeps a cut JSON; any other is
// parsed, if deferred, and cut.
func (o *Object) Kept(f Fields) (*Object, error) {
	if o.JSON != nil {
		// Deferred with its JSON (the Wasm build reads it): the JSON is
		// cut down without parsing the document, and a later Materialize
		// keeps the same fields.
		b, err := keptJSON(o.JSON, f)
		if err != nil {
			return nil, o.Errorf(err)
		}
		kept := *o
		kept.JSON, kept.keep = b, f
		return &kept, nil
	}
	full, err := o.Materialize()
	if err != nil {
		return nil, err
	}
	kept := *full
	kept.Lines, kept.Ignores = nil, nil // an index locates nothing
	kept.keepFields(f)
	return &kept, nil
}

// keptJSON is a JSON object with only what f lists (keepFields' selection):
// each listed field whole, or only its listed keys when it is an object.
func keptJSON(src []byte, f Fields) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(src, &top); err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(f))
	for field, keys := range f {
		v, ok := top[field]
		if !ok {
			continue
		}
		var inner map[string]json.RawMessage
		if len(keys) == 0 || json.Unmarshal(v, &inner) != nil {
			out[field] = v
			continue
		}
		sub := make(map[string]json.RawMessage, len(keys))
		var err error
		for k, iv := range inner {
			member, selected := selection(keys, k)
			if !selected {
				continue
			}
			if sub[k], err = keptMembersJSON(iv, member); err != nil {
				return nil, err
			}
		}
		b, err := json.Marshal(sub)
		if err != nil {
			return nil, err
		}
		out[field] = b
	}
	return json.Marshal(out)
}

// keptMembersJSON is keptMembers on JSON text.
func keptMembersJSON(v json.RawMessage, member string) (json.RawMessage, error) {
	var list []json.RawMessage
	if member == "" || json.Unmarshal(v, &list) != nil {
		return v, nil
	}
	for i, item := range list {
		var obj map[string]json.RawMessage
		if json.Unmarshal(item, &obj) != nil {
			continue
		}
		only := map[string]json.RawMessage{}
		if m, ok := obj[member]; ok {
			only[member] = m
		}
		b, err := json.Marshal(only)
		if err != nil {
			return nil, err
		}
		list[i] = b
	}
	return json.Marshal(list)
}

// keptMembers is a list with only member of each of its mappings, or v
// itself (member "", or not a list).
func keptMembers(v *ast.Term, member string) *ast.Term {
	list, ok := v.Value.(*ast.Array)
	if member == "" || !ok {
		return v
	}
	items := make([]*ast.Term, 0, list.Len())
	list.Foreach(func(item *ast.Term) {
		obj, ok := item.Value.(ast.Object)
		if !ok {
			items = append(items, item)
			return
		}
		only := ast.NewObjectWithCapacity(1)
		if m := obj.Get(ast.StringTerm(member)); m != nil {
			only.Insert(ast.StringTerm(member), m)
		}
		items = append(items, ast.NewTerm(only))
	})
	return ast.ArrayTerm(items...)
}

// Deferred reports whether the object is held as source text.
func (o *Object) Deferred() bool { return o.src != nil }

// Errorf wraps err with where the object is: "file:line: Kind name: err".
func (o *Object) Errorf(err error) error {
	return fmt.Errorf("%s:%d: %s %s: %w", o.File, o.Line, o.Kind, o.Name, err)
}

// Materialize returns the object with its value and lines: the object
// itself, or, when it was deferred, the document parsed again.
func (o *Object) Materialize() (*Object, error) {
	if o.src == nil {
		return o, nil
	}
	objects, _, err := parseStream(o.File, o.src, chunk{start: o.srcStart, end: o.srcEnd, line: o.sourceLine}, nil, nil, o.namespace)
	if err != nil {
		return nil, err
	}
	if len(objects) != 1 {
		return nil, &Error{File: o.File, Line: o.Line, Err: errors.New("deferred document changed")}
	}
	objects[0].keepFields(o.keep)
	return &objects[0], nil
}

// MaterializeAll materializes objects, in order. Deferred documents that
// follow one another in an input are parsed with one decoder, as the load
// parsed them; the result is the objects Materialize gives one by one.
func MaterializeAll(objs []*Object) ([]*Object, error) {
	out := make([]*Object, len(objs))
	for i := 0; i < len(objs); {
		j := i + 1
		for objs[i].Deferred() && j < len(objs) && objs[j].Deferred() && adjacent(objs[j-1], objs[j]) {
			j++
		}
		if j-i > 1 && materializeRun(objs[i:j], out[i:j]) {
			i = j
			continue
		}
		for ; i < j; i++ { // a single document, or a run that did not parse as one
			o, err := objs[i].Materialize()
			if err != nil {
				return nil, err
			}
			out[i] = o
		}
	}
	return out, nil
}

// compactDeferred moves the text of deferred documents out of their inputs
// into one buffer per input, so the rest of each input (Services, grants,
// everything already held as values) is not kept alive for them. Documents
// adjacent in the input stay adjacent (MaterializeAll parses them
// together); a newline separates the others.
func compactDeferred(objs []Object) {
	kept := 0
	for i := range objs {
		if objs[i].Deferred() {
			kept += objs[i].srcEnd - objs[i].srcStart + 1
		}
	}
	if kept == 0 {
		return
	}
	buf := make([]byte, 0, kept)
	var prev Object // where the previous deferred document was in its input
	for i := range objs {
		o := &objs[i]
		if !o.Deferred() {
			continue
		}
		if prev.Deferred() && !adjacent(&prev, o) {
			buf = append(buf, '\n')
		}
		prev.src, prev.srcStart, prev.srcEnd = o.src, o.srcStart, o.srcEnd
		start := len(buf)
		buf = append(buf, o.src[o.srcStart:o.srcEnd]...)
		o.srcStart, o.srcEnd = start, len(buf)
	}
	for i := range objs {
		if objs[i].Deferred() {
			objs[i].src = buf[:len(buf):len(buf)]
		}
	}
}

// adjacent tells whether b's text follows a's in the same input.
func adjacent(a, b *Object) bool {
	return &a.src[0] == &b.src[0] && a.srcEnd == b.srcStart
}

// materializeRun parses adjacent deferred documents with one decoder into
// out, or reports false when they do not come back as the same objects.
func materializeRun(run, out []*Object) bool {
	first, last := run[0], run[len(run)-1]
	objects, _, err := parseStream(first.File, first.src, chunk{start: first.srcStart, end: last.srcEnd, line: first.sourceLine}, nil, nil, first.namespace)
	if err != nil || len(objects) != len(run) {
		return false
	}
	for k, o := range run {
		if objects[k].Line != o.Line || objects[k].Kind != o.Kind || objects[k].APIVersion != o.APIVersion || objects[k].Name != o.Name || objects[k].Namespace != o.Namespace {
			return false
		}
		objects[k].keepFields(o.keep)
		out[k] = &objects[k]
	}
	return true
}

// Body returns the object as JSON-compatible Go values (a fresh copy).
func (o *Object) Body() map[string]any {
	full, err := o.Materialize()
	if err != nil {
		return nil
	}
	v, err := ast.JSON(full.Value)
	if err != nil {
		return nil
	}
	m, _ := v.(map[string]any)
	return m
}

// Note is something worth telling the user that is not an error, such as a
// document skipped for lack of apiVersion or kind.
type Note struct {
	File    string
	Line    int
	Message string
}

func (n Note) String() string { return fmt.Sprintf("%s:%d: %s", n.File, n.Line, n.Message) }

// Error is a load failure that names the file and line.
type Error struct {
	File string
	Line int
	Err  error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Result is what a load produced.
type Result struct {
	Objects []Object
	Notes   []Note
	Files   []string
}
