package actor

// Down is the message a monitor delivers when the monitored process exits
// ({'DOWN', Ref, process, Pid, Reason}). It is delivered exactly once per
// monitor; Reason is NoProc if the process was already dead.
type Down struct {
	Ref    Ref
	PID    PID
	Reason error
}

// Monitor makes p watch pid (erlang:monitor(process, Pid)): when pid exits,
// p receives a Down with the returned Ref. Monitors are one-way and stack:
// two calls give two Downs. Monitoring a dead pid gives a Down with reason
// NoProc at once.
func (p *Process) Monitor(pid PID) Ref {
	ref := MakeRef()
	traceMonitor(p, pid)
	// Record the monitor on the watcher's side first: deliverDown only
	// delivers a Down whose ref is still recorded there, which is what
	// makes Demonitor and "exactly once" race-free.
	p.mu.Lock()
	if p.dead.Load() {
		p.mu.Unlock()
		return ref
	}
	x := p.x()
	if x.monitors == nil {
		x.monitors = make(map[Ref]*Process)
	}
	x.monitors[ref] = pid.p
	p.mu.Unlock()

	if t := pid.p; t != nil {
		t.mu.Lock()
		if !t.dead.Load() {
			// If p was killed meanwhile, its exit has already cleaned
			// t's side: leave nothing there.
			if !p.dead.Load() {
				tx := t.x()
				if tx.monitoredBy == nil {
					tx.monitoredBy = make(map[Ref]*Process)
				}
				tx.monitoredBy[ref] = p
			}
			t.mu.Unlock()
			return ref
		}
		t.mu.Unlock()
	}
	p.deliverDown(ref, pid, NoProc)
	return ref
}

// Demonitor removes the monitor ref. With flush, it also removes a Down
// for ref that may already be in p's mailbox (demonitor(Ref, [flush])).
// After Demonitor returns, no Down for ref will arrive.
func (p *Process) Demonitor(ref Ref, flush bool) {
	p.mu.Lock()
	var target *Process
	if p.ext != nil {
		target = p.ext.monitors[ref]
		delete(p.ext.monitors, ref)
	}
	p.mu.Unlock()
	if target != nil {
		target.mu.Lock()
		if target.ext != nil {
			delete(target.ext.monitoredBy, ref)
		}
		target.mu.Unlock()
	}
	if flush {
		p.flush(func(m any) bool {
			d, ok := m.(Down)
			return ok && d.Ref == ref
		})
	}
}

// deliverDown puts the Down for ref in w's mailbox if w still holds that
// monitor, and forgets the monitor: a Down is delivered at most once.
func (w *Process) deliverDown(ref Ref, pid PID, reason error) {
	w.mu.Lock()
	if w.ext == nil || w.dead.Load() {
		w.mu.Unlock()
		return
	}
	if _, ok := w.ext.monitors[ref]; !ok {
		w.mu.Unlock()
		return
	}
	delete(w.ext.monitors, ref)
	wake := w.deliverLocked(Down{Ref: ref, PID: pid, Reason: reason})
	traceDown(w, Down{Ref: ref, PID: pid, Reason: reason})
	w.mu.Unlock()
	if wake {
		w.wake()
	}
}
