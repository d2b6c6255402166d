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
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Limits that keep hostile input bounded.
const (
	// MaxFileSize is the largest file read (bytes).
	MaxFileSize = 256 << 20
	// MaxDepth is the deepest nesting of mappings and sequences accepted.
	MaxDepth = 100
	// MaxNodes is the most nodes one document may expand to (aliases count
	// every time they are used).
	MaxNodes = 2_000_000
)

// Object is one Kubernetes object and where it came from.
type Object struct {
	APIVersion string
	Kind       string
	Namespace  string // as written; "" when absent
	Name       string
	Body       map[string]any
	File       string
	Line       int
	// Lines maps a field path ("spec.rules[0].backendRefs[0]") to its line.
	Lines map[string]int
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
// input stops the load with an *Error.
func Load(paths []string, stdin io.Reader) (*Result, error) {
	res := &Result{}
	for _, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(io.LimitReader(stdin, MaxFileSize+1))
			if err != nil {
				return nil, &Error{File: "<stdin>", Err: fmt.Errorf("read: %w", err)}
			}
			if err := res.add("<stdin>", data); err != nil {
				return nil, err
			}
			continue
		}
		files, err := expand(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := readFile(f)
			if err != nil {
				return nil, err
			}
			if err := res.add(f, data); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

func readFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Err: unwrapPathError(err)}
	}
	if info.Size() > MaxFileSize {
		return nil, &Error{File: path, Err: fmt.Errorf("file is %d bytes, larger than the %d byte limit", info.Size(), MaxFileSize)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Err: unwrapPathError(err)}
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

func expand(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Err: unwrapPathError(err)}
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &Error{File: p, Err: unwrapPathError(err)}
		}
		if !d.IsDir() && isManifestFile(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	return files, nil
}

var helmTemplate = regexp.MustCompile(`\{\{-?\s*[.$a-zA-Z(]`)

// add parses one file's bytes.
func (r *Result) add(file string, data []byte) error {
	r.Files = append(r.Files, file)
	if len(data) > MaxFileSize {
		return &Error{File: file, Err: fmt.Errorf("input larger than the %d byte limit", MaxFileSize)}
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return &Error{File: file, Line: firstBadLine(data), Err: errors.New("not a text file (binary data or invalid UTF-8)")}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		r.Notes = append(r.Notes, Note{File: file, Line: 1, Message: "empty file, nothing to check"})
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	docStart := 1 // where the next document starts, for errors without a line
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return parseError(file, data, docStart, err)
		}
		if err := r.addDocument(file, &node); err != nil {
			return err
		}
		docStart = lastLine(&node) + 1
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

func parseError(file string, data []byte, docStart int, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := docStart
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(yamlLine.ReplaceAllString(msg, ""))
		msg = strings.TrimPrefix(msg, ": ")
	}
	if helmTemplate.Match(data) {
		msg += " (this looks like a Helm or Go template: render it first, e.g. helm template)"
	}
	return &Error{File: file, Line: line, Err: fmt.Errorf("invalid YAML: %s", msg)}
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
func (r *Result) addDocument(file string, doc *yaml.Node) error {
	root := doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	if err := checkShape(file, root); err != nil {
		return err
	}
	switch root.Kind {
	case yaml.SequenceNode:
		for _, item := range root.Content {
			if err := r.addItem(file, item); err != nil {
				return err
			}
		}
		return nil
	case yaml.MappingNode:
		return r.addItem(file, root)
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

func (r *Result) addItem(file string, node *yaml.Node) error {
	if node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	if node.Kind != yaml.MappingNode {
		return &Error{File: file, Line: node.Line, Err: fmt.Errorf("expected a Kubernetes object (a mapping), found %s", describe(node))}
	}
	value, err := toValue(node)
	if err != nil {
		return &Error{File: file, Line: node.Line, Err: err}
	}
	body, _ := value.(map[string]any)
	apiVersion, _ := body["apiVersion"].(string)
	kind, _ := body["kind"].(string)
	if apiVersion == "" || kind == "" {
		r.Notes = append(r.Notes, Note{File: file, Line: node.Line, Message: "skipped: not a Kubernetes object (no apiVersion or kind)"})
		return nil
	}
	if strings.HasSuffix(kind, "List") && apiVersion == "v1" {
		items := mappingValue(node, "items")
		if items == nil {
			return nil
		}
		if items.Kind != yaml.SequenceNode {
			return &Error{File: file, Line: items.Line, Err: fmt.Errorf("%s items is not a list", kind)}
		}
		for _, item := range items.Content {
			if err := r.addItem(file, item); err != nil {
				return err
			}
		}
		return nil
	}
	obj := Object{APIVersion: apiVersion, Kind: kind, Body: body, File: file, Line: node.Line, Lines: map[string]int{}}
	if md, ok := body["metadata"].(map[string]any); ok {
		obj.Namespace, _ = md["namespace"].(string)
		obj.Name, _ = md["name"].(string)
	}
	recordLines(node, "", obj.Lines, 0)
	r.Objects = append(r.Objects, obj)
	return nil
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

// checkShape rejects documents nested deeper than MaxDepth or expanding to
// more than MaxNodes nodes (alias bombs), before anything is decoded.
func checkShape(file string, root *yaml.Node) error {
	count := 0
	var walk func(n *yaml.Node, depth int) error
	walk = func(n *yaml.Node, depth int) error {
		count++
		if count > MaxNodes {
			return &Error{File: file, Line: n.Line, Err: fmt.Errorf("document expands to more than %d nodes (YAML alias bomb?)", MaxNodes)}
		}
		if depth > MaxDepth {
			return &Error{File: file, Line: n.Line, Err: fmt.Errorf("nesting deeper than %d levels", MaxDepth)}
		}
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return &Error{File: file, Line: n.Line, Err: errors.New("unknown alias")}
			}
			return walk(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, 0)
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

// LoadFS reads every manifest file of a file system (sorted), naming each
// file prefix + its path.
func LoadFS(fsys fs.FS, prefix string) (*Result, error) {
	res := &Result{}
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
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, &Error{File: prefix + name, Err: err}
		}
		if err := res.add(prefix+name, data); err != nil {
			return nil, err
		}
	}
	return res, nil
}
