package sup

// Test helpers are prefixed zz so that, injected into the learner's
// package, they never clash with the learner's own names.

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// zzErrCrash is the reason the tests crash children with.
var zzErrCrash = errors.New("crash: killed on purpose by the test")

// zzCatchTODO, deferred at the top of a test (after goleak), turns a panic
// from the learner's code (a TODO left in the skeleton) into a test
// failure with its message, so the other tests still run.
func zzCatchTODO(t *testing.T) {
	if r := recover(); r != nil {
		if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO(") {
			t.Fatalf("%s", s)
		}
		t.Fatalf("panic: %v\n%s", r, debug.Stack())
	}
}

// zzLog records what the test children do, in order.
type zzLog struct {
	mu      sync.Mutex
	events  []string
	pids    map[string]actor.PID // the latest pid of each child
	reasons map[string]error     // why each child last stopped (its Terminate's reason)

	// hold names a child whose Terminate waits up to zzHold for sup to
	// exit, and records in supGone if it did: a supervisor that waits for
	// each child's exit never exits while a child is still stopping.
	hold    string
	sup     actor.PID
	supGone bool
}

// zzHold is how long the held child's Terminate gives its supervisor to
// exit: a supervisor that does not wait for it exits at once, one that
// waits never does, so the window only bounds the correct case's cost.
const zzHold = 200 * time.Millisecond

func (l *zzLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, fmt.Sprintf(format, args...))
}

func (l *zzLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

func (l *zzLog) pid(id string) actor.PID {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pids[id]
}

// zzWorker is a test child: a GenServer that logs its stop. It traps
// exits, as OTP workers must for terminate to run when their supervisor
// stops them.
type zzWorker struct {
	actor.BaseServer
	id  string
	log *zzLog
}

func (w *zzWorker) Init(p *actor.Process) error {
	p.TrapExit(true)
	return nil
}

func (w *zzWorker) Terminate(p *actor.Process, reason error) {
	w.log.mu.Lock()
	hold, sup := w.log.hold == w.id, w.log.sup
	w.log.mu.Unlock()
	if hold && zzEventually(zzHold, func() bool { return !actor.Alive(sup) }) {
		w.log.mu.Lock()
		w.log.supGone = true
		w.log.mu.Unlock()
	}
	w.log.mu.Lock()
	if w.log.reasons == nil {
		w.log.reasons = map[string]error{}
	}
	w.log.reasons[w.id] = reason
	w.log.mu.Unlock()
	w.log.add("stop %s", w.id)
}

// reason returns why child id last stopped, and whether it did.
func (l *zzLog) reason(id string) (error, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.reasons[id]
	return r, ok
}

// zzWorkerSpec is a child that logs "start <id> <arg>" each time it is
// started, and its pid.
func zzWorkerSpec(id string, arg int, log *zzLog) ChildSpec {
	return ChildSpec{ID: id, Start: func(sup *actor.Process) (actor.PID, error) {
		pid, err := sup.StartLinkServer(&zzWorker{id: id, log: log})
		if err != nil {
			return pid, err
		}
		log.mu.Lock()
		if log.pids == nil {
			log.pids = map[string]actor.PID{}
		}
		log.pids[id] = pid
		log.mu.Unlock()
		log.add("start %s %d", id, arg)
		return pid, nil
	}}
}

// zzEventually polls cond every millisecond until it holds or limit passes.
func zzEventually(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// zzStop stops the supervisor at the end of a test, if it is still alive,
// giving it 1s; then it kills what is left, so that one failure does not
// leak into the next test or make it slow.
func zzStop(t *testing.T, sup actor.PID) {
	t.Helper()
	if !actor.Alive(sup) {
		return
	}
	if err := actor.Stop(sup, actor.Shutdown, time.Second); err != nil {
		t.Errorf("stopping the supervisor at the end of the test: %v (is Terminate waiting for a child "+
			"that is already dead, or one that is not linked to it?)", err)
		actor.Exit(sup, actor.Kill) // its links take the children down
	}
}
