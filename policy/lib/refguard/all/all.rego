# METADATA
# title: all
# description: |
#   Every rule, in one place: the CLI, the admission decision and the
#   parity tests call these. A Go test fails when a rule package is missing
#   here.
# scope: package
package lib.refguard.all

import data.lib.refguard.config
import data.lib.refguard.refs
import data.lib.refguard.resolve
import data.lib.refguard.rules.backend_app_protocol_nonstandard
import data.lib.refguard.rules.backend_app_protocol_unsupported
import data.lib.refguard.rules.backend_duplicate
import data.lib.refguard.rules.backend_externalname_service
import data.lib.refguard.rules.backend_filter_unsupported
import data.lib.refguard.rules.backend_implicit_group_kind
import data.lib.refguard.rules.backend_kind_unsupported
import data.lib.refguard.rules.backend_name_is_hostname
import data.lib.refguard.rules.backend_not_found
import data.lib.refguard.rules.backend_object_rejected
import data.lib.refguard.rules.backend_port_invalid
import data.lib.refguard.rules.backend_port_missing
import data.lib.refguard.rules.backend_port_not_found
import data.lib.refguard.rules.backend_port_protocol_mismatch
import data.lib.refguard.rules.backend_ref_not_permitted
import data.lib.refguard.rules.backend_tls_ca_not_found
import data.lib.refguard.rules.backend_tls_policy_unapplied
import data.lib.refguard.rules.backend_weight_invalid
import data.lib.refguard.rules.filter_ref_not_found
import data.lib.refguard.rules.grant_from_own_namespace
import data.lib.refguard.rules.grant_shape_invalid
import data.lib.refguard.rules.grant_unused
import data.lib.refguard.rules.grant_version_not_served
import data.lib.refguard.rules.grant_wildcard_to
import data.lib.refguard.rules.object_duplicate_conflict
import data.lib.refguard.rules.route_shape_invalid
import data.lib.refguard.rules.route_version_not_served
import data.lib.refguard.rules.rule_all_backends_invalid
import data.lib.refguard.rules.rule_no_backends
import data.lib.refguard.rules.rule_redirect_with_backends
import data.lib.refguard.rules.rule_weights_all_zero

# route_findings: every finding of every route-level rule for one context.
# The rules that fire only on a reference whose resolution stopped at one
# step (rules.md, resolution order) are called only for the steps the
# route's references stopped at: a healthy route calls none of them.
#
# The rules that run for every route are called from two comprehensions, the
# rules about references and the rules about the route and its rules: OPA
# keeps a body's variables in a small array up to 16 and in a map beyond,
# and thirteen calls in one body cost that map for every route.
route_findings(ctx) := (({f |
	some findings in [
		backend_app_protocol_nonstandard.findings(ctx),
		backend_duplicate.findings(ctx),
		backend_implicit_group_kind.findings(ctx),
		backend_kind_unsupported.findings(ctx), # also group "core" where tolerated
		backend_port_invalid.findings(ctx),
		backend_port_missing.findings(ctx),
		backend_weight_invalid.findings(ctx),
	]
	some f in findings
} | {f |
	some findings in [
		route_shape_invalid.findings(ctx),
		route_version_not_served.findings(ctx),
		rule_all_backends_invalid.findings(ctx),
		rule_no_backends.findings(ctx),
		rule_redirect_with_backends.findings(ctx),
		rule_weights_all_zero.findings(ctx),
	]
	some f in findings
}) | {f |
	some step in {rec.resolution.step | some rec in ctx.records}
	some f in _at_step(ctx, step)
}) | {f |
	count(ctx.profile.filter_lookups) > 0 # most profiles look no filter up
	count(resolve.rule_filter_failures(ctx.route, ctx.inv, ctx.profile)) > 0 # no reference stops for a rule's own filter
	some f in filter_ref_not_found.findings(ctx)
}

# _at_step: the findings of the rules that fire at one resolution step. The
# step is compared in the body, not written as a constant argument: OPA's
# rule index selects the one definition by a body equality on an argument,
# and would otherwise evaluate all seven for every step of every route.
_at_step(ctx, step) := backend_filter_unsupported.findings(ctx) if step == "filter"

_at_step(ctx, step) := backend_filter_unsupported.findings(ctx) if step == "filter-ignored"

_at_step(ctx, step) := backend_filter_unsupported.findings(ctx) if step == "filter-type"

_at_step(ctx, step) := backend_ref_not_permitted.findings(ctx) if step == "grant"

_at_step(ctx, step) := backend_ref_not_permitted.findings(ctx) if step == "namespace-set"

_at_step(ctx, step) := backend_ref_not_permitted.findings(ctx) if step == "grant-alias"

_at_step(ctx, step) := backend_not_found.findings(ctx) | backend_name_is_hostname.findings(ctx) if step == "not-found"

_at_step(ctx, step) := backend_not_found.findings(ctx) if step == "delegation-cycle"

_at_step(ctx, step) := backend_name_is_hostname.findings(ctx) if step == "dotted-name"

_at_step(ctx, step) := backend_externalname_service.findings(ctx) if step == "externalname"

_at_step(ctx, step) := backend_object_rejected.findings(ctx) if step == "backend-invalid"

_at_step(ctx, step) := backend_object_rejected.findings(ctx) if step == "backend-unsupported"

_at_step(ctx, step) := backend_object_rejected.findings(ctx) if step == "backend-address"

_at_step(ctx, step) := backend_object_rejected.findings(ctx) if step == "backend-address-type"

_at_step(ctx, step) := backend_object_rejected.findings(ctx) if step == "backend-tls"

_at_step(ctx, step) := backend_tls_ca_not_found.findings(ctx) if step == "backend-tls-ca"

_at_step(ctx, step) := backend_tls_policy_unapplied.findings(ctx) if step == "backend-tls-unapplied"

_at_step(ctx, step) := filter_ref_not_found.findings(ctx) if step == "backend-filter-not-found"

_at_step(ctx, step) := backend_port_not_found.findings(ctx) if step == "port-not-found"

_at_step(ctx, step) := backend_port_protocol_mismatch.findings(ctx) if step == "protocol"

_at_step(ctx, step) := backend_app_protocol_unsupported.findings(ctx) if step == "app-protocol"

# grant_findings: every finding of the rules that look at one ReferenceGrant.
grant_findings(ctx) := {f |
	some findings in [
		grant_from_own_namespace.findings(ctx),
		grant_shape_invalid.findings(ctx),
		grant_version_not_served.findings(ctx),
		grant_wildcard_to.findings(ctx),
	]
	some f in findings
}

# set_findings: findings that need the whole checked set (used grants).
set_findings(ctx, used) := grant_unused.findings(ctx, used)

# duplicate_findings: the findings about every object the checked set
# defines more than once (RG506). groups holds, per object, its copies in
# the order the set was read: [{"file", "identity" (apiVersion, kind,
# namespace, name), "object"}]. inventory_fields is
# lib.refguard.resolve.inventory_fields, handed in by the caller: OPA's
# Wasm compiler rejects a function that reads a rule its build also exports
# as an entrypoint ("used as reference, not called").
duplicate_findings(groups, cfg, inventory_fields) := {f |
	eff := config.effective(cfg)
	some copies in groups
	count(copies) > 1
	id := copies[0].identity
	collection := concat("", [c | some c, spec in refs.collections; refs.collection_group(spec) == refs.api_group(id.apiVersion); spec.kind == id.kind])
	ctx := {"object": id, "fields": object.get(inventory_fields, collection, null), "cfg": eff}
	some f in object_duplicate_conflict.findings(ctx, copies)
}
