package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The parse budget. yaml.v3 builds a node tree of a document before any of
// it can be checked, at about 150 bytes per node: a flow sequence of
// two-byte items costs 75 times its size. So the nodes a document can
// hold are bounded from its text before it is parsed, each document's and
// the whole run's; the count after parsing is checked against the same
// limits. Nodes reached through aliases are counted apart: they cost no
// parser memory but every walk over the document pays for them.
const (
	// MaxDocumentNodes is the most nodes one document may hold.
	MaxDocumentNodes = 4_000_000
	// MaxTotalNodes is the most nodes all inputs of a run may hold.
	MaxTotalNodes = 40_000_000
	// MaxAliasExpansion is the most nodes one document may reach through
	// aliases (each use of an alias counts its whole tree).
	MaxAliasExpansion = 2_000_000
)

// nodeBound is an upper bound, from the text alone, of the nodes a YAML
// (or JSON) text parses into: one per line with content, one more per
// block sequence or mapping indicator, two per flow collection, separator
// or mapping indicator, outside quoted scalars and comments. Block-style
// manifests hold about two thirds of their bound, flow-style ones half.
func nodeBound(b []byte) int {
	n := 2 // the document node yaml.v3 adds, and the root
	flow := 0
	content := false    // the line has a token
	indicatorOK := true // at line start or right after a block indicator
	tokenStart := true  // a quote here opens a quoted scalar (not so in "guide's")
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch c {
		case '\n':
			if content {
				n++
			}
			content, indicatorOK, tokenStart = false, true, true
			continue
		case ' ', '\t', '\r':
			continue
		case '#':
			if i == 0 || b[i-1] == ' ' || b[i-1] == '\t' || b[i-1] == '\n' {
				for i < len(b) && b[i] != '\n' {
					i++
				}
				i-- // the newline ends the line above
				continue
			}
		case '"':
			if !tokenStart {
				break
			}
			for i++; i < len(b) && b[i] != '"'; i++ {
				switch b[i] {
				case '\\':
					i++
				case '\n':
					n++
				}
			}
		case '\'':
			if !tokenStart {
				break
			}
			for i++; i < len(b) && b[i] != '\''; i++ {
				if b[i] == '\n' {
					n++
				}
			}
		// In flow context an entry may stand for two nodes without saying
		// so (a key with an implied null value, a single-pair mapping in a
		// sequence), hence two per collection and separator.
		case '[', '{':
			flow++
			n += 2
			tokenStart = true
			continue
		case ']', '}':
			if flow > 0 {
				flow--
			}
		case ',':
			if flow > 0 {
				n += 2
				content, tokenStart = true, true
				continue
			}
		case ':':
			if flow > 0 {
				n += 2
				content, tokenStart = true, true
				continue
			}
			if i+1 == len(b) || b[i+1] == ' ' || b[i+1] == '\t' || b[i+1] == '\n' || b[i+1] == '\r' {
				n++
				indicatorOK, content, tokenStart = true, true, true
				continue
			}
		case '-', '?':
			if c == '-' && (i == 0 || b[i-1] == '\n') && bytes.HasPrefix(b[i:], []byte("---")) && (i+3 == len(b) || b[i+3] == ' ' || b[i+3] == '\n' || b[i+3] == '\r') {
				n += 2 // a new document: its document node and root
				i += 2
				continue
			}
			if indicatorOK && flow == 0 && (i+1 == len(b) || b[i+1] == ' ' || b[i+1] == '\n' || b[i+1] == '\r') {
				n++
				if c == '?' {
					n += 2 // an explicit key opens a mapping and may leave its key and value empty
				}
				content, tokenStart = true, true
				continue
			}
		}
		content, indicatorOK, tokenStart = true, false, false
	}
	if content {
		n++
	}
	return n
}

// jsonNodes counts the nodes of a JSON text exactly, streaming, and stops
// past limit; ok is false when the text is not one JSON value.
func jsonNodes(b []byte, limit int) (n int, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for n <= limit {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return n, n > 0
		}
		if err != nil {
			return n, false
		}
		if d, isDelim := tok.(json.Delim); isDelim && (d == '}' || d == ']') {
			continue
		}
		n++ // every key, value and collection is a node
	}
	return n, true
}

// budget accounts the nodes of a run's documents before they are parsed.
type budget struct{ total int }

// admit checks one chunk of file (starting at line) against the limits and
// charges it to the run.
func (bg *budget) admit(file string, data []byte, c chunk) error {
	text := data[c.start:c.end]
	nodes := nodeBound(text)
	if nodes > MaxDocumentNodes {
		// JSON is counted exactly (a large kubectl -o json is legitimate);
		// other YAML that may be this large is refused from its bound.
		if trimmed := bytes.TrimLeft(text, " \t\r\n"); len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
			if exact, ok := jsonNodes(text, MaxDocumentNodes); ok {
				nodes = exact
			}
		}
		if nodes > MaxDocumentNodes {
			return &Error{File: file, Line: c.line, Err: fmt.Errorf("document holds more than %d YAML nodes, refused before parsing: split it into smaller documents", MaxDocumentNodes)}
		}
	}
	bg.total += nodes
	if bg.total > MaxTotalNodes {
		return &Error{File: file, Line: c.line, Err: fmt.Errorf("the inputs hold more than %d YAML nodes together, refused before parsing; check fewer files at a time", MaxTotalNodes)}
	}
	return nil
}
