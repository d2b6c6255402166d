package release_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
	"sigs.k8s.io/yaml"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/release"
	"github.com/refguard/refguard/internal/testsupport"
)

// readmeBlock is one fenced code block of the README.
type readmeBlock struct {
	section, lang, body string
}

var fence = regexp.MustCompile("(?s)```([a-z]*)\n(.*?)```")

func readmeBlocks(t *testing.T, sections ...string) []readmeBlock {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testsupport.ModuleRoot(t), "README.md"))
	require.NoError(t, err)
	var out []readmeBlock
	for _, part := range strings.Split(string(raw), "\n## ")[1:] {
		title, body, _ := strings.Cut(part, "\n")
		for _, s := range sections {
			if title != s {
				continue
			}
			for _, m := range fence.FindAllStringSubmatch(body, -1) {
				out = append(out, readmeBlock{title, m[1], m[2]})
			}
		}
	}
	return out
}

// moduleProxy serves the working tree as the module's release, in the
// layout GOPROXY=file://… reads, so `go install …@latest` installs what
// a published release of this tree would be.
func moduleProxy(t *testing.T, tree string) string {
	t.Helper()
	proxy := t.TempDir()
	version := "v" + refguard.Version()
	dir := filepath.Join(proxy, release.Module, "@v")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	var zip bytes.Buffer
	require.NoError(t, modzip.CreateFromDir(&zip, module.Version{Path: release.Module, Version: version}, tree))
	gomod, err := os.ReadFile(filepath.Join(tree, "go.mod"))
	require.NoError(t, err)
	for name, content := range map[string][]byte{
		"list":            []byte(version + "\n"),
		version + ".info": []byte(`{"Version":"` + version + `","Time":"2026-12-01T00:00:00Z"}`),
		version + ".mod":  gomod,
		version + ".zip":  zip.Bytes(),
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), content, 0o644))
	}
	return "file://" + proxy
}

// TestReadmeInstallAndQuickStart runs the README's Install and Quick start
// sections as a new user would, from a fresh clone (a snapshot of the
// working tree): each shell block as written, and each console command
// with its output compared to what the README shows. What cannot be
// reached from a test is served locally instead, the commands unchanged:
// the module proxy (this tree as the release), GitHub's release downloads
// (the release build of this tree), and a clean GOPATH and HOME.
func TestReadmeInstallAndQuickStart(t *testing.T) {
	blocks := readmeBlocks(t, "Install", "Quick start")
	require.GreaterOrEqual(t, len(blocks), 3, "install with go, install a binary, quick start")
	clone, _ := snapshot(t)
	downloads := releaseDownloads(t, false)
	home, gopath, modcache := t.TempDir(), t.TempDir(), t.TempDir()
	caches, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE").Output()
	require.NoError(t, err)
	goCache, goModCache := strings.Fields(string(caches))[0], strings.Fields(string(caches))[1]
	env := append(os.Environ(),
		"HOME="+home, "GOPATH="+gopath, "GOBIN=", "GOMODCACHE="+modcache,
		// The module from the local proxy; its dependencies from the
		// module cache this machine already verified.
		"GOPROXY="+moduleProxy(t, clone)+",file://"+filepath.Join(goModCache, "cache", "download"),
		"GOSUMDB=off", "GOTOOLCHAIN=local", "GOCACHE="+goCache,
		"GOFLAGS=-modcacherw -trimpath -buildvcs=false", "CGO_ENABLED=0",
		"PATH="+filepath.Join(gopath, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		"REFGUARD_CACHE_DIR=off")
	t.Cleanup(func() { _ = exec.Command("chmod", "-R", "u+w", modcache).Run() })

	ran := 0
	for _, b := range blocks {
		switch b.lang {
		case "sh":
			script := strings.ReplaceAll(b.body, "https://github.com/refguard/refguard/releases/download", downloads)
			script = strings.ReplaceAll(script, "arch=amd64", "arch="+release.Host().Arch)
			cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
			cmd.Dir, cmd.Env = t.TempDir(), env
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "README %s block failed:\n%s\n%s", b.section, b.body, out)
			ran++
		case "console":
			runConsole(t, b.body, clone, env)
			ran++
		default:
			t.Fatalf("README %s has a %q block the test cannot run", b.section, b.lang)
		}
	}
	require.FileExists(t, filepath.Join(gopath, "bin", "refguard"), "go install put refguard on the PATH")
	out, err := exec.Command(filepath.Join(home, ".local", "bin", "refguard"), "version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, refguard.Version()+"\n", string(out), "the downloaded binary runs")
	require.Equal(t, len(blocks), ran)
}

// runConsole runs each "$ command" of a console block in dir and compares
// its output with the lines the block shows under it ("…" stands for any
// lines). "echo $?" prints the previous command's exit code.
func runConsole(t *testing.T, block, dir string, env []string) {
	t.Helper()
	type step struct {
		command string
		want    []string
	}
	var steps []step
	for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		if c, ok := strings.CutPrefix(line, "$ "); ok {
			steps = append(steps, step{command: c})
			continue
		}
		require.NotEmpty(t, steps, "console block starts with output: %q", line)
		steps[len(steps)-1].want = append(steps[len(steps)-1].want, line)
	}
	last := 0
	for _, s := range steps {
		var got string
		if s.command == "echo $?" {
			got = strconv.Itoa(last)
		} else {
			cmd := exec.Command("bash", "-c", s.command)
			cmd.Dir, cmd.Env = dir, env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			last = 0
			if exit, ok := err.(*exec.ExitError); ok {
				last = exit.ExitCode()
			} else {
				require.NoError(t, err, s.command)
			}
			got = strings.TrimSuffix(out.String(), "\n")
		}
		require.True(t, matchLines(s.want, strings.Split(got, "\n")) || (len(s.want) == 0 && got == ""),
			"README shows for $ %s:\n%s\n\nit prints:\n%s", s.command, strings.Join(s.want, "\n"), got)
	}
}

// matchLines reports whether got equals want, where a "…" line in want
// matches any number of lines.
func matchLines(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0 || (len(got) == 1 && got[0] == "")
	}
	if want[0] == "…" {
		for i := 0; i <= len(got); i++ {
			if matchLines(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && want[0] == got[0] && matchLines(want[1:], got[1:])
}

// TestReadmeCIRecipesMatchTheAction holds the README's copy-paste recipes
// to what they name: the workflow's inputs are the Action's, the
// pre-commit hooks are the ones this repository defines.
func TestReadmeCIRecipesMatchTheAction(t *testing.T) {
	root := testsupport.ModuleRoot(t)
	var a action
	raw, err := os.ReadFile(filepath.Join(root, "action.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(raw, &a))
	var hooks []struct {
		ID string `json:"id"`
	}
	raw, err = os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(raw, &hooks))
	hookIDs := map[string]bool{}
	for _, h := range hooks {
		hookIDs[h.ID] = true
	}

	blocks := readmeBlocks(t, "In CI")
	var workflows, precommits int
	for _, b := range blocks {
		require.Equal(t, "yaml", b.lang)
		var doc map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(b.body), &doc), b.body)
		if jobs, ok := doc["jobs"].(map[string]any); ok {
			for _, job := range jobs {
				for _, step := range job.(map[string]any)["steps"].([]any) {
					st := step.(map[string]any)
					uses, _ := st["uses"].(string)
					if !strings.HasPrefix(uses, "refguard/refguard@") {
						continue
					}
					workflows++
					require.Equal(t, "refguard/refguard@v"+refguard.Version(), uses)
					for k := range st["with"].(map[string]any) {
						_, ok := a.Inputs[k]
						require.True(t, ok, "the README's workflow sets input %q, which action.yml does not have", k)
					}
				}
			}
		}
		if repos, ok := doc["repos"].([]any); ok {
			for _, r := range repos {
				repo := r.(map[string]any)
				precommits++
				require.Equal(t, "v"+refguard.Version(), repo["rev"])
				for _, h := range repo["hooks"].([]any) {
					id := h.(map[string]any)["id"].(string)
					require.True(t, hookIDs[id], "the README's pre-commit config uses hook %q, which .pre-commit-hooks.yaml does not define", id)
				}
			}
		}
	}
	require.Equal(t, 1, workflows)
	require.Equal(t, 1, precommits)
}
