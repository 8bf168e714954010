package concurrency

import (
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// SharedState is a value of type S owned by one process, the state loop
// (Elixir's Agent). Other processes never touch the value: they send the
// loop messages, and the loop reads or changes it one message at a time.
type SharedState[S any] struct {
	pid actor.PID
}

// StartSharedState starts the state loop holding initial and returns at
// once.
//
// Step 01.5. actor.Spawn a process whose function is a loop: keep the
// state in a local variable, p.Receive(actor.Infinity) a message, act on
// it, loop. Define one small message type per request (a "get" carrying
// the asker's pid and a Ref; an "update" carrying fn). When Receive
// returns an error the process was stopped: return that error.
func StartSharedState[S any](initial S) *SharedState[S] {
	panic("TODO(01.5): spawn the state loop: receive, handle get/update, loop")
}

// PID returns the state loop's process.
func (s *SharedState[S]) PID() actor.PID { return s.pid }

// Get returns the current state. It waits for the loop's answer in p's
// mailbox while monitoring the loop, so it returns an error instead of
// hanging if the loop is dead or dies first. Messages are ordered, so Get
// sees every Update the same process sent before it.
//
// Step 01.5. Monitor the loop (the monitor's Ref can tag the request),
// send it a "get" with p.Self(), then ReceiveMatch the answer or the
// loop's actor.Down. Demonitor with flush before returning.
func (s *SharedState[S]) Get(p *actor.Process) (S, error) {
	panic("TODO(01.5): ask the loop for its state and wait for the answer (or its Down)")
}

// Update sends fn to the loop and returns at once (a cast). The loop runs
// fn(loop, state) itself, so fn sees the loop's process as p, and its
// result becomes the new state.
//
// Step 01.5. Send the loop an "update" message carrying fn; do not wait.
func (s *SharedState[S]) Update(fn func(p *actor.Process, state S) S) {
	panic("TODO(01.5): send fn to the loop, which runs it on its state")
}

// Stop terminates the loop and returns once it is dead, or after 5s.
// (Given: it only needs the pid.)
func (s *SharedState[S]) Stop() {
	_ = actor.Run(func(p *actor.Process) error {
		ref := p.Monitor(s.pid)
		actor.Exit(s.pid, actor.Shutdown)
		_, err := p.ReceiveMatch(func(m any) bool {
			d, ok := m.(actor.Down)
			return ok && d.Ref == ref
		}, 5*time.Second)
		return err
	})
}
