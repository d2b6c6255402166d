package engine

import (
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// refCache is a topdown.VirtualCache — the per-evaluation memo of rule
// values and function results — that is reused across evaluations instead
// of rebuilt for each one.
//
// OPA's own cache is a trie with a hash map per node; a fresh one per route
// is a large share of a route's allocation (docs/performance.md), most of
// it for function calls whose key is the call path plus the route's
// context. Here a frame is one index from the hash of the whole reference to
// entries kept in a slice, with the references' terms copied into one
// buffer; reset clears them and keeps the capacity, so a warm cache does not
// allocate. Semantics are OPA's: a lookup sees only the top frame (with
// statements push one), and an entry with a nil value records "undefined".
type refCache struct {
	frames []*cacheFrame
	depth  int
}

type cacheFrame struct {
	index   map[uint64]int32
	entries []cacheEntry
	terms   []*ast.Term
}

type cacheEntry struct {
	ref       ast.Ref
	value     *ast.Term
	undefined bool
	next      int32 // next entry with the same hash, or -1
}

var _ topdown.VirtualCache = (*refCache)(nil)

func newRefCache() *refCache {
	c := &refCache{}
	c.Push()
	return c
}

// reset empties every frame and leaves one, as a new cache has.
func (c *refCache) reset() {
	for _, f := range c.frames[:c.depth] {
		f.clear()
	}
	c.depth = 1
}

func (f *cacheFrame) clear() {
	clear(f.index)
	clear(f.entries) // drop the references for the collector
	clear(f.terms)
	f.entries, f.terms = f.entries[:0], f.terms[:0]
}

func (c *refCache) Push() {
	if c.depth == len(c.frames) {
		c.frames = append(c.frames, &cacheFrame{index: map[uint64]int32{}})
	}
	c.depth++
}

func (c *refCache) Pop() {
	if c.depth == 0 {
		return
	}
	c.frames[c.depth-1].clear()
	c.depth--
}

func (c *refCache) top() *cacheFrame { return c.frames[c.depth-1] }

func refHash(ref ast.Ref) uint64 {
	h := uint64(14695981039346656037)
	for _, t := range ref {
		h = (h ^ uint64(t.Hash())) * 1099511628211
	}
	return h
}

func (f *cacheFrame) find(ref ast.Ref, h uint64) int32 {
	i, ok := f.index[h]
	if !ok {
		return -1
	}
	for ; i >= 0; i = f.entries[i].next {
		if f.entries[i].ref.Equal(ref) {
			return i
		}
	}
	return -1
}

func (c *refCache) Get(ref ast.Ref) (*ast.Term, bool) {
	f := c.top()
	if i := f.find(ref, refHash(ref)); i >= 0 {
		return f.entries[i].value, f.entries[i].undefined
	}
	return nil, false
}

// Put copies ref: the evaluator reuses the slice it passes for the next key.
func (c *refCache) Put(ref ast.Ref, value *ast.Term) {
	f := c.top()
	h := refHash(ref)
	if i := f.find(ref, h); i >= 0 {
		f.entries[i].value, f.entries[i].undefined = value, value == nil
		return
	}
	next, ok := f.index[h]
	if !ok {
		next = -1
	}
	start := len(f.terms)
	f.terms = append(f.terms, ref...)
	f.entries = append(f.entries, cacheEntry{ref: f.terms[start:len(f.terms):len(f.terms)], value: value, undefined: value == nil, next: next})
	f.index[h] = int32(len(f.entries) - 1)
}

func (c *refCache) Keys() []ast.Ref {
	var keys []ast.Ref
	for _, e := range c.top().entries {
		if !e.undefined {
			keys = append(keys, e.ref)
		}
	}
	return keys
}

// cachePool hands each evaluation a cleared cache.
type cachePool struct{ pool sync.Pool }

func (p *cachePool) get() *refCache {
	if c, ok := p.pool.Get().(*refCache); ok {
		return c
	}
	return newRefCache()
}

func (p *cachePool) put(c *refCache) {
	c.reset()
	p.pool.Put(c)
}
