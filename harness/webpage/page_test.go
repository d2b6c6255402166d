package webpage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/sandbox"
	"github.com/refguard/refguard/harness/webpage"
	"github.com/refguard/refguard/internal/testsupport"
)

// The page and the CLI are built once for every test of the package.
var built struct {
	once      sync.Once
	dir       string // the page
	cli       string // the refguard binary
	err       error
	cleanup   func()
	buildTime time.Duration
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.cleanup != nil {
		built.cleanup()
	}
	os.Exit(code)
}

func build(t *testing.T) (page, cli string) {
	t.Helper()
	root := testsupport.ModuleRoot(t)
	built.once.Do(func() {
		tmp, err := os.MkdirTemp("", "refguard-web-")
		if err != nil {
			built.err = err
			return
		}
		built.cleanup = func() { os.RemoveAll(tmp) }
		started := time.Now()
		built.dir = filepath.Join(tmp, "page")
		if built.err = webpage.Build(context.Background(), webpage.Options{Root: root, Out: built.dir}); built.err != nil {
			return
		}
		built.buildTime = time.Since(started)
		built.cli = filepath.Join(tmp, "refguard")
		cmd := exec.Command("go", "build", "-o", built.cli, "./cmd/refguard")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build the CLI: %v\n%s", err, out)
		}
	})
	require.NoError(t, built.err)
	return built.dir, built.cli
}

// chromium is Debian's chromium (or $REFGUARD_CHROMIUM): a missing browser
// fails the test, as a missing conftest does.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("REFGUARD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: install Debian's chromium package (.ci/run does) or set REFGUARD_CHROMIUM")
	return ""
}

// session is one browser tab on the page, served from loopback, with
// every request the tab makes recorded, whatever its destination.
type session struct {
	t        *testing.T
	ctx      context.Context
	served   atomic.Int64 // requests the page's server answered
	mu       sync.Mutex
	requests []string // every URL the tab asked for
}

func open(t *testing.T) *session {
	t.Helper()
	page, _ := build(t)
	s := &session{t: t}
	files := webpage.Handler(os.DirFS(page)) // as `refguard serve --web` serves it
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.served.Add(1)
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(cancelTimeout)
	s.ctx = ctx
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			s.mu.Lock()
			s.requests = append(s.requests, ev.Request.URL)
			s.mu.Unlock()
		}
	}()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")))
	state, err := chromedp.Run(ctx, chromedp.Poll[string](`document.body.dataset.state !== "loading" && document.body.dataset.state`))
	require.NoError(t, err)
	status := s.text("#status")
	require.Equal(t, "ready", state, status)
	return s
}

func (s *session) eval(js string) string {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](js))
	require.NoError(s.t, err, js)
	return v
}

func (s *session) text(sel string) string {
	s.t.Helper()
	return s.eval(fmt.Sprintf(`document.querySelector(%q).textContent`, sel))
}

func (s *session) requestLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// paste puts text in the box as a user does and checks it with the
// button; it returns the answer the page rendered.
func (s *session) paste(text, profile string) answer {
	s.t.Helper()
	require.NoError(s.t, chromedp.Do(s.ctx,
		chromedp.Evaluate[chromedp.Void](`window.refguardLast = null`),
		chromedp.SetValue(chromedp.ID("input"), text),
		chromedp.SetValue(chromedp.ID("profile"), profile),
		chromedp.Click(chromedp.ID("check")),
	))
	return s.rendered()
}

func (s *session) rendered() answer {
	s.t.Helper()
	_, err := chromedp.Run(s.ctx, chromedp.Poll[bool](`window.refguardLast !== null && document.body.dataset.state !== "checking"`))
	require.NoError(s.t, err)
	var a answer
	require.NoError(s.t, json.Unmarshal([]byte(s.eval(`JSON.stringify(window.refguardLast)`)), &a))
	return a
}

// answer is the sandbox's answer as the page holds it.
type answer struct {
	Error  string `json:"error"`
	Report string `json:"report"`
	Fix    *struct {
		Error string `json:"error"`
		Diff  string `json:"diff"`
		Files []struct {
			Name, Content string
		} `json:"files"`
	} `json:"fix"`
}

// cliReport is the part of the CLI's JSON report the page's DOM shows.
type cliReport struct {
	Findings []struct {
		Rule, File, Field, Message string
		Line                       int
	}
	Routes []struct {
		Object struct {
			Kind, Namespace, Name string
		}
		Conditions []struct{ Type, Status, Reason string }
	}
}

// runCLI runs the refguard binary in dir and returns its stdout; exit 1
// (findings, or errors left after a repair) and 2 (a refused repair) are
// answers, anything else a failure. Safe to call from any goroutine.
func runCLI(cli, dir string, stdin string, args ...string) (stdout, stderr string, code int, err error) {
	cmd := exec.Command(cli, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "REFGUARD_CACHE_DIR="+filepath.Join(filepath.Dir(cli), "cache"), "NO_COLOR=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code != 1 && code != 2 {
		return "", "", code, fmt.Errorf("refguard %v: %w\n%s", args, err, errb.String())
	}
	return out.String(), errb.String(), code, nil
}

// cliOut is runCLI's stdout, the test failing on anything unexpected.
func cliOut(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	_, cli := build(t)
	out, _, _, err := runCLI(cli, dir, stdin, args...)
	require.NoError(t, err)
	return out
}

// TestSandboxPageShowsTheGuidesIncidents pastes each incident of the guide
// (the bundled examples) into the page as a reader would and reads what
// the page shows against the CLI on the same file: the findings (rule and
// line), each route's predicted ResolvedRefs, the diff `refguard fix`
// prints and the YAML `refguard fix -` writes. It also records the
// screenshots docs/ shows, and proves the page asks for nothing once it
// has loaded.
func TestSandboxPageShowsTheGuidesIncidents(t *testing.T) {
	s := open(t)
	loaded := len(s.requestLog())
	servedAtLoad := s.served.Load()
	require.Positive(t, loaded)
	shots := map[string][]byte{}
	shot := func(name string, action chromedp.Action[[]byte]) {
		b, err := chromedp.Run(s.ctx, action)
		require.NoError(t, err)
		shots[name] = b
	}
	shot("empty", chromedp.FullScreenshot(100))

	root := testsupport.ModuleRoot(t)
	incidents, err := filepath.Glob(filepath.Join(root, "examples", "*.yaml"))
	require.NoError(t, err)
	require.Len(t, incidents, 6)
	for _, path := range incidents {
		name := filepath.Base(path)
		content, err := os.ReadFile(path)
		require.NoError(t, err)
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "pasted.yaml"), content, 0o644))

		a := s.paste(string(content), "spec")
		require.Empty(t, a.Error, name)
		out := cliOut(t, dir, "", "check", "--format", "json", "pasted.yaml")
		require.Equal(t, out, a.Report, "%s: the page's report is the CLI's, byte for byte", name)

		var rep cliReport
		require.NoError(t, json.Unmarshal([]byte(out), &rep))
		want := []string{}
		for _, f := range rep.Findings {
			want = append(want, fmt.Sprintf("%s pasted.yaml:%d", f.Rule, f.Line))
		}
		got := append([]string{}, strings.Fields(s.eval(`[...document.querySelectorAll("#results li.finding")].map(li => li.dataset.rule + "_pasted.yaml:" + li.dataset.line).join(" ")`))...)
		for i := range got {
			got[i] = strings.Replace(got[i], "_", " ", 1)
		}
		slices.Sort(want)
		slices.Sort(got)
		require.Equal(t, want, got, "%s: findings shown", name)
		for _, f := range rep.Findings {
			require.Contains(t, s.text("#results"), f.Message, name)
		}
		for _, r := range rep.Routes {
			for _, c := range r.Conditions {
				shown := s.eval(fmt.Sprintf(`(() => { const a = document.querySelector('article[data-object=%q] [data-condition=%q]'); return a ? a.dataset.status + "/" + a.dataset.reason : "missing" })()`,
					r.Object.Kind+" "+r.Object.Namespace+"/"+r.Object.Name, c.Type))
				require.Equal(t, c.Status+"/"+c.Reason, shown, "%s: %s's %s", name, r.Object.Name, c.Type)
			}
		}

		diff := cliOut(t, dir, "", "fix", "pasted.yaml")
		require.Equal(t, strings.TrimRight(diff, "\n"), strings.TrimRight(s.text("#diff"), "\n"), "%s: the diff shown is `refguard fix`'s", name)
		fixed := cliOut(t, dir, string(content), "fix", "-")
		if diff != "" {
			require.Equal(t, fixed, s.eval(`correctedYAML()`), "%s: the corrected YAML is `refguard fix -`'s", name)
			require.Equal(t, "false", s.eval(`String(document.getElementById("copy-yaml").disabled)`))
		} else {
			require.Equal(t, "true", s.eval(`String(document.getElementById("copy-yaml").disabled)`), "%s: nothing to copy", name)
		}
		if strings.HasPrefix(name, "03-") {
			shot("findings", chromedp.FullScreenshot(100))
			shot("diff", chromedp.Screenshot(chromedp.ID("repair")))
		}
	}

	t.Run("an incident from the menu", func(t *testing.T) {
		require.NoError(t, chromedp.Do(s.ctx, chromedp.Evaluate[chromedp.Void](`window.refguardLast = null;
			const m = document.getElementById("example"); m.value = "01-typo-service-name.yaml"; m.dispatchEvent(new Event("change"))`)))
		a := s.rendered()
		require.Contains(t, a.Report, `"RG103"`)
		require.Contains(t, s.text("#diff"), "+        - name: api-service")
	})

	t.Run("helm template output names each template", func(t *testing.T) {
		rendered := "---\n# Source: shop/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  ports:\n  - port: 80\n" +
			"---\n# Source: shop/templates/route.yaml\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: shop\n  namespace: shop\nspec:\n  rules:\n  - backendRefs:\n    - name: api\n      port: 8080\n"
		a := s.paste(rendered, "spec")
		require.Contains(t, a.Report, `"source": "shop/templates/route.yaml"`)
		require.Equal(t, "Rendered from shop/templates/route.yaml", s.text("#results li.finding p.source"))
	})

	t.Run("a live route shows what its controller wrote", func(t *testing.T) {
		live := "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: prod\nspec:\n  rules:\n  - backendRefs:\n    - name: api\n      port: 80\n" +
			"status:\n  parents:\n  - parentRef: {name: gw}\n    conditions:\n    - {type: ResolvedRefs, status: \"False\", reason: BackendNotFound, message: service prod/api not found}\n"
		a := s.paste(live, "spec")
		require.Contains(t, a.Report, `"observed"`)
		require.Equal(t, "In the cluster: ResolvedRefs=False BackendNotFound: service prod/api not found", s.text("#results p.observed"))
	})

	t.Run("keyboard only", func(t *testing.T) {
		require.NoError(t, chromedp.Do(s.ctx,
			chromedp.Evaluate[chromedp.Void](`window.refguardLast = null`),
			chromedp.SetValue(chromedp.ID("input"), mustRead(t, filepath.Join(root, "examples", "02-wrong-port.yaml"))),
			chromedp.Focus(chromedp.ID("input")),
			chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		))
		a := s.rendered()
		require.Contains(t, a.Report, `"RG105"`)
		unlabelled := s.eval(`[...document.querySelectorAll("input, select, textarea, button")]
			.filter(e => !(e.labels && e.labels.length) && !e.textContent.trim() && !e.getAttribute("aria-label")).map(e => e.id).join(" ")`)
		require.Empty(t, unlabelled, "controls without a label")
		require.Equal(t, "results", s.eval(`document.activeElement.id`), "focus moves to the findings")
	})

	t.Run("dropped files and a kubectl dump", func(t *testing.T) {
		dir := t.TempDir()
		routes := filepath.Join(dir, "routes.yaml")
		dump := filepath.Join(dir, "cluster.yaml")
		require.NoError(t, os.WriteFile(routes, []byte(shopRoute), 0o644))
		require.NoError(t, os.WriteFile(dump, []byte(`apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: api
    namespace: shop
  spec:
    ports:
    - port: 8080
      targetPort: 80
kind: List
metadata:
  resourceVersion: ""
`), 0o644))
		require.NoError(t, chromedp.Do(s.ctx,
			chromedp.Evaluate[chromedp.Void](`document.getElementById("input").value = ""`),
			chromedp.SetUploadFiles(chromedp.ID("files"), []string{routes, dump}),
		))
		_, err := chromedp.Run(s.ctx, chromedp.Poll[bool](`!document.getElementById("dropped").hidden`))
		require.NoError(t, err)
		require.Contains(t, s.text("#dropped"), "routes.yaml, cluster.yaml")
		require.NoError(t, chromedp.Do(s.ctx,
			chromedp.Evaluate[chromedp.Void](`window.refguardLast = null`),
			chromedp.Click(chromedp.ID("check")),
		))
		a := s.rendered()
		require.Empty(t, a.Error)
		require.Equal(t, "RG105 routes.yaml:11", s.eval(`[...document.querySelectorAll("#results li.finding")].map(li => li.dataset.rule + " routes.yaml:" + li.dataset.line).join()`))
		require.Contains(t, s.text("#diff"), "+++ b/routes.yaml")
		require.Contains(t, s.text("#diff"), "+      port: 8080")
		require.NoError(t, chromedp.Do(s.ctx, chromedp.Click(chromedp.ID("clear"))))
		require.Equal(t, "true", s.eval(`String(document.getElementById("dropped").hidden)`))
	})

	t.Run("input is text, never markup", func(t *testing.T) {
		hostile := strings.Replace(shopRoute, "- name: api", `- name: "<img src=/leak onerror=alert(1)>"`, 1)
		s.paste(hostile, "spec")
		require.Equal(t, "0", s.eval(`String(document.querySelectorAll("main img, main script").length)`))
		require.Contains(t, s.text("#results"), "<img src=/leak onerror=alert(1)>")
	})

	t.Run("secrets never shown", func(t *testing.T) {
		withSecrets := `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
stringData:
  password: hunter2-do-not-show
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  namespace: shop
data:
  GITHUB: ghp_0123456789abcdefghijklmnopqrstuvwxyzAB
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  ports:
  - port: 8080
---
` + shopRoute
		a := s.paste(withSecrets, "spec")
		require.NotNil(t, a.Fix)
		require.Contains(t, a.Fix.Diff, "+      port: 8080", "%+v", a)
		for _, secret := range []string{"hunter2-do-not-show", "ghp_0123456789"} {
			require.NotContains(t, s.eval(`document.getElementById("results").innerText + document.getElementById("repair").innerText`), secret)
			require.NotContains(t, s.eval(`correctedYAML()`), secret)
			require.NotContains(t, s.eval(`JSON.stringify(window.refguardLast)`), secret)
		}
		require.Contains(t, s.eval(`correctedYAML()`), "password: <redacted>")
	})

	t.Run("phone-sized screen", func(t *testing.T) {
		require.NoError(t, chromedp.Do(s.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)))
		s.paste(mustRead(t, filepath.Join(root, "examples", "03-cross-namespace-without-grant.yaml")), "spec")
		require.Equal(t, "true", s.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`),
			"the page scrolls sideways on a phone: %s > %s", s.eval(`String(document.documentElement.scrollWidth)`), s.eval(`String(window.innerWidth)`))
		require.NoError(t, chromedp.Do(s.ctx, chromedp.EmulateReset()))
	})

	require.Equal(t, s.requestLog()[:loaded], s.requestLog(), "requests after the page loaded")
	require.Equal(t, servedAtLoad, s.served.Load(), "the server was asked for something after the page loaded")
	for _, u := range s.requestLog() {
		require.True(t, strings.HasPrefix(u, "http://127.0.0.1:") || strings.HasPrefix(u, "data:"), "request to %s", u)
	}

	for name, b := range shots {
		img, err := png.Decode(bytes.NewReader(b))
		require.NoError(t, err, name)
		require.Greater(t, img.Bounds().Dx(), 300, name)
		committed := filepath.Join(root, "docs", "sandbox", name+".png")
		if os.Getenv("REFGUARD_UPDATE_SCREENSHOTS") != "" {
			require.NoError(t, os.MkdirAll(filepath.Dir(committed), 0o755))
			require.NoError(t, os.WriteFile(committed, b, 0o644))
			continue
		}
		_, err = os.Stat(committed)
		require.NoError(t, err, "screenshot missing: REFGUARD_UPDATE_SCREENSHOTS=1 go test ./harness/webpage writes it")
	}
}

// shopRoute sends shop/web to Service api on port 80, which the tests'
// Services do not expose (they expose 8080): one RG105 with a repair.
const shopRoute = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: shop
spec:
  parentRefs:
  - name: gw
  rules:
  - backendRefs:
    - name: api
      port: 80
`

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// TestSandboxAgreesWithTheCLIOnEveryFixture sends every fixture case,
// with its profile, severities, extension kinds and inventory, to the
// engine in the page and compares its report with `refguard check
// --format json` and its diff with `refguard fix` on the same files.
func TestSandboxAgreesWithTheCLIOnEveryFixture(t *testing.T) {
	s := open(t)
	root := testsupport.ModuleRoot(t)
	cases, err := fixture.Discover(filepath.Join(root, "fixtures"))
	require.NoError(t, err)
	require.Greater(t, len(cases), 100)
	type cliRun struct {
		check, fix, fixErr string
		err                error
	}
	_, cli := build(t)
	runs := make([]cliRun, len(cases))
	configs := t.TempDir()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c := &cases[i]
			args := cliArgs(configs, i, c)
			out, _, _, err := runCLI(cli, c.Dir, "", append([]string{"check", "--format", "json"}, args...)...)
			if err != nil {
				runs[i].err = err
				return
			}
			fixed, stderr, code, err := runCLI(cli, c.Dir, "", append([]string{"fix"}, args...)...)
			runs[i] = cliRun{check: out, fix: fixed, err: err}
			if code == 2 {
				runs[i].fixErr = stderr
			}
		}()
	}
	wg.Wait()
	for i, c := range cases {
		req := sandbox.Request{Profile: c.Expected.Profile, Severity: c.Expected.Severity, BackendKinds: c.Expected.BackendKinds, BackendLookups: c.Expected.BackendLookups}
		if req.Profile == "" {
			req.Profile = "spec"
		}
		for _, m := range c.Manifests {
			req.Files = append(req.Files, sandbox.File{Name: rel(c.Dir, m), Content: mustRead(t, m)})
		}
		for _, m := range c.Inventory {
			req.Inventory = append(req.Inventory, sandbox.File{Name: rel(c.Dir, m), Content: mustRead(t, m)})
		}
		require.NoError(t, runs[i].err, c.Name)
		b, err := json.Marshal(req)
		require.NoError(t, err)
		lit, err := json.Marshal(string(b))
		require.NoError(t, err)
		var a answer
		both := `(() => { const a = JSON.parse(refguard.check(` + string(lit) + `));
			if (!a.error) a.fix = JSON.parse(refguard.repair()).fix;
			return JSON.stringify(a) })()`
		require.NoError(t, json.Unmarshal([]byte(s.eval(both)), &a), c.Name)
		require.Empty(t, a.Error, c.Name)
		require.Equal(t, runs[i].check, a.Report, "%s: report", c.Name)
		require.NotNil(t, a.Fix, c.Name)
		if runs[i].fixErr != "" {
			require.NotEmpty(t, a.Fix.Error, "%s: the CLI refused the repair: %s", c.Name, runs[i].fixErr)
			require.Contains(t, runs[i].fixErr, a.Fix.Error, c.Name)
			continue
		}
		require.Empty(t, a.Fix.Error, c.Name)
		require.Equal(t, runs[i].fix, a.Fix.Diff, "%s: diff", c.Name)
	}
	t.Logf("%d fixture cases: the page's engine and the CLI agree", len(cases))
}

// cliArgs are the CLI flags for a case's settings, with the config file
// written into dir (fix reads rule levels from it alone).
func cliArgs(dir string, i int, c *fixture.Case) []string {
	profile := c.Expected.Profile
	if profile == "" {
		profile = "spec"
	}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "profile: %s\n", profile)
	if len(c.Expected.Severity) > 0 {
		cfg.WriteString("severity:\n")
		for _, k := range slices.Sorted(maps.Keys(c.Expected.Severity)) {
			fmt.Fprintf(&cfg, "  %s: %s\n", k, c.Expected.Severity[k])
		}
	}
	if len(c.Expected.BackendKinds) > 0 {
		cfg.WriteString("backendKinds:\n")
		for _, k := range c.Expected.BackendKinds {
			fmt.Fprintf(&cfg, "  - %q\n", k)
		}
	}
	if len(c.Expected.BackendLookups) > 0 {
		cfg.WriteString("backendLookups:\n")
		for _, l := range c.Expected.BackendLookups {
			fmt.Fprintf(&cfg, "  - {kind: %q, version: %q, resource: %q, port: %q}\n", l.Kind, l.Version, l.Resource, l.Port)
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("case-%d.yaml", i))
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		panic(err)
	}
	args := []string{"--config", path}
	for _, m := range c.Inventory {
		args = append(args, "--inventory", rel(c.Dir, m))
	}
	for _, m := range c.Manifests {
		args = append(args, rel(c.Dir, m))
	}
	return args
}

func rel(dir, path string) string {
	r, err := filepath.Rel(dir, path)
	if err != nil {
		panic(err)
	}
	return filepath.ToSlash(r)
}

// TestSandboxThousandRoutes measures what docs/sandbox.md reports: the
// page's weight, the time until the engine is ready, and the time to the
// first result for a paste of 1,000 routes (with their Services, one
// backendRef in ten on a wrong port). It asserts what the user sees, not
// how fast: every broken reference is found and repaired.
func TestSandboxThousandRoutes(t *testing.T) {
	page, _ := build(t)
	s := open(t)
	var b strings.Builder
	const routes = 1000
	for i := range routes {
		ns := fmt.Sprintf("team-%02d", i%50)
		port := 8080
		if i%10 == 0 {
			port = 80
		}
		fmt.Fprintf(&b, "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%d\n  namespace: %s\nspec:\n  ports:\n  - port: 8080\n---\n", i, ns)
		fmt.Fprintf(&b, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: route-%d\n  namespace: %s\nspec:\n  parentRefs:\n  - name: gw\n    namespace: infra\n  rules:\n  - backendRefs:\n    - name: svc-%d\n      port: %d\n---\n", i, ns, i, port)
	}
	started := time.Now()
	a := s.paste(b.String(), "spec")
	wall := time.Since(started)
	require.Empty(t, a.Error)
	var rep struct{ Summary struct{ Routes, Errors int } }
	require.NoError(t, json.Unmarshal([]byte(a.Report), &rep))
	require.Equal(t, routes, rep.Summary.Routes)
	require.Equal(t, routes/10, rep.Summary.Errors)
	require.Equal(t, routes/10, strings.Count(a.Fix.Diff, "\n+      port: 8080"))

	weight := map[string]int64{}
	entries, err := os.ReadDir(page)
	require.NoError(t, err)
	var total int64
	for _, e := range entries {
		info, err := e.Info()
		require.NoError(t, err)
		weight[e.Name()] = info.Size()
		if e.Name() != webpage.EngineGzip {
			total += info.Size()
		}
	}
	t.Logf("page: %d bytes (engine %d, gzipped %d; the rest %d)", total, weight[webpage.Engine], weight[webpage.EngineGzip], total-weight[webpage.Engine])
	t.Logf("engine ready %s ms after navigation; %d routes (%d bytes): findings shown %s ms after Check (engine: %s ms), repair shown at %s ms (engine: %s ms); %.1fs from paste to the repair as the test saw it",
		s.eval(`String(window.refguardTimings.ready)`), routes, b.Len(), s.eval(`String(window.refguardTimings.findings)`), s.eval(`String(window.refguardLast.checkMillis)`),
		s.eval(`String(window.refguardTimings.lastCheck)`), s.eval(`String(window.refguardLast.repairMillis)`), wall.Seconds())
}
