# METADATA
# title: similar
# description: |
#   Name similarity for "did you mean" hints: the Sørensen–Dice coefficient
#   over character bigrams (Rego has no recursion, so no Levenshtein). A
#   candidate is suggested when its score is at least 0.5 or one name is a
#   prefix of the other; a unique best candidate is a fix, a tie only a hint.
# scope: package
package lib.refguard.similar

bigrams(s) := {substring(s, i, 2) | some i in numbers.range(0, count(s) - 2)}

# suggest: the candidates a name most likely meant. Object names are
# lowercase (Kubernetes names are DNS labels or subdomains), so a name in
# capitals that is a candidate once lowercased meant that one; otherwise
# the closest by score.
suggest(name, candidates) := [lower(name)] if {
	lower(name) != name
	lower(name) in candidates
} else := [] if {
	count(candidates) > max_candidates
} else := closest(name, candidates)

# did_you_mean: the question that offers what suggest found ("" for
# nothing).
did_you_mean(best) := sprintf("did you mean %s?", [best[0]]) if {
	count(best) == 1
} else := sprintf("did you mean one of %s?", [concat(", ", best)]) if {
	count(best) > 1
} else := ""

# closest returns the candidates that tie for the best score at or above
# 0.5, sorted; empty when nothing is close. A candidate that is a
# prefix of the name, has the name as a prefix, or holds it as a part
# after a dash (prod-web, prod-web-v2 for web: what kustomize's namePrefix
# and nameSuffix and Helm's release prefixes make of a Service's name,
# without renaming the backendRefs to it), the name three characters or
# more, scores 1; any other scores its Dice coefficient.
#
# A hint may look at every Service of a namespace, so candidates are
# scored as cheaply as the definition allows, without changing a result:
# - when some candidate is affix-related, the best score is 1, and the only
#   other candidates that reach it have exactly the name's bigrams (Dice is
#   1 only for equal sets): those are found by containment, which stops at
#   the first bigram a candidate lacks, and confirmed;
# - otherwise a candidate needs at least a third of the name's bigrams
#   (Dice >= 0.5 means 4|A∩B| >= |A| + |B|, and |B| >= |A∩B|): an upper
#   bound, counted with contains, rules most out before their own bigrams
#   are built. (contains over-counts only for names shorter than two
#   characters, whose one "bigram" is the name: a bound, never a score.)
# A differential test (harness) holds this to the plain definition.
#
# Names longer than max_name_length are never compared: no Kubernetes
# object can carry one, and the Wasm build's substring indexes from the
# start of the string, so bigrams of a hostile megabyte-long "name" would
# cost time quadratic in its length. suggest compares a name with at most
# max_candidates candidates.
closest(name, candidates) := [] if {
	count(name) > max_name_length
} else := best if {
	affixed := _affixed(name, _comparable(candidates))
	count(affixed) > 0
	ba := bigrams(name)
	same := {c |
		some c in _comparable(candidates)
		c != name
		not c in affixed
		every g in ba {
			contains(c, g)
		}
		bigrams(c) == ba
	}
	best := sort([c | some c in (affixed | same)])
} else := by_bigrams(name, candidates)

# by_bigrams: closest without the affix rule, for names that are no
# object's under a prefix (a Service port's name): the candidates that tie
# for the best Dice coefficient of bigrams with name, at 0.5 or more,
# sorted; empty when none is.
by_bigrams(name, candidates) := [] if {
	count(name) > max_name_length
} else := best if {
	ba := bigrams(name)
	na := count(ba)
	scored := {[s, c] |
		some c in _comparable(candidates)
		c != name
		3 * count({g | some g in ba; contains(c, g)}) >= na
		bb := bigrams(c)
		common := count(ba & bb)
		n := na + count(bb)
		n > 0
		4 * common >= n # Dice >= 0.5, without dividing for every candidate
		s := (2 * common) / n
	}
	count(scored) > 0
	top := max({s | some [s, _] in scored})
	best := sort([c | some [s, c] in scored; s == top])
} else := []

# max_name_length is the longest name Kubernetes accepts for any object
# (a DNS-1123 subdomain).
max_name_length := 253

# max_candidates bounds the names one name is compared with: a reference
# found nowhere is compared with every object of its kind in its
# namespace, so without a bound a namespace of N Services with a tenth of
# its references mistyped would cost N × N / 10 comparisons. A namespace
# with more objects of the kind gets no suggestion but the exact name in
# lowercase (suggest).
max_candidates := 1000

_comparable(candidates) := {c | some c in candidates; count(c) <= max_name_length}

_affixed(name, candidates) := {c |
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

_holds(c, name) if startswith(c, name)

_holds(c, name) if endswith(c, concat("", ["-", name]))

_holds(c, name) if contains(c, concat("", ["-", name, "-"]))
