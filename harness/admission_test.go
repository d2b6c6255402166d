package harness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/internal/testsupport"
)

type admissionReview struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Response   struct {
		UID      string   `json:"uid"`
		Allowed  bool     `json:"allowed"`
		Warnings []string `json:"warnings"`
		Status   struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"status"`
	} `json:"response"`
}

func admissionMessage(f report.PolicyFinding) string {
	return fmt.Sprintf("%s: %s (%s %s/%s %s)", f.Rule, f.Message, f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field)
}

// checkAdmission feeds every route and ReferenceGrant of a fixture case to
// the admission decision as an AdmissionReview, with the case's objects
// replicated as kube-mgmt does (data.kubernetes), and asserts the CLI's
// findings: errors deny with every error in the message, the rest are
// warnings. RG202 and RG506 need the whole set and are no admission check;
// a cluster holds one copy of an object the set defines twice, the one the
// CLI reads.
// It returns how many objects were reviewed.
func checkAdmission(t *testing.T, compiler *ast.Compiler, c *fixture.Case, cli *report.Report) int {
	ctx := context.Background()
	loaded, replicated, err := c.Load()
	require.NoError(t, err)
	objects := check.FirstCopies(loaded.Objects)
	inv, err := inventory.Build(collectionsFor(t, c.Config()), replicated, objects)
	require.NoError(t, err)
	eng, err := engine.New(ctx, compiler, inv, map[string]any{"refguard_settings": c.Config()})
	require.NoError(t, err)
	prepared, err := eng.Prepare(ctx, "data.refguard.admission.response")
	require.NoError(t, err)
	return reviewEvery(t, objects, cli, func(input map[string]any) admissionReview {
		var got admissionReview
		require.NoError(t, prepared(ctx, input, &got))
		return got
	})
}

// reviewEvery sends every route and ReferenceGrant of objects to decide as
// an AdmissionReview and asserts the CLI's findings about it (see
// checkAdmission); it returns how many objects were reviewed.
func reviewEvery(t *testing.T, objects []manifest.Object, cli *report.Report, decide func(input map[string]any) admissionReview) int {
	t.Helper()
	reviewed := 0
	for _, obj := range objects {
		if obj.Kind == "Service" {
			continue
		}
		var wantErrors, wantWarnings []string
		for _, f := range cli.Findings {
			if f.Object.Kind != obj.Kind || f.Object.Name != obj.Name || f.Object.Namespace != inventory.Namespace(&obj) || f.Rule == "RG202" || f.Rule == "RG506" {
				continue
			}
			if f.Suppression != nil && f.Suppression.Kind == "annotation" {
				// Not a denial: a warning that says it was suppressed.
				why := ""
				if f.Suppression.Justification != "" {
					why = " (" + f.Suppression.Justification + ")"
				}
				wantWarnings = append(wantWarnings, "suppressed by refguard.io/ignore: "+admissionMessage(f.PolicyFinding)+why)
			} else if f.Severity == "error" {
				wantErrors = append(wantErrors, admissionMessage(f.PolicyFinding))
			} else {
				wantWarnings = append(wantWarnings, admissionMessage(f.PolicyFinding))
			}
		}
		sort.Strings(wantErrors)
		sort.Strings(wantWarnings)
		input := map[string]any{
			"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
			"request": map[string]any{"uid": "uid-1", "operation": "CREATE", "object": obj.Body()},
		}
		got := decide(input)
		require.Equal(t, "uid-1", got.Response.UID)
		require.Equal(t, len(wantErrors) == 0, got.Response.Allowed, "%s %s", obj.Kind, obj.Name)
		if len(wantErrors) > 0 {
			require.Equal(t, 403, got.Response.Status.Code)
			require.Equal(t, wantErrors, sortedLines(got.Response.Status.Message))
		}
		if wantWarnings == nil {
			wantWarnings = []string{}
		}
		require.Equal(t, wantWarnings, got.Response.Warnings)
		reviewed++
	}
	return reviewed
}

func sortedLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '\n' {
			lines = append(lines, s[start:i])
			start = i + 1
		}
	}
	sort.Strings(lines)
	return lines
}

// BenchmarkAdmissionReview: one AdmissionReview for a cross-namespace route,
// the way an OPA server fed by kube-mgmt answers it, minus HTTP: 10,000
// Services in 500 namespaces (and their ReferenceGrants) replicated as JSON
// into OPA's in-memory store, configured as `opa run` configures it
// (store=default) or with --optimize-store-for-read-speed (store=ast);
// the request body decoded and converted, the prepared default decision
// evaluated, the response encoded.
func BenchmarkAdmissionReview(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("REFGUARD_BENCH_ROUTES")); err == nil {
		n = v
	}
	_, loaded, route := generatedSet(b, n)
	ps, err := policyset.Embedded()
	require.NoError(b, err)
	compiler, err := ps.Compiler()
	require.NoError(b, err)
	inv, err := inventory.Build(testsupport.Collections(b), loaded.Objects)
	require.NoError(b, err)
	replicated, err := ast.JSON(inv)
	require.NoError(b, err)
	body, err := json.Marshal(map[string]any{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": map[string]any{"uid": "u", "object": route}})
	require.NoError(b, err)
	for _, store := range []struct {
		name    string
		astRead bool
	}{{"default", false}, {"ast", true}} {
		decide := opaServerDecision(b, compiler, map[string]any{"kubernetes": replicated}, store.astRead, "data.refguard.admission.response")
		b.Run("store="+store.name, func(b *testing.B) {
			latencies(b, func() {
				if out := decide(body); !bytes.Contains(out, []byte(`"allowed":true`)) {
					b.Fatalf("route-15 is valid: %s", out)
				}
			})
		})
	}
}

// opaServerDecision loads data into an in-memory store as an OPA server
// does (`opa run`: no round trip on write; values converted on read unless
// astRead, --optimize-store-for-read-speed) and returns a function that
// answers a request body the way the server's data API does: the body
// decoded and converted to an OPA value, the prepared query evaluated, the
// result encoded as JSON.
func opaServerDecision(b *testing.B, compiler *ast.Compiler, data map[string]any, astRead bool, query string) func(body []byte) []byte {
	b.Helper()
	ctx := context.Background()
	store := inmem.NewWithOpts(inmem.OptRoundTripOnWrite(false), inmem.OptReturnASTValuesOnRead(astRead))
	txn, err := store.NewTransaction(ctx, storage.WriteParams)
	require.NoError(b, err)
	require.NoError(b, store.Write(ctx, txn, storage.AddOp, storage.RootPath, data))
	require.NoError(b, store.Commit(ctx, txn))
	pq, err := rego.New(rego.Query(query), rego.Compiler(compiler), rego.Store(store)).PrepareForEval(ctx)
	require.NoError(b, err)
	return func(body []byte) []byte {
		var x any
		if err := util.UnmarshalJSON(body, &x); err != nil {
			b.Fatal(err)
		}
		input, err := ast.InterfaceToValue(x)
		if err != nil {
			b.Fatal(err)
		}
		rs, err := pq.Eval(ctx, rego.EvalParsedInput(input))
		if err != nil || len(rs) == 0 {
			b.Fatalf("evaluate %s: %v (%d results)", query, err, len(rs))
		}
		out, err := json.Marshal(rs[0].Expressions[0].Value)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
}
