package actor

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Func is the body of a process. Its return value is the process's exit
// reason: nil means Normal. A panic becomes a *PanicError exit reason.
type Func func(p *Process) error

// Process is one actor: a goroutine with a mailbox, links, monitors and a
// context. Its function receives it; other goroutines know it only by its
// PID. Only the process's own goroutine may call its methods (as in
// Erlang, only a process can receive from its mailbox).
type Process struct {
	id uint64

	// notify wakes the owner blocked in Receive. It holds one token, so a
	// sender never blocks and a wake-up is never lost.
	notify chan struct{}

	// dead is set (under mu) when the process is terminated; read without
	// the lock on the Receive fast path.
	dead atomic.Bool
	// saveLen mirrors len(save) for Processes(), which cannot read save.
	saveLen atomic.Int64

	// save is the owner's private part of the mailbox: messages taken from
	// inbox but not yet received (selective receive skips over them). Only
	// the owner touches it, so match functions run without any lock.
	save queue
	// timer serves Receive timeouts; owner only, created on first use.
	timer *time.Timer

	mu sync.Mutex // guards everything below
	// inbox is where senders append. The owner moves it into save in one
	// O(1) swap when save is empty.
	inbox       queue
	messagesIn  uint64
	waiting     bool // owner is (about to be) blocked on notify
	exiting     bool // running Terminate or stopping children
	finished    bool // the goroutine has returned
	trap        bool
	reason      error
	done        chan struct{} // closed at termination; created on demand
	ctx         context.Context
	cancel      context.CancelCauseFunc
	links       map[*Process]struct{}
	monitors    map[Ref]*Process // monitors this process holds, by ref
	monitoredBy map[Ref]*Process // monitors on this process, by ref
	calls       *call            // unanswered calls (call.go)
	name        string
	parent      PID
	kind        string
	behaviour   bool // a server, state machine or supervisor: Stop works
	supervisor  bool
	children    []ChildInfo // a supervisor's children, published for Tree
	childID     string
	restarts    int
	smState     string

	// prev and next link the process into its table shard (introspect.go).
	prev, next *Process
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
		notify:     make(chan struct{}, 1),
		kind:       r.kind,
		behaviour:  r.behaviour,
		supervisor: r.supervisor,
	}
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
			f = func(*Process) error { return err }
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
	reason := p.call(f)
	p.mu.Lock()
	p.finished = true
	p.mu.Unlock()
	procs.remove(p)
	p.terminate(reason)
	// Drop what the mailbox still holds; the PID may live on in others'
	// variables and should not pin the messages.
	p.save = queue{}
	p.saveLen.Store(0)
	p.timer = nil
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
func (p *Process) terminate(reason error) bool {
	p.mu.Lock()
	if p.dead.Load() {
		p.mu.Unlock()
		return false
	}
	p.dead.Store(true)
	p.reason = reason
	p.inbox = queue{}
	links, monitors, monitoredBy := p.links, p.monitors, p.monitoredBy
	p.links, p.monitors, p.monitoredBy = nil, nil, nil
	name, parent, done, cancel, wake := p.name, p.parent, p.done, p.cancel, p.waiting
	p.name = ""
	calls := p.takeCalls()
	p.mu.Unlock()

	failCalls(calls, p.Self(), reason)

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
		delete(target.monitoredBy, ref)
		target.mu.Unlock()
	}
	self := p.Self()
	for other := range links {
		other.mu.Lock()
		delete(other.links, p)
		other.mu.Unlock()
		other.signal(self, reason, false)
	}
	for ref, watcher := range monitoredBy {
		watcher.deliverDown(ref, self, reason)
	}
	if hasSubscribers() {
		emit(Event{Kind: Exited, PID: self, Name: name, Parent: parent, Reason: reason, ProcKind: p.kind})
	}
	return true
}

// signal delivers an exit signal from `from` to p, following Erlang's
// rules: kill is untrappable; a trapping process gets an ExitMsg; normal
// is otherwise ignored (unless p sent it to itself); any other reason
// terminates p.
func (p *Process) signal(from PID, reason error, kill bool) {
	if kill {
		p.terminate(Killed)
		return
	}
	p.mu.Lock()
	if p.dead.Load() {
		p.mu.Unlock()
		return
	}
	if p.trap {
		wake := p.deliverLocked(ExitMsg{From: from, Reason: reason})
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
	if p.ctx == nil {
		p.ctx, p.cancel = context.WithCancelCause(context.Background())
		if p.dead.Load() {
			p.cancel(p.reason)
		}
	}
	return p.ctx
}

// Send puts msg at the end of pid's mailbox (pid ! msg). It never blocks;
// sending to a dead or zero pid is a no-op, as in Erlang.
func Send(pid PID, msg any) {
	p := pid.p
	if p == nil {
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

func (p *Process) wake() {
	select {
	case p.notify <- struct{}{}:
	default: // a token is already pending
	}
}

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
	if p.done == nil {
		if p.dead.Load() {
			return closedChan
		}
		p.done = make(chan struct{})
	}
	return p.done
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
