package cache

import "sync"

// table is an ETS-style table: any goroutine may read it at any time,
// without asking its owner; only the owner, the cache server, writes to it.
//
// Step 02.3. A map behind a sync.RWMutex: readers take the read lock,
// writers the write lock. The server is the only writer, so writes are
// already one at a time; the lock only keeps readers from seeing a map in
// the middle of a write.
type table[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

// newTable returns an empty table.
func newTable[K comparable, V any]() *table[K, V] {
	panic("TODO(02.3): make the table and its map")
}

// lookup returns the value under k (ets:lookup). Safe from any goroutine.
func (t *table[K, V]) lookup(k K) (V, bool) {
	panic("TODO(02.3): read the map under the read lock")
}

// insert stores v under k (ets:insert). Only the server calls it.
func (t *table[K, V]) insert(k K, v V) {
	panic("TODO(02.3): write the map under the write lock")
}

// deleteIf removes every entry for which drop returns true
// (ets:select_delete) and returns how many it removed. Only the server
// calls it.
func (t *table[K, V]) deleteIf(drop func(K, V) bool) int {
	panic("TODO(02.3): delete the matching entries under the write lock")
}

// len returns the number of entries (ets:info(T, size)).
func (t *table[K, V]) len() int {
	panic("TODO(02.3): count the entries under the read lock")
}

// clear drops every entry (ets:delete_all_objects): the table dies with
// its owner, so the server calls it from Terminate.
func (t *table[K, V]) clear() {
	panic("TODO(02.3): empty the map under the write lock")
}
