package harness_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/wasm"
)

// TestWasmDerivedMemoryIsLinear: the CLI's Wasm build computes the derived
// indexes (refguard.harness.derived) over the whole inventory once, and
// the memory that takes grows with the inventory, not with its square:
// twice the grants and Services of one namespace, at most 2.5 times the
// instance's memory. Counted in Wasm pages, not timed. OPA's Wasm build
// copies the object object.union_n builds at every step and sorts by
// insertion, so an index grouped that way grew with the square of the
// grants of one namespace.
func TestWasmDerivedMemoryIsLinear(t *testing.T) {
	ctx := context.Background()
	set, err := policyset.Embedded()
	require.NoError(t, err)
	policy, err := wasm.Load(ctx, set.Modules, engine.WasmEntrypoints(), "")
	require.NoError(t, err)
	t.Cleanup(func() { policy.Close(ctx) })
	pages := func(n int) uint32 {
		services, grants := map[string]any{}, map[string]any{}
		for i := range n {
			svc := fmt.Sprintf("svc-%d", i)
			services[svc] = map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": svc, "namespace": "shared"}, "spec": map[string]any{"ports": []any{map[string]any{"port": 8080}}}}
			grants[fmt.Sprintf("g-%d", i)] = map[string]any{
				"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
				"spec": map[string]any{
					"from": []any{map[string]any{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": fmt.Sprintf("ns-%d", i)}},
					"to":   []any{map[string]any{"group": "", "kind": "Service", "name": svc}},
				},
			}
		}
		input, err := json.Marshal(map[string]any{"services": map[string]any{"shared": services}, "referencegrants": map[string]any{"shared": grants}})
		require.NoError(t, err)
		inst, err := policy.NewInstance(ctx, []byte("{}"))
		require.NoError(t, err)
		defer inst.Close(ctx)
		out, err := inst.Eval(ctx, engine.Entrypoint(engine.DerivedQuery), input)
		require.NoError(t, err)
		require.Greater(t, len(out), n*100, "the derived entries were computed")
		return inst.MemorySize()
	}
	small, large := pages(2000), pages(4000)
	ratio := float64(large) / float64(small)
	t.Logf("Wasm memory: %d bytes for 2,000 grants and Services, %d for 4,000: %.2f times", small, large, ratio)
	require.Less(t, ratio, 2.5, "the derived indexes' memory grows faster than the inventory")
}
