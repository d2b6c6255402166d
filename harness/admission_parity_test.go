package harness_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
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

func admissionMessage(f engine.Finding) string {
	return fmt.Sprintf("%s: %s (%s %s/%s %s)", f.Rule, f.Message, f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field)
}

// TestAdmissionParity feeds every route and ReferenceGrant of every
// fixture to the admission decision as an AdmissionReview, with the
// fixture's objects replicated as kube-mgmt does (data.kubernetes), and
// asserts the same findings as the CLI: errors deny with every error in the
// message, the rest are warnings. RG202 needs the whole set and is not an
// admission check.
func TestAdmissionParity(t *testing.T) {
	cases, err := fixture.Discover(filepath.Join("..", "fixtures"))
	require.NoError(t, err)
	checker := newChecker(t)
	set, err := policyset.Embedded()
	require.NoError(t, err)
	ctx := context.Background()
	reviewed := 0
	for i := range cases {
		c := &cases[i]
		t.Run(c.Name, func(t *testing.T) {
			o, err := fixture.Run(ctx, checker, c)
			require.NoError(t, err)
			loaded, err := manifest.Load(c.Manifests, nil)
			require.NoError(t, err)
			replicated := []manifest.Object{}
			if len(c.Inventory) > 0 {
				inv, err := manifest.Load(c.Inventory, nil)
				require.NoError(t, err)
				replicated = inv.Objects
			}
			eng, err := engine.New(ctx, set.Compiler, inventory.Build(replicated, loaded.Objects), map[string]any{"refguard_settings": c.Config()})
			require.NoError(t, err)
			for _, obj := range loaded.Objects {
				if obj.Kind == "Service" {
					continue
				}
				var wantErrors, wantWarnings []string
				for _, f := range o.Report.Findings {
					if f.Object.Kind != obj.Kind || f.Object.Name != obj.Name || f.Object.Namespace != inventory.Namespace(&obj) || f.Rule == "RG202" {
						continue
					}
					if f.Severity == "error" {
						wantErrors = append(wantErrors, admissionMessage(f.Finding))
					} else {
						wantWarnings = append(wantWarnings, admissionMessage(f.Finding))
					}
				}
				sort.Strings(wantErrors)
				sort.Strings(wantWarnings)
				input := map[string]any{
					"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
					"request": map[string]any{"uid": "uid-1", "operation": "CREATE", "object": obj.Body},
				}
				var got admissionReview
				require.NoError(t, eng.Decision(ctx, "data.refguard.admission.response", input, &got))
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
		})
	}
	require.GreaterOrEqual(t, reviewed, 80)
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
// against 10,000 replicated Services in 500 namespaces.
func BenchmarkAdmissionReview(b *testing.B) {
	set := gen.Generate(10000, 1)
	path := filepath.Join(b.TempDir(), "set.yaml")
	require.NoError(b, os.WriteFile(path, set.YAML, 0o644))
	loaded, err := manifest.Load([]string{path}, nil)
	require.NoError(b, err)
	var route map[string]any
	for _, o := range loaded.Objects {
		if o.Kind == "HTTPRoute" && o.Name == "route-15" {
			route = o.Body
		}
	}
	require.NotNil(b, route)
	ps, err := policyset.Embedded()
	require.NoError(b, err)
	ctx := context.Background()
	eng, err := engine.New(ctx, ps.Compiler, inventory.Build(loaded.Objects), nil)
	require.NoError(b, err)
	decide, err := eng.Prepare(ctx, "data.refguard.admission.response")
	require.NoError(b, err)
	input := map[string]any{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": map[string]any{"uid": "u", "object": route}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var got admissionReview
		if err := decide(ctx, input, &got); err != nil {
			b.Fatal(err)
		}
		if !got.Response.Allowed {
			b.Fatalf("route-15 is valid: %+v", got.Response)
		}
	}
}
