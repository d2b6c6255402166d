# Helpers for the rule tests: small objects and a context built the way the
# harness builds it. A _test.rego file, so it never ships in the bundle.
package lib.refguard.testutil

import data.lib.refguard.config
import data.lib.refguard.context
import data.lib.refguard.refs

svc(ns, name, ports) := {
	"apiVersion": "v1", "kind": "Service",
	"metadata": {"namespace": ns, "name": name},
	"spec": {"ports": ports},
}

port(n) := {"port": n}

# ca_configmap: a ConfigMap holding a CA certificate under ca.crt, as a
# BackendTLSPolicy's caCertificateRefs name one.
ca_configmap(ns, name) := {
	"apiVersion": "v1", "kind": "ConfigMap",
	"metadata": {"namespace": ns, "name": name},
	"data": {"ca.crt": "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"},
}

route(kind, ns, name, backend_refs) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": kind,
	"metadata": {"namespace": ns, "name": name},
	"spec": {"parentRefs": [{"name": "gw"}], "rules": [{"backendRefs": backend_refs}]},
}

http(backend_refs) := route("HTTPRoute", "app", "r", backend_refs)

# http_with_rules: an HTTPRoute app/r with these rules.
http_with_rules(rules) := json.patch(http([]), [{"op": "replace", "path": "/spec/rules", "value": rules}])

grant(ns, name, from, to) := {
	"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
	"metadata": {"namespace": ns, "name": name},
	"spec": {"from": from, "to": to},
}

# inventory indexes objects the way every adapter does.
inventory(objs) := inventory_in(objs, refs.collections)

# inventory_in: objs indexed by a table of collections (a config's:
# lib.refguard.config.collections).
inventory_in(objs, collections) := {c: by_ns |
	some c, spec in collections
	by_ns := {ns: {o.metadata.name: o | some o in objs; o.kind == spec.kind; o.metadata.namespace == ns} |
		some obj in objs
		obj.kind == spec.kind
		ns := obj.metadata.namespace
	}
}

ctx(route, objs) := context.build(route, inventory(objs), {})

ctx_with(route, objs, cfg) := context.build(route, inventory_in(objs, config.collections(cfg)), cfg)

# no_inventory is the context conftest builds one document at a time.
no_inventory(route) := context.build(route, null, {})

grant_ctx(g) := context.grant_context(g, {})

rules(findings) := {f.rule | some f in findings}

fields(findings) := {f.field | some f in findings}

# context_with_inventory: a context over an inventory given as it is
# (collections of a config's backend_lookups, which inventory does not know).
context_with_inventory(route, inv, cfg) := context.build(route, inv, cfg)
