package testsupport

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var schemas sync.Map // file → *compiled

type compiled struct {
	once   sync.Once
	schema *jsonschema.Schema
	err    error
}

// ValidateJSON fails the test unless doc is valid against the JSON Schema
// in file (an absolute path, or relative to the module root).
func ValidateJSON(t testing.TB, file string, doc []byte) {
	t.Helper()
	if !filepath.IsAbs(file) {
		file = filepath.Join(ModuleRoot(t), file)
	}
	v, _ := schemas.LoadOrStore(file, &compiled{})
	c := v.(*compiled)
	c.once.Do(func() {
		raw, err := os.ReadFile(file)
		if err != nil {
			c.err = err
			return
		}
		s, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			c.err = err
			return
		}
		comp := jsonschema.NewCompiler()
		comp.AssertFormat()
		if c.err = comp.AddResource(file, s); c.err != nil {
			return
		}
		c.schema, c.err = comp.Compile(file)
	})
	if c.err != nil {
		t.Fatalf("schema %s: %v", file, c.err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	if err := c.schema.Validate(inst); err != nil {
		t.Fatalf("not valid against %s:\n%v", filepath.Base(file), err)
	}
}

// ReportSchema is the JSON Schema of refguard check --format json.
const ReportSchema = "docs/report.schema.json"

// ValidateReport fails the test unless doc is a report as
// docs/report.schema.json defines it.
func ValidateReport(t testing.TB, doc []byte) {
	t.Helper()
	ValidateJSON(t, ReportSchema, doc)
}

// ValidateSARIF fails the test unless doc is valid SARIF 2.1.0, checked
// against the OASIS schema `make tools` fetches into .tools/.
func ValidateSARIF(t testing.TB, doc []byte) {
	t.Helper()
	p := filepath.Join(ModuleRoot(t), ".tools", "sarif-schema-2.1.0.json")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("SARIF schema not installed: run `make tools` (%v)", err)
	}
	ValidateJSON(t, p, doc)
}
