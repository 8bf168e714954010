package cache

import (
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// catchTODO, deferred at the top of a test (after goleak), turns a panic
// from the learner's code (a TODO left in the skeleton) into a test
// failure with its message, so the other tests still run.
func catchTODO(t *testing.T) {
	if r := recover(); r != nil {
		if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO(") {
			t.Fatalf("%s", s)
		}
		t.Fatalf("panic: %v\n%s", r, debug.Stack())
	}
}

// goSafe runs f in a goroutine, turning a panic into a test error, and
// returns a channel closed when f is done.
func goSafe(t *testing.T, f func()) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("panic in a goroutine of the test: %v", r)
			}
		}()
		f()
	}()
	return done
}

// waitChan blocks until ch is closed or limit passes, and reports which.
func waitChan(ch <-chan struct{}, limit time.Duration) bool {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-ch:
		return true
	case <-timer.C:
		return false
	}
}

// eventually polls cond every millisecond until it holds or limit passes.
func eventually(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// stop stops c at the end of a test and reports a failure to stop.
func stop[K comparable, V any](t *testing.T, c *Cache[K, V]) {
	t.Helper()
	if err := c.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

func key(i int) string { return fmt.Sprintf("k%03d", i) }
