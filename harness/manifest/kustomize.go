package manifest

import (
	"fmt"
	"path/filepath"

	yaml "go.yaml.in/yaml/v3"
)

// maxKustomizationSize bounds the kustomization files read for their
// patches: real ones are a few kilobytes.
const maxKustomizationSize = 1 << 20

// kustomizationNames are the file names kustomize reads in a directory.
var kustomizationNames = map[string]bool{"kustomization.yaml": true, "kustomization.yml": true}

// kustomization holds what refguard reads of a kustomization: the patch
// files it applies (patches of part of an object, not objects) and whether
// it changes what the files it lists say (namespace, names, patches).
type kustomization struct {
	Namespace             string   `yaml:"namespace"`
	NamePrefix            string   `yaml:"namePrefix"`
	NameSuffix            string   `yaml:"nameSuffix"`
	PatchesStrategicMerge []string `yaml:"patchesStrategicMerge"`
	Patches               []struct {
		Path string `yaml:"path"`
	} `yaml:"patches"`
	PatchesJSON6902 []struct {
		Path string `yaml:"path"`
	} `yaml:"patchesJson6902"`
}

// kustomizeLayout is what the kustomizations among the inputs say about
// the other inputs: which files are their patches, and a note for each
// kustomization that transforms what it lists.
type kustomizeLayout struct {
	kustomizations map[string]bool
	patchOf        map[string]string // cleaned patch path → its kustomization file
	notes          map[string]Note   // kustomization file → its note
}

// readKustomizations finds the kustomization files among the sources. A
// repository of kustomize bases and overlays is checked file by file as
// written: an overlay's patches are parts of objects (a second, partial
// HTTPRoute of the same name), so they are set aside with a note instead
// of being read as objects, and each kustomization that renames, moves
// or patches what it lists says how to check what it deploys. A
// kustomization holds no object to check; one that does not parse as a
// kustomization is left to the parser, which reports it like any other
// file.
func readKustomizations(sources []source) kustomizeLayout {
	layout := kustomizeLayout{kustomizations: map[string]bool{}, patchOf: map[string]string{}, notes: map[string]Note{}}
	for _, src := range sources {
		if !kustomizationNames[filepath.Base(src.file)] || len(src.data) > maxKustomizationSize {
			continue
		}
		var k kustomization
		if yaml.Unmarshal(src.data, &k) != nil {
			continue
		}
		layout.kustomizations[src.file] = true
		dir := filepath.Dir(src.file)
		patches := append([]string(nil), k.PatchesStrategicMerge...)
		for _, p := range k.Patches {
			patches = append(patches, p.Path)
		}
		for _, p := range k.PatchesJSON6902 {
			patches = append(patches, p.Path)
		}
		transforms := k.Namespace != "" || k.NamePrefix != "" || k.NameSuffix != ""
		for _, p := range patches {
			// An inline patch (a YAML string with a newline) names no file.
			if p == "" || !isManifestFile(p) || filepath.IsAbs(p) {
				continue
			}
			layout.patchOf[filepath.Clean(filepath.Join(dir, p))] = src.file
			transforms = true
		}
		if transforms {
			layout.notes[src.file] = Note{File: src.file, Line: 1, Message: fmt.Sprintf(
				"a kustomization: the files it lists are checked as written, without its namespace, name prefix or suffix and patches; to check what it deploys: kustomize build %s | refguard check -", dir)}
		}
	}
	return layout
}

// skip says whether a source is a kustomization or one of its patches,
// which hold no object to check, and the note to give for it (none for a
// kustomization that transforms nothing).
func (l kustomizeLayout) skip(file string) (Note, bool) {
	if k, ok := l.patchOf[filepath.Clean(file)]; ok {
		return Note{File: file, Line: 1, Message: fmt.Sprintf(
			"skipped: a kustomize patch of %s, part of an object and not one; to check it applied: kustomize build %s | refguard check -", k, filepath.Dir(k))}, true
	}
	if note, ok := l.notes[file]; ok {
		return note, true
	}
	return Note{}, l.kustomizations[file]
}
