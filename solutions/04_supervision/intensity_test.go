package supervision

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// 04.5: restart intensity.

// zzStartTestApp starts StartApp(in) and checks its shape: root children
// pipeline (a supervisor of conn, cache, api) and metrics.
func zzStartTestApp(t *testing.T, r *zzEventLog, in Intensity) (root, pipeline actor.PID) {
	t.Helper()
	root, err := StartApp(r.sink, in)
	if err != nil {
		t.Fatalf("StartApp: %v", err)
	}
	zzStopAtEnd(t, root)
	kids, err := actor.WhichChildren(root)
	if err != nil {
		t.Fatalf("StartApp must return the root supervisor: WhichChildren: %v", err)
	}
	var ids []string
	for _, k := range kids {
		ids = append(ids, k.ID)
	}
	if !slices.Equal(ids, []string{"pipeline", "metrics"}) {
		t.Fatalf("the root supervisor's children are %q, want [pipeline metrics] in that order", ids)
	}
	if !kids[0].Supervisor {
		t.Fatalf("the root's \"pipeline\" child is not marked as a supervisor: set Supervisor: true in its ChildSpec (it then gets an infinite shutdown timeout, as a supervisor needs)")
	}
	pipeline = kids[0].PID
	if got := zzChildIDList(t, pipeline); !slices.Equal(got, []string{"conn", "cache", "api"}) {
		t.Fatalf("the pipeline supervisor's children are %q, want [conn cache api]", got)
	}
	zzExpectEvents(t, r, 0, zzSyncSup(t, root), "after StartApp returned",
		"\nThe root starts the pipeline (which starts conn, cache, api) and then metrics.",
		zzWantStarted("conn"), zzWantStarted("cache"), zzWantStarted("api"), zzWantStarted("metrics"))
	return root, pipeline
}

// zzCrashTestConn crashes the pipeline's conn and checks the ordinary
// rest_for_one restart that follows. n counts crashes, for messages.
func zzCrashTestConn(t *testing.T, r *zzEventLog, root, pipeline actor.PID, n int) {
	t.Helper()
	_, mark := zzCrashTestChild(t, r, pipeline, "conn")
	zzExpectEvents(t, r, mark, zzSyncSup(t, root), fmt.Sprintf("after conn crashed (crash %d)", n),
		"\nThe pipeline is rest_for_one: conn's crash restarts conn, cache and api. metrics, under the root, must not move.",
		zzWantTerminated("conn", zzErrTestBoom), zzWantTerminated("api", actor.Shutdown), zzWantTerminated("cache", actor.Shutdown),
		zzWantStarted("conn"), zzWantStarted("cache"), zzWantStarted("api"))
}

func TestAppStartsTree(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	root, pipeline := zzStartTestApp(t, r, Intensity{MaxRestarts: 2, Within: time.Minute})

	// Crashing conn cannot tell rest_for_one from one_for_all (both
	// restart everything); a later child can.
	before := zzChildPIDs(t, pipeline)
	_, mark := zzCrashTestChild(t, r, pipeline, "cache")
	zzExpectEvents(t, r, mark, zzSyncSup(t, pipeline), "after the pipeline's cache crashed",
		"\nThe app's pipeline must be the rest_for_one supervisor of 04.4: cache's crash restarts cache and api and leaves conn alone. "+
			"Start it from PipelineSpec(sink, in) instead of writing a new spec.",
		zzWantTerminated("cache", zzErrTestBoom), zzWantTerminated("api", actor.Shutdown),
		zzWantStarted("cache"), zzWantStarted("api"))
	zzCheckRestarted(t, pipeline, before, "cache", "api")

	mark = r.mark()
	zzStopSup(t, root)
	zzExpectEvents(t, r, mark, nil, "after the root supervisor stopped",
		"\nThe root stops metrics first, then the pipeline, which stops api, cache, conn.",
		zzWantTerminated("metrics", actor.Shutdown),
		zzWantTerminated("api", actor.Shutdown), zzWantTerminated("cache", actor.Shutdown), zzWantTerminated("conn", actor.Shutdown))
}

func TestTooManyRestartsTakePipelineDown(t *testing.T) {
	zzVerifyNoLeaks(t)
	r := zzNewEventLog()
	root, pipeline := zzStartTestApp(t, r, Intensity{MaxRestarts: 2, Within: time.Minute})
	metrics := zzChildPIDs(t, root)["metrics"]
	down := zzWatchExit(t, pipeline)
	rootExit := make(chan error, 1)
	defer actor.Subscribe(func(e actor.Event) {
		if e.Kind == actor.Exited && e.PID == root {
			select {
			case rootExit <- e.Reason:
			default:
			}
		}
	})()

	for n := 1; n <= 2; n++ {
		zzCrashTestConn(t, r, root, pipeline, n)
		select {
		case reason := <-down:
			t.Fatalf("the pipeline supervisor exited (%v) after %d crash(es) within a minute, but Intensity{MaxRestarts: 2, Within: time.Minute} allows 2 restarts: pass MaxRestarts and Within to its SupervisorSpec", reason, n)
		default:
		}
	}

	mark := r.mark()
	Crash(zzChildPIDs(t, pipeline)["conn"], zzErrTestBoom)
	select {
	case reason := <-down:
		if !errors.Is(reason, actor.Shutdown) || !errors.Is(reason, actor.ErrMaxRestarts) {
			t.Fatalf("the pipeline supervisor exited with %v, want actor.Shutdown (matching actor.ErrMaxRestarts), the reason a supervisor that reached its restart intensity exits with, as in Erlang and Elixir", reason)
		}
	case <-time.After(zzTestWait):
		t.Fatalf("after 3 crashes within a minute, the pipeline supervisor is still running: with Intensity{MaxRestarts: 2, Within: time.Minute} the third restart is one too many. Set MaxRestarts and Within in the pipeline's SupervisorSpec")
	}
	zzRootRestartsPipeline(t, root, pipeline, rootExit)
	zzExpectEvents(t, r, mark, zzSyncSup(t, root), "after conn's third crash",
		"\nThe pipeline supervisor gives up: it stops api and cache and exits. Its parent, the one_for_one root, then starts a fresh pipeline (conn, cache, api) and leaves metrics alone.",
		zzWantTerminated("conn", zzErrTestBoom), zzWantTerminated("api", actor.Shutdown), zzWantTerminated("cache", actor.Shutdown),
		zzWantStarted("conn"), zzWantStarted("cache"), zzWantStarted("api"))
	after := zzChildPIDs(t, root)
	if after["pipeline"] == pipeline || after["pipeline"].IsZero() {
		t.Fatalf("the root lists pipeline %v (was %v): the root should have restarted the pipeline supervisor", after["pipeline"], pipeline)
	}
	if after["metrics"] != metrics {
		t.Fatalf("metrics changed from %v to %v: the root is one_for_one, the pipeline's troubles are not metrics'", metrics, after["metrics"])
	}
}

func TestRestartsOutsideWithinAreForgiven(t *testing.T) {
	zzVerifyNoLeaks(t)
	// The window is time itself. In a synctest bubble the clock is fake:
	// time.Sleep moves it on as soon as every process is idle, so the
	// test waits for no real time at all.
	zzSyncTest(t, func(t *testing.T) {
		const within = 100 * time.Millisecond
		r := zzNewEventLog()
		root, pipeline := zzStartTestApp(t, r, Intensity{MaxRestarts: 1, Within: within})

		zzCrashTestConn(t, r, root, pipeline, 1)
		time.Sleep(2 * within)
		zzCrashTestConn(t, r, root, pipeline, 2)
		if now := zzChildPIDs(t, root)["pipeline"]; now != pipeline {
			t.Fatalf("the pipeline supervisor was replaced (%v -> %v) after two crashes %v apart, but Intensity{MaxRestarts: 1, Within: %v} only counts restarts within %v of each other: pass Within to its SupervisorSpec", pipeline, now, 2*within, within, within)
		}
	})
}

// zzSyncTest is synctest.Test, save that a process left waiting when the
// test's function returns is a failure, not synctest's panic, which would
// end the whole run (and lose its other verdicts, the step said to have
// "panicked"). zzVerifyNoLeaks then names the processes and where they
// wait.
func zzSyncTest(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			if err, ok := r.(error); ok && strings.Contains(err.Error(), "main bubble goroutine has exited but blocked goroutines remain") {
				t.Errorf("processes started during the test were still waiting when it ended: a supervisor stops its children when it stops, and each must return")
				return
			}
			panic(r)
		}
	}()
	synctest.Test(t, f)
}

// zzRootRestartsPipeline waits, after the pipeline supervisor gave up,
// for the root to have a new one running, and fails saying why when the
// root exits instead (its reason, from rootExit).
func zzRootRestartsPipeline(t *testing.T, root, old actor.PID, rootExit <-chan error) {
	t.Helper()
	for deadline := time.Now().Add(zzTestWait); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		select {
		case reason := <-rootExit:
			hint := "the root must restart the pipeline supervisor, not give up"
			if strings.Contains(fmt.Sprint(reason), actor.NoProc.Error()) {
				hint = "the pipeline's ChildSpec.Start returned a process that had already exited. A restart calls Start again: " +
					"it must start a new pipeline supervisor each time, not return one started before"
			}
			t.Fatalf("after the pipeline supervisor gave up, the root supervisor exited (%v) instead of starting a fresh pipeline: %s", reason, hint)
		default:
		}
		if kids, err := actor.WhichChildren(root); err == nil {
			for _, k := range kids {
				if k.ID == "pipeline" && k.PID != old && actor.Alive(k.PID) {
					return
				}
			}
		}
	}
}
