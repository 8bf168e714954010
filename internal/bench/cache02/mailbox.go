// Package cache02 benchmarks chapter 02's point: reads that go through a
// server's mailbox (the 02.1 cache) against reads from the server's
// ETS-style table (the 02.3 cache, solutions/02_cache), with 1, 8 and 64
// concurrent readers.
//
// 02.1 and 02.3 are steps of one package, so only 02.3 exists as code in
// solutions/02_cache; this file keeps a reference copy of the 02.1 server,
// reads and all, as the baseline.
package cache02

import (
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// MailboxCache is the 02.1 cache: a GenServer holding a map, where Get is
// a Call like every other request.
type MailboxCache[K comparable, V any] struct {
	pid actor.PID
}

type (
	putReq[K comparable, V any] struct {
		key   K
		value V
	}
	getReq[K comparable] struct{ key K }
	getReply[V any]      struct {
		value V
		ok    bool
	}
)

type mailboxServer[K comparable, V any] struct {
	actor.BaseServer
	data map[K]V
}

// StartMailbox starts a 02.1 cache.
func StartMailbox[K comparable, V any]() (*MailboxCache[K, V], error) {
	pid, err := actor.StartServer(&mailboxServer[K, V]{data: map[K]V{}})
	if err != nil {
		return nil, fmt.Errorf("start mailbox cache: %w", err)
	}
	return &MailboxCache[K, V]{pid: pid}, nil
}

// Put stores value under key.
func (c *MailboxCache[K, V]) Put(key K, value V) error {
	_, err := actor.Call(c.pid, putReq[K, V]{key, value}, 5*time.Second)
	return err
}

// Get asks the server for key's value: it waits its turn in the mailbox.
func (c *MailboxCache[K, V]) Get(key K) (V, bool) {
	r, err := actor.Call(c.pid, getReq[K]{key}, 5*time.Second)
	if err != nil {
		var zero V
		return zero, false
	}
	g := r.(getReply[V])
	return g.value, g.ok
}

// Stop stops the server.
func (c *MailboxCache[K, V]) Stop() error { return actor.Stop(c.pid, actor.Shutdown, 5*time.Second) }

func (s *mailboxServer[K, V]) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	switch r := req.(type) {
	case putReq[K, V]:
		s.data[r.key] = r.value
		return nil, nil
	case getReq[K]:
		v, ok := s.data[r.key]
		return getReply[V]{v, ok}, nil
	}
	return nil, fmt.Errorf("unknown request %T", req)
}
