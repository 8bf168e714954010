package actor

// This file is the loop shared by the three behaviours, as gen and
// proc_lib are in OTP: a supervisor is a gen_server callback module there,
// and gen_statem answers the same system messages. The loop handles what
// every behaviour handles the same way (Stop, its parent's exit signal, a
// panic in a callback, Terminate) and hands calls, casts and other
// messages to the behaviour's callbacks.

// callbacks is a behaviour as the shared loop sees it.
type callbacks interface {
	// init runs in the new process before the starter gets its answer.
	init(p *Process) error
	// handleCall, handleCast and handleInfo return a non-nil reason to
	// stop the behaviour. handleCall answers c itself (now or later).
	handleCall(p *Process, c *call) error
	handleCast(p *Process, msg any) error
	handleInfo(p *Process, msg any) error
	// terminate runs once, when the behaviour stops for a reason the loop
	// saw (not when it is killed or hit by an untrapped exit signal).
	terminate(p *Process, reason error)
}

// behave runs b in p: init, report it on ready, then loop. next returns
// the next message; nil means p.Receive(Infinity) (the state machine
// takes events it queued itself first).
func behave(p *Process, b callbacks, ready chan<- error, next func() (any, error)) (reason error) {
	at := initializing
	defer func() {
		if r := recover(); r != nil {
			reason = recovered(p, at, r, func(why error) { b.terminate(p, why) })
		}
	}()
	if err := b.init(p); err != nil {
		return initFailed(p, ready, err)
	}
	at = running
	ready <- nil
	for {
		var msg any
		var err error
		if next != nil {
			msg, err = next()
		} else {
			msg, err = p.Receive(Infinity)
		}
		if err != nil {
			return err // terminated from outside: no terminate, as in OTP
		}
		var stop error
		switch m := msg.(type) {
		case *call:
			stop = b.handleCall(p, m)
		case castMsg:
			stop = b.handleCast(p, m.msg)
		case stopMsg:
			stop = m.reason
		case ExitMsg:
			if parent := p.Parent(); !parent.IsZero() && m.From == parent {
				stop = m.Reason // the parent (supervisor) orders us to stop
			} else {
				stop = b.handleInfo(p, m)
			}
		default:
			stop = b.handleInfo(p, msg)
		}
		if stop != nil {
			at = terminating
			p.setExiting(true)
			b.terminate(p, stop)
			return stop
		}
	}
}
