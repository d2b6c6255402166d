// Package report renders a check report as text, JSON or GitHub
// annotations, following docs/output.md (the CLI contract).
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Tool describes the producer of a report.
type Tool struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	BundleRevision string `json:"bundleRevision"`
}

// Meta is what a report says about how it was produced.
type Meta struct {
	Tool    Tool
	Profile string
	// BaseDir is the absolute directory relative file names in findings
	// start from (the working directory of the run); SARIF names it as the
	// SRCROOT base so its artifact URIs stay relative. "" leaves it out.
	BaseDir string
}

// jsonFinding is a finding as the JSON report publishes it: its own type,
// not Finding, because the report's field order (file and line before the
// message) and the fields it leaves out (edits) are part of its schema
// (docs/report.schema.json) and of the recorded report bytes.
type jsonFinding struct {
	Rule        string         `json:"rule"`
	Name        string         `json:"name"`
	Severity    string         `json:"severity"`
	Reason      string         `json:"reason"`
	Object      ObjectRef      `json:"object"`
	Field       string         `json:"field"`
	File        string         `json:"file"`
	Line        int            `json:"line"`
	Source      string         `json:"source,omitempty"`
	Set         string         `json:"set,omitempty"`
	Message     string         `json:"message"`
	Fix         string         `json:"fix,omitempty"`
	Suggestion  map[string]any `json:"suggestion,omitempty"`
	Suppression *Suppression   `json:"suppression,omitempty"`
}

type jsonReport struct {
	Tool     Tool          `json:"tool"`
	Profile  string        `json:"profile"`
	Summary  Summary       `json:"summary"`
	Findings []jsonFinding `json:"findings"`
	Routes   []Route       `json:"routes"`
}

// newJSONReport is what the JSON report holds.
func newJSONReport(meta Meta, rep *Report) jsonReport {
	out := jsonReport{Tool: meta.Tool, Profile: meta.Profile, Summary: rep.Summary, Findings: make([]jsonFinding, 0, len(rep.Findings)), Routes: rep.Routes}
	if out.Routes == nil {
		out.Routes = []Route{} // the schema's "routes" is always an array
	}
	for _, f := range rep.Findings {
		out.Findings = append(out.Findings, jsonFinding{
			Rule: f.Rule, Name: f.Name, Severity: f.Severity, Reason: f.Reason, Object: f.Object,
			Field: f.Field, File: f.File, Line: f.Line, Source: f.Source, Set: f.Set, Message: f.Message, Fix: f.Fix, Suggestion: f.Suggestion,
			Suppression: f.Suppression,
		})
	}
	return out
}

// JSON writes the machine-readable report: the bytes json.Encoder writes
// for jsonReport with a two-space indent and HTML left unescaped, streamed
// one field and one array element at a time, since encoding the whole
// report at once builds it twice in memory (docs/performance.md). A
// fallback to OPA's evaluator, when there was one, comes last.
func JSON(w io.Writer, meta Meta, rep *Report) error {
	out := newJSONReport(meta, rep)
	jw := newIndentedWriter(w)
	jw.raw("{\n")
	jw.field("tool", out.Tool, ",")
	jw.field("profile", out.Profile, ",")
	jw.field("summary", out.Summary, ",")
	writeArray(jw, "findings", out.Findings, ",")
	if rep.Fallback == nil {
		writeArray(jw, "routes", out.Routes, "")
	} else {
		writeArray(jw, "routes", out.Routes, ",")
		jw.field("fallback", rep.Fallback, "")
	}
	jw.raw("}\n")
	if err := jw.flush(); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// indentedWriter writes the members of a top-level JSON object, each value
// encoded on its own with the indentation it has at its depth.
type indentedWriter struct {
	out   *bufio.Writer
	value bytes.Buffer
	enc   map[string]*json.Encoder // by line prefix
	err   error
}

func newIndentedWriter(w io.Writer) *indentedWriter {
	return &indentedWriter{out: bufio.NewWriterSize(w, 64<<10), enc: map[string]*json.Encoder{}}
}

func (jw *indentedWriter) raw(s string) {
	if jw.err == nil {
		_, jw.err = jw.out.WriteString(s)
	}
}

// encode writes v as it appears on a line indented by prefix.
func (jw *indentedWriter) encode(v any, prefix string) {
	if jw.err != nil {
		return
	}
	enc, ok := jw.enc[prefix]
	if !ok {
		enc = json.NewEncoder(&jw.value)
		enc.SetIndent(prefix, "  ")
		enc.SetEscapeHTML(false)
		jw.enc[prefix] = enc
	}
	jw.value.Reset()
	if jw.err = enc.Encode(v); jw.err != nil {
		return
	}
	_, jw.err = jw.out.Write(bytes.TrimSuffix(jw.value.Bytes(), []byte("\n")))
}

func (jw *indentedWriter) field(name string, v any, sep string) {
	jw.raw("  " + strconv.Quote(name) + ": ")
	jw.encode(v, "  ")
	jw.raw(sep + "\n")
}

func writeArray[T any](jw *indentedWriter, name string, items []T, sep string) {
	jw.raw("  " + strconv.Quote(name) + ": ")
	switch {
	case items == nil:
		jw.raw("null")
	case len(items) == 0:
		jw.raw("[]")
	default:
		jw.raw("[\n")
		for i := range items {
			jw.raw("    ")
			jw.encode(items[i], "    ")
			if i < len(items)-1 {
				jw.raw(",")
			}
			jw.raw("\n")
		}
		jw.raw("  ]")
	}
	jw.raw(sep + "\n")
}

func (jw *indentedWriter) flush() error {
	if jw.err != nil {
		return jw.err
	}
	return jw.out.Flush()
}

// Style colours text output; the zero value prints plain text.
type Style struct{ Color bool }

func (s Style) paint(code, text string) string {
	if !s.Color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s Style) severity(sev string) string {
	padded := fmt.Sprintf("%-7s", sev)
	switch sev {
	case "error":
		return s.paint("1;31", padded)
	case "warning":
		return s.paint("33", padded)
	}
	return s.paint("36", padded)
}

// Text writes the human report: findings grouped by file, then the
// predicted status of every route, then a summary line.
func Text(w io.Writer, meta Meta, rep *Report, style Style) error {
	var b strings.Builder
	file := ""
	for _, f := range rep.Findings {
		if f.File != file {
			if file != "" {
				b.WriteString("\n")
			}
			file = f.File
			b.WriteString(style.paint("1", Clean(file, false)) + "\n")
		}
		sev := style.severity(f.Severity)
		if f.Suppression != nil {
			sev = style.paint("2", fmt.Sprintf("%-7s", "ignored"))
		}
		fmt.Fprintf(&b, "%6d  %s %s  %s%s\n", f.Line, sev, f.Rule, setLabel(f.Set), Clean(fmt.Sprintf("%s %s/%s %s", f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field), false))
		fmt.Fprintf(&b, "        %s\n", Clean(f.Message, false))
		if f.Source != "" {
			fmt.Fprintf(&b, "        rendered from %s\n", Clean(f.Source, false))
		}
		if f.Suppression != nil {
			why := "suppressed by refguard.io/ignore"
			if f.Suppression.Kind == "comment" {
				why = "suppressed by a # refguard:ignore comment"
			}
			if f.Suppression.Justification != "" {
				why += ": " + f.Suppression.Justification
			}
			fmt.Fprintf(&b, "        %s (severity %s)\n", Clean(why, false), f.Severity)
			continue
		}
		if f.Fix != "" {
			fmt.Fprintf(&b, "        %s %s\n", style.paint("32", "fix:"), Clean(f.Fix, false))
		}
	}
	if len(rep.Routes) > 0 {
		if len(rep.Findings) > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "Predicted route status (profile %s):\n", meta.Profile)
		labels := make([]string, len(rep.Routes))
		width := 0
		for i, r := range rep.Routes {
			labels[i] = setLabel(r.Set) + Clean(fmt.Sprintf("%s %s/%s", r.Object.Kind, r.Object.Namespace, r.Object.Name), false)
			width = max(width, len(labels[i]))
		}
		for i, r := range rep.Routes {
			for _, c := range r.Conditions {
				cond := fmt.Sprintf("%s=%s", c.Type, c.Status)
				switch {
				case c.Status == "False":
					cond = style.paint("31", cond+" ("+Clean(c.Reason, false)+")")
				case c.Status == "Unknown" && c.Reason != "" && c.Reason != "Unknown":
					// why it is unknown (NotAdmitted: the API server rejects the route)
					cond += " (" + Clean(c.Reason, false) + ")"
				}
				if o := r.Observed; o != nil && o.Type == c.Type {
					cond += fmt.Sprintf("; in the cluster: %s=%s", o.Type, Clean(o.Status, false))
					if o.Reason != "" {
						cond += " (" + Clean(o.Reason, false) + ")"
					}
				}
				fmt.Fprintf(&b, "  %-*s  %s\n", width, labels[i], cond)
			}
		}
	}
	s := rep.Summary
	fmt.Fprintf(&b, "\n%s, %s, %s, %s: %s, %s, %s\n",
		Count(s.Files, "file"), Count(s.Objects, "object"), Count(s.Routes, "route"), Count(s.BackendRefs, "backendRef"),
		Count(s.Errors, "error"), Count(s.Warnings, "warning"), Count(s.Infos, "info"))
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, "%s (not counted)\n", Count(s.Suppressed, "suppressed finding"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// setLabel names the set of a finding or route of a check --each run.
func setLabel(set string) string {
	if set == "" {
		return ""
	}
	return "[" + Clean(set, false) + "] "
}

// Count is "1 file", "2 files" ("info" stays "info"), as every summary
// line of the CLI says it.
func Count(n int, word string) string {
	if n == 1 || word == "info" {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// GitHub writes workflow commands that annotate the files in a pull request.
func GitHub(w io.Writer, rep *Report) error {
	var b strings.Builder
	for _, f := range rep.Findings {
		if f.Suppression != nil {
			continue // suppressed in the source: no annotation on the pull request
		}
		level := "notice"
		switch f.Severity {
		case "error":
			level = "error"
		case "warning":
			level = "warning"
		}
		msg := f.Message
		if f.Fix != "" {
			msg += " (fix: " + f.Fix + ")"
		}
		// Control characters in a name would reach the log, which renders
		// ANSI; a newline would start a workflow command of its own.
		at := ""
		if f.Line > 0 { // 0: the file is known, not the line (a Helm template)
			at = fmt.Sprintf(",line=%d", f.Line)
		}
		fmt.Fprintf(&b, "::%s file=%s%s,title=%s %s::%s\n", level, escapeProperty(Clean(f.File, false)), at, f.Rule, f.Name, escapeData(Clean(msg, false)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
