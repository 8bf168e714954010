package concurrency

import (
	"errors"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

func TestAwaitReturnsResult(t *testing.T) {
	zzNoLeaks(t)
	zzInProcess(t, 2*time.Second, "Await never returned a result that was ready", func(p *actor.Process) {
		var ranIn actor.PID
		task := ExecuteAsync(p, func(tp *actor.Process) int {
			if tp != nil {
				ranIn = tp.Self()
			}
			return 42
		})
		got, err := Await(p, task)
		if err != nil || got != 42 {
			t.Errorf("Await returned (%v, %v), want (42, nil)", got, err)
			return
		}
		switch {
		case ranIn.IsZero():
			t.Errorf("fn got a nil *actor.Process: pass it the task's own process")
		case ranIn == p.Self():
			t.Errorf("fn ran in the caller's process: ExecuteAsync must spawn a new process")
		case ranIn != task.PID():
			t.Errorf("fn ran in %v but task.PID() is %v: the task must remember the process it spawned", ranIn, task.PID())
		}
	})
}

func TestAwaitPicksItsOwnTask(t *testing.T) {
	zzNoLeaks(t)
	zzInProcess(t, 2*time.Second, "Await never returned a result that was ready", func(p *actor.Process) {
		first := ExecuteAsync(p, func(*actor.Process) string { return "first" })
		// Once the first task is dead, its result is already in p's mailbox.
		if !zzEventually(time.Second, func() bool { return !actor.Alive(first.PID()) }) {
			t.Errorf("the first task, which only returns a string, was still alive after 1s")
			return
		}
		second := ExecuteAsync(p, func(*actor.Process) string { return "second" })
		if got, err := Await(p, second); got != "second" || err != nil {
			t.Errorf("Await(second task) returned (%q, %v), want (\"second\", nil): the first task's result was "+
				"already waiting in the mailbox; tag each reply with a Ref (actor.MakeRef) and receive selectively "+
				"with p.ReceiveMatch", got, err)
		}
		if got, err := Await(p, first); got != "first" || err != nil {
			t.Errorf("Await(first task) returned (%q, %v), want (\"first\", nil)", got, err)
		}
	})
}

func TestAwaitTimeout(t *testing.T) {
	zzNoLeaks(t)
	const d = 30 * time.Millisecond
	zzInProcess(t, 2*time.Second, "AwaitTimeout did not return after its 30ms timeout", func(p *actor.Process) {
		fast := ExecuteAsync(p, func(*actor.Process) int { return 1 })
		if got, err := AwaitTimeout(p, fast, time.Second); got != 1 || err != nil {
			t.Errorf("AwaitTimeout on a task that returns at once gave (%v, %v), want (1, nil)", got, err)
		}

		slow := ExecuteAsync(p, func(tp *actor.Process) int {
			zzWaitCtx(tp, 2*time.Second)
			return 2
		})
		start := time.Now()
		got, err := AwaitTimeout(p, slow, d)
		took := time.Since(start)
		switch {
		case err == nil:
			t.Errorf("AwaitTimeout on a task that never finishes returned (%v, nil), want an error wrapping actor.ErrTimeout", got)
		case !errors.Is(err, actor.ErrTimeout):
			t.Errorf("AwaitTimeout returned error %q, want one wrapping actor.ErrTimeout (errors.Is): return what ReceiveMatch gives you, wrapped with %%w", err)
		case took < d:
			t.Errorf("AwaitTimeout gave up after %v, before its %v timeout", took, d)
		case took > time.Second:
			t.Errorf("AwaitTimeout took %v with a %v timeout", took, d)
		}
		if !actor.Alive(slow.PID()) {
			t.Errorf("the task is dead after AwaitTimeout: AwaitTimeout only stops waiting; killing is AwaitOrKill's job")
		}
		actor.Exit(slow.PID(), actor.Kill)
	})
}

func TestAwaitOrKillKillsTheTask(t *testing.T) {
	zzNoLeaks(t)
	const d = 30 * time.Millisecond
	cancelled := make(chan bool, 1)
	ok := zzInProcess(t, 3*time.Second, "AwaitOrKill did not return after its 30ms timeout", func(p *actor.Process) {
		fast := ExecuteAsync(p, func(*actor.Process) int { return 1 })
		if got, err := AwaitOrKill(p, fast, time.Second); got != 1 || err != nil {
			t.Errorf("AwaitOrKill on a task that returns at once gave (%v, %v), want (1, nil)", got, err)
		}

		slow := ExecuteAsync(p, func(tp *actor.Process) int {
			cancelled <- zzWaitCtx(tp, 2*time.Second)
			return 2
		})
		_, err := AwaitOrKill(p, slow, d)
		if !zzCallerSurvived(t, p) {
			return
		}
		if !errors.Is(err, actor.ErrTimeout) {
			t.Errorf("AwaitOrKill on a task that never finishes returned error %v, want one wrapping actor.ErrTimeout", err)
		}
		if !zzEventually(500*time.Millisecond, func() bool { return !actor.Alive(slow.PID()) }) {
			t.Errorf("the task's process was still alive 500ms after AwaitOrKill timed out: kill it with actor.Exit(pid, actor.Kill)")
			actor.Exit(slow.PID(), actor.Kill) // end it now: the test has failed already
		}
	})
	if !ok {
		return
	}
	select {
	case ok := <-cancelled:
		if !ok {
			t.Errorf("the killed task's p.Context() was never cancelled: kill it with actor.Exit(pid, actor.Kill), so its code can stop")
		}
	case <-time.After(3 * time.Second):
		if !t.Failed() {
			t.Errorf("the slow task's fn never ran or never returned")
		}
	}
}

func TestAwaitOrKillLateResultNeverArrives(t *testing.T) {
	zzNoLeaks(t)
	release := make(chan struct{})
	returned := make(chan struct{})
	zzInProcess(t, 2*time.Second, "AwaitOrKill did not return after its 30ms timeout", func(p *actor.Process) {
		// This fn ignores its context, like a slow library call: Go cannot
		// stop it, so it returns its result after the task was killed.
		task := ExecuteAsync(p, func(*actor.Process) int {
			defer close(returned)
			zzWaitChan(release, time.Second)
			return 7
		})
		_, err := AwaitOrKill(p, task, 30*time.Millisecond)
		close(release)
		if !zzCallerSurvived(t, p) {
			return
		}
		if !errors.Is(err, actor.ErrTimeout) {
			t.Errorf("AwaitOrKill on a task that never finishes returned error %v, want one wrapping actor.ErrTimeout", err)
		}
		zzWaitChan(returned, time.Second)
		zzExpectEmptyMailbox(t, p, 50*time.Millisecond,
			"the killed task delivered its result after all. Go cannot stop the task's goroutine, so after fn "+
				"returns the task must check its own p.Context() and stay silent if it was killed")
	})
}

// zzCallerSurvived fails the test if p, which just killed a task with
// AwaitOrKill, is dead too: the kill travelled along a link. The kill and
// the link's signal are synchronous, so a linked caller is dead by now.
func zzCallerSurvived(t *testing.T, p *actor.Process) bool {
	t.Helper()
	if actor.Alive(p.Self()) {
		return true
	}
	t.Errorf("AwaitOrKill killed the caller along with the task: the task is linked to it, and its death " +
		"(reason killed) travels along the link. Spawn the task with actor.Spawn, not linked: AwaitOrKill " +
		"kills it itself when it must")
	return false
}
