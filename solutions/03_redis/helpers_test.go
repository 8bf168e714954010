package redis

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// leakCheck makes the goroutine check the test's last cleanup, after the
// redistest servers and proxies (closed by their own cleanups) and the
// client are gone.
func leakCheck(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

// closeAtEnd closes c when the test ends, failing the test if Close does.
func closeAtEnd(t *testing.T, c Client) {
	t.Helper()
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

// eventually polls cond every millisecond until it holds or d has passed.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
	return true
}

// result is one Command's outcome.
type result struct {
	v    any
	err  error
	took time.Duration
}

// async runs c.Command in a goroutine; the channel gets its result.
func async(c Client, args ...string) <-chan result {
	ch := make(chan result, 1)
	go func() {
		start := time.Now()
		v, err := c.Command(args...)
		ch <- result{v, err, time.Since(start)}
	}()
	return ch
}

// within waits up to d for r.
func within(r <-chan result, d time.Duration) (result, bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case res := <-r:
		return res, true
	case <-t.C:
		return result{}, false
	}
}

// crowd runs n concurrent callers; caller i sends args(i).
type crowd struct {
	wg      sync.WaitGroup
	mu      sync.Mutex
	results map[int]result
	done    chan struct{}
}

func startCrowd(c Client, n int, args func(i int) []string) *crowd {
	cr := &crowd{results: map[int]result{}, done: make(chan struct{})}
	cr.wg.Add(n)
	for i := range n {
		go func() {
			defer cr.wg.Done()
			start := time.Now()
			v, err := c.Command(args(i)...)
			cr.mu.Lock()
			cr.results[i] = result{v, err, time.Since(start)}
			cr.mu.Unlock()
		}()
	}
	go func() { cr.wg.Wait(); close(cr.done) }()
	return cr
}

// wait waits up to d for every caller; it reports whether they all returned.
func (cr *crowd) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-cr.done:
		return true
	case <-t.C:
		return false
	}
}

func (cr *crowd) finished() int {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return len(cr.results)
}

// mustEcho checks that caller i got its own "caller-i" back.
func (cr *crowd) mustEcho(t *testing.T, what string) {
	t.Helper()
	cr.mu.Lock()
	defer cr.mu.Unlock()
	var swapped, failed int
	var firstErr error
	for i, r := range cr.results {
		want := fmt.Sprintf("caller-%d", i)
		switch {
		case r.err != nil:
			if failed == 0 {
				firstErr = r.err
			}
			failed++
		case r.v != want:
			if swapped < 3 {
				t.Errorf("%s: caller %d sent ECHO %s and got %s", what, i, want, short(r.v))
			}
			swapped++
		}
	}
	if failed > 0 {
		t.Errorf("%s: %d of %d callers got an error, the first: %v", what, failed, len(cr.results), firstErr)
	}
	if swapped > 0 {
		t.Errorf("%s: %d of %d callers got someone else's reply: Redis answers in the order commands were "+
			"written, so keep the waiting callers in that order (a FIFO) and answer the oldest first",
			what, swapped, len(cr.results))
	}
}

// short prints a reply for a failure message, cut to a readable length.
func short(v any) string {
	s := fmt.Sprintf("%#v", v)
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return s
}

func echo(i int) []string { return []string{"ECHO", fmt.Sprintf("caller-%d", i)} }

// isDisconnected reports whether err says the connection is gone.
func isDisconnected(err error) bool { return errors.Is(err, ErrDisconnected) }

// flapper is a TCP server that accepts connections and closes them at once,
// recording when each came.
type flapper struct {
	l     net.Listener
	mu    sync.Mutex
	times []time.Time
	done  chan struct{}
}

func startFlapper(t *testing.T) *flapper {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &flapper{l: l, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.times = append(f.times, time.Now())
			f.mu.Unlock()
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-f.done })
	return f
}

func (f *flapper) accepted() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.times...)
}
