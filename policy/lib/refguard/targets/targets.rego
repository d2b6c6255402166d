# METADATA
# title: targets
# description: |
#   What a controller checks of the object a reference found, once it
#   exists: a profile names, per inventory collection, the check its
#   controller makes (profile.target_checks), and rejected returns the step
#   the reference stops at and a controller-style detail, or is undefined
#   when the controller accepts the object; and the BackendTLSPolicy that
#   applies to a Service port (tls_policy), with what a controller refuses
#   in it. Sources and the versions they were read at: docs/profiles.md.
# scope: package
package lib.refguard.targets

import data.lib.refguard.similar

# envoy-gateway-backend: Envoy Gateway's Backend (internal/gatewayapi
# backend.go validateBackend, validate.go validateBackendRefBackend, route.go
# validateDestinationSettings), in its order: a DynamicResolver with
# endpoints, TLS without a CA, an endpoint address it rejects, a Unix
# socket (never allowed behind a route), FQDN and IP endpoints mixed; then
# what the route's rule does with it (route.go), in the order of its
# switch: a DynamicResolver that carries traffic in a rule whose
# HTTPRouteFilter rewrites the host from the path (the upstream host would
# come from request text the forward proxy's loopback guard never sees),
# then one beside other backendRefs of an HTTPRoute or TLSRoute rule.
# in_rule: the reference's route kind, weight, rule's backendRefs and the
# objects its rule's ExtensionRef filters resolve to.
rejected("envoy-gateway-backend", backend, inv, in_rule) := _eg_backend(backend, inv, in_rule)

_eg_backend(backend, inv, in_rule) := _stop("backend-invalid", "DynamicResolver type cannot have endpoints specified") if {
	backend.spec.type == "DynamicResolver"
	count(_endpoints(backend)) > 0
} else := _stop("backend-invalid", "must specify either CACertificateRefs or WellKnownCACertificates when InsecureSkipVerify is unset or false") if {
	_eg_tls_without_ca(backend, inv)
} else := _stop("backend-address", details[0]) if {
	# the first endpoint rejected, as Envoy Gateway returns at it
	details := [d | some endpoint in _endpoints(backend); d := _eg_invalid_address(endpoint)]
	count(details) > 0
} else := _stop("backend-address-type", "unix domain sockets are not supported in backend references") if {
	some endpoint in _endpoints(backend)
	is_object(endpoint.unix)
} else := _stop("backend-address-type", "mixed FQDN and IP or Unix address type for the same backendRef is not supported") if {
	some endpoint in _endpoints(backend)
	is_object(endpoint.fqdn)
	some other in _endpoints(backend)
	is_object(other.ip)
} else := _stop("backend-unsupported", "host rewrite from path (PathRegex) is not supported with a dynamic resolver backend: the rule answers every request with 500") if {
	backend.spec.type == "DynamicResolver"
	in_rule.weight != 0
	some filter in object.get(in_rule, "filters", [])
	filter.kind == "HTTPRouteFilter"
	filter.spec.urlRewrite.hostname.type == "PathRegex"
} else := _stop("backend-invalid", "dynamic resolver is not supported for multiple backendRefs: the rule answers every request with 500") if {
	backend.spec.type == "DynamicResolver"
	_eg_dynamic_resolver_shared(in_rule)
}

# _eg_dynamic_resolver_shared: a DynamicResolver that carries traffic is
# not its rule's only destination. An HTTPRoute rule counts every
# backendRef, zero weights included (processHTTPRouteRule); a TLSRoute
# rule those that carry traffic (processTLSRouteParentRefs, which also
# leaves out the ones that fail: counted here, their own failure fails the
# route anyway). A GRPCRoute rule has no such check.
_eg_dynamic_resolver_shared(in_rule) if {
	in_rule.route_kind == "HTTPRoute"
	in_rule.weight != 0
	count(in_rule.refs) > 1
}

_eg_dynamic_resolver_shared(in_rule) if {
	in_rule.route_kind == "TLSRoute"
	in_rule.weight > 0
	count([r | some r in in_rule.refs; object.get(r, "weight", 1) != 0]) > 1
}

_stop(step, detail) := {"step": step, "detail": detail}

_endpoints(backend) := e if {
	e := backend.spec.endpoints
	is_array(e)
} else := []

# TLS towards the Backend verifies the server unless insecureSkipVerify is
# true, so it needs a CA: in the Backend's own tls, or in BackendTLSPolicies
# of its namespace that target it whole or cover every endpoint's port
# (sectionName is the port, as a string).
_eg_tls_without_ca(backend, inv) if {
	tls := backend.spec.tls
	is_object(tls)
	not tls.insecureSkipVerify == true
	not _has_ca(tls)
	not _policy_ca_for_whole(backend, inv)
	not _policy_ca_for_every_port(backend, inv)
}

_has_ca(holder) if holder.wellKnownCACertificates

_has_ca(holder) if count(object.get(holder, "caCertificateRefs", [])) > 0

_targeting(backend, inv) := [[target, policy] |
	some policy in object.get(inv, ["backendtlspolicies", object.get(backend.metadata, "namespace", "default")], {})
	some target in policy.spec.targetRefs
	target.group == "gateway.envoyproxy.io"
	target.kind == "Backend"
	target.name == backend.metadata.name
]

_policy_ca_for_whole(backend, inv) if {
	some [target, policy] in _targeting(backend, inv)
	not target.sectionName
	_has_ca(policy.spec.validation)
}

_policy_ca_for_every_port(backend, inv) if {
	ports := {sprintf("%v", [p]) | some endpoint in _endpoints(backend); p := _port(endpoint)}
	count(ports) > 0
	covered := {target.sectionName | some [target, policy] in _targeting(backend, inv); _has_ca(policy.spec.validation)}
	count(ports - covered) == 0
}

_port(endpoint) := endpoint.fqdn.port

_port(endpoint) := endpoint.ip.port if not endpoint.fqdn

_eg_invalid_address(endpoint) := d if {
	d := _invalid_hostname(endpoint.hostname, "hostname")
} else := d if {
	d := _invalid_hostname(endpoint.fqdn.hostname, "FQDN")
} else := d if {
	not endpoint.fqdn
	d := _invalid_ip(endpoint.ip.address)
}

# A hostname must be a DNS subdomain with at least two labels and not an
# IP address (Envoy Gateway outside its Host infrastructure).
_invalid_hostname(host, type) := sprintf("hostname %s is not a valid %s", [host, type]) if {
	not _dns_subdomain(trim_suffix(host, "."))
} else := sprintf("hostname %s should be a domain with at least two segments separated by dots", [host]) if {
	count(split(host, ".")) < 2
} else := sprintf("hostname %s is an IP address", [host]) if {
	_ip(host)
}

_dns_subdomain(s) if {
	count(s) <= 253
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, s)
}

_invalid_ip(address) := sprintf("IP address %s is invalid", [address]) if {
	not _ip(address)
} else := sprintf("IP address %s in the loopback range is only supported when using the Host infrastructure", [address]) if {
	_loopback(address)
}

_ip(s) if {
	is_string(s)
	regex.match(`^[0-9.]+$`, s)
	net.cidr_is_valid(sprintf("%s/32", [s]))
}

_ip(s) if {
	is_string(s)
	contains(s, ":")
	net.cidr_is_valid(sprintf("%s/128", [s]))
}

_loopback(address) if net.cidr_contains("127.0.0.0/8", address)

_loopback(address) if net.cidr_contains("::1/128", address)

# tls_policy: the BackendTLSPolicy a controller applies to a Service port,
# as NGINX Gateway Fabric (graph/backend_refs.go
# selectBackendTLSPolicyForService) and Traefik (loadHTTPServers) select
# it: one in the Service's namespace with a target of kind Service, group
# "" or core, the Service's name, and no sectionName or the port's name;
# of several, the oldest, then the first by name. Envoy Gateway prefers a
# target naming the port to one that does not, which differs only when
# several policies target one port (a conflict GEP-1897 resolves the same
# way by age). {"namespace", "name", "policy"}; undefined when none
# applies.
tls_policy(inv, rec, entry) := {"namespace": rec.namespace, "name": winner[1], "policy": winner[2]} if {
	candidates := {[object.get(policy, ["metadata", "creationTimestamp"], ""), name, policy] |
		some name, policy in object.get(inv, ["backendtlspolicies", rec.namespace], {})
		some target in policy.spec.targetRefs
		target.kind == "Service"
		object.get(target, "group", "") in {"", "core"}
		target.name == rec.name
		_section_matches(target, entry)
	}
	count(candidates) > 0
	winner := sort(candidates)[0]
}

_section_matches(target, _) if object.get(target, "sectionName", null) == null

_section_matches(target, entry) if target.sectionName == object.get(entry, "name", null)

# unapplied_tls_policies: [name, sectionName] of the BackendTLSPolicies in
# the reference's namespace that target its Service (svc) by a port name
# the Service does not have, where that name was most likely meant for the
# port the reference uses (entry): the Service has that one port, or the
# port's name is the closest of the Service's to it. Such a policy applies
# to no port (a sectionName names a port: GEP-1897), so the controller
# connects to the backend in plain text where TLS was meant.
unapplied_tls_policies(inv, rec, svc, entry) := sort([[name, section] |
	some name, policy in object.get(inv, ["backendtlspolicies", rec.namespace], {})
	some target in policy.spec.targetRefs
	target.kind == "Service"
	object.get(target, "group", "") in {"", "core"}
	target.name == rec.name
	section := target.sectionName
	is_string(section)
	not section in {port.name | some port in svc.spec.ports}
	_meant_for(section, svc, entry)
])

_meant_for(_, svc, _) if count(svc.spec.ports) == 1

# A port name is meant when it is among the closest of the Service's by
# bigrams (similar.by_bigrams). Not similar.suggest: its affix rule, made
# for a Service name under a kustomize or Helm prefix, would take web for
# webtls over web-tls.
_meant_for(section, svc, entry) if entry.name in similar.by_bigrams(section, {port.name | some port in svc.spec.ports; is_string(port.name)})

# tls_policy_rejected: why a controller cannot use the CA certificates a
# BackendTLSPolicy names (check: the profile's tls_policy_checks), worded as
# its condition; undefined for a policy it uses. Connections through a
# policy without a usable CA fail (5xx: GEP-1897, the conformance test
# BackendTLSPolicyInvalidKind). What the API server refuses already (both
# CA sources, neither) is not checked; the CA ConfigMaps themselves are
# tls_policy_problem's.
#   spec                  no reference of a kind a controller reads: a
#                         ConfigMap (Core support) or a Secret in the core
#                         group.
#   envoy-gateway         none of kind ConfigMap, Secret or
#                         ClusterTrustBundle, in any group
#                         (backendtlspolicy.go getCaCertsFromCARefs).
#   nginx-gateway-fabric  more than one reference, or one of another kind
#                         than ConfigMap or Secret, or another group than
#                         "" or core (validateBackendTLSCACertRef).
#   traefik               any reference of another kind or group
#                         (httproute.go loadServersTransport).
#   contour               any reference of another kind than ConfigMap or
#                         Secret, or a well-known CA set, System too
#                         (internal/dag/gatewayapi_processor.go
#                         computeBackendTLSPolicy: the policy is then not
#                         applied, and Contour speaks plain text to the
#                         backend).
#   cilium                more than one reference, or one that is not a
#                         ConfigMap in the core group
#                         (operator/pkg/gateway-api/policychecks
#                         backendtlspolicy.go ValidateSpec: the policy is
#                         then not applied, and Cilium speaks plain text
#                         to the backend).
#   istio                 a first reference that is not a ConfigMap in the
#                         core group: Secrets are not supported, and the
#                         others are ignored (backend_policies.go
#                         getBackendTLSCredentialName, which then blocks
#                         traffic with an invalid credential).
# A well-known CA set instead of references: System is the one known
# (_well_known_problem).
tls_policy_rejected(check, policy) := problem if {
	validation := policy.spec.validation
	object.get(validation, "wellKnownCACertificates", null) == null
	cas := object.get(validation, "caCertificateRefs", [])
	count(cas) > 0
	problem := _ca_problem(check, cas)
} else := problem if {
	known := policy.spec.validation.wellKnownCACertificates
	is_string(known)
	problem := _well_known_problem(check, known)
}

# _well_known_problem: a well-known CA set the controller does not know.
# The API admits implementation-specific names (example.com/cas); the
# controllers modelled here know System only, and Traefik reads none of
# it (it uses the system CAs for any value: loadServersTransport).
_well_known_problem("spec", known) := sprintf("wellKnownCACertificates %q is not a set the controllers know (only System)", [known]) if known != "System"

# Envoy Gateway reads a set other than System as no CA at all, and says so
# as of CA references of no kind it reads (getBackendTLSBundle).
_well_known_problem("envoy-gateway", known) := _eg_no_ca if known != "System"

_well_known_problem("contour", known) := "BackendTLSPolicy.Spec.Validation.WellKnownCACertificates is unsupported" if known != ""

_well_known_problem("nginx-gateway-fabric", known) := sprintf(`invalid WellKnownCACertificates: tls.wellknowncacertificates: Unsupported value: %q: supported values: "System"`, [known]) if known != "System"

# _eg_no_ca: Envoy Gateway's ErrInvalidCACertificateKind, as it words it.
_eg_no_ca := "Unsupported reference kind, supported kinds are ConfigMap, Secret, and ClusterTrustBundle in caCertificateRefs"

_ca_problem("spec", cas) := sprintf("no caCertificateRef of a kind controllers read (ConfigMap, or Secret, in the core group): %s", [_ca_list(cas)]) if {
	every ca in cas {
		not _core_ca(ca, {"ConfigMap", "Secret"}, {""})
	}
}

_ca_problem("envoy-gateway", cas) := _eg_no_ca if {
	every ca in cas {
		not object.get(ca, "kind", "") in {"ConfigMap", "Secret", "ClusterTrustBundle"}
	}
}

_ca_problem("nginx-gateway-fabric", cas) := sprintf("validation.caCertificateRefs: Too many: %d: must have at most 1 items", [count(cas)]) if {
	count(cas) > 1
} else := sprintf(`validation.caCertificateRefs[0].kind: Unsupported value: %q: supported values: "ConfigMap", "Secret"`, [cas[0].kind]) if {
	not object.get(cas[0], "kind", "") in {"ConfigMap", "Secret"}
} else := sprintf(`validation.caCertificateRefs[0].group: Unsupported value: %q: supported values: "", "core"`, [cas[0].group]) if {
	not object.get(cas[0], "group", "") in {"", "core"}
}

_ca_problem("contour", cas) := sprintf("BackendTLSPolicy.Spec.Validation.CACertificateRef.Kind %q is unsupported. Only ConfigMap or Secret Kind is supported", [kind]) if {
	some ca in cas
	kind := object.get(ca, "kind", "")
	not kind in {"ConfigMap", "Secret"}
}

_ca_problem("cilium", cas) := "Having more than one CA Certificate Ref is not supported" if {
	count(cas) > 1
} else := "Only ConfigMaps are supported for CA Certificate Refs" if {
	not _core_ca(cas[0], {"ConfigMap"}, {""})
}

_ca_problem("istio", cas) := sprintf("Certificate reference invalid: unsupported reference kind: %v (only its first caCertificateRef is read, and it must be a ConfigMap)", [object.get(cas[0], "kind", "")]) if {
	not _core_ca(cas[0], {"ConfigMap"}, {""})
}

_ca_problem("traefik", cas) := "Only ConfigMaps and Secrets are supported" if {
	some ca in cas
	not _core_ca(ca, {"ConfigMap", "Secret"}, {"", "core"})
}

_core_ca(ca, kinds, groups) if {
	object.get(ca, "kind", "") in kinds
	object.get(ca, "group", "") in groups
}

_ca_list(cas) := concat(", ", [sprintf("%s/%s", [trim_prefix(sprintf("%v/%v", [object.get(ca, "group", ""), object.get(ca, "kind", "")]), "/"), object.get(ca, "name", "")]) | some ca in cas])

# tls_policy_problem: why a controller cannot use the BackendTLSPolicy that
# applies to a Service port (tls_policy), as {"step", "detail"} and, for a
# ConfigMap that fails, "ca" ({"namespace", "name", "index"}, and "meant":
# for a missing one, the ConfigMaps of the namespace holding a CA that it
# most likely meant, lib.refguard.similar); undefined for a policy it uses.
# In the order the controllers check: the CA sources (tls_policy_rejected,
# step backend-tls), then each CA ConfigMap it reads, one that does not
# exist (step backend-tls-ca) and then one that holds no CA certificate
# where the controller looks (backend-tls). GEP-1897:
# "Connections using an invalid CACertificateRef MUST fail" (5xx), so any
# such ConfigMap fails the backend, as Envoy Gateway
# (getCaCertsFromCARefs) and Traefik (loadServersTransport) do. The
# ConfigMaps are read when the inventory holds them (inv.configmaps: every
# set; a cluster store that replicates them); Secrets and
# ClusterTrustBundles are not read, so a CA in one is taken as valid.
tls_policy_problem(check, applied, inv) := {"step": "backend-tls", "detail": problem} if {
	problem := tls_policy_rejected(check, applied.policy)
} else := {"step": "backend-tls-ca", "detail": _ca_missing_text(check, applied.namespace, missing[0].name), "ca": object.union(missing[0], {"namespace": applied.namespace, "meant": meant})} if {
	configmaps := inv.configmaps
	is_object(configmaps)
	missing := [{"name": ca.name, "index": i} |
		some i, ca in _configmap_cas(check, applied.policy)
		not configmaps[applied.namespace][ca.name]
	]
	count(missing) > 0
	with_ca := {name | some name, cm in object.get(configmaps, applied.namespace, {}); holds_ca(check, cm)}
	meant := similar.suggest(missing[0].name, with_ca)
} else := {"step": "backend-tls", "detail": _ca_empty_text(check, applied.namespace, empty[0].name), "ca": object.union(empty[0], {"namespace": applied.namespace})} if {
	configmaps := inv.configmaps
	is_object(configmaps)
	empty := [{"name": ca.name, "index": i} |
		some i, ca in _configmap_cas(check, applied.policy)
		not holds_ca(check, configmaps[applied.namespace][ca.name])
	]
	count(empty) > 0
}

# _configmap_cas: the CA references a controller looks up as ConfigMaps,
# by their index in caCertificateRefs: kind ConfigMap in the core group
# ("" for the spec, "core" too where the controller reads it so), any group
# for Envoy Gateway, which switches on the kind alone; Istio reads the
# first only.
_configmap_cas(check, policy) := {i: ca |
	some i, ca in object.get(policy, ["spec", "validation", "caCertificateRefs"], [])
	_reads_ca_at(check, i)
	object.get(ca, "kind", "") == "ConfigMap"
	is_string(ca.name)
	_configmap_group(check, object.get(ca, "group", ""))
}

_reads_ca_at("istio", 0)

_reads_ca_at(check, _) if check != "istio"

_configmap_group("envoy-gateway", _)

_configmap_group(check, "") if check in {"spec", "istio", "contour", "cilium"}

_configmap_group(check, group) if {
	check in {"nginx-gateway-fabric", "traefik"}
	group in {"", "core"}
}

# holds_ca: a ConfigMap holds a CA certificate where the controller (check:
# the profile's tls_policy_checks) looks for it. The spec and
# NGINX Gateway Fabric read the key ca.crt of data or binaryData
# (resolver/configmaps.go); Envoy Gateway ca.crt or tls.crt of data, or
# its one key (helpers.go getFirstMatchOrFirstFromData); Traefik data's
# ca.crt, not empty (loadServersTransport); Istio data's cacert or ca.crt,
# not empty (credentials/kube/secrets.go ExtractRoot); Contour data's
# ca.crt, not empty (internal/dag cache.go convertCACertConfigMapToSecret,
# secret.go validCASecret); Cilium data's ca.crt, which must be PEM
# (ValidateSpec: an empty one is not).
holds_ca(check, cm) if {
	check in {"spec", "nginx-gateway-fabric"}
	some field in ["data", "binaryData"]
	_ = cm[field]["ca.crt"]
}

holds_ca("envoy-gateway", cm) if {
	some key in ["ca.crt", "tls.crt"]
	_ = cm.data[key]
}

holds_ca("envoy-gateway", cm) if count(cm.data) == 1

holds_ca("traefik", cm) if cm.data["ca.crt"] != ""

holds_ca("contour", cm) if cm.data["ca.crt"] != ""

holds_ca("cilium", cm) if cm.data["ca.crt"] != ""

holds_ca("istio", cm) if {
	some key in ["cacert", "ca.crt"]
	cm.data[key] != ""
}

# Each controller's words for a missing ConfigMap and for one without a CA.
_ca_missing_text("envoy-gateway", ns, name) := sprintf("configmap %s not found in namespace %s", [name, ns])

_ca_missing_text("nginx-gateway-fabric", ns, name) := sprintf("validation.caCertificateRefs[0]: Invalid value: ConfigMap %s/%s: not found", [ns, name])

_ca_missing_text("traefik", ns, name) := sprintf(`getting configmap %s/%s: configmap "%s" not found`, [ns, name, name])

_ca_missing_text("contour", ns, name) := sprintf("Could not find CACertificateRef ConfigMap: %s/%s", [ns, name])

_ca_missing_text("cilium", ns, name) := sprintf("CA Certificate does not exist: %s/%s", [ns, name])

_ca_missing_text("istio", ns, name) := sprintf("Certificate reference not found: ConfigMap %s/%s", [ns, name])

_ca_missing_text("spec", ns, name) := sprintf("its CA certificate ConfigMap %s/%s does not exist", [ns, name])

_ca_empty_text("envoy-gateway", _, name) := sprintf("no ca found in configmap %s", [name])

_ca_empty_text("nginx-gateway-fabric", ns, name) := sprintf("validation.caCertificateRefs[0]: Invalid value: ConfigMap %s/%s: ConfigMap does not have the data or binaryData field ca.crt", [ns, name])

_ca_empty_text("traefik", ns, name) := sprintf("ConfigMap %s/%s does not have a ca.crt", [ns, name])

_ca_empty_text("contour", ns, name) := sprintf("Could not find CACertificateRef ConfigMap: %s/%s (it holds no ca.crt)", [ns, name])

_ca_empty_text("cilium", _, _) := "CA Certificate ConfigMap does not contain a `ca.crt` key"

_ca_empty_text("istio", ns, name) := sprintf("Certificate invalid: ConfigMap %s/%s has neither key cacert nor ca.crt (or they are empty)", [ns, name])

_ca_empty_text("spec", ns, name) := sprintf("its CA certificate ConfigMap %s/%s has no key ca.crt", [ns, name])

# tls_settings_differ: two applied policies (tls_policy) that NGINX Gateway
# Fabric does not count as one configuration for a rule's backends
# (validateBackendTLSPolicyMatchingAllBackends): another CA reference list
# or hostname, or a well-known CA set in either of two distinct policies
# (it compares that field's pointers, so only one policy object matches
# itself).
tls_settings_differ(a, b) if {
	[a.namespace, a.name] != [b.namespace, b.name]
	_tls_settings(a.policy) != _tls_settings(b.policy)
}

tls_settings_differ(a, b) if {
	[a.namespace, a.name] != [b.namespace, b.name]
	some p in [a.policy, b.policy]
	object.get(p, ["spec", "validation", "wellKnownCACertificates"], null) != null
}

_tls_settings(policy) := [
	[[object.get(ca, "group", ""), object.get(ca, "kind", ""), object.get(ca, "name", "")] | some ca in object.get(policy, ["spec", "validation", "caCertificateRefs"], [])],
	object.get(policy, ["spec", "validation", "hostname"], ""),
]
