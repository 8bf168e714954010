package concurrency

import (
	"errors"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// zzErrBoom is what the crashing tasks panic with.
var zzErrBoom = errors.New("boom: the task panicked on purpose")

func TestMonitoredCrashGivesReason(t *testing.T) {
	zzNoLeaks(t)
	zzInProcess(t, 3*time.Second, "AwaitOrKillMonitored hung on a crashed task", func(p *actor.Process) {
		task := ExecuteAsyncMonitored(p, func(*actor.Process) int { panic(zzErrBoom) })
		start := time.Now()
		_, err := AwaitOrKillMonitored(p, task, time.Second)
		took := time.Since(start)
		switch {
		case err == nil:
			t.Errorf("AwaitOrKillMonitored on a task that panicked returned no error")
		case errors.Is(err, actor.ErrTimeout) || took >= time.Second:
			t.Errorf("AwaitOrKillMonitored waited %v, its whole timeout, for a task that had crashed at once "+
				"(error %v): monitor the task (p.SpawnMonitor) and also receive its actor.Down", took, err)
		case !errors.Is(err, zzErrBoom):
			t.Errorf("AwaitOrKillMonitored returned %q, which does not carry the crash reason: wrap the "+
				"actor.Down's Reason with %%w", err)
		}
		var pe *actor.PanicError
		if err != nil && errors.Is(err, zzErrBoom) && !errors.As(err, &pe) {
			t.Errorf("the error %q should wrap the *actor.PanicError from the Down, not just the panic value", err)
		}
		zzExpectEmptyMailbox(t, p, 50*time.Millisecond, "nothing of a crashed task should stay behind")
	})
}

func TestMonitoredResultLeavesNoDown(t *testing.T) {
	zzNoLeaks(t)
	zzInProcess(t, 2*time.Second, "AwaitOrKillMonitored never returned a ready result", func(p *actor.Process) {
		var ranIn actor.PID
		task := ExecuteAsyncMonitored(p, func(tp *actor.Process) int {
			if tp != nil {
				ranIn = tp.Self()
			}
			return 5
		})
		if got, err := AwaitOrKillMonitored(p, task, time.Second); got != 5 || err != nil {
			t.Errorf("AwaitOrKillMonitored on a task returning 5 gave (%v, %v), want (5, nil)", got, err)
			return
		}
		if ranIn == p.Self() || ranIn.IsZero() {
			t.Errorf("fn ran in %v, the caller is %v: the task needs its own process, passed to fn", ranIn, p.Self())
		}
		if !zzEventually(time.Second, func() bool { return !actor.Alive(task.PID()) }) {
			t.Errorf("the task was still alive 1s after delivering its result")
		}
		zzExpectEmptyMailbox(t, p, 50*time.Millisecond,
			"after the result arrives, remove the monitor with p.Demonitor(ref, true): the task exits right "+
				"after replying, and flush drops the Down it may already have sent")
	})
}

func TestMonitoredTimeoutKillsAndFlushes(t *testing.T) {
	zzNoLeaks(t)
	zzInProcess(t, 2*time.Second, "AwaitOrKillMonitored did not return after its 30ms timeout", func(p *actor.Process) {
		task := ExecuteAsyncMonitored(p, func(tp *actor.Process) int {
			zzWaitCtx(tp, time.Second)
			return 1
		})
		_, err := AwaitOrKillMonitored(p, task, 30*time.Millisecond)
		if !errors.Is(err, actor.ErrTimeout) {
			t.Errorf("AwaitOrKillMonitored on a task that never finishes returned %v, want an error wrapping actor.ErrTimeout", err)
		}
		if !zzEventually(time.Second, func() bool { return !actor.Alive(task.PID()) }) {
			t.Errorf("the task's process was still alive 1s after the timeout: kill it with actor.Exit(pid, actor.Kill)")
		}
		advice := "killing a monitored task sends you its Down (reason actor.Killed): after the kill, " +
			"call p.Demonitor(ref, true) so it never reaches your mailbox"
		if msg, err := p.Receive(50 * time.Millisecond); err == nil {
			if _, isDown := msg.(actor.Down); !isDown {
				advice = "that is the killed task's result: a task killed while fn ran must not send it " +
					"(check its p.Context() after fn returns)"
			}
			t.Errorf("found a leftover message in the caller's mailbox: %s; %s", zzDescribe(msg), advice)
		}
	})
}
