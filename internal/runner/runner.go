// Package runner grades a learner's exercise: it injects the hidden tests of
// a chapter into exercises/<dir> with `go test -overlay`, runs exactly the
// tests of the requested steps, and turns the `go test -json` stream into one
// Verdict per step. Learner failures (a failing test, a compile error, a
// panic, a hang, os.Exit) are verdicts; only machinery problems (no Go
// toolchain, not a module, ...) are errors.
package runner

import (
	"context"
	"errors"
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
	Overlay map[string][]byte // file name (in Dir) -> content; written to temp files, passed via -overlay
	Steps   []Step
	Race    bool
	Count   int           // default 1
	Timeout time.Duration // go test -timeout (test binary); the runner adds its own outer deadline
	// Progress, if set, is told when compiling starts and when the first
	// test event arrives, so a caller can say "compiling" on a cold cache.
	Progress func(Phase)
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
	return "Phase(" + itoa(int(p)) + ")"
}

// Status is the outcome of one step.
type Status int

// The outcomes of a step. The zero Status is deliberately not Passed, so a
// Verdict that was never filled in can't be mistaken for success.
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
	return "Status(" + itoa(int(s)) + ")"
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

// Verdict is the result of one step.
type Verdict struct {
	Step   string
	Status Status
	Tests  []TestOutcome
	Detail string // step-level explanation: compiler messages, the stuck goroutines, ...
}

// Run runs the tests of req.Steps in one `go test` of req.Dir with the
// overlay files injected, and returns one Verdict per step, in order.
// The error is for the machinery only (no go on PATH, Root not a module, ctx
// cancelled); everything the learner's code does is a Verdict.
func Run(ctx context.Context, req Request) ([]Verdict, error) {
	return nil, errors.New("runner: not implemented yet")
}

// CheckToolchain reports the Go version that `go` on PATH runs (e.g.
// "go1.26.8"), or an error that says what to install.
func CheckToolchain(ctx context.Context) (version string, err error) {
	return "", errors.New("runner: not implemented yet")
}

// RaceSupported reports whether `go test -race` can work here: the platform
// supports the race detector, cgo is enabled and a C compiler is on PATH.
func RaceSupported(ctx context.Context) bool { return false }

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
