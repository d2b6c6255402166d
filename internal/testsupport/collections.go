package testsupport

import (
	"context"
	"sync"
	"testing"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/policyset"
)

var collections struct {
	once  sync.Once
	table inventory.Table
	err   error
}

// Collections is the embedded policy's table of inventory collections, as
// a checker reads it, for tests that index objects without one (read once
// per test binary).
func Collections(t testing.TB) inventory.Table {
	t.Helper()
	collections.once.Do(func() {
		set, err := policyset.Embedded()
		if err != nil {
			collections.err = err
			return
		}
		compiler, err := set.Compiler()
		if err != nil {
			collections.err = err
			return
		}
		v, err := engine.EvalConstant(context.Background(), compiler, engine.CollectionsQuery)
		if err != nil {
			collections.err = err
			return
		}
		collections.table, collections.err = inventory.TableOf(v)
	})
	if collections.err != nil {
		t.Fatal(collections.err)
	}
	return collections.table
}
