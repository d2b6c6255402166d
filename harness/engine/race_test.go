//go:build race

package engine_test

// raceEnabled: the race detector is on. sync.Pool drops items at random
// under it, so allocation counts are not the product's.
const raceEnabled = true
