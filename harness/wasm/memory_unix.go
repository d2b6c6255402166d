//go:build unix

package wasm

import (
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// mmapAllocator backs each linear memory with one anonymous mapping of its
// maximum size, reserved but not committed: growing the memory only
// lengthens the slice. wazero's default backing is a Go slice, which OPA's
// allocator grows a page at a time — each growth past its capacity copies
// the whole memory, quadratic in the inventory's size, and the copies are
// garbage the collector must chase. Outside
// the Go heap, the memory also leaves the collector's pacing alone.
type mmapAllocator struct{}

func (mmapAllocator) Allocate(_, max uint64) experimental.LinearMemory {
	buf, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return &sliceMemory{} // no room to reserve (overcommit disabled): grow a Go slice
	}
	return &mappedMemory{buf: buf}
}

type mappedMemory struct{ buf []byte }

func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	return m.buf[:size:size]
}

func (m *mappedMemory) Free() {
	if m.buf != nil {
		_ = syscall.Munmap(m.buf)
		m.buf = nil
	}
}

func memoryAllocator() experimental.MemoryAllocator { return mmapAllocator{} }
