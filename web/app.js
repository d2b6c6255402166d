// The sandbox page: hands what the user pastes or drops to the engine
// (refguard.wasm, the CLI's loader, checker and fixer built for the
// browser) and renders its answer. Every string from the input reaches the
// page through textContent, never as markup. The only requests are the
// page's own files while it loads.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { files: [], answer: null };

function setState(s, message) {
  document.body.dataset.state = s;
  if (message !== undefined) $("status").textContent = message;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "data") Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function plural(n, word) {
  return n + " " + word + (n === 1 ? "" : "s");
}

// The engine calls this once it has compiled the policy.
window.refguardReady = function () {
  const api = window.refguard;
  window.refguardTimings = { ready: Math.round(performance.now()) };
  if (api.error) {
    setState("error", "The engine failed to start: " + api.error);
    return;
  }
  $("version").textContent = api.version;
  const profile = $("profile");
  profile.textContent = "";
  for (const p of api.profiles) profile.append(el("option", { value: p }, p));
  profile.value = "spec";
  const example = $("example");
  for (const name of Object.keys(api.examples).sort()) {
    example.append(el("option", { value: name }, name.replace(/\.yaml$/, "").replace(/^\d+-/, "").replace(/-/g, " ")));
  }
  for (const id of ["profile", "example", "check"]) $(id).disabled = false;
  setState("ready", "Ready. Paste manifests, drop files or try an incident.");
};

async function start() {
  if (!("WebAssembly" in window)) {
    setState("error", "This browser cannot run WebAssembly, which the checks need.");
    return;
  }
  try {
    const go = new Go();
    const response = fetch("refguard.wasm");
    const { instance } = WebAssembly.instantiateStreaming
      ? await WebAssembly.instantiateStreaming(response, go.importObject)
      : await WebAssembly.instantiate(await (await response).arrayBuffer(), go.importObject);
    go.run(instance);
  } catch (err) {
    setState("error", "The engine could not be loaded: " + err);
  }
}

function request() {
  const files = [];
  const text = $("input").value;
  if (text.trim() !== "") files.push({ name: "pasted.yaml", content: text });
  for (const f of state.files) files.push(f);
  return { files, profile: $("profile").value };
}

function check() {
  if (document.body.dataset.state === "loading") return;
  const req = request();
  if (req.files.length === 0) {
    setState("ready", "Nothing to check: paste manifests or drop files.");
    return;
  }
  setState("checking", "Checking…");
  // Let the status paint before the engine takes the thread; the repair
  // is asked for after the findings have painted.
  setTimeout(() => {
    const started = performance.now();
    const answer = JSON.parse(window.refguard.check(JSON.stringify(req)));
    state.answer = answer;
    render(answer);
    window.refguardTimings.findings = Math.round(performance.now() - started);
    if (answer.error) {
      finish(answer, started);
      return;
    }
    $("repair-summary").textContent = "Working out the repairs…";
    $("repair").hidden = false;
    setTimeout(() => {
      const repaired = JSON.parse(window.refguard.repair());
      answer.fix = repaired.fix;
      answer.repairMillis = repaired.repairMillis;
      renderRepair(answer.fix);
      finish(answer, started);
    }, 0);
  }, 0);
}

// finish publishes the answer (the tests read window.refguardLast) and
// says what was found.
function finish(answer, started) {
  window.refguardTimings.lastCheck = Math.round(performance.now() - started);
  window.refguardLast = answer;
  if (answer.error) return;
  const s = JSON.parse(answer.report).summary;
  const verdict = s.errors > 0 ? plural(s.errors, "error") : "no errors";
  setState("done", "Checked " + plural(s.routes, "route") + " with " + plural(s.backendRefs, "backendRef") + " in " + answer.checkMillis +
    " ms, repairs in " + answer.repairMillis + " ms: " + verdict + ".");
}

function render(answer) {
  $("results").hidden = true;
  $("repair").hidden = true;
  if (answer.error) {
    setState("error", answer.error);
    return;
  }
  const report = JSON.parse(answer.report);
  const s = report.summary;
  renderCounts(s);
  const notes = $("notes");
  notes.textContent = "";
  for (const n of answer.notes || []) notes.append(el("li", {}, "note: " + n));
  renderFindings(report, answer.rules || {});
  $("results").hidden = false;
  setState("checked", "Found " + plural(s.errors, "error") + ", " + plural(s.warnings, "warning") + " in " + answer.checkMillis + " ms; working out the repairs…");
  $("results").focus();
}

function renderCounts(s) {
  const counts = $("counts");
  counts.textContent = "";
  for (const [label, n, cls] of [
    ["errors", s.errors, "error"], ["warnings", s.warnings, "warning"], ["infos", s.infos, "info"],
    ["suppressed", s.suppressed, "suppressed"], ["routes", s.routes, ""], ["backendRefs", s.backendRefs, ""],
    ["objects", s.objects, ""], ["files", s.files, ""],
  ]) {
    counts.append(el("div", { class: "count " + cls, data: { count: label } }, el("dt", {}, label), el("dd", {}, n)));
  }
}

function objectKey(o) {
  return [o.apiVersion, o.kind, o.namespace || "", o.name].join("|");
}

function objectName(o) {
  return o.kind + " " + (o.namespace ? o.namespace + "/" : "") + o.name;
}

function renderFindings(report, rules) {
  const byObject = new Map();
  for (const f of report.findings) {
    const k = objectKey(f.object);
    if (!byObject.has(k)) byObject.set(k, []);
    byObject.get(k).push(f);
  }
  const routes = $("routes");
  routes.textContent = "";
  for (const r of report.routes) {
    const k = objectKey(r.object);
    const findings = byObject.get(k) || [];
    byObject.delete(k);
    routes.append(renderObject(r.object, r.file, r.line, findings, rules, r.conditions || [], r.observed));
  }
  const others = $("others");
  others.textContent = "";
  if (byObject.size > 0) {
    others.append(el("h3", {}, "Other objects"));
    for (const findings of byObject.values()) {
      const f = findings[0];
      others.append(renderObject(f.object, f.file, f.line, findings, rules, null));
    }
  }
  if (report.findings.length === 0) {
    routes.prepend(el("p", { class: "clean" }, "No findings: every backendRef resolves under this profile."));
  }
}

function renderObject(object, file, line, findings, rules, conditions, observed) {
  const box = el("article", { class: "object", data: { object: objectName(object) } });
  box.append(el("h3", {}, objectName(object), " ", el("span", { class: "where" }, file + ":" + line)));
  if (conditions) {
    for (const c of conditions) {
      const state = { True: "ok", False: "failed" }[c.status] || "unknown";
      box.append(el("p", { class: "condition " + state, data: { condition: c.type, status: c.status, reason: c.reason } },
        el("span", { class: "badge" }, c.type + "=" + c.status), " ", c.reason, c.message ? ": " + c.message : ""));
    }
  }
  if (observed) {
    box.append(el("p", { class: "observed", data: { status: observed.status, reason: observed.reason } },
      "In the cluster: " + observed.type + "=" + observed.status + (observed.reason ? " " + observed.reason : "") + (observed.message ? ": " + observed.message : "")));
  }
  if (findings.length > 0) {
    const list = el("ul", { class: "findings" });
    for (const f of findings) list.append(renderFinding(f, rules[f.rule]));
    box.append(list);
  }
  return box;
}

function renderFinding(f, rule) {
  const sev = f.suppression ? "suppressed" : f.severity;
  const item = el("li", { class: "finding " + sev, data: { rule: f.rule, severity: f.severity, line: String(f.line) } });
  const id = rule
    ? el("a", { href: rule.help, rel: "noreferrer", target: "_blank", title: rule.title }, f.rule + " " + f.name)
    : el("span", {}, f.rule + " " + f.name);
  item.append(
    el("div", { class: "finding-head" }, el("span", { class: "sev" }, sev), " ", id, " ",
      el("span", { class: "where" }, f.file + ":" + f.line), " ", el("code", { class: "field" }, f.field)),
    el("p", { class: "message" }, f.message),
  );
  if (f.source) item.append(el("p", { class: "source" }, "Rendered from " + f.source));
  if (f.fix) item.append(el("p", { class: "fix" }, "Fix: " + f.fix));
  if (f.suppression) item.append(el("p", { class: "fix" }, "Ignored (" + f.suppression.kind + ")" + (f.suppression.reason ? ": " + f.suppression.reason : "")));
  return item;
}

function renderRepair(fix) {
  const section = $("repair");
  const diff = $("diff");
  diff.textContent = "";
  $("left").textContent = "";
  if (!fix) return;
  if (fix.error) {
    $("repair-summary").textContent = "No repair: " + fix.error;
    $("copy-yaml").disabled = true;
    $("copy-diff").disabled = true;
    section.hidden = false;
    return;
  }
  const changed = fix.files.length;
  $("repair-summary").textContent = changed === 0
    ? "Nothing to repair automatically."
    : "The repairs change " + plural(changed, "file") + " (" + plural(fix.changes.length, "edit") + "); everything else stays byte for byte.";
  for (const line of fix.diff.split("\n")) {
    if (line === "") continue;
    const cls = line.startsWith("+++") || line.startsWith("---") ? "file"
      : line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "ctx";
    diff.append(el("span", { class: cls }, line + "\n"));
  }
  diff.hidden = changed === 0;
  $("copy-yaml").disabled = changed === 0;
  $("copy-diff").disabled = changed === 0;
  if (fix.left.length > 0) {
    const list = el("ul", { class: "left" });
    for (const l of fix.left) {
      list.append(el("li", {}, l.rule + " " + l.file + ":" + l.line + " " + l.field + ": " + l.reason));
    }
    $("left").append(el("h3", {}, "Left for you (" + plural(fix.left.length, "error") + " no repair covers)"), list);
  }
  section.hidden = false;
}

// correctedYAML is every changed file whole, secret values redacted; more
// than one file is joined as one stream, each under a comment naming it.
function correctedYAML() {
  const files = state.answer && state.answer.fix ? state.answer.fix.files : [];
  if (files.length === 1) return files[0].content;
  return files.map((f) => "# Source: " + f.name + "\n" + f.content.replace(/\n?$/, "\n")).join("---\n");
}

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    $("copied").textContent = what + " copied.";
  } catch (err) {
    $("copied").textContent = "Copying failed (" + err.name + "); select the text instead.";
  }
}

async function readFiles(list) {
  const files = [];
  for (const f of list) files.push({ name: f.name, content: await f.text() });
  state.files = files;
  const dropped = $("dropped");
  dropped.hidden = files.length === 0;
  dropped.textContent = files.length === 0 ? "" : "Files: " + files.map((f) => f.name).join(", ") + " (checked with the text above).";
}

$("check").addEventListener("click", check);
$("clear").addEventListener("click", () => {
  $("input").value = "";
  $("files").value = "";
  readFiles([]);
  $("results").hidden = true;
  $("repair").hidden = true;
  $("example").value = "";
  if (document.body.dataset.state !== "loading") setState("ready", "Cleared.");
  $("input").focus();
});
$("input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    check();
  }
});
$("example").addEventListener("change", (e) => {
  const name = e.target.value;
  if (!name) return;
  $("input").value = window.refguard.examples[name];
  check();
});
$("profile").addEventListener("change", () => {
  if (state.answer && !state.answer.error) check();
});
$("files").addEventListener("change", (e) => readFiles(e.target.files));
$("input").addEventListener("dragover", (e) => e.preventDefault());
$("input").addEventListener("drop", (e) => {
  e.preventDefault();
  readFiles(e.dataTransfer.files);
});
$("copy-yaml").addEventListener("click", () => copy(correctedYAML(), "Corrected YAML"));
$("copy-diff").addEventListener("click", () => copy(state.answer.fix.diff, "Diff"));

start();
