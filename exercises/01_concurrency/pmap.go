package concurrency

import "github.com/otpgo/otpgo/internal/actor"

// ParallelMap returns fn(child, item) for every item, in input order, each
// computed by a monitored task in its own process. If a call crashes,
// ParallelMap kills the tasks still running and returns the crash as an
// error.
//
// Step 01.4. Build it on 01.3: start a task per item first (so they all run
// at once), then await them one by one in input order. The results land
// in the mailbox in any order; selective receive puts them back in order.
// If one crashes, kill the tasks after it, demonitor each with flush, and
// drop a reply one of them already sent: leave the mailbox as you found it.
func ParallelMap[T, R any](p *actor.Process, items []T, fn func(p *actor.Process, item T) R) ([]R, error) {
	panic("TODO(01.4): start a monitored task per item, then await them in input order")
}
