package cli

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/testout"
)

var (
	joinLineRE = regexp.MustCompile(`otpgo class join (\S+) (\S+) --name`)
	boardURLRE = regexp.MustCompile(`http://\S+/board\?key=\S+`)
)

// TestClassFromStartToExport is a class: a trainer's checkout serves the
// board (its server built from this repo, as class start builds it from
// the checkout), two attendees' checkouts join, check (one passes, one
// fails) and raise a hand with their changes; the trainer's terminal
// board and export show it all.
func TestClassFromStartToExport(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED in -short: builds the class board's server with go build")
	}
	trainer := newHarness(t)
	var err error
	out := &testout.Buffer{}
	env := trainer.envFor(trainer.root)
	env.Stdout, env.Stderr = out, out
	if env.Programs, err = filepath.Abs("../.."); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- Run(ctx, env, "class", "start", "--addr", "127.0.0.1:0", "--no-open") }()
	m := testout.Wait(t, out, joinLineRE, time.Now().Add(3*time.Minute)) // a cold cache compiles net/http
	if !strings.Contains(out.String(), "Building otpgo class start (go build ./internal/class/start") {
		t.Errorf("no word of the build:\n%s", out.String())
	}
	addr, code := m[1], m[2]
	// The board's URL is printed after the join line, in a later write.
	testout.Wait(t, out, boardURLRE, time.Now().Add(10*time.Second))

	ana, bob := newHarness(t), newHarness(t)
	if c := ana.exec("class", "join", addr, "wrong-wrong-wrong", "--name", "Ana"); c != ExitError || !strings.Contains(ana.errOut(), "wrong join code") {
		t.Fatalf("wrong code: exit %d\n%s", c, ana.errOut())
	}
	for _, h := range []*harness{ana, bob} {
		if c := h.exec("class", "join", addr, code, "--name", map[*harness]string{ana: "Ana", bob: "Bob"}[h]); c != ExitOK {
			t.Fatalf("join: exit %d\n%s", c, h.errOut())
		}
	}
	if c := ana.exec("check", "aa.1"); c != ExitOK || strings.Contains(ana.errOut(), "class:") {
		t.Fatalf("Ana's check: exit %d\n%s", c, ana.errOut())
	}
	bob.run = func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		return []runner.Verdict{{Step: "aa.1", Status: runner.Failed, Tests: []runner.TestOutcome{{Name: "TestOne", Message: "One() = 0, want 1"}}}}, nil
	}
	if c := bob.exec("check", "aa.1"); c != ExitFailed || strings.Contains(bob.errOut(), "class:") {
		t.Fatalf("Bob's check: exit %d\n%s", c, bob.errOut())
	}
	bob.write("exercises/aa_pkg/one.go", "package aa\n\nfunc One() int { return 0 }\n")
	if c := bob.exec("class", "help", "why", "zero?", "--share"); c != ExitOK || !strings.Contains(bob.out(), "Hand raised on aa.1") {
		t.Fatalf("help: exit %d\n%s%s", c, bob.out(), bob.errOut())
	}

	if c := trainer.exec("class", "board", "--once"); c != ExitOK {
		t.Fatalf("board: exit %d\n%s", c, trainer.errOut())
	}
	trainer.mustContain("the terminal board", trainer.out(), "✋ Bob", "✗1", "✓", "aa.1: 1 failing on TestOne: One() = 0, want 1", "why zero?")
	if c := trainer.exec("class", "export", "--format", "csv"); c != ExitOK {
		t.Fatalf("export: exit %d\n%s", c, trainer.errOut())
	}
	trainer.mustContain("the export", trainer.out(), "a1,Ana,aa.1,passed,passed,1", "a2,Bob,aa.1,failing,failed,1")

	// The trainer stops; a check is not slowed or failed, its report queued.
	cancel()
	<-done
	start := time.Now()
	if c := ana.exec("check", "aa.2"); c != ExitOK || !strings.Contains(ana.errOut(), "did not answer; 1 report(s) kept") {
		t.Fatalf("check with the board gone: exit %d\n%s", c, ana.errOut())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the check took %v with the board gone", d)
	}
	if c := ana.exec("class", "leave"); c != ExitOK {
		t.Fatalf("leave: exit %d\n%s", c, ana.errOut())
	}
}
