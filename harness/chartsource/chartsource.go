// Package chartsource places findings about objects that helm template
// rendered in the chart's own files. A rendered stream (helm template … |
// refguard check -) has no file a pull request shows; each document's
// "# Source: CHART/templates/x.yaml" comment names the template, relative
// to the chart's parent. Annotations (GitHub workflow commands, SARIF for
// code scanning) then point at the template, which is what a reviewer
// edits. The line inside the template is not known: a template's lines are
// not the rendered lines, so the location is the file alone.
package chartsource

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refguard/refguard/harness/report"
)

// maxChartFile bounds the Chart.yaml read: its name is near the top, and a
// chart's metadata is a few kilobytes.
const maxChartFile = 1 << 20

// Chart is a chart directory and the name its Chart.yaml gives, which helm
// writes as the first element of every Source comment.
type Chart struct {
	Dir  string
	Name string
}

// Open reads the chart in dir.
func Open(dir string) (Chart, error) {
	file := filepath.Join(dir, "Chart.yaml")
	info, err := os.Stat(file)
	if err != nil {
		return Chart{}, fmt.Errorf("--chart %s: not a Helm chart: %w", dir, err)
	}
	if info.Size() > maxChartFile {
		return Chart{}, fmt.Errorf("--chart %s: %s is %d bytes, more than the %d a chart's metadata needs", dir, file, info.Size(), maxChartFile)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return Chart{}, fmt.Errorf("--chart %s: %w", dir, err)
	}
	var meta struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(data, &meta); err != nil {
		return Chart{}, fmt.Errorf("--chart %s: reading %s: %w", dir, file, err)
	}
	if meta.Name == "" {
		return Chart{}, fmt.Errorf("--chart %s: %s names no chart (name:)", dir, file)
	}
	return Chart{Dir: dir, Name: meta.Name}, nil
}

// Template returns the file in the chart a Source comment names: the
// chart's own templates ("NAME/templates/route.yaml") or an unpacked
// subchart's ("NAME/charts/sub/templates/route.yaml"). ok is false for a
// Source of another chart, one that leaves the chart directory, or a file
// that is not there (a packaged subchart).
func (c Chart) Template(source string) (file string, ok bool) {
	rest, found := strings.CutPrefix(source, c.Name+"/")
	if !found || rest == "" {
		return "", false
	}
	rel, ok := inside(rest)
	if !ok {
		return "", false
	}
	file = filepath.Join(c.Dir, filepath.FromSlash(rel))
	info, err := os.Stat(file)
	if err != nil || !info.Mode().IsRegular() {
		return "", false
	}
	return file, true
}

// inside cleans a path relative to the chart; ok is false for one that
// leaves it (.. elements in input), which is never followed.
func inside(rel string) (clean string, ok bool) {
	clean = path.Clean(rel)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", false
	}
	return clean, true
}

// Locate returns a copy of rep whose findings about rendered objects are
// placed in the chart's templates, line unknown (0). Findings whose Source
// the chart does not hold keep their place in the rendered input.
func (c Chart) Locate(rep *report.Report) *report.Report {
	out := *rep
	out.Findings = make([]report.Finding, len(rep.Findings))
	for i, f := range rep.Findings {
		if file, ok := c.Template(f.Source); ok {
			f.File, f.Line = file, 0
		}
		out.Findings[i] = f
	}
	return &out
}
