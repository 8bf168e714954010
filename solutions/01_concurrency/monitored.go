package concurrency

import (
	"errors"
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// ExecuteAsyncMonitored is ExecuteAsync with p monitoring the task, so
// AwaitOrKillMonitored learns at once if the task crashes.
func ExecuteAsyncMonitored[T any](p *actor.Process, fn func(p *actor.Process) T) Task[T] {
	// The reply tag must exist before the task runs; the monitor ref only
	// exists once SpawnMonitor returns, so the task cannot use it.
	ref := actor.MakeRef()
	pid, mon := p.SpawnMonitor(taskBody(p.Self(), ref, fn))
	return Task[T]{pid: pid, ref: ref, mon: mon}
}

// AwaitOrKillMonitored waits up to d for the result of a task started with
// ExecuteAsyncMonitored. If the task crashes first, it returns an error
// wrapping the crash reason (a *actor.PanicError for a panic) without
// waiting for d. If d passes, the task is killed and the error wraps
// actor.ErrTimeout. Either way, nothing about the task is left in p's
// mailbox afterwards: no actor.Down, and no reply (short of one sent in
// the very instant of a kill, as with AwaitOrKill).
func AwaitOrKillMonitored[T any](p *actor.Process, t Task[T], d time.Duration) (T, error) {
	var zero T
	msg, err := p.ReceiveMatch(func(m any) bool {
		if down, ok := m.(actor.Down); ok {
			return down.Ref == t.mon
		}
		return t.matchReply(m)
	}, d)
	switch {
	case errors.Is(err, actor.ErrTimeout):
		actor.Exit(t.pid, actor.Kill)
		p.Demonitor(t.mon, true)
		_, _ = p.ReceiveMatch(t.matchReply, 0)
		return zero, fmt.Errorf("task %v: no result after %v, killed: %w", t.pid, d, err)
	case err != nil:
		p.Demonitor(t.mon, true)
		return zero, fmt.Errorf("await task %v: %w", t.pid, err)
	}
	if down, ok := msg.(actor.Down); ok {
		return zero, fmt.Errorf("task %v crashed: %w", t.pid, down.Reason)
	}
	// The task replied; its Down (exit Normal) may already be queued.
	p.Demonitor(t.mon, true)
	return msg.(reply[T]).value, nil
}
