package runner

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const addLearner = `package fx

// Add returns a + b.
func Add(a, b int) int { return a + b }
`

func TestRunPassingAndFailingSteps(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	hidden := `package fx

import "testing"

func TestAdd(t *testing.T) {
	if got := Add(1, 2); got != 3 {
		t.Fatalf("Add(1, 2) = %d, want 3", got)
	}
}

func TestAddNegative(t *testing.T) {
	if got := Add(-1, -2); got != -4 {
		t.Errorf("Add(-1, -2) = %d, want -4;\nthis test is wrong on purpose", got)
	}
	t.Run("sub", func(t *testing.T) { t.Error("a failing subtest") })
	t.Run("fine", func(t *testing.T) { t.Log("a passing subtest's log") })
}
`
	var mu sync.Mutex
	var phases []Phase
	req := f.request(hidden, 5*time.Second,
		Step{ID: "1", Tests: []string{"TestAdd"}},
		Step{ID: "2", Tests: []string{"TestAdd", "TestAddNegative"}})
	req.Progress = func(p Phase) { mu.Lock(); phases = append(phases, p); mu.Unlock() }
	vs := f.run(req)

	wantStatus(t, vs[0], Passed)
	if vs[0].Detail != "" || !outcome(t, vs[0], "TestAdd").Passed {
		t.Errorf("passing step: detail %q, tests %+v", vs[0].Detail, vs[0].Tests)
	}
	wantStatus(t, vs[1], Failed)
	if !outcome(t, vs[1], "TestAdd").Passed {
		t.Error("TestAdd passed in step 1 but not in step 2")
	}
	neg := outcome(t, vs[1], "TestAddNegative")
	if neg.Passed {
		t.Error("TestAddNegative reported as passed")
	}
	wantContains(t, "message", neg.Message,
		"fx_test.go:13: Add(-1, -2) = -3, want -4;\n    this test is wrong on purpose",
		"TestAddNegative/sub:\n    fx_test.go:15: a failing subtest")
	wantNotContains(t, "message", neg.Message, "=== RUN", "--- FAIL", HiddenPrefix, "a passing subtest's log")
	wantContains(t, "detail", vs[1].Detail, "TestAddNegative failed")
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(phases, []Phase{PhaseCompiling, PhaseRunning}) {
		t.Errorf("progress phases %v, want [compiling running]", phases)
	}
}

func TestRunBuildErrorInLearnerFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

func Add(a, b int) int {
	return a + c
}
`)
	vs := f.run(f.request(`package fx

import "testing"

func TestAdd(t *testing.T) { Add(1, 2) }
`, 5*time.Second, Step{ID: "1", Tests: []string{"TestAdd"}}))
	wantStatus(t, vs[0], BuildError)
	wantContains(t, "detail", vs[0].Detail, "exercises/fx/fx.go:4:13: undefined: c")
	wantNotContains(t, "detail", vs[0].Detail, f.root, os.TempDir(), HiddenPrefix)
	if vs[0].Tests[0].Passed {
		t.Error("a test of a package that doesn't build is reported as passed")
	}
}

func TestRunBuildErrorMissingAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	vs := f.run(f.request(`package fx

import "testing"

func TestSub(t *testing.T) {
	if Sub(3, 1) != 2 {
		t.Fatal("Sub")
	}
}
`, 5*time.Second, Step{ID: "1", Tests: []string{"TestSub"}}))
	wantStatus(t, vs[0], BuildError)
	wantContains(t, "detail", vs[0].Detail,
		"hidden test fx_test.go:6:5: undefined: Sub",
		"The hidden tests use Sub, which exercises/fx does not define")
	wantNotContains(t, "detail", vs[0].Detail, os.TempDir(), HiddenPrefix)
}

// TestRunBuildErrorNameClash: a learner's name that a hidden test also
// declares is a clash to rename, not an API that differs from the skeleton.
func TestRunBuildErrorNameClash(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner+"\ntype pop struct{}\n")
	vs := f.run(f.request(`package fx

import "testing"

func pop() int { return Add(1, 1) }

func TestAdd(t *testing.T) {
	if pop() != 2 {
		t.Fatal("Add")
	}
}
`, 5*time.Second, Step{ID: "1", Tests: []string{"TestAdd"}}))
	wantStatus(t, vs[0], BuildError)
	wantContains(t, "detail", vs[0].Detail, "pop redeclared",
		"The hidden tests also declare pop: rename yours in exercises/fx (any name not starting with zz or hidden is free)")
	wantNotContains(t, "detail", vs[0].Detail, "signatures differ", HiddenPrefix)
}

func TestRunVetErrorIsABuildError(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

import "fmt"

func Hello() string { return fmt.Sprintf("%d", "hello") }
`)
	vs := f.run(f.request("package fx\n\nimport \"testing\"\n\nfunc TestHello(t *testing.T) { Hello() }\n",
		5*time.Second, Step{ID: "1", Tests: []string{"TestHello"}}))
	wantStatus(t, vs[0], BuildError)
	wantContains(t, "detail", vs[0].Detail, "go vet", "exercises/fx/fx.go:5:", "wrong type")
}

func TestRunNeverReturns(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

// Wait is meant to return once the work is done; this one never does.
func Wait() {
	select {}
}
`)
	const timeout = 1 * time.Second
	running := make(chan time.Time, 1)
	req := f.request(`package fx

import "testing"

func TestWait(t *testing.T) { Wait() }
`, timeout, Step{ID: "1", Tests: []string{"TestWait"}})
	req.Progress = func(p Phase) {
		if p == PhaseRunning {
			running <- time.Now()
		}
	}
	vs := f.run(req)
	sinceRunning := time.Since(<-running)
	wantStatus(t, vs[0], TimedOut)
	msg := outcome(t, vs[0], "TestWait").Message
	wantContains(t, "message", msg,
		"was still running when the step's 1s ran out (its tests share that time)",
		"[select (no cases)]:",
		"fx.Wait  exercises/fx/fx.go:5",
		"fx.TestWait  hidden test fx_test.go:5",
		"blocked waiting")
	wantNotContains(t, "message", msg, "testing.tRunner", "runtime.", "/usr/local/go", "otpgo killed")
	// The contract, not a speed claim: once the tests run, a hang ends
	// within the step's timeout plus the runner's grace.
	if limit := timeout + defaultLimits.grace; sinceRunning > limit {
		t.Errorf("Run returned %s after the tests started; the bound is %s", sinceRunning, limit)
	}
}

func TestRunBusyLoop(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

var n int

// Spin never returns, and never blocks.
func Spin() {
	for {
		n++
	}
}
`)
	vs := f.run(f.request("package fx\n\nimport \"testing\"\n\nfunc TestSpin(t *testing.T) { Spin() }\n",
		time.Second, Step{ID: "1", Tests: []string{"TestSpin"}}))
	wantStatus(t, vs[0], TimedOut)
	msg := outcome(t, vs[0], "TestSpin").Message
	wantContains(t, "message", msg, "Your code is busy, not blocked", "never blocks")
	// The runtime shows a spinning goroutine's stack only if it could stop
	// it in time, and then sometimes at line 1 of the file, which holds no
	// code: the loop's line, the function without a line, or "busy
	// elsewhere" are all true; any other line is not.
	if !strings.Contains(msg, "fx.Spin  exercises/fx/fx.go:7\n") && !strings.Contains(msg, "fx.Spin  exercises/fx/fx.go\n") &&
		!strings.Contains(msg, "busy on another CPU") {
		t.Errorf("message shows neither the loop nor a busy goroutine:\n%s", msg)
	}
	wantNotContains(t, "message", msg, "fx.go:1")
}

func TestRunDeadlock(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

import "sync"

// Transfer locks a then b; called both ways at once it deadlocks.
func Transfer(a, b *sync.Mutex, ready *sync.WaitGroup) {
	a.Lock()
	ready.Done()
	ready.Wait()
	b.Lock()
}
`)
	vs := f.run(f.request(`package fx

import (
	"sync"
	"testing"
)

func TestTransfer(t *testing.T) {
	var a, b sync.Mutex
	var ready, done sync.WaitGroup
	ready.Add(2)
	done.Add(2)
	go func() { defer done.Done(); Transfer(&a, &b, &ready) }()
	go func() { defer done.Done(); Transfer(&b, &a, &ready) }()
	done.Wait()
}
`, time.Second, Step{ID: "1", Tests: []string{"TestTransfer"}}))
	wantStatus(t, vs[0], TimedOut)
	msg := outcome(t, vs[0], "TestTransfer").Message
	wantContains(t, "message", msg, "[sync.Mutex.Lock]:", "fx.Transfer  exercises/fx/fx.go:10", "Every goroutine in your code is blocked waiting")
}

func TestRunOsExitCrashesAndLaterStepsStillRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

import "os"

func Quit() { os.Exit(3) }

func Add(a, b int) int { return a + b }
`)
	vs := f.run(f.request(`package fx

import "testing"

func TestQuit(t *testing.T) { Quit() }

func TestAdd(t *testing.T) {
	if Add(1, 2) != 3 {
		t.Fatal("Add")
	}
}
`, 5*time.Second,
		Step{ID: "1", Tests: []string{"TestQuit"}},
		Step{ID: "2", Tests: []string{"TestAdd"}}))
	wantStatus(t, vs[0], Crashed)
	wantContains(t, "message", outcome(t, vs[0], "TestQuit").Message, "exited while TestQuit was running", "os.Exit")
	wantContains(t, "detail", vs[0].Detail, "TestQuit")
	// TestAdd comes after TestQuit in the file, so the first binary died
	// before reaching it: it must have been run again, not counted as passed
	// or lost.
	wantStatus(t, vs[1], Passed)
}

func TestRunPanicInTest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

type Cache struct{ m map[string]int }

func (c *Cache) Put(k string, v int) {
	c.m[k] = v
}
`)
	vs := f.run(f.request(`package fx

import "testing"

func TestPut(t *testing.T) {
	var c Cache
	c.Put("a", 1)
}
`, 5*time.Second, Step{ID: "1", Tests: []string{"TestPut"}}))
	wantStatus(t, vs[0], Panicked)
	msg := outcome(t, vs[0], "TestPut").Message
	wantContains(t, "message", msg, "panic: assignment to entry in nil map",
		"fx.(*Cache).Put  exercises/fx/fx.go:6", "fx.TestPut  hidden test fx_test.go:7")
	wantNotContains(t, "message", msg, "testing.tRunner", "runtime/panic.go", "[recovered")
	wantContains(t, "detail", vs[0].Detail, "TestPut panicked")
}

// A helper deferred past a t.Fatal logs as the test's goroutine exits,
// where testing names the runtime's panic.go as its place: the learner
// reads when it was said instead.
func TestRunDeferredCheckAfterFatal(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	vs := f.run(f.request(`package fx

import "testing"

func check(t *testing.T) {
	t.Helper()
	t.Errorf("goroutines were left running")
}

func TestAdd(t *testing.T) {
	defer check(t)
	t.Fatal("Add is wrong")
}
`, 5*time.Second, Step{ID: "1", Tests: []string{"TestAdd"}}))
	msg := outcome(t, vs[0], "TestAdd").Message
	wantContains(t, "message", msg, "fx_test.go:12: Add is wrong", "as the test ended: goroutines were left running")
	wantNotContains(t, "message", msg, "panic.go")
}

func TestRunPanicInGoroutine(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

// Start runs the server loop in its own goroutine.
func Start() chan<- int {
	ch := make(chan int)
	go loop(ch)
	return ch
}

func loop(ch chan int) {
	var m map[int]bool
	for v := range ch {
		m[v] = true
	}
}
`)
	vs := f.run(f.request(`package fx

import "testing"

func TestStart(t *testing.T) {
	ch := Start()
	ch <- 1
	select {}
}
`, 5*time.Second, Step{ID: "1", Tests: []string{"TestStart"}}))
	wantStatus(t, vs[0], Panicked)
	msg := outcome(t, vs[0], "TestStart").Message
	wantContains(t, "message", msg, "a goroutine panicked while TestStart was running: assignment to entry in nil map",
		"fx.loop  exercises/fx/fx.go:13", "started by fx.Start  exercises/fx/fx.go:6")
	if n := strings.Count(msg, "assignment to entry in nil map"); n != 1 {
		t.Errorf("the panic's value is said %d times; once is enough:\n%s", n, msg)
	}
}

func TestRunPanicInInit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

var table = build()

func build() map[string]int { panic("table not built") }
`)
	vs := f.run(f.request("package fx\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\nfunc TestB(t *testing.T) {}\n",
		5*time.Second, Step{ID: "1", Tests: []string{"TestA"}}, Step{ID: "2", Tests: []string{"TestB"}}))
	for _, v := range vs {
		wantStatus(t, v, Panicked)
		wantContains(t, "message", v.Tests[0].Message, "before any test started", "table not built", "fx.build  exercises/fx/fx.go:5")
	}
}

func TestRunFatalErrorCrashes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

func Deep(n int) int { return Deep(n+1) + 1 }
`)
	// A 1 MiB stack overflows at once; the default 1 GB takes seconds.
	vs := f.run(f.request("package fx\n\nimport (\n\t\"runtime/debug\"\n\t\"testing\"\n)\n\nfunc TestDeep(t *testing.T) { debug.SetMaxStack(1 << 20); Deep(0) }\n",
		5*time.Second, Step{ID: "1", Tests: []string{"TestDeep"}}))
	wantStatus(t, vs[0], Crashed)
	msg := outcome(t, vs[0], "TestDeep").Message
	wantContains(t, "message", msg, "stack overflow", "fx.Deep  exercises/fx/fx.go:3  (x")
}

func TestRunFloodIsCapped(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `package fx

import (
	"bytes"
	"os"
)

// Chatter prints 100 MB.
func Chatter() {
	line := append(bytes.Repeat([]byte("x"), 1023), '\n')
	for range 100 << 10 {
		os.Stdout.Write(line)
	}
}
`)
	// The timeout is long on purpose: the only thing that can end this run
	// early with this verdict is the output cap.
	vs := f.run(f.request(`package fx

import "testing"

func TestChatter(t *testing.T) { Chatter() }

func TestLater(t *testing.T) {}
`, time.Minute, Step{ID: "1", Tests: []string{"TestChatter"}}, Step{ID: "2", Tests: []string{"TestLater"}}))
	wantStatus(t, vs[0], Failed)
	msg := outcome(t, vs[0], "TestChatter").Message
	wantContains(t, "message", msg, "TestChatter printed more than 1 MiB of output; otpgo stopped it", "It began with:\n\nxxxx")
	wantContains(t, "detail", vs[0].Detail, "TestChatter printed more than 1 MiB")
	if len(msg) > 4096 {
		t.Errorf("message is %d bytes; a flood should show only its first lines", len(msg))
	}
	wantStatus(t, vs[1], Passed)
}

func TestRunMissingTest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	vs := f.run(f.request("package fx\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {}\n",
		5*time.Second, Step{ID: "1", Tests: []string{"TestAdd", "TestNoSuchThing"}}))
	wantStatus(t, vs[0], Failed)
	wantContains(t, "message", outcome(t, vs[0], "TestNoSuchThing").Message, "there is no test TestNoSuchThing")
}

func TestRunFailureAfterTheTestsIsNotAPass(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	vs := f.run(f.request(`package fx

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	m.Run()
	fmt.Println("cleanup failed")
	os.Exit(1)
}

func TestAdd(t *testing.T) {}
`, 5*time.Second, Step{ID: "1", Tests: []string{"TestAdd"}}))
	wantStatus(t, vs[0], Failed)
	wantContains(t, "detail", vs[0].Detail, "every test passed, but the test binary failed after them", "cleanup failed")
}

func TestRunSkipIsNotAPass(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	vs := f.run(f.request("package fx\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) { t.Skip(\"not today\") }\n",
		5*time.Second, Step{ID: "1", Tests: []string{"TestAdd"}}))
	wantStatus(t, vs[0], Failed)
	wantContains(t, "message", vs[0].Tests[0].Message, "skipped", "not today")
}

func TestRunTestMainThatNeverStartsIsKilled(t *testing.T) {
	t.Parallel()
	f := newFixture(t, addLearner)
	// go test -timeout only arms inside m.Run, so this binary would run
	// forever: only the runner's own deadline can stop it. A short grace
	// keeps the test quick.
	vs := f.runWith(f.request(`package fx

import (
	"testing"
	"time"
)

func TestMain(m *testing.M) { time.Sleep(time.Hour) }

func TestAdd(t *testing.T) {}
`, time.Second, Step{ID: "1", Tests: []string{"TestAdd"}}), limits{compile: 5 * time.Minute, grace: time.Second})
	wantStatus(t, vs[0], TimedOut)
	wantContains(t, "message", vs[0].Tests[0].Message, "before any test started", "otpgo killed the test binary after 2s")
}

func TestRunRaceIsReportedInLearnerTerms(t *testing.T) {
	if !RaceSupported(context.Background()) {
		t.Skip("the race detector needs cgo and a C compiler, which this machine lacks")
	}
	t.Parallel()
	f := newFixture(t, `package fx

// Counter is not safe for concurrent use: that's the bug.
type Counter struct{ n int }

func (c *Counter) Inc() { c.n++ }
`)
	req := f.request(`package fx

import (
	"sync"
	"testing"
)

func TestInc(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); c.Inc() }()
	}
	wg.Wait()
}
`, 10*time.Second, Step{ID: "1", Tests: []string{"TestInc"}})
	req.Race = true
	vs := f.run(req)
	wantStatus(t, vs[0], Failed)
	msg := outcome(t, vs[0], "TestInc").Message
	wantContains(t, "message", msg, "DATA RACE: two goroutines used the same memory", "fx.(*Counter).Inc  exercises/fx/fx.go:6", "race detected during execution of test")
	wantNotContains(t, "message", msg, "testing.tRunner", "==================", "WARNING: DATA RACE", "created at")
}
