package fix

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/refguard/refguard/harness/report"
)

// MaxRounds bounds the repair loop: a repair can make the next one visible
// (a Service renamed, then its port corrected), and each round repairs
// what the check of the previous round's result proposes.
const MaxRounds = 5

// Recheck checks file contents (by name, in the order given) as the run
// that planned the repairs did.
type Recheck func(names []string, contents map[string][]byte) (*report.Report, error)

// Repair plans every repair the policy proposes until a check of the
// repaired files proposes no more, at most MaxRounds rounds. Skipped lists
// the errors left in the final check. It refuses a result in which a place
// that had no error before has one now (a reference that worked broken by
// a repair): the repair invariant, checked on every run. namespace is the
// one recheck gives objects that name none (see Build).
func Repair(names []string, files map[string][]byte, recheck Recheck, namespace string) (*Plan, error) {
	current := maps.Clone(files)
	before, err := recheck(names, current)
	if err != nil {
		return nil, err
	}
	rep := before
	var changes []Change
	seen := map[string]bool{fingerprint(names, current): true}
	var last *Plan
	for round := 1; ; round++ {
		plan, err := Build(rep, current, namespace)
		if err != nil {
			return nil, err
		}
		last = plan
		if !changesContent(plan, current) {
			break
		}
		if round > MaxRounds {
			return nil, fmt.Errorf("repairs did not settle after %d rounds; nothing was written", MaxRounds)
		}
		for name, content := range plan.Files {
			current[name] = content
		}
		if fp := fingerprint(names, current); seen[fp] {
			return nil, fmt.Errorf("repairs undo each other (round %d returns to an earlier state); nothing was written", round)
		} else {
			seen[fp] = true
		}
		changes = append(changes, plan.Changes...)
		if rep, err = recheck(names, current); err != nil {
			return nil, fmt.Errorf("check the repaired files: %w", err)
		}
	}
	if broken := newErrors(before, rep); len(broken) > 0 {
		return nil, fmt.Errorf("refusing the repair: it would make %s fail; nothing was written", strings.Join(broken, ", "))
	}
	result := &Plan{Files: map[string][]byte{}, Old: map[string][]byte{}, Changes: changes, Skipped: last.Skipped}
	for name, content := range current {
		if !bytes.Equal(content, files[name]) {
			result.Files[name] = content
			result.Old[name] = files[name]
		}
	}
	return result, nil
}

func changesContent(p *Plan, current map[string][]byte) bool {
	for name, content := range p.Files {
		if !bytes.Equal(content, current[name]) {
			return true
		}
	}
	return false
}

func fingerprint(names []string, contents map[string][]byte) string {
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "%s\x00%d\x00%s\x00", name, len(contents[name]), contents[name])
	}
	return b.String()
}

// newErrors names the places (object and field) with an error after that
// had none before.
func newErrors(before, after *report.Report) []string {
	had := map[string]bool{}
	for _, f := range before.Findings {
		if f.Severity == "error" {
			had[place(f)] = true
		}
	}
	var out []string
	for _, f := range after.Findings {
		if p := place(f) + " (" + f.Rule + ")"; f.Severity == "error" && !had[place(f)] && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func place(f report.Finding) string {
	return fmt.Sprintf("%s %s/%s %s", f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field)
}
