package opabundle_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/open-policy-agent/opa/v1/logging"
	"github.com/open-policy-agent/opa/v1/sdk"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/opabundle"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/internal/testsupport"
	"github.com/refguard/refguard/policy"
)

type keyPair struct{ private, public string }

func keys(t *testing.T) keyPair {
	t.Helper()
	priv, pub := testsupport.RSA(t)
	return keyPair{priv, pub}
}

// bundleServer serves whatever bundle it currently holds.
func bundleServer(t *testing.T) (*httptest.Server, *atomic.Value) {
	t.Helper()
	var current atomic.Value
	current.Store([]byte{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/bundles/refguard.tar.gz" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/gzip")
		_, _ = w.Write(current.Load().([]byte))
	}))
	t.Cleanup(srv.Close)
	return srv, &current
}

func sdkConfig(service map[string]any, resource, publicKey string, extra map[string]any) string {
	pem, err := os.ReadFile(publicKey)
	if err != nil {
		panic(err)
	}
	cfg := map[string]any{
		"services": map[string]any{"src": service},
		"bundles": map[string]any{"refguard": map[string]any{
			"service":  "src",
			"resource": resource,
			"signing":  map[string]any{"keyid": "default"},
			"polling":  map[string]any{"min_delay_seconds": 1, "max_delay_seconds": 2},
		}},
		"keys": map[string]any{"default": map[string]any{"key": string(pem), "algorithm": "RS256"}},
	}
	for k, v := range extra {
		cfg[k] = v
	}
	raw, _ := json.Marshal(cfg)
	return string(raw)
}

// startOPA starts an in-process OPA and waits (bounded) for it to activate
// the bundle; it reports whether it became ready.
func startOPA(t *testing.T, config string, store storage.Store, wait time.Duration) (*sdk.OPA, bool) {
	t.Helper()
	ready := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), wait+5*time.Second)
	defer cancel()
	opa, err := sdk.New(ctx, sdk.Options{
		Config: strings.NewReader(config), Store: store, Ready: ready,
		Logger: logging.NewNoOpLogger(), ConsoleLogger: logging.NewNoOpLogger(),
	})
	require.NoError(t, err)
	t.Cleanup(func() { opa.Stop(context.Background()) })
	select {
	case <-ready:
		return opa, true
	case <-time.After(wait):
		return opa, false
	}
}

func writeData(t *testing.T, store storage.Store, path string, value any) {
	t.Helper()
	ctx := context.Background()
	txn, err := store.NewTransaction(ctx, storage.WriteParams)
	require.NoError(t, err)
	p, ok := storage.ParsePath(path)
	require.True(t, ok)
	require.NoError(t, store.Write(ctx, txn, storage.AddOp, p, value))
	require.NoError(t, store.Commit(ctx, txn))
}

func findingKeys(fs []report.PolicyFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s/%s/%s %s %s %q", f.Rule, f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field, f.Severity, f.Message))
	}
	sort.Strings(out)
	return out
}

// assertSameFindingsAsCLI evaluates every route and ReferenceGrant of every
// fixture through the downloaded bundle (harness decisions, inventory in
// data.kubernetes) and compares with the CLI (embedded policy).
func assertSameFindingsAsCLI(t *testing.T, opa *sdk.OPA, store storage.Store) {
	t.Helper()
	cases, err := fixture.Discover(filepath.Join(testsupport.ModuleRoot(t), "fixtures"))
	require.NoError(t, err)
	set, err := policyset.Embedded()
	require.NoError(t, err)
	checker, err := check.NewChecker(context.Background(), set)
	require.NoError(t, err)
	evaluated := 0
	for i := range cases {
		c := &cases[i]
		o, err := fixture.Run(context.Background(), checker, c)
		require.NoError(t, err)
		checked, lookup, err := c.Load()
		require.NoError(t, err)
		objects := check.FirstCopies(checked.Objects) // the cluster holds one copy of an object the set defines twice
		inv, err := inventory.Build(checker.Collections(c.Config()), lookup, objects)
		require.NoError(t, err)
		replicated, err := ast.JSON(inv)
		require.NoError(t, err)
		writeData(t, store, "/kubernetes", replicated)
		var used []string
		var got []report.PolicyFinding
		for _, obj := range objects {
			if !strings.HasSuffix(obj.Kind, "Route") {
				continue
			}
			res, err := opa.Decision(context.Background(), sdk.DecisionOptions{Path: "refguard/harness/route_reports", Input: map[string]any{"objects": []any{obj.Body()}, "config": c.Config()}})
			require.NoError(t, err, c.Name)
			var rrs []engine.RouteReport
			remarshal(t, res.Result, &rrs)
			require.Len(t, rrs, 1, c.Name)
			rr := rrs[0]
			got = append(got, rr.Findings...)
			used = append(used, rr.UsedGrants...)
			evaluated++
		}
		if used == nil {
			used = []string{}
		}
		for _, obj := range objects {
			if obj.Kind != "ReferenceGrant" {
				continue
			}
			res, err := opa.Decision(context.Background(), sdk.DecisionOptions{Path: "refguard/harness/grant_reports", Input: map[string]any{"objects": []any{obj.Body()}, "config": c.Config(), "used_grants": used}})
			require.NoError(t, err, c.Name)
			var grs []engine.GrantReport
			remarshal(t, res.Result, &grs)
			require.Len(t, grs, 1, c.Name)
			gr := grs[0]
			got = append(got, gr.Findings...)
		}
		var want []report.PolicyFinding
		for _, f := range o.Report.Findings {
			if f.Rule != "RG506" { // about the set's copies: a cluster holds one
				want = append(want, f.PolicyFinding)
			}
		}
		require.Equal(t, findingKeys(want), findingKeys(got), c.Name)
	}
	require.Greater(t, evaluated, 70)
}

func remarshal(t *testing.T, in, out any) {
	t.Helper()
	raw, err := json.Marshal(in)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, out))
}

func TestOPADownloadsSignedBundleFromBundleServer(t *testing.T) {
	k := keys(t)
	signed, err := opabundle.Build(policy.FS, opabundle.BuildOptions{Revision: "test", SigningKey: k.private})
	require.NoError(t, err)
	srv, current := bundleServer(t)
	current.Store(signed)
	store := inmem.NewWithOpts(inmem.OptRoundTripOnWrite(false))
	opa, ready := startOPA(t, sdkConfig(map[string]any{"url": srv.URL}, "/bundles/refguard.tar.gz", k.public, nil), store, 20*time.Second)
	require.True(t, ready, "OPA did not activate the signed bundle within 20s")
	assertSameFindingsAsCLI(t, opa, store)
}

func TestOPARefusesBadBundles(t *testing.T) {
	k := keys(t)
	other := keys(t)
	unsigned, err := opabundle.Build(policy.FS, opabundle.BuildOptions{Revision: "test"})
	require.NoError(t, err)
	signed, err := opabundle.Build(policy.FS, opabundle.BuildOptions{Revision: "test", SigningKey: k.private})
	require.NoError(t, err)
	byOtherKey, err := opabundle.Build(policy.FS, opabundle.BuildOptions{Revision: "test", SigningKey: other.private})
	require.NoError(t, err)
	for name, data := range map[string][]byte{
		"unsigned":          unsigned,
		"tampered":          testsupport.TamperedBundle(t, signed),
		"signed-by-another": byOtherKey,
	} {
		t.Run(name, func(t *testing.T) {
			srv, current := bundleServer(t)
			current.Store(data)
			store := inmem.New()
			opa, ready := startOPA(t, sdkConfig(map[string]any{"url": srv.URL}, "/bundles/refguard.tar.gz", k.public, nil), store, 3*time.Second)
			require.False(t, ready, "OPA activated a %s bundle", name)
			_, err := opa.Decision(context.Background(), sdk.DecisionOptions{Path: "refguard/harness/route_reports", Input: map[string]any{}})
			require.Error(t, err, "no decision may come from a refused bundle")
		})
	}
}
