package chartsource

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/report"
)

func chartDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"Chart.yaml":                        "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
		"templates/route.yaml":              "{{ .Values.route }}\n",
		"charts/db/templates/tcproute.yaml": "{{ .Values.db }}\n",
	} {
		file := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, []byte(content), 0o644))
	}
	return dir
}

func TestTemplateMapsASourceCommentToTheChartsFile(t *testing.T) {
	dir := chartDir(t)
	chart, err := Open(dir)
	require.NoError(t, err)
	require.Equal(t, "shop", chart.Name)
	for source, want := range map[string]string{
		"shop/templates/route.yaml":              filepath.Join(dir, "templates", "route.yaml"),
		"shop/charts/db/templates/tcproute.yaml": filepath.Join(dir, "charts", "db", "templates", "tcproute.yaml"),
	} {
		got, ok := chart.Template(source)
		require.True(t, ok, source)
		require.Equal(t, want, got, source)
	}
	for _, source := range []string{
		"",
		"shop/",
		"other/templates/route.yaml",  // another chart
		"shop/templates/missing.yaml", // not in the chart (a packaged subchart)
		"shop/templates",              // a directory
		"shop/../../etc/passwd",       // leaves the chart
		"shop/templates/../../../outside/route.yaml", // leaves it after cleaning
	} {
		_, ok := chart.Template(source)
		require.False(t, ok, source)
	}
}

func TestOpenNeedsAChartWithAName(t *testing.T) {
	_, err := Open(t.TempDir())
	require.ErrorContains(t, err, "not a Helm chart")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nversion: 1.0.0\n"), 0o644))
	_, err = Open(dir)
	require.ErrorContains(t, err, "names no chart")
}

func TestLocateMovesOnlyRenderedFindingsAndLeavesTheReportAlone(t *testing.T) {
	chart, err := Open(chartDir(t))
	require.NoError(t, err)
	rep := &report.Report{Findings: []report.Finding{
		{File: "<stdin>", Line: 20, Source: "shop/templates/route.yaml"},
		{File: "<stdin>", Line: 40, Source: "other/templates/route.yaml"},
		{File: "routes.yaml", Line: 7},
	}}
	located := chart.Locate(rep)
	require.Equal(t, filepath.Join(chart.Dir, "templates", "route.yaml"), located.Findings[0].File)
	require.Zero(t, located.Findings[0].Line, "a template's line is not the rendered line")
	require.Equal(t, "<stdin>", located.Findings[1].File)
	require.Equal(t, 40, located.Findings[1].Line)
	require.Equal(t, "routes.yaml", located.Findings[2].File)
	require.Equal(t, "<stdin>", rep.Findings[0].File, "the report itself is unchanged")
}
