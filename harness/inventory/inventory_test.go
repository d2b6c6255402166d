package inventory_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/policyset"
)

// TestCollectionsAgreeWithThePolicy: the Go index and the policy's
// inventory sources (what Gatekeeper syncs) name the same kinds.
func TestCollectionsAgreeWithThePolicy(t *testing.T) {
	set, err := policyset.Embedded()
	require.NoError(t, err)
	rs, err := rego.New(rego.Query("data.lib.refguard.inventory.sources"), rego.Compiler(set.Compiler)).Eval(context.Background())
	require.NoError(t, err)
	raw, err := json.Marshal(rs[0].Expressions[0].Value)
	require.NoError(t, err)
	var sources map[string][][2]string
	require.NoError(t, json.Unmarshal(raw, &sources))
	require.ElementsMatch(t, inventory.Collections, keys(sources))
	for collection, pairs := range sources {
		for _, p := range pairs {
			require.Equal(t, collection, inventory.CollectionOf(p[0], p[1]), "%s %s", p[0], p[1])
		}
	}
	require.Equal(t, "", inventory.CollectionOf("apps/v1", "Deployment"))
	require.False(t, strings.Contains(strings.Join(inventory.Collections, ","), " "))
}

func keys(m map[string][][2]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
