package concurrency

import "github.com/otpgo/otpgo/internal/actor"

// ParallelEach runs fn(child, item) for every item, each in its own new
// process, and returns once every call has returned (nil), or with the
// error that ended p while it was waiting.
//
// Step 01.1. Build it the Erlang way:
//   - spawn one process per item, all of them first (p.SpawnLink links the
//     child to p, so a crash in fn is not silently lost);
//   - inside the child, call fn with the child's own *actor.Process, then
//     tell the caller it is done with a message (actor.Send to the caller's
//     pid, p.Self(), captured before spawning);
//   - back in p, receive one "done" message per item. Tag the messages with
//     a Ref from actor.MakeRef() and use p.ReceiveMatch, so they can never
//     be confused with anything else in the mailbox.
func ParallelEach[T any](p *actor.Process, items []T, fn func(p *actor.Process, item T)) error {
	panic("TODO(01.1): spawn a process per item that runs fn and reports back; then wait for every report")
}
