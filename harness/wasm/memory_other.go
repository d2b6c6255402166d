//go:build !unix

package wasm

import "github.com/tetratelabs/wazero/experimental"

// memoryAllocator: without mmap, Go slices that grow (see memory_unix.go).
func memoryAllocator() experimental.MemoryAllocator {
	return experimental.MemoryAllocatorFunc(func(_, _ uint64) experimental.LinearMemory { return &sliceMemory{} })
}
