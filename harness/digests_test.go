package harness_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/report"
)

// digestsFile records the SHA-256 of every report refguard check --format
// json prints for the fixtures, the conformance corpus and a generated set
// of 10,000 routes. A refactor must not change one byte of them; a change
// of findings on purpose is recorded again with
// REFGUARD_RECORD_DIGESTS=1 go test ./harness -run TestReportsAreTheRecordedBytes
// and shows in review as the lines of this file that changed.
const digestsFile = "testdata/report-digests.txt"

func TestReportsAreTheRecordedBytes(t *testing.T) {
	ctx := context.Background()
	checker := newChecker(t)
	got := map[string]string{}
	digest := func(name string, rep *report.Report, profile string) {
		var b bytes.Buffer
		meta := report.Meta{Tool: report.Tool{Name: "refguard", Version: refguard.Version(), BundleRevision: refguard.Version()}, Profile: profile}
		require.NoError(t, report.JSON(&b, meta, rep))
		sum := sha256.Sum256(b.Bytes())
		got[name] = hex.EncodeToString(sum[:])
	}

	cases, err := fixture.Discover("../fixtures")
	require.NoError(t, err)
	for i := range cases {
		c := &cases[i]
		o, err := fixture.Run(ctx, checker, c)
		require.NoError(t, err)
		digest("fixtures/"+c.Name, o.Report, c.Config()["profile"].(string))
	}
	for _, path := range conformanceCases(t) {
		loaded, err := manifest.Load([]string{conformanceManifests(path)}, nil)
		require.NoError(t, err)
		rep, err := checker.Check(ctx, loaded, nil, map[string]any{"profile": "spec"})
		require.NoError(t, err)
		digest("conformance/"+filepath.Base(conformanceManifests(path)), rep, "spec")
	}
	generated := gen.Generate(10000, 1)
	file := filepath.Join(t.TempDir(), "routes.yaml")
	require.NoError(t, os.WriteFile(file, generated.YAML, 0o644))
	loaded, err := manifest.Load([]string{file}, nil)
	require.NoError(t, err)
	for i := range loaded.Files {
		loaded.Files[i] = "routes.yaml" // the report names files as given; the temporary directory is not part of it
	}
	for i := range loaded.Objects {
		loaded.Objects[i].File = "routes.yaml"
	}
	rep, err := checker.Check(ctx, loaded, nil, map[string]any{"profile": "spec"})
	require.NoError(t, err)
	digest("generated/10000-routes-seed-1", rep, "spec")

	var lines []string
	for _, name := range slices.Sorted(maps.Keys(got)) {
		lines = append(lines, got[name]+"  "+name)
	}
	if os.Getenv("REFGUARD_RECORD_DIGESTS") != "" {
		require.NoError(t, os.WriteFile(digestsFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
		return
	}
	want := readDigests(t)
	require.Equal(t, slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got)), "the reports recorded are the reports made (a new fixture is recorded with REFGUARD_RECORD_DIGESTS=1)")
	var changed []string
	for name, sum := range got {
		if want[name] != sum {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed)
	require.Empty(t, changed, "reports whose bytes changed")
}

func readDigests(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(digestsFile)
	require.NoError(t, err)
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		require.True(t, ok, "line %q", sc.Text())
		out[name] = sum
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out, fmt.Sprintf("%s is empty", digestsFile))
	return out
}
