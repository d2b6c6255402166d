package manifest

import yaml "go.yaml.in/yaml/v3"

// Observed is a route's ResolvedRefs condition as a controller wrote it in
// the status of the input (kubectl get -o yaml of a live route).
type Observed struct {
	Status     string
	Reason     string
	Message    string
	Controller string // the controllerName of the parent status that holds it
}

// observedResolvedRefs reads the ResolvedRefs condition a controller wrote
// in an object's status.parents, as it does for a route: of its parents'
// conditions, the first False one, else the first; nil when the status
// holds none. Which objects are routes is the policy's to say: the checker
// reports it for those only.
func observedResolvedRefs(obj *yaml.Node) *Observed {
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
			o := &Observed{Status: scalarString(field(c, "status")), Reason: scalarString(field(c, "reason")), Message: scalarString(field(c, "message")), Controller: scalarString(field(parent, "controllerName"))}
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
