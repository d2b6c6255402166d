package harness_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// TestReasonsAreGatewayAPIReasons: every ResolvedRefs reason a rule
// declares is one the Gateway API defines (sigs.k8s.io/gateway-api v1.6).
func TestReasonsAreGatewayAPIReasons(t *testing.T) {
	known := map[string]bool{
		string(gatewayv1.RouteReasonRefNotPermitted):     true,
		string(gatewayv1.RouteReasonInvalidKind):         true,
		string(gatewayv1.RouteReasonBackendNotFound):     true,
		string(gatewayv1.RouteReasonUnsupportedProtocol): true,
		"": true,
	}
	for _, r := range allRules(t) {
		require.True(t, known[r.Reason], "%s declares reason %q, not a Gateway API RouteConditionReason", r.ID, r.Reason)
	}
	require.Equal(t, "ResolvedRefs", string(gatewayv1.RouteConditionResolvedRefs))
}
