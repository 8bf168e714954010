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
		if err != nil {
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
		if err != nil {
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
	lastDone := make(chan struct{})
	var lastStarted atomic.Bool
	ok := zzInProcess(t, 3*time.Second, "ParallelMap hung after one of its items panicked: await with a monitor "+
		"(AwaitOrKillMonitored), so a crash comes back as an error", func(p *actor.Process) {
		_, err := ParallelMap(p, []int{0, 1, 2}, func(tp *actor.Process, i int) int {
			switch i {
			case 1:
				panic(zzErrBoom)
			case 2:
				// Runs until killed: nobody will await it after the crash.
				lastStarted.Store(true)
				defer close(lastDone)
				zzWaitCtx(tp, 2*time.Second)
			}
			return i
		})
		if !errors.Is(err, zzErrBoom) {
			t.Errorf("ParallelMap returned error %v when item 1 panicked, want one wrapping the panic (%v)", err, zzErrBoom)
		}
		// A kill fires the victim's monitors at once: a Down not flushed by
		// then is already in the mailbox, so a zero wait is no gamble.
		zzExpectEmptyMailbox(t, p, 0, "ParallelMap must leave the caller's mailbox as it found it. Each task you "+
			"kill after the crash still has your monitor on it, whose Down arrives when it dies: remove the "+
			"monitor and any Down already delivered with p.Demonitor(ref, true) as you kill it")
	})
	if ok && lastStarted.Load() && !zzWaitChan(lastDone, time.Second) {
		t.Errorf("after item 1 crashed, the task for item 2 was still running 1s later: kill the tasks you " +
			"will no longer await, so their p.Context() is cancelled")
		<-lastDone
	}
}
