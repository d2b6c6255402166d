// Package manifest loads Kubernetes manifests from YAML and JSON files,
// directories and stdin, keeping the file and line of every object and of
// every node below it, so findings can point at the exact backendRef.
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	yaml "go.yaml.in/yaml/v3"
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
// mapping. Fields not listed are dropped.
type Fields map[string][]string

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
		for _, key := range keys {
			kt := ast.StringTerm(key)
			if t := inner.Get(kt); t != nil {
				sub.Insert(kt, t)
			}
		}
		kept.Insert(k, ast.NewTerm(sub))
	})
	o.Value = kept
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

// Load reads every path: a file, a directory (recursively, *.yaml, *.yml,
// *.json, sorted) or "-" for stdin. The first unreadable or unparseable
// input stops the load with an *Error. Documents are parsed on every core;
// the result is in input order whatever the scheduling.
func Load(paths []string, stdin io.Reader) (*Result, error) {
	return LoadWithOptions(paths, stdin, Options{})
}

// LoadWithOptions is Load with options.
func LoadWithOptions(paths []string, stdin io.Reader, opts Options) (*Result, error) {
	var sources []source
	var readErr error
read:
	for _, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(io.LimitReader(stdin, MaxFileSize+1))
			if err != nil {
				readErr = &Error{File: "<stdin>", Err: fmt.Errorf("read: %w", err)}
				break
			}
			sources = append(sources, source{file: "<stdin>", data: data})
			continue
		}
		files, walked, err := expand(p, opts.Exclude)
		if err != nil {
			readErr = err
			break
		}
		for _, f := range files {
			data, err := readFile(f, walked)
			if err != nil {
				readErr = err
				break read
			}
			sources = append(sources, source{file: f, data: data})
		}
	}
	res, err := parse(sources, opts)
	if err != nil {
		return nil, err
	}
	if opts.Defer != nil {
		compactDeferred(res.Objects)
	}
	if readErr != nil {
		return nil, readErr
	}
	return res, nil
}

// LoadContents parses files that are already read, in the order named
// (a repair is checked again before it is written, from memory).
func LoadContents(names []string, contents map[string][]byte, opts Options) (*Result, error) {
	sources := make([]source, 0, len(names))
	for _, name := range names {
		sources = append(sources, source{file: name, data: contents[name]})
	}
	res, err := parse(sources, opts)
	if err != nil {
		return nil, err
	}
	if opts.Defer != nil {
		compactDeferred(res.Objects)
	}
	return res, nil
}

// readFile reads a file named on the command line (named: a pipe is read,
// as process substitution hands one over) or found by a directory walk
// (walked: only regular files). The type is checked on the open file, not
// on the name: a file swapped for a named pipe after the walk is refused,
// not waited on, and the read stops at the size limit whatever the file
// claimed when it was listed.
func readFile(path string, walked bool) ([]byte, error) {
	flags := os.O_RDONLY
	if walked {
		flags |= openNonBlocking
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return nil, &Error{File: path, Err: unwrapPathError(err)}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, &Error{File: path, Err: unwrapPathError(err)}
	}
	mode := info.Mode()
	switch {
	case mode.IsRegular():
		if info.Size() > MaxFileSize {
			return nil, &Error{File: path, Err: fmt.Errorf("file is %d bytes, larger than the %d byte limit", info.Size(), MaxFileSize)}
		}
	case mode&fs.ModeNamedPipe != 0 && !walked:
	case walked:
		return nil, &Error{File: path, Err: fmt.Errorf("not a regular file (%s); in a directory refguard reads regular files only", fileKind(mode))}
	default:
		return nil, &Error{File: path, Err: fmt.Errorf("not a regular file or a pipe (%s)", fileKind(mode))}
	}
	// Sized from the file so a large one is read into one buffer, not
	// grown by copies to twice its size; a pipe grows as it must.
	buf := bytes.NewBuffer(make([]byte, 0, min(info.Size(), MaxFileSize)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1)); err != nil {
		return nil, &Error{File: path, Err: unwrapPathError(err)}
	}
	data := buf.Bytes()
	if len(data) > MaxFileSize {
		return nil, &Error{File: path, Err: fmt.Errorf("input larger than the %d byte limit", MaxFileSize)}
	}
	return data, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return errors.New("no such file or directory")
		}
		return pe.Err
	}
	return err
}

func isManifestFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// expand lists the files a PATH names: itself, or the manifest files of
// the directory it names (walked).
func expand(path string, exclude *Excluder) (files []string, walked bool, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, false, &Error{File: path, Err: unwrapPathError(err)}
	}
	if !info.IsDir() {
		if exclude.Matches("", path, false) {
			return nil, false, nil
		}
		return []string{path}, false, nil
	}
	// A directory named through a symbolic link is walked: WalkDir does
	// not follow a link at its root, so the root is given with a trailing
	// separator, which the operating system resolves. Links inside the
	// tree are not followed (a link back up would never end).
	root := path
	if l, err := os.Lstat(path); err == nil && l.Mode()&fs.ModeSymlink != 0 {
		root = path + string(filepath.Separator)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &Error{File: p, Err: unwrapPathError(err)}
		}
		if p != root && exclude.Matches(path, p, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isManifestFile(p) {
			return nil
		}
		if !d.Type().IsRegular() {
			// A symlink is read when it leads to a regular file. Anything
			// else is refused: reading a named pipe would wait for a
			// writer forever. (Named on the command line, a pipe is read:
			// that is how process substitution hands refguard its input.)
			info, err := os.Stat(p)
			if err != nil {
				return &Error{File: p, Err: unwrapPathError(err)}
			}
			if !info.Mode().IsRegular() {
				return &Error{File: p, Err: fmt.Errorf("not a regular file (%s); in a directory refguard reads regular files only", fileKind(info.Mode()))}
			}
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, true, err
	}
	sort.Strings(files)
	return files, true, nil
}

// fileKind names what a non-regular file is, for an error message.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0, mode&fs.ModeCharDevice != 0:
		return "a device"
	default:
		return "file type " + mode.Type().String()
	}
}

var helmTemplate = regexp.MustCompile(`\{\{-?\s*[.$a-zA-Z(]`)

// templateLine is the line of the first template action ({{ .Values.x }},
// {{- include … }}) outside a comment, 0 when there is none. Any one makes
// the file a template: YAML reads {{ … }} as a flow mapping, so a value
// holding one is silently something else (a name becomes a map).
func templateLine(data []byte) int {
	if !bytes.Contains(data, []byte("{{")) {
		return 0
	}
	line := 0
	for rest := data; len(rest) > 0; {
		line++
		text := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			text, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if trimmed := bytes.TrimLeft(text, " \t"); len(trimmed) > 0 && trimmed[0] == '#' {
			continue
		}
		if helmTemplate.Match(text) {
			return line
		}
	}
	return 0
}

// parseRun parses a run of chunks (see singleRuns) with one decoder: a
// yaml.v3 parser of its own per document costs more in buffers and token
// queue than most Kubernetes documents do. In a run of single-document
// chunks each document is matched to its chunk by the line it starts on,
// so a document of a deferred kind keeps only its own text; a chunk that is
// not single is parsed as it is, nothing deferred.
func parseRun(file string, data []byte, run []chunk, opts *Options) ([]Object, []Note, error) {
	whole := chunk{start: run[0].start, end: run[len(run)-1].end, line: run[0].line}
	if !run[0].single || opts.Defer == nil {
		return parseStream(file, data, whole, nil, nil, opts.Namespace)
	}
	return parseStream(file, data, whole, run, opts, opts.Namespace)
}

// parseStream decodes the documents of data[c.start:c.end] in order. When
// singles are the single-document chunks c is made of, a document that is
// the only one to start in its chunk may be deferred (opts.Defer). ns is
// the namespace of objects that name none ("" for none).
func parseStream(file string, data []byte, c chunk, singles []chunk, opts *Options, ns string) ([]Object, []Note, error) {
	var out chunkResult
	offset := c.line - 1
	dec := yaml.NewDecoder(bytes.NewReader(data[c.start:c.end]))
	docStart := c.line // where the next document starts, for errors without a line
	next := 0          // the first of singles a later document may start in
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return out.objects, out.notes, nil
		}
		if err != nil {
			return nil, nil, parseError(file, docStart, offset, err)
		}
		shiftLines(&node, offset)
		docStart = lastLine(&node) + 1
		if ns != "" {
			setDefaultNamespace(&node, ns)
		}
		if opts != nil && len(singles) > 0 {
			i := chunkOf(singles, next, node.Line)
			if i >= 0 && chunkOf(singles, i, docStart-1) == i {
				next = i + 1
				o, ok, err := deferredObject(file, &node, opts)
				if err != nil {
					return nil, nil, err
				}
				if ok {
					o.src, o.srcStart, o.srcEnd, o.sourceLine, o.namespace = data, singles[i].start, singles[i].end, singles[i].line, ns
					out.objects = append(out.objects, o)
					continue
				}
			}
		}
		if err := out.addDocument(file, &node); err != nil {
			return nil, nil, err
		}
	}
}

// chunkOf finds, from singles[from:], the chunk that holds line, or -1.
func chunkOf(singles []chunk, from, line int) int {
	for i := from; i < len(singles); i++ {
		if line < singles[i].line {
			return -1
		}
		if i+1 == len(singles) || line < singles[i+1].line {
			return i
		}
	}
	return -1
}

// deferredObject reads the identity of a document of a deferred kind from
// its nodes, without building its value or its line map: both are built
// once, when Materialize parses the text again. Only plain mappings whose
// top-level keys are distinct strings qualify; anything else (and every
// other kind) takes the full path, with its checks and errors.
func deferredObject(file string, doc *yaml.Node, opts *Options) (Object, bool, error) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return Object{}, false, nil
	}
	root := doc.Content[0]
	seen := make(map[string]bool, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" || seen[k.Value] {
			return Object{}, false, nil
		}
		seen[k.Value] = true
	}
	apiVersion, kind := scalarString(mappingValue(root, "apiVersion")), scalarString(mappingValue(root, "kind"))
	if apiVersion == "" || kind == "" || isList(apiVersion, kind) || !opts.Defer(apiVersion, kind) {
		return Object{}, false, nil
	}
	if plain, err := checkShape(file, root); err != nil || !plain {
		return Object{}, false, err
	}
	o := Object{APIVersion: apiVersion, Kind: kind, File: file, Line: root.Line}
	if opts.Fields != nil {
		o.keep = opts.Fields(apiVersion, kind)
	}
	if opts.DeferredJSON {
		text, err := appendKeptJSON(nil, root, o.keep)
		if err != nil {
			return Object{}, false, nil // the full path decodes it, or reports why not
		}
		o.JSON = text
	}
	if md := mappingValue(root, "metadata"); md != nil && md.Kind == yaml.MappingNode {
		o.Namespace = scalarString(mappingValue(md, "namespace"))
		o.Name = scalarString(mappingValue(md, "name"))
	}
	return o, true, nil
}

// clusterScoped: kinds of the core and Gateway API groups that live in no
// namespace, which -n leaves alone (refguard reads no other cluster-scoped
// kind).
var clusterScoped = map[string]bool{"Namespace": true, "GatewayClass": true, "Node": true, "PersistentVolume": true, "CustomResourceDefinition": true, "ClusterRole": true, "ClusterRoleBinding": true}

// setDefaultNamespace gives a document's object (each item of a List) the
// namespace ns when its metadata names none or an empty one, as kubectl
// apply -n does. The added node takes the line of metadata.
func setDefaultNamespace(doc *yaml.Node, ns string) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return
	}
	if isList(scalarString(mappingValue(root, "apiVersion")), scalarString(mappingValue(root, "kind"))) {
		if items := mappingValue(root, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for _, item := range items.Content {
				if item.Kind == yaml.MappingNode {
					setObjectNamespace(item, ns)
				}
			}
		}
		return
	}
	setObjectNamespace(root, ns)
}

func setObjectNamespace(obj *yaml.Node, ns string) {
	if clusterScoped[scalarString(mappingValue(obj, "kind"))] {
		return
	}
	md := mappingValue(obj, "metadata")
	if md == nil || md.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(md.Content); i += 2 {
		if md.Content[i].Kind == yaml.ScalarNode && md.Content[i].Value == "namespace" {
			v := md.Content[i+1]
			if v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || v.Value == "") {
				md.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ns, Line: v.Line, Column: v.Column}
			}
			return
		}
	}
	md.Content = append(md.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "namespace", Line: md.Line, Column: md.Column},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ns, Line: md.Line, Column: md.Column})
}

// isList: a v1 kind: List (or ServiceList, …) whose items are the objects.
func isList(apiVersion, kind string) bool {
	return apiVersion == "v1" && strings.HasSuffix(kind, "List")
}

// scalarString is a string scalar's value, "" for anything else.
func scalarString(n *yaml.Node) string {
	if n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		return n.Value
	}
	return ""
}

// shiftLines moves a chunk's node lines to file lines (each node once:
// aliases are not followed).
func shiftLines(n *yaml.Node, offset int) {
	if offset == 0 {
		return
	}
	n.Line += offset
	for _, c := range n.Content {
		shiftLines(c, offset)
	}
}

// lastLine is the last line a node tree reaches (aliases not followed).
func lastLine(n *yaml.Node) int {
	for len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n.Line
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func parseError(file string, docStart, offset int, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := docStart
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		line += offset
		msg = strings.TrimSpace(yamlLine.ReplaceAllString(msg, ""))
		msg = strings.TrimPrefix(msg, ": ")
	}
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		// The same words as an alias resolved into another document: which
		// of the two a file meets depends on how its documents were
		// grouped for parsing.
		return &Error{File: file, Line: line, Err: crossDocumentAlias(m[1])}
	}
	return &Error{File: file, Line: line, Err: fmt.Errorf("invalid YAML: %s", msg)}
}

var unknownAnchor = regexp.MustCompile(`unknown anchor '([^']*)' referenced`)

func crossDocumentAlias(name string) error {
	return fmt.Errorf("alias *%s refers to an anchor this document does not define; kubectl reads each document on its own", name)
}

func firstBadLine(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == 0 || (r == utf8.RuneError && size <= 1) {
			return line
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return line
}

// addDocument turns one YAML document into objects: a mapping is one
// object, a sequence (JSON array) or kind: List holds several.
func (r *chunkResult) addDocument(file string, doc *yaml.Node) error {
	root := doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	plain, err := checkShape(file, root)
	if err != nil {
		return err
	}
	switch root.Kind {
	case yaml.SequenceNode:
		for _, item := range root.Content {
			if err := r.addItem(file, item, plain); err != nil {
				return err
			}
		}
		return nil
	case yaml.MappingNode:
		return r.addItem(file, root, plain)
	case yaml.ScalarNode:
		if root.Tag == "!!null" {
			return nil
		}
	}
	return &Error{File: file, Line: root.Line, Err: fmt.Errorf("expected a Kubernetes object (a mapping), found %s", describe(root))}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("the scalar %q", truncate(n.Value, 40))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (r *chunkResult) addItem(file string, node *yaml.Node, plain bool) error {
	if node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	if node.Kind != yaml.MappingNode {
		return &Error{File: file, Line: node.Line, Err: fmt.Errorf("expected a Kubernetes object (a mapping), found %s", describe(node))}
	}
	if !plain {
		// Only a document that is not plain can hold a tag kubectl reads
		// differently; it is refused before it is decoded.
		if err := checkTags(file, scalarString(mappingValue(node, "apiVersion")), scalarString(mappingValue(node, "kind")), node); err != nil {
			return err
		}
	}
	if r.terms == nil {
		r.terms = newTermTable()
	}
	value, err := objectValue(node, plain, r.terms)
	if err != nil {
		return &Error{File: file, Line: node.Line, Err: err}
	}
	apiVersion := stringAt(value, "apiVersion")
	kind := stringAt(value, "kind")
	if apiVersion == "" || kind == "" {
		r.notes = append(r.notes, Note{File: file, Line: node.Line, Message: "skipped: not a Kubernetes object (no apiVersion or kind)"})
		return nil
	}
	if isList(apiVersion, kind) {
		items := mappingValue(node, "items")
		if items == nil {
			return nil
		}
		if items.Kind != yaml.SequenceNode {
			return &Error{File: file, Line: items.Line, Err: fmt.Errorf("%s items is not a list", kind)}
		}
		for _, item := range items.Content {
			if err := r.addItem(file, item, plain); err != nil {
				return err
			}
		}
		return nil
	}
	obj := Object{APIVersion: apiVersion, Kind: kind, Value: value, File: file, Line: node.Line}
	if md := value.Get(ast.InternedTerm("metadata")); md != nil {
		if md, ok := md.Value.(ast.Object); ok {
			obj.Namespace = stringAt(md, "namespace")
			obj.Name = stringAt(md, "name")
		}
	}
	if strings.HasPrefix(apiVersion, GatewayGroup+"/") {
		obj.Lines = map[string]int{}
		recordLines(node, "", obj.Lines, 0)
		obj.Ignores = map[string]IgnoreComment{}
		recordIgnores(node, "", obj.Ignores, 0)
	}
	r.objects = append(r.objects, obj)
	return nil
}

// GatewayGroup is the Gateway API group: the objects findings point into.
const GatewayGroup = "gateway.networking.k8s.io"

// stringAt reads a string field of an object ("" when absent or not a string).
func stringAt(obj ast.Object, key string) string {
	t := obj.Get(ast.InternedTerm(key))
	if t == nil {
		return ""
	}
	s, _ := t.Value.(ast.String)
	return string(s)
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// recordLines maps each field path that holds a mapping or a list to the
// line where it starts (the key's line for mapping entries, the item's line
// for list items). Findings point at such containers — rules, backendRefs,
// filters, grant entries — never at a leaf, so leaves are not recorded.
func recordLines(n *yaml.Node, path string, lines map[string]int, depth int) {
	if depth > 12 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			value := n.Content[i+1]
			if value.Kind != yaml.MappingNode && value.Kind != yaml.SequenceNode {
				continue
			}
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			lines[p] = n.Content[i].Line
			recordLines(value, p, lines, depth+1)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			lines[p] = item.Line
			recordLines(item, p, lines, depth+1)
		}
	}
}

// IgnoreComment is a "# refguard:ignore RULES [reason]" comment on the line
// above a list item (a backendRef, a rule): the findings about that item
// and what it holds, for the rules listed (ids or names, comma-separated,
// "all"), are reported as suppressed. Only the CLI reads comments.
type IgnoreComment struct {
	Rules  []string // lower case
	Reason string
}

const ignoreDirective = "refguard:ignore"

// recordIgnores collects the ignore comments of a Gateway API object's list
// items, keyed by field path.
func recordIgnores(n *yaml.Node, path string, out map[string]IgnoreComment, depth int) {
	if depth > 12 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			recordIgnores(n.Content[i+1], p, out, depth+1)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			if ig, ok := parseIgnore(item.HeadComment); ok {
				out[p] = ig
			}
			recordIgnores(item, p, out, depth+1)
		}
	}
}

// parseIgnore reads the last "# refguard:ignore" line of a comment block.
func parseIgnore(comment string) (IgnoreComment, bool) {
	var found IgnoreComment
	ok := false
	for _, line := range strings.Split(comment, "\n") {
		text := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "#"))
		rest, has := strings.CutPrefix(text, ignoreDirective)
		if !has || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		var rules []string
		for _, r := range strings.Split(fields[0], ",") {
			if r = strings.ToLower(strings.TrimSpace(r)); r != "" {
				rules = append(rules, r)
			}
		}
		found, ok = IgnoreComment{Rules: rules, Reason: strings.Join(fields[1:], " ")}, len(rules) > 0
	}
	return found, ok
}

// checkShape rejects documents nested deeper than MaxDepth, holding more
// than MaxDocumentNodes nodes or reaching more than MaxAliasExpansion
// through aliases (alias bombs), before anything is decoded, and tells
// whether the document is plain: no anchors, aliases, merge keys or scalar
// tags kubectl reads differently (checkTags looks at those objects).
func checkShape(file string, root *yaml.Node) (plain bool, err error) {
	nodes, expanded := 0, 0
	plain = true
	var anchors map[*yaml.Node]bool // the document's own anchored nodes, found at its first alias
	var walk func(n *yaml.Node, depth int, viaAlias bool) error
	walk = func(n *yaml.Node, depth int, viaAlias bool) error {
		if viaAlias {
			expanded++
		} else {
			nodes++
		}
		switch {
		case n.Anchor != "" || n.Kind == yaml.AliasNode:
			plain = false
		case n.Kind == yaml.ScalarNode:
			if n.Value == "<<" || (n.Style&yaml.TaggedStyle != 0 && !kubectlReadsTag[n.Tag]) {
				plain = false
			}
		case n.ShortTag() != "!!map" && n.ShortTag() != "!!seq":
			plain = false
		}
		if expanded > MaxAliasExpansion {
			return &Error{File: file, Line: n.Line, Err: fmt.Errorf("document reaches more than %d nodes through aliases (YAML alias bomb?)", MaxAliasExpansion)}
		}
		if nodes > MaxDocumentNodes {
			return &Error{File: file, Line: n.Line, Err: fmt.Errorf("document holds more than %d YAML nodes", MaxDocumentNodes)}
		}
		if depth > MaxDepth {
			return &Error{File: file, Line: n.Line, Err: fmt.Errorf("nesting deeper than %d levels", MaxDepth)}
		}
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return &Error{File: file, Line: n.Line, Err: errors.New("unknown alias")}
			}
			if anchors == nil {
				anchors = anchoredNodes(root)
			}
			if !anchors[n.Alias] {
				// One decoder reads a run of documents and would resolve
				// it; kubectl reads each document alone and cannot.
				return &Error{File: file, Line: n.Line, Err: crossDocumentAlias(n.Value)}
			}
			return walk(n.Alias, depth+1, true)
		}
		for _, c := range n.Content {
			if err := walk(c, depth+1, viaAlias); err != nil {
				return err
			}
		}
		return nil
	}
	err = walk(root, 0, false)
	return plain, err
}

// anchoredNodes are the nodes of a document that carry an anchor (aliases
// not followed).
func anchoredNodes(root *yaml.Node) map[*yaml.Node]bool {
	out := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Anchor != "" {
			out[n] = true
		}
		if n.Kind == yaml.AliasNode {
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	return out
}

// kubectlReadsTag are the explicit scalar tags kubectl (sigs.k8s.io/yaml)
// turns into the same JSON value the loader builds: the core schema's. An
// explicit !!binary is decoded here but sent by kubectl as its base64 text
// (a name "web" here, "d2Vi" in the cluster), and a local tag (!custom) is
// not Kubernetes YAML; either is refused rather than checked as something
// the cluster would never see.
var kubectlReadsTag = map[string]bool{"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true}

// checkTags refuses, in an object the policy reads (Gateway API objects and
// Services), a scalar whose explicit tag kubectl would read differently.
// Other objects keep their tags: a ConfigMap's binaryData may use !!binary,
// and kubectl sends it as the base64 text binaryData wants.
func checkTags(file, apiVersion, kind string, n *yaml.Node) error {
	if !strings.HasPrefix(apiVersion, GatewayGroup+"/") && !(apiVersion == "v1" && kind == "Service") {
		return nil
	}
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		if n.Kind == yaml.ScalarNode && n.Style&yaml.TaggedStyle != 0 && !kubectlReadsTag[n.Tag] {
			return &Error{File: file, Line: n.Line, Err: fmt.Errorf("the tag %s on %q is not read the same way by kubectl (a !!binary value is sent as its base64 text, other tags are refused or ignored): remove the tag", n.Tag, clip(n.Value))}
		}
		if n.Kind == yaml.AliasNode {
			return nil // the anchored node is checked where it stands
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(n)
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// LoadFS reads every manifest file of a file system (sorted), naming each
// file prefix + its path.
func LoadFS(fsys fs.FS, prefix string) (*Result, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isManifestFile(p) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", prefix, err)
	}
	sort.Strings(names)
	var sources []source
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, &Error{File: prefix + name, Err: err}
		}
		sources = append(sources, source{file: prefix + name, data: data})
	}
	return parse(sources, Options{})
}
