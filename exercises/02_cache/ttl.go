package cache

import (
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// DefaultEvictEvery is how often a cache sweeps out expired entries unless
// Start is given EvictEvery.
const DefaultEvictEvery = time.Minute

// Option configures Start. (Given.)
type Option func(*config)

type config struct {
	evictEvery time.Duration
}

// EvictEvery sets how often the server sweeps expired entries out of
// memory. Between sweeps, expired entries are invisible to Get but still
// counted by Len. (Given: in Start, apply the options to a config that
// starts as config{evictEvery: DefaultEvictEvery}.)
func EvictEvery(d time.Duration) Option { return func(c *config) { c.evictEvery = d } }

// PutTTL stores value under key for ttl: after that, Get no longer returns
// it, and the next sweep removes it. A ttl <= 0 means no expiry.
//
// Step 02.2. Like Put, with the ttl in the request; the server stores the
// expiry time (time.Now().Add(ttl)) beside the value.
func (c *Cache[K, V]) PutTTL(key K, value V, ttl time.Duration) error {
	panic("TODO(02.2): Call the server with a put request that carries the ttl")
}

// Len returns how many entries the cache holds in memory, expired or not:
// it drops only when a sweep (or an overwrite) removes entries.
//
// Step 02.2: ask the server (a Call). Step 02.3: read the table's size.
func (c *Cache[K, V]) Len() int {
	panic("TODO(02.2): return the number of stored entries, expired ones included")
}

// HandleInfo handles the messages that are neither calls nor casts: here,
// the periodic eviction tick.
//
// Step 02.2. One timer for the whole cache, not one per key: Init sends
// the first tick with actor.SendAfter(p.Self(), evictTick{}, every); on
// each tick, delete every expired entry, then schedule the next tick.
// evictTick is yours to declare (type evictTick struct{}): a private type,
// so no other message can be mistaken for it. Keep the *actor.Timer in the
// server and Cancel it in a Terminate method you add (BaseServer's does
// nothing), so a stopped cache leaves no timer behind.
func (s *server[K, V]) HandleInfo(p *actor.Process, msg any) error {
	panic("TODO(02.2): on an eviction tick, delete expired entries and schedule the next tick")
}
