# METADATA
# title: backendRef weight out of range
# description: |
#   The weight is not an integer from 0 to 1,000,000. The API server's schema
#   rejects the route.
# related_resources:
#   - description: "Gateway API BackendRef weight"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
# custom:
#   id: RG502
#   name: backend-weight-invalid
#   severity: error
#   since: 0.1.0
#   reason: ""
#   scope: route
# scope: package
package lib.refguard.rules.backend_weight_invalid

import data.lib.refguard.result
import data.lib.refguard.schema

findings(ctx) := {f |
	some rec in ctx.records
	schema.weight_rejected(rec)
	f := result.finding("RG502", ctx, rec.field, {
		"message": sprintf("weight %s is not an integer from 0 to 1000000", [json.marshal(rec.weight)]),
		"fix": "",
	})
}
