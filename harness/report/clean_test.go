package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain name":                     "plain name",
		"caf\u00e9 \u4e2d":               "caf\u00e9 \u4e2d",
		"\x1b[2J\x1b[Hall checks passed": `\x1b[2J\x1b[Hall checks passed`,
		"a\rb\nc\td":                     `a\x0db\x0ac` + "\td",
		"\x1b]8;;http://x\x07link":       `\x1b]8;;http://x\x07link`,
		"\u202eevil\u202c":               `\u202eevil\u202c`,
		"c1\u009bx":                      `c1\u009bx`,
		"bad\xffbyte":                    `bad\xffbyte`,
	} {
		require.Equal(t, want, Clean(in, false), "%q", in)
	}
	require.Equal(t, "line 1\nline\\x1b2\n", Clean("line 1\nline\x1b2\n", true))
}

// TestTextAndGitHubEscapeInput: a manifest's names cannot write escape
// sequences to a terminal or start a workflow command in a CI log.
func TestTextAndGitHubEscapeInput(t *testing.T) {
	hostile := "web\x1b[2K\r✔ all checks passed\n::error::forged"
	rep := &Report{Findings: []Finding{{
		PolicyFinding: PolicyFinding{Rule: "RG103", Name: "backend-not-found", Severity: "error",
			Object: ObjectRef{Kind: "HTTPRoute", Namespace: "app", Name: hostile}, Field: "spec.rules[0].backendRefs[0]",
			Message: "Service app/" + hostile + " not found", Fix: "set name: " + hostile},
		File: "deploy/\x1b]0;title\x07route.yaml", Line: 3,
	}}, Routes: []Route{{Object: ObjectRef{Kind: "HTTPRoute", Namespace: "app", Name: hostile}, Conditions: []Condition{{Type: "ResolvedRefs", Status: "False", Reason: "BackendNotFound"}}}}}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"text":   func(b *bytes.Buffer) error { return Text(b, Meta{Profile: "spec"}, rep, Style{}) },
		"github": func(b *bytes.Buffer) error { return GitHub(b, rep) },
	} {
		var b bytes.Buffer
		require.NoError(t, write(&b))
		out := b.String()
		require.NotContains(t, out, "\x1b", name)
		require.NotContains(t, out, "\r", name)
		require.NotContains(t, out, "\x07", name)
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			require.False(t, strings.HasPrefix(line, "::error::forged"), "%s: a forged workflow command: %q", name, line)
		}
	}
}
