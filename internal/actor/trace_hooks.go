//go:build !actor_notrace

package actor

// The runtime's trace hooks. Each is one line at its call site; each
// returns at once when tracing is off, and those on the message paths
// (send, call, reply, receive, DOWN, EXIT, spawn) inline to one atomic
// load there: the recording itself is a recorder method kept out of line
// (go:noinline where the compiler would otherwise pull a small one in and
// make the hook too big to inline). traceSignal and traceRestart, on the
// rarer paths of an exit signal and a restart, are a call. Built with -tags actor_notrace they
// are empty (trace_hooks_notrace.go), which is the baseline that tracing
// off is measured against (make bench-trace).

// tracing reports whether a trace is recording, for a path that has a
// traced twin (Send).
func tracing() bool { return tracer.Load() != nil }

// traceSpawn records p's start; f is the function it runs, which names
// it in a diagram when nothing else does.
func traceSpawn(p *Process, name string, f Func) {
	if r := tracer.Load(); r != nil {
		r.spawn(p, name, f)
	}
}

// traceRun notes that p runs on the current goroutine.
func traceRun(p *Process) {
	if r := tracer.Load(); r != nil {
		r.run(p)
	}
}

func traceRegister(name string, p *Process) {
	if r := tracer.Load(); r != nil {
		r.register(name, p)
	}
}

// traceSendStart prepares the record of a Send, outside any lock; nil
// when tracing is off.
func traceSendStart(msg any) *sendTrace {
	if r := tracer.Load(); r != nil {
		return r.sendStart(msg)
	}
	return nil
}

// traceSend records msg arriving in p's mailbox from Send (p.mu held).
func traceSend(p *Process, msg any, ts *sendTrace) {
	if ts != nil {
		ts.r.send(p, msg, ts)
	}
}

// traceCall records call c arriving in p's mailbox (p.mu held).
func traceCall(p *Process, c *call) {
	if r := tracer.Load(); r != nil {
		r.call(p, c)
	}
}

// traceReply records the answer v to call c (the reply, or callFailed).
func traceReply(c *call, v any) {
	if r := tracer.Load(); r != nil {
		r.reply(c, v)
	}
}

// traceDown records the DOWN for pid arriving at w (w.mu held).
func traceDown(w *Process, d Down) {
	if r := tracer.Load(); r != nil {
		r.down(w, d)
	}
}

// traceExitMsg records the EXIT from `from` arriving at trapping p (p.mu held).
func traceExitMsg(p *Process, m ExitMsg) {
	if r := tracer.Load(); r != nil {
		r.exitMsg(p, m)
	}
}

// traceReceive records p taking the message at position i of its
// mailbox (oldest first). Owner only, p.mu not held.
func traceReceive(p *Process, i int) {
	if r := tracer.Load(); r != nil {
		r.receive(p, i)
	}
}

// traceWait notes where p waits for a message as it parks in Receive
// (p.mu held), so an exit signal that stops it says where it waited.
func traceWait(p *Process) {
	if r := tracer.Load(); r != nil {
		r.wait(p)
	}
}

// traceFlush mirrors a flush of p's mailbox (p.mu held, after both
// queues were flushed).
func traceFlush(p *Process, drop func(any) bool) {
	if r := tracer.Load(); r != nil {
		r.flush(p, drop)
	}
}

// traceSignal records an exit signal from `from` that stops p (kill,
// or one p does not trap); p is still alive.
func traceSignal(from PID, p *Process, reason error) {
	if r := tracer.Load(); r != nil && !p.dead.Load() {
		r.signalExit(from, p, reason)
	}
}

func traceLink(p *Process, pid PID) {
	if r := tracer.Load(); r != nil {
		r.link(p, pid)
	}
}

func traceMonitor(p *Process, pid PID) {
	if r := tracer.Load(); r != nil {
		r.monitor(p, pid)
	}
}

// traceExit records p's exit; its mailbox is gone, and what it still
// held was never received.
func traceExit(p *Process, reason error) {
	if r := tracer.Load(); r != nil {
		r.exit(p, reason)
	}
}

// traceDone forgets p's goroutine (p's goroutine is returning).
func traceDone(p *Process) {
	if r := tracer.Load(); r != nil {
		r.done(p)
	}
}

func traceTimer(pid PID) {
	if r := tracer.Load(); r != nil {
		r.timer(pid)
	}
}

// traceChild records supervisor sup starting child as its child id.
func traceChild(sup *Process, child PID, id string) {
	if r := tracer.Load(); r != nil {
		r.child(sup, child, id)
	}
}

func traceRestart(sup *Process, child, old PID, id string, reason error) {
	if r := tracer.Load(); r != nil {
		r.restart(sup, child, old, id, reason)
	}
}
