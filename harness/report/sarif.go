package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/refguard/refguard/harness/rulemeta"
)

// SARIF writes a SARIF 2.1.0 log: one rule descriptor per rule (with its
// docs page), one result per finding, located at the backendRef's line.
func SARIF(w io.Writer, meta Meta, rules []rulemeta.Rule, rep *Report) error {
	type message struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string         `json:"id"`
		Name             string         `json:"name"`
		ShortDescription message        `json:"shortDescription"`
		FullDescription  message        `json:"fullDescription"`
		HelpURI          string         `json:"helpUri,omitempty"`
		Properties       map[string]any `json:"properties"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId,omitempty"`
			} `json:"artifactLocation"`
			Region struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
		LogicalLocations []map[string]string `json:"logicalLocations"`
	}
	type result struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             message           `json:"message"`
		Locations           []location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Suppressions        []map[string]any  `json:"suppressions,omitempty"`
		Properties          map[string]any    `json:"properties"`
	}
	index := map[string]int{}
	var descriptors []rule
	for i, r := range rules {
		index[r.ID] = i
		descriptors = append(descriptors, rule{
			ID: r.ID, Name: r.Name,
			ShortDescription: message{r.Title}, FullDescription: message{r.Description},
			HelpURI:    rulemeta.HelpURI(r, meta.Tool.Version),
			Properties: map[string]any{"severity": r.Severity, "since": r.Since},
		})
	}
	results := []result{}
	for _, f := range rep.Findings {
		level := map[string]string{"error": "error", "warning": "warning"}[f.Severity]
		if level == "" {
			level = "note"
		}
		text := f.Message
		if f.Fix != "" {
			text += " (fix: " + f.Fix + ")"
		}
		var loc location
		uri, base := artifactURI(f.File, meta.BaseDir)
		loc.PhysicalLocation.ArtifactLocation.URI = uri
		loc.PhysicalLocation.ArtifactLocation.URIBaseID = base
		loc.PhysicalLocation.Region.StartLine = max(f.Line, 1)
		name := fmt.Sprintf("%s/%s/%s:%s", f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field)
		if f.Set != "" {
			name = f.Set + ":" + name
		}
		loc.LogicalLocations = []map[string]string{{"fullyQualifiedName": name}}
		properties := map[string]any{"reason": f.Reason, "field": f.Field, "object": f.Object}
		if f.Set != "" {
			properties["set"] = f.Set
		}
		if f.Source != "" {
			properties["source"] = f.Source
		}
		var suppressions []map[string]any
		if f.Suppression != nil {
			// In the source: the object's refguard.io/ignore annotation.
			suppressions = []map[string]any{{"kind": "inSource", "status": "accepted", "justification": f.Suppression.Justification}}
		}
		results = append(results, result{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: level, Message: message{text},
			Locations: []location{loc},
			// What the finding is about, not where: a line moved by an edit
			// above it is still the same alert in code scanning.
			PartialFingerprints: map[string]string{"refguardFinding/v1": fingerprint(f.Rule, name, uri)},
			Suppressions:        suppressions,
			Properties:          properties,
		})
	}
	run := map[string]any{
		"tool": map[string]any{"driver": map[string]any{
			"name": meta.Tool.Name, "version": meta.Tool.Version, "semanticVersion": meta.Tool.Version,
			"informationUri": rulemeta.Repository, "rules": descriptors,
		}},
		"results":    results,
		"properties": map[string]any{"profile": meta.Profile, "bundleRevision": meta.Tool.BundleRevision},
	}
	if meta.BaseDir != "" {
		run["originalUriBaseIds"] = map[string]any{sourceRoot: map[string]string{"uri": fileURI(meta.BaseDir) + "/"}}
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs":    []any{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// JUnit writes one test case per checked route (failing when it has an
// error finding) and one per ReferenceGrant with findings.
func JUnit(w io.Writer, meta Meta, rep *Report) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		SystemOut string   `xml:"system-out,omitempty"`
	}
	type suite struct {
		XMLName  xml.Name   `xml:"testsuite"`
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	byObject := map[string][]Finding{}
	for _, f := range rep.Findings {
		k := fmt.Sprintf("%s %s/%s", f.Object.Kind, f.Object.Namespace, f.Object.Name)
		byObject[k] = append(byObject[k], f)
	}
	keys := map[string]string{}
	for _, r := range rep.Routes {
		keys[fmt.Sprintf("%s %s/%s", r.Object.Kind, r.Object.Namespace, r.Object.Name)] = r.File
	}
	for k, fs := range byObject {
		if _, ok := keys[k]; !ok {
			keys[k] = fs[0].File
		}
	}
	names := slices.Sorted(maps.Keys(keys))
	s := suite{Name: "refguard (" + meta.Profile + ")"}
	for _, k := range names {
		tc := testcase{Name: k, Classname: keys[k]}
		var errs, others string
		for _, f := range byObject[k] {
			line := fmt.Sprintf("%s:%d %s %s %s: %s\n", f.File, f.Line, f.Severity, f.Rule, f.Field, f.Message)
			if f.Suppression != nil {
				others += "suppressed: " + line
			} else if f.Severity == "error" {
				errs += line
			} else {
				others += line
			}
		}
		if errs != "" {
			tc.Failure = &failure{Message: "backendRefs that will not resolve", Type: "refguard", Text: errs}
			s.Failures++
		}
		tc.SystemOut = others
		s.Cases = append(s.Cases, tc)
		s.Tests++
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// sourceRoot is the base id relative artifact URIs name; code scanning
// resolves it against the checked-out repository.
const sourceRoot = "SRCROOT"

// artifactURI is the SARIF URI of a finding's file: relative to baseDir
// (with the SRCROOT base id) when the file is below it, else absolute.
func artifactURI(file, baseDir string) (uri, base string) {
	if file == "" || file == "-" || strings.HasPrefix(file, "<") {
		// Standard input has no path; keep a relative name that says so.
		return "stdin", ""
	}
	if baseDir != "" {
		abs := file
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(baseDir, abs)
		}
		rel, err := filepath.Rel(baseDir, abs)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return escapePath(filepath.ToSlash(rel)), sourceRoot
		}
		return fileURI(abs), ""
	}
	if filepath.IsAbs(file) {
		return fileURI(file), ""
	}
	return escapePath(filepath.ToSlash(filepath.Clean(file))), ""
}

func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/…
	}
	return "file://" + escapePath(p)
}

// escapePath percent-encodes each segment of a slash-separated path.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		parts[i] = url.PathEscape(part)
	}
	return strings.Join(parts, "/")
}

// fingerprint is a short digest of the parts, each ended by a NUL so that
// no two different lists give the same bytes.
func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
