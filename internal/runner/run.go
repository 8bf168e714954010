package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The state of one Run and the code that drives it: go test invoked,
// the tests it never reached run again, a dead binary explained.

// testRun is the state of one Run over its invocations of go test.
type testRun struct {
	req      Request
	paths    paths
	records  map[string]*record
	declared map[string]bool // top-level Test functions the hidden tests declare
	order    []string        // every test, in the order the steps list them
	stored   int             // output bytes kept over all records
	pkgLines []string        // package-level output (init, TestMain), capped
	build    string          // the compiler's messages, if the package did not build
	after    string          // why the binary failed although every test passed
	running  func()          // called when a test starts
	limits   limits
	todos    map[string]string // step ID -> where its TODO stub is (todo.go), read when first needed
}

// run is Run within lim (tests pass shorter limits).
func run(ctx context.Context, req Request, lim limits) ([]Verdict, error) {
	req, err := normalize(req)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("check %s: %w", req.Dir, err)
	}
	tool, err := toolchain(ctx)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "otpgo-overlay-")
	if err != nil {
		return nil, fmt.Errorf("check %s: overlay: %w", req.Dir, err)
	}
	defer os.RemoveAll(tmp)
	pkgAbs := filepath.Join(req.Root, filepath.FromSlash(req.Dir))
	overlay, err := writeOverlay(tmp, pkgAbs, req.Overlay)
	if err != nil {
		return nil, fmt.Errorf("check %s: overlay: %w", req.Dir, err)
	}

	tr := &testRun{
		req:      req,
		paths:    paths{root: req.Root, dir: req.Dir, pkgAbs: pkgAbs},
		records:  map[string]*record{},
		declared: declaredTests(req.Overlay),
		limits:   lim,
	}
	for _, st := range req.Steps {
		for _, name := range st.Tests {
			if tr.records[name] == nil {
				tr.records[name] = &record{name: name}
				tr.order = append(tr.order, name)
			}
		}
	}
	var once bool
	tr.running = func() {
		if !once && req.Progress != nil {
			once = true
			req.Progress(PhaseRunning)
		}
	}
	if req.Progress != nil {
		req.Progress(PhaseCompiling)
	}
	env := append(append(os.Environ(), req.Env...), "PWD="+req.Root)
	if req.Race {
		env = append(env, "GORACE="+goraceWithoutSleep(os.Getenv("GORACE")))
	}
	tests := tr.order
	for len(tests) > 0 {
		iv, err := tr.invoke(ctx, tool.path, overlay, env, tests)
		if err != nil {
			return nil, err
		}
		if iv.buildFail {
			tr.build = buildDetail(iv, req.Dir)
			break
		}
		tests = tr.settle(iv, req.Timeout)
	}
	return tr.verdicts(req.Count), nil
}

// invoke runs go test once for tests and reads its stream to the end.
func (tr *testRun) invoke(ctx context.Context, goPath, overlay string, env, tests []string) (*invocation, error) {
	req := tr.req
	args := []string{"test", "-json", "-overlay", overlay,
		"-run", runPattern(tests), "-timeout", req.Timeout.String()}
	if req.Count > 1 {
		// -count=1 is left out on purpose: it would disable the test cache.
		args = append(args, "-count", strconv.Itoa(req.Count))
	}
	if req.Race {
		args = append(args, "-race")
	}
	args = append(args, "./"+req.Dir)

	p, err := startProc(req.Root, goPath, filepath.Dir(overlay), args, env)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", req.Dir, err)
	}
	iv := &invocation{tr: tr, p: p, tests: tests}
	watchdog := time.AfterFunc(tr.limits.compile, func() { p.kill(killDeadline) })
	defer watchdog.Stop()
	iv.onStart = func() {
		iv.binStarted = true
		watchdog.Reset(req.Timeout + tr.limits.grace)
	}
	stopCancel := context.AfterFunc(ctx, func() { p.kill(killCancel) })
	defer stopCancel()

	reaped := make(chan error, 1)
	go func() { reaped <- p.reap() }()
	readErr := iv.read(p.stdout)
	if errors.Is(readErr, os.ErrClosed) {
		readErr = nil // the pipe grace ran out: the stream is over
	}
	if readErr != nil {
		p.kill(killAbort) // nobody reads the pipe any more: don't let go test block on it
	}
	waitErr := <-reaped
	p.close()
	stderr := p.stderrText()

	switch why := p.killedFor(); {
	case why == killCancel:
		return nil, fmt.Errorf("check %s: %w", req.Dir, context.Cause(ctx))
	case why == killDeadline && !iv.binStarted:
		return nil, fmt.Errorf("check %s: go test did not finish compiling within %s; is the machine overloaded? Try again", req.Dir, tr.limits.compile)
	case readErr != nil:
		return nil, fmt.Errorf("check %s: reading go test output: %w", req.Dir, readErr)
	}
	if !iv.pkgDone && !iv.buildFail && !iv.binStarted && p.killedFor() == notKilled && waitErr != nil {
		// go test itself failed (go.mod, toolchain download, flags).
		msg := strings.TrimSpace(stderr)
		if msg == "" {
			msg = waitErr.Error()
		}
		return nil, fmt.Errorf("check %s: go test failed before running anything: %s", req.Dir, msg)
	}
	return iv, nil
}

// settle turns the end of an invocation into results for the tests that
// were running when the binary ended, and returns the tests to run again:
// those that never started because the binary died before reaching them.
func (tr *testRun) settle(iv *invocation, timeout time.Duration) (rerun []string) {
	why := iv.p.killedFor()
	var running []*record
	for _, name := range iv.tests {
		if r := tr.records[name]; r.running {
			running = append(running, r)
		}
	}
	if r := iv.panicRec; r != nil && iv.trace != nil {
		r.res.short = panicShort(r.name+" panicked", iv.trace.value())
		r.res.msg = joinMsg(r.res.msg, iv.trace.render())
	}
	// Only the package-level result proves that the binary ran to its end.
	died := len(running) > 0 || why != notKilled || iv.trace != nil || !iv.pkgDone
	for _, r := range running {
		r.running = false
		if r.res == nil || r.res.status == Failed {
			// The death says more than an earlier run's failure.
			r.res = tr.death(iv, r, why, timeout)
		}
	}
	var pending []*record
	for _, name := range iv.tests {
		if r := tr.records[name]; r.started == 0 && r.res == nil {
			pending = append(pending, r)
		}
	}
	if !died && iv.pkgFailed && tr.after == "" && allPassed(tr, iv.tests) {
		// Every test passed, yet the binary failed: TestMain, or a race or
		// a goroutine of the learner's that outlived its test.
		tr.after = joinMsg("every test passed, but the test binary failed after them (in TestMain, or in a goroutine your code left running):",
			strings.Join(trimFrames(&tr.paths, tr.pkgLines), "\n"))
	}
	switch {
	case len(pending) == 0:
		return nil
	case !died:
		for _, r := range pending {
			r.res = &result{status: Failed, msg: tr.neverRan(r.name)}
		}
		return nil
	case iv.progressed:
		// The binary died in an earlier test; the others deserve a run.
		for _, r := range pending {
			rerun = append(rerun, r.name)
		}
		return rerun
	}
	// Died before any test started: init, a package variable or TestMain.
	res := tr.death(iv, nil, why, timeout)
	for _, r := range pending {
		r.res = res
	}
	return nil
}

func allPassed(tr *testRun, tests []string) bool {
	for _, name := range tests {
		if r := tr.records[name]; r.res != nil || r.started == 0 {
			return false
		}
	}
	return true
}

// death explains how the binary ended while r was running (r is nil when
// no test had started): the Status it gives, from why the runner killed
// the binary (if it did) and the goroutine dump the binary left.
func (tr *testRun) death(iv *invocation, r *record, why killReason, timeout time.Duration) *result {
	subject := "the package"
	when := "before any test started (in an init function, a package-level variable or TestMain)"
	prior := ""
	if r != nil {
		subject = r.name
		when = "while " + r.name + " was running"
		prior = tr.message(r)
	} else if len(tr.pkgLines) > 0 {
		prior = strings.Join(tr.pkgLines, "\n")
	}
	res := &result{}
	var explain, dump string
	switch {
	case why == killFlood && (r == nil || iv.flooder == r.name || iv.flooder == ""):
		res.status = Failed
		res.short = fmt.Sprintf("%s printed more than %d MiB of output; otpgo stopped it", subject, floodLimit>>20)
		explain = "Is something printing in a loop? It began with:"
		prior = head(prior, 10, 160)
	case why == killFlood:
		res.status = Crashed
		res.short = fmt.Sprintf("not finished: otpgo stopped the tests because %s printed too much", iv.flooder)
	case why == killDeadline:
		res.status = TimedOut
		res.short = fmt.Sprintf("otpgo killed the test binary after %s, %s", timeout+tr.limits.grace, when)
		explain = "go test's own -timeout did not stop it: is TestMain or an init function stuck?"
	case iv.trace != nil && iv.trace.timedOut():
		res.status = TimedOut
		// The step's tests share its time: the one running when it ran out
		// may have had little of it.
		res.short = fmt.Sprintf("%s was still running when the step's %s ran out (its tests share that time)", subject, timeout)
		explain = iv.trace.stuckHint()
		dump = iv.trace.render()
	case iv.trace != nil && iv.trace.fatal():
		res.status = Crashed
		res.short = fmt.Sprintf("the Go runtime stopped the program %s: %s", when, iv.trace.value())
		dump = iv.trace.render()
	case iv.trace != nil:
		res.status = Panicked
		where := "a goroutine"
		if r == nil {
			where = "the package"
		}
		res.short = panicShort(where+" panicked "+when, iv.trace.value())
		dump = iv.trace.render()
	default:
		res.status = Crashed
		res.short = fmt.Sprintf("the test binary exited %s without reporting a result", when)
		explain = "Does your code call os.Exit, syscall.Exit or log.Fatal? Only main should end a program."
	}
	if v := iv.trace; v != nil && strings.Contains(res.short, v.value()) {
		dump = dropFirstLine(dump) // "panic: <value>", said already
	}
	res.msg = joinMsg(joinMsg(joinMsg(res.short, explain), prior), dump)
	return res
}

// dropFirstLine drops s's first line, and the blank lines after it.
func dropFirstLine(s string) string {
	_, rest, _ := strings.Cut(s, "\n")
	return strings.TrimLeft(rest, "\n")
}
