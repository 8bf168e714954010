package cache

// Test helpers are prefixed zz so that, injected into the learner's
// package, they never clash with the learner's own names.

import (
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// zzCatchTODO, deferred at the top of a test (after goleak), turns a panic
// from the learner's code (a TODO left in the skeleton) into a test
// failure with its message, so the other tests still run.
func zzCatchTODO(t *testing.T) {
	if r := recover(); r != nil {
		if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO(") {
			t.Fatalf("%s", s)
		}
		t.Fatalf("panic: %v\n%s", r, debug.Stack())
	}
}

// zzGoSafe runs f in a goroutine, turning a panic into a test error, and
// returns a channel closed when f is done.
func zzGoSafe(t *testing.T, f func()) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO(") {
					t.Errorf("%s", s)
					return
				}
				t.Errorf("panic in a goroutine of the test: %v\n%s", r, debug.Stack())
			}
		}()
		f()
	}()
	return done
}

// zzWaitChan blocks until ch is closed or limit passes, and reports which.
func zzWaitChan(ch <-chan struct{}, limit time.Duration) bool {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-ch:
		return true
	case <-timer.C:
		return false
	}
}

// zzEventually polls cond every millisecond until it holds or limit passes.
func zzEventually(limit time.Duration, cond func() bool) bool {
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

// zzStop stops c at the end of a test and reports a failure to stop.
func zzStop[K comparable, V any](t *testing.T, c *Cache[K, V]) {
	t.Helper()
	if err := c.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

func zzKey(i int) string { return fmt.Sprintf("k%03d", i) }

// zzOnRace adds why to the failure of t if the race detector reports a
// data race while t runs: the report says where, why says which value was
// shared and how OTP gives it one owner.
func zzOnRace(t *testing.T, why string) {
	t.Helper()
	before := zzRaces()
	t.Cleanup(func() {
		if zzRaces() > before {
			t.Errorf("%s", why)
		}
	})
}
