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

score(a, b) := 1 if a == b

else := s if {
	ba := bigrams(a)
	bb := bigrams(b)
	count(ba) + count(bb) > 0
	s := (2 * count(ba & bb)) / (count(ba) + count(bb))
} else := 0

_prefix(a, b) if {
	count(a) >= 3
	startswith(b, a)
}

_prefix(a, b) if {
	count(b) >= 3
	startswith(a, b)
}

_candidate_score(name, candidate) := 1 if _prefix(name, candidate)

else := score(name, candidate)

# closest returns the candidates that tie for the best score at or above the
# threshold, sorted; empty when nothing is close. The scores are those of
# _candidate_score, computed inline: a hint may look at every Service of a
# namespace, and a function call per candidate tripled the cost.
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
		bb := {substring(c, i, 2) | some i in numbers.range(0, count(c) - 2)}
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
