package cache

import "sync"

// table is an ETS-style table: any goroutine may read it at any time,
// without asking its owner; only the owner, the cache server, writes to it.
// Writers are serialised by the server already; the lock only keeps
// readers from seeing a map in the middle of a write.
type table[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func newTable[K comparable, V any]() *table[K, V] {
	return &table[K, V]{m: make(map[K]V)}
}

// lookup returns the value under k (ets:lookup).
func (t *table[K, V]) lookup(k K) (V, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	v, ok := t.m[k]
	return v, ok
}

// insert stores v under k (ets:insert).
func (t *table[K, V]) insert(k K, v V) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m[k] = v
}

// deleteIf removes every entry for which drop returns true
// (ets:select_delete) and returns how many it removed.
func (t *table[K, V]) deleteIf(drop func(K, V) bool) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for k, v := range t.m {
		if drop(k, v) {
			delete(t.m, k)
			n++
		}
	}
	return n
}

// len returns the number of entries (ets:info(T, size)).
func (t *table[K, V]) len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.m)
}

// clear drops every entry (ets:delete_all_objects).
func (t *table[K, V]) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.m)
}
