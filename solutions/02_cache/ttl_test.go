package cache

import (
	"fmt"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"go.uber.org/goleak"
)

// zzInBubble runs f under testing/synctest, where time is fake: time.Sleep
// returns as soon as every goroutine of the test is blocked, and the
// clock jumps ahead. A goroutine that never blocks (a busy loop) stops
// the fake clock for good; a watchdog outside the bubble turns that hang
// into a crash that says so.
func zzInBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	done := make(chan struct{})
	defer close(done)
	go zzWatchProgress(t.Name(), done)
	synctest.Test(t, func(t *testing.T) {
		defer zzCatchTODO(t)
		f(t)
	})
}

// zzStall is how long the processes may go without any message moving
// before the watchdog calls it a busy loop. It measures a stall, not the
// test's length: a slow machine is still making progress.
const zzStall = 3 * time.Second

// zzWatchProgress panics when no process has received a message for
// zzStall (real time) before done is closed. A stuck fake clock shows as
// exactly that: the test waits in Sleep or in a Call, the cache never
// answers or ticks, and nothing moves.
func zzWatchProgress(name string, done <-chan struct{}) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	last, since := zzProgress(), time.Now()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
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
		time.Sleep(2 * time.Minute)
		if v, ok := c.Get("long"); ok {
			t.Errorf("Get(long) returned %v after its 1m TTL", v)
		}
		if v, ok := c.Get("forever"); !ok || v != 3 {
			t.Errorf("Get(forever) = (%v, %v), want (3, true): Put without a TTL never expires", v, ok)
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
			if got := c.Len(); got != 1 {
				if round == 1 {
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
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := c.Len(); got != n {
			t.Errorf("Len() = %d a minute after %d keys expired, but the eviction interval is 1h: "+
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
