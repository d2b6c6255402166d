package fix

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The diff fix prints is what a user saves and applies elsewhere
// (refguard fix > repair.patch; git apply repair.patch): every shape of
// change must apply to the old file and give the new one, byte for byte.
func TestDiffAppliesWithGitApply(t *testing.T) {
	git, err := exec.LookPath("git")
	require.NoError(t, err, "git applies the diff under test")
	route := "kind: HTTPRoute\nspec:\n  rules:\n  - backendRefs:\n    - name: api-svc\n      port: 8080\n"
	grant := "---\nkind: ReferenceGrant\nspec:\n  to:\n  - kind: Service\n"
	cases := map[string]struct{ old, new string }{
		"an edit on the last line":            {route, route[:len(route)-5] + "80\n"},
		"an edit on the first line":           {route, "kind: GRPCRoute" + route[len("kind: HTTPRoute"):]},
		"a file without a final newline":      {route[:len(route)-1], route[:len(route)-5] + "80"},
		"a final newline added":               {route[:len(route)-1], route},
		"an object appended":                  {route, route + grant},
		"an object appended after no newline": {route[:len(route)-1], route + grant},
		"CRLF line endings": {
			"kind: HTTPRoute\r\nspec:\r\n  name: api-svc\r\n  port: 8080\r\n",
			"kind: HTTPRoute\r\nspec:\r\n  name: api\r\n  port: 8080\r\n",
		},
		"edits far apart": {
			"a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9\nj: 10\n",
			"a: 0\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9\nj: 0\n",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "deploy", "route.yaml")
			require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
			require.NoError(t, os.WriteFile(file, []byte(c.old), 0o644))
			p := &Plan{Old: map[string][]byte{"deploy/route.yaml": []byte(c.old)}, Files: map[string][]byte{"deploy/route.yaml": []byte(c.new)}}
			patch := filepath.Join(dir, "repair.patch")
			require.NoError(t, os.WriteFile(patch, []byte(p.Diff()), 0o644))
			cmd := exec.Command(git, "apply", "--unsafe-paths", "--directory=", patch)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "git apply: %s\n%s", out, p.Diff())
			got, err := os.ReadFile(file)
			require.NoError(t, err)
			require.Equal(t, c.new, string(got))
		})
	}
}

func TestDiffOfAnUnchangedFileIsEmpty(t *testing.T) {
	p := &Plan{Old: map[string][]byte{"a.yaml": []byte("a: 1\n")}, Files: map[string][]byte{"a.yaml": []byte("a: 1\n")}}
	require.Empty(t, p.Diff())
}
