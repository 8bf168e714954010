package supervision

import (
	"slices"
	"testing"

	"github.com/otpgo/otpgo/internal/actor"
)

// startTestTree starts a tree with start, checks that its workers started in
// order ids and that the supervisor lists them in that order, and returns
// the supervisor.
func startTestTree(t *testing.T, r *eventLog, name string, start func(Sink) (actor.PID, error), ids ...string) actor.PID {
	t.Helper()
	sup, err := start(r.sink)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	stopAtEnd(t, sup)
	ws := make([]wantEvent, len(ids))
	for i, id := range ids {
		ws[i] = wantStarted(id)
	}
	expectEvents(t, r, 0, syncSup(t, sup), name+" returned",
		"\nStart the children in this order: a supervisor starts its ChildSpecs in the order of the Children slice.", ws...)
	if got := childIDList(t, sup); !slices.Equal(got, ids) {
		t.Fatalf("%s's supervisor lists children %q, want %q", name, got, ids)
	}
	return sup
}

// crashTestChild crashes sup's child id with errTestBoom and returns its old pid
// and the mark to read the events from.
func crashTestChild(t *testing.T, r *eventLog, sup actor.PID, id string) (actor.PID, int) {
	t.Helper()
	pid, ok := childPIDs(t, sup)[id]
	if !ok || pid.IsZero() {
		t.Fatalf("the supervisor has no running child %q", id)
	}
	mark := r.mark()
	Crash(pid, errTestBoom)
	return pid, mark
}

// checkRestarted checks which of sup's children kept their pid.
func checkRestarted(t *testing.T, sup actor.PID, before map[string]actor.PID, restarted ...string) {
	t.Helper()
	after := childPIDs(t, sup)
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
	verifyNoLeaks(t)
	r := newEventLog()
	sup := startTestTree(t, r, "StartCaches", StartCaches, "users", "orders", "sessions")
	stopSup(t, sup)
}

func TestOneForOneRestartsOnlyTheCrashed(t *testing.T) {
	verifyNoLeaks(t)
	r := newEventLog()
	sup := startTestTree(t, r, "StartCaches", StartCaches, "users", "orders", "sessions")
	before := childPIDs(t, sup)
	_, mark := crashTestChild(t, r, sup, "orders")
	expectEvents(t, r, mark, syncSup(t, sup), "after orders crashed",
		"\nThe caches are independent: one_for_one (actor.OneForOne) restarts only the child that crashed.",
		wantTerminated("orders", errTestBoom), wantStarted("orders"))
	checkRestarted(t, sup, before, "orders")
}

func TestCachesStopInReverseOrder(t *testing.T) {
	verifyNoLeaks(t)
	r := newEventLog()
	sup := startTestTree(t, r, "StartCaches", StartCaches, "users", "orders", "sessions")
	mark := r.mark()
	stopSup(t, sup)
	expectEvents(t, r, mark, nil, "after the caches' supervisor stopped",
		"\nA supervisor stops its children in reverse start order; each must trap exits (04.1) for its Terminate to run.",
		wantTerminated("sessions", actor.Shutdown), wantTerminated("orders", actor.Shutdown), wantTerminated("users", actor.Shutdown))
}

// 04.3: one_for_all.

func TestMatchStartsInOrder(t *testing.T) {
	verifyNoLeaks(t)
	r := newEventLog()
	sup := startTestTree(t, r, "StartMatch", StartMatch, "board", "clock", "referee")
	stopSup(t, sup)
}

func TestOneForAllRestartsEveryone(t *testing.T) {
	verifyNoLeaks(t)
	r := newEventLog()
	sup := startTestTree(t, r, "StartMatch", StartMatch, "board", "clock", "referee")
	before := childPIDs(t, sup)
	_, mark := crashTestChild(t, r, sup, "clock")
	expectEvents(t, r, mark, syncSup(t, sup), "after clock crashed",
		"\nThe match's parts only make sense together: one_for_all (actor.OneForAll) stops the survivors in reverse start order, then starts everyone again in start order.",
		wantTerminated("clock", errTestBoom),
		wantTerminated("referee", actor.Shutdown), wantTerminated("board", actor.Shutdown),
		wantStarted("board"), wantStarted("clock"), wantStarted("referee"))
	checkRestarted(t, sup, before, "board", "clock", "referee")
}

// 04.4: rest_for_one.

func TestPipelineStartsInOrder(t *testing.T) {
	verifyNoLeaks(t)
	r := newEventLog()
	sup := startTestTree(t, r, "StartPipeline", StartPipeline, "conn", "cache", "api")
	stopSup(t, sup)
}

func TestRestForOneRestartsTheRest(t *testing.T) {
	verifyNoLeaks(t)
	r := newEventLog()
	sup := startTestTree(t, r, "StartPipeline", StartPipeline, "conn", "cache", "api")
	before := childPIDs(t, sup)
	_, mark := crashTestChild(t, r, sup, "cache")
	expectEvents(t, r, mark, syncSup(t, sup), "after cache crashed",
		"\napi depends on cache, conn does not: rest_for_one (actor.RestForOne) restarts the crashed child and every child started after it, never the ones before.",
		wantTerminated("cache", errTestBoom), wantTerminated("api", actor.Shutdown),
		wantStarted("cache"), wantStarted("api"))
	checkRestarted(t, sup, before, "cache", "api")
}

func TestRestForOneEnds(t *testing.T) {
	verifyNoLeaks(t)
	r := newEventLog()
	sup := startTestTree(t, r, "StartPipeline", StartPipeline, "conn", "cache", "api")

	before := childPIDs(t, sup)
	_, mark := crashTestChild(t, r, sup, "api")
	expectEvents(t, r, mark, syncSup(t, sup), "after api (the last child) crashed",
		"\nNothing depends on api, the last child: rest_for_one restarts it alone.",
		wantTerminated("api", errTestBoom), wantStarted("api"))
	checkRestarted(t, sup, before, "api")

	before = childPIDs(t, sup)
	_, mark = crashTestChild(t, r, sup, "conn")
	expectEvents(t, r, mark, syncSup(t, sup), "after conn (the first child) crashed",
		"\nEverything depends on conn, the first child: rest_for_one restarts all of them, stopping the others in reverse order first.",
		wantTerminated("conn", errTestBoom), wantTerminated("api", actor.Shutdown), wantTerminated("cache", actor.Shutdown),
		wantStarted("conn"), wantStarted("cache"), wantStarted("api"))
	checkRestarted(t, sup, before, "conn", "cache", "api")
}
