// Package sandbox is the engine of the browser page (web/): the CLI's
// loader, checker and fixer run over files handed over in memory, one JSON
// request in and one JSON answer out, so the page's WebAssembly build
// needs nothing from the browser but two strings. It decides nothing the
// CLI does not: the report is the bytes `refguard check --format json`
// prints for the same files, and the repair is `refguard fix`'s.
package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fix"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/harness/rulemeta"
)

// MaxInput bounds what one request may hold, all files together: the
// CLI's per-file limit, so a paste the CLI would read is read here too.
const MaxInput = manifest.MaxFileSize

// File is one manifest file: a paste is one, each dropped file another.
type File struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

// Request is what the page asks: the CLI's inputs that fit a page. Files
// are checked and repaired; Inventory is lookup-only (--inventory);
// Severity sets rule levels by rule ID (--severity); BackendKinds are
// extension kinds the controller accepts (--backend-kind), BackendLookups
// those it looks up (--backend-lookup).
type Request struct {
	Files          []File                `json:"files"`
	Inventory      []File                `json:"inventory,omitempty"`
	Profile        string                `json:"profile"`
	Severity       map[string]string     `json:"severity,omitempty"`
	BackendKinds   []string              `json:"backendKinds,omitempty"`
	BackendLookups []check.BackendLookup `json:"backendLookups,omitempty"`
}

// Answer is what the page shows. Error is set, and nothing else, when the
// files cannot be checked (the message names the file, as the CLI's does).
// Report is the text `refguard check --format json` prints, byte for byte.
type Answer struct {
	Error  string          `json:"error,omitempty"`
	Notes  []string        `json:"notes,omitempty"`
	Report string          `json:"report,omitempty"`
	Rules  map[string]Rule `json:"rules,omitempty"`
	Fix    *Repair         `json:"fix,omitempty"`
	// Milliseconds spent checking and repairing, for the page's status
	// line and docs/sandbox.md.
	CheckMillis  int64 `json:"checkMillis"`
	RepairMillis int64 `json:"repairMillis"`
}

// Rule is what the page shows of a rule a finding names.
type Rule struct {
	Title string `json:"title"`
	Help  string `json:"help"`
}

// Repair is `refguard fix` over the same files: the unified diff and each
// changed file whole, with every secret value redacted (fix.Redact), the
// edits, and the errors no repair covers. Error is why no repair could be
// made (a repair that would break a working reference is refused).
type Repair struct {
	Error   string       `json:"error,omitempty"`
	Diff    string       `json:"diff"`
	Files   []File       `json:"files"`
	Changes []fix.Change `json:"changes"`
	Left    []Left       `json:"left"`
}

// Left is an error the repair leaves to the user.
type Left struct {
	Rule   string `json:"rule"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Engine holds the embedded policy, compiled once, and what the last
// Check needs for its Repair. Not safe for concurrent use: the page calls
// it from its one thread.
type Engine struct {
	set     *policyset.Set
	checker *check.Checker
	rules   map[string]rulemeta.Rule
	last    *checked
}

// New compiles the embedded policy for OPA's evaluator: in a browser the
// page is the only caller, and compiling the policy to Wasm inside Wasm
// would cost more than it saves.
func New(ctx context.Context) (*Engine, error) {
	set, err := policyset.Embedded()
	if err != nil {
		return nil, err
	}
	checker, err := check.NewChecker(ctx, set)
	if err != nil {
		return nil, err
	}
	rules, err := rulemeta.Read(set.Modules)
	if err != nil {
		return nil, err
	}
	e := &Engine{set: set, checker: checker, rules: map[string]rulemeta.Rule{}}
	for _, r := range rules {
		e.rules[r.ID] = r
	}
	return e, nil
}

// Profiles are the profiles the policy defines, sorted.
func (e *Engine) Profiles() []string { return e.checker.Profiles() }

// Meta is how the report names its producer: what the CLI writes.
func (e *Engine) Meta(profile string) report.Meta {
	return report.Meta{Tool: report.Tool{Name: "refguard", Version: refguard.Version(), BundleRevision: e.set.Revision}, Profile: profile}
}

// config is the policy configuration the CLI passes for the same
// settings given as flags.
func (e *Engine) config(req Request) (map[string]any, error) {
	severity := map[string]any{}
	for id, level := range req.Severity {
		if _, ok := e.rules[id]; !ok {
			return nil, fmt.Errorf("severity %s: no rule has that ID", id)
		}
		if !rulemeta.IsLevel(level) {
			return nil, fmt.Errorf("severity %s=%s: level must be error, warning, info or off", id, level)
		}
		severity[id] = level
	}
	kinds, err := check.BackendKinds(req.BackendKinds)
	if err != nil {
		return nil, err
	}
	lookups, err := check.BackendLookups(req.BackendLookups, e.checker.Collections(nil).Names())
	if err != nil {
		return nil, err
	}
	return check.Config(req.Profile, severity, kinds, lookups), nil
}

// Check answers one request with the report; the repair is left for
// Repair, so the page shows the findings before the repair is worked out.
// It never fails: what goes wrong is the answer's Error.
func (e *Engine) Check(ctx context.Context, req Request) Answer {
	e.last = nil
	ans, err := e.check(ctx, req)
	if err != nil {
		return Answer{Error: err.Error()}
	}
	return ans
}

// Handle is Check and then Repair: the whole answer in one call.
func (e *Engine) Handle(ctx context.Context, req Request) Answer {
	ans := e.Check(ctx, req)
	if ans.Error == "" {
		ans.Fix, ans.RepairMillis = e.Repair(ctx)
	}
	return ans
}

// checked is what Repair needs of the last Check: its inputs, and its
// report, which is the repair's first check.
type checked struct {
	names  []string
	files  map[string][]byte
	lookup []manifest.Object
	config map[string]any
	report *report.Report
}

func (e *Engine) check(ctx context.Context, req Request) (Answer, error) {
	if req.Profile == "" {
		req.Profile = "spec"
	}
	if !slices.Contains(e.Profiles(), req.Profile) {
		return Answer{}, fmt.Errorf("profile %q: the policy defines %s", req.Profile, strings.Join(e.Profiles(), ", "))
	}
	config, err := e.config(req)
	if err != nil {
		return Answer{}, err
	}
	names, files, err := collect(req.Files, 0)
	if err != nil {
		return Answer{}, err
	}
	var lookup []manifest.Object
	if len(req.Inventory) > 0 {
		invNames, invFiles, err := collect(req.Inventory, len(req.Files))
		if err != nil {
			return Answer{}, err
		}
		for _, n := range invNames {
			if _, dup := files[n]; dup {
				return Answer{}, fmt.Errorf("%s: given both to check and as inventory", n)
			}
		}
		inv, err := manifest.LoadContents(invNames, invFiles, e.checker.InventoryOptions())
		if err != nil {
			return Answer{}, err
		}
		lookup = inv.Objects
	}
	started := time.Now()
	last := &checked{names: names, files: files, lookup: lookup, config: config}
	loaded, rep, err := e.load(ctx, last, names, files)
	if err != nil {
		return Answer{}, err
	}
	var out bytes.Buffer
	if err := report.JSON(&out, e.Meta(req.Profile), rep); err != nil {
		return Answer{}, err
	}
	ans := Answer{Report: out.String(), Rules: map[string]Rule{}}
	for _, n := range loaded.Notes {
		ans.Notes = append(ans.Notes, n.String())
	}
	for _, f := range rep.Findings {
		if r, ok := e.rules[f.Rule]; ok {
			ans.Rules[r.ID] = Rule{Title: r.Title, Help: rulemeta.HelpURI(r, refguard.Version())}
		}
	}
	ans.CheckMillis = time.Since(started).Milliseconds()
	last.report = rep
	e.last = last
	return ans, nil
}

// load loads and checks files with the settings of c, as the CLI does.
func (e *Engine) load(ctx context.Context, c *checked, names []string, files map[string][]byte) (*manifest.Result, *report.Report, error) {
	loaded, err := manifest.LoadContents(names, files, e.checker.LoadOptions())
	if err != nil {
		return nil, nil, err
	}
	if len(loaded.Objects) == 0 {
		return nil, nil, fmt.Errorf("no Kubernetes objects found in %s: nothing was checked", strings.Join(names, ", "))
	}
	rep, err := e.checker.Check(ctx, loaded, c.lookup, c.config)
	return loaded, rep, err
}

// Repair runs `refguard fix` over the files of the last Check and redacts
// what it returns; nil when no Check has succeeded since the last Repair.
func (e *Engine) Repair(ctx context.Context) (*Repair, int64) {
	last := e.last
	if last == nil {
		return nil, 0
	}
	e.last = nil
	started := time.Now()
	first := last.report
	recheck := func(names []string, contents map[string][]byte) (*report.Report, error) {
		if first != nil {
			rep := first
			first = nil
			return rep, nil
		}
		_, rep, err := e.load(ctx, last, names, contents)
		return rep, err
	}
	r := repair(last.names, last.files, recheck)
	return r, time.Since(started).Milliseconds()
}

// collect names the files (a file without a name is the paste, numbered
// from after the first skip files) and bounds the request.
func collect(in []File, skip int) ([]string, map[string][]byte, error) {
	if len(in) == 0 {
		return nil, nil, fmt.Errorf("nothing to check: paste manifests or drop files")
	}
	names := make([]string, 0, len(in))
	files := make(map[string][]byte, len(in))
	total := 0
	for i, f := range in {
		name := f.Name
		if name == "" {
			name = fmt.Sprintf("pasted-%d.yaml", skip+i+1)
		}
		if _, dup := files[name]; dup {
			return nil, nil, fmt.Errorf("%s: given twice", name)
		}
		total += len(f.Content)
		if total > MaxInput {
			return nil, nil, fmt.Errorf("%s: the files together are larger than the %d byte limit", name, MaxInput)
		}
		names = append(names, name)
		files[name] = []byte(f.Content)
	}
	return names, files, nil
}

// repair runs fix over the files as `refguard fix` does and redacts what
// it returns.
func repair(names []string, files map[string][]byte, recheck fix.Recheck) *Repair {
	plan, err := fix.Repair(names, files, recheck, "")
	if err != nil {
		return &Repair{Error: err.Error(), Files: []File{}, Changes: []fix.Change{}, Left: []Left{}}
	}
	r := &Repair{Diff: plan.Diff(), Files: []File{}, Changes: plan.Changes, Left: []Left{}}
	if r.Changes == nil {
		r.Changes = []fix.Change{}
	}
	for _, name := range names {
		if content, ok := plan.Files[name]; ok {
			r.Files = append(r.Files, File{Name: name, Content: string(fix.Redact(content))})
		}
	}
	for _, s := range plan.Skipped {
		r.Left = append(r.Left, Left{s.Finding.Rule, s.Finding.File, s.Finding.Line, s.Finding.Field, s.Reason})
	}
	return r
}
