package cli

import (
	"context"
	"io"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	tea "charm.land/bubbletea/v2"
	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/testout"
	"github.com/otpgo/otpgo/internal/tui"
	"github.com/otpgo/otpgo/internal/tui/tuitest"
)

// agreeFixture is a three-step chapter where the step after aa.1 (aa.2)
// has passed already: "the following step" and "the next pending step"
// differ, so a screen with its own idea of "next" shows.
func agreeFixture(t *testing.T) *harness {
	h := newHarness(t)
	h.fsys["content/aa/chapter.json"].Data = []byte(`{"id": "aa", "title": "Alpha", "dir": "aa_pkg", "summary": "s",
		"steps": [
		  {"id": "aa.1", "title": "First", "files": ["one.go"], "tests": ["TestOne", "TestTwo"], "hints": ["nudge one", "answer one"]},
		  {"id": "aa.2", "title": "Second", "files": ["two.go"], "tests": ["TestThree"], "hints": ["a", "b"]},
		  {"id": "aa.3", "title": "Third", "files": ["two.go"], "tests": ["TestFour"], "hints": ["c", "d"]}
		]}`)
	// two.go as aa.2 leaves it: aa.3 changes it again.
	h.fsys["solutions/aa_pkg/_checkpoints/aa.2/two.go"] = &fstest.MapFile{Data: h.fsys["solutions/aa_pkg/two.go"].Data}
	h.fsys["solutions/aa_pkg/aa_test.go"].Data = []byte("package aa\n\nimport \"testing\"\n\n" +
		"func TestOne(t *testing.T) {}\nfunc TestTwo(t *testing.T) {}\nfunc TestThree(t *testing.T) {}\nfunc TestFour(t *testing.T) {}\n")
	if code := h.exec("check", "aa.2"); code != ExitOK {
		t.Fatalf("setup: check aa.2 exit %d: %s", code, h.errOut())
	}
	// First a failure where two tests fail the same way, then a pass.
	calls := 0
	h.run = func(ctx context.Context, req runner.Request) ([]runner.Verdict, error) {
		calls++
		if calls%2 == 1 {
			msg := runner.HiddenPrefix + "one_test.go:4: One() = 0, want 1"
			return []runner.Verdict{{Step: "aa.1", Status: runner.Failed, Detail: "2 tests failed",
				Tests: []runner.TestOutcome{{Name: "TestOne", Message: msg}, {Name: "TestTwo", Message: msg}}}}, nil
		}
		return passAll(ctx, req)
	}
	return h
}

const (
	agreedGroup = "1 more failed the same way: TestTwo"
	agreedNext  = "Next: aa.3 Third"
)

// otpgo check, otpgo watch and the app give the same grouped failures and
// the same next step for the same verdicts: they all render the session's
// report.
func TestCheckWatchAndAppAgree(t *testing.T) {
	defer goleak.VerifyNone(t)
	t.Run("check", func(t *testing.T) {
		h := agreeFixture(t)
		h.exec("check", "aa.1")
		h.mustContain("failing check", h.out(), agreedGroup, "one_test.go:4")
		if strings.Contains(h.out(), runner.HiddenPrefix) {
			t.Errorf("the hidden-file prefix shows:\n%s", h.out())
		}
		h.exec("check", "aa.1")
		h.mustContain("passing check", h.out(), agreedNext)
	})
	t.Run("watch", func(t *testing.T) {
		h := agreeFixture(t)
		var out, errOut testout.Buffer
		env := h.envFor(h.root)
		env.Stdout, env.Stderr = &out, &errOut
		ctx, cancel := context.WithCancel(context.Background())
		code := make(chan int, 1)
		go func() { code <- Run(ctx, env, "watch", "aa.1") }()
		defer func() { cancel(); <-code }()
		waitFor(t, &out, "Waiting for your next save")
		h.write("exercises/aa_pkg/one.go", "package aa\n\nfunc One() int { return 1 }\n")
		waitFor(t, &out, "aa.1 passes!")
		h.mustContain("watch", out.String(), agreedGroup, "one_test.go:4", agreedNext)
		if strings.Contains(out.String(), runner.HiddenPrefix) {
			t.Errorf("the hidden-file prefix shows:\n%s", out.String())
		}
	})
	t.Run("app", func(t *testing.T) {
		h := agreeFixture(t)
		c, b := h.appBackend()
		// A real program, not teatest, whose goroutine would outlive the
		// test and trip the other tests' leak checks.
		rec := tuitest.Record(tui.New(tui.Options{Course: c, Backend: b, Start: "aa.1", NoWatch: true, LessonStyle: "notty"}))
		ctx, cancel := context.WithCancel(context.Background())
		p := tea.NewProgram(rec, tea.WithContext(ctx), tea.WithInput(strings.NewReader("")), tea.WithOutput(io.Discard),
			tea.WithoutSignals(), tea.WithWindowSize(120, 50))
		done := make(chan tea.Model, 1)
		go func() { m, _ := p.Run(); done <- m }()
		defer func() {
			cancel()
			if m, ok := (<-done).(tuitest.Recorder); ok {
				m.Model.(tui.App).Close()
			}
		}()
		rec.WaitFor(t, 5*time.Second, "the step", tuitest.Contains("press enter to check"))
		p.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		screen := rec.WaitFor(t, 5*time.Second, "the failure", tuitest.Contains("FAILED"))
		for _, want := range []string{agreedGroup, "one_test.go:4"} {
			if !strings.Contains(screen, want) {
				t.Errorf("the app's failure lacks %q:\n%s", want, screen)
			}
		}
		if strings.Contains(screen, runner.HiddenPrefix) {
			t.Errorf("the hidden-file prefix shows:\n%s", screen)
		}
		p.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		rec.WaitFor(t, 5*time.Second, "the next step after a pass", tuitest.Contains(agreedNext))
	})
}

// waitFor polls out until it contains what, with a deadline.
func waitFor(t *testing.T, out *testout.Buffer, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), what) {
		if time.Now().After(deadline) {
			t.Fatalf("output never said %q:\n%s", what, out.String())
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
}
