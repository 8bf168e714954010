package concurrency

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

func TestParallelMapKeepsInputOrder(t *testing.T) {
	zzNoLeaks(t)
	const n = 10
	items := make([]int, n)
	want := make([]int, n)
	finished := make([]chan struct{}, n+1)
	deadline, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for i := range items {
		items[i], want[i] = i, i*i
		finished[i] = make(chan struct{})
	}
	finished[n] = make(chan struct{})
	close(finished[n])
	zzInProcess(t, 3*time.Second, "ParallelMap never returned", func(p *actor.Process) {
		// Item i finishes only after item i+1: the tasks end in reverse
		// order, so results must be put back in input order.
		got, err := ParallelMap(p, items, func(_ *actor.Process, i int) int {
			defer close(finished[i])
			select { // a deadline shared by all: a sequential ParallelMap is slow, not stuck
			case <-finished[i+1]:
			case <-deadline.Done():
			}
			return i * i
		})
		if err != nil && !zzKilledByTest(p) {
			t.Errorf("ParallelMap returned error %v, want nil", err)
			return
		}
		if !slices.Equal(got, want) {
			t.Errorf("ParallelMap returned %v, want %v: results must come back in input order, "+
				"whatever order the tasks finish in (await the tasks in input order)", got, want)
		}
	})
}

func TestParallelMapOneProcessPerItem(t *testing.T) {
	zzNoLeaks(t)
	const n = 8
	b := zzNewBarrier(n, time.Second)
	defer b.cancel()
	var (
		mu   sync.Mutex
		pids = map[actor.PID]bool{}
	)
	ok := zzInProcess(t, 3*time.Second, "ParallelMap never returned", func(p *actor.Process) {
		got, err := ParallelMap(p, make([]int, n), func(tp *actor.Process, _ int) bool {
			if tp != nil {
				mu.Lock()
				pids[tp.Self()] = true
				mu.Unlock()
			}
			return b.wait()
		})
		if err != nil && !zzKilledByTest(p) {
			t.Errorf("ParallelMap returned error %v, want nil", err)
		}
		if len(got) != n {
			t.Errorf("ParallelMap returned %d results for %d items", len(got), n)
		}
		mu.Lock()
		defer mu.Unlock()
		if pids[p.Self()] {
			t.Errorf("fn ran in the caller's process: start a task (ExecuteAsync) per item")
		}
		if len(pids) != n {
			t.Errorf("%d items ran in %d distinct processes: each item needs its own task", n, len(pids))
		}
	})
	if ok && !b.opened() {
		t.Errorf("only %d of %d calls ran at the same time: start every task first, then await them in order", b.together(), n)
	}
}

func TestParallelMapCrash(t *testing.T) {
	zzNoLeaks(t)
	// In a synctest bubble: a hang fails at once, when every goroutine is
	// blocked, instead of after the limit's real time.
	zzBubble(t, func(t *testing.T) {
		var (
			lastStarted = make(chan struct{}) // item 2's task is running
			lastDone    = make(chan struct{}) // item 2's fn has returned
			quickPID    atomic.Value          // item 3's process, which returns at once
			lastPID     atomic.Value          // item 2's process
		)
		until := time.Now().Add(time.Second) // item 1's waits share it: a sequential ParallelMap is slow, not stuck
		deadline, cancel := context.WithDeadline(context.Background(), until)
		defer cancel()
		ok := zzInProcess(t, 2*time.Second, "ParallelMap hung after one of its items panicked: await with a monitor "+
			"(AwaitOrKillMonitored), so a crash comes back as an error", func(p *actor.Process) {
			_, err := ParallelMap(p, []int{0, 1, 2, 3}, func(tp *actor.Process, i int) int {
				switch i {
				case 1:
					// Crash only once item 2 runs and item 3 has returned and
					// replied (its process is dead): the crash then always
					// finds one task to kill and one reply to drop.
					select {
					case <-lastStarted:
					case <-deadline.Done():
					}
					zzEventually(time.Until(until), func() bool {
						pid, known := quickPID.Load().(actor.PID)
						return known && !actor.Alive(pid)
					})
					panic(zzErrBoom)
				case 2:
					// Runs until killed: nobody will await it after the crash.
					lastPID.Store(tp.Self())
					close(lastStarted)
					defer close(lastDone)
					zzWaitCtx(tp, 2*time.Second)
				case 3:
					quickPID.Store(tp.Self())
				}
				return i
			})
			if p.Context().Err() != nil {
				return // killed by zzInProcess, whose message says why
			}
			if !errors.Is(err, zzErrBoom) {
				t.Errorf("ParallelMap returned error %v when item 1 panicked, want one wrapping the panic (%v)", err, zzErrBoom)
			}
			// A kill fires the victim's monitors at once, and item 3 had
			// replied before the crash: what is left is in the mailbox by now,
			// so a zero wait is no gamble.
			if msg, err := p.Receive(0); err == nil {
				advice := "each task you kill after the crash still has your monitor on it, whose Down arrives " +
					"when it dies: remove the monitor and any Down already delivered with p.Demonitor(ref, true) " +
					"as you kill it"
				if _, isDown := msg.(actor.Down); !isDown {
					advice = "that is the result of a task that finished before the crash, which nobody will " +
						"await: as you kill each remaining task, also drop a reply it already sent (p.ReceiveMatch " +
						"matching its reply, timeout 0)"
				}
				t.Errorf("found a leftover message in the caller's mailbox: %s; ParallelMap must leave the caller's "+
					"mailbox as it found it: %s", zzDescribe(msg), advice)
			}
		})
		if !ok {
			return
		}
		select {
		case <-lastStarted:
		default:
			return // item 2 never started: nothing to stop
		}
		if !zzWaitChan(lastDone, time.Second) {
			t.Errorf("after item 1 crashed, the task for item 2 was still running 1s later: kill the tasks you " +
				"will no longer await, so their p.Context() is cancelled")
			actor.Exit(lastPID.Load().(actor.PID), actor.Kill) // end it now: the test has failed already
			if !zzWaitChan(lastDone, time.Second) {
				t.Errorf("the task for item 2 ignored its cancelled context for 1s")
			}
		}
	})
}
