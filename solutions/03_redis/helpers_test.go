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

// hiddenLeakCheck makes the goroutine check the test's last cleanup, after the
// redistest servers and proxies (closed by their own cleanups) and the
// client are gone.
func hiddenLeakCheck(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

// hiddenCloseAtEnd closes c when the test ends, failing the test if Close does.
func hiddenCloseAtEnd(t *testing.T, c Client) {
	t.Helper()
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

// hiddenEventually polls cond every millisecond until it holds or d has passed.
func hiddenEventually(d time.Duration, cond func() bool) bool {
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

// hiddenResult is one Command's outcome.
type hiddenResult struct {
	v    any
	err  error
	took time.Duration
}

// hiddenAsync runs c.Command in a goroutine; the channel gets its result.
func hiddenAsync(c Client, args ...string) <-chan hiddenResult {
	ch := make(chan hiddenResult, 1)
	go func() {
		start := time.Now()
		v, err := c.Command(args...)
		ch <- hiddenResult{v, err, time.Since(start)}
	}()
	return ch
}

// hiddenWithin waits up to d for r.
func hiddenWithin(r <-chan hiddenResult, d time.Duration) (hiddenResult, bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case res := <-r:
		return res, true
	case <-t.C:
		return hiddenResult{}, false
	}
}

// hiddenCrowd runs n concurrent callers; caller i sends args(i).
type hiddenCrowd struct {
	wg      sync.WaitGroup
	mu      sync.Mutex
	results map[int]hiddenResult
	done    chan struct{}
}

func hiddenStartCrowd(c Client, n int, args func(i int) []string) *hiddenCrowd {
	cr := &hiddenCrowd{results: map[int]hiddenResult{}, done: make(chan struct{})}
	cr.wg.Add(n)
	for i := range n {
		go func() {
			defer cr.wg.Done()
			start := time.Now()
			v, err := c.Command(args(i)...)
			cr.mu.Lock()
			cr.results[i] = hiddenResult{v, err, time.Since(start)}
			cr.mu.Unlock()
		}()
	}
	go func() { cr.wg.Wait(); close(cr.done) }()
	return cr
}

// wait waits up to d for every caller; it reports whether they all returned.
func (cr *hiddenCrowd) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-cr.done:
		return true
	case <-t.C:
		return false
	}
}

func (cr *hiddenCrowd) finished() int {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return len(cr.results)
}

// mustEcho checks that caller i got its own "caller-i" back.
func (cr *hiddenCrowd) mustEcho(t *testing.T, what string) {
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
				t.Errorf("%s: caller %d sent ECHO %s and got %s", what, i, want, hiddenShort(r.v))
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

// hiddenShort prints a reply for a failure message, cut to a readable length.
func hiddenShort(v any) string {
	s := fmt.Sprintf("%#v", v)
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return s
}

func hiddenEcho(i int) []string { return []string{"ECHO", fmt.Sprintf("caller-%d", i)} }

// hiddenIsDisconnected reports whether err says the connection is gone.
func hiddenIsDisconnected(err error) bool { return errors.Is(err, ErrDisconnected) }

// hiddenFlapper is a TCP server that accepts connections and closes them at once,
// recording when each came.
type hiddenFlapper struct {
	l     net.Listener
	mu    sync.Mutex
	times []time.Time
	done  chan struct{}
}

func hiddenStartFlapper(t *testing.T) *hiddenFlapper {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &hiddenFlapper{l: l, done: make(chan struct{})}
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

func (f *hiddenFlapper) accepted() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.times...)
}
