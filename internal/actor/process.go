package actor

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Func is the body of a process. Its return value is the process's exit
// reason: nil means Normal. A panic becomes a *PanicError exit reason.
type Func func(p *Process) error

// Process is one actor: a goroutine with a mailbox, links, monitors and a
// context. Its function receives it; other goroutines know it only by its
// PID. Only the process's own goroutine may call its methods (as in
// Erlang, only a process can receive from its mailbox), except Self and
// Context, which any goroutine may call.
type Process struct {
	// The fields are in cache-line order: the owner's private mailbox
	// first, then what senders write, so that they do not slow each other
	// down (false sharing).

	id uint64
	// dead is set (under mu) when the process is terminated; read without
	// the lock on the Receive fast path.
	dead atomic.Bool
	// saveLen mirrors len(save) for Processes(), which cannot read save.
	saveLen atomic.Int32
	// save is the owner's private part of the mailbox: messages taken from
	// inbox but not yet received (selective receive skips over them). Only
	// the owner touches it, so match functions run without any lock.
	save queue
	ext  *processExt // what few processes need, allocated on demand

	// mu guards everything below, but behaviour, supervisor and kind:
	// set at spawn, never changed, they are read without it.
	mu sync.Mutex
	// inbox is where senders append. The owner moves it into save in one
	// O(1) swap when save is empty.
	inbox      queue
	messagesIn uint64
	waiting    bool // owner is blocked in Receive: senders must wake it
	timedOut   bool // the Receive timer fired
	exiting    bool // running Terminate or stopping children
	finished   bool // the goroutine has returned
	trap       bool
	behaviour  bool // a server, state machine or supervisor: Stop works
	supervisor bool

	// cond wakes the owner blocked in Receive (its L is mu). sync.Cond
	// costs no allocation, and testing/synctest sees a process blocked in
	// Receive as durably blocked.
	cond   sync.Cond
	reason error

	calls    *call // unanswered calls (call.go)
	parent   PID
	kind     string
	timerGen uint32 // identifies the current Receive timer

	// prev and next link the process into its table shard (introspect.go).
	prev, next *Process
}

// processExt holds the Process fields most processes never use, so that
// spawning stays cheap. Guarded by Process.mu.
type processExt struct {
	name        string // registered name
	links       map[*Process]struct{}
	monitors    map[Ref]*Process // monitors this process holds, by ref
	monitoredBy map[Ref]*Process // monitors on this process, by ref
	done        chan struct{}    // closed at termination
	ctx         context.Context
	cancel      context.CancelCauseFunc
	children    []ChildInfo // a supervisor's children, published for Tree
	childID     string      // id in its supervisor
	restarts    int         // how many times its supervisor restarted it before this pid
	performed   int         // a supervisor's: the restarts it has performed
	smState     string
	waitSite    string    // while tracing: where it last parked in Receive (trace.go)
	waitTrace   *recorder // the trace that noted waitSite: an older one's is stale
}

// regName returns p's registered name (p.mu held).
func (p *Process) regName() string {
	if p.ext == nil {
		return ""
	}
	return p.ext.name
}

// x returns p's extension, creating it (p.mu held).
func (p *Process) x() *processExt {
	if p.ext == nil {
		p.ext = new(processExt)
	}
	return p.ext
}

// SpawnOption configures Spawn, SpawnLink and SpawnMonitor.
type SpawnOption func(*spawnOptions)

// StartOption configures StartServer, StartSupervisor and
// StartStateMachine. It is the same type as SpawnOption, so Name and Kind
// work everywhere.
type StartOption = SpawnOption

type spawnOptions struct {
	name string
	kind string
}

// Name registers the new process under name before it runs (like
// {local, Name} in gen_server:start). Start functions return an error
// wrapping ErrAlreadyRegistered if the name is taken; Spawn, which cannot
// fail, returns a pid that has already exited with that error.
func Name(name string) SpawnOption { return func(o *spawnOptions) { o.name = name } }

// Kind labels the process in Processes() and Tree(), e.g. "pool" or
// "worker". Servers, supervisors and state machines set their own kind
// ("server", "supervisor", "statemachine"); plain processes default to
// "process".
func Kind(kind string) SpawnOption { return func(o *spawnOptions) { o.kind = kind } }

var pidCounter atomic.Uint64

// spawnReq is everything spawn needs; the exported functions fill in what
// they know.
type spawnReq struct {
	f          Func
	opts       []SpawnOption
	parent     *Process // linked/monitoring parent, or nil
	link       bool
	monitor    bool
	kind       string
	behaviour  bool
	supervisor bool
}

func spawn(r spawnReq) (PID, Ref) {
	p := &Process{
		id:         pidCounter.Add(1),
		kind:       r.kind,
		behaviour:  r.behaviour,
		supervisor: r.supervisor,
	}
	p.cond.L = &p.mu
	var o spawnOptions
	for _, opt := range r.opts {
		opt(&o)
	}
	if o.kind != "" {
		p.kind = o.kind
	}
	if p.kind == "" {
		p.kind = "process"
	}
	f := r.f
	var ref Ref
	if r.parent != nil {
		p.parent = r.parent.Self()
	}
	// Traced before the link, monitor and name, so that a diagram shows
	// the process starting before anything refers to it.
	traceSpawn(p, o.name, r.f)
	if r.parent != nil {
		// Link and monitor before the process runs, so that even an
		// instant crash is seen (spawn_link is atomic in Erlang).
		if r.link {
			r.parent.Link(p.Self())
		}
		if r.monitor {
			ref = r.parent.Monitor(p.Self())
		}
	}
	if o.name != "" {
		if err := Register(o.name, p.Self()); err != nil {
			// The process still starts, only to exit with the error. A
			// behaviour started linked unlinks first, so that its starter
			// gets the error from the start function, not an exit signal.
			unlink := r.behaviour && r.link
			f = func(q *Process) error {
				if unlink {
					q.Unlink(q.Parent())
				}
				return err
			}
		}
	}
	procs.add(p)
	if hasSubscribers() {
		emit(Event{Kind: Spawned, PID: p.Self(), Name: o.name, Parent: p.parent, ProcKind: p.kind})
	}
	go p.run(f)
	return p.Self(), ref
}

// Spawn starts f in a new process and returns its pid at once (spawn/1).
func Spawn(f Func, opts ...SpawnOption) PID {
	pid, _ := spawn(spawnReq{f: f, opts: opts})
	return pid
}

// SpawnLink starts f in a new process linked to p (spawn_link/1): if either
// exits abnormally, the other receives the exit signal. The link exists
// before f runs.
func (p *Process) SpawnLink(f Func, opts ...SpawnOption) PID {
	pid, _ := spawn(spawnReq{f: f, opts: opts, parent: p, link: true})
	return pid
}

// SpawnMonitor starts f in a new process monitored by p (spawn_monitor/1).
func (p *Process) SpawnMonitor(f Func, opts ...SpawnOption) (PID, Ref) {
	return spawn(spawnReq{f: f, opts: opts, parent: p, monitor: true})
}

// Run spawns f and waits for it to exit. It returns nil if f exited
// normally, otherwise its exit reason. Tests and main use Run to get a
// process context.
func Run(f Func) error {
	pid := Spawn(f)
	<-pid.p.doneChan()
	if r := pid.p.exitReason(); !isNormal(r) {
		return r
	}
	return nil
}

// run is the process's goroutine: call f, turn a panic into an exit
// reason, then terminate (if nothing terminated the process already).
func (p *Process) run(f Func) {
	traceRun(p)
	// Deferred, so that a goroutine leaving through runtime.Goexit (t.Fatal
	// called in a process) still ends its process instead of leaving Run
	// and every monitor waiting forever.
	reason := ErrGoexit
	defer func() {
		procs.remove(p)
		p.exit(reason, true)
		// Drop what the mailbox still holds; the PID may live on in
		// others' variables and should not pin the messages.
		p.save = queue{}
		p.saveLen.Store(0)
		traceDone(p)
	}()
	reason = p.call(f)
}

func (p *Process) call(f Func) (reason error) {
	defer func() {
		if r := recover(); r != nil {
			reason = &PanicError{Value: r, Stack: string(debug.Stack())}
		}
	}()
	if err := f(p); err != nil {
		return err
	}
	return Normal
}

// terminate kills p with reason: it closes the mailbox, frees the name,
// cancels the context, then fires links and monitors. It does all this at
// once even if p's goroutine is still running (it is then a zombie until
// the goroutine returns). It reports false if p was already dead.
func (p *Process) terminate(reason error) bool { return p.exit(reason, false) }

// exit is terminate, also called by p's own goroutine when it returns
// (own), which marks it finished in the same critical section.
func (p *Process) exit(reason error, own bool) bool {
	p.mu.Lock()
	if own {
		p.finished = true
	}
	if p.dead.Load() {
		p.mu.Unlock()
		return false
	}
	p.dead.Store(true)
	p.reason = reason
	p.inbox = queue{}
	var links map[*Process]struct{}
	var monitors, monitoredBy map[Ref]*Process
	if x := p.ext; x != nil {
		links, monitors, monitoredBy = x.links, x.monitors, x.monitoredBy
		x.links, x.monitors, x.monitoredBy = nil, nil, nil
	}
	name, parent, wake := p.regName(), p.parent, p.waiting
	var done chan struct{}
	var cancel context.CancelCauseFunc
	if p.ext != nil {
		done, cancel = p.ext.done, p.ext.cancel
	}
	p.waiting = false
	if name != "" {
		p.ext.name = ""
	}
	calls := p.takeCalls()
	p.mu.Unlock()
	traceExit(p, reason)

	// Subscribers hear of the exit before anyone can observe it (a Down,
	// Run returning), so an observer's view is never behind.
	self := p.Self()
	if hasSubscribers() {
		emit(Event{Kind: Exited, PID: self, Name: name, Parent: parent, Reason: reason, ProcKind: p.kind})
	}
	if wake {
		p.wake()
	}
	if done != nil {
		close(done)
	}
	if cancel != nil {
		cancel(reason)
	}
	if name != "" {
		unregisterProcess(name, p)
	}
	for ref, target := range monitors {
		target.mu.Lock()
		if target.ext != nil {
			delete(target.ext.monitoredBy, ref)
		}
		target.mu.Unlock()
	}
	for other := range links {
		other.linkSignal(p, reason)
	}
	// After the links: a linked caller is dead before its Call returns,
	// as in OTP, where the exit signal kills it first.
	failCalls(calls, self, reason)
	for ref, watcher := range monitoredBy {
		watcher.deliverDown(ref, self, reason)
	}
	return true
}

// signal delivers an exit signal from `from` to p, following Erlang's
// rules: kill is untrappable; a trapping process gets an ExitMsg; normal
// is otherwise ignored (unless p sent it to itself); any other reason
// terminates p.
func (p *Process) signal(from PID, reason error, kill bool) {
	if kill {
		traceSignal(from, p, reason)
		p.terminate(Killed)
		return
	}
	p.mu.Lock()
	p.handleSignalLocked(from, reason)
}

// linkSignal is the exit signal that the dying process `from` sends p
// over their link. If p unlinked first, there is no signal: checking the
// link and delivering the ExitMsg under one lock is what makes Unlink
// final (after it returns, no ExitMsg from that link arrives).
func (p *Process) linkSignal(from *Process, reason error) {
	p.mu.Lock()
	if p.ext == nil {
		p.mu.Unlock()
		return
	}
	if _, linked := p.ext.links[from]; !linked {
		p.mu.Unlock()
		return
	}
	delete(p.ext.links, from)
	p.handleSignalLocked(from.Self(), reason)
}

// handleSignalLocked applies the rules above to an exit signal. It is
// called with p.mu held and unlocks it.
func (p *Process) handleSignalLocked(from PID, reason error) {
	if p.dead.Load() {
		p.mu.Unlock()
		return
	}
	if p.trap {
		wake := p.deliverLocked(ExitMsg{From: from, Reason: reason})
		traceExitMsg(p, ExitMsg{From: from, Reason: reason})
		p.mu.Unlock()
		if wake {
			p.wake()
		}
		return
	}
	p.mu.Unlock()
	if isNormal(reason) && from.p != p {
		return
	}
	traceSignal(from, p, reason)
	p.terminate(reason)
}

// Self returns p's pid (self()).
func (p *Process) Self() PID { return PID{p} }

// Parent returns the process that spawned p with SpawnLink or
// SpawnMonitor, started it with a StartLink function, or supervises it;
// the zero PID otherwise.
func (p *Process) Parent() PID {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.parent
}

// Context returns a context cancelled when p dies, with the exit reason
// as its cause (context.Cause). Blocking work inside a process should use
// it, so that a killed process stops instead of lingering as a zombie.
func (p *Process) Context() context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.x()
	if x.ctx == nil {
		x.ctx, x.cancel = context.WithCancelCause(context.Background())
		if p.dead.Load() {
			x.cancel(p.reason)
		}
	}
	return x.ctx
}

// Send puts msg at the end of pid's mailbox (pid ! msg). It never blocks;
// sending to a dead or zero pid is a no-op, as in Erlang.
func Send(pid PID, msg any) {
	p := pid.p
	if p == nil {
		return
	}
	if tracing() {
		sendTraced(p, msg)
		return
	}
	p.mu.Lock()
	if p.dead.Load() {
		p.mu.Unlock()
		return
	}
	wake := p.deliverLocked(msg)
	p.mu.Unlock()
	if wake {
		p.wake()
	}
}

// sendTraced is Send with tracing on, apart so that Send without it
// pays one load and one branch.
func sendTraced(p *Process, msg any) {
	ts := traceSendStart(msg)
	p.mu.Lock()
	if p.dead.Load() {
		p.mu.Unlock()
		return
	}
	wake := p.deliverLocked(msg)
	traceSend(p, msg, ts)
	p.mu.Unlock()
	if wake {
		p.wake()
	}
}

// deliverLocked appends msg to the inbox (p.mu held) and reports whether
// the owner must be woken. Only the first sender after the owner started
// waiting pays for the wake-up.
func (p *Process) deliverLocked(msg any) (wake bool) {
	p.inbox.push(msg)
	p.messagesIn++
	if p.waiting {
		p.waiting = false
		return true
	}
	return false
}

func (p *Process) wake() { p.cond.Signal() }

// Alive reports whether pid's process has not exited (is_process_alive/1).
// A zombie (killed, but its goroutine is still running) is not alive.
func Alive(pid PID) bool { return pid.p != nil && !pid.p.dead.Load() }

// closedChan is returned by doneChan for processes that died before
// anyone asked.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// doneChan returns a channel closed when p is terminated. It is made on
// demand, so processes nobody waits for do not pay for it.
func (p *Process) doneChan() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ext == nil || p.ext.done == nil {
		if p.dead.Load() {
			return closedChan
		}
		p.x().done = make(chan struct{})
	}
	return p.ext.done
}

// exitReason returns p's exit reason, or nil while p is alive.
func (p *Process) exitReason() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reason
}

func (p *Process) setParent(parent PID) {
	p.mu.Lock()
	p.parent = parent
	p.mu.Unlock()
}

func (p *Process) setExiting(on bool) {
	p.mu.Lock()
	p.exiting = on
	p.mu.Unlock()
}

func isNormal(reason error) bool { return reason == nil || errors.Is(reason, Normal) }
