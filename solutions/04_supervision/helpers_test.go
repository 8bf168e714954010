package supervision

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"go.uber.org/goleak"
)

// errTestBoom is the reason tests crash workers with.
var errTestBoom = errors.New("boom")

// testWait bounds every wait in these tests.
const testWait = time.Second

// eventLog is a Sink that keeps every event, in order.
type eventLog struct {
	mu      sync.Mutex
	events  []Event
	changed chan struct{} // closed and replaced on every event
}

func newEventLog() *eventLog { return &eventLog{changed: make(chan struct{})} }

// sink is the Sink handed to the code under test.
func (r *eventLog) sink(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	close(r.changed)
	r.changed = make(chan struct{})
}

// mark returns how many events have been recorded so far.
func (r *eventLog) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// since waits until at least n events were recorded after mark, or
// testWait passes, and returns every event recorded after mark.
func (r *eventLog) since(mark, n int) []Event {
	deadline := time.NewTimer(testWait)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		got := append([]Event(nil), r.events[mark:]...)
		changed := r.changed
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline.C:
			return got
		}
	}
}

// wantEvent is one expected event: kind, id and, for Terminated, the reason
// (errors.Is).
type wantEvent struct {
	kind   EventKind
	id     string
	reason error
}

func wantStarted(id string) wantEvent                  { return wantEvent{Started, id, nil} }
func wantTerminated(id string, reason error) wantEvent { return wantEvent{Terminated, id, reason} }

func (w wantEvent) String() string {
	if w.kind == Terminated {
		return fmt.Sprintf("terminated %s: %v", w.id, w.reason)
	}
	return fmt.Sprintf("started %s", w.id)
}

func (w wantEvent) matches(e Event) bool {
	if e.Kind != w.kind || e.ID != w.id {
		return false
	}
	return w.kind != Terminated || errors.Is(e.Reason, w.reason)
}

// expectEvents waits for len(ws) events after mark, lets flush wait for
// any late ones (a call to the supervisor, answered only once it has finished
// restarting), and fails with both lists unless the events are exactly
// ws, in order. advice is added to the failure.
func expectEvents(t *testing.T, r *eventLog, mark int, flush func(), what, advice string, ws ...wantEvent) []Event {
	t.Helper()
	got := r.since(mark, len(ws))
	if flush != nil && len(got) == len(ws) {
		flush()
		got = r.since(mark, len(ws))
	}
	ok := len(got) == len(ws)
	for i := 0; ok && i < len(ws); i++ {
		ok = ws[i].matches(got[i])
	}
	if !ok {
		var b strings.Builder
		fmt.Fprintf(&b, "%s, the workers should report exactly:\n", what)
		for _, w := range ws {
			fmt.Fprintf(&b, "    %v\n", w)
		}
		b.WriteString("but they reported:\n")
		if len(got) == 0 {
			b.WriteString("    nothing\n")
		}
		for _, e := range got {
			fmt.Fprintf(&b, "    %v\n", e)
		}
		b.WriteString(advice)
		t.Fatal(b.String())
	}
	return got
}

// childPIDs returns sup's children's pids by id, failing if sup does not
// answer like a supervisor.
func childPIDs(t *testing.T, sup actor.PID) map[string]actor.PID {
	t.Helper()
	kids, err := actor.WhichChildren(sup)
	if err != nil {
		t.Fatalf("WhichChildren(%v): %v (is it a supervisor?)", sup, err)
	}
	m := make(map[string]actor.PID, len(kids))
	for _, k := range kids {
		m[k.ID] = k.PID
	}
	return m
}

// childIDList lists sup's children's ids in start order.
func childIDList(t *testing.T, sup actor.PID) []string {
	t.Helper()
	kids, err := actor.WhichChildren(sup)
	if err != nil {
		t.Fatalf("WhichChildren(%v): %v (is it a supervisor?)", sup, err)
	}
	ids := make([]string, len(kids))
	for i, k := range kids {
		ids[i] = k.ID
	}
	return ids
}

// syncSup returns a func that waits until sup has handled every message
// sent to it before the call: a restart in progress is finished then.
func syncSup(t *testing.T, sup actor.PID) func() {
	return func() {
		t.Helper()
		if _, err := actor.WhichChildren(sup); err != nil {
			t.Fatalf("WhichChildren(%v): %v", sup, err)
		}
	}
}

// leakHint says what usually leaks in this chapter.
const leakHint = "a process the test started (or its supervisor started) is still running: a supervisor stops all its children when it stops"

// verifyNoLeaks checks that no goroutine is left once the test is over.
// Call it first: cleanups run last-in first-out, so whatever the test
// started (and registered with stopAtEnd) is stopped before the check,
// even when the test fails halfway.
func verifyNoLeaks(t *testing.T) {
	t.Helper()
	// Only this test's leaks: a goroutine leaked by an earlier failing
	// test is that test's failure, not this one's.
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if err := goleak.Find(before); err != nil {
			t.Errorf("goroutines were left running after the test (%s):\n%v", leakHint, err)
		}
	})
}

// stopAtEnd stops pid when the test ends, unless it is already gone.
func stopAtEnd(t *testing.T, pid actor.PID) {
	t.Helper()
	t.Cleanup(func() { stopSup(t, pid) })
}

// stopSup stops a supervisor or server and waits for it to exit.
func stopSup(t *testing.T, pid actor.PID) {
	t.Helper()
	if err := actor.Stop(pid, actor.Shutdown, 2*time.Second); err != nil && !errors.Is(err, actor.NoProc) {
		t.Errorf("stopping %v: %v", pid, err)
	}
}

// watchExit watches pid from a small process and delivers its exit reason
// on the returned channel. The watcher exits once it has delivered.
func watchExit(t *testing.T, pid actor.PID) <-chan error {
	t.Helper()
	down := make(chan error, 1)
	ready := make(chan struct{})
	actor.Spawn(func(p *actor.Process) error {
		ref := p.Monitor(pid)
		close(ready)
		msg, err := p.ReceiveMatch(func(m any) bool {
			d, ok := m.(actor.Down)
			return ok && d.Ref == ref
		}, 5*time.Second)
		if err != nil {
			down <- fmt.Errorf("no Down for %v: %w", pid, err)
			return nil
		}
		down <- msg.(actor.Down).Reason
		return nil
	})
	<-ready
	return down
}
