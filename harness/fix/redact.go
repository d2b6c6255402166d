package fix

import (
	"bytes"
	"regexp"

	yaml "go.yaml.in/yaml/v3"
)

// sensitiveKey matches keys whose values are credentials wherever they
// appear (a ConfigMap or an annotation holding a token is no less secret).
var sensitiveKey = regexp.MustCompile(`(?i)(passw(or)?d|secret|token|api[-_]?key|private[-_]?key|credential|\.key$|^key$)`)

// secretValue matches values that are credentials whatever key holds them:
// private keys in PEM, JSON Web Tokens, cloud and SaaS access keys by
// their documented prefixes, passwords inside URLs, and a credential-named
// member of JSON text (the last-applied-configuration annotation kubectl
// writes holds a whole object, Secret data included).
var secretValue = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----` +
	`|\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.` +
	`|\b(AKIA|ASIA)[0-9A-Z]{16}\b` +
	`|\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}` +
	`|\bglpat-[A-Za-z0-9_-]{20,}` +
	`|\bxox[abprs]-[A-Za-z0-9-]{10,}` +
	`|\bAIza[0-9A-Za-z_-]{35}` +
	`|\b(sk|rk)_(live|test)_[0-9A-Za-z]{16,}|\bsk-[A-Za-z0-9_-]{20,}` +
	`|[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@` +
	`|(?i)"[^"]*(passw(or)?d|secret|token|api[-_]?key|private[-_]?key|credential)[^"]*"\s*:\s*"[^"]+"`)

// Redacted is what a printed line shows instead of a secret value.
const Redacted = "<redacted>"

// Redact returns content with every secret value masked line by line: the
// values of a Secret's data and stringData (and of its annotations, where
// kubectl keeps a copy of the data), the value of any key that names a
// credential, and any value that looks like one (secretValue). Only what
// is shown is redacted (a diff's lines, the browser page); the files
// written keep their values. Content that does not parse is returned as
// it is: nothing that does not parse is ever shown repaired.
func Redact(content []byte) []byte {
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
				if meta := value(obj, "metadata"); meta != nil {
					if m := value(meta, "annotations"); m != nil && m.Kind == yaml.MappingNode {
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

// maskKeys masks the values of credential-named keys, and values that look
// like credentials, anywhere in n.
func maskKeys(mask map[int]int, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.ScalarNode && (sensitiveKey.MatchString(k.Value) || secretValue.MatchString(v.Value)) {
				maskValue(mask, k, v)
				continue
			}
			maskKeys(mask, v)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind == yaml.ScalarNode && secretValue.MatchString(c.Value) {
				maskValue(mask, c, c)
				continue
			}
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
