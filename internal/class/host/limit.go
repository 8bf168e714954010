package host

import (
	"sync"
	"time"
)

// limiter is a token bucket per key: rate tokens a second, up to burst.
// It keeps at most maxKeys buckets (the oldest are forgotten), so a
// flood of new keys cannot grow it without bound.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	buckets map[string]*bucket
	maxKeys int
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate, burst float64, maxKeys int) *limiter {
	return &limiter{rate: rate, burst: burst, buckets: map[string]*bucket{}, maxKeys: maxKeys}
}

// peek reports whether key has a token, taking none.
func (l *limiter) peek(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	return b == nil || b.tokens+now.Sub(b.last).Seconds()*l.rate >= 1
}

// allow takes a token for key, if there is one.
func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.maxKeys {
			for k, old := range l.buckets { // drop full buckets: they restart full anyway
				if old.tokens+now.Sub(old.last).Seconds()*l.rate >= l.burst {
					delete(l.buckets, k)
				}
			}
			if len(l.buckets) >= l.maxKeys {
				return false
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
