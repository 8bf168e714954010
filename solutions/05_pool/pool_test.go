package pool

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// 05.2: a supervised pool, found by name, sized by a read-mostly global.

func TestPoolPing(t *testing.T) {
	zzVerifyNoLeaks(t)
	srv := zzStartTestRedis(t)
	pool, sup := zzStartTestPool(t, srv.Addr(), 3)
	if v := zzMustCommand(t, pool, "PING"); v != "PONG" {
		t.Fatalf("Command(PING) = %#v, want \"PONG\"", v)
	}
	if n := Size(pool); n != 3 {
		t.Fatalf("Size(%q) = %d after starting 3 connections: record the size in the global when the pool starts", pool, n)
	}
	pids := zzConnPIDs(t, pool, 3)
	kids, err := actor.WhichChildren(sup)
	if err != nil {
		t.Fatalf("Start must return the pool's supervisor: WhichChildren: %v", err)
	}
	if len(kids) != 3 {
		t.Fatalf("the pool's supervisor has %d children, want 3 connection processes", len(kids))
	}
	for i, k := range kids {
		if k.PID != pids[i] {
			t.Fatalf("the supervisor's child %d is %v, but %q is %v: the supervisor's children must be the registered connections, in order", i, k.PID, ConnName(pool, i), pids[i])
		}
	}
	zzWaitServerConns(t, srv, 3, "for a pool of 3 (one client connection per connection process)")
}

func TestPoolSpreadsOverConnections(t *testing.T) {
	zzVerifyNoLeaks(t)
	srv := zzStartTestRedis(t)
	seen := zzWatchPeers(srv, "INCR")
	pool, _ := zzStartTestPool(t, srv.Addr(), 2)
	for range 200 {
		zzMustCommand(t, pool, "INCR", "hits")
	}
	if v := zzMustCommand(t, pool, "GET", "hits"); v != "200" {
		t.Fatalf("after 200 INCRs through the pool, GET hits = %#v, want \"200\"", v)
	}
	counts := seen.counts()
	switch {
	case len(counts) == 1:
		t.Fatalf("all 200 commands reached the server over one connection, but the pool has 2: Command must pick a connection at random on every call (rand.IntN(Size(pool))), not always the first")
	case len(counts) != 2:
		t.Fatalf("200 commands reached the server over %s, but the pool has 2 connections: each connection process holds one client (PoolSize: 1), and Command uses only the pool's connections", zzDescribeCounts(counts))
	}
	for _, n := range counts {
		// Uniform choice: fewer than 40 of 200 on one side happens with
		// probability below 1e-15.
		if n < 40 {
			t.Fatalf("200 commands were spread %v over the 2 connections: pick one uniformly at random on every call", counts)
		}
	}
}

func TestCommandOnUnknownPool(t *testing.T) {
	zzVerifyNoLeaks(t)
	_, err := zzCommandNoPanic(t, "no-such-pool", "PING")
	if !errors.Is(err, ErrNoPool) {
		t.Fatalf("Command on a pool that was never started returned %v, want an error wrapping ErrNoPool", err)
	}
	if n := Size("no-such-pool"); n != 0 {
		t.Fatalf("Size of a pool that was never started = %d, want 0", n)
	}
}

func TestPoolsAreIndependent(t *testing.T) {
	zzVerifyNoLeaks(t)
	zzOnRace(t, "Start and Size shared the pool sizes: Start wrote them while Size read them from another goroutine, "+
		"and nothing put the two in order. Erlang keeps such a read-mostly value in :persistent_term, which is never "+
		"changed in place: build a new map with the change and swap it in whole through an atomic.Pointer (Store; "+
		"readers Load), so readers see the old map or the new one, never one being written.")
	srv := zzStartTestRedis(t)
	a, _ := zzStartTestPool(t, srv.Addr(), 2)

	for i := range 3 {
		// Pool a's size is read while another pool starts, by a goroutine
		// that does nothing else: no lock, message or I/O orders its read
		// with Start's write, so with -race a size kept in a plain map or
		// variable is reported every time, whichever runs first. (A
		// Command here would not do: its I/O can order the two by luck.)
		read := make(chan int, 1)
		go func() { read <- Size(a) }()
		name := fmt.Sprintf("%s-other-%d", a, i)
		sup, err := Start(Options{Name: name, Addr: srv.Addr(), Size: i + 1})
		n := <-read
		if err != nil {
			t.Fatalf("starting a second pool while the first serves: %v", err)
		}
		t.Cleanup(func() { zzStopTestProc(t, sup) })
		if n != 2 {
			t.Errorf("Size(%q) = %d while another pool started, want 2", a, n)
		}
		if n := Size(name); n != i+1 {
			t.Errorf("Size(%q) = %d, want %d", name, n, i+1)
		}
		if _, err := Command(a, "PING"); err != nil {
			t.Errorf("Command on pool a after another pool started: %v", err)
		}
	}
	if n := Size(a); n != 2 {
		t.Errorf("Size(%q) = %d after other pools started, want 2: each pool has its own entry", a, n)
	}
}

func TestKilledConnectionIsReplaced(t *testing.T) {
	zzVerifyNoLeaks(t)
	srv := zzStartTestRedis(t)
	pool, _ := zzStartTestPool(t, srv.Addr(), 2)
	old := zzConnPIDs(t, pool, 2)
	zzWaitServerConns(t, srv, 2, "for a pool of 2")

	actor.Exit(old[0], actor.Kill)
	deadline := time.Now().Add(zzTestWait)
	for {
		pid, ok := actor.WhereIs(ConnName(pool, 0))
		if ok && pid != old[0] && actor.Alive(pid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v after connection 0 was killed, no new process is registered as %q: the pool's supervisor should restart it (Permanent) under the same name", zzTestWait, ConnName(pool, 0))
		}
		time.Sleep(time.Millisecond)
	}
	if now, _ := actor.WhereIs(ConnName(pool, 1)); now != old[1] {
		t.Fatalf("connection 1 changed from %v to %v when connection 0 was killed: the connections are independent (one_for_one)", old[1], now)
	}
	for i := range 100 {
		if _, err := Command(pool, "INCR", "hits"); err != nil {
			t.Fatalf("command %d after connection 0 was restarted failed: %v. A restarted process has a new pid: look connections up by name (actor.WhereIs) on every call, never keep their pids", i, err)
		}
	}
	zzWaitServerConns(t, srv, 2, "after connection 0 was killed and restarted: the killed process's client must be closed too (05.1)")
}
