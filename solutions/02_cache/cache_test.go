package cache

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"go.uber.org/goleak"
)

func TestCachePutGet(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	c, err := Start[string, int]()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, c)
	if pid := c.PID(); pid.IsZero() || !actor.Alive(pid) {
		t.Fatalf("c.PID() is %v, alive=%v: the cache must be a GenServer process (actor.StartServer), "+
			"not a struct with a map and a mutex", pid, actor.Alive(pid))
	}
	if err := c.Put("a", 1); err != nil {
		t.Fatalf("Put(a, 1): %v", err)
	}
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Errorf("Get(a) after Put(a, 1) = (%v, %v), want (1, true): Put must return only once the "+
			"server has stored the value (actor.Call), and Get must find it there", v, ok)
	}
	if err := c.Put("a", 2); err != nil {
		t.Fatalf("Put(a, 2): %v", err)
	}
	if v, ok := c.Get("a"); !ok || v != 2 {
		t.Errorf("Get(a) after Put(a, 2) = (%v, %v), want (2, true): a Put replaces the old value", v, ok)
	}
	got, err := c.Update("a", func(old int, found bool) int {
		if !found {
			return -1
		}
		return old * 10
	})
	if err != nil || got != 20 {
		t.Errorf("Update(a, x10) on 2 = (%v, %v), want (20, nil)", got, err)
	}
	if v, ok := c.Get("a"); !ok || v != 20 {
		t.Errorf("Get(a) after Update = (%v, %v), want (20, true): Update stores fn's result", v, ok)
	}
}

func TestCacheMissingKey(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	c, err := Start[string, string]()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, c)
	if v, ok := c.Get("nope"); ok || v != "" {
		t.Errorf("Get(nope) on an empty cache = (%q, %v), want (\"\", false): Get's reply must say whether the "+
			"key was found (a small struct with the value and a found flag), since a stored zero value is no miss", v, ok)
	}
	if !actor.Alive(c.PID()) {
		t.Fatalf("the server died when Get asked for a missing key: an error returned from HandleCall stops a " +
			"GenServer. A miss is an ordinary reply (found = false); keep the error for a request you do not know")
	}
	got, err := c.Update("new", func(old string, found bool) string {
		if found || old != "" {
			t.Errorf("Update's fn got (%q, %v) for a missing key, want (\"\", false)", old, found)
		}
		return "made"
	})
	if err != nil || got != "made" {
		t.Errorf("Update(new) = (%q, %v), want (\"made\", nil)", got, err)
	}
}

func TestCacheConcurrent(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	zzShared(t, "Two goroutines shared the cache's map. In OTP it has one owner: the server process alone reads "+
		"and writes it, in HandleCall, and Put, Get and Update ask it with actor.Call. (02.3's table lets readers "+
		"in directly, so there every read takes the lock that writes take.)")
	c, err := Start[string, int]()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, c)
	const workers, each = 8, 50
	var (
		inFn    atomic.Int32
		overlap atomic.Bool
	)
	dones := make([]<-chan struct{}, workers)
	for w := range workers {
		dones[w] = zzGoSafe(t, func() {
			for i := range each {
				if err := c.Put(zzKey(w*each+i), w*each+i); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				c.Get(zzKey(i)) // readers and writers at once
				_, err := c.Update("hits", func(old int, _ bool) int {
					if inFn.Add(1) > 1 {
						overlap.Store(true)
					}
					defer inFn.Add(-1)
					return old + 1
				})
				if err != nil {
					t.Errorf("Update: %v", err)
					return
				}
			}
		})
	}
	for _, d := range dones {
		if !zzWaitChan(d, 5*time.Second) {
			t.Fatalf("%d goroutines doing %d Put/Get/Update each were not done after 5s", workers, each)
		}
	}
	for i := range workers * each {
		if v, ok := c.Get(zzKey(i)); !ok || v != i {
			t.Fatalf("after concurrent Puts, Get(%s) = (%v, %v), want (%d, true)", zzKey(i), v, ok, i)
		}
	}
	if overlap.Load() {
		t.Errorf("two Update functions ran at the same time: fn must run inside the server, " +
			"which handles one message at a time")
	}
	if v, _ := c.Get("hits"); v != workers*each {
		t.Errorf("after %d concurrent Update(+1), Get(hits) = %d: updates were lost. Update must run fn "+
			"inside the server (in HandleCall), not Get, change and Put from the caller, and store what fn "+
			"returns; an Update whose call failed (see its error above) counts none", workers*each, v)
	}
}

func TestCacheStop(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	c, err := Start[string, int]()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := c.Put("a", 1); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if actor.Alive(c.PID()) {
		t.Errorf("the server %v is still alive after Stop returned: use actor.Stop, which waits for the exit", c.PID())
	}
	done := zzGoSafe(t, func() {
		if err := c.Put("b", 2); err == nil {
			t.Errorf("Put after Stop returned nil: return the error from actor.Call, so callers learn the cache is gone")
		}
	})
	if !zzWaitChan(done, time.Second) {
		t.Fatalf("Put after Stop hung for 1s: actor.Call with a timeout returns an error for a dead server")
	}
	zzStopWaitsForExit(t)
}

// zzStopWaitsForExit checks that Stop, called while the server is busy in
// an Update, returns only once that Update is done and the server gone.
func zzStopWaitsForExit(t *testing.T) {
	t.Helper()
	c, err := Start[string, int]()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer func() { _ = c.Stop() }() // if the test ends early; after a Stop, an error nobody needs
	entered, release := make(chan struct{}), make(chan struct{})
	var fnDone, stoppedEarly atomic.Bool
	updated := zzGoSafe(t, func() {
		_, _ = c.Update("slow", func(old int, _ bool) int {
			close(entered)
			zzWaitChan(release, 2*time.Second)
			fnDone.Store(true)
			return old + 1
		})
	})
	if !zzWaitChan(entered, time.Second) {
		t.Fatalf("Update's fn did not start within 1s")
	}
	stopped := zzGoSafe(t, func() {
		if err := c.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
		stoppedEarly.Store(!fnDone.Load())
	})
	// Either Stop returned at once (the mistake), or its request waits in
	// the busy server's mailbox.
	zzEventually(time.Second, func() bool {
		select {
		case <-stopped:
			return true
		default:
		}
		info, ok := actor.Info(c.PID())
		return ok && info.MailboxLen > 0
	})
	close(release)
	if !zzWaitChan(stopped, 2*time.Second) {
		t.Fatalf("Stop did not return within 2s of the server finishing its Update")
	}
	<-updated
	if stoppedEarly.Load() {
		t.Errorf("Stop returned while the server was still busy in an Update: Stop must wait for the server to " +
			"exit. Use actor.Stop, which waits for the exit (an exit signal or a cast returns at once)")
	}
}
