package lib.refguard.rules.backend_tls_policy_unapplied_test

import data.lib.refguard.rules.backend_tls_policy_unapplied
import data.lib.refguard.testutil as t

_policy(section) := {
	"apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy",
	"metadata": {"namespace": "app", "name": "web-tls"},
	"spec": {
		"targetRefs": [{"group": "", "kind": "Service", "name": "web", "sectionName": section}],
		"validation": {"wellKnownCACertificates": "System", "hostname": "web.example.com"},
	},
}

_findings(ports, policies, port, kind) := backend_tls_policy_unapplied.findings(t.ctx_with(
	t.route(kind, "app", "r", [{"name": "web", "port": port}]),
	array.concat([t.svc("app", "web", ports)], policies),
	{},
))

_https := {"name": "https", "port": 443}

_http := {"name": "http", "port": 80}

test_a_misspelt_section_name_leaves_the_port_in_plain_text if {
	[f] := [f | some f in _findings([_http, _https], [_policy("htps")], 443, "HTTPRoute")]
	[f.severity, f.reason] == ["warning", ""]
	contains(f.message, `by sectionName "htps", which is no port's name (http 80, https 443)`)
	f.fix == "set sectionName: https in BackendTLSPolicy app/web-tls, the name of port 443"

	# the closest name, not one that is a prefix of it
	web := [{"name": "web", "port": 80}, {"name": "web-tls", "port": 443}]
	count(_findings(web, [_policy("webtls")], 443, "HTTPRoute")) == 1
	count(_findings(web, [_policy("webtls")], 80, "HTTPRoute")) == 0
}

test_a_section_name_on_a_single_unnamed_port_never_applies if {
	[f] := [f | some f in _findings([t.port(8443)], [_policy("https")], 8443, "GRPCRoute")]
	startswith(f.fix, "remove sectionName from BackendTLSPolicy app/web-tls: port 8443 has no name")
}

test_near_misses if {
	# the name matches: the policy applies
	count(_findings([_http, _https], [_policy("https")], 443, "HTTPRoute")) == 0

	# meant for another port: the plain one is left alone
	count(_findings([_http, _https], [_policy("htps")], 80, "HTTPRoute")) == 0

	# another policy covers the port
	whole := json.patch(_policy("x"), [
		{"op": "remove", "path": "/spec/targetRefs/0/sectionName"},
		{"op": "replace", "path": "/metadata/name", "value": "all"},
	])
	count(_findings([_http, _https], [_policy("htps"), whole], 443, "HTTPRoute")) == 0

	# a TLSRoute passes TLS through
	count(_findings([t.port(8443)], [_policy("https")], 8443, "TLSRoute")) == 0
}
