package harness_test

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
)

// TestPrintableAgreesWithClean: the messages the policy hands to printers
// it does not control (conftest, kubectl, gator) are escaped by
// lib.refguard.result.printable; what the CLI prints is escaped by
// report.Clean. Both say which characters act on a terminal or a CI log,
// so on every character of the first planes they must give the same text.
func TestPrintableAgreesWithClean(t *testing.T) {
	set, err := policyset.Embedded()
	require.NoError(t, err)
	compiler, err := set.Compiler()
	require.NoError(t, err)
	var texts []string
	for r := rune(0); r < 0x3000; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue // surrogates are no characters
		}
		texts = append(texts, "a"+string(r)+"b")
	}
	texts = append(texts, "\ufffd", "\u202e\u2066 mixed \x1b[31m\ttab\r\n")
	rs, err := rego.New(
		rego.Query(`[data.lib.refguard.result.printable(s) | some s in input]`),
		rego.Compiler(compiler),
		rego.Input(texts),
	).Eval(context.Background())
	require.NoError(t, err)
	got := rs[0].Expressions[0].Value.([]any)
	require.Len(t, got, len(texts))
	for i, s := range texts {
		require.Equal(t, report.Clean(s, false), got[i], "%q", s)
	}
}
