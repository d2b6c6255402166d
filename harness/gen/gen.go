// Package gen generates realistic manifest sets for benchmarks and tests:
// N HTTPRoutes, N Services with one or two ports, N/10 ReferenceGrants, and
// a tenth of the routes broken on purpose, with the ground truth of what
// was planted. Two mixes: FourWays (the benchmark set: RG101, RG102, RG103
// and RG105, what the comparison's hand-written conftest policy checks too)
// and EveryRule (a failure of every rule of the catalogue, for tests).
// Deterministic for a given size, seed and mix.
package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Planted counts the findings the planted failures produce, per rule ID.
type Planted map[string]int

// Set is a generated manifest set.
type Set struct {
	YAML    []byte
	Routes  int
	Planted Planted
	// Config is the policy config under which Planted holds (nil: the
	// defaults).
	Config map[string]any
}

// Mix chooses the failures a set plants.
type Mix int

const (
	// FourWays plants RG101, RG102, RG103 and RG105 at random.
	FourWays Mix = iota
	// EveryRule plants a failure of every rule in turn. Its Config selects
	// the envoy-gateway profile, which rejects a RequestRedirect on a
	// backendRef (RG111; the spec profile accepts any filter), checks
	// appProtocol (RG107; Istio does not), what a Backend object says
	// (RG112; no other profile does) and the HTTPRouteFilters ExtensionRefs
	// name (RG115), and turns RG401 on (off by default).
	EveryRule
)

// everyRule is the order EveryRule plants in; a seed rotates it.
var everyRule = []string{
	"RG101", "RG102", "RG103", "RG104", "RG105", "RG106", "RG107", "RG108", "RG109", "RG110", "RG111", "RG112", "RG113", "RG114", "RG115",
	"RG201", "RG202", "RG203", "RG204", "RG205",
	"RG301", "RG302", "RG303", "RG304",
	"RG401",
	"RG501", "RG502", "RG503", "RG504", "RG505", "RG506",
}

// Generate builds a FourWays set of n routes.
func Generate(n int, seed uint64) Set { return GenerateMix(n, seed, FourWays) }

// GenerateMix builds a set of n routes spread over n/20 (at least 1, at
// most 500) namespaces. Route i references Service i of its namespace;
// every tenth route (i%10 == 5) goes to the Service of the next namespace
// with a ReferenceGrant; every tenth (i%10 == 3) is broken.
func GenerateMix(n int, seed uint64, mix Mix) Set {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &generator{n: n, namespaces: min(max(n/20, 1), 500), planted: Planted{}, plants: make([]string, n)}
	g.b.Grow(n * 1200)
	rotate := 0
	if mix == EveryRule { // FourWays draws exactly what it always drew
		rotate = rng.IntN(len(everyRule))
	}
	for i := 3; i < n; i += 10 {
		switch mix {
		case EveryRule:
			g.plants[i] = everyRule[(i/10+rotate)%len(everyRule)]
		default:
			g.plants[i] = []string{"RG103", "RG105", "RG102", "RG101"}[rng.IntN(4)]
		}
		if g.plants[i] == "RG102" && (i+1 >= n || g.namespaces == 1) {
			g.plants[i] = "RG103" // no next namespace to reach
		}
	}
	for i := 0; i < n; i++ {
		g.service(i)
	}
	for i := 0; i < n; i++ {
		g.route(i)
	}
	set := Set{YAML: []byte(g.b.String()), Routes: n, Planted: g.planted}
	if mix == EveryRule {
		set.Config = map[string]any{"profile": "envoy-gateway", "severity": map[string]any{"RG401": "warning"}}
	}
	return set
}

type generator struct {
	n, namespaces int
	b             strings.Builder
	planted       Planted
	plants        []string // the failure planted at route i, or ""
}

func (g *generator) ns(i int) string { return fmt.Sprintf("team-%03d", i%g.namespaces) }

// service writes Service i; a few plants live in the Service route i uses.
func (g *generator) service(i int) {
	fmt.Fprintf(&g.b, "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%d\n  namespace: %s\n  labels:\n    app: svc-%d\nspec:\n", i, g.ns(i), i)
	if g.plants[i] == "RG108" {
		fmt.Fprintf(&g.b, "  type: ExternalName\n  externalName: svc-%d.example.com\n", i)
	}
	fmt.Fprintf(&g.b, "  selector:\n    app: svc-%d\n  ports:\n    - name: http\n      port: 8080\n      targetPort: 80\n", i)
	switch g.plants[i] {
	case "RG106":
		g.b.WriteString("      protocol: UDP\n")
	case "RG107":
		g.b.WriteString("      appProtocol: kubernetes.io/wss\n")
	case "RG110":
		g.b.WriteString("      appProtocol: h2c\n")
	}
	if i%2 == 0 {
		g.b.WriteString("    - name: metrics\n      port: 9090\n")
	}
	g.b.WriteString("---\n")
	if g.plants[i] == "RG112" {
		fmt.Fprintf(&g.b, "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: Backend\nmetadata:\n  name: backend-%d\n  namespace: %s\nspec:\n  endpoints:\n    - ip:\n        address: 127.0.0.1\n        port: 8080\n---\n", i, g.ns(i))
	}
	if g.plants[i] == "RG113" {
		// A BackendTLSPolicy for the Service naming its CA ConfigMap
		// without the hash suffix a kustomize configMapGenerator gave it.
		fmt.Fprintf(&g.b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ca-%d-5d8fk2m9tc\n  namespace: %s\ndata:\n  ca.crt: |\n    -----BEGIN CERTIFICATE-----\n    -----END CERTIFICATE-----\n---\n", i, g.ns(i))
		fmt.Fprintf(&g.b, "apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata:\n  name: svc-%d-tls\n  namespace: %s\nspec:\n  targetRefs:\n    - group: \"\"\n      kind: Service\n      name: svc-%d\n  validation:\n    caCertificateRefs:\n      - group: \"\"\n        kind: ConfigMap\n        name: ca-%d\n    hostname: svc-%d.example.com\n---\n", i, g.ns(i), i, i, i)
	}
	if g.plants[i] == "RG114" {
		// A BackendTLSPolicy for the Service's one port, by a name it
		// does not have (the port is named http).
		fmt.Fprintf(&g.b, "apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata:\n  name: svc-%d-tls\n  namespace: %s\nspec:\n  targetRefs:\n    - group: \"\"\n      kind: Service\n      name: svc-%d\n      sectionName: htp\n  validation:\n    wellKnownCACertificates: System\n    hostname: svc-%d.example.com\n---\n", i, g.ns(i), i, i)
	}
	if g.plants[i] == "RG506" {
		// The same Service again, differing in a field the policy reads
		// (spec.type) but not in how the route resolves: whichever copy a
		// context keeps, the route's findings are the same.
		fmt.Fprintf(&g.b, "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%d\n  namespace: %s\nspec:\n  type: ClusterIP\n  ports:\n    - name: http\n      port: 8080\n      targetPort: 80\n", i, g.ns(i))
		if i%2 == 0 {
			g.b.WriteString("    - name: metrics\n      port: 9090\n")
		}
		g.b.WriteString("---\n")
	}
}

// backendRef is one entry of a rule's backendRefs.
type backendRef struct {
	name, namespace string
	port            int // 0: none
	group, kind     bool
	groupValue      string
	kindValue       string
	weight          *int
	filters         string // YAML of a filters list, indented for the entry
}

func (r backendRef) write(b *strings.Builder) {
	b.WriteString("        - ")
	if r.group {
		fmt.Fprintf(b, "group: %q\n          ", r.groupValue)
	}
	if r.kind {
		fmt.Fprintf(b, "kind: %s\n          ", r.kindValue)
	}
	fmt.Fprintf(b, "name: %s\n", r.name)
	if r.namespace != "" {
		fmt.Fprintf(b, "          namespace: %s\n", r.namespace)
	}
	if r.port != 0 {
		fmt.Fprintf(b, "          port: %d\n", r.port)
	}
	if r.weight != nil {
		fmt.Fprintf(b, "          weight: %d\n", *r.weight)
	}
	b.WriteString(r.filters)
}

// route writes route i, the grant its cross-namespace reference needs, and
// the grant plants; it counts what it planted.
func (g *generator) route(i int) {
	plant := g.plants[i]
	ref := backendRef{name: fmt.Sprintf("svc-%d", i), port: 8080, group: true, kind: true, kindValue: "Service"}
	cross := i%10 == 5 && g.namespaces > 1
	if cross {
		ref.name, ref.namespace = fmt.Sprintf("svc-%d", i+1), g.ns(i+1)
		if i+1 >= g.n {
			ref.name = fmt.Sprintf("svc-%d", i-g.namespaces+1)
		}
	}
	apiVersion, kind := "gateway.networking.k8s.io/v1", "HTTPRoute"
	refs := []backendRef{ref}
	rule := "    - matches:\n        - path:\n            type: PathPrefix\n            value: /\n"
	ruleFilters := ""
	switch plant {
	case "RG101":
		refs[0].kindValue = "service"
	case "RG102":
		refs[0].name, refs[0].namespace = fmt.Sprintf("svc-%d", i+1), g.ns(i+1)
	case "RG103":
		refs[0].name += "x"
	case "RG104":
		refs[0].port = 0
	case "RG105":
		refs[0].port = 8081
	case "RG109":
		refs[0].name = fmt.Sprintf("svc-%d.%s.svc.cluster.local", i, g.ns(i))
	case "RG111":
		refs[0].filters = "          filters:\n            - type: RequestRedirect\n              requestRedirect:\n                hostname: internal.example.com\n"
	case "RG112": // the Backend service(i) writes, with a loopback address
		refs[0].groupValue, refs[0].kindValue, refs[0].name, refs[0].port = "gateway.envoyproxy.io", "Backend", fmt.Sprintf("backend-%d", i), 0
	case "RG301":
		zero := 0
		refs[0].weight = &zero
	case "RG302":
		refs = nil
	case "RG303": // two references, both missing: RG303 and two RG103
		refs = []backendRef{refs[0], refs[0]}
		refs[0].name += "x"
		refs[1].name += "y"
		g.planted["RG103"] += 2
	case "RG304":
		refs = []backendRef{refs[0], refs[0]}
	case "RG401":
		refs[0].group, refs[0].kind = false, false
	case "RG501":
		refs[0].port = 70000
	case "RG502":
		minus := -1
		refs[0].weight = &minus
	case "RG115": // an HTTPRouteFilter the set does not hold
		ruleFilters = fmt.Sprintf("      filters:\n        - type: ExtensionRef\n          extensionRef:\n            group: gateway.envoyproxy.io\n            kind: HTTPRouteFilter\n            name: rewrite-%d\n", i)
	case "RG503":
		ruleFilters = "      filters:\n        - type: RequestRedirect\n          requestRedirect:\n            scheme: https\n"
	case "RG504":
		apiVersion, kind = "gateway.networking.k8s.io/v1alpha2", "TCPRoute"
		rule = ""
	}
	fmt.Fprintf(&g.b, "apiVersion: %s\nkind: %s\nmetadata:\n  name: route-%d\n  namespace: %s\nspec:\n  parentRefs:\n    - name: gateway\n      namespace: infra\n", apiVersion, kind, i, g.ns(i))
	if kind == "HTTPRoute" {
		fmt.Fprintf(&g.b, "  hostnames:\n    - app-%d.example.com\n", i)
	}
	g.b.WriteString("  rules:\n")
	if rule == "" {
		g.b.WriteString("    - ")
	} else {
		g.b.WriteString(rule + "      ")
	}
	switch {
	case plant == "RG505": // a mapping where a list belongs
		fmt.Fprintf(&g.b, "backendRefs:\n        name: %s\n        port: 8080\n", refs[0].name)
	case len(refs) == 0:
		g.b.WriteString("timeouts:\n        request: 10s\n")
	default:
		g.b.WriteString("backendRefs:\n")
		for _, r := range refs {
			r.write(&g.b)
		}
	}
	g.b.WriteString(ruleFilters)
	g.b.WriteString("---\n")
	if cross && plant == "" {
		fmt.Fprintf(&g.b, "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: allow-route-%d\n  namespace: %s\nspec:\n  from:\n    - group: gateway.networking.k8s.io\n      kind: HTTPRoute\n      namespace: %s\n  to:\n    - group: \"\"\n      kind: Service\n      name: %s\n---\n", i, ref.namespace, g.ns(i), ref.name)
	}
	// Grant plants: grants nothing uses (RG202), one of them also scoped to
	// every Service (RG201), one from its own namespace (RG203), one at an
	// apiVersion no release serves (RG204) and one whose to entry leaves out
	// its group, which the schema rejects (RG205); RG202 leaves those two
	// alone.
	switch plant {
	case "RG201", "RG202", "RG203", "RG204", "RG205":
		apiVersion, from, group, to := "gateway.networking.k8s.io/v1beta1", "nowhere", "group: \"\"\n      ", fmt.Sprintf("\n      name: svc-%d", i)
		switch plant {
		case "RG201":
			to = ""
		case "RG203":
			from = g.ns(i)
		case "RG204":
			apiVersion = "gateway.networking.k8s.io/v1alpha2"
		case "RG205":
			group = ""
		}
		fmt.Fprintf(&g.b, "apiVersion: %s\nkind: ReferenceGrant\nmetadata:\n  name: planted-%d\n  namespace: %s\nspec:\n  from:\n    - group: gateway.networking.k8s.io\n      kind: HTTPRoute\n      namespace: %s\n  to:\n    - %skind: Service%s\n---\n", apiVersion, i, g.ns(i), from, group, to)
		if plant != "RG202" && plant != "RG204" && plant != "RG205" {
			g.planted["RG202"]++
		}
	}
	if plant != "" {
		g.planted[plant]++
	}
}
