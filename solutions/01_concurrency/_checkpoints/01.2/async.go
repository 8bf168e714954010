package concurrency

import (
	"errors"
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// Task is a computation running in its own process, whose result is
// delivered to the process that started it (Elixir's Task).
type Task[T any] struct {
	pid actor.PID
	ref actor.Ref // tags the reply, so Await picks this task's result only
	// 01.3: also the monitor's Ref.
}

// PID returns the task's process.
func (t Task[T]) PID() actor.PID { return t.pid }

// reply carries a task's result to its caller.
type reply[T any] struct {
	ref   actor.Ref
	value T
}

// taskBody is what runs in a task's process: fn, then one reply to caller.
func taskBody[T any](caller actor.PID, ref actor.Ref, fn func(p *actor.Process) T) actor.Func {
	return func(p *actor.Process) error {
		v := fn(p)
		// Go cannot kill a goroutine: a killed task keeps running until fn
		// returns. Its process is dead by then, and a dead process must not
		// speak, so the late result is dropped here.
		if p.Context().Err() != nil {
			return nil
		}
		actor.Send(caller, reply[T]{ref: ref, value: v})
		return nil
	}
}

// ExecuteAsync starts fn in a new process and returns at once. The result
// is sent to p's mailbox, to be picked up with Await, AwaitTimeout or
// AwaitOrKill. fn should watch p.Context(): it is cancelled if the task is
// killed.
func ExecuteAsync[T any](p *actor.Process, fn func(p *actor.Process) T) Task[T] {
	ref := actor.MakeRef()
	pid := actor.Spawn(taskBody(p.Self(), ref, fn))
	return Task[T]{pid: pid, ref: ref}
}

// matchReply selects t's reply in a mailbox.
func (t Task[T]) matchReply(m any) bool {
	r, ok := m.(reply[T])
	return ok && r.ref == t.ref
}

// Await waits, as long as it takes, for t's result in p's mailbox. It
// returns an error only if p itself is terminated while waiting.
func Await[T any](p *actor.Process, t Task[T]) (T, error) {
	return AwaitTimeout(p, t, actor.Infinity)
}

// AwaitTimeout waits up to d for t's result. After d it returns an error
// wrapping actor.ErrTimeout and leaves the task running.
func AwaitTimeout[T any](p *actor.Process, t Task[T], d time.Duration) (T, error) {
	msg, err := p.ReceiveMatch(t.matchReply, d)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("await task %v: %w", t.pid, err)
	}
	return msg.(reply[T]).value, nil
}

// AwaitOrKill is AwaitTimeout, but a task still running after d is killed:
// its process is dead when AwaitOrKill returns, and its result does not
// reach p's mailbox (short of one sent in the very instant of the kill: Go
// cannot stop a goroutine at once).
func AwaitOrKill[T any](p *actor.Process, t Task[T], d time.Duration) (T, error) {
	v, err := AwaitTimeout(p, t, d)
	if errors.Is(err, actor.ErrTimeout) {
		actor.Exit(t.pid, actor.Kill)
		// The reply may have landed between the timeout and the kill.
		_, _ = p.ReceiveMatch(t.matchReply, 0)
	}
	return v, err
}
