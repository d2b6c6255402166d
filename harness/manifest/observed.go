package manifest

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Observed is a route's ResolvedRefs condition as a controller wrote it in
// the status of the input (kubectl get -o yaml of a live route).
type Observed struct {
	Status  string
	Reason  string
	Message string
}

// observedResolvedRefs reads the ResolvedRefs condition a controller wrote
// for a route: of its parents' conditions, the first False one, else the
// first one; nil when the status holds none. Only a route's status is
// read, and only its conditions' type, status, reason and message.
func observedResolvedRefs(obj *yaml.Node, apiVersion, kind string) *Observed {
	if APIGroup(apiVersion) != GatewayGroup || !strings.HasSuffix(kind, "Route") {
		return nil
	}
	parents := field(field(obj, "status"), "parents")
	if parents == nil || parents.Kind != yaml.SequenceNode {
		return nil
	}
	var first *Observed
	for _, parent := range parents.Content {
		conditions := field(parent, "conditions")
		if conditions == nil || conditions.Kind != yaml.SequenceNode {
			continue
		}
		for _, c := range conditions.Content {
			if scalarString(field(c, "type")) != "ResolvedRefs" {
				continue
			}
			o := &Observed{Status: scalarString(field(c, "status")), Reason: scalarString(field(c, "reason")), Message: scalarString(field(c, "message"))}
			if o.Status == "False" {
				return o
			}
			if first == nil {
				first = o
			}
		}
	}
	return first
}

// field is a mapping's value for key; nil when n is no mapping or lacks it.
func field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	return mappingValue(n, key)
}
