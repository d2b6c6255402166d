package check

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/refguard/refguard/harness/astjson"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/report"
)

// duplicateGroup is the copies of one object (API group, kind, namespace,
// name) that the checked set defines more than once, ordered by file and
// line: the first is the copy the check evaluates, whatever the order the
// files were given in.
type duplicateGroup []*manifest.Object

// FirstCopies is the objects a check evaluates: each object once, from its
// first copy by file and line. What a cluster syncs (Gatekeeper's
// inventory, an admission review) holds one copy of an object, so the
// material built for those contexts from a set starts from these.
func FirstCopies(objects []manifest.Object) []manifest.Object {
	kept, _ := groupDuplicates(objects)
	return kept
}

// groupDuplicates returns the objects to evaluate (each object once: the
// first copy of a duplicated one) and the duplicated objects' copies.
// Whether copies conflict is the policy's decision (RG506), made on
// duplicateFindings.
func groupDuplicates(objects []manifest.Object) ([]manifest.Object, []duplicateGroup) {
	byKey := map[string][]int{}
	var order []string
	for i := range objects {
		o := &objects[i]
		if o.Name == "" {
			continue
		}
		key := manifest.APIGroup(o.APIVersion) + "\x00" + o.Kind + "\x00" + inventory.Namespace(o) + "\x00" + o.Name
		if _, seen := byKey[key]; !seen {
			order = append(order, key)
		}
		byKey[key] = append(byKey[key], i)
	}
	var groups []duplicateGroup
	drop := map[int]bool{}
	for _, key := range order {
		idx := byKey[key]
		if len(idx) < 2 {
			continue
		}
		g := make(duplicateGroup, len(idx))
		for j, i := range idx {
			g[j] = &objects[i]
		}
		sort.SliceStable(g, func(a, b int) bool {
			if g[a].File != g[b].File {
				return g[a].File < g[b].File
			}
			return g[a].Line < g[b].Line
		})
		for _, i := range idx {
			if &objects[i] != g[0] {
				drop[i] = true
			}
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return objects, nil
	}
	kept := make([]manifest.Object, 0, len(objects)-len(drop))
	for i := range objects {
		if !drop[i] {
			kept = append(kept, objects[i])
		}
	}
	sort.Slice(groups, func(a, b int) bool {
		return groups[a][0].File < groups[b][0].File || groups[a][0].File == groups[b][0].File && groups[a][0].Line < groups[b][0].Line
	})
	return kept, groups
}

// duplicateFindings evaluates the policy's findings about duplicated
// objects (engine.DuplicatesQuery), located at each object's first copy.
func (ev *evaluation) duplicateFindings(ctx context.Context, groups []duplicateGroup) ([]report.Finding, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	input, err := duplicatesInput(groups)
	if err != nil {
		return nil, err
	}
	var found []report.PolicyFinding
	if ev.wasm != nil {
		w := ev.wasm.get()
		result, err := w.evalInput(ctx, engine.Entrypoint(engine.DuplicatesQuery), append(append(append([]byte(`{"config":`), ev.wasm.config...), `,"duplicates":`...), append(input, '}')...))
		ev.wasm.put(w)
		if err != nil {
			return nil, fmt.Errorf("evaluate duplicated objects: %w", err)
		}
		if found, err = engine.DecodeFindings(result); err != nil {
			return nil, err
		}
	} else {
		eng, err := ev.interpreter.engine(ctx)
		if err != nil {
			return nil, err
		}
		var dups any
		if err := json.Unmarshal(input, &dups); err != nil {
			return nil, fmt.Errorf("evaluate duplicated objects: %w", err)
		}
		cfg, err := astjson.Append(nil, ev.config)
		if err != nil {
			return nil, err
		}
		var config any
		if err := json.Unmarshal(cfg, &config); err != nil {
			return nil, err
		}
		if err := eng.Decision(ctx, engine.DuplicatesQuery, map[string]any{"config": config, "duplicates": dups}, &found); err != nil {
			return nil, fmt.Errorf("evaluate duplicated objects: %w", err)
		}
	}
	first := map[string]*manifest.Object{}
	for _, g := range groups {
		first[identityKey(g[0].APIVersion, g[0].Kind, inventory.Namespace(g[0]), g[0].Name)] = g[0]
	}
	out := make([]report.Finding, 0, len(found))
	for _, f := range found {
		o, ok := first[identityKey(f.Object.APIVersion, f.Object.Kind, f.Object.Namespace, f.Object.Name)]
		if !ok {
			return nil, fmt.Errorf("evaluate duplicated objects: a finding about %s %s/%s, which is not duplicated", f.Object.Kind, f.Object.Namespace, f.Object.Name)
		}
		out = append(out, locate(o, f))
	}
	return out, nil
}

func identityKey(apiVersion, kind, namespace, name string) string {
	return apiVersion + "\x00" + kind + "\x00" + namespace + "\x00" + name
}

// duplicatesInput is the groups as the policy reads them, JSON:
// [[{"file", "identity", "object"}, …], …].
func duplicatesInput(groups []duplicateGroup) ([]byte, error) {
	b := []byte{'['}
	for i, g := range groups {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, o := range g {
			if j > 0 {
				b = append(b, ',')
			}
			head, err := json.Marshal(struct {
				File     string            `json:"file"`
				Identity map[string]string `json:"identity"`
			}{o.File, map[string]string{"apiVersion": o.APIVersion, "kind": o.Kind, "namespace": inventory.Namespace(o), "name": o.Name}})
			if err != nil {
				return nil, err
			}
			b = append(b, head[:len(head)-1]...)
			b = append(b, `,"object":`...)
			switch {
			case o.JSON != nil:
				b = append(b, o.JSON...)
			default:
				m, err := o.Materialize()
				if err != nil {
					return nil, err
				}
				if b, err = astjson.Append(b, m.Value); err != nil {
					return nil, fmt.Errorf("convert %s %s: %w", o.Kind, o.Name, err)
				}
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, ']'), nil
}
