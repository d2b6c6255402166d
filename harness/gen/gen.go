// Package gen generates realistic manifest sets for benchmarks and tests:
// N HTTPRoutes, N Services with one or two ports, N/10 ReferenceGrants,
// and 10 % of the routes broken in one of four ways, with the ground truth
// of what was planted. Deterministic for a given size and seed.
package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Planted counts the failures planted per rule ID.
type Planted map[string]int

// Set is a generated manifest set.
type Set struct {
	YAML    []byte
	Routes  int
	Planted Planted
}

// Generate builds a set of n routes spread over n/20 (at least 1, at most
// 500) namespaces.
func Generate(n int, seed uint64) Set {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	namespaces := min(max(n/20, 1), 500)
	var b strings.Builder
	b.Grow(n * 1200)
	planted := Planted{}
	ns := func(i int) string { return fmt.Sprintf("team-%03d", i%namespaces) }
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%d\n  namespace: %s\n  labels:\n    app: svc-%d\nspec:\n  selector:\n    app: svc-%d\n  ports:\n    - name: http\n      port: 8080\n      targetPort: 80\n", i, ns(i), i, i)
		if i%2 == 0 {
			b.WriteString("    - name: metrics\n      port: 9090\n")
		}
		b.WriteString("---\n")
	}
	// Every tenth route goes cross-namespace to the Service of the next
	// namespace; those get a grant (N/10 grants) unless broken on purpose.
	for i := 0; i < n; i++ {
		name, port, kind, target := fmt.Sprintf("svc-%d", i), 8080, "Service", ns(i)
		cross := i%10 == 5 && namespaces > 1
		if cross {
			name = fmt.Sprintf("svc-%d", i+1)
			if i+1 >= n {
				name = fmt.Sprintf("svc-%d", i-namespaces+1)
			}
			target = ns(i + 1)
		}
		broken := ""
		if i%10 == 3 {
			broken = []string{"RG103", "RG105", "RG102", "RG101"}[rng.IntN(4)]
		}
		switch broken {
		case "RG103":
			name += "x"
		case "RG105":
			port = 8081
		case "RG101":
			kind = "service"
		case "RG102":
			cross, target = true, ns(i+1)
			name = fmt.Sprintf("svc-%d", i+1)
			if i+1 >= n || namespaces == 1 {
				broken, cross, target, name = "RG103", false, ns(i), fmt.Sprintf("svc-%dx", i)
			}
		}
		if broken != "" {
			planted[broken]++
		}
		fmt.Fprintf(&b, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: route-%d\n  namespace: %s\nspec:\n  parentRefs:\n    - name: gateway\n      namespace: infra\n  hostnames:\n    - app-%d.example.com\n  rules:\n    - matches:\n        - path:\n            type: PathPrefix\n            value: /\n      backendRefs:\n        - group: \"\"\n          kind: %s\n          name: %s\n", i, ns(i), i, kind, name)
		if cross {
			fmt.Fprintf(&b, "          namespace: %s\n", target)
		}
		fmt.Fprintf(&b, "          port: %d\n---\n", port)
		if cross && broken == "" {
			fmt.Fprintf(&b, "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: allow-route-%d\n  namespace: %s\nspec:\n  from:\n    - group: gateway.networking.k8s.io\n      kind: HTTPRoute\n      namespace: %s\n  to:\n    - group: \"\"\n      kind: Service\n      name: %s\n---\n", i, target, ns(i), name)
		}
	}
	return Set{YAML: []byte(b.String()), Routes: n, Planted: planted}
}
