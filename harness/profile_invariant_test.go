package harness_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/fixture"
)

// TestSeverityInvariantUnderEveryProfile holds every profile to the
// severity rule of docs/profiles.md over every fixture case (the rule,
// profile and conformance cases alike), each checked under every profile
// with the default severities: a route predicted ResolvedRefs=False carries
// at least one error, and a finding whose reason the controller writes into
// the route's status (the reference fails there) is an error.
func TestSeverityInvariantUnderEveryProfile(t *testing.T) {
	cases, err := fixture.Discover(filepath.Join("..", "fixtures"))
	require.NoError(t, err)
	checker := newChecker(t)
	profiles := checker.Profiles()
	require.GreaterOrEqual(t, len(profiles), 8)
	ctx := context.Background()
	for i := range cases {
		c := &cases[i]
		checked, lookup, err := c.LoadWith(checker.LoadOptions(), checker.InventoryOptions())
		require.NoError(t, err, c.Name)
		for _, profile := range profiles {
			rep, err := checker.Check(ctx, checked, lookup, map[string]any{"profile": profile, "severity": map[string]any{}})
			require.NoError(t, err, "%s under %s", c.Name, profile)
			errors := map[string]bool{}
			for _, f := range rep.Findings {
				key := fixture.ObjectKey(f.Object.Kind, f.Object.Namespace, f.Object.Name)
				if f.Severity == "error" {
					errors[key] = true
				}
				if f.Reason != "" && f.Severity != "error" {
					t.Errorf("%s under %s: %s %s %s has reason %s (the controller fails the reference) but severity %s", c.Name, profile, f.Rule, key, f.Field, f.Reason, f.Severity)
				}
			}
			for _, r := range rep.Routes {
				key := fixture.ObjectKey(r.Object.Kind, r.Object.Namespace, r.Object.Name)
				if r.Conditions[0].Status == "False" && !errors[key] {
					t.Errorf("%s under %s: %s is predicted ResolvedRefs=False (%s) with no error finding", c.Name, profile, key, r.Conditions[0].Reason)
				}
			}
		}
	}
}
