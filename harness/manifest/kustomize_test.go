package manifest

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Patches are found by every field kustomize reads them from, relative to
// their kustomization (up the tree too); inline patches name no file, and
// an object a kustomization lists as a resource stays an object.
func TestKustomizationPatchesAreNotObjects(t *testing.T) {
	route := "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\n"
	kustomization := "resources:\n- route.yaml\npatchesStrategicMerge:\n- sm.yaml\n- |-\n  apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n" +
		"patches:\n- path: ../shared/p.yml\n- patch: |-\n    - op: replace\n      path: /spec/rules/0/backendRefs/0/port\n      value: 80\n" +
		"patchesJson6902:\n- path: json.yaml\n"
	names := []string{"env/kustomization.yaml", "env/route.yaml", "env/sm.yaml", "shared/p.yml", "env/json.yaml", "other/sm.yaml"}
	contents := map[string][]byte{"env/kustomization.yaml": []byte(kustomization)}
	for _, n := range names[1:] {
		contents[n] = []byte(route)
	}
	res, err := LoadContents(names, contents, Options{})
	require.NoError(t, err)
	var files []string
	for _, o := range res.Objects {
		files = append(files, o.File)
	}
	require.Equal(t, []string{"env/route.yaml", "other/sm.yaml"}, files)
	var noted []string
	for _, n := range res.Notes {
		noted = append(noted, n.File)
		if n.File != "env/kustomization.yaml" {
			require.Contains(t, n.Message, "skipped: a kustomize patch of env/kustomization.yaml")
		}
	}
	require.ElementsMatch(t, []string{"env/kustomization.yaml", "env/sm.yaml", filepath.Join("shared", "p.yml"), "env/json.yaml"}, noted)
}

// A file named kustomization.yaml that is not one (a list, a scalar) is
// read by the parser like any other file, and refused as it would be.
func TestAKustomizationThatIsNotOneIsParsed(t *testing.T) {
	_, err := LoadContents([]string{"k/kustomization.yaml"}, map[string][]byte{"k/kustomization.yaml": []byte("- a\n- b\n")}, Options{})
	require.ErrorContains(t, err, "expected a Kubernetes object")
}
