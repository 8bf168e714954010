// Package runner grades a learner's exercise: it injects the hidden tests of
// a chapter into exercises/<dir> with `go test -overlay`, runs exactly the
// tests of the requested steps, and turns the `go test -json` stream into one
// Verdict per step. Learner failures (a failing test, a compile error, a
// panic, a hang, os.Exit) are verdicts; only machinery problems (no Go
// toolchain, not a module, ...) are errors.
package runner

import (
	"context"
	"strconv"
	"time"
)

// Step is one graded step of a chapter: its ID and the top-level test
// functions that grade it.
type Step struct {
	ID    string
	Tests []string
}

// Request says what to run.
type Request struct {
	Root    string            // absolute module root
	Dir     string            // package dir relative to Root, e.g. "exercises/02_cache"
	Overlay map[string][]byte // file name (in Dir) -> content; written to temp files, passed via -overlay (injected as HiddenPrefix+name)
	Steps   []Step
	Race    bool
	Count   int           // default 1 (then no -count flag is passed, so go test's result cache works)
	Timeout time.Duration // go test -timeout (test binary); the runner adds its own outer deadline
	// Progress, if set, is told when compiling starts and when the first
	// test starts, so a caller can say "compiling" on a cold cache. It is
	// called from the goroutine that called Run.
	Progress func(Phase)
	// Env adds KEY=value pairs to the test binary's environment (otpgo
	// trace uses it to ask for a trace file).
	Env []string
}

// Phase is how far a Run has got; see Request.Progress.
type Phase int

// Phases reported through Request.Progress, in order.
const (
	PhaseCompiling Phase = iota // go test started; building the package and its tests
	PhaseRunning                // the test binary runs
)

// String returns "compiling" or "running".
func (p Phase) String() string {
	switch p {
	case PhaseCompiling:
		return "compiling"
	case PhaseRunning:
		return "running"
	}
	return "Phase(" + strconv.Itoa(int(p)) + ")"
}

// Status is how a step, or one of its tests, ended: the runner's one
// classification of outcomes.
type Status int

// The outcomes, from best to worst: a step takes the worst status of its
// tests. The zero Status is deliberately not Passed, so a Verdict that was
// never filled in can't be mistaken for success.
const (
	Passed     Status = iota + 1 // every test of the step ran and passed
	Failed                       // a test failed (see TestOutcome.Message)
	BuildError                   // the package or the hidden tests did not compile
	Panicked                     // a panic in the learner's code ended the test binary
	TimedOut                     // the test binary ran out of time (a hang or a deadlock)
	Crashed                      // the test binary died mid-test (os.Exit, fatal error, killed)
)

var statusNames = [...]string{
	Passed:     "passed",
	Failed:     "failed",
	BuildError: "build error",
	Panicked:   "panicked",
	TimedOut:   "timed out",
	Crashed:    "crashed",
}

// String returns the status in lower case words, e.g. "build error".
func (s Status) String() string {
	if s > 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the status as its String, so --json output reads
// "passed" rather than a number.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// TestOutcome is the result of one hidden test.
type TestOutcome struct {
	Name    string
	Passed  bool
	Message string // why it failed: the test's t.Error/t.Fatal lines, a panic, ...
}

// Verdict is the result of one step. Detail is empty for Passed; otherwise
// it is one line saying what happened (for BuildError: the compiler's
// messages, with the learner's paths and "hidden test x_test.go:L:C" for
// the injected files). Each TestOutcome.Message holds the specifics: the
// t.Error lines, or the panic and the goroutines, trimmed to the learner's
// package.
type Verdict struct {
	Step   string
	Status Status
	Tests  []TestOutcome
	Detail string // step-level explanation: compiler messages, the stuck goroutines, ...
}

// Limits of the runner's own watchdog. go test -timeout normally stops a
// stuck test binary first; these catch what it can't (a compiler that never
// ends, a TestMain that blocks before the tests start, a binary that ignores
// its own alarm).
type limits struct {
	compile time.Duration // until the test binary starts: a cold cache with -race on a loaded machine
	grace   time.Duration // after -timeout: time to print the goroutine dump and exit
}

var defaultLimits = limits{compile: 5 * time.Minute, grace: 5 * time.Second}

// DefaultTimeout is the `go test -timeout` of a Request that names none,
// and of a course step that names none (catalog.DefaultTimeout).
const DefaultTimeout = 10 * time.Second

// Run runs the tests of req.Steps in one `go test -json` of req.Dir, with
// each req.Overlay file injected as <Root>/<Dir>/zz_otpgo_hidden_<name>,
// and returns one Verdict per step, in the order of req.Steps.
//
// A test passes only if it ran (Count times) and passed; a test that never
// reported because the binary died is not a pass. If the binary dies in one
// test, the tests it never reached are run again in a fresh binary.
//
// go test runs in its own process group; the whole group is killed when ctx
// ends or when the outer deadline (compile allowance, then Timeout plus a
// grace period once the test binary starts) passes, and after go test exits,
// so nothing the learner's code started outlives Run.
//
// The error is for the machinery only (no usable go on PATH, Root not a
// module, a malformed Request, ctx ended); it wraps ErrToolchain for
// toolchain problems and ctx.Err() for cancellation. Everything the
// learner's code does is a Verdict. Progress is called from Run's goroutine.
func Run(ctx context.Context, req Request) ([]Verdict, error) {
	return run(ctx, req, defaultLimits)
}
