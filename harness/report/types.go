package report

// Report is the result of a check: what every output format renders.
type Report struct {
	Summary  Summary   `json:"summary"`
	Findings []Finding `json:"findings"`
	Routes   []Route   `json:"routes"`
	// Fallback is set when batches the policy's Wasm build failed on were
	// evaluated again by OPA's evaluator: the findings are complete, but a
	// Wasm failure is a bug to report, and the run was slower for it.
	Fallback *Fallback `json:"fallback,omitempty"`
}

// Fallback counts the batches that fell back to OPA's evaluator and gives
// the first Wasm failure.
type Fallback struct {
	Batches int    `json:"batches"`
	Error   string `json:"error"`
}

// Summary counts what was checked and found.
type Summary struct {
	Files       int `json:"files"`
	Objects     int `json:"objects"`
	Routes      int `json:"routes"`
	BackendRefs int `json:"backendRefs"`
	Errors      int `json:"errors"`
	Warnings    int `json:"warnings"`
	Infos       int `json:"infos"`
	// Suppressed counts the findings suppressed by annotation; they are
	// not among the errors, warnings and infos.
	Suppressed int `json:"suppressed"`
}

// Finding is a policy finding located in a file.
type Finding struct {
	PolicyFinding
	File string `json:"file"`
	Line int    `json:"line"`
	// Source is the template the object was rendered from (helm
	// template's "# Source:" comment), when the file is rendered output.
	Source string `json:"source,omitempty"`
	// Set names the set the finding belongs to when sets are checked
	// separately and reported together (check --each); "" otherwise.
	Set string `json:"set,omitempty"`
}

// Route is a checked route and its predicted conditions.
type Route struct {
	Object     ObjectRef   `json:"object"`
	File       string      `json:"file"`
	Line       int         `json:"line"`
	Set        string      `json:"set,omitempty"` // as Finding.Set
	Conditions []Condition `json:"conditions"`
	// Observed is the ResolvedRefs condition the route's controller wrote
	// in the status the input holds (kubectl get -o yaml of a live route),
	// beside the prediction; nil when the input holds none.
	Observed *Condition `json:"observed,omitempty"`
}

// PolicyFinding is one finding as the policy builds it.
type PolicyFinding struct {
	Rule       string         `json:"rule"`
	Name       string         `json:"name"`
	Severity   string         `json:"severity"`
	Reason     string         `json:"reason"`
	Object     ObjectRef      `json:"object"`
	Field      string         `json:"field"`
	Message    string         `json:"message"`
	Fix        string         `json:"fix"`
	Suggestion map[string]any `json:"suggestion,omitempty"`
	Edits      []Edit         `json:"edits,omitempty"`
	// Suppression is set when the object asks for the finding to be
	// suppressed (the refguard.io/ignore annotation): still reported, never
	// counted toward a failure.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// Suppression says how a finding was suppressed and why.
type Suppression struct {
	Kind          string `json:"kind"` // "annotation" (the policy's) or "comment" (the CLI's)
	Justification string `json:"justification"`
}

// Edit is a repair the policy proposes: set Field of Object to Value, or
// add Manifest next to Object.
type Edit struct {
	Op       string         `json:"op"` // set | add
	Object   ObjectRef      `json:"object"`
	Field    string         `json:"field,omitempty"`
	Value    any            `json:"value,omitempty"`
	Manifest map[string]any `json:"manifest,omitempty"`
	// Near lists, for an add, the objects beside which the new one belongs,
	// in order of preference: it goes into the file of the first found.
	Near []ObjectRef `json:"near,omitempty"`
}

// ObjectRef identifies an object.
type ObjectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

// Condition is a predicted route status condition.
type Condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
	// Controller is, for a condition the input's status holds, the
	// controllerName of the parent status it was read from.
	Controller string `json:"controller,omitempty"`
}
