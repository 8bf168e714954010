package cache

import (
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

// server is the cache's GenServer. Its fields are the server's state:
// only the server's own process touches them.
type server[K comparable, V any] struct {
	actor.BaseServer
	// TODO(02.1): the state, a map[K]V created in Start.
	// 02.2: store an expiry time beside each value, and the eviction settings.
	// 02.3: replace the map by a *table the Cache can read too.
}

// Start starts a cache server and returns once it is ready.
//
// Step 02.1. Build the server value (with its map) and start it with
// actor.StartServer; keep the pid in the Cache.
// Step 02.2. Apply opts to config{evictEvery: DefaultEvictEvery} (see
// EvictEvery in ttl.go) and give the interval to the server.
func Start[K comparable, V any](opts ...Option) (*Cache[K, V], error) {
	panic("TODO(02.1): start the server with actor.StartServer and keep its pid")
}

// PID returns the cache server's process.
func (c *Cache[K, V]) PID() actor.PID { return c.pid }

// Put stores value under key, with no expiry. It returns once the server
// has stored it, so a Get that follows sees it.
//
// Step 02.1. actor.Call the server with a request value of your own type
// (say putReq{key, value}); HandleCall stores it. Return Call's error,
// wrapped.
func (c *Cache[K, V]) Put(key K, value V) error {
	panic("TODO(02.1): Call the server with a put request")
}

// Get returns the value stored under key, if any and not expired. After
// Stop it reports a miss.
//
// Step 02.1: Call the server with a get request; a failed Call is a miss.
// Step 02.2: an expired value is a miss, even before eviction removes it.
// Step 02.3: read the table directly, without asking the server; the
// server clears the table in Terminate, so a stopped cache still misses.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	panic("TODO(02.1): Call the server with a get request")
}

// Update replaces the value under key with fn(old, found) and returns the
// new value. fn runs inside the server, so concurrent Updates of one key
// never lose a write; fn must be quick, since the server waits for it. An
// existing entry keeps its expiry; a new one never expires. From 02.2, an
// expired entry counts as missing: fn gets (zero value, false), as Get
// would, and its result is stored as a new entry that never expires.
//
// Step 02.1. Send fn itself in the request; HandleCall calls it on the
// current value and stores the result. (A Get, then fn, then Put from the
// caller would let two callers read the same old value.)
func (c *Cache[K, V]) Update(key K, fn func(old V, found bool) V) (V, error) {
	panic("TODO(02.1): Call the server with an update request carrying fn")
}

// Stop stops the server and waits for it to exit.
//
// Step 02.1: actor.Stop(pid, actor.Shutdown, callTimeout).
func (c *Cache[K, V]) Stop() error {
	panic("TODO(02.1): stop the server with actor.Stop")
}

// Init runs in the server's process before Start returns.
// Step 02.2: schedule the first eviction tick here (actor.SendAfter).
func (s *server[K, V]) Init(p *actor.Process) error {
	return nil
}

// HandleCall handles the requests of Put, Get and Update, one at a time.
//
// Step 02.1. Switch on the request's type (req.(type)), act on the map,
// and return the reply with a nil error: a non-nil error stops the
// server, so keep that for a request you do not know.
func (s *server[K, V]) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	panic("TODO(02.1): handle put, get and update requests")
}
