package manifest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// helm template writes the template each document came from in a
// "# Source:" comment above it; every object of the document keeps it,
// whether the comment is set apart by a blank line or not, a document
// the loader defers included, and an object without one has none.
func TestObjectsKeepTheTemplateTheyWereRenderedFrom(t *testing.T) {
	stream := "---\n# Source: shop/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n" +
		"---\n# Source: shop/templates/route.yaml\n\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n" +
		"---\n# a comment that names no template\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n"
	for _, deferRoutes := range []bool{false, true} {
		opts := Options{}
		if deferRoutes {
			opts.Defer = func(_, kind string) bool { return kind == "HTTPRoute" }
		}
		res, err := LoadContents([]string{"<stdin>"}, map[string][]byte{"<stdin>": []byte(stream)}, opts)
		require.NoError(t, err)
		got := map[string]string{}
		for i := range res.Objects {
			o, err := res.Objects[i].Materialize()
			require.NoError(t, err)
			got[o.Kind+"/"+o.Name] = o.Source
			require.Equal(t, o.Source, res.Objects[i].Source, "deferred and materialized agree")
		}
		require.Equal(t, map[string]string{"Service/api": "shop/templates/service.yaml", "HTTPRoute/r": "shop/templates/route.yaml", "Service/b": ""}, got)
	}
}
