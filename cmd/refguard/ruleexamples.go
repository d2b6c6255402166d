package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/harness/rulemeta"
)

// ruleExamples picks each rule's examples from fixtures/rules/<ID>-<name>/:
// the first fires-* and near-miss-* cases that need no cluster inventory,
// and the failing one checked under every profile, so the page shows what
// each controller makes of it.
func ruleExamples(ctx context.Context, set *policyset.Set, fixturesRoot string, rules []rulemeta.Rule) (map[string]*rulemeta.Examples, error) {
	checker, err := check.NewChecker(ctx, set)
	if err != nil {
		return nil, err
	}
	out := map[string]*rulemeta.Examples{}
	for _, r := range rules {
		dir := filepath.Join(fixturesRoot, "rules", r.ID+"-"+r.Name)
		cases, err := fixture.Discover(dir)
		if err != nil {
			return nil, err
		}
		var failing, passing *fixture.Case
		for i := range cases {
			c := &cases[i]
			if len(c.Inventory) > 0 || len(c.Manifests) != 1 {
				continue
			}
			base := filepath.Base(c.Dir)
			if failing == nil && strings.HasPrefix(base, "fires-") {
				failing = c
			}
			if passing == nil && strings.HasPrefix(base, "near-miss-") {
				passing = c
			}
		}
		if failing == nil {
			continue
		}
		ex := &rulemeta.Examples{}
		if ex.Failing, err = example(fixturesRoot, failing); err != nil {
			return nil, err
		}
		if passing != nil {
			if ex.Passing, err = example(fixturesRoot, passing); err != nil {
				return nil, err
			}
		}
		checked, lookup, err := failing.Load()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", failing.Name, err)
		}
		// The spec reading first, then each controller.
		profiles := append([]string{"spec"}, slices.DeleteFunc(slices.Clone(checker.Profiles()), func(p string) bool { return p == "spec" })...)
		for _, profile := range profiles {
			cfg := failing.Config()
			cfg["profile"] = profile
			rep, err := checker.Check(ctx, checked, lookup, cfg)
			if err != nil {
				return nil, fmt.Errorf("%s under %s: %w", failing.Name, profile, err)
			}
			ex.Profiles = append(ex.Profiles, outcome(profile, r.ID, rep))
		}
		out[r.ID] = ex
	}
	return out, nil
}

func example(fixturesRoot string, c *fixture.Case) (*rulemeta.Example, error) {
	raw, err := os.ReadFile(c.Manifests[0])
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(fixturesRoot, c.Dir)
	if err != nil {
		return nil, err
	}
	var settings []string
	if c.Expected.Profile != "" && c.Expected.Profile != "spec" {
		settings = append(settings, "--profile "+c.Expected.Profile)
	}
	keys := make([]string, 0, len(c.Expected.Severity))
	for k := range c.Expected.Severity {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		settings = append(settings, fmt.Sprintf("--severity %s=%s", k, c.Expected.Severity[k]))
	}
	for _, k := range c.Expected.BackendKinds {
		settings = append(settings, "--backend-kind "+k)
	}
	return &rulemeta.Example{Case: filepath.ToSlash(rel), Description: c.Expected.Description, Settings: strings.Join(settings, " "), Manifest: string(raw)}, nil
}

// outcome is the rule's first finding in the report and the predicted
// condition of the route it is about.
func outcome(profile, rule string, rep *report.Report) rulemeta.ProfileOutcome {
	o := rulemeta.ProfileOutcome{Profile: profile, Severity: "not reported", Condition: "—"}
	for _, f := range rep.Findings {
		if f.Rule != rule {
			continue
		}
		o.Severity = f.Severity
		for _, route := range rep.Routes {
			if route.Object == f.Object && len(route.Conditions) > 0 {
				c := route.Conditions[0]
				o.Condition = fmt.Sprintf("%s=%s (%s)", c.Type, c.Status, c.Reason)
			}
		}
		return o
	}
	// Not reported: the route's condition still says what the controller does.
	if len(rep.Routes) > 0 && len(rep.Routes[0].Conditions) > 0 {
		c := rep.Routes[0].Conditions[0]
		o.Condition = fmt.Sprintf("%s=%s (%s)", c.Type, c.Status, c.Reason)
	}
	return o
}
