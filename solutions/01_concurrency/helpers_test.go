package concurrency

// Test helpers are prefixed zz so that, injected into the learner's
// package, they never clash with the learner's own names.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"go.uber.org/goleak"
)

// zzNoLeaks fails the test if a process or goroutine it started is still
// running once the test is over. Call it first: cleanups run last, after
// the test's own defers. Goroutines that were already running (left by an
// earlier test, which has failed for it) are ignored, so one leak fails
// one test.
func zzNoLeaks(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	before := map[actor.PID]bool{}
	for _, pi := range actor.Processes() {
		before[pi.PID] = true
	}
	t.Cleanup(func() {
		err := goleak.Find(ignore) // retries for a while: late exits are not leaks
		if err == nil {
			return
		}
		var procs []string
		zombie := ""
		for _, pi := range actor.Processes() {
			if !before[pi.PID] {
				procs = append(procs, fmt.Sprintf("%v (%v)", pi.PID, pi.Status))
				if pi.Status == actor.Zombie {
					zombie = fmt.Sprintf(". %v was killed, but its code runs on: when Receive returns an error "+
						"(the process was killed or shut down), return that error instead of receiving again", pi.PID)
				}
			}
		}
		at := zzLeakedAt(err.Error())
		if at != "" {
			// Where it is stuck says it all; goleak's dump (a goroutine per
			// process, each in the runtime) would bury it.
			t.Errorf("%s%s", zzLeakSentence(procs, at), zombie)
			return
		}
		t.Errorf("%s%s\n\n%v", zzLeakSentence(procs, at), zombie, err)
	})
}

// zzLeakSentence says which process was left running, where, and why that
// matters.
func zzLeakSentence(procs []string, at string) string {
	who := "a goroutine this test started"
	if len(procs) == 1 {
		who = "process " + procs[0]
	} else if len(procs) > 1 {
		shown := procs
		if len(shown) > 3 {
			shown = append(shown[:3:3], "...")
		}
		who = fmt.Sprintf("%d processes (%s)", len(procs), strings.Join(shown, ", "))
	}
	where := ""
	if at != "" {
		where = ", stuck in " + at
	}
	verb := "was"
	if len(procs) > 1 {
		verb = "were"
	}
	return fmt.Sprintf("%s %s still running after the test ended%s. Nothing will ever stop them: "+
		"a process's goroutine and mailbox stay in memory for the life of the program, and a function that "+
		"leaves one behind on every call slowly takes the whole program down. Every process your "+
		"function starts must have finished, or been killed, by the time it returns", who, verb, where)
}

// zzLeakedAt finds, in goleak's report, the first frame in the learner's
// own files (this package's directory, not a test file), as "func at
// file:line"; "" if there is none.
func zzLeakedAt(report string) string {
	_, self, _, _ := runtime.Caller(0)
	dir := filepath.Dir(self)
	lines := strings.Split(report, "\n")
	for i := 1; i < len(lines); i++ {
		loc := strings.TrimSpace(lines[i])
		if j := strings.LastIndex(loc, " +0x"); j >= 0 {
			loc = loc[:j]
		}
		file, _, ok := strings.Cut(loc, ":")
		if !ok || filepath.Dir(file) != dir || strings.HasSuffix(file, "_test.go") {
			continue
		}
		fn := strings.TrimSpace(lines[i-1])
		if j := strings.LastIndex(fn, "("); j > 0 {
			fn = fn[:j]
		}
		if j := strings.LastIndex(fn, "/"); j >= 0 {
			fn = fn[j+1:]
		}
		if _, f, ok := strings.Cut(fn, "."); ok {
			fn = f
		}
		return fmt.Sprintf("%s at %s:%s", fn, filepath.Base(file), strings.TrimPrefix(loc, file+":"))
	}
	return ""
}

// zzInProcess runs body in a fresh process, the caller every function of
// this chapter needs, and waits for it at most limit. If body is still
// running then, the test fails with stuck and the process is killed. A
// panic in body (a TODO left in the skeleton) fails the test with its
// message instead of ending the test binary. zzInProcess reports whether
// body ran to its end; checks that follow it are pointless otherwise.
func zzInProcess(t *testing.T, limit time.Duration, stuck string, body func(p *actor.Process)) (completed bool) {
	t.Helper()
	finished := make(chan struct{})
	var ranToEnd bool
	var goroutine atomic.Uint64 // the process's, to say where it is stuck
	pid := actor.Spawn(func(p *actor.Process) error {
		defer close(finished)
		defer zzCatchPanic(t)
		goroutine.Store(zzGoroutineID())
		body(p)
		ranToEnd = true
		return nil
	})
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-finished:
		return ranToEnd
	case <-timer.C:
	}
	// Said before the kill: what body reports next (an error "killed")
	// is the test's doing.
	where := ""
	if at := zzStuckAt(goroutine.Load()); at != "" {
		where = ", stuck in " + at
	}
	t.Errorf("%s (still running after %v%s, so the test killed it)", stuck, limit, where)
	zzTestKills.Store(pid, true)
	actor.Exit(pid, actor.Kill)
	select {
	case <-finished:
	case <-time.After(time.Second):
		t.Errorf("the test's process was killed but its code kept running for 1s: " +
			"when Receive returns an error, return it instead of waiting again")
	}
	return false
}

// zzTestKills holds the pids zzInProcess killed (actor.PID -> true).
var zzTestKills sync.Map

// zzKilledByTest reports whether zzInProcess killed p, after saying the
// call under test never returned. What that call returned then ("killed"),
// and what p's mailbox holds, are the test's doing, not the learner's
// mistakes, and go unreported. A p that died otherwise (a linked task's
// crash) is the learner's doing, and is reported.
func zzKilledByTest(p *actor.Process) bool {
	_, killed := zzTestKills.Load(p.Self())
	return killed
}

// zzGoroutineID is the current goroutine's id, from the header of its
// stack ("goroutine 7 [running]:").
func zzGoroutineID() uint64 {
	var buf [64]byte
	f := strings.Fields(string(buf[:runtime.Stack(buf[:], false)]))
	if len(f) < 2 {
		return 0
	}
	id, _ := strconv.ParseUint(f[1], 10, 64)
	return id
}

// zzStuckAt says where goroutine g is in the learner's code ("func at
// file:line", as zzLeakedAt), from a dump of every goroutine; "" if it
// is nowhere in it.
func zzStuckAt(g uint64) string {
	if g == 0 {
		return ""
	}
	buf := make([]byte, 4<<20)
	dump := string(buf[:runtime.Stack(buf, true)])
	head := fmt.Sprintf("goroutine %d [", g)
	for _, block := range strings.Split(dump, "\n\n") {
		if strings.HasPrefix(block, head) {
			return zzLeakedAt(block)
		}
	}
	return ""
}

// zzCatchPanic, deferred, turns a panic (a TODO left in the skeleton) into
// a failure with its message instead of the end of the test binary.
func zzCatchPanic(t *testing.T) {
	if r := recover(); r != nil {
		if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO(") {
			t.Errorf("%s", s)
			return
		}
		t.Errorf("panic: %v\n%s", r, debug.Stack())
	}
}

// zzBubble runs f under testing/synctest, so a test can wait until every
// goroutine is blocked (synctest.Wait) instead of hoping a timing holds. A
// goroutine that never blocks (a busy loop) would stop the bubble for good:
// a watchdog outside it turns that into a failure that says so.
func zzBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	done := make(chan struct{})
	defer close(done)
	go func() {
		timer := time.NewTimer(10 * time.Second)
		defer timer.Stop()
		select {
		case <-done:
		case <-timer.C:
			panic(t.Name() + ": the test's goroutines never all blocked in 10s: is a loop polling " +
				"(Receive with timeout 0, or no Receive at all) instead of waiting in Receive?")
		}
	}()
	// A process left waiting when the test's function has returned makes
	// synctest panic, which would end the whole run (and lose its other
	// verdicts). The test has finished by then: say it as a failure, and
	// zzNoLeaks names the processes and where they wait.
	defer func() {
		if r := recover(); r != nil {
			if err, ok := r.(error); ok && strings.Contains(err.Error(), "main bubble goroutine has exited but blocked goroutines remain") {
				t.Errorf("processes started during the test were still waiting for a message when it ended")
				return
			}
			panic(r)
		}
	}()
	synctest.Test(t, f)
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

// zzExpectEmptyMailbox fails the test if a message reaches p within d.
// Absence can only be checked over a window; d is short.
func zzExpectEmptyMailbox(t *testing.T, p *actor.Process, d time.Duration, advice string) {
	t.Helper()
	if zzKilledByTest(p) {
		return
	}
	msg, err := p.Receive(d)
	if err == nil {
		t.Errorf("found a leftover message in the caller's mailbox: %s; %s", zzDescribe(msg), advice)
		return
	}
	if !errors.Is(err, actor.ErrTimeout) {
		t.Errorf("Receive on the caller's mailbox failed: %v", err)
	}
}

// zzDescribe names a message for a failure report.
func zzDescribe(msg any) string {
	if d, ok := msg.(actor.Down); ok {
		return fmt.Sprintf("actor.Down{PID: %v, Reason: %v}", d.PID, d.Reason)
	}
	return fmt.Sprintf("%T %+v", msg, msg)
}

// zzWaitCtx blocks until p's context is cancelled (the task was killed) or
// limit passes, and reports whether it was cancelled. Test functions use it
// so that a task always ends, even against a wrong solution.
func zzWaitCtx(p *actor.Process, limit time.Duration) bool {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-p.Context().Done():
		return true
	case <-timer.C:
		return false
	}
}

// zzBarrier opens once n calls have arrived. Calls wait for it until a
// deadline shared by all of them: run one at a time, the first call waits
// out the deadline and the later ones return at once, so a sequential
// solution fails in about 1s instead of hanging.
type zzBarrier struct {
	n        int32
	arrived  atomic.Int32
	inTime   atomic.Bool  // all n arrived before the deadline
	early    atomic.Int32 // how many had arrived when the deadline passed
	open     chan struct{}
	deadline <-chan struct{}
	cancel   context.CancelFunc
}

func zzNewBarrier(n int, limit time.Duration) *zzBarrier {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	return &zzBarrier{n: int32(n), open: make(chan struct{}), deadline: ctx.Done(), cancel: cancel}
}

// wait registers one arrival and waits for the others; it reports whether
// all n arrived before the deadline.
func (b *zzBarrier) wait() bool {
	if b.arrived.Add(1) == b.n {
		select {
		case <-b.deadline:
		default:
			b.inTime.Store(true)
		}
		close(b.open)
	}
	select {
	case <-b.open:
	case <-b.deadline:
		b.early.CompareAndSwap(0, b.arrived.Load())
	}
	return b.opened()
}

// opened reports whether all n calls arrived before the deadline, that
// is, were running at the same time.
func (b *zzBarrier) opened() bool { return b.inTime.Load() }

// together returns how many calls were waiting at the barrier at once.
func (b *zzBarrier) together() int32 {
	if n := b.early.Load(); n > 0 {
		return n
	}
	return b.arrived.Load()
}

// zzWaitChan blocks until ch is closed or limit passes, and reports which.
func zzWaitChan(ch <-chan struct{}, limit time.Duration) bool {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-ch:
		return true
	case <-timer.C:
		return false
	}
}

// zzOnRace adds why to the failure of t if the race detector reports a
// data race while t runs: the report says where, why says which value was
// shared and how OTP gives it one owner.
func zzOnRace(t *testing.T, why string) {
	t.Helper()
	before := zzRaces()
	t.Cleanup(func() {
		if zzRaces() > before {
			t.Errorf("%s", why)
		}
	})
}
