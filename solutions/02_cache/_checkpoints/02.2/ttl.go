package cache

import (
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// DefaultEvictEvery is how often a cache sweeps out expired entries unless
// Start is given EvictEvery.
const DefaultEvictEvery = time.Minute

// Option configures Start.
type Option func(*config)

type config struct {
	evictEvery time.Duration
}

// EvictEvery sets how often the server sweeps expired entries out of
// memory. Between sweeps, expired entries are invisible to Get but still
// counted by Len.
func EvictEvery(d time.Duration) Option { return func(c *config) { c.evictEvery = d } }

// evictTick is the periodic message that triggers a sweep.
type evictTick struct{}

// PutTTL stores value under key for ttl: after that, Get no longer returns
// it, and the next sweep removes it. A ttl <= 0 means no expiry.
func (c *Cache[K, V]) PutTTL(key K, value V, ttl time.Duration) error {
	if _, err := actor.Call(c.pid, putReq[K, V]{key: key, value: value, ttl: ttl}, callTimeout); err != nil {
		return fmt.Errorf("cache put %v (ttl %v): %w", key, ttl, err)
	}
	return nil
}

// Len returns how many entries the cache holds in memory, expired or not:
// it drops only when a sweep (or an overwrite) removes entries.
//
// Step 02.3: read the table's size.
func (c *Cache[K, V]) Len() int {
	n, err := actor.Call(c.pid, lenReq{}, callTimeout)
	if err != nil {
		return 0 // a stopped cache holds nothing
	}
	return n.(int)
}

// HandleInfo sweeps expired entries on each tick and schedules the next
// one: a single timer, however many keys there are.
func (s *server[K, V]) HandleInfo(p *actor.Process, msg any) error {
	if _, ok := msg.(evictTick); ok {
		now := time.Now()
		for k, e := range s.data {
			if !e.live(now) {
				delete(s.data, k)
			}
		}
		s.timer = actor.SendAfter(p.Self(), evictTick{}, s.evictEvery)
	}
	return nil
}
