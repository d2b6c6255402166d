package check

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/harness/wasm"
	"github.com/refguard/refguard/internal/testsupport"
)

// A policy whose batch query cannot answer for one route ("bad"): the
// batch is evaluated again route by route, and the error names that
// route's file, line and name; without it the other routes' reports are
// the batch's.
const batchPolicy = `package lib.refguard.refs

route_kinds := {"HTTPRoute"}
`

// The rest of what check reads of a policy, answered trivially.
var restOfPolicy = map[string]string{
	"profiles.rego": "package lib.refguard.profiles\n\nprofiles := {\"spec\": {}}\n",
	"resolve.rego":  "package lib.refguard.resolve\n\ninventory_fields := {}\n",
	"grants.rego":   "package refguard.harness\n\nroute_kinds := data.lib.refguard.refs.route_kinds\n\ncollections := {\"services\": {\"kind\": \"Service\", \"apiVersions\": [\"v1\"]}}\n\ngrant_reports := []\n\nduplicate_findings := set()\n\nderived_reads := set()\n\nderived_name_reads := set()\n\nderived := {}\n",
}

const batchHarness = `package refguard.harness

_report(obj) := {"findings": [], "condition": {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": obj.metadata.name}, "used_grants": [], "backend_refs": 0}

route_reports := [r |
	some obj in input.objects
	r := _report_or_null(obj)
]

_report_or_null(obj) := _report(obj) if obj.metadata.name != "bad"

else := null
`

func TestEvalBatchFallsBackToSingleRoutesToNameAnError(t *testing.T) {
	ctx := context.Background()
	for _, h := range []struct{ name, harness, wantErr string }{
		{"no-report", batchHarness, "no report: the policy does not take it for a route"},
		{"conflict", conflictHarness, "harness.rego:7: eval_conflict_error: function data.refguard.harness._name produced conflicting values"},
	} {
		modules := map[string]string{"refs.rego": batchPolicy, "harness.rego": h.harness}
		maps.Copy(modules, restOfPolicy)
		policy, err := wasm.Load(ctx, modules, engine.WasmEntrypoints(), "")
		require.NoError(t, err)
		defer policy.Close(ctx)
		for evaluator, opts := range map[string][]Option{"rego": nil, "wasm": {WithWasm(policy)}} {
			t.Run(h.name+"/"+evaluator, func(t *testing.T) {
				set := policyset.New(modules, "test")
				checker, err := NewChecker(ctx, set, opts...)
				require.NoError(t, err)
				checkBatchFallback(t, set, checker, h.wantErr)
			})
		}
	}
}

// goodAndBadFiles writes enough documents for batches of several on any
// number of cores, named prefix000, prefix001, …: all of them to the good
// file, and to the bad one with the 22nd renamed "bad".
func goodAndBadFiles(t *testing.T, prefix string, doc func(name string) string) (names []string, goodFile, badFile string) {
	var good, bad []string
	for i := range 40 * runtime.GOMAXPROCS(0) {
		name := fmt.Sprintf("%s%03d", prefix, i)
		names = append(names, name)
		good = append(good, doc(name))
		if i == 21 {
			name = "bad"
		}
		bad = append(bad, doc(name))
	}
	dir := t.TempDir()
	goodFile, badFile = filepath.Join(dir, "good.yaml"), filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(goodFile, []byte(strings.Join(good, "")), 0o644))
	require.NoError(t, os.WriteFile(badFile, []byte(strings.Join(bad, "")), 0o644))
	return names, goodFile, badFile
}

// checkFile loads file with the checker's load options (which must
// succeed) and checks it.
func checkFile(t *testing.T, checker *Checker, file string) (*report.Report, error) {
	t.Helper()
	loaded, err := manifest.LoadWithOptions([]string{file}, nil, checker.LoadOptions())
	require.NoError(t, err)
	return checker.Check(context.Background(), loaded, nil, nil)
}

// checkBatchFallback checks a set whose batches all succeed, then one
// with a route the batch fails on. With the Wasm build, OPA's evaluator is
// compiled only for the second.
func checkBatchFallback(t *testing.T, set *policyset.Set, checker *Checker, wantErr string) {
	names, goodFile, badFile := goodAndBadFiles(t, "r", func(name string) string {
		return "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: " + name + "\n  namespace: app\n---\n"
	})

	rep, err := checkFile(t, checker, goodFile)
	require.NoError(t, err)
	require.Len(t, rep.Routes, len(names))
	for i, name := range names {
		assert.Equal(t, name, rep.Routes[i].Conditions[0].Message, "each route gets its own report from the batch")
	}
	assert.Equal(t, checker.wasm == nil, set.Compiled(), "OPA's evaluator is compiled for the Wasm build only when a batch fails")

	_, err = checkFile(t, checker, badFile)
	require.Error(t, err)
	assert.Contains(t, err.Error(), badFile+":127: HTTPRoute bad: evaluate policy: "+wantErr)
	assert.True(t, set.Compiled())
}

// TestSortBreaksTiesByText: two findings of one rule on one field of one
// object come out in the same order whichever order an evaluator gave.
func TestSortBreaksTiesByText(t *testing.T) {
	f := func(msg, fix string) report.Finding {
		return report.Finding{PolicyFinding: report.PolicyFinding{Rule: "RG501", Field: "spec.rules[0]", Message: msg, Fix: fix}, File: "a.yaml", Line: 3}
	}
	want := []report.Finding{f("a", "y"), f("b", "x"), f("b", "z")}
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}} {
		rep := &report.Report{}
		for _, i := range order {
			rep.Findings = append(rep.Findings, want[i])
		}
		Sort(rep)
		require.Equal(t, want, rep.Findings)
	}
}

// A policy whose evaluation fails outright for route "bad" (a function
// with two different results: OPA's evaluator reports a conflict, the Wasm
// module aborts): the Wasm instance that aborted is retired, the batch is
// evaluated again route by route by OPA's evaluator, and the error names
// the route.
const conflictHarness = `package refguard.harness

_report(obj) := {"findings": [], "condition": {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": _name(obj)}, "used_grants": [], "backend_refs": 0}

_name(obj) := obj.metadata.name

_name(obj) := "other" if obj.metadata.name == "bad"

route_reports := [_report(obj) | some obj in input.objects]
`

// A policy whose grant evaluation fails outright for grant "bad", as
// conflictHarness does for a route: the batch the Wasm build failed on is
// evaluated again grant by grant by OPA's evaluator, which names the grant.
const grantConflictHarness = `package refguard.harness

route_kinds := data.lib.refguard.refs.route_kinds

collections := {"referencegrants": {"kind": "ReferenceGrant", "apiVersions": ["gateway.networking.k8s.io/v1beta1"]}}

derived_reads := set()

derived_name_reads := set()

derived := {}

route_reports := []

_name(obj) := obj.metadata.name

_name(obj) := "other" if obj.metadata.name == "bad"

_report(obj) := {"findings": [{"rule": "RG999", "name": "test", "severity": "info", "field": "spec", "message": _name(obj)}]}

grant_reports := [_report(obj) | some obj in input.objects]

duplicate_findings := set()
`

func TestGrantBatchFallsBackToSingleGrantsToNameAnError(t *testing.T) {
	ctx := context.Background()
	modules := map[string]string{"refs.rego": batchPolicy, "harness.rego": grantConflictHarness,
		"profiles.rego": restOfPolicy["profiles.rego"], "resolve.rego": restOfPolicy["resolve.rego"]}
	policy, err := wasm.Load(ctx, modules, engine.WasmEntrypoints(), "")
	require.NoError(t, err)
	defer policy.Close(ctx)
	names, goodFile, badFile := goodAndBadFiles(t, "g", func(name string) string {
		return "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: " + name + "\n  namespace: app\nspec: {from: [], to: []}\n---\n"
	})
	for evaluator, opts := range map[string][]Option{"rego": nil, "wasm": {WithWasm(policy)}} {
		t.Run(evaluator, func(t *testing.T) {
			set := policyset.New(modules, "test")
			checker, err := NewChecker(ctx, set, opts...)
			require.NoError(t, err)
			rep, err := checkFile(t, checker, goodFile)
			require.NoError(t, err)
			require.Len(t, rep.Findings, len(names))
			for i, name := range names {
				assert.Equal(t, name, rep.Findings[i].Message, "each grant gets its own report from the batch")
				assert.Equal(t, 7*i+6, rep.Findings[i].Line, "located in its grant (spec)")
			}
			assert.Equal(t, evaluator == "rego", set.Compiled())

			_, err = checkFile(t, checker, badFile)
			require.Error(t, err)
			assert.Contains(t, err.Error(), badFile+":148: ReferenceGrant bad: evaluate policy: ")
			assert.Contains(t, err.Error(), "produced conflicting values")
			assert.True(t, set.Compiled())
		})
	}
}

// TestAWasmFailureIsReportedNotSilent: a batch the Wasm build fails on
// (testsupport.FallbackPolicy) is evaluated again by OPA's evaluator, and
// the report says so (the CLI
// prints it on stderr and in the JSON report); a run without one says
// nothing.
func TestAWasmFailureIsReportedNotSilent(t *testing.T) {
	ctx := context.Background()
	modules := testsupport.FallbackPolicy()
	policy, err := wasm.Load(ctx, modules, engine.WasmEntrypoints(), "")
	require.NoError(t, err)
	defer policy.Close(ctx)
	checker, err := NewChecker(ctx, policyset.New(modules, "test"), WithWasm(policy))
	require.NoError(t, err)
	names, goodFile, badFile := goodAndBadFiles(t, "r", func(name string) string {
		return "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: " + name + "\n  namespace: app\n---\n"
	})

	rep, err := checkFile(t, checker, goodFile)
	require.NoError(t, err)
	require.Nil(t, rep.Fallback)

	rep, err = checkFile(t, checker, badFile)
	require.NoError(t, err, "OPA's evaluator answers for every route")
	require.Len(t, rep.Routes, len(names))
	require.NotNil(t, rep.Fallback)
	require.Equal(t, 1, rep.Fallback.Batches, "only the batch holding the route")
	require.Contains(t, rep.Fallback.Error, "conflict")
}

// TestCollectionsTakeTheProfilesOwn: a check indexes the collections its
// profile reads beside the policy's (kgateway's child HTTPRoutes), and no
// other profile's; a config's lookups come on top.
func TestCollectionsTakeTheProfilesOwn(t *testing.T) {
	set, err := policyset.Embedded()
	require.NoError(t, err)
	c, err := NewChecker(context.Background(), set)
	require.NoError(t, err)
	require.Equal(t, "httproutes", c.Collections(map[string]any{"profile": "kgateway"}).Of("gateway.networking.k8s.io/v1", "HTTPRoute"))
	for _, config := range []map[string]any{nil, {"profile": "spec"}, {"profile": "envoy-gateway"}} {
		require.Equal(t, "", c.Collections(config).Of("gateway.networking.k8s.io/v1", "HTTPRoute"), "%v", config)
	}
	with := c.Collections(map[string]any{"profile": "kgateway", "backend_lookups": []any{map[string]any{"kind": "gateway.example.com/Backend", "version": "v1", "resource": "examplebackends"}}})
	require.Equal(t, "httproutes", with.Of("gateway.networking.k8s.io/v1beta1", "HTTPRoute"))
	require.Equal(t, "examplebackends", with.Of("gateway.example.com/v1", "Backend"))
	require.Equal(t, "services", with.Of("v1", "Service"))
}
