package rules_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/internal/testsupport"
)

var link = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestEveryDocLinkResolves follows every relative link of every Markdown
// file in the repository: a page moved or renamed breaks the test, not the
// reader's click.
func TestEveryDocLinkResolves(t *testing.T) {
	root := testsupport.ModuleRoot(t)
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard", "*.md").Output()
	require.NoError(t, err)
	files := strings.Fields(string(out))
	require.NotEmpty(t, files)
	checked := 0
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(root, f))
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		for _, m := range link.FindAllStringSubmatch(string(raw), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			p := filepath.Join(root, filepath.Dir(f), filepath.FromSlash(target))
			_, err := os.Stat(p)
			require.NoError(t, err, "%s links to %s, which does not exist", f, m[1])
			checked++
		}
	}
	require.Positive(t, checked)
}
