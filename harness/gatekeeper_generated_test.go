package harness_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/internal/testsupport"
)

// TestGatorAgreesOnTheGeneratedEveryRuleSet runs the real Gatekeeper engine
// (gator v3.23) with the generated aggregate template over a generated set
// that plants a failure of every rule, its constraints set to the set's
// config, and asserts the CLI's findings — rule, object, field and
// enforcement — except RG202, which needs the whole set and has no
// template.
func TestGatorAgreesOnTheGeneratedEveryRuleSet(t *testing.T) {
	bin := testsupport.Tool(t, "gator")
	gs := gen.GenerateMix(10*len(allRules(t)), 5, gen.EveryRule) // every rule planted once
	setFile, rep := checkGeneratedSet(t, newChecker(t), gs)
	dir := t.TempDir()

	// The aggregate folder, its constraints' parameters set to the config.
	deploy := filepath.Join(dir, "deploy")
	require.NoError(t, os.Mkdir(deploy, 0o755))
	src := filepath.Join("..", "bundle", "gatekeeper-aggregate")
	template, err := os.ReadFile(filepath.Join(src, "template.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(deploy, "template.yaml"), template, 0o644))
	for _, name := range []string{"constraint-errors.yaml", "constraint-warnings.yaml"} {
		raw, err := os.ReadFile(filepath.Join(src, name))
		require.NoError(t, err)
		var constraint map[string]any
		require.NoError(t, yaml.Unmarshal(raw, &constraint))
		params := constraint["spec"].(map[string]any)["parameters"].(map[string]any)
		params["profile"] = gs.Config["profile"]
		params["severity"] = gs.Config["severity"]
		out, err := yaml.Marshal(constraint)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(deploy, name), out, 0o644))
	}

	var want []string
	for _, f := range rep.Findings {
		if f.Rule == "RG202" || f.Rule == "RG506" {
			continue // rules about the whole set: a cluster has no unused-grant or duplicate to review
		}
		action := "warn"
		if f.Severity == "error" {
			action = "deny"
		}
		// The whole finding as Gatekeeper reports it: the violation's
		// message and every detail a dashboard or audit reads.
		want = append(want, fmt.Sprintf("%s %s %s %s/%s %s %s severity=%s reason=%q fix=%q msg=%q", f.Rule, f.Name, f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field, action,
			f.Severity, f.Reason, f.Fix, fmt.Sprintf("%s: %s (%s)", f.Rule, f.Message, f.Field)))
	}

	out, err := exec.Command(bin, "test", "-f", deploy, "-f", setFile, "-o", "json").Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil // violations found
	}
	require.NoError(t, err, string(out))
	var violations []struct {
		Msg      string `json:"msg"`
		Metadata struct {
			Details struct {
				Rule     string `json:"rule"`
				Name     string `json:"name"`
				Severity string `json:"severity"`
				Field    string `json:"field"`
				Reason   string `json:"reason"`
				Fix      string `json:"fix"`
			} `json:"details"`
		} `json:"metadata"`
		EnforcementAction string `json:"enforcementAction"`
		ViolatingObject   struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		} `json:"violatingObject"`
	}
	require.NoError(t, json.Unmarshal(out, &violations), string(out))
	var got []string
	for _, v := range violations {
		d := v.Metadata.Details
		got = append(got, fmt.Sprintf("%s %s %s %s/%s %s %s severity=%s reason=%q fix=%q msg=%q", d.Rule, d.Name, v.ViolatingObject.Kind, v.ViolatingObject.Metadata.Namespace, v.ViolatingObject.Metadata.Name, d.Field, v.EnforcementAction,
			d.Severity, d.Reason, d.Fix, v.Msg))
	}
	sort.Strings(want)
	sort.Strings(got)
	require.Len(t, want, len(allRules(t))-2+2, "every rule but RG202 and RG506 once, RG103 three times")
	require.Equal(t, want, got)
}
