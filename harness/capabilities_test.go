package harness_test

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/policy"
)

// TestPolicyCompilesForGatekeeper323: Gatekeeper 3.23 embeds OPA v1.17.1;
// the whole policy must compile strictly against those capabilities.
func TestPolicyCompilesForGatekeeper323(t *testing.T) {
	caps, err := ast.LoadCapabilitiesVersion("v1.17.1")
	require.NoError(t, err)
	modules, err := engine.Modules(policy.FS)
	require.NoError(t, err)
	parsed := map[string]*ast.Module{}
	for name, src := range modules {
		m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV1, Capabilities: caps})
		require.NoError(t, err)
		parsed[name] = m
	}
	c := ast.NewCompiler().WithCapabilities(caps).WithStrict(true)
	c.Compile(parsed)
	require.False(t, c.Failed(), "%v", c.Errors)
}
