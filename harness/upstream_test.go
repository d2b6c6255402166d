package harness_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/manifest"
)

// upstreamCase is one input of a controller's own test suite: the
// manifests a cluster would hold, and the ResolvedRefs the controller
// wrote for each route ("Kind/namespace/name" to statusText).
type upstreamCase struct {
	name      string
	manifests []byte
	want      map[string]string
}

// compareUpstream checks every case under the profile and compares the
// predicted ResolvedRefs (status, and reason when False) with the
// controller's. Every difference must be listed in the differences file
// with its reason, and every listed one must still occur, so a change in
// the policy or in the suite shows up either way. Each loadable case also
// holds fix's repair invariant under the profile (repairCase): a
// controller's own inputs are the shapes real repositories have, not the
// ones our fixtures imagine.
func compareUpstream(t *testing.T, suite, profile, differences string, cases []upstreamCase, minRoutes int) {
	t.Helper()
	listed := readDifferences(t, differences)
	checker := newChecker(t)
	cfg := check.Config(profile, nil, nil, nil)
	var compared, errorsBefore, errorsAfter int
	var unlisted []string
	seen := map[string]bool{}
	for _, c := range cases {
		if len(c.want) == 0 {
			continue
		}
		got := predictedStatus(t, checker, cfg, c)
		if !slices.Contains(slices.Collect(maps.Values(got)), "unloadable") {
			file := c.name + ".yaml"
			t.Run("fix/"+c.name, func(t *testing.T) {
				b, a := repairCase(t, checker, []string{file}, map[string][]byte{file: c.manifests}, nil, cfg)
				errorsBefore, errorsAfter = errorsBefore+b, errorsAfter+a
			})
		}
		for _, route := range slices.Sorted(maps.Keys(c.want)) {
			compared++
			if got[route] == c.want[route] {
				continue
			}
			line := fmt.Sprintf("%s %s want %s got %s", c.name, route, c.want[route], got[route])
			if _, ok := listed[line]; ok {
				seen[line] = true
				continue
			}
			unlisted = append(unlisted, line)
		}
	}
	var stale []string
	for line := range listed {
		if !seen[line] {
			stale = append(stale, line)
		}
	}
	sort.Strings(stale)
	t.Logf("%s: %d routes compared under the %s profile, %d listed differences", suite, compared, profile, len(listed))
	t.Logf("%s: fix held the repair invariant on every loadable case: %d errors before, %d after", suite, errorsBefore, errorsAfter)
	require.GreaterOrEqual(t, compared, minRoutes, "the suite's routes were read")
	require.Empty(t, unlisted, "routes whose predicted ResolvedRefs differs from the controller's and is not listed in %s", differences)
	require.Empty(t, stale, "listed differences that no longer occur: remove them from %s", differences)
}

// predictedStatus checks one case and returns the ResolvedRefs refguard
// predicts for each route. An input no API server would take (a key
// repeated in one mapping, say), which a suite's own loader tolerates, is
// refused by refguard: each of its routes is then "unloadable", which the
// differences file lists like any other difference.
func predictedStatus(t *testing.T, checker *check.Checker, cfg map[string]any, c upstreamCase) map[string]string {
	t.Helper()
	got := map[string]string{}
	file := c.name + ".yaml"
	loaded, err := manifest.LoadContents([]string{file}, map[string][]byte{file: c.manifests}, checker.LoadOptions())
	if err != nil {
		t.Logf("%s: %v", c.name, err)
		for route := range c.want {
			got[route] = "unloadable"
		}
		return got
	}
	rep, err := checker.Check(context.Background(), loaded, nil, cfg)
	require.NoError(t, err, c.name)
	for _, r := range rep.Routes {
		for _, cond := range r.Conditions {
			if cond.Type == "ResolvedRefs" {
				got[r.Object.Kind+"/"+r.Object.Namespace+"/"+r.Object.Name] = statusText(cond.Status, cond.Reason)
			}
		}
	}
	return got
}

// statusText is a ResolvedRefs condition as the comparison reads it: the
// reason only when the status is False.
func statusText(status, reason string) string {
	if status == "False" {
		return "False/" + reason
	}
	return status
}

// upstreamRoute is the part of a route object the comparisons read.
type upstreamRoute struct {
	Kind     string
	Metadata struct{ Namespace, Name string }
	Status   struct {
		Parents []struct {
			Conditions []struct{ Type, Status, Reason string }
		}
	}
}

// addRouteStatus records the ResolvedRefs a controller wrote for a route:
// the same on every parent, "several" when parents disagree.
func addRouteStatus(status map[string]string, route upstreamRoute) {
	ns := route.Metadata.Namespace
	if ns == "" {
		ns = "default"
	}
	key := route.Kind + "/" + ns + "/" + route.Metadata.Name
	for _, p := range route.Status.Parents {
		for _, c := range p.Conditions {
			if c.Type != "ResolvedRefs" {
				continue
			}
			s := statusText(c.Status, c.Reason)
			if prev, ok := status[key]; ok && prev != s {
				s = "several"
			}
			status[key] = s
		}
	}
}

// routeStatusOfObjects reads the routes' ResolvedRefs from a YAML stream
// of Kubernetes objects with their status, as a controller's golden files
// hold them.
func routeStatusOfObjects(t *testing.T, path string, status map[string]string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return
		}
		require.NoError(t, err, path)
		if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			continue
		}
		// Only kind, metadata and status are decoded: some golden files
		// repeat a key inside spec, which their own (last-wins) reader
		// accepts and yaml.v3 refuses.
		var route upstreamRoute
		top := doc.Content[0].Content
		for i := 0; i+1 < len(top); i += 2 {
			switch top[i].Value {
			case "kind":
				route.Kind = top[i+1].Value
			case "metadata":
				require.NoError(t, top[i+1].Decode(&route.Metadata), path)
			case "status":
				require.NoError(t, top[i+1].Decode(&route.Status), path)
			}
		}
		if strings.HasSuffix(route.Kind, "Route") {
			addRouteStatus(status, route)
		}
	}
}

// readDifferences reads a differences file: one "case route want W got G"
// line each, then "#" and the reason it is not modelled.
func readDifferences(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	listed := map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		diff, why, ok := strings.Cut(line, "#")
		require.True(t, ok, "%s: every difference says why: %q", path, line)
		require.NotEmpty(t, strings.TrimSpace(why), "%s: every difference says why: %q", path, line)
		listed[strings.TrimSpace(diff)] = strings.TrimSpace(why)
	}
	require.NoError(t, scanner.Err())
	return listed
}

// moduleDir downloads a module@version through the Go module proxy into
// the module cache and returns its directory.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir = t.TempDir() // outside this module: its go.mod stays as it is
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	require.NoError(t, err, "go mod download %s: %s", module, out)
	var info struct{ Dir string }
	require.NoError(t, json.Unmarshal(out, &info))
	require.NotEmpty(t, info.Dir)
	return info.Dir
}
