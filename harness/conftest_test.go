package harness_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/internal/testsupport"
)

// usersOwnPolicy is what a team already runs with conftest: its own
// package main, with a deny rule of its own and a helper whose name a
// shared policy could easily use too.
const usersOwnPolicy = `package main

deny contains msg if {
	some doc in objects
	doc.kind == "HTTPRoute"
	not doc.metadata.labels.team
	msg := sprintf("HTTPRoute %s has no team label", [doc.metadata.name])
}

objects := [doc | some file in input; doc := file.contents]
`

// TestConftestPlainCommandWithUsersOwnPolicy runs the command conftest users
// type — refguard's policy next to their own package main, no --namespace
// flag — on the bundled examples: both policies' findings are reported,
// refguard's exactly as the CLI reports them, and --all-namespaces gives the
// same findings, not twice.
func TestConftestPlainCommandWithUsersOwnPolicy(t *testing.T) {
	bin := testsupport.Tool(t, "conftest")
	own := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(own, "team.rego"), []byte(usersOwnPolicy), 0o644))
	examples, err := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, examples)

	loaded, err := manifest.Load(examples, nil)
	require.NoError(t, err)
	rep, err := newChecker(t).Check(context.Background(), loaded, nil, nil)
	require.NoError(t, err)
	require.Positive(t, rep.Summary.Errors, "the examples hold the guide's incidents")
	var want []string
	for _, f := range rep.Findings {
		want = append(want, fromCLI(f, true).String())
	}
	sort.Strings(want)

	args := append([]string{"--combine", "--policy", filepath.Join("..", "policy"), "--policy", own}, examples...)
	results, notices := runConftestResults(t, bin, args...)
	require.Empty(t, notices)
	var refguard, theirs []string
	for _, f := range results {
		if f.Rule == "" {
			theirs = append(theirs, f.Msg)
			continue
		}
		refguard = append(refguard, f.String())
	}
	sort.Strings(refguard)
	require.Equal(t, want, refguard, "refguard's findings next to the user's policy")
	require.Len(t, theirs, rep.Summary.Routes, "the user's own rule fires once per route")

	all, notices := runConftest(t, bin, append([]string{"--all-namespaces"}, args...)...)
	require.Empty(t, notices)
	plain, _ := runConftest(t, bin, args...)
	require.Equal(t, plain, all, "--all-namespaces reports the same findings once")
}
