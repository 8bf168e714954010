package genserver

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// noLeaks fails the test if it leaves a goroutine running. Goroutines that
// existed when the test started (say, one stuck in an earlier failed test)
// are ignored so that one mistake is reported once.
func noLeaks(t *testing.T) func() {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	return func() { goleak.VerifyNone(t, opt) }
}

// within runs f and fails the test with msg if f has not returned after d.
// It reports whether f returned. A stuck f is left behind: the test has
// already failed and says why.
func within(t *testing.T, d time.Duration, msg string, f func()) bool {
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

// logBuffer collects what a server logs, safe for the server's goroutine to
// write while the test reads.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// stopServer stops s at the end of a test, failing if Stop hangs.
func stopServer(t *testing.T, s *Server) {
	t.Helper()
	within(t, time.Second, "Stop did not return; does your loop handle the stop request?", func() { _ = s.Stop() })
}
