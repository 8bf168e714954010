package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/testout"
)

func TestWatchRechecksOnSaveAndOffersTheNextStep(t *testing.T) {
	defer goleak.VerifyNone(t)
	h := newHarness(t)
	calls := make(chan int, 8)
	n := 0
	h.run = func(ctx context.Context, req runner.Request) ([]runner.Verdict, error) {
		n++
		calls <- n
		if n == 1 {
			return []runner.Verdict{{Step: "aa.1", Status: runner.Failed, Detail: "TestOne failed",
				Tests: []runner.TestOutcome{{Name: "TestOne", Message: "one.go:4: One() = 0, want 1"},
					{Name: "TestTwo", Message: "one.go:4: One() = 0, want 1"}}}}, nil
		}
		return passAll(ctx, req)
	}
	var out, errOut testout.Buffer
	env := h.envFor(h.root)
	env.Stdout, env.Stderr = &out, &errOut
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	go func() { code <- Run(ctx, env, "watch", "aa.1") }()

	waitCall := func(want int) {
		t.Helper()
		select {
		case got := <-calls:
			if got != want {
				t.Fatalf("check #%d, want #%d", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no check #%d within 10s; output:\n%s%s", want, out.String(), errOut.String())
		}
	}
	waitOut := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(out.String(), what) {
			if time.Now().After(deadline) {
				t.Fatalf("output never said %q:\n%s", what, out.String())
			}
			time.Sleep(10 * time.Millisecond) // polling with a deadline
		}
	}

	waitCall(1) // the first check, at start
	waitOut("Waiting for your next save")
	h.write("exercises/aa_pkg/one.go", "package aa\n\nfunc One() int { return 1 }\n")
	waitCall(2)
	waitOut("aa.1 passes!")
	waitOut("Next: aa.2 Second. When you are ready: Ctrl-C, then otpgo watch aa.2 (still watching aa.1 until then)")

	cancel()
	select {
	case c := <-code:
		if c != ExitInterrupted {
			t.Errorf("exit code %d after Ctrl-C, want %d", c, ExitInterrupted)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not stop after its context was cancelled")
	}
	select {
	case extra := <-calls:
		t.Fatalf("one save gave check #%d", extra)
	default:
	}
	if !h.state().Done("aa.1") {
		t.Error("the pass was not recorded in progress")
	}
	if !strings.Contains(out.String(), "✗ aa.1 First: a test failed") || !strings.Contains(out.String(), "One() = 0, want 1") {
		t.Errorf("the failing check was not shown:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "1 more failed the same way: TestTwo") || strings.Count(out.String(), "want 1") != 1 {
		t.Errorf("a second test failing the same way was not folded into one line, as otpgo check does:\n%s", out.String())
	}
}

func TestWatchRejectsAReadOnlyStep(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("watch", "rd"); code != ExitError {
		t.Fatalf("exit %d for watching a chapter with nothing to check", code)
	}
	h.mustContain("stderr", h.errOut(), "rd has nothing to check")
}
