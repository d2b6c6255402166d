package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Config is the policy config (lib.refguard.config) of a check: the
// profile, rule levels by rule ID, the backend kinds (BackendKinds) and
// backend lookups (BackendLookups) the user declares. Every caller builds
// it here, so its keys are written once on the Go side.
func Config(profile string, severity map[string]any, kinds, lookups []any) map[string]any {
	if severity == nil {
		severity = map[string]any{}
	}
	if kinds == nil {
		kinds = []any{}
	}
	if lookups == nil {
		lookups = []any{}
	}
	return map[string]any{"profile": profile, "severity": severity, "backend_kinds": kinds, "backend_lookups": lookups}
}

// BackendKinds checks backend kinds a user declares beyond the profile's
// (--backend-kind, the config file's backendKinds, the sandbox page):
// "group/Kind", or "Kind" for the core group, as a backendRef names them.
// It returns them as the policy config's backend_kinds.
func BackendKinds(values []string) ([]any, error) {
	out := []any{}
	for _, v := range values {
		group, kind, cut := strings.Cut(v, "/")
		if !cut {
			group, kind = "", v
		}
		if kind == "" || strings.Contains(kind, "/") || cut && group == "" || strings.ContainsAny(v, " \t") {
			return nil, fmt.Errorf(`--backend-kind %q: want group/Kind (gateway.example.com/Backend), or Kind for the core group`, v)
		}
		out = append(out, v)
	}
	return out, nil
}

// BackendLookup is a backend kind declared with how to look it up: the
// objects of its group and kind, served at Version and replicated as
// Resource (kube-mgmt's data.kubernetes.<resource>), and where their ports
// are (Port: a dotted path, "[]" marking a list, as "spec.ports[].port";
// empty: ports are not checked).
type BackendLookup struct {
	Kind     string `yaml:"kind" json:"kind"`
	Version  string `yaml:"version" json:"version"`
	Resource string `yaml:"resource" json:"resource"`
	Port     string `yaml:"port,omitempty" json:"port,omitempty"`
}

var (
	lookupResource = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)
	lookupVersion  = regexp.MustCompile(`^v[0-9]+((alpha|beta)[0-9]+)?$`)
	lookupPort     = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\[\]\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)?$`)
)

// Entry is the lookup as an entry of the policy config's backend_lookups.
func (l BackendLookup) Entry() map[string]any {
	entry := map[string]any{"kind": l.Kind, "version": l.Version, "resource": l.Resource}
	if l.Port != "" {
		entry["port"] = l.Port
	}
	return entry
}

// ParseBackendLookup reads --backend-lookup's
// "kind=group/Kind,version=v1,resource=plural[,port=path]".
func ParseBackendLookup(s string) (BackendLookup, error) {
	var l BackendLookup
	for _, part := range strings.Split(s, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok:
			return l, fmt.Errorf("--backend-lookup %q: want kind=group/Kind,version=v1,resource=plural[,port=spec.ports[].port]", s)
		case key == "kind":
			l.Kind = value
		case key == "version":
			l.Version = value
		case key == "resource":
			l.Resource = value
		case key == "port":
			l.Port = value
		default:
			return l, fmt.Errorf("--backend-lookup %q: unknown key %q (kind, version, resource, port)", s, key)
		}
	}
	return l, nil
}

// BackendLookups checks declared lookups and returns them as the policy
// config's backend_lookups. reserved are the policy's own collections,
// which a lookup may not name.
func BackendLookups(ls []BackendLookup, reserved []string) ([]any, error) {
	out := []any{}
	seen := map[string]bool{}
	for _, l := range ls {
		what := fmt.Sprintf("backend lookup %s", l.Kind)
		if _, err := BackendKinds([]string{l.Kind}); err != nil || l.Kind == "" {
			return nil, fmt.Errorf(`%s: kind must be group/Kind (gateway.example.com/Backend), or Kind for the core group`, what)
		}
		if !lookupVersion.MatchString(l.Version) {
			return nil, fmt.Errorf("%s: version %q: want the version the objects are served at, like v1 or v1alpha1", what, l.Version)
		}
		if !lookupResource.MatchString(l.Resource) {
			return nil, fmt.Errorf("%s: resource %q: want the plural resource name, as kubectl api-resources lists it (backends)", what, l.Resource)
		}
		if slices.Contains(reserved, l.Resource) {
			return nil, fmt.Errorf("%s: resource %q is one refguard looks up already", what, l.Resource)
		}
		if seen[l.Resource] {
			return nil, fmt.Errorf("%s: resource %q is declared twice", what, l.Resource)
		}
		seen[l.Resource] = true
		if l.Port != "" && !lookupPort.MatchString(l.Port) {
			return nil, fmt.Errorf(`%s: port %q: want a dotted path to the port number, "[]" after a list (spec.ports[].port, spec.targetPortNumber)`, what, l.Port)
		}
		out = append(out, l.Entry())
	}
	return out, nil
}
