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
	for i, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
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
	for _, id := range []string{"a", "h"} {
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
	if err := Stop(sup); err != nil {
		t.Fatalf("Stop: %v", err)
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
	if !errors.Is(err, errNoStart) || !strings.Contains(err.Error(), "bad") {
		t.Errorf("Start returned %q: wrap the child's error with %%w and name the child (\"bad\")", err)
	}
	if sup != (actor.PID{}) && actor.Alive(sup) {
		t.Errorf("Start failed but the supervisor %v is alive", sup)
	}
	if actor.Alive(log.pid("a")) {
		t.Errorf("Start failed but child a, started before \"bad\", is still alive: stop the children " +
			"already started before returning the error")
	}
	if got := log.snapshot(); slices.Contains(got, "start c 3") {
		t.Errorf("child c was started after \"bad\" failed: stop at the first failure")
	}
}
