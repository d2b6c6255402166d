// Package fix applies the repairs the policy proposes (finding edits) to
// manifest files as byte-level splices at the positions yaml.v3 reports:
// everything an edit does not touch — comments, key order, quoting,
// indentation — stays byte for byte. It decides nothing: which repair is
// right, and when a repair is ambiguous, is the rules' call.
package fix

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/report"
)

// Change is one applied edit, as reported by --format json.
type Change struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Rule string `json:"rule"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// Skipped is a finding the rules proposed no (unambiguous) repair for, or
// whose repair could not be applied.
type Skipped struct {
	Finding report.Finding `json:"finding"`
	Reason  string         `json:"reason"`
}

// Plan is the result of applying every edit in memory.
type Plan struct {
	Files   map[string][]byte // new content of changed files
	Old     map[string][]byte
	Changes []Change
	Skipped []Skipped
}

type splice struct {
	start, end int // byte offsets in the old content
	text       string
	change     Change
}

// Build plans the edits of a report's findings over the given files.
// namespace is the namespace the check gave objects that name none (as
// kubectl apply -n; "" for "default").
func Build(rep *report.Report, files map[string][]byte, namespace string) (*Plan, error) {
	if namespace == "" {
		namespace = manifest.DefaultNamespace
	}
	plan := &Plan{Files: map[string][]byte{}, Old: map[string][]byte{}}
	docs := map[string][]*yaml.Node{}
	for name, content := range files {
		nodes, err := parseDocs(content)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		docs[name] = nodes
	}
	splices := map[string][]splice{}
	appends := map[string][]string{}
	for _, f := range rep.Findings {
		if f.Suppression != nil {
			continue // the team chose to leave it as it is
		}
		if len(f.Edits) == 0 {
			if f.Severity == "error" {
				plan.Skipped = append(plan.Skipped, Skipped{Finding: f, Reason: "no unambiguous repair; " + f.Message})
			}
			continue
		}
		var pending []splice
		var failed error
		for _, e := range f.Edits {
			var file string
			var obj *yaml.Node
			var err error
			if e.Op == "add" {
				file, err = home(docs, files, f, e, namespace)
			} else {
				file, obj, err = locate(docs, files, f, e, namespace)
			}
			if err != nil {
				failed = err
				break
			}
			switch e.Op {
			case "set", "remove":
				edit := setSplice
				if e.Op == "remove" {
					edit = removeSplice
				}
				sp, err := edit(files[file], obj, e, f.Rule)
				if err != nil {
					failed = err
					break
				}
				sp.change.File = file
				pending = append(pending, sp)
			case "add":
				text, err := manifestText(e.Manifest)
				if err != nil {
					failed = err
					break
				}
				appends[file] = append(appends[file], text)
				plan.Changes = append(plan.Changes, Change{File: file, Line: lineCount(files[file]) + 1, Rule: f.Rule, Old: "", New: strings.TrimSpace(text)})
			default:
				failed = fmt.Errorf("unknown edit op %q", e.Op)
			}
			if failed != nil {
				break
			}
		}
		if failed != nil {
			plan.Skipped = append(plan.Skipped, Skipped{Finding: f, Reason: failed.Error()})
			continue
		}
		for _, sp := range pending {
			splices[sp.change.File] = append(splices[sp.change.File], sp)
			plan.Changes = append(plan.Changes, sp.change)
		}
	}
	for name, content := range files {
		if len(splices[name]) == 0 && len(appends[name]) == 0 {
			continue
		}
		out, err := apply(content, splices[name], appends[name])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		plan.Files[name] = out
		plan.Old[name] = content
	}
	sort.Slice(plan.Changes, func(i, j int) bool {
		a, b := plan.Changes[i], plan.Changes[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return plan, nil
}

func parseDocs(content []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(content))
	var out []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, &n)
	}
}

// objects lists the mapping nodes of Kubernetes objects in a document
// (a mapping, a list of them, or kind: List).
func objects(doc *yaml.Node) []*yaml.Node {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	var out []*yaml.Node
	var visit func(n *yaml.Node)
	visit = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, c := range n.Content {
				visit(c)
			}
		case yaml.MappingNode:
			if items := value(n, "items"); items != nil && strings.HasSuffix(scalar(value(n, "kind")), "List") {
				visit(items)
				return
			}
			out = append(out, n)
		}
	}
	visit(root)
	return out
}

func value(m *yaml.Node, key string) *yaml.Node {
	if i := keyIndex(m, key); i >= 0 {
		return m.Content[i+1]
	}
	return nil
}

// keyIndex is the position of key's node in a mapping's Content (its
// value follows it), or -1.
func keyIndex(m *yaml.Node, key string) int {
	if m == nil || m.Kind != yaml.MappingNode {
		return -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// locate finds the file and object node an edit targets: the finding's
// object for set edits on it, or the object the edit names (a grant).
func locate(docs map[string][]*yaml.Node, files map[string][]byte, f report.Finding, e report.Edit, namespace string) (string, *yaml.Node, error) {
	want := e.Object
	if want.Kind == "" {
		want = f.Object
	}
	// Prefer the finding's own file.
	names := []string{f.File}
	for name := range files {
		if name != f.File {
			names = append(names, name)
		}
	}
	sort.Strings(names[1:])
	for _, name := range names {
		for _, doc := range docs[name] {
			for _, obj := range objects(doc) {
				md := value(obj, "metadata")
				ns := scalar(value(md, "namespace"))
				if ns == "" {
					ns = namespace
				}
				if scalar(value(obj, "kind")) == want.Kind && scalar(value(md, "name")) == want.Name && ns == want.Namespace {
					return name, obj, nil
				}
			}
		}
	}
	return "", nil, fmt.Errorf("%s %s/%s is not in the given files", want.Kind, want.Namespace, want.Name)
}

// home is the file an added object goes into: that of the first of the
// edit's Near objects found in the files, else that of the edit's object.
func home(docs map[string][]*yaml.Node, files map[string][]byte, f report.Finding, e report.Edit, namespace string) (string, error) {
	for _, near := range e.Near {
		if name, _, err := locate(docs, files, f, report.Edit{Object: near}, namespace); err == nil {
			return name, nil
		}
	}
	file, _, err := locate(docs, files, f, e, namespace)
	return file, err
}

var pathPart = regexp.MustCompile(`^([^.\[]+)((?:\[\d+\])*)`)

// walk follows a field path; it returns the parent mapping and the last
// key, and the value node when the key exists.
func walk(obj *yaml.Node, field string) (parent *yaml.Node, key string, node *yaml.Node, err error) {
	cur := obj
	parts := strings.Split(field, ".")
	for i, part := range parts {
		m := pathPart.FindStringSubmatch(part)
		if m == nil {
			return nil, "", nil, fmt.Errorf("bad field path %q", field)
		}
		if cur.Kind != yaml.MappingNode {
			return nil, "", nil, fmt.Errorf("%s: not a block mapping", field)
		}
		next := value(cur, m[1])
		if i == len(parts)-1 && m[2] == "" {
			return cur, m[1], next, nil
		}
		if next == nil {
			return nil, "", nil, fmt.Errorf("%s: %s missing", field, m[1])
		}
		for _, idx := range regexp.MustCompile(`\d+`).FindAllString(m[2], -1) {
			n, _ := strconv.Atoi(idx)
			if next.Kind != yaml.SequenceNode || n >= len(next.Content) {
				return nil, "", nil, fmt.Errorf("%s: index %d out of range", field, n)
			}
			next = next.Content[n]
		}
		cur = next
	}
	return nil, "", nil, fmt.Errorf("bad field path %q", field)
}

// offset converts yaml.v3's 1-based line and column to a byte offset. The
// column counts characters, not bytes: multi-byte text before a value on
// its line (one-line JSON, an accented annotation) moves the byte offset.
func offset(content []byte, line, col int) int {
	off := 0
	for l := 1; l < line && off < len(content); l++ {
		i := bytes.IndexByte(content[off:], '\n')
		if i < 0 {
			return len(content)
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(content); c++ {
		_, size := utf8.DecodeRune(content[off:])
		off += size
	}
	return off
}

// render writes a value as a YAML scalar, quoted like the old one when it
// was a quoted string.
func render(v any, old *yaml.Node) (string, error) {
	if s, ok := v.(string); ok {
		if old != nil && old.Style&yaml.SingleQuotedStyle != 0 {
			return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
		}
		if s == "" || (old != nil && old.Style&yaml.DoubleQuotedStyle != 0) || needsQuotes(s) {
			return strconv.Quote(s), nil
		}
		return s, nil
	}
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return strconv.FormatInt(int64(f), 10), nil
	}
	out, err := sigsyaml.Marshal(v)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func needsQuotes(s string) bool {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("v: "+s), &n); err != nil {
		return true
	}
	v := value(n.Content[0], "v")
	return v == nil || v.Tag != "!!str" || v.Value != s
}

// tokenEnd finds where a scalar's source token ends (plain or quoted).
func tokenEnd(content []byte, start int, n *yaml.Node) (int, error) {
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0, n.Style&yaml.SingleQuotedStyle != 0:
		q := content[start]
		for i := start + 1; i < len(content); i++ {
			if content[i] == '\\' && q == '"' {
				i++
				continue
			}
			if content[i] == q {
				if q == '\'' && i+1 < len(content) && content[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
			if content[i] == '\n' {
				break
			}
		}
		return 0, errors.New("multi-line quoted scalar")
	case n.Style == 0 || n.Style == yaml.TaggedStyle:
		end := start + len(n.Value)
		if end > len(content) || string(content[start:end]) != n.Value {
			return 0, errors.New("scalar spans lines")
		}
		return end, nil
	}
	return 0, errors.New("block or flow scalar")
}

func setSplice(content []byte, obj *yaml.Node, e report.Edit, rule string) (splice, error) {
	parent, key, node, err := walk(obj, e.Field)
	if err != nil {
		return splice{}, err
	}
	text, err := render(e.Value, node)
	if err != nil {
		return splice{}, err
	}
	if node != nil && node.Kind == yaml.ScalarNode && node.Tag == "!!null" && node.Value == "" {
		return emptyValueSplice(content, parent, key, text, e.Field, rule)
	}
	if node != nil {
		if node.Kind != yaml.ScalarNode {
			return splice{}, fmt.Errorf("%s is not a scalar", e.Field)
		}
		start := offset(content, node.Line, node.Column)
		end, err := tokenEnd(content, start, node)
		if err != nil {
			return splice{}, fmt.Errorf("%s: %w", e.Field, err)
		}
		return splice{start: start, end: end, text: text, change: Change{Line: node.Line, Rule: rule, Old: string(content[start:end]), New: text}}, nil
	}
	if parent.Style&yaml.FlowStyle != 0 {
		return flowInsert(content, parent, key, text, e.Field, rule)
	}
	// Insert key: value as a new line after the mapping's last line, at
	// the column of its keys.
	if len(parent.Content) == 0 {
		return splice{}, fmt.Errorf("%s: cannot insert into an empty mapping", e.Field)
	}
	last := lastLine(parent)
	at := offset(content, last+1, 1)
	indent := strings.Repeat(" ", parent.Content[0].Column-1)
	line := indent + key + ": " + text + lineEnding(content)
	if at > len(content) {
		at = len(content)
		if len(content) > 0 && content[len(content)-1] != '\n' {
			line = "\n" + line
		}
	}
	return splice{start: at, end: at, text: line, change: Change{Line: last + 1, Rule: rule, Old: "", New: strings.TrimSpace(line)}}, nil
}

// removeSplice deletes a key and its one-line scalar value. In a block
// mapping the key's line goes, or, when the key opens a sequence item
// ("- namespace: x"), the text up to the item's next key, which then opens
// the item; in a flow mapping the entry and one comma go. Anything else (a
// value over several lines, a key sharing its line with another) is
// refused: the edit is then reported as not made.
func removeSplice(content []byte, obj *yaml.Node, e report.Edit, rule string) (splice, error) {
	parent, key, node, err := walk(obj, e.Field)
	if err != nil {
		return splice{}, err
	}
	if node == nil {
		return splice{}, fmt.Errorf("%s: not present", e.Field)
	}
	if node.Kind != yaml.ScalarNode {
		return splice{}, fmt.Errorf("%s is not a scalar", e.Field)
	}
	i := keyIndex(parent, key) // walk found node under this key
	k := parent.Content[i]
	start := offset(content, k.Line, k.Column)
	valueStart := offset(content, node.Line, node.Column)
	end, err := tokenEnd(content, valueStart, node)
	if err != nil {
		return splice{}, fmt.Errorf("%s: %w", e.Field, err)
	}
	if node.Tag == "!!null" && node.Value == "" {
		end, err = afterColon(content, start, k)
		if err != nil {
			return splice{}, fmt.Errorf("%s: %w", e.Field, err)
		}
	}
	old := strings.TrimSpace(string(content[start:end]))
	change := Change{Line: k.Line, Rule: rule, Old: old, New: ""}
	if parent.Style&yaml.FlowStyle != 0 {
		return flowRemove(content, parent, i, start, end, change, e.Field)
	}
	lineStart := bytes.LastIndexByte(content[:start], '\n') + 1
	lead := string(content[lineStart:start])
	lineEnd := len(content)
	if nl := bytes.IndexByte(content[end:], '\n'); nl >= 0 {
		lineEnd = end + nl + 1
	}
	rest := strings.TrimSpace(string(content[end:lineEnd]))
	if rest != "" && !strings.HasPrefix(rest, "#") {
		return splice{}, fmt.Errorf("%s: the line holds more than the key", e.Field)
	}
	if len(parent.Content) == 2 {
		return splice{}, fmt.Errorf("%s: the only key of its mapping", e.Field)
	}
	switch strings.TrimSpace(lead) {
	case "":
		return splice{start: lineStart, end: lineEnd, change: change}, nil
	case "-":
		if i+2 >= len(parent.Content) {
			return splice{}, fmt.Errorf("%s: the line holds more than the key", e.Field)
		}
		next := parent.Content[i+2]
		return splice{start: start, end: offset(content, next.Line, next.Column), change: change}, nil
	}
	return splice{}, fmt.Errorf("%s: the line holds more than the key", e.Field)
}

// afterColon is the offset just past the colon that follows key k, which
// starts at start.
func afterColon(content []byte, start int, k *yaml.Node) (int, error) {
	end, err := tokenEnd(content, start, k)
	if err != nil {
		return 0, err
	}
	colon := end + len(content[end:]) - len(bytes.TrimLeft(content[end:], " \t"))
	if colon >= len(content) || content[colon] != ':' {
		return 0, errors.New("no colon after the key")
	}
	return colon + 1, nil
}

// flowRemove deletes entry i of a flow mapping (key at start, value ending
// at end) with the comma after it, or before it when it is the last.
func flowRemove(content []byte, m *yaml.Node, i, start, end int, change Change, field string) (splice, error) {
	if i+2 < len(m.Content) {
		next := m.Content[i+2]
		return splice{start: start, end: offset(content, next.Line, next.Column), change: change}, nil
	}
	if i == 0 {
		return splice{start: start, end: end, change: change}, nil
	}
	prev := m.Content[i-1]
	if prev.Kind != yaml.ScalarNode {
		return splice{}, fmt.Errorf("%s: cannot remove from this flow mapping", field)
	}
	prevStart := offset(content, prev.Line, prev.Column)
	prevEnd, err := tokenEnd(content, prevStart, prev)
	if err != nil {
		return splice{}, fmt.Errorf("%s: %w", field, err)
	}
	return splice{start: prevEnd, end: end, change: change}, nil
}

// emptyValueSplice writes a value after a key written with none ("group:",
// a null): the parser places such a value at the next token, so the text
// goes right after the key's colon instead.
func emptyValueSplice(content []byte, m *yaml.Node, key, text, field, rule string) (splice, error) {
	k := m.Content[keyIndex(m, key)] // the caller's walk found the key
	at, err := afterColon(content, offset(content, k.Line, k.Column), k)
	if err != nil {
		return splice{}, fmt.Errorf("%s: %w", field, err)
	}
	return splice{start: at, end: at, text: " " + text, change: Change{Line: k.Line, Rule: rule, Old: "", New: key + ": " + text}}, nil
}

// flowInsert adds ", key: value" to a flow mapping ({name: a, port: 80})
// right after its last value, when that value is a scalar on one line and
// only blanks stand between it and the closing brace.
func flowInsert(content []byte, m *yaml.Node, key, text, field, rule string) (splice, error) {
	n := len(m.Content)
	if n == 0 || m.Content[n-1].Kind != yaml.ScalarNode {
		return splice{}, fmt.Errorf("%s: cannot insert into this flow mapping", field)
	}
	last := m.Content[n-1]
	start := offset(content, last.Line, last.Column)
	end, err := tokenEnd(content, start, last)
	if err != nil {
		return splice{}, fmt.Errorf("%s: %w", field, err)
	}
	rest := bytes.TrimLeft(content[end:], " \t")
	if len(rest) == 0 || rest[0] != '}' {
		return splice{}, fmt.Errorf("%s: cannot insert into this flow mapping", field)
	}
	ins := ", " + key + ": " + text
	return splice{start: end, end: end, text: ins, change: Change{Line: last.Line, Rule: rule, Old: "", New: strings.TrimPrefix(ins, ", ")}}, nil
}

func lastLine(n *yaml.Node) int {
	line := n.Line
	for _, c := range n.Content {
		if l := lastLine(c); l > line {
			line = l
		}
	}
	return line
}

func lineCount(content []byte) int {
	n := bytes.Count(content, []byte("\n"))
	if len(content) > 0 && content[len(content)-1] != '\n' {
		n++
	}
	return n
}

// manifestText renders a new object in the usual kubectl style: sorted
// keys, two-space indentation, list items indented under their key.
func manifestText(m map[string]any) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return "", fmt.Errorf("render manifest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("render manifest: %w", err)
	}
	return b.String(), nil
}

func apply(content []byte, splices []splice, appends []string) ([]byte, error) {
	// Stable: insertions at one point (group: and kind: added to the same
	// backendRef) keep the order the policy gave them.
	sort.SliceStable(splices, func(i, j int) bool { return splices[i].start < splices[j].start })
	var kept []splice
	for _, sp := range splices {
		if n := len(kept); n > 0 {
			prev := kept[n-1]
			same := sp.start == prev.start && sp.end == prev.end
			if same && sp.text == prev.text {
				continue // the same repair proposed twice
			}
			insertions := sp.start == sp.end && prev.start == prev.end
			if sp.start < prev.end || (same && !insertions) {
				return nil, fmt.Errorf("two repairs touch line %d", sp.change.Line)
			}
		}
		kept = append(kept, sp)
	}
	var out bytes.Buffer
	prev := 0
	for _, sp := range kept {
		out.Write(content[prev:sp.start])
		out.WriteString(sp.text)
		prev = sp.end
	}
	out.Write(content[prev:])
	eol := lineEnding(content)
	for _, a := range uniq(appends) {
		if out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
			out.WriteString(eol)
		}
		out.WriteString("---" + eol)
		out.WriteString(strings.ReplaceAll(a, "\n", eol))
	}
	return out.Bytes(), nil
}

// lineEnding is the file's own line ending: CRLF when its first line ends
// so, LF otherwise.
func lineEnding(content []byte) string {
	if i := bytes.IndexByte(content, '\n'); i > 0 && content[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Diff renders a unified diff of every changed file, sorted by name, with
// secret values masked (Redact). Without a masked line in its context the
// diff applies with git apply or patch -p1; --write applies the plan
// itself.
func (p *Plan) Diff() string {
	names := slices.Sorted(maps.Keys(p.Files))
	var b strings.Builder
	for _, name := range names {
		b.WriteString(unifiedDiff("a/"+strings.TrimPrefix(name, "/"), "b/"+strings.TrimPrefix(name, "/"),
			string(Redact(p.Old[name])), string(Redact(p.Files[name]))))
	}
	return b.String()
}

// ErrChanged is returned by Write when a file changed on disk after it was
// read: the repair was computed from the old content, so nothing is written.
var ErrChanged = errors.New("changed on disk since it was read; nothing was written, run fix again")

// Write applies the plan to the files on disk, all or nothing as far as
// the file system allows: every file is first checked to still hold what
// was read, then every new content is written to a temporary file beside
// its original (same mode and owner, synced), and only when all are ready
// are they renamed over the originals (a symlink's target is replaced, the
// link kept). A crash leaves each file either old or new, never partial.
func (p *Plan) Write() error {
	names := slices.Sorted(maps.Keys(p.Files))
	type pending struct{ tmp, target string }
	var ready []pending
	cleanup := func() {
		for _, r := range ready {
			os.Remove(r.tmp)
		}
	}
	for _, name := range names {
		target, err := filepath.EvalSymlinks(name)
		if err != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", name, err)
		}
		now, err := os.ReadFile(target)
		if err != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", name, err)
		}
		if !bytes.Equal(now, p.Old[name]) {
			cleanup()
			return fmt.Errorf("%s: %w", name, ErrChanged)
		}
		tmp, err := writeTemp(target, p.Files[name])
		if err != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", name, err)
		}
		ready = append(ready, pending{tmp, target})
	}
	for i, r := range ready {
		if err := os.Rename(r.tmp, r.target); err != nil {
			for _, left := range ready[i:] {
				os.Remove(left.tmp)
			}
			return fmt.Errorf("write %s: %w", r.target, err)
		}
		syncDir(filepath.Dir(r.target))
	}
	return nil
}

// writeTemp writes content to a new file beside target with target's mode
// and (where permitted) owner, synced to disk, and returns its path.
func writeTemp(target string, content []byte) (string, error) {
	info, err := os.Stat(target)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".refguard-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(tmp)
		return "", err
	}
	if _, err := f.Write(content); err != nil {
		return fail(err)
	}
	if err := f.Chmod(info.Mode().Perm()); err != nil {
		return fail(err)
	}
	chown(f, info)
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// syncDir makes a rename durable; a directory that cannot be opened or
// synced (some file systems) only loses that guarantee.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
