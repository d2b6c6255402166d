package harness_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/internal/testsupport"
)

// FuzzCheck runs check end to end — load, evaluate, report — on any input:
// it either reports (every report valid against the published schema) or
// fails with a *manifest.Error naming the input; it never panics. Seeded
// with every fixture's manifests; testdata/fuzz holds what it found.
func FuzzCheck(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join(testsupport.ModuleRoot(f), "fixtures", "rules", "*", "*", "manifests.yaml"))
	if err != nil || len(seeds) == 0 {
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
		rep, err := fuzzChecker.Check(ctx, loaded, nil, map[string]any{"profile": "spec"})
		if err != nil {
			// A document whose parsing was deferred may fail when it is
			// parsed in full (a repeated key): an input error all the same.
			var le *manifest.Error
			if !errors.As(err, &le) || le.File != "<stdin>" {
				t.Fatalf("check failed without naming the input: %v", err)
			}
			return
		}
		var out bytes.Buffer
		meta := report.Meta{Tool: report.Tool{Name: "refguard", Version: refguard.Version(), BundleRevision: refguard.Version()}, Profile: "spec"}
		if err := report.JSON(&out, meta, rep); err != nil {
			t.Fatal(err)
		}
		testsupport.ValidateReport(t, out.Bytes())
	})
}
