package rulemeta_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/rulemeta"
	"github.com/refguard/refguard/internal/testsupport"
	"github.com/refguard/refguard/policy"
)

var (
	releaseHeading = regexp.MustCompile("^## \\[([^]]+)\\]")
	ruleEntry      = regexp.MustCompile("^- (RG[0-9]{3}) `([a-z0-9-]+)`")
	anyRuleID      = regexp.MustCompile(`\bRG[0-9]{3}\b`)
)

// changelogEntry is one rule line of CHANGELOG.md.
type changelogEntry struct {
	release, section, id, name string
}

func readChangelog(t *testing.T) []changelogEntry {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testsupport.ModuleRoot(t), "CHANGELOG.md"))
	require.NoError(t, err)
	var out []changelogEntry
	release, section := "", ""
	for _, line := range strings.Split(string(raw), "\n") {
		if m := releaseHeading.FindStringSubmatch(line); m != nil {
			release, section = m[1], ""
			continue
		}
		if s, ok := strings.CutPrefix(line, "### "); ok {
			section = s
			continue
		}
		if m := ruleEntry.FindStringSubmatch(line); m != nil && release != "" {
			out = append(out, changelogEntry{release, section, m[1], m[2]})
		}
	}
	return out
}

// TestRuleIDsAreNeverReusedAndAlwaysRecorded holds the versioning policy
// (docs/versioning.md): every rule is listed under the release its
// METADATA names as `since`, with its name; an id the CHANGELOG ever listed
// is still a rule, unless it was removed, and a removed id never returns.
func TestRuleIDsAreNeverReusedAndAlwaysRecorded(t *testing.T) {
	modules, err := engine.Modules(policy.FS)
	require.NoError(t, err)
	rules, err := rulemeta.Read(modules)
	require.NoError(t, err)
	entries := readChangelog(t)
	require.NotEmpty(t, entries)

	version := refguard.Version()
	added := map[string]changelogEntry{}
	removed := map[string]bool{}
	for _, e := range entries {
		switch e.section {
		case "Added":
			_, twice := added[e.id]
			require.False(t, twice, "%s is added twice in CHANGELOG.md", e.id)
			added[e.id] = e
		case "Removed":
			removed[e.id] = true
		}
	}
	current := map[string]bool{}
	for _, r := range rules {
		current[r.ID] = true
		e, ok := added[r.ID]
		require.True(t, ok, "%s %s has no \"- %s `%s`: …\" line under ### Added in CHANGELOG.md", r.ID, r.Name, r.ID, r.Name)
		require.Equal(t, r.Name, e.name, "%s is named %s in CHANGELOG.md: a rule id keeps its name", r.ID, e.name)
		want := r.Since
		if r.Since == version {
			// The release being prepared is listed as Unreleased until
			// it is cut.
			require.Contains(t, []string{"Unreleased", version}, e.release, "%s (since %s)", r.ID, r.Since)
			continue
		}
		require.Equal(t, want, e.release, "%s is since %s but listed under %s", r.ID, r.Since, e.release)
	}
	for id := range added {
		require.True(t, current[id] || removed[id], "%s was released and is gone without a ### Removed entry", id)
	}
	for id := range removed {
		require.False(t, current[id], "%s was removed and may never be used again", id)
	}

	// No rule id appears in the changelog that is neither a rule nor removed.
	raw, err := os.ReadFile(filepath.Join(testsupport.ModuleRoot(t), "CHANGELOG.md"))
	require.NoError(t, err)
	for _, id := range anyRuleID.FindAllString(string(raw), -1) {
		if id == "RGnnn" {
			continue
		}
		require.True(t, current[id] || removed[id], "CHANGELOG.md mentions %s, which is no rule", id)
	}
}
