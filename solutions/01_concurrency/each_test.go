package concurrency

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

func TestParallelEachVisitsEveryItem(t *testing.T) {
	zzNoLeaks(t)
	const n = 20
	items := make([]int, n)
	for i := range items {
		items[i] = i
	}
	var (
		mu     sync.Mutex
		seen   = map[int]int{}
		pids   = map[actor.PID]int{}
		nilPs  int
		callPs int
	)
	if !zzInProcess(t, 2*time.Second, "ParallelEach never returned", func(p *actor.Process) {
		caller := p.Self()
		err := ParallelEach(p, items, func(child *actor.Process, item int) {
			mu.Lock()
			defer mu.Unlock()
			seen[item]++
			if child == nil {
				nilPs++
				return
			}
			self := child.Self()
			if self == caller {
				callPs++
			}
			pids[self]++
		})
		if err != nil && !zzKilledByTest(p) {
			t.Errorf("ParallelEach returned %v, want nil", err)
		}
	}) {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	var never, twice []int
	for _, item := range items {
		switch c := seen[item]; {
		case c == 0:
			never = append(never, item)
		case c > 1:
			twice = append(twice, item)
		}
	}
	if len(never) > 0 {
		t.Errorf("when ParallelEach returned, fn had not been called for items %v: spawn a process for each "+
			"item, and wait until each one has reported that fn returned", never)
	}
	if len(twice) > 0 {
		t.Errorf("fn was called more than once for items %v, want exactly once each", twice)
	}
	if nilPs > 0 {
		t.Errorf("fn got a nil *actor.Process %d times: pass it the process that runs it (the argument of the actor.Func you spawn)", nilPs)
	}
	if callPs > 0 {
		t.Errorf("fn ran %d times in the caller's process: spawn one process per item", callPs)
	}
	if nilPs == 0 && len(never) == 0 && len(pids) != len(items) {
		t.Errorf("%d calls ran in only %d distinct processes: each item needs its own process", len(items), len(pids))
	}
}

func TestParallelEachRunsConcurrently(t *testing.T) {
	zzNoLeaks(t)
	const n = 8
	b := zzNewBarrier(n, time.Second)
	defer b.cancel()
	if !zzInProcess(t, 3*time.Second, "ParallelEach never returned", func(p *actor.Process) {
		// Every call waits until all n have started.
		err := ParallelEach(p, make([]struct{}, n), func(*actor.Process, struct{}) { b.wait() })
		if err != nil && !zzKilledByTest(p) {
			t.Errorf("ParallelEach returned %v, want nil", err)
		}
	}) {
		return
	}
	// A ParallelEach that returns without waiting is TestParallelEachWaitsForAll's
	// business: here, give its calls until the deadline to meet.
	select {
	case <-b.open:
	case <-b.deadline:
	}
	if !b.opened() {
		t.Errorf("only %d of %d calls were running at the same time after 1s: ParallelEach seems to run fn "+
			"one item after another; spawn a process for every item first, then wait for them", b.together(), n)
	}
}

func TestParallelEachWaitsForAll(t *testing.T) {
	zzNoLeaks(t)
	if !zzHeldReportIsAwaited(t) {
		return
	}
	const n = 20
	b := zzNewBarrier(n, time.Second)
	defer b.cancel()
	var finished atomic.Int32
	var returnedEarly int32
	if !zzInProcess(t, 3*time.Second, "ParallelEach never returned", func(p *actor.Process) {
		err := ParallelEach(p, make([]struct{}, n), func(*actor.Process, struct{}) {
			b.wait()
			finished.Add(1)
		})
		returnedEarly = n - finished.Load()
		if err != nil && !zzKilledByTest(p) {
			t.Errorf("ParallelEach returned %v, want nil", err)
		}
	}) {
		return
	}
	if returnedEarly > 0 {
		t.Errorf("ParallelEach returned while %d of %d calls were still running: wait until every "+
			"process has reported back (a message per item, received by the caller) before returning", returnedEarly, n)
	}
	// Let late calls finish before goleak looks.
	zzEventually(2*time.Second, func() bool { return finished.Load() == b.arrived.Load() })
}

// zzHeldReportIsAwaited runs ParallelEach on 4 items, with a message that
// is not a report already in the caller's mailbox, and holds item 0's call
// until every goroutine is blocked (testing/synctest: no luck in timing).
// ParallelEach must then still be waiting, and must leave the foreign
// message where it was. It reports whether the checks passed.
func zzHeldReportIsAwaited(t *testing.T) bool {
	t.Helper()
	const n = 4
	ok := true
	zzBubble(t, func(t *testing.T) {
		release := make(chan struct{})
		returned := make(chan struct{})
		finished := make(chan struct{})
		type foreign struct{ note string }
		var killed atomic.Bool // by the test, below: then what ParallelEach returns says nothing
		pid := actor.Spawn(func(p *actor.Process) error {
			defer close(finished)
			defer zzCatchPanic(t)
			actor.Send(p.Self(), foreign{"not a report"})
			err := ParallelEach(p, []int{0, 1, 2, 3}, func(_ *actor.Process, i int) {
				if i == 0 {
					<-release
				}
			})
			close(returned)
			if killed.Load() {
				return nil
			}
			if err != nil {
				t.Errorf("ParallelEach returned %v, want nil", err)
			}
			if msg, err := p.Receive(0); err != nil {
				ok = false
				t.Errorf("ParallelEach took a message that was not one of its reports (a %T was waiting in the "+
					"caller's mailbox before the call): tag each report with a Ref (actor.MakeRef) and receive only "+
					"those, with p.ReceiveMatch", foreign{})
			} else if _, is := msg.(foreign); !is {
				ok = false
				t.Errorf("ParallelEach left %s in the caller's mailbox", zzDescribe(msg))
			}
			return nil
		})
		synctest.Wait() // every call but item 0's has reported; item 0 is held
		select {
		case <-returned:
			ok = false
			t.Errorf("ParallelEach returned while 1 of %d calls was still running: each child must report once fn "+
				"has returned, and ParallelEach must receive one report per item, each tagged with its call's Ref so "+
				"that no other message in the mailbox counts as one", n)
		default:
		}
		close(release)
		select {
		case <-finished:
		case <-time.After(time.Second): // fake time: passes only once everything is blocked
			ok = false
			t.Errorf("ParallelEach never returned, although every call had returned: each child must send its " +
				"report to the caller's pid (p.Self(), captured before spawning), not to itself, and ParallelEach " +
				"must wait for one report per item, no more")
			killed.Store(true)
			actor.Exit(pid, actor.Kill)
			<-finished
		}
	})
	return ok && !t.Failed()
}

func TestParallelEachCrashReachesCaller(t *testing.T) {
	zzNoLeaks(t)
	zzBubble(t, func(t *testing.T) {
		finished := make(chan struct{})
		var got error
		pid := actor.Spawn(func(p *actor.Process) error {
			defer close(finished)
			defer zzCatchPanic(t)
			got = ParallelEach(p, []int{0, 1, 2}, func(_ *actor.Process, i int) {
				if i == 1 {
					panic(zzErrBoom)
				}
			})
			return got
		})
		select {
		case <-finished:
		case <-time.After(time.Second): // fake time: passes only once everything is blocked
			t.Errorf("ParallelEach waited forever after fn panicked for one item: its report never comes. Spawn " +
				"the children with p.SpawnLink, so that a crash in fn ends the caller too, and ParallelEach returns " +
				"the error that ended it")
			actor.Exit(pid, actor.Kill)
			<-finished
			return
		}
		if !errors.Is(got, zzErrBoom) {
			t.Errorf("ParallelEach returned %v after fn panicked for one item, want the crash that ended the "+
				"caller (wrapping %q): return the error Receive gives you", got, zzErrBoom)
		}
	})
}
