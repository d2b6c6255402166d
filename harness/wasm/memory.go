package wasm

// maxMemoryPages bounds each instance's linear memory (2 GiB), far above
// what the largest inventory of docs/limits.md parses into; an evaluation
// that needs more fails, and the caller falls back to OPA's evaluator (and
// says so).
const maxMemoryPages = 32768

// sliceMemory is a linear memory in a Go slice that grows by doubling, so
// that a memory grown a page at a time is copied O(log n) times.
type sliceMemory struct{ buf []byte }

func (m *sliceMemory) Reallocate(size uint64) []byte {
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	grown := make([]byte, size, max(size, 2*uint64(cap(m.buf))))
	copy(grown, m.buf)
	m.buf = grown
	return m.buf
}

func (m *sliceMemory) Free() { m.buf = nil }
