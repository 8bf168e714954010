package concurrency

import "github.com/otpgo/otpgo/internal/actor"

// done tells ParallelEach's caller that one item is finished. The ref ties
// it to one ParallelEach call, so two calls in a row never mix their
// messages.
type done struct{ ref actor.Ref }

// ParallelEach runs fn(child, item) for every item, each in its own new
// process, and returns once every call has returned.
//
// The children are linked to p: if fn panics, the crash reaches p as an
// exit signal, so the caller dies with the child instead of waiting
// forever. ParallelEach then returns the error that ended p.
func ParallelEach[T any](p *actor.Process, items []T, fn func(p *actor.Process, item T)) error {
	ref := actor.MakeRef()
	caller := p.Self()
	for _, item := range items {
		p.SpawnLink(func(child *actor.Process) error {
			fn(child, item)
			actor.Send(caller, done{ref})
			return nil
		})
	}
	mine := func(m any) bool { d, ok := m.(done); return ok && d.ref == ref }
	for range items {
		if _, err := p.ReceiveMatch(mine, actor.Infinity); err != nil {
			return err
		}
	}
	return nil
}
