package pool

import (
	"errors"
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

// zzTestWait bounds every wait in these tests.
const zzTestWait = time.Second

// zzLeakHint says what usually leaks in this chapter.
const zzLeakHint = "every go-redis client must be closed however its process ends (Init failing, Stop, Kill): context.AfterFunc(p.Context(), func() { client.Close() }) in Init does it"

// zzVerifyNoLeaks checks that no goroutine is left once the test is over.
// Call it first: cleanups run last-in first-out, so the Redis server and
// every process the helpers started are stopped before the check, even
// when the test fails halfway.
func zzVerifyNoLeaks(t *testing.T) {
	t.Helper()
	// Only this test's leaks: a goroutine leaked by an earlier failing
	// test is that test's failure, not this one's.
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if err := goleak.Find(before); err != nil {
			t.Errorf("goroutines were left running after the test (%s):\n%v", zzLeakHint, err)
		}
	})
}

// zzStartTestRedis starts an embedded Redis, closed when the test ends.
func zzStartTestRedis(t *testing.T) *redistest.Server {
	t.Helper()
	return redistest.Start(t)
}

// zzPeerCounter counts, per client connection as the server sees it, the
// commands named cmd. miniredis has no CLIENT ID; its *server.Peer is the
// connection's identity.
type zzPeerCounter struct {
	mu   sync.Mutex
	seen map[*server.Peer]int
}

func zzWatchPeers(srv *redistest.Server, cmd string) *zzPeerCounter {
	ps := &zzPeerCounter{seen: map[*server.Peer]int{}}
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
func (ps *zzPeerCounter) counts() []int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var n []int
	for _, c := range ps.seen {
		n = append(n, c)
	}
	return n
}

// zzWaitServerConns polls until the server has exactly n client connections, or
// fails with why after a deadline.
func zzWaitServerConns(t *testing.T, srv *redistest.Server, n int, why string) {
	t.Helper()
	deadline := time.Now().Add(zzTestWait)
	for srv.ConnCount() != n {
		if time.Now().After(deadline) {
			t.Fatalf("the server has %d client connections, want %d %s", srv.ConnCount(), n, why)
		}
		time.Sleep(time.Millisecond)
	}
}

// zzStopTestProc stops a server or supervisor and waits for it to exit.
func zzStopTestProc(t *testing.T, pid actor.PID) {
	t.Helper()
	if err := actor.Stop(pid, actor.Shutdown, 2*time.Second); err != nil {
		t.Errorf("stopping %v: %v", pid, err)
	}
}

// zzStartTestConn starts a connection process, stopped when the test ends.
func zzStartTestConn(t *testing.T, addr string) actor.PID {
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
			zzStopTestProc(t, c)
		}
	})
	return c
}

// zzMustDo runs a command on a connection process and fails on error.
func zzMustDo(t *testing.T, c actor.PID, args ...any) any {
	t.Helper()
	v, err := Do(c, args...)
	if err != nil {
		t.Fatalf("Do(%v): %v", args, err)
	}
	return v
}

// zzStartTestPool starts a pool named after the test and returns its name
// and its supervisor, stopped when the test ends (with actor.Stop, so the
// tests of 05.2 do not need Stop from 05.3).
func zzStartTestPool(t *testing.T, addr string, size int) (string, actor.PID) {
	t.Helper()
	name := "pool-" + t.Name()
	sup, err := Start(Options{Name: name, Addr: addr, Size: size})
	if errors.Is(err, actor.ErrAlreadyRegistered) {
		t.Fatalf("Start(%d connections): %v\nTwo connections of one pool tried to register the same name: each child's Start must register its own ConnName(pool, i). Compute the name inside the loop, in a variable of that iteration, not in one variable the loop keeps changing: the closures run later, when the loop is over", size, err)
	}
	if err != nil {
		t.Fatalf("Start(%d connections): %v", size, err)
	}
	t.Cleanup(func() {
		if actor.Alive(sup) {
			zzStopTestProc(t, sup)
		}
	})
	zzConnPIDs(t, name, size) // named, so Command can find them
	return name, sup
}

// zzMustCommand runs a command through the pool and fails on error.
func zzMustCommand(t *testing.T, pool string, args ...any) any {
	t.Helper()
	v, err := Command(pool, args...)
	if err != nil {
		t.Fatalf("Command(%q, %v): %v", pool, args, err)
	}
	return v
}

// zzCommandNoPanic runs Command on a pool that is not running, turning a
// panic into a failure that says why.
func zzCommandNoPanic(t *testing.T, pool string, args ...any) (v any, err error) {
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

// zzConnPIDs returns the pids registered for the pool's connections, failing
// if one is missing.
func zzConnPIDs(t *testing.T, pool string, size int) []actor.PID {
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

func zzDescribeCounts(counts []int) string {
	if len(counts) == 0 {
		return "no connection"
	}
	return fmt.Sprintf("%d connection(s), commands per connection %v", len(counts), counts)
}

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
