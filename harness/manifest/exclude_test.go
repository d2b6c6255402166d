package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExcluderMatches(t *testing.T) {
	e, err := NewExcluder([]string{"templates", "*.tpl.yaml", "charts/*/ci", "envs/**/secret*.yaml", "build/"})
	require.NoError(t, err)
	for path, want := range map[string]bool{
		"charts/shop/templates":              true,  // a name, anywhere
		"./charts/shop/templates/route.yaml": false, // the directory is skipped, not each file
		"deploy/route.tpl.yaml":              true,
		"deploy/route.yaml":                  false,
		"charts/shop/ci":                     true,
		"other/charts/shop/ci":               false, // a path pattern is anchored
		"envs/secret.yaml":                   true,  // ** spans no directory too
		"envs/prod/eu/secret-db.yaml":        true,
		"envs/prod/route.yaml":               false,
	} {
		require.Equal(t, want, e.Matches("", path, filepath.Ext(path) == ""), path)
	}
	require.True(t, e.Matches("", "out/build", true))
	require.True(t, e.Matches("/abs/repo", "/abs/repo/charts/x/ci", true), "a path pattern matches below the walked root")
	require.False(t, e.Matches("", "out/build", false), "a trailing slash matches directories only")
	var none *Excluder
	require.False(t, none.Matches("", "anything.yaml", false))
	_, err = NewExcluder([]string{"["})
	require.ErrorContains(t, err, `--exclude "["`)
}

// TestWalkExcludesAndFollowsARootLink: an excluded directory is not read
// (a chart's templates would be an error), and a directory named through
// a symbolic link is walked rather than skipped.
func TestWalkExcludesAndFollowsARootLink(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "repo", "charts", "shop", "templates"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "repo", "deploy"), 0o755))
	svc := "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: app\nspec:\n  ports:\n    - port: 80\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "repo", "deploy", "svc.yaml"), []byte(svc), 0o644))
	tmpl := "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "repo", "charts", "shop", "templates", "svc.yaml"), []byte(tmpl), 0o644))

	_, err := Load([]string{filepath.Join(dir, "repo")}, nil)
	require.ErrorContains(t, err, "svc.yaml:4: this is a Helm or Go template")
	excluder, err := NewExcluder([]string{"templates"})
	require.NoError(t, err)
	res, err := LoadWithOptions([]string{filepath.Join(dir, "repo")}, nil, Options{Exclude: excluder})
	require.NoError(t, err)
	require.Len(t, res.Objects, 1)

	link := filepath.Join(dir, "deploy-link")
	require.NoError(t, os.Symlink(filepath.Join(dir, "repo", "deploy"), link))
	res, err = Load([]string{link}, nil)
	require.NoError(t, err)
	require.Len(t, res.Objects, 1, "the linked directory's files are read")
	require.Equal(t, []string{filepath.Join(link, "svc.yaml")}, res.Files)
}

// TestTemplateActionsOutsideStringsAreAnError: a template action where
// YAML reads a value (a flow mapping, the object silently wrong), or one
// on Helm's built-in objects anywhere, makes the file a template, an error
// naming its line; an action in a comment, or inside a string and not
// Helm's, is data.
func TestTemplateActionsOutsideStringsAreAnError(t *testing.T) {
	for src, line := range map[string]int{
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: {{ .Values.port }}\n": 7,
		"# {{ .Values.x }} documented\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n":                    0,
		"{{- include \"x\" . }}\n": 1,
		// Helm's objects inside quotes: a chart's template all the same.
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: \"{{ .Release.Name }}-web\"\n": 4,
		// An action that is not Helm's, where YAML reads a value.
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: {{ $port }}\n": 7,
		// A PrometheusRule's annotations: strings, quoted or plain.
		"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: Down\n          annotations:\n            summary: \"{{ $labels.instance }} down\"\n            description: Instance {{ $labels.instance }} has {{ $value }}\n": 0,
		// An Alertmanager template in a ConfigMap's block scalar.
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\ndata:\n  slack.tmpl: |\n    {{ define \"slack.title\" }}{{ .Status | toUpper }}{{ end }}\n": 0,
		// kgateway's transformation, single-quoted.
		"kind: TrafficPolicy\napiVersion: gateway.kgateway.dev/v1alpha1\nmetadata:\n  name: p\nspec:\n  transformation:\n    request:\n      set:\n        - name: x\n          value: '{{ header(\"x-user-id\") }}'\n": 0,
		// A string action, then one outside any string: the file's first.
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\n  annotations:\n    a: \"{{ x }}\"\ndata:\n  k: {{ y }}\n": 6,
		// Not YAML at all: a template.
		"{{ if x }}\napiVersion: v1\n{{ end }}\n": 1,
	} {
		require.Equal(t, line, templateLine([]byte(src)), src)
	}
}

// TestPrometheusRuleBesideRoutesIsRead: a directory holding a
// PrometheusRule with template actions in its annotations is checked, not
// refused.
func TestPrometheusRuleBesideRoutesIsRead(t *testing.T) {
	src := "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\n  namespace: shop\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: Down\n          annotations:\n            summary: \"{{ $labels.instance }} down\"\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n"
	res, err := LoadWithOptions([]string{"-"}, strings.NewReader(src), Options{})
	require.NoError(t, err)
	require.Len(t, res.Objects, 2)
	require.Equal(t, "Service", res.Objects[1].Kind)
}

// TestByteOrderMarkStartingALaterDocument: a document that starts with a
// BOM (files joined with cat) is read, its lines where they are in the
// file; before, its first key carried the mark and it was skipped.
func TestByteOrderMarkStartingALaterDocument(t *testing.T) {
	src := "\ufeffapiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n\ufeffapiVersion: v1\nkind: Service\nmetadata:\n  name: b\n---\r\n\ufeffapiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: c\r\n"
	for _, opts := range []Options{{}, {Defer: func(_, kind string) bool { return kind == "Service" }, DeferredJSON: true}} {
		res, err := LoadWithOptions([]string{"-"}, strings.NewReader(src), opts)
		require.NoError(t, err)
		require.Empty(t, res.Notes)
		require.Len(t, res.Objects, 3)
		for i, want := range map[int]int{0: 1, 1: 6, 2: 11} {
			require.Equal(t, want, res.Objects[i].Line)
		}
	}
}
