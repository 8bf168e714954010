package actor

import (
	"fmt"
	"sync/atomic"
	"time"
)

// This file is the call protocol shared by servers, state machines and
// supervisors (gen:call in OTP).
//
// A call is a message carrying a private reply channel. The caller waits
// on that one channel, which receives exactly one value from whoever
// answers first: the server (Reply), the caller's timer (ErrTimeout) or
// the server's death (NoProc). The server keeps its unanswered calls in a
// list, so that dying fails them all at once, like the monitor that
// gen:call sets in Erlang. Call therefore never hangs on a dead or dying
// server, and a late reply goes nowhere instead of into a mailbox.

// From identifies a caller waiting in Call. Pass it to Reply, now or
// later, to answer the call ({Pid, Tag} in gen_server).
type From struct {
	c *call
}

// PID returns the caller's pid: the process that used Process.Call, or
// the zero PID for the package-level Call.
func (f From) PID() PID {
	if f.c == nil {
		return PID{}
	}
	return f.c.caller
}

type call struct {
	req     any
	caller  PID
	server  *Process
	ch      chan any    // buffered(1): gets exactly one value
	claimed atomic.Bool // set by whoever answers first

	// The server's list of unanswered calls, guarded by server.mu.
	prev, next *call
	linked     bool
	traceID    uint64 // the call's message id in a trace (trace.go)
	traceFrom  uint64 // the calling process in a trace, also for Call made inside one
}

// callFailed carries a Call error through the reply channel.
type callFailed struct{ err error }

// answer delivers v if nobody answered before.
func (c *call) answer(v any) bool {
	if !c.claimed.CompareAndSwap(false, true) {
		return false
	}
	traceReply(c, v)
	c.server.unlinkCall(c)
	c.ch <- v // never blocks: one slot, one answer
	return true
}

// fail answers the call with an error: the caller's Call returns
// (nil, err).
func (c *call) fail(err error) { c.answer(callFailed{err}) }

func (c *call) expire() {
	c.answer(callFailed{fmt.Errorf("call %v: %w", c.server.Self(), ErrTimeout)})
}

// Reply answers the call identified by from (gen_server:reply/2). It never
// blocks. Only the first reply counts; a reply to a caller that gave up
// (timed out) or to a zero From is dropped.
func Reply(from From, v any) {
	if from.c != nil {
		from.c.answer(v)
	}
}

// Call sends req to the server pid and waits up to timeout for the reply
// (gen_server:call/3). It works from any goroutine, process or not; the
// server sees a zero From.PID() (use Process.Call to identify yourself).
// It returns ErrTimeout when the deadline passes (a late reply is
// dropped, never left in a mailbox), and an error wrapping NoProc, and
// the server's exit reason if it had one, when the server is dead or dies
// before replying: Call never hangs on a dead server.
func Call(pid PID, req any, timeout time.Duration) (any, error) {
	return doCall(nil, pid, req, timeout)
}

// Call is like the package-level Call, but the server sees p as the
// caller in From.PID(), so it can monitor p (a pool lending a connection
// does). Calling p itself returns an error at once instead of
// deadlocking. If p dies while waiting (killed, or by a link to the
// server that crashed), Call stops waiting and returns p's own exit
// reason: p is dead already, and its goroutine should return.
func (p *Process) Call(pid PID, req any, timeout time.Duration) (any, error) {
	if pid.p == p {
		return nil, fmt.Errorf("call %v: a process cannot call itself", pid)
	}
	return doCall(p, pid, req, timeout)
}

func doCall(caller *Process, pid PID, req any, timeout time.Duration) (any, error) {
	s := pid.p
	if s == nil {
		return nil, fmt.Errorf("call %v: %w", pid, NoProc)
	}
	c := &call{req: req, server: s, ch: make(chan any, 1)}
	var died <-chan struct{}
	if caller != nil {
		c.caller = caller.Self()
		died = caller.doneChan() // nil for Call, which then waits on ch only
	}
	if !s.deliverCall(c) {
		return nil, fmt.Errorf("call %v: %w", pid, NoProc)
	}
	var t *time.Timer
	if timeout >= 0 {
		t = time.AfterFunc(timeout, c.expire)
	}
	var v any
	if died == nil {
		v = <-c.ch // a plain receive is cheaper than a select
	} else {
		select {
		case v = <-c.ch:
		case <-died:
		}
	}
	if t != nil {
		t.Stop()
	}
	if caller != nil && caller.dead.Load() {
		// The caller died (the call dies with it, as in OTP): drop any
		// reply and tell its goroutine why it must stop.
		c.answer(nil)
		return nil, fmt.Errorf("call %v: caller %v exited with %w", pid, caller.Self(), caller.exitReason())
	}
	if f, ok := v.(callFailed); ok {
		return nil, f.err
	}
	return v, nil
}

// deliverCall puts c in p's mailbox and in its list of unanswered calls,
// or reports false if p is dead.
func (p *Process) deliverCall(c *call) bool {
	p.mu.Lock()
	if p.dead.Load() {
		p.mu.Unlock()
		return false
	}
	c.linked = true
	c.next = p.calls
	if p.calls != nil {
		p.calls.prev = c
	}
	p.calls = c
	wake := p.deliverLocked(c)
	traceCall(p, c)
	p.mu.Unlock()
	if wake {
		p.wake()
	}
	return true
}

func (p *Process) unlinkCall(c *call) {
	p.mu.Lock()
	if c.linked {
		if c.prev != nil {
			c.prev.next = c.next
		} else {
			p.calls = c.next
		}
		if c.next != nil {
			c.next.prev = c.prev
		}
		c.prev, c.next, c.linked = nil, nil, false
	}
	p.mu.Unlock()
}

// takeCalls detaches p's unanswered calls (p.mu held) for failCalls.
func (p *Process) takeCalls() *call {
	head := p.calls
	p.calls = nil
	for c := head; c != nil; c = c.next {
		c.linked = false
	}
	return head
}

// failCalls answers every call in the detached list with the server's
// exit reason.
func failCalls(head *call, pid PID, reason error) {
	for c := head; c != nil; {
		next := c.next
		if c.claimed.CompareAndSwap(false, true) {
			traceReply(c, callFailed{reason})
			c.ch <- callFailed{fmt.Errorf("call %v: server exited with %w: %w", pid, reason, NoProc)}
		}
		c = next
	}
}
