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
hint(ctx, rec, homes) := sprintf("%s %s is in namespace %s, the route's own", [rec.kind, rec.name, homes[0]]) if {
	homes == [ctx.object.namespace]
} else := sprintf("%s %s exists in namespace %s (a ReferenceGrant in %s must allow %ss from namespace %s)", [rec.kind, rec.name, homes[0], homes[0], ctx.route.kind, ctx.object.namespace]) if {
	count(homes) == 1
} else := sprintf("%ss named %s exist in namespaces %s: set namespace to the one meant", [rec.kind, rec.name, concat(", ", _some(homes))])

_some(names) := names if {
	count(names) <= 5
} else := array.concat(array.slice(names, 0, 5), ["…"])

# repair: set the namespace when one namespace holds the object.
repair(ctx, rec, homes) := result.set_unique(ctx.object, sprintf("%s.namespace", [rec.field]), "namespace", homes)
