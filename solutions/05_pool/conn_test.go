package pool

import (
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// 05.1: a connection process around one go-redis client.

func TestConnPing(t *testing.T) {
	zzVerifyNoLeaks(t)
	srv := zzStartTestRedis(t)
	c := zzStartTestConn(t, srv.Addr())
	if v := zzMustDo(t, c, "PING"); v != "PONG" {
		t.Fatalf("Do(PING) = %#v, want \"PONG\"", v)
	}
	zzWaitServerConns(t, srv, 1, "for one connection process")
}

func TestConnCommands(t *testing.T) {
	zzVerifyNoLeaks(t)
	srv := zzStartTestRedis(t)
	c := zzStartTestConn(t, srv.Addr())
	if v := zzMustDo(t, c, "SET", "greeting", "hello"); v != "OK" {
		t.Fatalf("Do(SET greeting hello) = %#v, want \"OK\"", v)
	}
	if v := zzMustDo(t, c, "GET", "greeting"); v != "hello" {
		t.Fatalf("Do(GET greeting) = %#v, want \"hello\"", v)
	}
	v, err := Do(c, "GET", "missing")
	if err != nil || v != nil {
		t.Fatalf("Do(GET missing) = %#v, %v; want nil, nil: a nil reply is an answer, not an error (go-redis reports it as redis.Nil)", v, err)
	}
	_, err = Do(c, "LPUSH", "greeting", "x")
	if err == nil || !strings.Contains(err.Error(), "WRONGTYPE") {
		t.Fatalf("Do(LPUSH greeting x) on a string key returned error %v, want Redis's WRONGTYPE error", err)
	}
	if !actor.Alive(c) {
		t.Fatalf("the connection process died after Redis answered with an error: an error reply belongs to the caller; return it, do not stop the server")
	}
	if v := zzMustDo(t, c, "GET", "greeting"); v != "hello" {
		t.Fatalf("after an error reply, Do(GET greeting) = %#v, want \"hello\"", v)
	}
}

func TestConnUsesOneConnection(t *testing.T) {
	zzVerifyNoLeaks(t)
	srv := zzStartTestRedis(t)
	seen := zzWatchPeers(srv, "INCR")
	c := zzStartTestConn(t, srv.Addr())
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			if _, err := Do(c, "INCR", "hits"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Do(INCR hits) from 50 goroutines: %v", err)
	}
	if v := zzMustDo(t, c, "GET", "hits"); v != "50" {
		t.Fatalf("after 50 INCRs, GET hits = %#v, want \"50\"", v)
	}
	if n := seen.counts(); len(n) != 1 {
		t.Fatalf("50 concurrent commands reached the server over %s: one connection process must hold exactly one connection (redis.Options{PoolSize: 1})", zzDescribeCounts(n))
	}
}

func TestConnClosesOnStop(t *testing.T) {
	zzVerifyNoLeaks(t)
	srv := zzStartTestRedis(t)
	c := zzStartTestConn(t, srv.Addr())
	zzMustDo(t, c, "PING")
	zzStopTestProc(t, c)
	zzWaitServerConns(t, srv, 0, "after the connection process stopped: close the client when the process exits")
}

func TestConnClosesWhenKilled(t *testing.T) {
	zzVerifyNoLeaks(t)
	srv := zzStartTestRedis(t)
	c := zzStartTestConn(t, srv.Addr())
	zzMustDo(t, c, "PING")
	actor.Exit(c, actor.Kill)
	zzWaitServerConns(t, srv, 0, "after the connection process was killed. Kill skips Terminate, so closing the client there is not enough; tie the client to the process's life: context.AfterFunc(p.Context(), ...) runs however the process exits")
}

func TestConnFailsWithoutServer(t *testing.T) {
	zzVerifyNoLeaks(t)
	addr, accepted := zzNotRedisServer(t)
	start := time.Now()
	c, err := StartConn(addr)
	if err == nil {
		zzStopTestProc(t, c)
		t.Fatalf("StartConn(%s) succeeded though nothing there speaks Redis: connect (PING) in Init, so a connection that cannot reach Redis fails to start and its supervisor knows at once", addr)
	}
	if !c.IsZero() && actor.Alive(c) {
		t.Fatalf("StartConn failed (%v) but its process %v is alive", err, c)
	}
	if errors.Is(err, actor.ErrTimeout) {
		t.Fatalf("StartConn(%s) timed out after %v instead of failing to connect: %v", addr, time.Since(start).Round(time.Millisecond), err)
	}
	if n := accepted.Load(); n != 1 {
		t.Fatalf("StartConn(%s) connected %d times to a server that hangs up, before failing: go-redis retried on its own, which hides a failing Redis from the supervisor and delays the crash. Fail fast with redis.Options{MaxRetries: -1, DialerRetries: 1} and let the supervisor do the retrying", addr, n)
	}
}

// zzNotRedisServer listens on 127.0.0.1 and hangs up on every connection, like a
// Redis that is going down, and counts the connections it accepted. (A port
// where nothing listens would do too, but go-redis then starts a redial
// probe that outlives Close by a second, which goleak would blame on the
// test.)
func zzNotRedisServer(t *testing.T) (addr string, accepted *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	accepted = new(atomic.Int32)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			// Counted before the hang-up: a client sees its attempt fail
			// only once this connection is closed, so when StartConn
			// returns, every attempt it made is counted.
			accepted.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String(), accepted
}
