package cache

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"go.uber.org/goleak"
)

// zzInBubble runs f under testing/synctest, where time is fake: time.Sleep
// returns as soon as every goroutine of the test is blocked, and the
// clock jumps ahead. A goroutine that never blocks (a busy loop) stops
// the fake clock for good, and so does one that keeps sending itself
// messages; a watchdog outside the bubble turns that hang into a crash
// that says so.
func zzInBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	done := make(chan struct{})
	defer close(done)
	var test atomic.Pointer[string] // the goroutine id of the test's body
	go zzWatchProgress(t.Name(), &test, done)
	synctest.Test(t, func(t *testing.T) {
		id := zzGoroutineID()
		test.Store(&id)
		defer zzCatchTODO(t)
		f(t)
	})
}

// zzStall is how long the processes may go without any message moving
// before the watchdog calls it a busy loop. It measures a stall, not the
// test's length: a slow machine is still making progress.
const zzStall = 3 * time.Second

// zzClockStall is how long the test may wait for the fake clock (in
// time.Sleep or synctest.Wait) before the watchdog calls the clock stuck.
// A fake Sleep returns as soon as the bubble is idle: microseconds, or
// milliseconds on a loaded machine, so a second is plenty.
const zzClockStall = time.Second

// zzWatchProgress panics when, before done is closed, either no process
// has received a message for zzStall (real time), or the test's body (the
// goroutine whose id test holds) has waited for the fake clock (in
// time.Sleep or synctest.Wait) for zzClockStall. A stuck fake clock shows
// as one or the other: the test waits in Sleep or in a Call, and either
// nothing moves at all, or the cache keeps sending itself messages while
// the clock stands still.
func zzWatchProgress(name string, test *atomic.Pointer[string], done <-chan struct{}) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	last, since := zzProgress(), time.Now()
	var asleep time.Time // when the test was first seen waiting for the clock; zero: not waiting
	var stacks []byte
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		if id := test.Load(); id != nil && zzWaitsForClock(*id, &stacks) {
			if asleep.IsZero() {
				asleep = time.Now()
			}
		} else {
			asleep = time.Time{}
		}
		if !asleep.IsZero() && time.Since(asleep) > zzClockStall {
			panic(fmt.Sprintf("%s: the test's time.Sleep (or synctest.Wait) has not returned for %v: "+
				"the test's fake clock is stuck because some goroutine of the cache never blocks. Is eviction "+
				"a busy loop? A tick sent at once (actor.Send) is one too. Schedule one evict message per "+
				"interval with actor.SendAfter and let the server wait for it.", name, zzClockStall))
		}
		if now := zzProgress(); now != last {
			last, since = now, time.Now()
			continue
		}
		if time.Since(since) > zzStall {
			panic(fmt.Sprintf("%s: nothing moved for %v: the test's fake clock is stuck because some goroutine of "+
				"the cache never blocks. Is eviction a busy loop? Schedule one evict message per interval "+
				"with actor.SendAfter and let the server wait for it.", name, zzStall))
		}
	}
}

// zzGoroutineID returns the id of the calling goroutine, as stack traces
// print it.
func zzGoroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)] // "goroutine 18 [running]:\n..."
	fields := strings.Fields(string(buf))
	if len(fields) < 2 {
		return ""
	}
	return fields[1]
}

// zzWaitsForClock reports whether goroutine id is blocked in time.Sleep or
// synctest.Wait; stacks is a buffer reused between calls.
func zzWaitsForClock(id string, stacks *[]byte) bool {
	if len(*stacks) == 0 {
		*stacks = make([]byte, 1<<20)
	}
	all := string((*stacks)[:runtime.Stack(*stacks, true)])
	_, g, ok := strings.Cut(all, "goroutine "+id+" [")
	if !ok {
		return false
	}
	_, top, _ := strings.Cut(g, "\n") // the frame on top of its stack
	return strings.HasPrefix(top, "time.Sleep(") || strings.HasPrefix(top, "internal/synctest.Wait(")
}

// zzProgress sums, over every process, the messages received and the
// processes themselves: it changes whenever any process gets a message.
func zzProgress() [2]uint64 {
	var p [2]uint64
	for _, info := range actor.Processes() {
		p[0] += info.MessagesIn
		p[1]++
	}
	return p
}

func TestTTLExpiredNeverReturned(t *testing.T) {
	defer goleak.VerifyNone(t)
	zzInBubble(t, func(t *testing.T) {
		c, err := Start[string, int](EvictEvery(time.Hour))
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		defer zzStop(t, c)
		if err := c.PutTTL("short", 1, 50*time.Millisecond); err != nil {
			t.Fatalf("PutTTL: %v", err)
		}
		if err := c.PutTTL("long", 2, time.Minute); err != nil {
			t.Fatalf("PutTTL: %v", err)
		}
		if err := c.Put("forever", 3); err != nil {
			t.Fatalf("Put: %v", err)
		}
		time.Sleep(49 * time.Millisecond)
		if v, ok := c.Get("short"); !ok || v != 1 {
			t.Errorf("Get(short) 49ms into its 50ms TTL = (%v, %v), want (1, true)", v, ok)
		}
		time.Sleep(2 * time.Millisecond)
		if v, ok := c.Get("short"); ok {
			t.Errorf("Get(short) returned %v 51ms after PutTTL with a 50ms TTL: an expired value must "+
				"never be returned. Eviction only runs every interval (here 1h), so Get must also check "+
				"the expiry time it stored", v)
		}
		got, err := c.Update("short", func(old int, found bool) int {
			if found {
				t.Errorf("Update(short)'s fn got (%v, true) 51ms after PutTTL with a 50ms TTL: an expired entry "+
					"counts as missing, for Update as for Get, so fn must get (0, false)", old)
			}
			return 7
		})
		if err != nil || got != 7 {
			t.Errorf("Update(short) = (%v, %v), want (7, nil)", got, err)
		}
		time.Sleep(2 * time.Minute)
		if v, ok := c.Get("long"); ok {
			t.Errorf("Get(long) returned %v after its 1m TTL", v)
		}
		if v, ok := c.Get("forever"); !ok || v != 3 {
			t.Errorf("Get(forever) = (%v, %v), want (3, true): Put without a TTL never expires", v, ok)
		}
		if v, ok := c.Get("short"); !ok || v != 7 {
			t.Errorf("Get(short) = (%v, %v) 2m after Update stored 7 in its expired entry, want (7, true): "+
				"what Update stores in place of an expired entry is a new entry, which never expires", v, ok)
		}
	})
}

func TestTTLEvictionFreesMemory(t *testing.T) {
	defer goleak.VerifyNone(t)
	zzInBubble(t, func(t *testing.T) {
		const n = 1000
		c, err := Start[string, int](EvictEvery(100 * time.Millisecond))
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		defer zzStop(t, c)
		for round := 1; round <= 2; round++ {
			for i := range n {
				if err := c.PutTTL(zzKey(i), i, 50*time.Millisecond); err != nil {
					t.Fatalf("PutTTL: %v", err)
				}
			}
			if round == 1 {
				if err := c.Put("forever", 1); err != nil {
					t.Fatalf("Put: %v", err)
				}
			}
			if got := c.Len(); got != n+1 {
				t.Fatalf("Len() = %d after storing %d keys, want %d", got, n+1, n+1)
			}
			time.Sleep(100 * time.Millisecond) // expired, and one eviction tick has passed
			synctest.Wait()                    // let the server finish its sweep
			got := c.Len()
			if got < 1 {
				t.Fatalf("Len() = %d, 50ms after %d keys expired, but \"forever\" has no TTL and must still count: "+
					"the sweep removed it, or Len's call to the server failed (a server stuck in a handler, "+
					"such as a sweep that loops, answers no call)", got, n)
			}
			if got != 1 {
				if round == 1 {
					time.Sleep(DefaultEvictEvery)
					synctest.Wait()
					if c.Len() == 1 {
						t.Fatalf("with EvictEvery(100ms), Len() dropped only after DefaultEvictEvery (%v): "+
							"Start must apply its options to config{evictEvery: DefaultEvictEvery} and give "+
							"the interval to the server", DefaultEvictEvery)
					}
					t.Fatalf("Len() is still %d, 50ms after %d keys expired, with EvictEvery(100ms): "+
						"expired entries are hidden but never removed, so memory is never reclaimed. "+
						"Schedule an evict message with actor.SendAfter in Init, delete expired entries "+
						"in HandleInfo when it arrives", got, n)
				}
				t.Fatalf("Len() is %d: the first sweep ran but the second did not. Schedule the next "+
					"evict message each time one arrives", got)
			}
		}
		if v, ok := c.Get("forever"); !ok || v != 1 {
			t.Errorf("Get(forever) = (%v, %v) after two sweeps: eviction removed an entry with no TTL", v, ok)
		}
	})
}

func TestTTLEvictionIsPeriodic(t *testing.T) {
	defer goleak.VerifyNone(t)
	zzInBubble(t, func(t *testing.T) {
		const n = 100
		c, err := Start[string, int](EvictEvery(time.Hour))
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		defer zzStop(t, c)
		for i := range n {
			if err := c.PutTTL(zzKey(i), i, 50*time.Millisecond); err != nil {
				t.Fatalf("PutTTL: %v", err)
			}
		}
		time.Sleep(30 * time.Second) // before DefaultEvictEvery: an interval left at the default is not blamed here
		synctest.Wait()
		if got := c.Len(); got != n {
			t.Errorf("Len() = %d 30s after %d keys expired, but the eviction interval is 1h: "+
				"entries must be removed by the periodic sweep, not by a timer or goroutine per key", got, n)
		}
		time.Sleep(time.Hour)
		synctest.Wait()
		if got := c.Len(); got != 0 {
			t.Errorf("Len() = %d after the 1h eviction tick: the sweep should have removed all %d expired keys", got, n)
		}
	})
}

func TestTTLOneTimerNotGoroutinePerKey(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	const n = 1000
	c, err := Start[string, int](EvictEvery(time.Hour))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, c)
	before := runtime.NumGoroutine()
	for i := range n {
		if err := c.PutTTL(zzKey(i), i, time.Hour); err != nil {
			t.Fatalf("PutTTL: %v", err)
		}
	}
	if grew := runtime.NumGoroutine() - before; grew > n/10 {
		t.Errorf("%d PutTTL calls started %d goroutines: a goroutine per key costs memory and "+
			"scheduling for every entry. Keep one timer: a periodic evict message (actor.SendAfter)", n, grew)
	}
}
