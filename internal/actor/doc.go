// Package actor is otpgo's OTP runtime: Erlang's processes, mailboxes,
// monitors, links, registry and timers, and the three OTP behaviours
// gen_server, supervisor and gen_statem, written in plain Go so that a
// learner can read it in an afternoon and recognise the Erlang originals.
//
// # Processes
//
// A process is an ordinary function running on its own goroutine:
//
//	pid := actor.Spawn(func(p *actor.Process) error {
//		msg, err := p.Receive(actor.Infinity)
//		if err != nil {
//			return err
//		}
//		fmt.Println("got", msg)
//		return nil // exit reason Normal
//	})
//	actor.Send(pid, "hello")
//
// The function's return value is the exit reason (nil means Normal); a
// panic becomes a *PanicError exit reason and never crashes the program.
// Each process has an unbounded FIFO mailbox: Send never blocks, messages
// from one sender arrive in order, and ReceiveMatch is Erlang's selective
// receive (non-matching messages stay where they are). Run spawns a
// process and waits for it: tests and main use it to get a *Process.
//
// # OTP in Go
//
//	Erlang/OTP                          this package
//	---------------------------------   -----------------------------------------
//	spawn/1, spawn_link/1, spawn_monitor Spawn, Process.SpawnLink, Process.SpawnMonitor
//	self(), Pid ! Msg                   Process.Self, Send
//	receive ... after T -> ... end      Process.Receive(T), Process.ReceiveMatch(match, T)
//	make_ref()                          MakeRef
//	erlang:monitor/2, demonitor/2       Process.Monitor, Process.Demonitor
//	{'DOWN', Ref, process, Pid, Reason} Down{Ref, PID, Reason}
//	link/1, unlink/1                    Process.Link, Process.Unlink
//	process_flag(trap_exit, true)       Process.TrapExit(true)
//	{'EXIT', From, Reason}              ExitMsg{From, Reason}
//	exit(Pid, Reason)                   Exit(pid, reason), Process.Exit (carries the sender)
//	normal, shutdown, kill, killed      Normal, Shutdown, Kill, Killed
//	noproc, timeout                     NoProc, ErrTimeout
//	is_process_alive/1                  Alive
//	register/2, whereis/1, unregister/1 Register, WhereIs, Unregister
//	erlang:send_after/3, cancel_timer/1 SendAfter, Timer.Cancel
//	gen_server callback module          Server (embed BaseServer for defaults)
//	gen_server:start/start_link         StartServer, Process.StartLinkServer (option Name)
//	gen_server:call/cast/reply/stop     Call (or Process.Call), Cast, Reply, Stop
//	{noreply, State} from handle_call   return NoReply, answer later with Reply(from, v)
//	supervisor:start_link/2, init/1     StartSupervisor, Process.StartLinkSupervisor, SupervisorSpec
//	child_spec(), restart, shutdown     ChildSpec, Permanent/Transient/Temporary, BrutalKill/Timeout(d)
//	one_for_one, one_for_all, rest_for_one  OneForOne, OneForAll, RestForOne (Strategy functions)
//	intensity, period                   SupervisorSpec.MaxRestarts (a *int), SupervisorSpec.Within
//	max_restarts: 0                     MaxRestarts: new(0)
//	exit reason of a supervisor that    Shutdown (it also matches ErrMaxRestarts)
//	  reached its restart intensity
//	start_child, terminate_child, ...   StartChild, TerminateChild, RestartChild, DeleteChild
//	which_children, count_children      WhichChildren, CountChildren
//	gen_statem (state_functions)        StateMachine, StateFunc, StartStateMachine
//	{next_state, S, D, Actions}         NextState(s, actions...), KeepState(actions...)
//	reply, postpone, next_event         ReplyTo, Postpone, NextEvent
//	state_timeout, timeout, {timeout,N} StateTimeout, EventTimeout, GenericTimeout
//	erlang:processes/0, process_info/1  Processes, Info, NumProcesses
//	observer's application tree         Tree, Subscribe (Spawned, Exited, Restarted events)
//	seq_trace / dbg message tracing     StartTrace, StopTrace, TraceSnapshot (TraceEvent, TraceLog)
//
// # What Go cannot do, and what this package does instead
//
// Go cannot kill a goroutine. Erlang's exit(Pid, kill) stops a process
// wherever it is; here, a terminated process (killed, or hit by an exit
// signal it does not trap) is dead at once for everyone else: its links
// and monitors fire with the reason, its name is freed, its mailbox is
// closed (sends are dropped, Receive returns the exit reason) and its
// Context is cancelled. But if its goroutine is busy outside Receive, in
// a blocking call or a loop, that goroutine keeps running until it
// returns: it is a zombie, shown with status Zombie by Processes. Code
// that blocks should select on p.Context().Done() so that it stops soon.
//
// A process whose goroutine ends with runtime.Goexit (t.Fatal called
// inside a process) exits with ErrGoexit.
//
// Defaults: a nil SupervisorSpec.MaxRestarts means DefaultMaxRestarts, 3
// restarts within Within, Elixir's Supervisor default; Erlang's
// supervisor defaults to 1. Within defaults to 5 seconds in both.
//
// Other differences from Erlang, each with what to write in Go to get
// OTP's behaviour. The conformance suite (internal/actor/conformance) runs
// scenarios in Go and in Erlang/OTP and passes only when the traces
// differ exactly where this list says:
//   - Processes share memory. Messages are Go values, not copies: send
//     values you will not modify afterwards.
//   - There are no distributed nodes, no hot code loading, no process
//     groups. Names are local to the program.
//   - A supervisor's ChildSpec.Start returns a PID; the supervisor links
//     to it after it started, instead of the child linking to its parent.
//   - A late reply to a Call that timed out is dropped, never left in the
//     caller's mailbox (Erlang needed process aliases for that).
//   - A Call to a server that dies before replying returns an error
//     matching both NoProc and the server's exit reason; in Erlang the
//     caller exits with the reason. Test errors.Is(err, reason) and return
//     the error to crash as Erlang's caller would.
//   - A Call whose caller dies while waiting (killed, or by its link to
//     the server that crashed) returns the caller's own exit reason, only
//     once the caller is dead for everyone else; the goroutine must still
//     return (Go cannot stop it). Only Process.Call knows its caller: the
//     package-level Call cannot stop waiting when its goroutine's process
//     dies.
//   - StartLinkServer, StartLinkStateMachine and StartLinkSupervisor remove
//     the link when Init fails, so the caller gets the error and no exit
//     signal; in OTP start_link returns {error, Reason} and the caller,
//     unless it traps exits, is killed by the exit signal. Return the error
//     from the caller to get OTP's result.
//   - Exit(pid, Normal) carries no sender, so a process that sends it to
//     itself is not stopped; p.Exit(p.Self(), Normal) is Erlang's
//     exit(self(), normal) and stops p unless it traps exits.
//   - A supervisor answers a Call it does not understand with an error
//     matching ErrUnknownRequest, and logs a Cast or message it does not
//     expect; both leave it running. OTP 25's supervisor crashes on an
//     unknown call or cast (function_clause), restarting its subtree;
//     call Exit(sup, reason) yourself for that.
//   - Scheduling is Go's: no reductions, no per-process heaps, no
//     priorities. A process that never calls Receive is never interrupted.
//   - Tracing is global to the program (StartTrace), not per process as
//     erlang:trace/3 is. A send's sender is the process whose goroutine
//     called Send, found from the goroutine id, which Go has no API for
//     (github.com/petermattis/goid reads it from the runtime); a
//     receive's call site is found by following frame pointers on amd64
//     and arm64 (elsewhere runtime.Callers, several times slower). A
//     message of a pointer-free type without methods is rendered when the
//     trace is read, any other at the send, so the trace shows the value
//     as sent. Events are ordered by the monotonic clock each read, not
//     by a shared counter, so that a sender's and a receiver's cores
//     record without waiting for each other. Tracing on, a Call costs
//     about 1.6 times an untraced one, and a Send with its receive about
//     4.5 times (make bench-trace): an untraced Send is tens of
//     nanoseconds, and each traced message records two events, each
//     reading the clock. Tracing off costs one atomic load per hook. A
//     Send from a goroutine that is not a process (a test, a timer) has
//     sender 0. A Call's reply goes to the caller on a channel, not
//     through its mailbox, so it has no receive event.
//
// # Time and tests
//
// Timeouts use time.AfterFunc and time.Now, and a process blocked in
// Receive waits on a sync.Cond, so code using this package runs under
// testing/synctest: inside a synctest bubble, Receive, Call, SendAfter,
// state machine timeouts and supervisor restart windows follow the
// bubble's fake clock, and synctest.Wait sees idle processes as blocked.
// There is no scheduler goroutine: a process exists only while its own
// goroutine runs, so go.uber.org/goleak finds any process a test forgot.
package actor
