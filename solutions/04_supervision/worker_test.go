package supervision

import (
	"errors"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// 04.1: a worker that reports start and terminate.

func TestWorkerReportsStart(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	pid, err := StartWorker("w", r.sink)
	if err != nil {
		t.Fatalf("StartWorker: %v", err)
	}
	zzStopAtEnd(t, pid)
	got := zzExpectEvents(t, r, 0, nil, "after StartWorker(\"w\", sink) returned",
		"\nReport Started from Init: StartServer returns only once Init has run.",
		zzWantStarted("w"))
	if got[0].PID != pid {
		t.Fatalf("the Started event carries PID %v, but StartWorker returned %v: report p.Self() from Init", got[0].PID, pid)
	}
}

func TestWorkerReportsCrash(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	pid, err := StartWorker("w", r.sink)
	if err != nil {
		t.Fatalf("StartWorker: %v", err)
	}
	zzStopAtEnd(t, pid)
	down := zzWatchExit(t, pid)
	exitReason := func() (error, bool) {
		select {
		case reason := <-down:
			return reason, true
		case <-time.After(zzTestWait):
			return nil, false
		}
	}
	mark := r.mark()
	Crash(pid, zzErrTestBoom)
	// A Terminated event with another reason, from a worker that did exit
	// with boom, is Terminate's mistake, not Crash's.
	if got := r.since(mark, 1); len(got) == 1 && got[0].Kind == Terminated && !errors.Is(got[0].Reason, zzErrTestBoom) {
		if reason, ok := exitReason(); ok && errors.Is(reason, zzErrTestBoom) {
			t.Fatalf("the worker exited with reason %v, but its Terminated event says %v: report the reason Terminate is given (Event.Reason)", reason, got[0].Reason)
		}
	}
	got := zzExpectEvents(t, r, mark, nil, "after Crash(w, boom)",
		"\nCrash must make one of the worker's handlers return the reason; the server then calls Terminate with it and exits. Either cast a message whose HandleCast returns it, "+
			"or send an exit signal (actor.Exit(pid, reason)): the worker traps exits, so the signal arrives in HandleInfo as an actor.ExitMsg, and HandleInfo must return its Reason.",
		zzWantTerminated("w", zzErrTestBoom))
	if got[0].PID != pid {
		t.Fatalf("the Terminated event carries PID %v, want the worker's %v", got[0].PID, pid)
	}
	reason, ok := exitReason()
	if !ok {
		t.Fatalf("the worker reported Terminated but is still alive %v later", zzTestWait)
	}
	if !errors.Is(reason, zzErrTestBoom) {
		t.Fatalf("the worker exited with reason %v, want boom: a supervisor restarts a child based on this reason", reason)
	}
}

func TestWorkerTerminatesWhenSupervisorStops(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup, err := actor.StartSupervisor(actor.SupervisorSpec{
		Children: []actor.ChildSpec{Spec("a", r.sink), Spec("b", r.sink)},
	})
	if errors.Is(err, actor.ErrChildExists) {
		t.Fatalf("a supervisor with Spec(\"a\", sink) and Spec(\"b\", sink) failed to start (%v): Spec(id, sink) must use id as the ChildSpec's ID, and the IDs of a supervisor's children must differ", err)
	}
	if err != nil {
		t.Fatalf("a supervisor with Spec(\"a\", sink) and Spec(\"b\", sink) failed to start: %v", err)
	}
	zzStopAtEnd(t, sup)
	zzExpectEvents(t, r, 0, nil, "after a supervisor with Spec(\"a\") and Spec(\"b\") started", "", zzWantStarted("a"), zzWantStarted("b"))
	if ids := zzChildIDList(t, sup); len(ids) != 2 || ids[0] != "a" || ids[1] != "b" {
		t.Fatalf("the supervisor's children are %q, want [a b]: Spec(id, sink) must use id as the ChildSpec's ID", ids)
	}
	mark := r.mark()
	zzStopSup(t, sup)
	zzExpectEvents(t, r, mark, nil, "after their supervisor stopped",
		"\nA supervisor stops a child with an exit signal (reason Shutdown). A process that does not trap exits dies at once and its Terminate never runs: call p.TrapExit(true) in Init. Children stop in reverse start order.",
		zzWantTerminated("b", actor.Shutdown), zzWantTerminated("a", actor.Shutdown))
}

func TestSpecRestartsWorker(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup, err := actor.StartSupervisor(actor.SupervisorSpec{
		Children: []actor.ChildSpec{Spec("a", r.sink)},
	})
	if err != nil {
		t.Fatalf("a supervisor with Spec(\"a\", sink) failed to start: %v", err)
	}
	zzStopAtEnd(t, sup)
	zzExpectEvents(t, r, 0, nil, "after a supervisor with Spec(\"a\") started", "", zzWantStarted("a"))
	old := zzChildPIDs(t, sup)["a"]
	mark := r.mark()
	Crash(old, zzErrTestBoom)
	got := zzExpectEvents(t, r, mark, zzSyncSup(t, sup), "after a crashed",
		"\nSpec's child must be Permanent (the zero Restart) and its Start must start a fresh worker each time.",
		zzWantTerminated("a", zzErrTestBoom), zzWantStarted("a"))
	if got[1].PID == old {
		t.Fatalf("the restarted worker reported the old pid %v", old)
	}
}
