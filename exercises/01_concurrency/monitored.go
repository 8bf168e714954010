package concurrency

import (
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// ExecuteAsyncMonitored is ExecuteAsync with p monitoring the task, so
// AwaitOrKillMonitored learns at once if the task crashes.
//
// Step 01.3. p.SpawnMonitor starts the process and the monitor in one go
// (a monitor set after Spawn could miss a task that already died). Keep
// the monitor's Ref in the Task. The task cannot use that Ref as its reply
// tag: it only exists once SpawnMonitor has returned, when the task may
// already be running.
func ExecuteAsyncMonitored[T any](p *actor.Process, fn func(p *actor.Process) T) Task[T] {
	panic("TODO(01.3): like ExecuteAsync, but spawn with p.SpawnMonitor and keep the monitor's Ref")
}

// AwaitOrKillMonitored waits up to d for the result of a task started with
// ExecuteAsyncMonitored. If the task crashes first, it returns an error
// wrapping the crash reason (a *actor.PanicError for a panic) without
// waiting for d. If d passes, the task is killed and the error wraps
// actor.ErrTimeout. Either way, nothing about the task is left in p's
// mailbox afterwards: no actor.Down, and no reply (short of one sent in
// the very instant of a kill, as with AwaitOrKill).
//
// Step 01.3. Receive either the task's reply or an actor.Down whose Ref is
// the task's monitor. Reply: the task exits right after replying, so its
// Down (reason Normal) may already be queued: p.Demonitor(ref, true)
// removes the monitor and flushes that Down. Down: return its Reason,
// wrapped. Timeout: kill, demonitor with flush, drop a late reply.
func AwaitOrKillMonitored[T any](p *actor.Process, t Task[T], d time.Duration) (T, error) {
	panic("TODO(01.3): receive the reply or the task's Down; leave no Down or reply behind")
}
