// Package redistest gives tests a real Redis to talk to without installing
// one: an embedded miniredis per test (Start) and a TCP proxy that injects
// the faults a network produces (NewProxy): latency, replies split into
// 1-byte pieces or coalesced into one write, and dropped connections.
//
// Both register their Close with t.Cleanup. Cleanups run after the test's
// deferred calls, so a test that checks for leaked goroutines must do it in
// a cleanup registered before Start, or close things itself first:
//
//	t.Cleanup(func() { goleak.VerifyNone(t) }) // runs last
//	srv := redistest.Start(t)                  // closed before the check
package redistest

import (
	"context"
	"sync"
	"testing"

	"github.com/alicebob/miniredis/v2"
)

// Server is an embedded Redis server listening on 127.0.0.1.
type Server struct {
	t       testing.TB
	m       *miniredis.Miniredis
	addr    string
	mu      sync.Mutex
	running bool
}

// Start starts a miniredis on 127.0.0.1 with a free port and closes it when
// the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		t.Fatalf("redistest: start miniredis: %v", err)
	}
	s := &Server{t: t, m: m, addr: m.Addr(), running: true}
	t.Cleanup(s.Close)
	return s
}

// Addr is the "127.0.0.1:port" the server listens on; it stays the same
// across Restart.
func (s *Server) Addr() string { return s.addr }

// Close stops listening and closes every client connection, as a crashed
// Redis would; it returns once they are all closed. The data is kept for
// Restart. Closing a closed server does nothing.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return
	}
	s.running = false
	s.m.Close()
}

// Restart starts the server again on the same address, with the data it had;
// a running server is closed first. Call it from the test's goroutine: it
// fails the test if the port was taken in the meantime.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		s.m.Close()
		s.running = false
	}
	// Close cancelled m.Ctx, and blocking commands (BLPOP...) give up at once
	// on a cancelled context: renew it, or they never block again.
	s.m.Lock()
	s.m.Ctx, s.m.CtxCancel = context.WithCancel(context.Background())
	s.m.Unlock()
	if err := s.m.StartAddr(s.addr); err != nil {
		s.t.Fatalf("redistest: restart miniredis on %s: %v", s.addr, err)
	}
	s.running = true
}

// ConnCount is the number of client connections open right now (0 while
// closed). A client's Close is seen here a moment later, once the server
// has noticed it: poll with a deadline.
func (s *Server) ConnCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return 0
	}
	return s.m.CurrentConnectionCount()
}

// Miniredis gives access to the embedded server for what this package does
// not wrap: seeding data, SetError, FastForward, Server().SetPreHook. Do not
// Close or Restart it directly; use the Server's methods.
func (s *Server) Miniredis() *miniredis.Miniredis { return s.m }
