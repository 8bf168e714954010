package actor

import "time"

// From identifies a caller waiting in Call: the caller's pid (zero when
// the caller is not a process) and its private reply channel. Pass it to
// Reply, now or later, to answer the call ({Pid, Tag} in gen_server).
type From struct {
	pid PID
	ch  chan any
}

// PID returns the caller's pid, or the zero PID if Call was made from
// outside any process (a test, main).
func (f From) PID() PID { return f.pid }

type noReply struct{}

// NoReply, returned by HandleCall, means "I will answer later with Reply"
// ({noreply, State} in gen_server).
var NoReply any = noReply{}

// Reply answers the call identified by from (gen_server:reply/2). It never
// blocks. Only the first reply counts; a reply to a caller that gave up
// (timed out) is dropped.
func Reply(from From, v any) { panic(notYet) }

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
func (BaseServer) HandleCall(p *Process, req any, from From) (any, error) { panic(notYet) }

// HandleCast ignores msg.
func (BaseServer) HandleCast(p *Process, msg any) error { return nil }

// HandleInfo ignores msg.
func (BaseServer) HandleInfo(p *Process, msg any) error { return nil }

// Terminate does nothing.
func (BaseServer) Terminate(p *Process, reason error) {}

// StartServer starts s in a new process (gen_server:start/3) and returns
// once s.Init has returned. If Init fails, the error is returned and the
// process has exited.
func StartServer(s Server, opts ...StartOption) (PID, error) { panic(notYet) }

// StartLinkServer is StartServer with the server linked to p and p as its
// parent (gen_server:start_link/3).
func (p *Process) StartLinkServer(s Server, opts ...StartOption) (PID, error) { panic(notYet) }

// Call sends req to the server pid and waits up to timeout for the reply
// (gen_server:call/3). It works from any goroutine, process or not. It
// returns ErrTimeout when the deadline passes (a late reply is dropped,
// never left in a mailbox), and an error wrapping NoProc, and the server's
// exit reason if it had one, when the server is dead or dies before
// replying: Call never hangs on a dead server.
func Call(pid PID, req any, timeout time.Duration) (any, error) { panic(notYet) }

// Cast sends msg to the server pid without waiting (gen_server:cast/2).
// It never blocks and never fails, even if pid is dead.
func Cast(pid PID, msg any) { panic(notYet) }

// Stop asks the server, state machine or supervisor pid to terminate
// with reason and waits up to timeout for it to exit (gen_server:stop/3).
// It returns nil once the process has exited with reason, NoProc
// (wrapped) if it was not alive, ErrTimeout if it is still running at the
// deadline, or the exit reason if it exited otherwise (Terminate
// panicked). For a plain process, Stop returns an error: use Exit.
func Stop(pid PID, reason error, timeout time.Duration) error { panic(notYet) }
