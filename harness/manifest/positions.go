package manifest

import (
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	yaml "go.yaml.in/yaml/v3"
)

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
