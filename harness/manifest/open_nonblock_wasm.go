//go:build js || wasip1

package manifest

// openNonBlocking is zero where there is no named pipe to wait on: the
// browser build reads only what the page hands it.
const openNonBlocking = 0
