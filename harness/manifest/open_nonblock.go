//go:build !js && !wasip1

package manifest

import "syscall"

// openNonBlocking is added to the open flags of a walked file: opening a
// named pipe must not wait for a writer.
const openNonBlocking = syscall.O_NONBLOCK
