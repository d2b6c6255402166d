package check

import (
	"fmt"
	"strings"
)

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
