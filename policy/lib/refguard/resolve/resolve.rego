# METADATA
# title: resolve
# description: |
#   One resolution record per backendRef, following the resolution order of
#   docs/design (rules.md): kind, ReferenceGrant, port presence, existence,
#   usability. The first failing step wins. With no inventory (inv == null,
#   conftest one document at a time) only the steps that need no other
#   object are decided; the rest stay "unresolved".
# scope: package
package lib.refguard.resolve

import data.lib.refguard.grants

# resolve adds the resolution (and the target object, when found) to a record.
resolve(rec, route, inv, profile) := object.union(rec, {
	"resolution": object.union(res, {"reason": object.get(profile.reasons, res.step, "")}),
	"target": target,
}) if {
	target := _target(rec, inv, profile)
	res := resolution(rec, route, inv, profile, target)
}

collection(rec, profile) := profile.kinds[rec.group][rec.kind]

# target returns the referenced object, or null.
_target(rec, inv, profile) := t if {
	not rec.malformed
	is_string(rec.name)
	t := inv[collection(rec, profile)][rec.namespace][rec.name]
} else := null

valid_port(p) if {
	is_number(p)
	round(p) == p
	p >= 1
	p <= 65535
}

_needs_port(rec) if {
	rec.group == ""
	rec.kind == "Service"
}

_ports(target) := ps if {
	ps := target.spec.ports
	is_array(ps)
} else := []

# service_port returns the Service port entry the reference selects.
service_port(target, port) := p if {
	some p in _ports(target)
	p.port == port
}

_protocol(entry) := object.get(entry, "protocol", "TCP")

_wanted_protocol(route) := "UDP" if route.kind == "UDPRoute"

else := "TCP"

is_external_name(target) if target.spec.type == "ExternalName"

# GEP-1911: appProtocol values a route kind cannot carry.
incompatible_app_protocols := {
	"GRPCRoute": {"kubernetes.io/ws", "kubernetes.io/wss"},
	"TCPRoute": {"kubernetes.io/ws", "kubernetes.io/wss", "kubernetes.io/h2c"},
	"TLSRoute": {"kubernetes.io/h2c"},
}

app_protocol_incompatible(route, entry, _, _) if {
	entry.appProtocol in incompatible_app_protocols[route.kind]
}

app_protocol_incompatible(route, entry, rec, inv) if {
	route.kind == "HTTPRoute"
	entry.appProtocol == "kubernetes.io/wss"
	not has_backend_tls_policy(inv, rec)
}

# has_backend_tls_policy: a BackendTLSPolicy in the Service's namespace
# targets it.
has_backend_tls_policy(inv, rec) if {
	some policy in object.get(inv, ["backendtlspolicies", rec.namespace], {})
	some target in policy.spec.targetRefs
	object.get(target, "group", "") == ""
	target.kind == "Service"
	target.name == rec.name
}

_fail(step, detail) := {"ok": false, "step": step, "detail": detail}

_ref_text(rec) := sprintf("%s %s/%s", [rec.kind, rec.namespace, rec.name])

# resolution decides one reference. detail is a short, controller-style
# sentence; rules build their messages on it.
resolution(rec, route, inv, profile, target) := _fail("shape", "backendRef is not an object") if {
	rec.malformed
} else := _fail("shape", "backendRef has no name") if {
	not is_string(rec.name)
} else := _fail("shape", "backendRef has an empty name") if {
	rec.name == ""
} else := _fail("kind", sprintf("unsupported backend group/kind %q/%q", [rec.group, rec.kind])) if {
	not collection(rec, profile)
} else := _fail("grant", sprintf("%s not permitted by any ReferenceGrant in namespace %s", [_ref_text(rec), rec.namespace])) if {
	rec.cross_namespace
	inv != null
	not grants.permitted(inv, route, rec)
} else := _fail("port-missing", sprintf("%s has no port", [_ref_text(rec)])) if {
	_needs_port(rec)
	rec.port == null
} else := _fail("port-invalid", sprintf("%s has an invalid port %v", [_ref_text(rec), rec.port])) if {
	rec.port != null
	not valid_port(rec.port)
} else := {"ok": null, "step": "unresolved", "detail": "no inventory: existence, ports and grants not checked"} if {
	inv == null
} else := _fail("not-found", sprintf("%s not found", [_ref_text(rec)])) if {
	target == null
} else := {"ok": true, "step": "externalname", "detail": sprintf("%s is an ExternalName Service", [_ref_text(rec)])} if {
	is_external_name(target)
} else := _fail("port-not-found", sprintf("%s has no port %v", [_ref_text(rec), rec.port])) if {
	rec.port != null
	not service_port(target, rec.port)
} else := _fail("protocol", sprintf("port %v of %s is %s, a %s needs %s", [rec.port, _ref_text(rec), _protocol(entry), route.kind, _wanted_protocol(route)])) if {
	entry := service_port(target, rec.port)
	_protocol(entry) != _wanted_protocol(route)
} else := _fail("app-protocol", sprintf("port %v of %s has appProtocol %s, which a %s cannot use", [rec.port, _ref_text(rec), entry.appProtocol, route.kind])) if {
	entry := service_port(target, rec.port)
	app_protocol_incompatible(route, entry, rec, inv)
} else := {"ok": true, "step": "resolved", "detail": "resolved"}
