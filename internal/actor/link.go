package actor

// ExitMsg is the message a process that traps exits receives instead of
// dying from an exit signal ({'EXIT', From, Reason}). From is zero when the
// signal was sent with the package-level Exit function.
type ExitMsg struct {
	From   PID
	Reason error
}

// Link links p and pid (link/1): when either exits, the other gets an exit
// signal with the reason. Linking to a dead pid sends p an exit signal with
// reason NoProc; a zombie p linking sends pid its exit reason at once.
// Links are not stacked: linking twice is linking once.
func (p *Process) Link(pid PID) {
	o := pid.p
	if o == nil || o == p {
		return
	}
	traceLink(p, pid)
	// One lock at a time, so two processes linking to each other cannot
	// deadlock. If o dies between the two steps, its exit does not see
	// the link, so we find it dead below and send the noproc signal. If p
	// is killed meanwhile, its exit found no link on o's side: o must
	// not get one now.
	p.mu.Lock()
	if p.dead.Load() {
		// p is a zombie (killed while its goroutine ran on): the new link
		// fires at once, as its links did when it died. A supervisor
		// killed during a child's Start must not leave that child
		// running unsupervised.
		reason := p.reason
		p.mu.Unlock()
		o.signal(p.Self(), reason, false)
		return
	}
	p.addLink(o)
	p.mu.Unlock()

	o.mu.Lock()
	if !o.dead.Load() {
		if !p.dead.Load() {
			o.addLink(p)
		}
		o.mu.Unlock()
		return
	}
	o.mu.Unlock()
	p.mu.Lock()
	p.removeLink(o)
	p.mu.Unlock()
	p.signal(pid, NoProc, false)
}

// Unlink removes the link between p and pid, if any (unlink/1). Once it
// returns, the link has no effect: an exit signal it already delivered as
// an ExitMsg stays in the mailbox, but no other arrives.
func (p *Process) Unlink(pid PID) {
	o := pid.p
	if o == nil {
		return
	}
	p.mu.Lock()
	p.removeLink(o)
	p.mu.Unlock()
	o.mu.Lock()
	o.removeLink(p)
	o.mu.Unlock()
}

// TrapExit turns trapping exits on or off (process_flag(trap_exit, On)).
// A process that traps exits receives exit signals as ExitMsg messages
// instead of dying; Kill still kills it.
func (p *Process) TrapExit(on bool) {
	p.mu.Lock()
	p.trap = on
	p.mu.Unlock()
}

// Exit sends pid an exit signal with reason (exit/2), with no sender.
// Kill terminates pid even if it traps exits (its reason becomes Killed);
// Normal is ignored unless pid traps exits; any other reason terminates
// pid unless it traps exits, in which case it receives an ExitMsg.
//
// Terminating a process runs its links and monitors at once. Its
// goroutine, if busy outside Receive, keeps running as a zombie until it
// returns: Go cannot stop a goroutine. See the package doc.
func Exit(pid PID, reason error) {
	if pid.p != nil {
		pid.p.signal(PID{}, reason, reason == Kill)
	}
}

// Exit is like the package-level Exit, but the signal carries p as its
// sender, so a trapping receiver sees ExitMsg{From: p.Self()}. Servers
// and state machines treat an exit signal from their parent as an order
// to terminate.
func (p *Process) Exit(pid PID, reason error) {
	if pid.p != nil {
		pid.p.signal(p.Self(), reason, reason == Kill)
	}
}

// addLink and removeLink edit p's side of a link (p.mu held).
func (p *Process) addLink(o *Process) {
	x := p.x()
	if x.links == nil {
		x.links = make(map[*Process]struct{})
	}
	x.links[o] = struct{}{}
}

func (p *Process) removeLink(o *Process) {
	if p.ext != nil {
		delete(p.ext.links, o)
	}
}
