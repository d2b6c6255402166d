//go:build js && wasm

// Command wasm is the sandbox page's engine (web/): built with GOOS=js
// GOARCH=wasm, it compiles the embedded policy once and answers the page
// through two functions (harness/sandbox): refguard.check(requestJSON)
// returns the report, then refguard.repair() the repair of what was just
// checked, so findings show before the repair is worked out. It never
// opens a connection: the page hands it text and shows what it returns.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"syscall/js"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/examples"
	"github.com/refguard/refguard/harness/sandbox"
)

func main() {
	ctx := context.Background()
	api := js.Global().Get("Object").New()
	js.Global().Set("refguard", api)
	engine, err := sandbox.New(ctx)
	if err != nil {
		api.Set("error", err.Error())
		notifyReady()
		return
	}
	api.Set("version", refguard.Version())
	api.Set("profiles", strings(engine.Profiles()))
	api.Set("examples", exampleFiles())
	api.Set("check", js.FuncOf(func(_ js.Value, args []js.Value) any {
		var req sandbox.Request
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return answer(sandbox.Answer{Error: "refguard.check wants one JSON string"})
		}
		if err := json.Unmarshal([]byte(args[0].String()), &req); err != nil {
			return answer(sandbox.Answer{Error: "request: " + err.Error()})
		}
		return answer(engine.Check(ctx, req))
	}))
	api.Set("repair", js.FuncOf(func(js.Value, []js.Value) any {
		fix, ms := engine.Repair(ctx)
		return answer(sandbox.Answer{Fix: fix, RepairMillis: ms})
	}))
	notifyReady()
	select {} // the page calls in for as long as it is open
}

// notifyReady tells the page the engine has started (or failed to).
func notifyReady() {
	if f := js.Global().Get("refguardReady"); f.Type() == js.TypeFunction {
		f.Invoke()
	}
}

func answer(a sandbox.Answer) any {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the page reads it with JSON.parse, not as markup
	if err := enc.Encode(a); err != nil {
		return `{"error":"encode the answer"}`
	}
	return b.String()
}

func strings(in []string) js.Value {
	out := js.Global().Get("Array").New(len(in))
	for i, s := range in {
		out.SetIndex(i, s)
	}
	return out
}

// exampleFiles are the guide's incidents the page offers to load: the
// CLI's bundled examples, name → content.
func exampleFiles() js.Value {
	out := js.Global().Get("Object").New()
	entries, err := fs.ReadDir(examples.FS, ".")
	if err != nil {
		return out
	}
	for _, e := range entries {
		if b, err := fs.ReadFile(examples.FS, e.Name()); err == nil {
			out.Set(e.Name(), string(b))
		}
	}
	return out
}
