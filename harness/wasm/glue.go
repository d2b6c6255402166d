package wasm

// OPA's Wasm modules import their linear memory as env.memory and their
// host functions from module env too. wazero's host modules can export
// functions but not a memory, so each instance gets a small module named
// "env", encoded here, that defines the memory and re-exports the host
// functions it imports from hostModule. (OPA's own Wasm SDK links its
// wazero instances the same way.)

const hostModule = "refguard_host"

// hostFunc is one imported host function: its name and its number of i32
// parameters; every one but opa_abort and opa_println returns an i32.
type hostFunc struct {
	name   string
	params int
	result bool
}

// hostFuncs are the imports of OPA's Wasm ABI 1.x.
var hostFuncs = []hostFunc{
	{"opa_abort", 1, false},
	{"opa_println", 1, false},
	{"opa_builtin0", 2, true},
	{"opa_builtin1", 3, true},
	{"opa_builtin2", 4, true},
	{"opa_builtin3", 5, true},
	{"opa_builtin4", 6, true},
}

// Section ids and type codes of the Wasm binary format (spec 5.5).
const (
	sectionType   = 1
	sectionImport = 2
	sectionMemory = 5
	sectionExport = 7
	kindFunc      = 0x00
	kindMemory    = 0x02
	typeFunc      = 0x60
	typeI32       = 0x7f
	limitsMinOnly = 0x00
)

// envModule encodes the "env" module: a memory of at least minPages
// pages and no maximum, and every host function re-exported.
func envModule(minPages uint32) []byte {
	var types, imports, exports []byte
	types = appendU32(types, uint32(len(hostFuncs)))
	imports = appendU32(imports, uint32(len(hostFuncs)))
	exports = appendU32(exports, uint32(len(hostFuncs)+1))
	for i, f := range hostFuncs {
		types = append(types, typeFunc)
		types = appendU32(types, uint32(f.params))
		for range f.params {
			types = append(types, typeI32)
		}
		if f.result {
			types = append(types, 1, typeI32)
		} else {
			types = append(types, 0)
		}
		imports = appendName(imports, hostModule)
		imports = appendName(imports, f.name)
		imports = append(imports, kindFunc)
		imports = appendU32(imports, uint32(i))
		exports = appendName(exports, f.name)
		exports = append(exports, kindFunc)
		exports = appendU32(exports, uint32(i)) // imported functions come first in the index space
	}
	exports = appendName(exports, "memory")
	exports = append(exports, kindMemory, 0)
	memory := appendU32([]byte{1, limitsMinOnly}, minPages)

	out := []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}
	out = appendSection(out, sectionType, types)
	out = appendSection(out, sectionImport, imports)
	out = appendSection(out, sectionMemory, memory)
	out = appendSection(out, sectionExport, exports)
	return out
}

// appendU32 appends v as unsigned LEB128.
func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendName(b []byte, s string) []byte {
	return append(appendU32(b, uint32(len(s))), s...)
}

func appendSection(b []byte, id byte, body []byte) []byte {
	b = append(b, id)
	b = appendU32(b, uint32(len(body)))
	return append(b, body...)
}
