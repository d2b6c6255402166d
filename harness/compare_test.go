package harness_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/internal/testsupport"
)

// TestCompareTable measures, in one run and as separate processes (wall
// time and peak RSS, median of REFGUARD_COMPARE_RUNS runs), the parse
// floor, refguard check, conftest with a hand-written indexed --combine
// policy, conftest with refguard's own policy and gator with the aggregate
// template, on the generated sets. It prints the table the README records.
// Opt-in (make bench-compare): it takes minutes and needs the tools.
func TestCompareTable(t *testing.T) {
	if os.Getenv("REFGUARD_COMPARE") == "" {
		t.Skip("set REFGUARD_COMPARE=1 (make bench-compare)")
	}
	sizes := intsFromEnv(t, "REFGUARD_COMPARE_SIZES", []int{1000, 10000, 50000})
	runs := intsFromEnv(t, "REFGUARD_COMPARE_RUNS", []int{3})[0]
	// Beyond this size the gator column is skipped: its test runner holds
	// every object several times.
	gatorMax := intsFromEnv(t, "REFGUARD_COMPARE_GATOR_MAX", []int{10000})[0]
	root := testsupport.ModuleRoot(t)
	bin := t.TempDir()
	build(t, root, filepath.Join(bin, "refguard"), "./cmd/refguard")
	build(t, root, filepath.Join(bin, "parsefloor"), "./internal/parsefloor")
	conftest := testsupport.Tool(t, "conftest")
	gator := testsupport.Tool(t, "gator")
	// refguard compiles its policy to Wasm once per policy and caches it;
	// the table measures runs after the first, as a CI runner with a
	// cache (or any second run on a machine) sees them.
	t.Setenv("REFGUARD_CACHE_DIR", t.TempDir())
	measure(t, 1, 1, filepath.Join(bin, "refguard"), "check")

	fmt.Printf("| N routes (YAML) | parse floor | refguard check --format json | ratio to floor (time / memory) | refguard check --evaluator rego | conftest, trivial policy | conftest, refguard policy | ratio to conftest's floor (time / memory) | conftest, indexed policy | gator, aggregate template |\n")
	fmt.Printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, n := range sizes {
		set := gen.Generate(n, 1)
		path := filepath.Join(t.TempDir(), "set.yaml")
		require.NoError(t, os.WriteFile(path, set.YAML, 0o644))
		planted := 0
		for _, c := range set.Planted {
			planted += c
		}
		reps := runs
		if n > 10000 {
			reps = 1
		}
		floor := measure(t, reps, 0, filepath.Join(bin, "parsefloor"), path)
		var out []byte
		check := measureOutput(t, reps, 1, &out, filepath.Join(bin, "refguard"), "check", "--format", "json", path)
		var rep struct {
			Summary struct{ Errors int } `json:"summary"`
		}
		require.NoError(t, json.Unmarshal(out, &rep))
		require.Equal(t, planted, rep.Summary.Errors, "refguard finds exactly the planted failures")
		wasmReport := out
		rego := measureOutput(t, reps, 1, &out, filepath.Join(bin, "refguard"), "check", "--evaluator", "rego", "--format", "json", path)
		require.Equal(t, string(wasmReport), string(out), "both evaluators print the same report")
		conftestFloor := measureOutput(t, reps, 0, &out, conftest, "test", "--combine", "--no-color", "--policy", filepath.Join(root, "harness/testdata/compare/trivial"), path)
		require.Equal(t, 0, conftestFailures(t, out), "the trivial policy finds nothing")
		// The command conftest users type: no --namespace flag.
		own := measureOutput(t, reps, 1, &out, conftest, "test", "--combine", "--no-color", "--policy", filepath.Join(root, "policy"), path)
		require.Equal(t, planted, conftestFailures(t, out), "conftest with refguard's policy finds exactly the planted failures")
		indexed := measureOutput(t, reps, 1, &out, conftest, "test", "--combine", "--no-color", "--policy", filepath.Join(root, "harness/testdata/compare/indexed"), path)
		require.Equal(t, planted, conftestFailures(t, out), "the indexed policy finds the planted failures")
		gk := "—"
		if n <= gatorMax {
			gk = measure(t, 1, 1, gator, "test", "-f", filepath.Join(root, "bundle/gatekeeper-aggregate"), "-f", path).String()
		}
		fmt.Printf("| %d (%.1f MB) | %s | %s | %.1f× / %.1f× | %s | %s | %s | %.1f× / %.1f× | %s | %s |\n", n, float64(len(set.YAML))/1e6,
			floor, check, check.wall.Seconds()/floor.wall.Seconds(), float64(check.rss)/float64(floor.rss), rego,
			conftestFloor, own, own.wall.Seconds()/conftestFloor.wall.Seconds(), float64(own.rss)/float64(conftestFloor.rss), indexed, gk)
	}
}

// conftestFailures reads the failure count of conftest's summary line
// ("N tests, N passed, N warnings, N failures, N exceptions") as a number.
func conftestFailures(t *testing.T, out []byte) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\d+ tests?, \d+ passed, \d+ warnings?, (\d+) failures?, \d+ exceptions?$`).FindSubmatch(out)
	require.NotNil(t, m, "no conftest summary line in:\n%s", out)
	n, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	return n
}

type sample struct {
	wall time.Duration
	rss  int64 // KiB
}

func (s sample) String() string {
	return fmt.Sprintf("%.2f s / %d MiB", s.wall.Seconds(), s.rss/1024)
}

func measure(t *testing.T, runs, okExit int, name string, args ...string) sample {
	var out []byte
	return measureOutput(t, runs, okExit, &out, name, args...)
}

// measureOutput runs a command runs times and returns the median wall time
// and median peak RSS; exit codes 0 and okExit are success.
func measureOutput(t *testing.T, runs, okExit int, out *[]byte, name string, args ...string) sample {
	t.Helper()
	var walls []time.Duration
	var rsss []int64
	for i := 0; i < runs; i++ {
		cmd := exec.Command(name, args...)
		start := time.Now()
		stdout, err := cmd.Output()
		wall := time.Since(start)
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == okExit) {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stdout)
		}
		*out = stdout
		walls = append(walls, wall)
		rsss = append(rsss, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(rsss, func(i, j int) bool { return rsss[i] < rsss[j] })
	return sample{wall: walls[len(walls)/2], rss: rsss[len(rsss)/2]}
}

func build(t *testing.T, dir, out, pkg string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

func intsFromEnv(t *testing.T, name string, fallback []int) []int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return fallback
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		require.NoError(t, err, "%s=%q", name, v)
		out = append(out, n)
	}
	return out
}
