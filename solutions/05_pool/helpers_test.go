package pool

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2/server"
	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/redistest"
	"go.uber.org/goleak"
)

// testWait bounds every wait in these tests.
const testWait = time.Second

// leakHint says what usually leaks in this chapter.
const leakHint = "every go-redis client must be closed however its process ends (Init failing, Stop, Kill): context.AfterFunc(p.Context(), func() { client.Close() }) in Init does it"

// verifyNoLeaks checks that no goroutine is left once the test is over.
// Call it first: cleanups run last-in first-out, so the Redis server and
// every process the helpers started are stopped before the check, even
// when the test fails halfway.
func verifyNoLeaks(t *testing.T) {
	t.Helper()
	// Only this test's leaks: a goroutine leaked by an earlier failing
	// test is that test's failure, not this one's.
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if err := goleak.Find(before); err != nil {
			t.Errorf("goroutines were left running after the test (%s):\n%v", leakHint, err)
		}
	})
}

// startTestRedis starts an embedded Redis, closed when the test ends.
func startTestRedis(t *testing.T) *redistest.Server {
	t.Helper()
	return redistest.Start(t)
}

// peerCounter counts, per client connection as the server sees it, the
// commands named cmd. miniredis has no CLIENT ID; its *server.Peer is the
// connection's identity.
type peerCounter struct {
	mu   sync.Mutex
	seen map[*server.Peer]int
}

func watchPeers(srv *redistest.Server, cmd string) *peerCounter {
	ps := &peerCounter{seen: map[*server.Peer]int{}}
	srv.Miniredis().Server().SetPreHook(func(p *server.Peer, c string, args ...string) bool {
		if strings.EqualFold(c, cmd) {
			ps.mu.Lock()
			ps.seen[p]++
			ps.mu.Unlock()
		}
		return false
	})
	return ps
}

// counts returns how many commands each connection sent, in no order.
func (ps *peerCounter) counts() []int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var n []int
	for _, c := range ps.seen {
		n = append(n, c)
	}
	return n
}

// waitServerConns polls until the server has exactly n client connections, or
// fails with why after a deadline.
func waitServerConns(t *testing.T, srv *redistest.Server, n int, why string) {
	t.Helper()
	deadline := time.Now().Add(testWait)
	for srv.ConnCount() != n {
		if time.Now().After(deadline) {
			t.Fatalf("the server has %d client connections, want %d %s", srv.ConnCount(), n, why)
		}
		time.Sleep(time.Millisecond)
	}
}

// stopTestProc stops a server or supervisor and waits for it to exit.
func stopTestProc(t *testing.T, pid actor.PID) {
	t.Helper()
	if err := actor.Stop(pid, actor.Shutdown, 2*time.Second); err != nil {
		t.Errorf("stopping %v: %v", pid, err)
	}
}

// startTestConn starts a connection process, stopped when the test ends.
func startTestConn(t *testing.T, addr string) actor.PID {
	t.Helper()
	c, err := StartConn(addr)
	if err != nil {
		t.Fatalf("StartConn(%s): %v", addr, err)
	}
	if c.IsZero() {
		t.Fatalf("StartConn(%s) returned the zero PID and no error", addr)
	}
	t.Cleanup(func() {
		if actor.Alive(c) {
			stopTestProc(t, c)
		}
	})
	return c
}

// mustDo runs a command on a connection process and fails on error.
func mustDo(t *testing.T, c actor.PID, args ...any) any {
	t.Helper()
	v, err := Do(c, args...)
	if err != nil {
		t.Fatalf("Do(%v): %v", args, err)
	}
	return v
}

// startTestPool starts a pool named after the test and returns its name
// and its supervisor, stopped when the test ends (with actor.Stop, so the
// tests of 05.2 do not need Stop from 05.3).
func startTestPool(t *testing.T, addr string, size int) (string, actor.PID) {
	t.Helper()
	name := "pool-" + t.Name()
	sup, err := Start(Options{Name: name, Addr: addr, Size: size})
	if err != nil {
		t.Fatalf("Start(%d connections): %v", size, err)
	}
	t.Cleanup(func() {
		if actor.Alive(sup) {
			stopTestProc(t, sup)
		}
	})
	connPIDs(t, name, size) // named, so Command can find them
	return name, sup
}

// mustCommand runs a command through the pool and fails on error.
func mustCommand(t *testing.T, pool string, args ...any) any {
	t.Helper()
	v, err := Command(pool, args...)
	if err != nil {
		t.Fatalf("Command(%q, %v): %v", pool, args, err)
	}
	return v
}

// commandNoPanic runs Command on a pool that is not running, turning a
// panic into a failure that says why.
func commandNoPanic(t *testing.T, pool string, args ...any) (v any, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO(") {
				panic(r) // not written yet: let the TODO speak
			}
			t.Fatalf("Command on pool %q, which is not running, panicked (%v): its Size is 0, and rand.IntN(0) panics. Return an error wrapping ErrNoPool instead", pool, r)
		}
	}()
	return Command(pool, args...)
}

// connPIDs returns the pids registered for the pool's connections, failing
// if one is missing.
func connPIDs(t *testing.T, pool string, size int) []actor.PID {
	t.Helper()
	pids := make([]actor.PID, size)
	for i := range pids {
		pid, ok := actor.WhereIs(ConnName(pool, i))
		if !ok {
			t.Fatalf("no process is registered as %q: register connection %d under ConnName(pool, %d) when it starts (actor.Name), so Command can find it", ConnName(pool, i), i, i)
		}
		pids[i] = pid
	}
	return pids
}

func describeCounts(counts []int) string {
	if len(counts) == 0 {
		return "no connection"
	}
	return fmt.Sprintf("%d connection(s), commands per connection %v", len(counts), counts)
}
