package wasm

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Policy is a compiled Wasm policy module, ready to be instantiated: one
// wazero runtime holds the module and the env module, each decoded and
// compiled once, the host functions, and every instance's modules:
// decoding the module again for each instance would dominate its creation.
type Policy struct {
	compilation wazero.CompilationCache
	runtime     wazero.Runtime
	policy, env wazero.CompiledModule
	instances   atomic.Uint64 // names each instance's modules apart

	// Discarded names the cache entries Load found damaged, removed and
	// rebuilt (empty when none was), for the caller to report.
	Discarded []string
}

// NewPolicy checks a Wasm module compiled by OPA (ABI 1.2 or later, which
// has opa_eval) and readies it for instances. compilation may be nil (an
// in-memory cache shared by the policy's instances).
func NewPolicy(ctx context.Context, code []byte, compilation wazero.CompilationCache) (*Policy, error) {
	if compilation == nil {
		compilation = wazero.NewCompilationCache()
	}
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCompilationCache(compilation).
		WithMemoryLimitPages(maxMemoryPages))
	p, err := compilePolicy(ctx, r, code)
	if err != nil {
		r.Close(ctx)
		return nil, fmt.Errorf("load Wasm policy: %w", err)
	}
	p.compilation = compilation
	return p, nil
}

func compilePolicy(ctx context.Context, r wazero.Runtime, code []byte) (*Policy, error) {
	policy, err := r.CompileModule(ctx, code)
	if err != nil {
		return nil, err
	}
	mems := policy.ImportedMemories()
	if len(mems) != 1 {
		return nil, fmt.Errorf("%d imported memories, want env.memory", len(mems))
	}
	if _, ok := policy.ExportedFunctions()["opa_eval"]; !ok {
		return nil, errors.New("no opa_eval export (OPA Wasm ABI 1.2 or later is needed)")
	}
	if err := instantiateHost(ctx, r); err != nil {
		return nil, err
	}
	env, err := r.CompileModule(ctx, envModule(mems[0].Min()))
	if err != nil {
		return nil, err
	}
	return &Policy{runtime: r, policy: policy, env: env}, nil
}

// instanceKey carries, in the context of every call into an instance, the
// instance itself: the host functions, shared by every instance of the
// runtime, serve the one that called them.
type instanceKey struct{}

func calling(ctx context.Context) *Instance {
	in, ok := ctx.Value(instanceKey{}).(*Instance)
	if !ok {
		panic(abortError{"a host function was called outside an instance's call"})
	}
	return in
}

// instantiateHost adds the host functions, one module for every instance.
func instantiateHost(ctx context.Context, r wazero.Runtime) error {
	host := r.NewHostModuleBuilder(hostModule)
	host.NewFunctionBuilder().WithFunc(func(ctx context.Context, addr uint32) { panic(abortError{calling(ctx).cString(addr)}) }).Export("opa_abort")
	host.NewFunctionBuilder().WithFunc(func(context.Context, uint32) {}).Export("opa_println") // print statements are compiled out
	host.NewFunctionBuilder().WithFunc(func(ctx context.Context, id, _ uint32) uint32 { return calling(ctx).builtin(ctx, id) }).Export("opa_builtin0")
	host.NewFunctionBuilder().WithFunc(func(ctx context.Context, id, _, a uint32) uint32 { return calling(ctx).builtin(ctx, id, a) }).Export("opa_builtin1")
	host.NewFunctionBuilder().WithFunc(func(ctx context.Context, id, _, a, b uint32) uint32 { return calling(ctx).builtin(ctx, id, a, b) }).Export("opa_builtin2")
	host.NewFunctionBuilder().WithFunc(func(ctx context.Context, id, _, a, b, c uint32) uint32 {
		return calling(ctx).builtin(ctx, id, a, b, c)
	}).Export("opa_builtin3")
	host.NewFunctionBuilder().WithFunc(func(ctx context.Context, id, _, a, b, c, d uint32) uint32 {
		return calling(ctx).builtin(ctx, id, a, b, c, d)
	}).Export("opa_builtin4")
	_, err := host.Instantiate(ctx)
	return err
}

// Close releases the runtime (and every instance left open) and the
// compilation cache.
func (p *Policy) Close(ctx context.Context) error {
	return errors.Join(p.runtime.Close(ctx), p.compilation.Close(ctx))
}

// Instance is one instance of a Policy with the data document parsed into
// its memory. Not safe for concurrent use.
type Instance struct {
	modules     []api.Module // env, policy
	mod         api.Module
	mem         api.Memory
	fn          exports
	entrypoints map[string]int32
	builtins    map[int32]topdown.BuiltinFunc
	dataAddr    uint32
	evalHeap    uint32                 // where each evaluation's heap starts: above the data
	failed      error                  // an evaluation that trapped leaves the memory unusable
	bctx        topdown.BuiltinContext // what host builtins see, set per evaluation
}

type exports struct {
	malloc, jsonParse, valueParse, jsonDump, valueDump, eval, heapPtrGet api.Function
}

// abortError is what opa_abort raises: the policy stopped (a conflict, a
// failed assertion in OPA's runtime).
type abortError struct{ message string }

func (e abortError) Error() string { return "policy aborted: " + e.message }

// NewInstance instantiates the policy and parses data (a JSON object, the
// whole data document) into its memory.
func (p *Policy) NewInstance(ctx context.Context, data []byte) (*Instance, error) {
	in := &Instance{}
	if err := in.link(experimental.WithMemoryAllocator(ctx, memoryAllocator()), p); err != nil {
		in.Close(ctx)
		return nil, fmt.Errorf("instantiate Wasm policy: %w", err)
	}
	if err := in.setData(ctx, data); err != nil {
		in.Close(ctx)
		return nil, fmt.Errorf("load data into Wasm policy: %w", err)
	}
	return in, nil
}

// link instantiates the instance's host functions, its env module (the
// memory) and the policy in the policy's runtime, under names of their
// own; each module's imports resolve to the instance's own modules.
func (in *Instance) link(ctx context.Context, p *Policy) error {
	ctx = context.WithValue(ctx, instanceKey{}, in)
	suffix := "-" + strconv.FormatUint(p.instances.Add(1), 10)
	env, err := p.runtime.InstantiateModule(ctx, p.env, wazero.NewModuleConfig().WithName("env"+suffix))
	if err != nil {
		return err
	}
	in.modules = append(in.modules, env)
	mod, err := p.runtime.InstantiateModule(resolving(ctx, "env", env), p.policy, wazero.NewModuleConfig().WithName("policy"+suffix))
	if err != nil {
		return err
	}
	in.modules = append(in.modules, mod)
	in.mod, in.mem = mod, mod.Memory()
	for name, dst := range map[string]*api.Function{
		"opa_malloc": &in.fn.malloc, "opa_json_parse": &in.fn.jsonParse, "opa_value_parse": &in.fn.valueParse,
		"opa_json_dump": &in.fn.jsonDump, "opa_value_dump": &in.fn.valueDump, "opa_eval": &in.fn.eval,
		"opa_heap_ptr_get": &in.fn.heapPtrGet,
	} {
		if *dst = mod.ExportedFunction(name); *dst == nil {
			return fmt.Errorf("the module does not export %s", name)
		}
	}
	var names map[string]int32
	if err := in.dumpJSON(ctx, "builtins", &names); err != nil {
		return err
	}
	in.builtins = make(map[int32]topdown.BuiltinFunc, len(names))
	for name, id := range names {
		f := topdown.GetBuiltin(name)
		if f == nil {
			return fmt.Errorf("the module calls builtin %s, which this OPA does not have", name)
		}
		in.builtins[id] = f
	}
	return in.dumpJSON(ctx, "entrypoints", &in.entrypoints)
}

// dumpJSON calls an export returning a value and decodes its JSON.
func (in *Instance) dumpJSON(ctx context.Context, export string, out any) error {
	f := in.mod.ExportedFunction(export)
	if f == nil {
		return fmt.Errorf("the module does not export %s", export)
	}
	addr, err := in.call(ctx, f)
	if err != nil {
		return err
	}
	text, err := in.call(ctx, in.fn.jsonDump, uint64(addr))
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(in.cString(text)), out); err != nil {
		return fmt.Errorf("%s: %w", export, err)
	}
	return nil
}

func (in *Instance) setData(ctx context.Context, data []byte) error {
	addr, err := in.parse(ctx, in.fn.jsonParse, data)
	if err != nil {
		return err
	}
	if addr == 0 {
		return errors.New("data is not a JSON document")
	}
	in.dataAddr = addr
	if in.evalHeap, err = in.call(ctx, in.fn.heapPtrGet); err != nil {
		return err
	}
	return nil
}

// Eval evaluates an entrypoint with input (a JSON document; empty for
// none) and returns OPA's result set as JSON: [{"result": value}], or []
// when the entrypoint is undefined. Each evaluation starts from an empty
// heap above the data, so an instance's memory does not grow with the
// number of evaluations. After an error the instance refuses to evaluate.
func (in *Instance) Eval(ctx context.Context, entrypoint string, input []byte) ([]byte, error) {
	if in.failed != nil {
		return nil, in.failed
	}
	// Cancellation is checked between evaluations, not inside one:
	// wazero's WithCloseOnContextDone, which interrupts running code, made
	// every evaluation six times slower (3.0 s instead of 0.49 s for 10,000
	// routes), and one evaluation of a batch of routes takes milliseconds.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	id, ok := in.entrypoints[entrypoint]
	if !ok {
		return nil, fmt.Errorf("evaluate %s: not an entrypoint of the Wasm policy", entrypoint)
	}
	inputAddr, heap := uint32(0), in.evalHeap
	if len(input) > 0 {
		if err := in.reserve(heap, len(input)); err != nil {
			return nil, fmt.Errorf("evaluate %s: %w", entrypoint, err)
		}
		in.mem.Write(heap, input)
		inputAddr, heap = heap, heap+uint32(len(input))
	}
	// As in OPA's evaluator, one time, cache and metrics per evaluation.
	in.bctx = topdown.BuiltinContext{
		Metrics: metrics.New(),
		Seed:    rand.Reader,
		Time:    ast.UIntNumberTerm(uint64(time.Now().UnixNano())),
		Cache:   builtins.Cache{},
	}
	const formatJSON = 0
	addr, err := in.call(ctx, in.fn.eval, 0, uint64(id), uint64(in.dataAddr), uint64(inputAddr), uint64(len(input)), uint64(heap), formatJSON)
	if err != nil {
		in.failed = fmt.Errorf("evaluate %s: %w", entrypoint, err)
		return nil, in.failed
	}
	out, ok := in.cBytes(addr)
	if !ok {
		in.failed = fmt.Errorf("evaluate %s: the result at %d is not a string in memory", entrypoint, addr)
		return nil, in.failed
	}
	return bytes.Clone(out), nil
}

// MemorySize is the size of the instance's linear memory in bytes.
func (in *Instance) MemorySize() uint32 { return in.mem.Size() }

// Close releases the instance and its memory.
func (in *Instance) Close(ctx context.Context) error {
	var errs []error
	for i := len(in.modules) - 1; i >= 0; i-- {
		errs = append(errs, in.modules[i].Close(ctx))
	}
	in.modules = nil
	return errors.Join(errs...)
}

// resolving makes imports from module name resolve to mod.
func resolving(ctx context.Context, name string, mod api.Module) context.Context {
	return experimental.WithImportResolver(ctx, func(n string) api.Module {
		if n == name {
			return mod
		}
		return nil
	})
}

// reserve grows the memory so that n bytes fit at addr.
func (in *Instance) reserve(addr uint32, n int) error {
	end := uint64(addr) + uint64(n)
	if size := uint64(in.mem.Size()); end > size {
		const page = 65536
		if _, ok := in.mem.Grow(uint32((end - size + page - 1) / page)); !ok {
			return fmt.Errorf("cannot grow memory to %d bytes", end)
		}
	}
	return nil
}

// call calls an export that returns one i32 (or nothing), turning a trap
// or an abort into an error.
func (in *Instance) call(ctx context.Context, f api.Function, args ...uint64) (result uint32, err error) {
	res, err := f.Call(context.WithValue(ctx, instanceKey{}, in), args...)
	if err != nil {
		var abort abortError
		if errors.As(err, &abort) {
			return 0, abort
		}
		return 0, err
	}
	if len(res) == 0 {
		return 0, nil
	}
	return uint32(res[0]), nil
}

// parse copies text into the module's heap and parses it with parser
// (opa_json_parse or opa_value_parse); 0 means it did not parse.
func (in *Instance) parse(ctx context.Context, parser api.Function, text []byte) (uint32, error) {
	p, err := in.call(ctx, in.fn.malloc, uint64(len(text)))
	if err != nil {
		return 0, err
	}
	if !in.mem.Write(p, text) {
		return 0, fmt.Errorf("write %d bytes at %d", len(text), p)
	}
	return in.call(ctx, parser, uint64(p), uint64(len(text)))
}

// cBytes is the NUL-terminated string at addr, in the module's memory.
func (in *Instance) cBytes(addr uint32) ([]byte, bool) {
	size := in.mem.Size()
	if addr >= size {
		return nil, false
	}
	b, ok := in.mem.Read(addr, size-addr)
	if !ok {
		return nil, false
	}
	n := bytes.IndexByte(b, 0)
	if n < 0 {
		return nil, false
	}
	return b[:n], true
}

func (in *Instance) cString(addr uint32) string {
	b, ok := in.cBytes(addr)
	if !ok {
		return fmt.Sprintf("(no string at %d)", addr)
	}
	return string(b)
}

// builtin runs a builtin the module leaves to its host (sprintf, for one)
// with OPA's own Go implementation. As in OPA's evaluator, a builtin's
// error makes its expression undefined (0); a halting error (cancellation)
// aborts the evaluation.
func (in *Instance) builtin(ctx context.Context, id uint32, args ...uint32) uint32 {
	f, ok := in.builtins[int32(id)]
	if !ok {
		panic(abortError{fmt.Sprintf("unknown builtin %d", id)})
	}
	operands := make([]*ast.Term, len(args))
	for i, addr := range args {
		t, err := in.term(ctx, addr)
		if err != nil {
			panic(abortError{fmt.Sprintf("builtin argument: %v", err)})
		}
		operands[i] = t
	}
	var result *ast.Term
	bctx := in.bctx
	bctx.Context = ctx
	err := f(bctx, operands, func(t *ast.Term) error { result = t; return nil })
	if err != nil {
		var halt topdown.Halt
		if errors.As(err, &halt) {
			panic(abortError{err.Error()})
		}
		return 0
	}
	if result == nil {
		return 0
	}
	parser, text := in.fn.valueParse, []byte(result.String())
	if s, ok := result.Value.(ast.String); ok {
		text, _ = json.Marshal(string(s)) // JSON escapes, which OPA's parser reads; a Go-quoted string may not be JSON
		parser = in.fn.jsonParse
	}
	addr, err := in.parse(ctx, parser, text)
	if err != nil || addr == 0 {
		panic(abortError{fmt.Sprintf("builtin result %s does not parse", text)})
	}
	return addr
}

// term reads the value at addr: as JSON when its Rego text is JSON (most
// are; see parseJSON), else with OPA's parser (sets, non-string keys).
func (in *Instance) term(ctx context.Context, addr uint32) (*ast.Term, error) {
	textAddr, err := in.call(ctx, in.fn.valueDump, uint64(addr))
	if err != nil {
		return nil, err
	}
	text, ok := in.cBytes(textAddr)
	if !ok {
		return nil, fmt.Errorf("no value text at %d", textAddr)
	}
	if t, ok := parseJSON(text); ok {
		return t, nil
	}
	return ast.ParseTerm(string(text))
}
