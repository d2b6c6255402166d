// Package inventory indexes the objects backendRefs resolve against —
// Services, ServiceImports, ReferenceGrants (v1 and v1beta1) and
// BackendTLSPolicies — by collection, namespace and name, in the shape
// kube-mgmt replicates into OPA (data.kubernetes.<resource>[ns][name]).
package inventory

import (
	"strings"

	"github.com/refguard/refguard/harness/manifest"
)

// Collection names, as kube-mgmt names replicated resources.
const (
	Services           = "services"
	ServiceImports     = "serviceimports"
	ReferenceGrants    = "referencegrants"
	BackendTLSPolicies = "backendtlspolicies"
	Backends           = "backends" // Envoy Gateway's gateway.envoyproxy.io Backend
)

// Collections lists every collection the policy reads.
var Collections = []string{Services, ServiceImports, ReferenceGrants, BackendTLSPolicies, Backends}

// CollectionOf names the collection an object belongs to, or "".
func CollectionOf(apiVersion, kind string) string {
	group := ""
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		group = apiVersion[:i]
	}
	switch {
	case group == "" && kind == "Service":
		return Services
	case group == "multicluster.x-k8s.io" && kind == "ServiceImport":
		return ServiceImports
	case group == "gateway.networking.k8s.io" && kind == "ReferenceGrant":
		return ReferenceGrants
	case group == "gateway.networking.k8s.io" && kind == "BackendTLSPolicy":
		return BackendTLSPolicies
	case group == "gateway.envoyproxy.io" && kind == "Backend":
		return Backends
	}
	return ""
}

// Namespace is the effective namespace of an object.
func Namespace(o *manifest.Object) string {
	if o.Namespace == "" {
		return "default"
	}
	return o.Namespace
}

// Build indexes objects; later objects of the same name win, as with
// kubectl apply.
func Build(sets ...[]manifest.Object) map[string]any {
	idx := map[string]map[string]map[string]any{}
	for _, c := range Collections {
		idx[c] = map[string]map[string]any{}
	}
	for _, objs := range sets {
		for i := range objs {
			o := &objs[i]
			c := CollectionOf(o.APIVersion, o.Kind)
			if c == "" || o.Name == "" {
				continue
			}
			ns := Namespace(o)
			if idx[c][ns] == nil {
				idx[c][ns] = map[string]any{}
			}
			idx[c][ns][o.Name] = o.Body
		}
	}
	out := make(map[string]any, len(idx))
	for c, byNS := range idx {
		m := make(map[string]any, len(byNS))
		for ns, byName := range byNS {
			m[ns] = byName
		}
		out[c] = m
	}
	return out
}

// GatekeeperShape renders the inventory objects the way Gatekeeper syncs
// them — {"inventory": {"namespace": {ns: {apiVersion: {Kind: {name: obj}}}}}}
// — which is also the data file conftest --data reads for cluster objects.
func GatekeeperShape(sets ...[]manifest.Object) map[string]any {
	byNS := map[string]any{}
	for _, objs := range sets {
		for i := range objs {
			o := &objs[i]
			if CollectionOf(o.APIVersion, o.Kind) == "" || o.Name == "" {
				continue
			}
			ns := Namespace(o)
			gvs, _ := byNS[ns].(map[string]any)
			if gvs == nil {
				gvs = map[string]any{}
				byNS[ns] = gvs
			}
			kinds, _ := gvs[o.APIVersion].(map[string]any)
			if kinds == nil {
				kinds = map[string]any{}
				gvs[o.APIVersion] = kinds
			}
			names, _ := kinds[o.Kind].(map[string]any)
			if names == nil {
				names = map[string]any{}
				kinds[o.Kind] = names
			}
			names[o.Name] = o.Body
		}
	}
	return map[string]any{"inventory": map[string]any{"namespace": byNS}}
}
