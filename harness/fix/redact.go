package fix

import (
	"bytes"
	"regexp"

	yaml "go.yaml.in/yaml/v3"
)

// sensitiveKey matches keys whose values are credentials wherever they
// appear (a ConfigMap or an annotation holding a token is no less secret).
var sensitiveKey = regexp.MustCompile(`(?i)(passw(or)?d|secret|token|api[-_]?key|private[-_]?key|credential|\.key$|^key$)`)

// Redacted is what a printed line shows instead of a secret value.
const Redacted = "<redacted>"

// redact returns content with every secret value masked line by line: the
// values of a Secret's data and stringData, and the value of any key that
// names a credential. Only what is printed is redacted (a diff's lines);
// the files written keep their values.
func redact(content []byte) []byte {
	docs, err := parseDocs(content)
	if err != nil {
		return content
	}
	mask := map[int]int{} // line → column where the value starts (0: the whole line)
	for _, doc := range docs {
		for _, obj := range objects(doc) {
			if scalar(value(obj, "kind")) == "Secret" {
				for _, field := range []string{"data", "stringData"} {
					if m := value(obj, field); m != nil && m.Kind == yaml.MappingNode {
						for i := 0; i+1 < len(m.Content); i += 2 {
							maskValue(mask, m.Content[i], m.Content[i+1])
						}
					}
				}
			}
			maskKeys(mask, obj)
		}
	}
	if len(mask) == 0 {
		return content
	}
	lines := bytes.SplitAfter(content, []byte("\n"))
	for i, line := range lines {
		col, ok := mask[i+1]
		if !ok {
			continue
		}
		body := bytes.TrimRight(line, "\r\n")
		eol := line[len(body):]
		start := offset(body, 1, col)
		if col == 0 {
			start = len(body) - len(bytes.TrimLeft(body, " \t"))
		}
		if start > len(body) {
			continue
		}
		lines[i] = append(append(append([]byte{}, body[:start]...), Redacted...), eol...)
	}
	return bytes.Join(lines, nil)
}

// maskKeys masks the values of credential-named keys anywhere in n.
func maskKeys(mask map[int]int, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.ScalarNode && sensitiveKey.MatchString(k.Value) {
				maskValue(mask, k, v)
				continue
			}
			maskKeys(mask, v)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			maskKeys(mask, c)
		}
	}
}

// maskValue masks a value from where it starts to its last line.
func maskValue(mask map[int]int, key, val *yaml.Node) {
	if val.Line == key.Line {
		mask[val.Line] = val.Column
	} else {
		mask[val.Line] = 0
	}
	for l := val.Line + 1; l <= lastLine(val)+blockLines(val); l++ {
		mask[l] = 0
	}
}

// blockLines is how many lines a block scalar spans after its indicator
// line (yaml.v3 reports only where a node starts).
func blockLines(n *yaml.Node) int {
	if n.Kind != yaml.ScalarNode || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		return 0
	}
	return bytes.Count([]byte(n.Value), []byte("\n"))
}
