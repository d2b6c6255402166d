// Package report renders a check report as text, JSON or GitHub
// annotations, following docs/output.md (the CLI contract).
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/engine"
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
}

type jsonFinding struct {
	Rule       string           `json:"rule"`
	Name       string           `json:"name"`
	Severity   string           `json:"severity"`
	Reason     string           `json:"reason"`
	Object     engine.ObjectRef `json:"object"`
	Field      string           `json:"field"`
	File       string           `json:"file"`
	Line       int              `json:"line"`
	Message    string           `json:"message"`
	Fix        string           `json:"fix,omitempty"`
	Suggestion map[string]any   `json:"suggestion,omitempty"`
}

type jsonReport struct {
	Tool     Tool          `json:"tool"`
	Profile  string        `json:"profile"`
	Summary  check.Summary `json:"summary"`
	Findings []jsonFinding `json:"findings"`
	Routes   []check.Route `json:"routes"`
}

// JSON writes the machine-readable report.
func JSON(w io.Writer, meta Meta, rep *check.Report) error {
	out := jsonReport{Tool: meta.Tool, Profile: meta.Profile, Summary: rep.Summary, Findings: []jsonFinding{}, Routes: rep.Routes}
	for _, f := range rep.Findings {
		out.Findings = append(out.Findings, jsonFinding{
			Rule: f.Rule, Name: f.Name, Severity: f.Severity, Reason: f.Reason, Object: f.Object,
			Field: f.Field, File: f.File, Line: f.Line, Message: f.Message, Fix: f.Fix, Suggestion: f.Suggestion,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
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
func Text(w io.Writer, meta Meta, rep *check.Report, style Style) error {
	var b strings.Builder
	file := ""
	for _, f := range rep.Findings {
		if f.File != file {
			if file != "" {
				b.WriteString("\n")
			}
			file = f.File
			b.WriteString(style.paint("1", file) + "\n")
		}
		fmt.Fprintf(&b, "%6d  %s %s  %s %s/%s %s\n", f.Line, style.severity(f.Severity), f.Rule, f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field)
		fmt.Fprintf(&b, "        %s\n", f.Message)
		if f.Fix != "" {
			fmt.Fprintf(&b, "        %s %s\n", style.paint("32", "fix:"), f.Fix)
		}
	}
	if len(rep.Routes) > 0 {
		if len(rep.Findings) > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "Predicted route status (profile %s):\n", meta.Profile)
		for _, r := range rep.Routes {
			for _, c := range r.Conditions {
				cond := fmt.Sprintf("%s=%s", c.Type, c.Status)
				if c.Status == "False" {
					cond = style.paint("31", cond+" ("+c.Reason+")")
				}
				fmt.Fprintf(&b, "  %s %s/%s  %s\n", r.Object.Kind, r.Object.Namespace, r.Object.Name, cond)
			}
		}
	}
	s := rep.Summary
	fmt.Fprintf(&b, "\n%d files, %d objects, %d routes, %d backendRefs: %s, %s, %s\n",
		s.Files, s.Objects, s.Routes, s.BackendRefs, plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Infos, "info"))
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, word string) string {
	if n == 1 || word == "info" {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// GitHub writes workflow commands that annotate the files in a pull request.
func GitHub(w io.Writer, rep *check.Report) error {
	var b strings.Builder
	for _, f := range rep.Findings {
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
		fmt.Fprintf(&b, "::%s file=%s,line=%d,title=%s %s::%s\n", level, escapeProperty(f.File), f.Line, f.Rule, f.Name, escapeData(msg))
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
