package harness_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/internal/testsupport"
)

// FuzzCheck runs check end to end — load, evaluate, report — on any input:
// it either reports (every report valid against the published schema) or
// fails with a *manifest.Error naming the input, never one from the
// policy's evaluation, under any profile; it never panics. Seeded with
// every rule and profile fixture's manifests; testdata/fuzz holds what it
// found.
func FuzzCheck(f *testing.F) {
	root := testsupport.ModuleRoot(f)
	seeds, err := filepath.Glob(filepath.Join(root, "fixtures", "rules", "*", "*", "manifests.yaml"))
	profileSeeds, perr := filepath.Glob(filepath.Join(root, "fixtures", "profiles", "*", "*", "manifests.yaml"))
	seeds = append(seeds, profileSeeds...)
	if err != nil || perr != nil || len(seeds) == 0 {
		f.Fatalf("no fixture manifests: %v", err)
	}
	for _, s := range seeds {
		raw, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	ctx := context.Background()
	fuzzChecker := newChecker(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		loaded, err := manifest.LoadWithOptions([]string{"-"}, bytes.NewReader(data), fuzzChecker.LoadOptions())
		if err != nil {
			var le *manifest.Error
			if !errors.As(err, &le) || le.File != "<stdin>" {
				t.Fatalf("load error without the input's name: %v", err)
			}
			return
		}
		// Every profile: each takes its own paths through the policy.
		for _, profile := range fuzzChecker.Profiles() {
			checkFuzzed(ctx, t, fuzzChecker, loaded, profile)
		}
	})
}

func checkFuzzed(ctx context.Context, t *testing.T, fuzzChecker *check.Checker, loaded *manifest.Result, profile string) {
	t.Helper()
	rep, err := fuzzChecker.Check(ctx, loaded, nil, map[string]any{"profile": profile})
	if err != nil {
		// A document whose parsing was deferred may fail when it is
		// parsed in full (a repeated key): an input error all the same.
		// The policy failing to evaluate (a function with two values, a
		// builtin's error) is a bug in the policy, whatever the input.
		var le *manifest.Error
		if !errors.As(err, &le) || le.File != "<stdin>" {
			t.Fatalf("check under %s failed without naming the input: %v", profile, err)
		}
		if strings.Contains(err.Error(), "evaluate policy:") {
			t.Fatalf("the policy failed on this input under %s: %v", profile, err)
		}
		return
	}
	var out bytes.Buffer
	meta := report.Meta{Tool: report.Tool{Name: "refguard", Version: refguard.Version(), BundleRevision: refguard.Version()}, Profile: profile}
	if err := report.JSON(&out, meta, rep); err != nil {
		t.Fatal(err)
	}
	testsupport.ValidateReport(t, out.Bytes())
}
