package cache

import (
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// callTimeout bounds every call to the cache server.
const callTimeout = 5 * time.Second

// Cache is a key/value cache owned by one GenServer process. Writes go
// through the server, one at a time; reads go straight to the server's
// table. A Cache is safe for use by many goroutines.
type Cache[K comparable, V any] struct {
	pid   actor.PID
	table *table[K, entry[V]]
}

// entry is a stored value and the moment it expires (zero: never).
type entry[V any] struct {
	value   V
	expires time.Time
}

// live reports whether e has not expired at now.
func (e entry[V]) live(now time.Time) bool {
	return e.expires.IsZero() || now.Before(e.expires)
}

// Requests the server answers (HandleCall).
type (
	putReq[K comparable, V any] struct {
		key   K
		value V
		ttl   time.Duration // <= 0: never expires
	}
	updateReq[K comparable, V any] struct {
		key K
		fn  func(old V, found bool) V
	}
)

// server is the cache's GenServer: the only writer of its table.
type server[K comparable, V any] struct {
	actor.BaseServer
	table      *table[K, entry[V]]
	evictEvery time.Duration
	timer      *actor.Timer
}

// Start starts a cache server and returns once it is ready.
func Start[K comparable, V any](opts ...Option) (*Cache[K, V], error) {
	cfg := config{evictEvery: DefaultEvictEvery}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.evictEvery <= 0 {
		return nil, fmt.Errorf("start cache: EvictEvery(%v): the interval must be positive", cfg.evictEvery)
	}
	t := newTable[K, entry[V]]()
	pid, err := actor.StartServer(&server[K, V]{table: t, evictEvery: cfg.evictEvery}, actor.Kind("cache"))
	if err != nil {
		return nil, fmt.Errorf("start cache: %w", err)
	}
	return &Cache[K, V]{pid: pid, table: t}, nil
}

// PID returns the cache server's process.
func (c *Cache[K, V]) PID() actor.PID { return c.pid }

// Put stores value under key, with no expiry. It returns once the server
// has stored it, so a Get that follows sees it.
func (c *Cache[K, V]) Put(key K, value V) error {
	if _, err := actor.Call(c.pid, putReq[K, V]{key: key, value: value}, callTimeout); err != nil {
		return fmt.Errorf("cache put %v: %w", key, err)
	}
	return nil
}

// Get returns the value stored under key, if any and not expired. It reads
// the table directly: it never waits for the server, even a busy one.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	e, ok := c.table.lookup(key)
	if !ok || !e.live(time.Now()) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Update replaces the value under key with fn(old, found) and returns the
// new value. fn runs inside the server, so concurrent Updates of one key
// never lose a write; fn must be quick, since the server waits for it. An
// existing entry keeps its expiry; a new one never expires.
func (c *Cache[K, V]) Update(key K, fn func(old V, found bool) V) (V, error) {
	v, err := actor.Call(c.pid, updateReq[K, V]{key: key, fn: fn}, callTimeout)
	if err != nil {
		var zero V
		return zero, fmt.Errorf("cache update %v: %w", key, err)
	}
	return v.(V), nil
}

// Stop stops the server and waits for it to exit. The table dies with it.
func (c *Cache[K, V]) Stop() error {
	if err := actor.Stop(c.pid, actor.Shutdown, callTimeout); err != nil {
		return fmt.Errorf("stop cache: %w", err)
	}
	return nil
}

// Init schedules the first eviction sweep.
func (s *server[K, V]) Init(p *actor.Process) error {
	s.timer = actor.SendAfter(p.Self(), evictTick{}, s.evictEvery)
	return nil
}

// HandleCall performs the writes, one at a time.
func (s *server[K, V]) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	switch r := req.(type) {
	case putReq[K, V]:
		e := entry[V]{value: r.value}
		if r.ttl > 0 {
			e.expires = time.Now().Add(r.ttl)
		}
		s.table.insert(r.key, e)
		return nil, nil
	case updateReq[K, V]:
		old, found := s.table.lookup(r.key)
		if found && !old.live(time.Now()) {
			old, found = entry[V]{}, false
		}
		e := entry[V]{value: r.fn(old.value, found), expires: old.expires}
		s.table.insert(r.key, e)
		return e.value, nil
	}
	return nil, fmt.Errorf("cache: unknown request %T", req)
}

// Terminate cancels the eviction timer and drops the table, as an ETS
// table dies with its owner.
func (s *server[K, V]) Terminate(p *actor.Process, reason error) {
	if s.timer != nil {
		s.timer.Cancel()
	}
	s.table.clear()
}
