package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/examples"
	"github.com/refguard/refguard/harness/chartsource"
	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/opabundle"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/harness/rulemeta"
)

type checkOptions struct {
	inputSettings
	format     string
	sarifFile  string
	inventory  []string
	failOn     string
	policyDir  string
	bundleFile string
	verify     opabundle.VerifyOptions
	evaluator  string
	each       []string
	chart      string
}

var severityRank = map[string]int{"info": 1, "warning": 2, "error": 3}

func newCheckCommand() *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "Check manifests (files, directories, - for stdin); with no PATH, the bundled examples",
		Long: `Check every route's backendRefs against the Services, ServiceImports and
ReferenceGrants in the same manifests (plus --inventory), report each failing
reference with file and line, and predict the ResolvedRefs condition a
controller will write. Exit codes: 0 nothing at or above --fail-on, 1 findings,
2 the run failed (bad flag, unreadable input).`,
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd, o, args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "text", "output format: text, json, sarif, junit, github")
	f.StringVar(&o.sarifFile, "sarif-file", "", "also write the SARIF log to this file, from the same run (for code scanning beside a readable log)")
	o.addFlags(f)
	f.StringArrayVar(&o.inventory, "inventory", nil, "lookup-only objects (e.g. kubectl get svc,referencegrants -A -o yaml); repeatable")
	f.StringVar(&o.failOn, "fail-on", "error", "exit 1 on findings at or above: error, warning, info, never")
	f.StringVar(&o.policyDir, "policy", "", "evaluate the Rego policy in this directory instead of the embedded one")
	f.StringVar(&o.bundleFile, "bundle", "", "evaluate this signed OPA bundle instead of the embedded policy (needs --verification-key)")
	f.StringVar(&o.verify.VerificationKey, "verification-key", "", "PEM public key (or file) the --bundle signature must verify with")
	f.StringVar(&o.verify.Algorithm, "verification-alg", opabundle.DefaultAlgorithm, "signature algorithm of --bundle")
	f.StringVar(&o.verify.KeyID, "key-id", opabundle.DefaultKeyID, "key id of --bundle's signature")
	f.StringVar(&o.verify.Scope, "scope", "", "scope --bundle's signature must carry")
	f.StringArrayVar(&o.each, "each", nil, "check every subdirectory of this directory as its own set (an environment: envs/prod, envs/staging), each with the PATHs given, and report them together, each finding labelled with its set; repeatable")
	f.StringVar(&o.chart, "chart", "", "the Helm chart directory the input was rendered from (helm template … | refguard check --chart DIR -): github and sarif place findings in its templates, named by each document's # Source comment")
	f.StringVar(&o.evaluator, "evaluator", "wasm", "how routes are evaluated: wasm (the policy compiled to WebAssembly by OPA, cached in $REFGUARD_CACHE_DIR) or rego (OPA's interpreter); the findings are the same")
	return cmd
}

func loadPolicy(dir string) (*policyset.Set, error) {
	if dir != "" {
		return policyset.Dir(dir)
	}
	return policyset.Embedded()
}

func runCheck(cmd *cobra.Command, o *checkOptions, args []string) error {
	if err := o.load(cmd.Flags()); err != nil {
		return err
	}
	switch o.format {
	case "text", "json", "github", "sarif", "junit":
	default:
		return fmt.Errorf("--format %q: want text, json, sarif, junit or github", o.format)
	}
	if _, ok := severityRank[o.failOn]; !ok && o.failOn != "never" {
		return fmt.Errorf("--fail-on %q: want error, warning, info or never", o.failOn)
	}
	if o.evaluator != "wasm" && o.evaluator != "rego" {
		return fmt.Errorf("--evaluator %q: want wasm or rego", o.evaluator)
	}
	var chart *chartsource.Chart
	if o.chart != "" {
		c, err := chartsource.Open(o.chart)
		if err != nil {
			return err
		}
		chart = &c
	}
	var set *policyset.Set
	var err error
	switch {
	case o.bundleFile != "" && o.verify.VerificationKey == "":
		return fmt.Errorf("--bundle needs --verification-key: an unverified bundle is never evaluated")
	case o.bundleFile != "" && o.policyDir != "":
		return fmt.Errorf("--bundle and --policy exclude each other")
	case o.bundleFile != "":
		set, err = policyFromBundle(o.bundleFile, o.verify)
	default:
		set, err = loadPolicy(o.policyDir)
	}
	if err != nil {
		return err
	}
	rules, err := rulemeta.Read(set.Modules)
	if err != nil {
		return err
	}
	fromFile, err := o.severity(rules)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var opts []check.Option
	if o.evaluator == "wasm" {
		opts = append(opts, check.WithWasmBuild(wasmCacheDir()))
	}
	checker, err := check.NewChecker(ctx, set, opts...)
	if err != nil {
		return err
	}
	defer checker.Close(ctx)
	for _, n := range checker.Notes() {
		fmt.Fprintf(cmd.ErrOrStderr(), "refguard: note: %s\n", n)
	}
	if err := checkProfile(checker, o.profile); err != nil {
		return err
	}
	lookups, err := o.backendLookups(checker)
	if err != nil {
		return err
	}
	config := check.Config(o.profile, fromFile, o.backendKinds, lookups)
	checkSet := func(paths []string) (*report.Report, error) {
		var checked *manifest.Result
		var err error
		if len(paths) == 0 {
			if !isTerminal(cmd.InOrStdin()) {
				// Input piped in without "-" is the likely mistake here: say
				// what is being checked instead of passing on the examples.
				fmt.Fprintln(cmd.ErrOrStderr(), "refguard: no PATH given: checking the bundled examples, not standard input (use - to read it: kubectl get httproutes -A -o yaml | refguard check -)")
			}
			checked, err = manifest.LoadFS(examples.FS, "examples/")
		} else {
			checked, err = manifest.LoadWithOptions(paths, cmd.InOrStdin(), o.loadOptions(checker.LoadOptions()))
		}
		if err != nil {
			return nil, err
		}
		var lookup []manifest.Object
		if len(o.inventory) > 0 {
			inv, err := manifest.LoadWithOptions(o.inventory, cmd.InOrStdin(), o.loadOptions(checker.InventoryOptions()))
			if err != nil {
				return nil, err
			}
			lookup = inv.Objects
			checked.Notes = append(checked.Notes, inv.Notes...)
		}
		for _, n := range checked.Notes {
			fmt.Fprintf(cmd.ErrOrStderr(), "refguard: note: %s\n", n)
		}
		if routesWithoutServices(checked.Objects, lookup, checker.IsRoute) {
			fmt.Fprintln(cmd.ErrOrStderr(), "refguard: note: no Service among the inputs, so every reference to one is reported not found (RG103); where the Services live elsewhere, check them together or give them as lookup-only objects: kubectl get services,referencegrants -A -o yaml > cluster.yaml; refguard check --inventory cluster.yaml PATH")
		}
		if len(checked.Objects) == 0 {
			return nil, fmt.Errorf("no Kubernetes objects found in %s: nothing was checked", strings.Join(inputNames(paths), ", "))
		}
		// Loading is over: most of what the parsers allocated is garbage
		// the Go heap would keep mapped while the check maps the Wasm
		// instances' memory (outside Go's heap) next to it; returning it
		// first keeps the peak down (docs/performance.md).
		debug.FreeOSMemory()
		return checker.Check(ctx, checked, lookup, config)
	}
	var rep *report.Report
	if len(o.each) == 0 {
		rep, err = checkSet(args)
	} else {
		rep, err = checkEach(o.each, args, o.excluder, checkSet)
	}
	if err != nil {
		return err
	}
	if f := rep.Fallback; f != nil {
		batches := "1 batch of objects"
		if f.Batches > 1 {
			batches = fmt.Sprintf("%d batches of objects", f.Batches)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "refguard: warning: the policy's Wasm build failed on %s (%s); OPA's evaluator checked them instead, so the findings are complete, but please report this\n", batches, f.Error)
	}
	if note := profileNote(rep, o.profile, checker.ProfileOf); note != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "refguard: note: %s\n", note)
	}
	meta := report.Meta{Tool: report.Tool{Name: "refguard", Version: refguard.Version(), BundleRevision: set.Revision}, Profile: o.profile}
	if wd, err := os.Getwd(); err == nil {
		meta.BaseDir = wd
	}
	// Annotations go where a reviewer edits: a rendered object's template.
	annotated := rep
	if chart != nil {
		annotated = chart.Locate(rep)
	}
	out := cmd.OutOrStdout()
	switch o.format {
	case "json":
		err = report.JSON(out, meta, rep)
	case "github":
		err = report.GitHub(out, annotated)
	case "sarif":
		err = report.SARIF(out, meta, rules, annotated)
	case "junit":
		err = report.JUnit(out, meta, rep)
	default:
		err = report.Text(out, meta, rep, report.Style{Color: colorWanted(out)})
	}
	if err != nil {
		return err
	}
	if o.sarifFile != "" {
		if err := writeSARIFFile(o.sarifFile, meta, rules, annotated); err != nil {
			return err
		}
	}
	if n := countAtOrAbove(rep, o.failOn); n > 0 {
		return &failedError{reason: fmt.Sprintf("%d findings at or above %s", n, o.failOn)}
	}
	return nil
}

// routesWithoutServices: the inputs hold routes and not one Service, the
// usual sign that the Services live in another repository or only in the
// cluster, rather than that every reference is wrong.
func routesWithoutServices(checked, lookup []manifest.Object, isRoute func(apiVersion, kind string) bool) bool {
	routes := false
	for _, objects := range [][]manifest.Object{checked, lookup} {
		for i := range objects {
			o := &objects[i]
			if o.Kind == "Service" && manifest.APIGroup(o.APIVersion) == "" {
				return false
			}
			routes = routes || isRoute(o.APIVersion, o.Kind)
		}
	}
	return routes
}

// profileNote names the profile to check with when the routes' status in
// the input was written by controllers that another profile models (kubectl
// get -o yaml of a live cluster, checked under the default spec profile):
// "" when no status names a known controller, or every known one is the
// profile's.
func profileNote(rep *report.Report, profile string, profileOf func(controllerName string) string) string {
	byProfile := map[string][]string{}
	for _, r := range rep.Routes {
		if r.Observed == nil {
			continue
		}
		name := r.Observed.Controller
		if p := profileOf(name); p != "" && !slices.Contains(byProfile[p], name) {
			byProfile[p] = append(byProfile[p], name)
		}
	}
	if len(byProfile) == 0 || (len(byProfile) == 1 && byProfile[profile] != nil) {
		return ""
	}
	var parts []string
	for _, p := range slices.Sorted(maps.Keys(byProfile)) {
		names := byProfile[p]
		slices.Sort(names)
		parts = append(parts, fmt.Sprintf("%s (--profile %s)", strings.Join(names, ", "), p))
	}
	return fmt.Sprintf("the routes' status in the input was written by %s; this run predicts for --profile %s", report.Clean(strings.Join(parts, " and "), false), profile)
}

func inputNames(args []string) []string {
	if len(args) == 0 {
		return []string{"the bundled examples"}
	}
	return args
}

func countAtOrAbove(rep *report.Report, failOn string) int {
	if failOn == "never" {
		return 0
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Suppression == nil && severityRank[f.Severity] >= severityRank[failOn] {
			n++
		}
	}
	return n
}

func colorWanted(out any) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(out)
}

func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// checkEach checks every subdirectory of each dir as its own set, with the
// shared paths, and merges the reports. A dir without subdirectories is an
// error: checking nothing would look like a clean result.
func checkEach(dirs, shared []string, exclude *manifest.Excluder, checkSet func([]string) (*report.Report, error)) (*report.Report, error) {
	var names []string
	var reports []*report.Report
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("--each %s: %w", dir, err)
		}
		found := 0
		for _, e := range entries {
			sub := filepath.Join(dir, e.Name())
			if strings.HasPrefix(e.Name(), ".") || exclude.Matches(dir, sub, true) {
				continue
			}
			if info, err := os.Stat(sub); err != nil || !info.IsDir() {
				continue
			}
			found++
			rep, err := checkSet(append(slices.Clone(shared), sub))
			if err != nil {
				return nil, err
			}
			names = append(names, filepath.ToSlash(sub))
			reports = append(reports, rep)
		}
		if found == 0 {
			return nil, fmt.Errorf("--each %s: no subdirectory to check as a set", dir)
		}
	}
	return check.Merge(names, reports), nil
}

// checkNamespace rejects a --namespace kubectl would reject: a DNS label
// (RFC 1123: lower-case letters, digits and '-', at most 63, starting and
// ending with a letter or digit).
func checkNamespace(namespace string) error {
	if namespace == "" {
		return nil
	}
	ok := len(namespace) <= 63
	for i, r := range namespace {
		alnum := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !alnum && (r != '-' || i == 0 || i == len(namespace)-1) {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("--namespace %q: a namespace is a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)", namespace)
	}
	return nil
}

// checkProfile rejects a profile the policy does not define.
func checkProfile(checker *check.Checker, profile string) error {
	names := checker.Profiles()
	for _, n := range names {
		if n == profile {
			return nil
		}
	}
	return fmt.Errorf("--profile %q: the policy defines %s", profile, strings.Join(names, ", "))
}

// wasmCacheDir is where check keeps compiled policies:
// $REFGUARD_CACHE_DIR, else refguard/ in the user's cache directory; ""
// (no cache) when REFGUARD_CACHE_DIR is "off" or there is no cache
// directory.
func wasmCacheDir() string {
	switch dir := os.Getenv("REFGUARD_CACHE_DIR"); dir {
	case "off":
		return ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(base, "refguard")
	default:
		return dir
	}
}

// writeSARIFFile writes the SARIF log beside the printed report: to a
// temporary file in the same directory, renamed into place, so a reader
// never sees half a log.
func writeSARIFFile(path string, meta report.Meta, rules []rulemeta.Rule, rep *report.Report) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".refguard-sarif-*")
	if err != nil {
		return fmt.Errorf("--sarif-file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := report.SARIF(tmp, meta, rules, rep); err != nil {
		tmp.Close()
		return fmt.Errorf("--sarif-file %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--sarif-file %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--sarif-file: %w", err)
	}
	return nil
}
