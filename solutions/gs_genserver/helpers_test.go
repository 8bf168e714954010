package genserver

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// zzNoLeaks fails the test if it leaves a goroutine running. Goroutines that
// existed when the test started (say, one stuck in an earlier failed test)
// are ignored, and a test that has already failed is not checked (what it
// left running is stuck in the mistake it reported), so that one mistake is
// reported once.
func zzNoLeaks(t *testing.T) func() {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	return func() {
		if t.Failed() {
			return
		}
		if err := goleak.Find(opt); err != nil {
			t.Errorf("goroutines were left running after the test: every server it started must have ended, its loop returned, "+
				"once stopped, once a callback panicked, and when Init failed (Start returned the error):\n%v", err)
		}
	}
}

// zzWithin runs f and fails the test with msg if f has not returned after d.
// It reports whether f returned. A stuck f is left behind: the test has
// already failed and says why.
func zzWithin(t *testing.T, d time.Duration, msg string, f func()) bool {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		t.Errorf("%s (still blocked after %v)", msg, d)
		return false
	}
}

// zzLogBuffer collects what a server logs, safe for the server's goroutine to
// write while the test reads.
type zzLogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *zzLogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *zzLogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func zzNewTestLogger() (*slog.Logger, *zzLogBuffer) {
	b := &zzLogBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// zzStopServer stops s at the end of a test, failing if Stop hangs.
func zzStopServer(t *testing.T, s *Server) {
	t.Helper()
	zzWithin(t, time.Second, "Stop did not return; does your loop handle the stop request?", func() { _ = s.Stop() })
}
