# METADATA
# title: Service does not expose the port
# description: |
#   The Service exists but none of its `spec.ports[].port` equals the
#   backendRef's port. Contour and NGINX Gateway Fabric report
#   BackendNotFound, Envoy Gateway PortNotFound, Istio does not report it at
#   all (traffic still fails). A common slip is the container port: if the
#   port equals a `targetPort`, use the Service port instead.
# related_resources:
#   - description: "Gateway API BackendRef port"
#     ref: https://gateway-api.sigs.k8s.io/reference/spec/#backendref
#   - description: "Kubernetes Service ports"
#     ref: https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
# custom:
#   id: RG105
#   name: backend-port-not-found
#   severity: error
#   since: 0.1.0
#   reason: "BackendNotFound"
#   scope: inventory
# scope: package
package lib.refguard.rules.backend_port_not_found

import data.lib.refguard.resolve
import data.lib.refguard.result

# A kind looked up by a config's backend_lookups lists the ports it
# declares (lib.refguard.resolve.declared_ports); a Service its spec.ports.
_port_list(rec) := concat(", ", [sprintf("%v", [p]) | some p in rec.resolution.ports]) if {
	is_array(rec.resolution.ports)
}

else := concat(", ", [sprintf("%s/%s", [_shown(p.port), object.get(p, "protocol", "TCP")]) | some p in rec.target.spec.ports])

_declared(rec) := sprintf("ports: %s", [list]) if {
	list := _port_list(rec)
	list != ""
} else := "it declares none"

# _subject: the object whose ports were read: the referenced one, or the
# one the profile reads through it (a Cilium ServiceImport's derived
# Service).
_subject(ctx, rec) := sprintf("%s %s/%s, read through %s %s/%s,", [rec.kind, rec.namespace, rec.name, d.kind, rec.namespace, d.name]) if {
	d := resolve.derivation(rec, ctx.inv, ctx.profile)
} else := sprintf("%s %s/%s", [rec.kind, rec.namespace, rec.name])

_shown(port) := sprintf("%q", [port]) if is_string(port)

else := sprintf("%v", [port])

_by_target(rec) := {p.port |
	some p in rec.target.spec.ports
	p.targetPort == rec.port
}

# _by_node: the Service ports whose nodePort the reference names (a
# NodePort or LoadBalancer Service's port on every node, which a Gateway
# does not use).
_by_node(rec) := {p.port |
	some p in rec.target.spec.ports
	p.nodePort == rec.port
}

_ports(rec) := {p | some p in rec.resolution.ports} if {
	is_array(rec.resolution.ports)
}

else := {p.port | some p in rec.target.spec.ports; is_number(p.port)}

# _quoted: the Service writes the port meant as a string ("80", often a
# quoted Helm value). The API server refuses such a Service, so it never
# exists; the route is right and is left alone.
_quoted(rec) if {
	some p in rec.target.spec.ports
	is_string(p.port)
	p.port == sprintf("%v", [rec.port])
}

_hint(rec) := sprintf("; the Service writes port %q as a string, which the API server refuses, so the Service is never created: write port: %v in the Service", [p, rec.port]) if {
	_quoted(rec)
	p := sprintf("%v", [rec.port])
} else := sprintf("; %v is a targetPort: use the Service port %v, not the target port", [rec.port, concat(" or ", [sprintf("%v", [p]) | some p in _by_target(rec)])]) if {
	count(_by_target(rec)) > 0
} else := sprintf("; %v is a nodePort: use the Service port %v, not the node port", [rec.port, concat(" or ", [sprintf("%v", [p]) | some p in _by_node(rec)])]) if {
	count(_by_node(rec)) > 0
} else := ""

# _port: the Service port meant, when one is clear: the one behind the
# targetPort or nodePort the reference names, else the Service's only port;
# none for a port the Service writes as a string (the route is right).
_port(rec) := p if {
	not _quoted(rec)
	meant := _meant(rec)
	count(meant) == 1
	some p in meant
}

_meant(rec) := _by_target(rec) if {
	count(_by_target(rec)) > 0
} else := _by_node(rec) if {
	count(_by_node(rec)) > 0
} else := _ports(rec)

_repair(ctx, rec) := result.set_repair(ctx.object, sprintf("%s.port", [rec.field]), "port", _port(rec)) if _port(rec)

else := {"fix": "", "edits": []}

findings(ctx) := on_target | portless if {
	on_target := {f |
		some rec in ctx.records
		rec.resolution.step == "port-not-found"
		rec.target != null
		f := result.reference_finding("RG105", ctx, rec, object.union(_repair(ctx, rec), {
			"reason": rec.resolution.reason,
			"message": sprintf("%s has no port %v (%s)%s%s", [_subject(ctx, rec), rec.port, _declared(rec), _hint(rec), result.undetected(ctx, rec)]),
		}))
	}

	# A kind that declares its port itself (a kgateway Backend): the
	# controller looks the reference up with its port and finds nothing.
	portless := {f |
		some rec in ctx.records
		rec.resolution.step == "port-not-found"
		rec.target == null
		f := result.reference_finding("RG105", ctx, rec, {
			"reason": rec.resolution.reason,
			"message": sprintf("%s; remove port %v from the backendRef", [rec.resolution.detail, rec.port]),
			"fix": "remove port",
			"edits": [result.remove_edit(ctx.object, sprintf("%s.port", [rec.field]))],
		})
	}
}
