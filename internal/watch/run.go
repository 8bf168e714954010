package watch

import "sync"

// Queue keeps checks from overlapping for a caller that runs them on its
// own (a UI running each check in the background): a request during a check
// is remembered, and any number of them amount to one more check.
// The zero Queue is ready to use and safe for concurrent use.
type Queue struct {
	mu      sync.Mutex
	running bool
	pending bool
}

// Request asks for a check. It reports whether the caller should start one
// now; if not, one is queued to follow the running check.
func (q *Queue) Request() (start bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running {
		q.pending = true
		return false
	}
	q.running = true
	return true
}

// Done records that the running check ended. It reports whether the caller
// should start the queued one now (the queue then counts it as running).
func (q *Queue) Done() (again bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending {
		q.pending = false
		return true
	}
	q.running = false
	return false
}

// Running reports whether a check is running.
func (q *Queue) Running() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.running
}

// Pending reports whether a check is queued behind the running one.
func (q *Queue) Pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.pending
}
