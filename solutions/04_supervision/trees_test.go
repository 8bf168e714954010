package supervision

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// zzStartTestTree starts a tree with start, checks that its workers started in
// order ids and that the supervisor lists them in that order, and returns
// the supervisor.
func zzStartTestTree(t *testing.T, r *zzEventLog, name string, start func(Sink) (actor.PID, error), ids ...string) actor.PID {
	t.Helper()
	sup, err := start(r.sink)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	zzStopAtEnd(t, sup)
	ws := make([]zzWantEvent, len(ids))
	for i, id := range ids {
		ws[i] = zzWantStarted(id)
	}
	zzExpectEvents(t, r, 0, zzSyncSup(t, sup), name+" returned",
		"\nStart the children in this order: a supervisor starts its ChildSpecs in the order of the Children slice.", ws...)
	if got := zzChildIDList(t, sup); !slices.Equal(got, ids) {
		t.Fatalf("%s's supervisor lists children %q, want %q", name, got, ids)
	}
	return sup
}

// zzCrashTestChild crashes sup's child id with errTestBoom and returns its old pid
// and the mark to read the events from.
func zzCrashTestChild(t *testing.T, r *zzEventLog, sup actor.PID, id string) (actor.PID, int) {
	t.Helper()
	pid, ok := zzChildPIDs(t, sup)[id]
	if !ok || pid.IsZero() {
		t.Fatalf("the supervisor has no running child %q", id)
	}
	mark := r.mark()
	Crash(pid, zzErrTestBoom)
	return pid, mark
}

// zzCheckRestarted checks which of sup's children kept their pid.
func zzCheckRestarted(t *testing.T, sup actor.PID, before map[string]actor.PID, restarted ...string) {
	t.Helper()
	after := zzChildPIDs(t, sup)
	for id, old := range before {
		now := after[id]
		switch {
		case slices.Contains(restarted, id) && (now == old || now.IsZero()):
			t.Errorf("child %q should have been restarted (new pid), but the supervisor lists %v (was %v)", id, now, old)
		case !slices.Contains(restarted, id) && now != old:
			t.Errorf("child %q should have kept its pid %v, but the supervisor lists %v", id, old, now)
		}
	}
}

// 04.2: one_for_one.

func TestCachesStartInOrder(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup := zzStartTestTree(t, r, "StartCaches", StartCaches, "users", "orders", "sessions")
	zzStopSup(t, sup)
}

func TestOneForOneRestartsOnlyTheCrashed(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup := zzStartTestTree(t, r, "StartCaches", StartCaches, "users", "orders", "sessions")
	before := zzChildPIDs(t, sup)
	_, mark := zzCrashTestChild(t, r, sup, "orders")
	zzExpectEvents(t, r, mark, zzSyncSup(t, sup), "after orders crashed",
		"\nThe caches are independent: one_for_one (actor.OneForOne) restarts only the child that crashed.",
		zzWantTerminated("orders", zzErrTestBoom), zzWantStarted("orders"))
	zzCheckRestarted(t, sup, before, "orders")
}

func TestCachesStopInReverseOrder(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup := zzStartTestTree(t, r, "StartCaches", StartCaches, "users", "orders", "sessions")
	// How the children died tells a brutal kill (Terminate skipped by
	// design) from a worker that does not trap exits.
	var exits []<-chan error
	for _, pid := range zzChildPIDs(t, sup) {
		exits = append(exits, zzWatchExit(t, pid))
	}
	mark := r.mark()
	zzStopSup(t, sup)
	advice := "\nA supervisor stops its children in reverse start order; each must trap exits (04.1) for its Terminate to run."
	for _, exit := range exits {
		if reason := <-exit; errors.Is(reason, actor.Killed) {
			advice = "\nThe supervisor killed its children (exit reason Killed) instead of asking them to stop: a child " +
				"with Shutdown: actor.BrutalKill is killed at once, and a kill skips Terminate. Keep the worker's " +
				"default shutdown (a timeout), which sends Shutdown and waits for Terminate to finish."
			break
		}
	}
	zzExpectEvents(t, r, mark, nil, "after the caches' supervisor stopped", advice,
		zzWantTerminated("sessions", actor.Shutdown), zzWantTerminated("orders", actor.Shutdown), zzWantTerminated("users", actor.Shutdown))
}

// 04.3: one_for_all.

func TestMatchStartsInOrder(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup := zzStartTestTree(t, r, "StartMatch", StartMatch, "board", "clock", "referee")
	zzStopSup(t, sup)
}

func TestOneForAllRestartsEveryone(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup := zzStartTestTree(t, r, "StartMatch", StartMatch, "board", "clock", "referee")
	before := zzChildPIDs(t, sup)
	_, mark := zzCrashTestChild(t, r, sup, "clock")
	zzExpectEvents(t, r, mark, zzSyncSup(t, sup), "after clock crashed",
		"\nThe match's parts only make sense together: one_for_all (actor.OneForAll) stops the survivors in reverse start order, then starts everyone again in start order.",
		zzWantTerminated("clock", zzErrTestBoom),
		zzWantTerminated("referee", actor.Shutdown), zzWantTerminated("board", actor.Shutdown),
		zzWantStarted("board"), zzWantStarted("clock"), zzWantStarted("referee"))
	zzCheckRestarted(t, sup, before, "board", "clock", "referee")
}

// 04.4: rest_for_one.

func TestPipelineStartsInOrder(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup := zzStartTestTree(t, r, "StartPipeline", StartPipeline, "conn", "cache", "api")
	zzStopSup(t, sup)
}

func TestRestForOneRestartsTheRest(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup := zzStartTestTree(t, r, "StartPipeline", StartPipeline, "conn", "cache", "api")
	before := zzChildPIDs(t, sup)
	_, mark := zzCrashTestChild(t, r, sup, "cache")
	zzExpectEvents(t, r, mark, zzSyncSup(t, sup), "after cache crashed",
		"\napi depends on cache, conn does not: rest_for_one (actor.RestForOne) restarts the crashed child and every child started after it, never the ones before.",
		zzWantTerminated("cache", zzErrTestBoom), zzWantTerminated("api", actor.Shutdown),
		zzWantStarted("cache"), zzWantStarted("api"))
	zzCheckRestarted(t, sup, before, "cache", "api")
}

func TestRestForOneEnds(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup := zzStartTestTree(t, r, "StartPipeline", StartPipeline, "conn", "cache", "api")

	before := zzChildPIDs(t, sup)
	_, mark := zzCrashTestChild(t, r, sup, "api")
	zzExpectEvents(t, r, mark, zzSyncSup(t, sup), "after api (the last child) crashed",
		"\nNothing depends on api, the last child: rest_for_one restarts it alone.",
		zzWantTerminated("api", zzErrTestBoom), zzWantStarted("api"))
	zzCheckRestarted(t, sup, before, "api")

	before = zzChildPIDs(t, sup)
	_, mark = zzCrashTestChild(t, r, sup, "conn")
	zzExpectEvents(t, r, mark, zzSyncSup(t, sup), "after conn (the first child) crashed",
		"\nEverything depends on conn, the first child: rest_for_one restarts all of them, stopping the others in reverse order first.",
		zzWantTerminated("conn", zzErrTestBoom), zzWantTerminated("api", actor.Shutdown), zzWantTerminated("cache", actor.Shutdown),
		zzWantStarted("conn"), zzWantStarted("cache"), zzWantStarted("api"))
	zzCheckRestarted(t, sup, before, "conn", "cache", "api")
}

func TestPipelineSpecZeroMeansNoRestart(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	sup, err := actor.StartSupervisor(PipelineSpec(r.sink, Intensity{MaxRestarts: 0}))
	if err != nil {
		t.Fatalf("starting a supervisor from PipelineSpec(sink, Intensity{MaxRestarts: 0}): %v", err)
	}
	zzStopAtEnd(t, sup)
	zzExpectEvents(t, r, 0, zzSyncSup(t, sup), "after a supervisor from PipelineSpec started",
		"\nPipelineSpec's Children: conn, cache, api, in that order.",
		zzWantStarted("conn"), zzWantStarted("cache"), zzWantStarted("api"))
	down := zzWatchExit(t, sup)
	_, mark := zzCrashTestChild(t, r, sup, "api")
	// Either the supervisor exits (right) or api starts again (the
	// mistake): whichever comes first, no waiting out a deadline.
	const advice = "MaxRestarts: 0 means no restart at all (as max_restarts: 0), so PipelineSpec's SupervisorSpec.MaxRestarts must be new(in.MaxRestarts) even when it is 0; nil means the default"
	deadline := time.NewTimer(zzTestWait)
	defer deadline.Stop()
	for exited := false; !exited; {
		r.mu.Lock()
		restarted := slices.ContainsFunc(r.events[mark:], func(e Event) bool { return e.Kind == Started })
		changed := r.changed
		r.mu.Unlock()
		if restarted {
			t.Fatalf("a supervisor from PipelineSpec(sink, Intensity{MaxRestarts: 0}) restarted api after it crashed: %s (%d restarts)", advice, actor.DefaultMaxRestarts)
		}
		select {
		case reason := <-down:
			if !errors.Is(reason, actor.ErrMaxRestarts) {
				t.Fatalf("the pipeline supervisor exited with %v after api crashed, want actor.Shutdown matching actor.ErrMaxRestarts: with MaxRestarts 0 it gives up at the first crash", reason)
			}
			exited = true
		case <-changed:
		case <-deadline.C:
			t.Fatalf("a supervisor from PipelineSpec(sink, Intensity{MaxRestarts: 0}) is still running %v after api crashed: %s", zzTestWait, advice)
		}
	}
	zzExpectEvents(t, r, mark, nil, "after api crashed under MaxRestarts 0",
		"\nMaxRestarts: 0 means no restart at all: the supervisor stops the others and exits instead of restarting api.",
		zzWantTerminated("api", zzErrTestBoom), zzWantTerminated("cache", actor.Shutdown), zzWantTerminated("conn", actor.Shutdown))
}
