package concurrency

import (
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// SharedState is a value of type S owned by one process, the state loop
// (Elixir's Agent). Other processes never touch the value: they send the
// loop messages, and the loop reads or changes it one message at a time.
type SharedState[S any] struct {
	pid actor.PID
}

// getState asks the loop for its state; the answer is tagged with ref.
type getState struct {
	from actor.PID
	ref  actor.Ref
}

// stateIs is the loop's answer to getState.
type stateIs[S any] struct {
	ref   actor.Ref
	state S
}

// updateState asks the loop to replace its state with fn(state).
type updateState[S any] struct {
	fn func(p *actor.Process, state S) S
}

// StartSharedState starts the state loop holding initial and returns at
// once.
func StartSharedState[S any](initial S) *SharedState[S] {
	pid := actor.Spawn(func(p *actor.Process) error {
		state := initial
		for {
			msg, err := p.Receive(actor.Infinity)
			if err != nil {
				return err // killed or shut down from outside
			}
			switch m := msg.(type) {
			case getState:
				actor.Send(m.from, stateIs[S]{ref: m.ref, state: state})
			case updateState[S]:
				state = m.fn(p, state)
			}
		}
	})
	return &SharedState[S]{pid: pid}
}

// PID returns the state loop's process.
func (s *SharedState[S]) PID() actor.PID { return s.pid }

// Get returns the current state. It waits for the loop's answer in p's
// mailbox while monitoring the loop, so it returns an error instead of
// hanging if the loop is dead or dies first. Messages are ordered, so Get
// sees every Update the same process sent before it.
func (s *SharedState[S]) Get(p *actor.Process) (S, error) {
	ref := p.Monitor(s.pid) // the monitor ref doubles as the request tag
	actor.Send(s.pid, getState{from: p.Self(), ref: ref})
	msg, err := p.ReceiveMatch(func(m any) bool {
		switch m := m.(type) {
		case stateIs[S]:
			return m.ref == ref
		case actor.Down:
			return m.Ref == ref
		}
		return false
	}, actor.Infinity)
	var zero S
	if err != nil {
		p.Demonitor(ref, true)
		return zero, fmt.Errorf("get state from %v: %w", s.pid, err)
	}
	if down, ok := msg.(actor.Down); ok {
		return zero, fmt.Errorf("get state from %v: %w", s.pid, down.Reason)
	}
	p.Demonitor(ref, true)
	return msg.(stateIs[S]).state, nil
}

// Update sends fn to the loop and returns at once (a cast). The loop runs
// fn(loop, state) itself, so fn sees the loop's process as p, and its
// result becomes the new state.
func (s *SharedState[S]) Update(fn func(p *actor.Process, state S) S) {
	actor.Send(s.pid, updateState[S]{fn: fn})
}

// Stop terminates the loop and returns once it is dead, or after 5s.
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
