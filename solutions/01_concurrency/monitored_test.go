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
		case zzKilledByTest(p):
			return
		case !actor.Alive(p.Self()):
			t.Errorf("the task's crash killed the caller (AwaitOrKillMonitored returned %v): a link carries a crash "+
				"to the caller; a monitor only reports it. Start the task with p.SpawnMonitor, not linked", err)
			return
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
	zzInProcess(t, 3*time.Second, "AwaitOrKillMonitored never returned a ready result", func(p *actor.Process) {
		// A Down for another monitor of p's waits in the mailbox first: it
		// is not the task's, and must stay where it is.
		stranger := p.Monitor(zzDeadPID())
		var ranIn actor.PID
		task := ExecuteAsyncMonitored(p, func(tp *actor.Process) int {
			if tp != nil {
				ranIn = tp.Self()
			}
			return 5
		})
		// Await only once the task's reply and its Down are both queued, so
		// a Down left behind is left every time, not when timing allows.
		zzEventually(time.Second, func() bool {
			info, _ := actor.Info(p.Self())
			return info.MailboxLen >= 3
		})
		got, err := AwaitOrKillMonitored(p, task, time.Second)
		switch {
		case errors.Is(err, actor.NoProc):
			t.Errorf("AwaitOrKillMonitored returned %v, the reason of a Down that was not its task's (another "+
				"monitor's Down was waiting in the mailbox): match only the actor.Down whose Ref is the task's monitor", err)
			return
		case got != 5 || err != nil:
			t.Errorf("AwaitOrKillMonitored on a task returning 5 gave (%v, %v), want (5, nil)", got, err)
			return
		}
		if ranIn == p.Self() || ranIn.IsZero() {
			t.Errorf("fn ran in %v, the caller is %v: the task needs its own process, passed to fn", ranIn, p.Self())
		}
		if _, err := p.ReceiveMatch(func(m any) bool { d, ok := m.(actor.Down); return ok && d.Ref == stranger }, 0); err != nil {
			t.Errorf("AwaitOrKillMonitored removed a Down that was not its task's from the mailbox: match only " +
				"(and flush only) the task's own monitor")
		}
		zzExpectEmptyMailbox(t, p, 0,
			"after the result arrives, remove the monitor with p.Demonitor(ref, true): the task exits right "+
				"after replying, and flush drops the Down it may already have sent")
	})
}

// zzDeadPID returns the pid of a process that has exited, whose monitor
// delivers a Down (reason actor.NoProc) at once.
func zzDeadPID() actor.PID {
	pid := actor.Spawn(func(*actor.Process) error { return nil })
	zzEventually(time.Second, func() bool { return !actor.Alive(pid) })
	return pid
}

func TestMonitoredTimeoutKillsAndFlushes(t *testing.T) {
	zzNoLeaks(t)
	zzInProcess(t, 2*time.Second, "AwaitOrKillMonitored did not return after its 30ms timeout", func(p *actor.Process) {
		caller := p.Self()
		task := ExecuteAsyncMonitored(p, func(tp *actor.Process) int {
			// Until killed, or until the test gave up on the caller: a reply
			// never comes while the test still waits for one.
			zzEventually(10*time.Second, func() bool { return zzWaitCtx(tp, 5*time.Millisecond) || !actor.Alive(caller) })
			return 1
		})
		_, err := AwaitOrKillMonitored(p, task, 30*time.Millisecond)
		if zzKilledByTest(p) {
			return
		}
		if !errors.Is(err, actor.ErrTimeout) {
			t.Errorf("AwaitOrKillMonitored on a task that never finishes returned %v, want an error wrapping actor.ErrTimeout", err)
		}
		// A kill is synchronous: a killed task is dead when actor.Exit returns.
		if actor.Alive(task.PID()) {
			t.Errorf("the task's process was still alive after AwaitOrKillMonitored timed out: kill it with actor.Exit(pid, actor.Kill)")
			actor.Exit(task.PID(), actor.Kill) // end it now: the test has failed already
			return
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
