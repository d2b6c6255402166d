package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/rulemeta"
)

// SARIF writes a SARIF 2.1.0 log: one rule descriptor per rule (with its
// docs page), one result per finding, located at the backendRef's line.
func SARIF(w io.Writer, meta Meta, rules []rulemeta.Rule, rep *check.Report) error {
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
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
		LogicalLocations []map[string]string `json:"logicalLocations"`
	}
	type result struct {
		RuleID     string         `json:"ruleId"`
		RuleIndex  int            `json:"ruleIndex"`
		Level      string         `json:"level"`
		Message    message        `json:"message"`
		Locations  []location     `json:"locations"`
		Properties map[string]any `json:"properties"`
	}
	index := map[string]int{}
	var descriptors []rule
	for i, r := range rules {
		index[r.ID] = i
		descriptors = append(descriptors, rule{
			ID: r.ID, Name: r.Name,
			ShortDescription: message{r.Title}, FullDescription: message{r.Description},
			HelpURI:    "https://github.com/refguard/refguard/blob/main/" + rulemeta.DocPath(r),
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
		loc.PhysicalLocation.ArtifactLocation.URI = f.File
		loc.PhysicalLocation.Region.StartLine = f.Line
		loc.LogicalLocations = []map[string]string{{"fullyQualifiedName": fmt.Sprintf("%s/%s/%s:%s", f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field)}}
		results = append(results, result{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: level, Message: message{text},
			Locations:  []location{loc},
			Properties: map[string]any{"reason": f.Reason, "field": f.Field, "object": f.Object},
		})
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": meta.Tool.Name, "version": meta.Tool.Version, "informationUri": "https://github.com/refguard/refguard", "rules": descriptors,
			}},
			"results":    results,
			"properties": map[string]any{"profile": meta.Profile, "bundleRevision": meta.Tool.BundleRevision},
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// JUnit writes one test case per checked route (failing when it has an
// error finding) and one per ReferenceGrant with findings.
func JUnit(w io.Writer, meta Meta, rep *check.Report) error {
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
	byObject := map[string][]check.Finding{}
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
			if f.Severity == "error" {
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
