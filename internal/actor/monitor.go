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
// two calls give two Downs.
func (p *Process) Monitor(pid PID) Ref { panic(notYet) }

// Demonitor removes the monitor ref. With flush, it also removes a Down
// for ref that may already be in p's mailbox (demonitor(Ref, [flush])).
func (p *Process) Demonitor(ref Ref, flush bool) { panic(notYet) }
