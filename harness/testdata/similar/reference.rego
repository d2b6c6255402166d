# The plain definition of lib.refguard.similar.closest — every candidate
# scored in full — which TestClosestAgreesWithItsDefinition holds the
# policy's faster version to. Not part of the policy.
package reference.similar

bigrams(s) := {substring(s, i, 2) | some i in numbers.range(0, count(s) - 2)}

closest(name, candidates) := best if {
	ba := bigrams(name)
	prefixed := {c |
		count(name) >= 3
		some c in candidates
		c != name
		_holds(c, name)
	} | {c |
		some c in candidates
		c != name
		count(c) >= 3
		startswith(name, c)
	}
	dice := {[s, c] |
		some c in candidates
		c != name
		not c in prefixed
		bb := bigrams(c)
		n := count(ba) + count(bb)
		n > 0
		s := (2 * count(ba & bb)) / n
		s >= 0.5
	}
	scored := {[1, c] | some c in prefixed} | dice
	count(scored) > 0
	top := max({s | some [s, _] in scored})
	best := sort([c | some [s, c] in scored; s == top])
} else := []

_holds(c, name) if startswith(c, name)

_holds(c, name) if endswith(c, concat("", ["-", name]))

_holds(c, name) if contains(c, concat("", ["-", name, "-"]))
