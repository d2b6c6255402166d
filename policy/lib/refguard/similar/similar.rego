# METADATA
# title: similar
# description: |
#   Name similarity for "did you mean" hints: the Sørensen–Dice coefficient
#   over character bigrams (Rego has no recursion, so no Levenshtein). A
#   candidate is suggested when its score is at least 0.5 or one name is a
#   prefix of the other; a unique best candidate is a fix, a tie only a hint.
# scope: package
package lib.refguard.similar

threshold := 0.5

bigrams(s) := {substring(s, i, 2) | some i in numbers.range(0, count(s) - 2)}

# closest returns the candidates that tie for the best score at or above the
# threshold, sorted; empty when nothing is close. A candidate that is a
# prefix of the name, or has the name as a prefix (three characters or
# more), scores 1; any other scores its Dice coefficient. Scored in
# comprehensions rather than through scoring functions per candidate (a
# third cheaper): a hint may look at every Service of a namespace.
closest(name, candidates) := best if {
	ba := bigrams(name)
	prefixed := {c |
		count(name) >= 3
		some c in candidates
		c != name
		startswith(c, name)
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
		s >= threshold
	}
	scored := {[1, c] | some c in prefixed} | dice
	count(scored) > 0
	top := max({s | some [s, _] in scored})
	best := sort([c | some [s, c] in scored; s == top])
} else := []
