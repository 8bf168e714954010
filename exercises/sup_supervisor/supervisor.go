package sup

import (
	"fmt"
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

// supervisor is the supervisor's GenServer state.
type supervisor struct {
	actor.BaseServer
	// TODO(sup.1): the specs, in start order, and the pid running each.
	// A slice keeps the order; a map would not.
}

// Start starts a one_for_one supervisor and its children, in order, and
// returns once all of them are running. If a child fails to start, the
// ones already started are stopped and Start returns the error.
//
// Step sup.1. A supervisor is a GenServer: actor.StartServer(&supervisor{...})
// returns after Init, so starting the children in Init makes Start wait
// for them.
func Start(children []ChildSpec, opts ...actor.StartOption) (actor.PID, error) {
	panic("TODO(sup.1): start the supervisor GenServer with its child specs")
}

// Stop stops the supervisor, which stops its children first (last
// started, first stopped), and returns once it has exited. (Given.)
func Stop(sup actor.PID) error {
	if err := actor.Stop(sup, actor.Shutdown, 2*shutdownTimeout); err != nil {
		return fmt.Errorf("stop supervisor: %w", err)
	}
	return nil
}

// Init runs in the supervisor's process before Start returns.
//
// Step sup.1. First p.TrapExit(true): the children are linked to the
// supervisor, and without trapping, a child's crash would kill the
// supervisor too; trapping turns it into an actor.ExitMsg message. Then
// call each spec's Start(p) in order and remember the pids. If one fails,
// stop the children already started and return the error, naming the
// child.
func (s *supervisor) Init(p *actor.Process) error {
	panic("TODO(sup.1): trap exits, then start the children in order")
}

// HandleInfo receives the children's exits as actor.ExitMsg.
//
// Step sup.1. Find which child the ExitMsg comes from (its From pid),
// call that child's Start(p) again, and remember the new pid. Leave the
// other children alone (one_for_one). Ignore anything else.
func (s *supervisor) HandleInfo(p *actor.Process, msg any) error {
	panic("TODO(sup.1): restart the child whose ExitMsg this is")
}

// Terminate runs when the supervisor is stopped.
//
// Step sup.1. Stop the children in reverse order, one at a time: send
// each p.Exit(pid, actor.Shutdown), then wait (p.ReceiveMatch, up to
// shutdownTimeout) for its ExitMsg; if it does not come, actor.Exit(pid,
// actor.Kill).
func (s *supervisor) Terminate(p *actor.Process, reason error) {
	panic("TODO(sup.1): stop the children, last started first")
}
