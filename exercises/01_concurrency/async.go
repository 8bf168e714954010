package concurrency

import (
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// Task is a computation running in its own process, whose result is
// delivered to the process that started it (Elixir's Task).
type Task[T any] struct {
	pid actor.PID
	// TODO(01.2): add what Await needs to recognise this task's reply
	// (a Ref). In 01.3, also the monitor's Ref.
}

// PID returns the task's process.
func (t Task[T]) PID() actor.PID { return t.pid }

// ExecuteAsync starts fn in a new process and returns at once. The result
// is sent to p's mailbox, to be picked up with Await, AwaitTimeout or
// AwaitOrKill. fn gets the task's own process: fn should watch
// p.Context(), which is cancelled if the task is killed.
//
// Step 01.2. Spawn the task with actor.Spawn (not linked: we kill it
// ourselves). In the task: compute v := fn(taskProcess), then send
// {ref, v} to the caller. Go cannot kill a goroutine: a killed task keeps
// running until fn returns, so before sending, check that the task is not
// dead already (its Context().Err() is non-nil once it is killed).
func ExecuteAsync[T any](p *actor.Process, fn func(p *actor.Process) T) Task[T] {
	panic("TODO(01.2): spawn a process that runs fn and sends {ref, result} to the caller")
}

// Await waits, as long as it takes, for t's result in p's mailbox. It
// returns an error only if p itself is terminated while waiting.
//
// Step 01.2: AwaitTimeout with actor.Infinity.
func Await[T any](p *actor.Process, t Task[T]) (T, error) {
	panic("TODO(01.2): wait for this task's reply with no deadline")
}

// AwaitTimeout waits up to d for t's result. After d it returns an error
// wrapping actor.ErrTimeout and leaves the task running.
//
// Step 01.2. p.ReceiveMatch(match, d) picks the first message for which
// match is true: match this task's reply only (its Ref). Its error is
// already actor.ErrTimeout when d passes: wrap it with %w.
func AwaitTimeout[T any](p *actor.Process, t Task[T], d time.Duration) (T, error) {
	panic("TODO(01.2): receive this task's reply (and only it) within d")
}

// AwaitOrKill is AwaitTimeout, but a task still running after d is killed:
// its process is dead when AwaitOrKill returns, and its result does not
// reach p's mailbox (short of one sent in the very instant of the kill: Go
// cannot stop a goroutine at once).
//
// Step 01.2. On timeout: actor.Exit(pid, actor.Kill). The reply may have
// arrived between the timeout and the kill: drop it (ReceiveMatch with
// timeout 0).
func AwaitOrKill[T any](p *actor.Process, t Task[T], d time.Duration) (T, error) {
	panic("TODO(01.2): AwaitTimeout, and kill the task if it timed out")
}
