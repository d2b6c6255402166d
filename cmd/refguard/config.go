package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	yaml "go.yaml.in/yaml/v3"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/rulemeta"
)

// ConfigFileName is the project config refguard looks for from the
// working directory upward.
const ConfigFileName = ".refguard.yaml"

// fileConfig is .refguard.yaml. Every key is optional; a flag given on the
// command line wins over the file (severities: the flag's level for its
// rule, the file's for the others).
type fileConfig struct {
	Profile      string            `yaml:"profile"`
	Namespace    string            `yaml:"namespace"`
	Severity     map[string]string `yaml:"severity"`
	Exclude      []string          `yaml:"exclude"`
	BackendKinds []string          `yaml:"backendKinds"`
	// BackendLookups are backend kinds declared with how to look them up.
	BackendLookups []check.BackendLookup `yaml:"backendLookups"`
}

var configKeys = []string{"profile", "namespace", "severity", "exclude", "backendKinds", "backendLookups"}

// findConfig returns the path of the config to read: explicit when given
// (it must exist), else the first .refguard.yaml from dir upward, else "".
func findConfig(explicit, dir string) (string, error) {
	if explicit != "" {
		if _, err := os.Stat(explicit); err != nil {
			return "", fmt.Errorf("--config %s: %w", explicit, unwrapNotExist(err))
		}
		return explicit, nil
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ConfigFileName)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

func unwrapNotExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("no such file")
	}
	return err
}

// readConfig reads a config file. An unknown key is an error that names
// the closest known one: a typo that silently did nothing would leave a
// setting nobody chose.
func readConfig(path string) (*fileConfig, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(raw) > 1<<20 {
		return nil, fmt.Errorf("%s: larger than the 1 MiB a config may be", path)
	}
	var keys map[string]yaml.Node
	if err := yaml.Unmarshal(raw, &keys); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		known := false
		for _, c := range configKeys {
			known = known || k == c
		}
		if !known {
			n := keys[k]
			return nil, fmt.Errorf("%s:%d: unknown key %q; did you mean %s? (keys: %s)", path, n.Line, k, closest(k, configKeys), strings.Join(configKeys, ", "))
		}
	}
	var cfg fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file, an empty config
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, rule := range sortedKeys(cfg.Severity) {
		if !rulemeta.IsLevel(cfg.Severity[rule]) {
			return nil, fmt.Errorf("%s: severity %s: %q is not error, warning, info or off", path, rule, cfg.Severity[rule])
		}
	}
	return &cfg, nil
}

// inputSettings are the settings check and fix share, from their flags
// and the config file: the profile, the namespace of objects that name
// none, the paths left out, the extra backend kinds and the rule levels.
type inputSettings struct {
	profile, namespace, configFile string
	exclude, kinds, lookupFlags    []string
	severities                     []string // --severity, as given

	// What load makes of them.
	excluder     *manifest.Excluder
	backendKinds []any // the policy config's backend_kinds
	lookups      []check.BackendLookup
	fileSeverity map[string]any // the config file's rule levels, which --severity overrides rule by rule
	configPath   string         // the config file read ("" for none)
}

func (s *inputSettings) addFlags(f *pflag.FlagSet) {
	f.StringVar(&s.profile, "profile", "spec", "implementation profile that predicts the status")
	f.StringVar(&s.configFile, "config", "", "read settings from this file instead of the "+ConfigFileName+" found from the working directory upward")
	f.StringArrayVar(&s.kinds, "backend-kind", nil, `a backend kind your controller accepts beyond the profile's (an extension kind), "group/Kind" or "Kind" for the core group; repeatable`)
	f.StringArrayVar(&s.lookupFlags, "backend-lookup", nil, `a backend kind your controller accepts and looks up, and how refguard finds it: "kind=group/Kind,version=v1,resource=plural[,port=spec.ports[].port]"; references to a missing object or port are errors; repeatable`)
	f.StringArrayVar(&s.exclude, "exclude", nil, `skip files and directories matching a glob: a name ("templates", "*.tpl.yaml") or a path ("charts/*/templates", "envs/**/secret*.yaml"); repeatable`)
	f.StringArrayVar(&s.severities, "severity", nil, "override a rule's severity: RG401=warning, RG202=off; repeatable")
	f.StringVarP(&s.namespace, "namespace", "n", "", `namespace of objects that name none, as kubectl apply -n (default "default"); rendered charts and kustomize output often name none`)
}

// load reads the config file (a flag the user set wins over it) and checks
// the settings.
func (s *inputSettings) load(flags *pflag.FlagSet) error {
	path, err := findConfig(s.configFile, ".")
	if err != nil {
		return err
	}
	if path != "" {
		cfg, err := readConfig(path)
		if err != nil {
			return err
		}
		if cfg.Profile != "" && !flags.Changed("profile") {
			s.profile = cfg.Profile
		}
		if cfg.Namespace != "" && !flags.Changed("namespace") {
			s.namespace = cfg.Namespace
		}
		// The file's patterns and kinds, then the flags'.
		s.exclude = append(append([]string{}, cfg.Exclude...), s.exclude...)
		s.kinds = append(append([]string{}, cfg.BackendKinds...), s.kinds...)
		s.lookups = append(s.lookups, cfg.BackendLookups...)
		s.fileSeverity = map[string]any{}
		for rule, level := range cfg.Severity {
			s.fileSeverity[rule] = level
		}
		s.configPath = path
	}
	if err := checkNamespace(s.namespace); err != nil {
		return err
	}
	if s.excluder, err = manifest.NewExcluder(s.exclude); err != nil {
		return err
	}
	if s.backendKinds, err = check.BackendKinds(s.kinds); err != nil {
		return err
	}
	for _, f := range s.lookupFlags {
		l, err := check.ParseBackendLookup(f)
		if err != nil {
			return err
		}
		s.lookups = append(s.lookups, l)
	}
	return nil
}

// backendLookups are the declared lookups as the policy config's
// backend_lookups, checked against the checker's own collections.
func (s *inputSettings) backendLookups(checker *check.Checker) ([]any, error) {
	return check.BackendLookups(s.lookups, checker.Collections(nil).Names())
}

// loadOptions are a checker's load options with the namespace and the
// exclusions applied.
func (s *inputSettings) loadOptions(opts manifest.Options) manifest.Options {
	opts.Namespace = s.namespace
	opts.Exclude = s.excluder
	return opts
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// severity is every rule level the user set, by rule ID: the config
// file's, with --severity winning rule by rule (rules as the user named
// them, by ID or name).
func (s *inputSettings) severity(rules []rulemeta.Rule) (map[string]any, error) {
	flagLevels := map[string]any{}
	for _, v := range s.severities {
		id, level, ok := strings.Cut(v, "=")
		if !ok {
			return nil, fmt.Errorf("--severity %q: want RGnnn=error|warning|info|off", v)
		}
		if !rulemeta.IsLevel(level) {
			return nil, fmt.Errorf("--severity %q: level must be error, warning, info or off", v)
		}
		flagLevels[id] = level
	}
	fromFile, err := ruleIDs(s.configPath+": severity", s.fileSeverity, rules)
	if err != nil {
		return nil, err
	}
	fromFlags, err := ruleIDs("--severity", flagLevels, rules)
	if err != nil {
		return nil, err
	}
	maps.Copy(fromFile, fromFlags)
	return fromFile, nil
}
