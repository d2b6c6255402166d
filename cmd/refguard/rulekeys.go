package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/refguard/refguard/harness/rulemeta"
)

// ruleIDs maps the keys of --severity (an ID or a name, any case) to rule
// IDs. An unknown key is an error that suggests the closest ID or name: a
// typo that silently did nothing would leave a rule at a level nobody
// chose.
func ruleIDs(what string, levels map[string]any, rules []rulemeta.Rule) (map[string]any, error) {
	byKey := map[string]string{}
	var known []string
	for _, r := range rules {
		byKey[strings.ToLower(r.ID)] = r.ID
		byKey[strings.ToLower(r.Name)] = r.ID
		known = append(known, r.ID, r.Name)
	}
	out := make(map[string]any, len(levels))
	keys := make([]string, 0, len(levels))
	for k := range levels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		id, ok := byKey[strings.ToLower(k)]
		if !ok {
			return nil, fmt.Errorf("%s %s: no rule has that ID or name; did you mean %s? (refguard rules lists them)", what, k, closest(k, known))
		}
		if prev, dup := out[id]; dup && prev != levels[k] {
			return nil, fmt.Errorf("%s %s: %s is given two levels, %v and %v", what, k, id, prev, levels[k])
		}
		out[id] = levels[k]
	}
	return out, nil
}

// closest is the candidate with the smallest edit distance to s, ignoring
// case (the first of equals, in the given order).
func closest(s string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between short strings (rule
// keys a person typed: the cost is their product, bounded by the flag).
func editDistance(a, b string) int {
	if len(a) > 256 {
		a = a[:256]
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
