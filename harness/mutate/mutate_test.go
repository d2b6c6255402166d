// Package mutate_test checks that the suite notices what it claims to:
// each mutation below breaks one promise in a copy of the tree, and the
// test named beside it must fail there.
package mutate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refguard/refguard/internal/testsupport"
)

// mutation replaces old (which must occur exactly once) by new in file;
// run (a go test -run pattern) in pkg must then fail. regen regenerates
// the derived files first, as a maintainer would.
type mutation struct {
	name, file, old, new string
	pkg, run             string
	regen                bool
	sample               bool // also run by make test (the rest: make mutate)
}

var mutations = []mutation{
	{
		name: "conftest reports a wrong reason", sample: true,
		file: "policy/lib/refguard/conftest/conftest.rego", old: `"reason": f.reason,`, new: `"reason": "Wrong",`,
		pkg: "./harness", run: "TestEveryContextAgrees/rules/RG103-backend-not-found/fires-typo",
	},
	{
		name: "conftest forces every severity to error",
		file: "policy/lib/refguard/conftest/conftest.rego", old: `"severity": f.severity,`, new: `"severity": "error",`,
		pkg: "./harness", run: "TestEveryContextAgrees/rules/RG201",
	},
	{
		name: "conftest blanks the fix",
		file: "policy/lib/refguard/conftest/conftest.rego", old: `"fix": f.fix,`, new: `"fix": "",`,
		pkg: "./harness", run: "TestEveryContextAgrees/rules/RG103-backend-not-found/fires-typo",
	},
	{
		name: "Gatekeeper blanks the fix in details", regen: true,
		file: "policy/lib/refguard/gatekeeper/gatekeeper.rego", old: `"fix": f.fix,`, new: `"fix": "",`,
		pkg: "./harness", run: "TestGatorAgreesOnTheGeneratedEveryRuleSet",
	},
	{
		name: "the annotation no longer suppresses", sample: true,
		file: "policy/lib/refguard/result/result.rego", old: `reported(f) if not f.suppression`, new: `reported(f) if f`,
		pkg: "./harness", run: "TestEveryFixtureOnARealOPAServer/suppression",
	},
	{
		name: "conftest one document at a time reports nothing",
		file: "policy/lib/refguard/conftest/conftest.rego", old: "_routes := [[path, context.build(obj, inventory_for(obj), settings)] |\n", new: "_routes := [[path, context.build(obj, inventory_for(obj), settings)] |\n\tcombined\n",
		pkg: "./harness", run: "TestEveryContextAgrees/rules/RG104",
	},
	{
		name: "a profile fact flips (contour accepts ExternalName)",
		file: "policy/lib/refguard/profiles/contour/contour.rego", old: `"externalname": "rejected",`, new: `"externalname": "accepted",`,
		pkg: "./harness", run: "TestFixtures/profiles/contour/externalname",
	},
	{
		name: "a conformance case's expected status changes",
		file: "fixtures/conformance/HTTPRouteCrossNamespace.expected.json", old: "\"status\": \"True\",\n              \"reason\": \"ResolvedRefs\"", new: "\"status\": \"False\",\n              \"reason\": \"RefNotPermitted\"",
		pkg: "./harness", run: "TestConformanceCorpus$",
	},
	{
		name: "the did-you-mean length cap shrinks",
		file: "policy/lib/refguard/similar/similar.rego", old: `max_name_length := 253`, new: `max_name_length := 5`,
		pkg: "./harness", run: "TestFixtures/rules/RG103",
	},
	{
		name: "a fixture's pinned message drifts",
		file: "fixtures/rules/RG103-backend-not-found/fires-typo/expected.yaml", old: `did you mean api-service?`, new: `did you mean api-services?`,
		pkg: "./harness", run: "TestFixtures/rules/RG103-backend-not-found/fires-typo",
	},
	{
		name: "the parse budget's bound undercounts", sample: true,
		file: "harness/manifest/budget.go", old: `n := 2 // the document node yaml.v3 adds, and the root`, new: `n := 0`,
		pkg: "./harness/manifest", run: "TestNodeBoundIsAnUpperBound",
	},
	{
		name: "bundles are read before they are bounded",
		file: "harness/opabundle/opabundle.go", old: "\tif err := inspect(data); err != nil {\n\t\treturn nil, err\n\t}\n", new: "",
		pkg: "./harness/opabundle", run: "TestVerifyIsBoundedBeforeTheSignature",
	},
	{
		name: "the README's example output drifts",
		file: "README.md", old: `2 backendRefs: 2 errors, 0 warnings, 0 info`, new: `2 backendRefs: 3 errors, 0 warnings, 0 info`,
		pkg: "./harness/release", run: "TestReadmeInstallAndQuickStart",
	},
	{
		name: "a rule disappears from the CHANGELOG",
		file: "CHANGELOG.md", old: "- RG506 `object-duplicate-conflict`: Object defined twice with different contents\n", new: "",
		pkg: "./harness/rulemeta", run: "TestRuleIDsAreNeverReusedAndAlwaysRecorded",
	},
}

// TestMutationsAreCaught applies each mutation to a copy of the tree and
// runs the test that must catch it. make test runs the sample; make mutate
// (REFGUARD_MUTATE=all) runs every one.
func TestMutationsAreCaught(t *testing.T) {
	all := os.Getenv("REFGUARD_MUTATE") == "all"
	for _, m := range mutations {
		if !all && !m.sample {
			continue
		}
		t.Run(m.name, func(t *testing.T) {
			tree := t.TempDir()
			testsupport.CopyTree(t, tree)
			path := filepath.Join(tree, m.file)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(raw), m.old); n != 1 {
				t.Fatalf("the mutation no longer applies: %q occurs %d times in %s", m.old, n, m.file)
			}
			if err := os.WriteFile(path, []byte(strings.Replace(string(raw), m.old, m.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			env := os.Environ()
			for _, tool := range []string{"opa", "conftest", "gator"} {
				env = append(env, "REFGUARD_"+strings.ToUpper(tool)+"="+testsupport.Tool(t, tool))
			}
			// The copy has no .tools: tests that read it from the module
			// root find the real one's through this link.
			if err := os.Symlink(filepath.Join(testsupport.ModuleRoot(t), ".tools"), filepath.Join(tree, ".tools")); err != nil {
				t.Fatal(err)
			}
			if m.regen {
				gen := exec.Command("go", "run", "./cmd/refguard", "gen")
				gen.Dir, gen.Env = tree, env
				if out, err := gen.CombinedOutput(); err != nil {
					t.Fatalf("gen: %v\n%s", err, out)
				}
			}
			cmd := exec.Command("go", "test", "-count=1", "-run", m.run, m.pkg)
			cmd.Dir, cmd.Env = tree, env
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("%s: %s %s still passes with the mutation:\n%s", m.name, m.pkg, m.run, out)
			}
			if !strings.Contains(string(out), "--- FAIL") {
				t.Fatalf("%s: the run failed without a failing test (a build error?):\n%s", m.name, out)
			}
		})
	}
}
