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

// zzErrTestBoom is the reason tests crash workers with.
var zzErrTestBoom = errors.New("boom")

// zzTestWait bounds every wait in these tests.
const zzTestWait = time.Second

// zzEventLog is a Sink that keeps every event, in order.
type zzEventLog struct {
	mu      sync.Mutex
	events  []Event
	changed chan struct{} // closed and replaced on every event
}

func zzNewEventLog() *zzEventLog { return &zzEventLog{changed: make(chan struct{})} }

// sink is the Sink handed to the code under test.
func (r *zzEventLog) sink(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	close(r.changed)
	r.changed = make(chan struct{})
}

// mark returns how many events have been recorded so far.
func (r *zzEventLog) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// since waits until at least n events were recorded after mark, or
// zzTestWait passes, and returns every event recorded after mark.
func (r *zzEventLog) since(mark, n int) []Event {
	deadline := time.NewTimer(zzTestWait)
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

// zzWantEvent is one expected event: kind, id and, for Terminated, the reason
// (errors.Is).
type zzWantEvent struct {
	kind   EventKind
	id     string
	reason error
}

func zzWantStarted(id string) zzWantEvent { return zzWantEvent{Started, id, nil} }
func zzWantTerminated(id string, reason error) zzWantEvent {
	return zzWantEvent{Terminated, id, reason}
}

func (w zzWantEvent) String() string {
	if w.kind == Terminated {
		return fmt.Sprintf("terminated %s: %v", w.id, w.reason)
	}
	return fmt.Sprintf("started %s", w.id)
}

func (w zzWantEvent) matches(e Event) bool {
	if e.Kind != w.kind || e.ID != w.id {
		return false
	}
	return w.kind != Terminated || errors.Is(e.Reason, w.reason)
}

// zzExpectEvents waits for len(ws) events after mark, lets flush wait for
// any late ones (a call to the supervisor, answered only once it has finished
// restarting), and fails with both lists unless the events are exactly
// ws, in order. advice is added to the failure.
func zzExpectEvents(t *testing.T, r *zzEventLog, mark int, flush func(), what, advice string, ws ...zzWantEvent) []Event {
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
			// As the wanted lines are written, so the two compare line by
			// line; the pid tells a restarted worker apart.
			fmt.Fprintf(&b, "    %v  (%v)\n", zzWantEvent{e.Kind, e.ID, e.Reason}, e.PID)
		}
		b.WriteString(advice)
		t.Fatal(b.String())
	}
	return got
}

// zzChildPIDs returns sup's children's pids by id, failing if sup does not
// answer like a supervisor.
func zzChildPIDs(t *testing.T, sup actor.PID) map[string]actor.PID {
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

// zzChildIDList lists sup's children's ids in start order.
func zzChildIDList(t *testing.T, sup actor.PID) []string {
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

// zzSyncSup returns a func that waits until sup has handled every message
// sent to it before the call: a restart in progress is finished then.
func zzSyncSup(t *testing.T, sup actor.PID) func() {
	return func() {
		t.Helper()
		if _, err := actor.WhichChildren(sup); err != nil {
			t.Fatalf("WhichChildren(%v): %v", sup, err)
		}
	}
}

// zzLeakHint says what usually leaks in this chapter.
const zzLeakHint = "a process the test started (or its supervisor started) is still running: a supervisor stops all its children when it stops"

// zzVerifyNoLeaks checks that no goroutine is left once the test is over.
// Call it first: cleanups run last-in first-out, so whatever the test
// started (and registered with stopAtEnd) is stopped before the check,
// even when the test fails halfway.
func zzVerifyNoLeaks(t *testing.T) {
	t.Helper()
	// Only this test's leaks: a goroutine leaked by an earlier failing
	// test is that test's failure, not this one's.
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if err := goleak.Find(before); err != nil {
			t.Errorf("goroutines were left running after the test (%s):\n%v", zzLeakHint, err)
		}
	})
}

// zzStopAtEnd stops pid when the test ends, unless it is already gone.
func zzStopAtEnd(t *testing.T, pid actor.PID) {
	t.Helper()
	t.Cleanup(func() { zzStopSup(t, pid) })
}

// zzStopSup stops a supervisor or server and waits for it to exit.
func zzStopSup(t *testing.T, pid actor.PID) {
	t.Helper()
	if err := actor.Stop(pid, actor.Shutdown, 2*time.Second); err != nil && !errors.Is(err, actor.NoProc) {
		t.Errorf("stopping %v: %v", pid, err)
	}
}

// zzWatchExit watches pid from a small process and delivers its exit reason
// on the returned channel. The watcher exits once it has delivered.
func zzWatchExit(t *testing.T, pid actor.PID) <-chan error {
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
