package manifest

import (
	"errors"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

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
