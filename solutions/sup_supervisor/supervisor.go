package sup

import (
	"fmt"
	"slices"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// shutdownTimeout is how long Terminate waits for a child to stop before
// killing it (the child spec's shutdown in OTP).
const shutdownTimeout = 5 * time.Second

// ChildSpec says how to start one child. Start is called in the
// supervisor's process and must link the new child to it: start it with
// sup.StartLinkServer or sup.SpawnLink. Start's closure holds the child's
// arguments, so calling it again restarts the child exactly as it was
// first started (Go's {Module, Function, Args}).
type ChildSpec struct {
	ID    string
	Start func(sup *actor.Process) (actor.PID, error)
}

// supervisor is the supervisor's GenServer state: the specs in start
// order, and the pid currently running each of them.
type supervisor struct {
	actor.BaseServer
	specs []ChildSpec
	pids  []actor.PID
}

// Start starts a one_for_one supervisor and its children, in order, and
// returns once all of them are running. If a child fails to start, the
// ones already started are stopped and Start returns the error.
func Start(children []ChildSpec, opts ...actor.StartOption) (actor.PID, error) {
	s := &supervisor{specs: slices.Clone(children)}
	pid, err := actor.StartServer(s, append([]actor.StartOption{actor.Kind("supervisor")}, opts...)...)
	if err != nil {
		return actor.PID{}, fmt.Errorf("start supervisor: %w", err)
	}
	return pid, nil
}

// Stop stops the supervisor, which stops its children first (last started,
// first stopped), and returns once it has exited.
func Stop(sup actor.PID) error {
	if err := actor.Stop(sup, actor.Shutdown, 2*shutdownTimeout); err != nil {
		return fmt.Errorf("stop supervisor: %w", err)
	}
	return nil
}

// Init traps exits, so a child's death arrives as a message instead of
// killing the supervisor, then starts the children in order.
func (s *supervisor) Init(p *actor.Process) error {
	p.TrapExit(true)
	s.pids = make([]actor.PID, len(s.specs))
	for i, spec := range s.specs {
		pid, err := spec.Start(p)
		if err != nil {
			s.stopChildren(p, i)
			return fmt.Errorf("start child %q: %w", spec.ID, err)
		}
		s.pids[i] = pid
	}
	return nil
}

// HandleInfo restarts a child that exited, with its original spec
// (one_for_one: its siblings are left alone).
func (s *supervisor) HandleInfo(p *actor.Process, msg any) error {
	exit, ok := msg.(actor.ExitMsg)
	if !ok {
		return nil
	}
	i := slices.Index(s.pids, exit.From)
	if i < 0 {
		return nil // not one of ours (a stray link)
	}
	pid, err := s.specs[i].Start(p)
	if err != nil {
		// A child that cannot start again takes the supervisor down.
		return fmt.Errorf("restart child %q: %w", s.specs[i].ID, err)
	}
	s.pids[i] = pid
	return nil
}

// Terminate stops every child, last started first.
func (s *supervisor) Terminate(p *actor.Process, reason error) {
	s.stopChildren(p, len(s.pids))
}

// stopChildren stops the first n children in reverse order: an exit
// signal with Shutdown, then wait for the child's exit (it is linked and
// we trap exits, so it arrives as an ExitMsg), then Kill if it takes too
// long.
func (s *supervisor) stopChildren(p *actor.Process, n int) {
	for i := n - 1; i >= 0; i-- {
		pid := s.pids[i]
		if pid.IsZero() {
			continue
		}
		p.Exit(pid, actor.Shutdown)
		fromChild := func(m any) bool { e, ok := m.(actor.ExitMsg); return ok && e.From == pid }
		if _, err := p.ReceiveMatch(fromChild, shutdownTimeout); err != nil {
			actor.Exit(pid, actor.Kill)
			_, _ = p.ReceiveMatch(fromChild, shutdownTimeout)
		}
		s.pids[i] = actor.PID{}
	}
}
