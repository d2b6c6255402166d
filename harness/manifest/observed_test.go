package manifest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A live route's status (kubectl get -o yaml) carries the ResolvedRefs
// condition its controller wrote: of its parents', the first False one,
// else the first; none for a route without one, whether the loader defers
// the route or not. The loader reads it of any object: which are routes is
// the policy's to say.
func TestObservedResolvedRefs(t *testing.T) {
	route := func(name, status string) string {
		return "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: " + name + "\nspec:\n  rules: []\n" + status
	}
	parent := func(status, reason string) string {
		return "  - parentRef: {name: gw}\n    controllerName: example.io/gateway\n    conditions:\n    - {type: Accepted, status: \"True\", reason: Accepted}\n    - {type: ResolvedRefs, status: \"" + status + "\", reason: " + reason + ", message: why}\n"
	}
	stream := route("two-parents", "status:\n  parents:\n"+parent("True", "ResolvedRefs")+parent("False", "BackendNotFound")) +
		route("resolved", "status:\n  parents:\n"+parent("True", "ResolvedRefs")) +
		route("accepted-only", "status:\n  parents:\n  - conditions:\n    - {type: Accepted, status: \"True\", reason: Accepted}\n") +
		route("odd-status", "status: pending\n") +
		route("none", "") +
		"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nstatus:\n  parents:\n" + parent("False", "BackendNotFound")
	want := map[string]*Observed{
		"two-parents": {Status: "False", Reason: "BackendNotFound", Message: "why", Controller: "example.io/gateway"},
		"resolved":    {Status: "True", Reason: "ResolvedRefs", Message: "why", Controller: "example.io/gateway"},
		"svc":         {Status: "False", Reason: "BackendNotFound", Message: "why", Controller: "example.io/gateway"},
	}
	seen := 0
	loadedBothWays(t, stream, func(loaded, materialized *Object) {
		require.Equal(t, want[loaded.Name], loaded.Observed, loaded.Name)
		require.Equal(t, loaded.Observed, materialized.Observed, loaded.Name)
		seen++
	})
	require.Equal(t, 12, seen)
}
