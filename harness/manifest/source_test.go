package manifest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// loadedBothWays loads a stream with its routes parsed at once and with
// them deferred, and hands every object to check as loaded and as
// materialized: what the loader records of a document must not depend on
// when the document is parsed.
func loadedBothWays(t *testing.T, stream string, check func(loaded, materialized *Object)) {
	t.Helper()
	for _, deferRoutes := range []bool{false, true} {
		opts := Options{}
		if deferRoutes {
			opts.Defer = func(_, kind string) bool { return kind == "HTTPRoute" }
		}
		res, err := LoadContents([]string{"stream.yaml"}, map[string][]byte{"stream.yaml": []byte(stream)}, opts)
		require.NoError(t, err)
		for i := range res.Objects {
			m, err := res.Objects[i].Materialize()
			require.NoError(t, err)
			check(&res.Objects[i], m)
		}
	}
}

// helm template writes the template each document came from in a
// "# Source:" comment above it; every object of the document keeps it,
// whether the comment is set apart by a blank line or not, and an object
// without one has none.
func TestObjectsKeepTheTemplateTheyWereRenderedFrom(t *testing.T) {
	stream := "---\n# Source: shop/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n" +
		"---\n# Source: shop/templates/route.yaml\n\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n" +
		"---\n# a comment that names no template\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n"
	want := map[string]string{"Service/api": "shop/templates/service.yaml", "HTTPRoute/r": "shop/templates/route.yaml", "Service/b": ""}
	seen := 0
	loadedBothWays(t, stream, func(loaded, materialized *Object) {
		key := loaded.Kind + "/" + loaded.Name
		require.Equal(t, want[key], loaded.Source, key)
		require.Equal(t, loaded.Source, materialized.Source, key)
		seen++
	})
	require.Equal(t, 2*len(want), seen)
}
