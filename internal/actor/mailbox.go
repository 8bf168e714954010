package actor

import "time"

// A mailbox is two FIFO rings. Senders append to inbox under p.mu. The
// owner takes messages from save, its private ring; when save is empty it
// swaps the two rings in O(1), so one lock hands over a whole batch.
// Selective receive scans save without holding any lock (so a match
// function may do anything, even Send to itself) and pulls more from
// inbox only when save holds no match. Dequeue is O(1); removing a
// message from the middle (a selective match) shifts the ones after it.

// ring is a growable circular FIFO whose capacity is a power of two.
type ring struct {
	buf  []any
	head int
	n    int
}

const minRing = 8

func (r *ring) push(v any) {
	if r.n == len(r.buf) {
		r.resize(max(minRing, 2*len(r.buf)))
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
}

func (r *ring) pop() any {
	v := r.buf[r.head]
	r.buf[r.head] = nil // let the message be collected
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	r.maybeShrink()
	return v
}

func (r *ring) at(i int) any { return r.buf[(r.head+i)&(len(r.buf)-1)] }

// removeAt removes the i-th oldest message, keeping the others in order.
func (r *ring) removeAt(i int) any {
	mask := len(r.buf) - 1
	v := r.buf[(r.head+i)&mask]
	for j := i; j < r.n-1; j++ {
		r.buf[(r.head+j)&mask] = r.buf[(r.head+j+1)&mask]
	}
	r.buf[(r.head+r.n-1)&mask] = nil
	r.n--
	r.maybeShrink()
	return v
}

// removeIf removes every message for which drop returns true.
func (r *ring) removeIf(drop func(any) bool) {
	kept := ring{}
	for r.n > 0 {
		if v := r.pop(); !drop(v) {
			kept.push(v)
		}
	}
	*r = kept
}

// maybeShrink gives memory back after a burst: a mailbox that once held a
// million messages should not keep a million slots.
func (r *ring) maybeShrink() {
	if len(r.buf) > 64 && r.n < len(r.buf)/4 {
		r.resize(len(r.buf) / 2)
	}
}

func (r *ring) resize(size int) {
	buf := make([]any, size)
	for i := 0; i < r.n; i++ {
		buf[i] = r.at(i)
	}
	r.buf, r.head = buf, 0
}

// Receive returns the oldest message in p's mailbox, waiting up to timeout
// for one (receive Msg -> ... after Timeout -> ... end). Timeout 0 polls;
// Infinity (or any negative duration) waits forever. It returns ErrTimeout
// if no message came in time, and p's exit reason once p has been
// terminated from outside (killed, or an exit signal it does not trap): the
// process should then return that error.
func (p *Process) Receive(timeout time.Duration) (any, error) {
	return p.receive(nil, timeout)
}

// ReceiveMatch is a selective receive: it returns the oldest message for
// which match returns true, waiting up to timeout for one. Messages that do
// not match stay in the mailbox, in order, for later receives. Errors are
// those of Receive.
func (p *Process) ReceiveMatch(match func(any) bool, timeout time.Duration) (any, error) {
	return p.receive(match, timeout)
}

func (p *Process) receive(match func(any) bool, timeout time.Duration) (any, error) {
	if timeout > 0 {
		defer p.stopTimer()
	}
	var timedOut <-chan time.Time
	scanned := 0 // save[:scanned] has been checked and did not match
	for {
		if p.dead.Load() {
			return nil, p.exitReason()
		}
		if match == nil {
			if p.save.n > 0 {
				p.saveLen.Add(-1)
				return p.save.pop(), nil
			}
		} else {
			for ; scanned < p.save.n; scanned++ {
				if m := p.save.at(scanned); match(m) {
					p.save.removeAt(scanned)
					p.saveLen.Add(-1)
					return m, nil
				}
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
			p.saveLen.Store(int64(p.save.n))
			continue
		}
		if p.dead.Load() || timeout == 0 {
			p.mu.Unlock()
			if timeout == 0 && !p.dead.Load() {
				return nil, ErrTimeout
			}
			continue
		}
		p.waiting = true
		p.mu.Unlock()

		if timeout < 0 {
			<-p.notify
			continue
		}
		if timedOut == nil {
			timedOut = p.startTimer(timeout)
		}
		select {
		case <-p.notify:
		case <-timedOut:
			p.mu.Lock()
			p.waiting = false
			p.mu.Unlock()
			return nil, ErrTimeout
		}
	}
}

// startTimer arms p's reusable Receive timer. Since Go 1.23, Stop and
// Reset leave no stale tick in the channel, so one timer serves every
// Receive of the process.
func (p *Process) startTimer(d time.Duration) <-chan time.Time {
	if p.timer == nil {
		p.timer = time.NewTimer(d)
	} else {
		p.timer.Reset(d)
	}
	return p.timer.C
}

func (p *Process) stopTimer() {
	if p.timer != nil {
		p.timer.Stop()
	}
}

// flush removes from p's mailbox every message for which drop is true.
// Owner only.
func (p *Process) flush(drop func(any) bool) {
	p.save.removeIf(drop)
	p.mu.Lock()
	p.inbox.removeIf(drop)
	p.mu.Unlock()
	p.saveLen.Store(int64(p.save.n))
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
