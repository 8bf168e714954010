package cache

import (
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// callTimeout bounds every call to the cache server.
const callTimeout = 5 * time.Second

// Cache is a key/value cache owned by one GenServer process. A Cache is
// safe for use by many goroutines.
type Cache[K comparable, V any] struct {
	pid actor.PID
	// 02.3: add the table that Get reads directly.
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
	getReq[K comparable]           struct{ key K }
	lenReq                         struct{}
	updateReq[K comparable, V any] struct {
		key K
		fn  func(old V, found bool) V
	}
)

// getReply answers a getReq: the value, and whether there was one.
type getReply[V any] struct {
	value V
	found bool
}

// server is the cache's GenServer. Its fields are the server's state:
// only the server's own process touches them.
type server[K comparable, V any] struct {
	actor.BaseServer
	data       map[K]entry[V]
	evictEvery time.Duration
	timer      *actor.Timer
	// 02.3: replace the map by a *table the Cache can read too.
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
	pid, err := actor.StartServer(&server[K, V]{data: map[K]entry[V]{}, evictEvery: cfg.evictEvery}, actor.Kind("cache"))
	if err != nil {
		return nil, fmt.Errorf("start cache: %w", err)
	}
	return &Cache[K, V]{pid: pid}, nil
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

// Get returns the value stored under key, if any and not expired. After
// Stop it reports a miss.
//
// Step 02.3: read the table directly, without asking the server; the
// server clears the table in Terminate, so a stopped cache still misses.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	r, err := actor.Call(c.pid, getReq[K]{key}, callTimeout)
	if err != nil {
		var zero V
		return zero, false // a stopped cache holds nothing
	}
	g := r.(getReply[V])
	return g.value, g.found
}

// Update replaces the value under key with fn(old, found) and returns the
// new value. fn runs inside the server, so concurrent Updates of one key
// never lose a write; fn must be quick, since the server waits for it. An
// existing entry keeps its expiry; a new one never expires. An expired
// entry counts as missing: fn gets (zero value, false), as Get would, and
// its result is stored as a new entry that never expires.
func (c *Cache[K, V]) Update(key K, fn func(old V, found bool) V) (V, error) {
	v, err := actor.Call(c.pid, updateReq[K, V]{key: key, fn: fn}, callTimeout)
	if err != nil {
		var zero V
		return zero, fmt.Errorf("cache update %v: %w", key, err)
	}
	return v.(V), nil
}

// Stop stops the server and waits for it to exit.
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

// HandleCall handles the requests of Put, PutTTL, Get, Len and Update, one
// at a time.
func (s *server[K, V]) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	switch r := req.(type) {
	case putReq[K, V]:
		e := entry[V]{value: r.value}
		if r.ttl > 0 {
			e.expires = time.Now().Add(r.ttl)
		}
		s.data[r.key] = e
		return nil, nil
	case getReq[K]:
		e, ok := s.data[r.key]
		if !ok || !e.live(time.Now()) {
			return getReply[V]{}, nil
		}
		return getReply[V]{e.value, true}, nil
	case lenReq:
		return len(s.data), nil
	case updateReq[K, V]:
		old, found := s.data[r.key]
		if found && !old.live(time.Now()) {
			old, found = entry[V]{}, false
		}
		e := entry[V]{value: r.fn(old.value, found), expires: old.expires}
		s.data[r.key] = e
		return e.value, nil
	}
	return nil, fmt.Errorf("cache: unknown request %T", req)
}

// Terminate cancels the eviction timer, so a stopped cache leaves no timer
// behind.
func (s *server[K, V]) Terminate(p *actor.Process, reason error) {
	if s.timer != nil {
		s.timer.Cancel()
	}
}
