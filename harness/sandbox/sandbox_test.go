package sandbox_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/sandbox"
)

const wrongPort = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {ports: [{port: 8080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  rules:
  - backendRefs:
    - name: api
      port: 80
`

func newEngine(t *testing.T) *sandbox.Engine {
	t.Helper()
	e, err := sandbox.New(context.Background())
	require.NoError(t, err)
	return e
}

func TestCheckThenRepair(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	fix, _ := e.Repair(ctx)
	require.Nil(t, fix, "nothing checked, nothing to repair")

	a := e.Check(ctx, sandbox.Request{Files: []sandbox.File{{Content: wrongPort}}})
	require.Empty(t, a.Error)
	require.Nil(t, a.Fix, "Check leaves the repair to Repair")
	var rep struct {
		Profile  string
		Findings []struct{ Rule, File string }
	}
	require.NoError(t, json.Unmarshal([]byte(a.Report), &rep))
	require.Equal(t, "spec", rep.Profile)
	require.Len(t, rep.Findings, 1)
	require.Equal(t, "pasted-1.yaml", rep.Findings[0].File, "a paste without a name gets one")
	require.Contains(t, a.Rules[rep.Findings[0].Rule].Help, "docs/rules/")

	fix, _ = e.Repair(ctx)
	require.NotNil(t, fix)
	require.Contains(t, fix.Diff, "+      port: 8080")
	require.Len(t, fix.Files, 1)
	fix, _ = e.Repair(ctx)
	require.Nil(t, fix, "a repair is made once per check")

	whole := e.Handle(ctx, sandbox.Request{Files: []sandbox.File{{Name: "a.yaml", Content: wrongPort}}, Profile: "istio"})
	require.Empty(t, whole.Error)
	require.NotNil(t, whole.Fix)
	require.Contains(t, whole.Report, `"profile": "istio"`)
}

func TestRequestsTheCLIWouldRefuseAreErrors(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	file := []sandbox.File{{Name: "a.yaml", Content: wrongPort}}
	for want, req := range map[string]sandbox.Request{
		"nothing to check":               {},
		`profile "linkerd"`:              {Files: file, Profile: "linkerd"},
		"a.yaml: given twice":            {Files: append(file, file...)},
		"no rule has that ID":            {Files: file, Severity: map[string]string{"RG999": "off"}},
		"level must be":                  {Files: file, Severity: map[string]string{"RG105": "loud"}},
		"--backend-kind":                 {Files: file, BackendKinds: []string{"a/b/c"}},
		"one refguard looks up already":  {Files: file, BackendLookups: []check.BackendLookup{{Kind: "x.io/Y", Version: "v1", Resource: "services"}}},
		"no Kubernetes objects found":    {Files: []sandbox.File{{Name: "empty.yaml", Content: "# nothing\n"}}},
		"larger than":                    {Files: []sandbox.File{{Name: "big.yaml", Content: strings.Repeat("#", sandbox.MaxInput+1)}}},
		"both to check and as inventory": {Files: file, Inventory: file},
	} {
		a := e.Handle(ctx, req)
		require.Contains(t, a.Error, want)
		require.Empty(t, a.Report, want)
		fix, _ := e.Repair(ctx)
		require.Nil(t, fix, "a failed check leaves nothing to repair")
	}
}
