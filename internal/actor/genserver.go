package actor

import (
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

type noReply struct{}

// NoReply, returned by HandleCall, means "I will answer later with Reply"
// ({noreply, State} in gen_server).
var NoReply any = noReply{}

// The messages a behaviour's loop understands besides user messages and
// calls (*call, in call.go). They are unexported so HandleInfo never sees
// them.
type (
	castMsg struct{ msg any }
	stopMsg struct{ reason error }
)

// Server is a GenServer callback module. Embed BaseServer to get defaults
// and implement only what you need.
type Server interface {
	// Init runs in the new process before StartServer returns. A non-nil
	// error stops the server and is returned by StartServer.
	Init(p *Process) error
	// HandleCall answers a Call. Return NoReply to answer later with
	// Reply(from, v). A non-nil err stops the server with reason err; the
	// reply, if not nil, is still sent first ({stop, Reason, Reply, State}),
	// otherwise the caller's Call returns an error wrapping err.
	HandleCall(p *Process, req any, from From) (reply any, err error)
	// HandleCast handles a Cast. A non-nil error stops the server.
	HandleCast(p *Process, msg any) error
	// HandleInfo handles any other message: Send, Down, ExitMsg, timers.
	// A non-nil error stops the server.
	HandleInfo(p *Process, msg any) error
	// Terminate runs when the server stops: a handler returned an error or
	// panicked, Stop was called, or (when trapping exits) its parent sent an
	// exit signal. It does not run when the server is killed or dies from
	// an exit signal it does not trap, as in OTP.
	Terminate(p *Process, reason error)
}

// BaseServer gives a Server default callbacks: Init does nothing,
// HandleCall answers with an error, HandleCast and HandleInfo ignore the
// message, Terminate does nothing. Embed it and override what you need.
type BaseServer struct{}

// Init does nothing.
func (BaseServer) Init(p *Process) error { return nil }

// HandleCall replies with an error saying the request is not handled.
func (BaseServer) HandleCall(p *Process, req any, from From) (any, error) {
	return fmt.Errorf("server %v does not handle calls (got %T): implement HandleCall", p.Self(), req), nil
}

// HandleCast ignores msg.
func (BaseServer) HandleCast(p *Process, msg any) error { return nil }

// HandleInfo ignores msg.
func (BaseServer) HandleInfo(p *Process, msg any) error { return nil }

// Terminate does nothing.
func (BaseServer) Terminate(p *Process, reason error) {}

// StartServer starts s in a new process (gen_server:start/3) and returns
// once s.Init has returned. If Init fails, the error is returned and the
// process has exited.
func StartServer(s Server, opts ...StartOption) (PID, error) {
	return start(nil, spawnReq{kind: "server", opts: opts}, func(p *Process, ready chan<- error) error {
		return serve(p, s, ready)
	})
}

// StartLinkServer is StartServer with the server linked to p and p as its
// parent (gen_server:start_link/3). If Init fails, the link is removed
// before the server exits, so p gets the error, not an exit signal.
func (p *Process) StartLinkServer(s Server, opts ...StartOption) (PID, error) {
	return start(p, spawnReq{kind: "server", opts: opts}, func(q *Process, ready chan<- error) error {
		return serve(q, s, ready)
	})
}

// start runs a behaviour's body in a new process and waits until the body
// reports its init result on ready (proc_lib:start_link/3). Servers, state
// machines and supervisors all start this way.
func start(parent *Process, r spawnReq, body func(p *Process, ready chan<- error) error) (PID, error) {
	ready := make(chan error, 1)
	r.behaviour = true
	r.link = parent != nil
	r.parent = parent
	r.f = func(p *Process) error {
		err := body(p, ready)
		select {
		case ready <- err: // the body never got to report (Init panicked)
		default:
		}
		return err
	}
	pid, _ := spawn(r)
	done := pid.p.doneChan()
	var err error
	select {
	case err = <-ready:
	case <-done:
		// Killed during Init, or (a Name clash) never ran it. Or it
		// reported a successful Init and died at once: the report wins.
		select {
		case err = <-ready:
		default:
			err = pid.p.exitReason()
		}
	}
	if err != nil {
		<-done // the process exits right after a failed init
		return PID{}, fmt.Errorf("start %s: %w", r.kind, err)
	}
	return pid, nil
}

// initFailed reports a failed init to the starter, first unlinking from
// the parent so that the starter gets an error instead of an exit signal.
func initFailed(p *Process, ready chan<- error, err error) error {
	p.Unlink(p.Parent())
	ready <- err
	return err
}

// phase is where a behaviour's loop is, for its panic handler.
type phase int

const (
	initializing phase = iota
	running
	terminating
)

// recovered turns a panic in a behaviour's callback into its exit reason,
// as gen_server's try/catch around callbacks does: a panic in Init fails
// the start, a panic in a handler stops the behaviour through Terminate,
// and a panic in Terminate is the exit reason (Terminate runs once).
func recovered(p *Process, at phase, r any, terminate func(reason error)) error {
	reason := &PanicError{Value: r, Stack: string(debug.Stack())}
	switch at {
	case initializing:
		p.Unlink(p.Parent()) // the starter gets the error, not an exit signal
	case running:
		p.setExiting(true)
		terminate(reason)
	}
	return reason
}

// serve runs s as a gen_server: the shared loop with s's callbacks.
func serve(p *Process, s Server, ready chan<- error) error {
	return behave(p, server{s}, ready, nil)
}

// server adapts a Server to the shared loop.
type server struct{ s Server }

func (b server) init(p *Process) error { return b.s.Init(p) }

func (b server) handleCall(p *Process, c *call) error {
	from := From{c}
	reply, err := b.s.HandleCall(p, c.req, from)
	if reply != NoReply && (err == nil || reply != nil) {
		Reply(from, reply)
	}
	return err
}

func (b server) handleCast(p *Process, msg any) error { return b.s.HandleCast(p, msg) }

func (b server) handleInfo(p *Process, msg any) error { return b.s.HandleInfo(p, msg) }

func (b server) terminate(p *Process, reason error) { b.s.Terminate(p, reason) }

// Cast sends msg to the server pid without waiting (gen_server:cast/2).
// It never blocks and never fails, even if pid is dead.
func Cast(pid PID, msg any) { Send(pid, castMsg{msg}) }

// Stop asks the server, state machine or supervisor pid to terminate
// with reason and waits up to timeout for it to exit (gen_server:stop/3).
// A nil reason means Normal. It returns nil once the process has exited
// with reason, NoProc (wrapped) if it was not alive, ErrTimeout if it is
// still running at the deadline, or the exit reason if it exited
// otherwise (Terminate panicked). For a plain process, Stop returns an
// error: use Exit.
func Stop(pid PID, reason error, timeout time.Duration) error {
	s := pid.p
	if s == nil || s.dead.Load() {
		return fmt.Errorf("stop %v: %w", pid, NoProc)
	}
	if !s.behaviour {
		return fmt.Errorf("stop %v: not a server, state machine or supervisor; use Exit to end a plain process", pid)
	}
	if reason == nil {
		reason = Normal
	}
	done := s.doneChan()
	Send(pid, stopMsg{reason})
	var timedOut <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timedOut = t.C
	}
	select {
	case <-done:
	case <-timedOut:
		return fmt.Errorf("stop %v: %w", pid, ErrTimeout)
	}
	if got := s.exitReason(); !errors.Is(got, reason) {
		return fmt.Errorf("stop %v: exited with %w", pid, got)
	}
	return nil
}
