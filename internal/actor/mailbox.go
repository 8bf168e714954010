package actor

import "time"

// A mailbox is two FIFO queues. Senders append to inbox under p.mu. The
// owner takes messages from save, its private queue; when save is empty
// it swaps the two queues in O(1), so one lock hands over a whole batch.
// Selective receive scans save without holding any lock (so a match
// function may do anything, even Send to itself) and pulls more from
// inbox only when save holds no match.
//
// A queue is a linked list of fixed-size segments: push and pop are O(1),
// growing never copies, and memory goes back as segments drain (one spare
// is kept, so a steady flow of messages allocates nothing). Removing a
// message from the middle (a selective match) shifts the ones after it.

// segSize is 7 so that a segment (7 messages and a link) is exactly a
// 128-byte allocation: the first message to a new process costs little.
const segSize = 7

type segment struct {
	buf  [segSize]any
	next *segment
}

type queue struct {
	head, tail *segment
	spare      *segment
	hi, ti     int32 // head index of the oldest message, tail index of the next free slot
	n          int32
}

func (q *queue) push(v any) {
	if q.tail == nil || q.ti == segSize {
		s := q.spare
		if s != nil {
			q.spare = nil
		} else {
			s = new(segment)
		}
		if q.tail == nil {
			q.head, q.hi = s, 0
		} else {
			q.tail.next = s
		}
		q.tail, q.ti = s, 0
	}
	q.tail.buf[q.ti] = v
	q.ti++
	q.n++
}

func (q *queue) pop() any {
	v := q.head.buf[q.hi]
	q.head.buf[q.hi] = nil // let the message be collected
	q.hi++
	q.n--
	switch {
	case q.n == 0:
		q.hi, q.ti = 0, 0 // keep the one segment for the next push
		if q.head != q.tail {
			q.head = q.tail
		}
	case q.hi == segSize:
		old := q.head
		q.head, q.hi = old.next, 0
		old.next = nil
		q.spare = old
	}
	return v
}

// cursor walks a queue from the oldest message; it stays valid while
// messages are only pushed.
type cursor struct {
	s *segment
	i int32
}

func (q *queue) start() cursor { return cursor{q.head, q.hi} }

func (c *cursor) get() any {
	if c.i == segSize {
		c.s, c.i = c.s.next, 0
	}
	return c.s.buf[c.i]
}

func (c *cursor) advance() { c.i++ }

// remove takes out the message under c (c.get() was called), keeping the
// others in order.
func (q *queue) remove(c cursor) any {
	s, i := c.s, c.i
	v := s.buf[i]
	for {
		ns, ni := s, i+1
		if ni == segSize {
			ns, ni = s.next, 0
		}
		if ns == nil || (ns == q.tail && ni >= q.ti) {
			break
		}
		s.buf[i] = ns.buf[ni]
		s, i = ns, ni
	}
	s.buf[i] = nil
	q.n--
	q.ti--
	switch {
	case q.n == 0:
		q.tail, q.hi, q.ti = q.head, 0, 0
	case q.ti == 0:
		prev := q.head // drop the emptied tail segment
		for prev.next != q.tail {
			prev = prev.next
		}
		prev.next = nil
		q.tail, q.ti = prev, segSize
	}
	return v
}

// removeIf removes every message for which drop returns true.
func (q *queue) removeIf(drop func(any) bool) {
	var kept queue
	for q.n > 0 {
		if v := q.pop(); !drop(v) {
			kept.push(v)
		}
	}
	*q = kept
}

// Receive returns the oldest message in p's mailbox, waiting up to timeout
// for one (receive Msg -> ... after Timeout -> ... end). Timeout 0 polls;
// Infinity (or any negative duration) waits forever. It returns ErrTimeout
// if no message came in time, and p's exit reason once p has been
// terminated from outside (killed, or an exit signal it does not trap): the
// process should then return that error.
func (p *Process) Receive(timeout time.Duration) (any, error) {
	if timeout < 0 {
		return p.receiveAny()
	}
	return p.receive(nil, timeout)
}

// ReceiveMatch is a selective receive: it returns the oldest message for
// which match returns true, waiting up to timeout for one. Messages that do
// not match stay in the mailbox, in order, for later receives. Errors are
// those of Receive.
func (p *Process) ReceiveMatch(match func(any) bool, timeout time.Duration) (any, error) {
	return p.receive(match, timeout)
}

// receiveAny is Receive(Infinity), the path of every idle process. It is
// kept apart and small on purpose: an idle goroutine's stack holds this
// frame, and the runtime sizes new goroutines' stacks from the average
// (a process that needs more than 2 KiB of stack would cost 4 KiB).
func (p *Process) receiveAny() (any, error) {
	for {
		if p.dead.Load() {
			return nil, p.exitReason()
		}
		if p.save.n > 0 {
			p.saveLen.Add(-1)
			traceReceive(p, 0)
			return p.save.pop(), nil
		}
		p.mu.Lock()
		if p.inbox.n > 0 {
			p.save, p.inbox = p.inbox, p.save
			p.saveLen.Store(p.save.n)
		} else if !p.dead.Load() {
			p.waiting = true
			traceWait(p)
			for p.waiting {
				p.cond.Wait() // unlocks p.mu while asleep
			}
		}
		p.mu.Unlock()
	}
}

func (p *Process) receive(match func(any) bool, timeout time.Duration) (any, error) {
	var timer *time.Timer
	if timeout > 0 {
		defer func() {
			if timer != nil {
				timer.Stop()
				p.disarm()
			}
		}()
	}
	var scanned int32 // save's first `scanned` messages did not match
	var c cursor      // at save's message number `scanned`
	for {
		if p.dead.Load() {
			return nil, p.exitReason()
		}
		if match == nil {
			if p.save.n > 0 {
				p.saveLen.Add(-1)
				traceReceive(p, 0)
				return p.save.pop(), nil
			}
		} else {
			if scanned == 0 {
				c = p.save.start()
			}
			for ; scanned < p.save.n; scanned++ {
				if m := c.get(); match(m) {
					p.save.remove(c)
					traceReceive(p, int(scanned))
					p.saveLen.Add(-1)
					return m, nil
				}
				c.advance()
			}
		}

		p.mu.Lock()
		if p.inbox.n > 0 {
			if p.save.n == 0 {
				p.save, p.inbox = p.inbox, p.save
			} else {
				for p.inbox.n > 0 {
					p.save.push(p.inbox.pop())
				}
			}
			p.mu.Unlock()
			p.saveLen.Store(p.save.n)
			continue
		}
		if p.dead.Load() {
			p.mu.Unlock()
			continue
		}
		if timeout == 0 {
			p.mu.Unlock()
			return nil, ErrTimeout
		}
		if timeout > 0 && timer == nil {
			p.timerGen++
			gen := p.timerGen
			timer = time.AfterFunc(timeout, func() { p.expire(gen) })
		}
		p.waiting = true
		traceWait(p)
		for p.waiting && !p.timedOut {
			p.cond.Wait() // unlocks p.mu while asleep
		}
		if p.timedOut {
			p.timedOut, p.waiting = false, false
			p.mu.Unlock()
			return nil, ErrTimeout
		}
		p.mu.Unlock()
	}
}

// expire is the Receive timer firing. A timer from an earlier Receive
// (gen is old) does nothing.
func (p *Process) expire(gen uint32) {
	p.mu.Lock()
	fire := gen == p.timerGen
	if fire {
		p.timedOut = true
	}
	p.mu.Unlock()
	if fire {
		p.wake()
	}
}

// disarm makes a pending Receive timer harmless once Receive returns.
func (p *Process) disarm() {
	p.mu.Lock()
	p.timerGen++
	p.timedOut = false
	p.mu.Unlock()
}

// flush removes from p's mailbox every message for which drop is true.
// Owner only.
func (p *Process) flush(drop func(any) bool) {
	p.save.removeIf(drop)
	p.mu.Lock()
	p.inbox.removeIf(drop)
	traceFlush(p, drop)
	p.mu.Unlock()
	p.saveLen.Store(p.save.n)
}

// mailboxEmpty reports whether p has no message waiting. Owner only.
func (p *Process) mailboxEmpty() bool {
	if p.save.n > 0 {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inbox.n == 0
}
