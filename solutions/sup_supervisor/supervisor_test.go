package sup

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"go.uber.org/goleak"
)

func TestSupervisorStartsChildrenInOrder(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	log := &zzLog{}
	var specs []ChildSpec
	var want []string
	// Sixteen: a map of eight may come out in insertion order one time in
	// eight; of sixteen, practically never.
	for i, id := range strings.Split("abcdefghijklmnop", "") {
		specs = append(specs, zzWorkerSpec(id, i, log))
		want = append(want, fmt.Sprintf("start %s %d", id, i))
	}
	sup, err := Start(specs)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, sup)
	if got := log.snapshot(); !slices.Equal(got, want) {
		t.Fatalf("when Start returned, the children had done %q, want %q: start every child, in the "+
			"order given (keep the specs in a slice, not a map), before Start returns (in Init)", got, want)
	}
	for _, id := range []string{"a", "p"} {
		if !actor.Alive(log.pid(id)) {
			t.Errorf("child %s is not alive after Start", id)
		}
	}
}

func TestSupervisorRestartsCrashedChild(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	log := &zzLog{}
	sup, err := Start([]ChildSpec{zzWorkerSpec("a", 1, log), zzWorkerSpec("b", 2, log), zzWorkerSpec("c", 3, log)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer zzStop(t, sup)
	a, b, c := log.pid("a"), log.pid("b"), log.pid("c")

	// Messages that are not an exit from a child: a stray message, and an
	// exit from a process that is not a child. The call after them is
	// answered once they have been handled (BaseServer answers it).
	stranger := actor.Spawn(func(*actor.Process) error { return nil })
	actor.Send(sup, "a stray message")
	actor.Send(sup, actor.ExitMsg{From: stranger, Reason: zzErrCrash})
	_, _ = actor.Call(sup, "are you alive?", time.Second)
	if !actor.Alive(sup) {
		t.Fatalf("the supervisor died on a message that is not an exit from one of its children (a plain message, " +
			"then an actor.ExitMsg from a process that is not a child): in HandleInfo, ignore anything else. Check the " +
			"type assertion's ok, and slices.Index's -1, before using them")
	}

	actor.Exit(b, actor.Kill) // the workers trap exits: only Kill crashes them
	if !zzEventually(time.Second, func() bool { n := log.pid("b"); return n != b && actor.Alive(n) }) {
		if !actor.Alive(sup) {
			t.Fatalf("the supervisor died with its child: a linked process that does not trap exits dies " +
				"with it. Call p.TrapExit(true) in Init, and the child's exit arrives as an actor.ExitMsg")
		}
		t.Fatalf("child b was not running again 1s after it crashed: in HandleInfo, on an actor.ExitMsg " +
			"from one of your children, call its spec's Start again")
	}
	want := []string{"start a 1", "start b 2", "start c 3", "start b 2"}
	// Absence can only be watched over a window: give a wrong restart of
	// a sibling 50ms to show up.
	zzEventually(50*time.Millisecond, func() bool { return len(log.snapshot()) > len(want) })
	if got := log.snapshot(); !slices.Equal(got, want) {
		t.Errorf("after b crashed, the children did %q, want %q: one_for_one restarts only the crashed "+
			"child, with its own spec", got, want)
	}
	if log.pid("a") != a || log.pid("c") != c || !actor.Alive(a) || !actor.Alive(c) {
		t.Errorf("a and c should have kept their processes (%v, %v); now %v (alive %v), %v (alive %v)",
			a, c, log.pid("a"), actor.Alive(log.pid("a")), log.pid("c"), actor.Alive(log.pid("c")))
	}

	// And again: the supervisor must follow the new pid, not the old one.
	b2 := log.pid("b")
	actor.Exit(b2, actor.Kill)
	if !zzEventually(time.Second, func() bool { n := log.pid("b"); return n != b2 && actor.Alive(n) }) {
		t.Fatalf("child b was restarted once but not after its second crash: after a restart, remember " +
			"the child's new pid")
	}
}

func TestSupervisorStopStopsChildren(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	log := &zzLog{}
	sup, err := Start([]ChildSpec{zzWorkerSpec("a", 1, log), zzWorkerSpec("b", 2, log), zzWorkerSpec("c", 3, log)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	log.mu.Lock()
	log.hold, log.sup = "c", sup // c, stopped first, watches whether the supervisor waits for it
	log.mu.Unlock()
	if err := Stop(sup); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	// c's Terminate has run by now if the supervisor waited for it;
	// otherwise give it the time to see the supervisor gone.
	zzEventually(zzHold+time.Second, func() bool { _, ok := log.reason("c"); return ok })
	log.mu.Lock()
	supGone := log.supGone
	log.mu.Unlock()
	if supGone {
		t.Errorf("the supervisor exited while child c was still running its Terminate: Terminate must wait for " +
			"each child's actor.ExitMsg (p.ReceiveMatch) before it stops the next one and returns")
	}
	for _, id := range []string{"a", "b", "c"} {
		if actor.Alive(log.pid(id)) {
			t.Errorf("child %s is still alive after Stop returned: in Terminate, stop each child "+
				"(p.Exit(pid, actor.Shutdown)) and wait for its actor.ExitMsg", id)
		}
	}
	want := []string{"start a 1", "start b 2", "start c 3", "stop c", "stop b", "stop a"}
	if got := log.snapshot(); !slices.Equal(got, want) {
		t.Errorf("the children did %q, want %q: stop them one by one, last started first, "+
			"each with p.Exit(pid, actor.Shutdown) from the supervisor", got, want)
	}
}

func TestSupervisorStartFailure(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer zzCatchTODO(t)
	log := &zzLog{}
	errNoStart := errors.New("this child refuses to start")
	bad := ChildSpec{ID: "bad", Start: func(*actor.Process) (actor.PID, error) { return actor.PID{}, errNoStart }}
	sup, err := Start([]ChildSpec{zzWorkerSpec("a", 1, log), bad, zzWorkerSpec("c", 3, log)})
	if err == nil {
		zzStop(t, sup)
		t.Fatalf("Start succeeded although child \"bad\" failed to start: return its error")
	}
	switch {
	case !errors.Is(err, errNoStart) && strings.HasSuffix(err.Error(), actor.Shutdown.Error()):
		// Stopping child a killed the supervisor itself, through their link.
		t.Errorf("Start returned %q: the supervisor died of child a's exit while it stopped a after \"bad\" failed, "+
			"so the child's error was lost: a supervisor must trap exits (call p.TrapExit(true) in Init), "+
			"so that a child's exit reaches it as an actor.ExitMsg", err)
	case !errors.Is(err, errNoStart) || !strings.Contains(err.Error(), "bad"):
		t.Errorf("Start returned %q: wrap the child's error with %%w and name the child (\"bad\")", err)
	}
	if sup != (actor.PID{}) && actor.Alive(sup) {
		t.Errorf("Start failed but the supervisor %v is alive", sup)
	}
	// A child the supervisor stopped has run its Terminate, with Shutdown,
	// before Start returns; the supervisor's own exit would take it down
	// through the link too, but later, and as a crash.
	if r, ok := log.reason("a"); !ok || !errors.Is(r, actor.Shutdown) {
		state := "it was still running"
		switch {
		case actor.Alive(log.pid("a")):
		case ok:
			state = fmt.Sprintf("it had ended, but of %v, not of a Shutdown from the supervisor", r)
		default:
			state = "it had ended without running its Terminate: the link killed it, not a Shutdown from the supervisor"
		}
		t.Errorf("Start failed but child a, started before \"bad\", had not been stopped by the supervisor when Start returned "+
			"(%s): stop the children already started before returning the error, "+
			"each with p.Exit(pid, actor.Shutdown), waiting for its actor.ExitMsg", state)
	}
	if got := log.snapshot(); slices.Contains(got, "start c 3") {
		t.Errorf("child c was started after \"bad\" failed: stop at the first failure")
	}
}
