package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	yaml "go.yaml.in/yaml/v3"
)

var helmTemplate = regexp.MustCompile(`\{\{-?\s*[.$a-zA-Z(]`)

// helmBuiltin is an action that reads one of Helm's built-in objects or
// calls a function only Helm defines: no rendered manifest holds one, so
// it marks a chart's template even inside a quoted value.
var helmBuiltin = regexp.MustCompile(`\{\{-?[^}]*(\$?\.(Values|Release|Chart|Capabilities|Files|Template)\b|\b(include|tpl|required|toYaml|fromYaml)\b)`)

// templateLine is the line of the first template action ({{ .Values.x }},
// {{- include … }}) that makes the file a template, 0 when none does. An
// action where YAML reads a value is one: YAML reads {{ … }} as a flow
// mapping, so a value holding one is silently something else (a name
// becomes a map). So is an action on Helm's built-in objects anywhere. An
// action inside a string is data when it is not Helm's: a PrometheusRule's
// "{{ $labels.instance }}", an Alertmanager template in a ConfigMap, a
// kgateway transformation '{{ header("x") }}'; so is one in a comment.
func templateLine(data []byte) int {
	if !bytes.Contains(data, []byte("{{")) {
		return 0
	}
	first, builtin, actions := 0, 0, 0
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
		if !helmTemplate.Match(text) {
			continue
		}
		if first == 0 {
			first = line
		}
		if builtin == 0 && helmBuiltin.Match(text) {
			builtin = line
		}
		actions += bytes.Count(text, []byte("{{"))
	}
	switch {
	case first == 0:
		return 0
	case builtin > 0:
		return builtin
	case actionsInStrings(data) >= actions:
		return 0
	}
	return first
}

// actionsInStrings counts the "{{" that YAML reads inside string values
// (and keys) of data's documents; -1 when data is not YAML. Aliases are
// not followed, so the count is linear in data.
func actionsInStrings(data []byte) int {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	count := 0
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			count += strings.Count(n.Value, "{{")
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return count
		}
		if err != nil {
			return -1
		}
		walk(&doc)
	}
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
	carried := ""      // a "# Source:" comment yaml.v3 gave the previous document
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return out.objects, out.notes, nil
		}
		if err != nil {
			return nil, nil, parseError(file, docStart, offset, err)
		}
		source := templateSource(&node)
		if source == "" {
			source = carried
		}
		// A comment set apart from the next document by a blank line is
		// read as this document's foot comment.
		carried = sourceIn(node.FootComment)
		shiftLines(&node, offset)
		docStart = lastLine(&node) + 1
		if ns != "" {
			setDefaultNamespace(&node, ns)
		}
		if opts != nil && len(singles) > 0 {
			i := chunkOf(singles, next, node.Line)
			if i >= 0 && chunkOf(singles, i, docStart-1) == i {
				next = i + 1
				o, ok, err := deferredObject(file, &node, opts, source)
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
		if err := out.addDocument(file, &node, source); err != nil {
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
func deferredObject(file string, doc *yaml.Node, opts *Options, source string) (Object, bool, error) {
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
	o := Object{APIVersion: apiVersion, Kind: kind, File: file, Line: root.Line, Source: source, Observed: observedResolvedRefs(root)}
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
	setNamespaceIn(root, ns)
}

// setNamespaceIn sets the namespace of an object, or of each item of a
// list (lists nest: a List of HTTPRouteLists).
func setNamespaceIn(obj *yaml.Node, ns string) {
	if obj.Kind != yaml.MappingNode {
		return
	}
	if isList(scalarString(mappingValue(obj, "apiVersion")), scalarString(mappingValue(obj, "kind"))) {
		if items := listItems(obj); items != nil && items.Kind == yaml.SequenceNode {
			for _, item := range items.Content {
				setNamespaceIn(item, ns)
			}
		}
		return
	}
	setObjectNamespace(obj, ns)
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

// isList: a list whose items are the objects: kubectl's v1 List, or a
// typed list of any group (ServiceList, HTTPRouteList, …) as the API
// server returns it (kubectl get --raw, client libraries, backups). Kinds
// ending in "List" are lists by Kubernetes' own convention.
func isList(apiVersion, kind string) bool {
	return apiVersion != "" && strings.HasSuffix(kind, "List")
}

// listItems is a list's items. A typed list's items carry no apiVersion
// or kind when the API server writes them: they are the list's, and are
// added to each item that lacks them, so that a ServiceList's items are
// read as the Services they are.
func listItems(list *yaml.Node) *yaml.Node {
	items := mappingValue(list, "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return items
	}
	apiVersion, kind := scalarString(mappingValue(list, "apiVersion")), strings.TrimSuffix(scalarString(mappingValue(list, "kind")), "List")
	if kind == "" {
		return items // a v1 List says nothing of its items' kinds
	}
	for _, item := range items.Content {
		if item.Kind != yaml.MappingNode {
			continue
		}
		for _, field := range [][2]string{{"apiVersion", apiVersion}, {"kind", kind}} {
			if mappingValue(item, field[0]) == nil {
				item.Content = append(item.Content,
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: field[0], Line: item.Line, Column: item.Column},
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: field[1], Line: item.Line, Column: item.Column})
			}
		}
	}
	return items
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
func (r *chunkResult) addDocument(file string, doc *yaml.Node, source string) error {
	first := len(r.objects)
	err := r.addDocumentObjects(file, doc)
	for i := first; i < len(r.objects); i++ {
		r.objects[i].Source = source
	}
	return err
}

// templateSource is the template a rendered document came from: the
// "# Source: chart/templates/route.yaml" comment helm template writes
// above each document, "" when there is none. yaml.v3 gives it to the
// document, or to its first key; one set apart by a blank line from a
// document that follows another in the same stream it gives to the one
// before (its foot comment, which parseStream carries over).
func templateSource(doc *yaml.Node) string {
	if source := sourceIn(doc.HeadComment); source != "" {
		return source
	}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
		if source := sourceIn(root.HeadComment); source != "" {
			return source
		}
	}
	if root.Kind == yaml.MappingNode && len(root.Content) > 0 {
		return sourceIn(root.Content[0].HeadComment)
	}
	return ""
}

// sourceIn finds a "# Source:" line in a comment block.
func sourceIn(comment string) string {
	for line := range strings.SplitSeq(comment, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "# Source:"); ok {
			if source := strings.TrimSpace(rest); source != "" {
				return source
			}
		}
	}
	return ""
}

func (r *chunkResult) addDocumentObjects(file string, doc *yaml.Node) error {
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
			if err := r.addItem(file, item, plain, 0); err != nil {
				return err
			}
		}
		return nil
	case yaml.MappingNode:
		return r.addItem(file, root, plain, 0)
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

// addList adds the items of a list that depth lists hold.
func (r *chunkResult) addList(file string, node *yaml.Node, plain bool, depth int, kind string) error {
	if depth >= maxListDepth {
		r.notes = append(r.notes, Note{File: file, Line: node.Line, Message: fmt.Sprintf("skipped: a %s inside %d lists (lists are read %d deep)", kind, depth, maxListDepth)})
		return nil
	}
	items := listItems(node)
	if items == nil {
		return nil
	}
	if items.Kind != yaml.SequenceNode {
		return &Error{File: file, Line: items.Line, Err: fmt.Errorf("%s items is not a list", kind)}
	}
	for _, item := range items.Content {
		if err := r.addItem(file, item, plain, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// maxListDepth: how deep lists nest and are still read: a list, and the
// lists among its items (a List of HTTPRouteLists). The conftest adapter
// reads the same two levels (lib.refguard.conftest).
const maxListDepth = 2

// addItem adds one object, or the items of a list; depth is how many lists
// hold node.
func (r *chunkResult) addItem(file string, node *yaml.Node, plain bool, depth int) error {
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
	if apiVersion, kind := scalarString(mappingValue(node, "apiVersion")), scalarString(mappingValue(node, "kind")); isList(apiVersion, kind) {
		// A list is no object, its items are: each is converted on its
		// own, and the list itself (a whole cluster dump) never is.
		return r.addList(file, node, plain, depth, kind)
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
	if isList(apiVersion, kind) { // written through an alias or a tag
		return r.addList(file, node, plain, depth, kind)
	}
	obj := Object{APIVersion: apiVersion, Kind: kind, Value: value, File: file, Line: node.Line, Observed: observedResolvedRefs(node)}
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
