package pool

import (
	"errors"
	"testing"

	"github.com/otpgo/otpgo/internal/actor"
)

// 05.3: a clean stop.

func TestStopClosesEveryConnection(t *testing.T) {
	zzVerifyNoLeaks(t)
	srv := zzStartTestRedis(t)
	pool, sup := zzStartTestPool(t, srv.Addr(), 3)
	for range 10 {
		zzMustCommand(t, pool, "PING")
	}
	zzWaitServerConns(t, srv, 3, "for a pool of 3")
	pids := zzConnPIDs(t, pool, 3)

	if err := Stop(pool); err != nil {
		t.Fatalf("Stop(%q): %v", pool, err)
	}
	if actor.Alive(sup) {
		t.Fatalf("the pool's supervisor %v is still alive after Stop returned: stop it and wait (actor.Stop)", sup)
	}
	for i, pid := range pids {
		if actor.Alive(pid) {
			t.Fatalf("connection %d (%v) is still alive after Stop returned", i, pid)
		}
	}
	zzWaitServerConns(t, srv, 0, "after Stop: every connection process must close its client when it exits. The supervisor stops its children with an exit signal, and a process that does not trap exits dies without running Terminate; the process's context is cancelled either way")
	if n := Size(pool); n != 0 {
		t.Fatalf("Size(%q) = %d after Stop: remove the pool from the global", pool, n)
	}
	if _, err := zzCommandNoPanic(t, pool, "PING"); !errors.Is(err, ErrNoPool) {
		t.Fatalf("Command on a stopped pool returned %v, want an error wrapping ErrNoPool", err)
	}
	if err := Stop(pool); !errors.Is(err, ErrNoPool) {
		t.Fatalf("Stop on a stopped pool returned %v, want an error wrapping ErrNoPool", err)
	}
}
