# METADATA
# title: namesakes
# description: |
#   What RG102 and RG103 say about a reference whose object lives in
#   another namespace (lib.refguard.resolve.namesakes): the namespace was
#   left out or mistyped. Pointing the reference there is the likely
#   repair, not a similar name in the target namespace, which would send
#   the traffic to another backend, nor a ReferenceGrant for a namespace
#   that does not hold the object.
# scope: package
package lib.refguard.namesakes

import data.lib.refguard.result

# hint: the sentence naming the namespaces that hold the object (homes,
# sorted, at least one).
hint(ctx, rec, homes) := sprintf("%s %s is in namespace %s, the route's own", [rec.kind, rec.name, ctx.object.namespace]) if {
	count(homes) == 1 # before the lookup: comparing sets sorts them in OPA's Wasm build
	homes[ctx.object.namespace]
} else := sprintf("%s %s exists in namespace %s (a ReferenceGrant in %s must allow %ss from namespace %s)", [rec.kind, rec.name, home, home, ctx.route.kind, ctx.object.namespace]) if {
	count(homes) == 1
	some home in homes
} else := sprintf("%ss named %s exist in namespaces %s: set namespace to the one meant", [rec.kind, rec.name, concat(", ", first_in_order(homes))])

# first_in_order: the first five of a set of names in order, and "…" when
# there are more. Found by min, five times, not by sorting them all: OPA's
# Wasm build sorts by insertion, quadratic in the names, for every
# reference that shows them.
first_in_order(names) := sort(names) if {
	count(names) <= 5
} else := [a, b, c, d, e, "…"] if {
	a := min(names)
	b := min(names - {a})
	c := min(names - {a, b})
	d := min(names - {a, b, c})
	e := min(names - {a, b, c, d})
}

# repair: set the namespace when one namespace holds the object.
repair(ctx, rec, homes) := result.set_unique(ctx.object, sprintf("%s.namespace", [rec.field]), "namespace", [home | some home in homes])
