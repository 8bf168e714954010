package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
)

// Every test of the package, whoever wrote it, must leave no goroutine
// behind: a spinner, a watcher or a runner stub that outlives its command
// is a bug.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fixtureFS is a small course: chapter aa (two graded steps), rd (read
// only), zz (coming).
func fixtureFS() fstest.MapFS {
	return fstest.MapFS{
		"content/course.json": {Data: []byte(`{"chapters": [
			{"id": "aa", "title": "Alpha"},
			{"id": "rd", "title": "Reading"},
			{"id": "zz", "title": "Zeta"}]}`)},
		"content/aa/chapter.json": {Data: []byte(`{"id": "aa", "title": "Alpha", "dir": "aa_pkg", "summary": "s",
			"steps": [
			  {"id": "aa.1", "title": "First", "files": ["one.go"], "tests": ["TestOne"], "hints": ["nudge one", "answer one"]},
			  {"id": "aa.2", "title": "Second", "files": ["two.go"], "tests": ["TestTwo"], "hints": ["a", "b", "c"]}
			]}`)},
		"content/aa/lesson.md": {Data: []byte("# Alpha\n\nIntro.\n\n## Step aa.1: first\n\nDo one.\n\n## Step aa.2: second\n\nDo two.\n")},
		"content/rd/chapter.json": {Data: []byte(`{"id": "rd", "title": "Reading", "dir": "", "summary": "s",
			"steps": [{"id": "rd.1", "title": "Look", "files": [], "tests": []}]}`)},
		"content/rd/lesson.md":        {Data: []byte("# Reading\n")},
		"exercises/aa_pkg/one.go":     {Data: []byte("package aa\n\n// One is TODO.\nfunc One() int { panic(\"TODO(aa.1)\") }\n")},
		"exercises/aa_pkg/two.go":     {Data: []byte("package aa\n\nfunc Two() int { panic(\"TODO(aa.2)\") }\n")},
		"solutions/aa_pkg/one.go":     {Data: []byte("package aa\n\n// One is one.\nfunc One() int { return 1 }\n")},
		"solutions/aa_pkg/two.go":     {Data: []byte("package aa\n\nfunc Two() int { return 2 }\n")},
		"solutions/aa_pkg/aa_test.go": {Data: []byte("package aa\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) {}\nfunc TestTwo(t *testing.T) {}\n")},
	}
}

// harness is one in-process otpgo: a checkout in a temp dir, captured
// output, and a fake runner.
type harness struct {
	t      *testing.T
	root   string
	fsys   fstest.MapFS
	env    map[string]string
	tty    bool
	stdin  string
	run    func(context.Context, runner.Request) ([]runner.Verdict, error)
	goErr  error // what the Toolchain check returns (nil: go1.26.8 works)
	mu     sync.Mutex
	reqs   []runner.Request
	stdout bytes.Buffer
	stderr bytes.Buffer
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, root: t.TempDir(), fsys: fixtureFS(), env: map[string]string{}}
	h.write("go.mod", "module github.com/otpgo/otpgo\n\ngo 1.26\n")
	for _, f := range []string{"exercises/aa_pkg/one.go", "exercises/aa_pkg/two.go"} {
		h.write(f, string(h.fsys[f].Data))
	}
	h.run = passAll
	return h
}

func passAll(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
	var vs []runner.Verdict
	for _, s := range req.Steps {
		v := runner.Verdict{Step: s.ID, Status: runner.Passed}
		for _, n := range s.Tests {
			v.Tests = append(v.Tests, runner.TestOutcome{Name: n, Passed: true})
		}
		vs = append(vs, v)
	}
	return vs, nil
}

func (h *harness) write(rel, data string) {
	h.t.Helper()
	p := filepath.Join(h.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) read(rel string) string {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join(h.root, filepath.FromSlash(rel)))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(data)
}

func (h *harness) envFor(dir string) Env {
	return Env{
		Stdin:  strings.NewReader(h.stdin),
		Stdout: &h.stdout,
		Stderr: &h.stderr,
		Dir:    dir,
		Getenv: func(k string) string { return h.env[k] },
		FS:     h.fsys,
		Run: func(ctx context.Context, req runner.Request) ([]runner.Verdict, error) {
			h.mu.Lock()
			h.reqs = append(h.reqs, req)
			h.mu.Unlock()
			return h.run(ctx, req)
		},
		Toolchain: func(context.Context) (string, error) {
			if h.goErr != nil {
				return "", h.goErr
			}
			return "go1.26.8", nil
		},
		RaceSupported: func(context.Context) bool { return h.goErr == nil },
		IsTerminal:    func(any) bool { return h.tty },
		Now:           func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
}

// exec runs otpgo with args in the checkout; it returns the exit code.
func (h *harness) exec(args ...string) int {
	h.t.Helper()
	h.stdout.Reset()
	h.stderr.Reset()
	return Run(context.Background(), h.envFor(h.root), args...)
}

func (h *harness) out() string    { return h.stdout.String() }
func (h *harness) errOut() string { return h.stderr.String() }

func (h *harness) mustContain(where, got string, wants ...string) {
	h.t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			h.t.Errorf("%s does not contain %q:\n%s", where, w, got)
		}
	}
}

func (h *harness) state() *progress.State {
	h.t.Helper()
	st, err := progress.Open(filepath.Join(h.root, ".otpgo")).Load()
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

func TestWelcomeNamesTheCommands(t *testing.T) {
	h := newHarness(t)
	if code := h.exec(); code != ExitOK {
		t.Fatalf("exit %d: %s", code, h.errOut())
	}
	h.mustContain("welcome", h.out(), "otpgo check [ID]", "otpgo hint ID", "otpgo watch", "otpgo observe")
	if code := h.exec("--help"); code != ExitOK {
		t.Fatalf("--help: exit %d: %s", code, h.errOut())
	}
	h.mustContain("--help", h.out(), "otpgo watch", "otpgo observe")
}

func TestUnknownIDSuggestsClosest(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"check", "aa.3"}, {"hint", "a.1"}, {"lesson", "show", "aaa"}, {"solution", "aa.9"}, {"reset", "aa3", "--yes"}} {
		if code := h.exec(args...); code != ExitError {
			t.Errorf("%v: exit %d; want %d", args, code, ExitError)
		}
		h.mustContain(strings.Join(args, " ")+" stderr", h.errOut(), "did you mean", "aa.1", "otpgo lesson list")
	}
}

func TestComingChapterSaysSo(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"check", "zz"}, {"lesson", "show", "zz"}, {"hint", "zz.1"}} {
		if code := h.exec(args...); code != ExitError {
			t.Errorf("%v: exit %d; want %d", args, code, ExitError)
		}
		h.mustContain(strings.Join(args, " "), h.errOut(), "zz (Zeta) is coming")
	}
	if code := h.exec("lesson", "list"); code != ExitOK {
		t.Fatalf("lesson list: exit %d: %s", code, h.errOut())
	}
	h.mustContain("lesson list", h.out(), "zz", "coming")
}

func TestUngradedStepIsNotChecked(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("check", "rd.1"); code != ExitError {
		t.Fatalf("check rd.1: exit %d; want %d", code, ExitError)
	}
	h.mustContain("stderr", h.errOut(), "not graded")
	if len(h.reqs) != 0 {
		t.Errorf("the runner ran for an ungraded step: %+v", h.reqs)
	}
}

func TestOutsideACheckout(t *testing.T) {
	h := newHarness(t)
	outside := t.TempDir()
	for _, args := range [][]string{{"check"}, {"lesson", "list"}, {"hint", "aa.1"}, {"reset", "--all", "--yes"}} {
		h.stdout.Reset()
		h.stderr.Reset()
		if code := Run(context.Background(), h.envFor(outside), args...); code != ExitError {
			t.Errorf("%v outside a checkout: exit %d; want %d", args, code, ExitError)
		}
		h.mustContain(strings.Join(args, " "), h.errOut(), "not inside an otpgo checkout", "git clone https://github.com/otpgo/otpgo", "cd otpgo")
	}
}

// TestNoUsableGo: no go on PATH, or one too old, is one line on stderr
// that says what to install (the runner's own message, runner.ErrToolchain),
// before anything runs and without a misleading word about -race.
func TestNoUsableGo(t *testing.T) {
	for _, msg := range []string{
		"no `go` on PATH: install Go 1.26 or newer from https://go.dev/dl/ and open a new shell",
		"otpgo needs Go 1.26 or newer but /usr/bin/go is go1.25.3: install a newer Go from https://go.dev/dl/",
	} {
		h := newHarness(t)
		h.goErr = errors.New(msg)
		for _, args := range [][]string{{"check", "aa.1"}, {"check"}, {"verify"}} {
			if code := h.exec(args...); code != ExitError {
				t.Errorf("%v: exit %d; want %d", args, code, ExitError)
			}
			if got := strings.TrimSpace(h.errOut()); !strings.HasSuffix(got, msg) || strings.Count(got, "\n") != 0 {
				t.Errorf("%v: stderr = %q; want the one line %q", args, got, msg)
			}
		}
		if len(h.reqs) != 0 {
			t.Error("the runner ran without a usable go")
		}
		if code := h.exec("doctor"); code != ExitFailed {
			t.Errorf("doctor: exit %d; want %d", code, ExitFailed)
		}
		h.mustContain("doctor", h.out(), msg)
	}
}

func TestDoctor(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("doctor"); code != ExitOK {
		t.Fatalf("doctor: exit %d\n%s%s", code, h.out(), h.errOut())
	}
	// File watching is what otpgo watch's own probe finds: events or polling.
	h.mustContain("doctor", h.out(), "✓ Go: go1.26.8", "Checkout: "+h.root, "Race detector: works", "File watching: ")
	if matches, _ := filepath.Glob(filepath.Join(h.root, ".otpgo", "watch-probe-*")); len(matches) != 0 {
		t.Errorf("doctor left its probe behind: %v", matches)
	}
}

func TestCheckExitCodesAndProgress(t *testing.T) {
	h := newHarness(t)

	// No ID: the next pending step, aa.1; it passes, exit 0, recorded.
	if code := h.exec("check"); code != ExitOK {
		t.Fatalf("check (passing): exit %d\n%s%s", code, h.out(), h.errOut())
	}
	if len(h.reqs) != 1 || len(h.reqs[0].Steps) != 1 || h.reqs[0].Steps[0].ID != "aa.1" {
		t.Fatalf("check with no ID ran %+v; want the next pending step aa.1", h.reqs)
	}
	req := h.reqs[0]
	if req.Root != h.root || req.Dir != "exercises/aa_pkg" || !req.Race {
		t.Errorf("request = %+v; want root %s, exercises/aa_pkg, -race", req, h.root)
	}
	if _, ok := req.Overlay["aa_test.go"]; !ok {
		t.Errorf("overlay %v lacks the hidden test file", keys(req.Overlay))
	}
	h.mustContain("stdout", h.out(), "✓ aa.1", "Next: aa.2")
	h.mustContain("stderr", h.errOut(), session.PhaseText(runner.PhaseCompiling))
	if !h.state().Done("aa.1") {
		t.Error("a passing check was not recorded in progress")
	}

	// A failing step: exit 1, the test, its message and the file to edit.
	h.run = func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		return []runner.Verdict{{Step: "aa.2", Status: runner.Failed, Tests: []runner.TestOutcome{
			{Name: "TestTwo", Message: "zz_otpgo_hidden_aa_test.go:9: Two() = 3; want 2: count again"},
		}}}, nil
	}
	if code := h.exec("check", "aa.2", "--no-race"); code != ExitFailed {
		t.Fatalf("check (failing): exit %d; want %d", code, ExitFailed)
	}
	if h.reqs[len(h.reqs)-1].Race {
		t.Error("--no-race still ran with -race")
	}
	h.mustContain("stdout", h.out(), "✗ aa.2", "TestTwo", "aa_test.go:9: Two() = 3; want 2: count again", "exercises/aa_pkg/two.go", "otpgo hint aa.2")
	if strings.Contains(h.out(), "zz_otpgo_hidden_") {
		t.Error("output shows the overlay's file name; show the test file's own name")
	}
	if h.state().Done("aa.2") {
		t.Error("a failing check was recorded as passed")
	}

	// A build error: exit 1 and the compiler's message.
	h.run = func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		return []runner.Verdict{{Step: "aa.2", Status: runner.BuildError, Detail: "exercises/aa_pkg/two.go:3:20: undefined: x",
			Tests: []runner.TestOutcome{{Name: "TestTwo", Message: "not run: the package did not compile"}}}}, nil
	}
	if code := h.exec("check", "aa.2"); code != ExitFailed {
		t.Fatalf("check (build error): exit %d; want %d", code, ExitFailed)
	}
	h.mustContain("stdout", h.out(), "does not compile", "    exercises/aa_pkg/two.go:3:20: undefined: x")
	if strings.Contains(h.out(), "not run") {
		t.Errorf("a build error lists tests that did not run instead of leading with the compiler:\n%s", h.out())
	}

	// The machinery failing is an error, not a verdict: exit 2.
	h.run = func(context.Context, runner.Request) ([]runner.Verdict, error) {
		return nil, errors.New("go: toolchain broken")
	}
	if code := h.exec("check", "aa.1"); code != ExitError {
		t.Fatalf("check (runner error): exit %d; want %d", code, ExitError)
	}
	h.mustContain("stderr", h.errOut(), "toolchain broken")
}

// TestCheckSendsALaterFailureToTheEarlierOne: checking a chapter where
// aa.1 fails, a failure of aa.2 that is in aa.1's code (a frame in
// one.go) points at aa.1, not at aa.2's files or trace; one that is not
// keeps its own advice.
func TestCheckSendsALaterFailureToTheEarlierOne(t *testing.T) {
	h := newHarness(t)
	two := "aa_test.go:9: Two() hung\n\ngoroutine 7 [chan receive]:\n    aa.One  exercises/aa_pkg/one.go:4"
	h.run = func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		return []runner.Verdict{
			{Step: "aa.1", Status: runner.Failed, Tests: []runner.TestOutcome{{Name: "TestOne", Message: "aa_test.go:5: One() hung"}}},
			{Step: "aa.2", Status: runner.Failed, Tests: []runner.TestOutcome{{Name: "TestTwo", Message: two}}},
		}, nil
	}
	if code := h.exec("check", "aa"); code != ExitFailed {
		t.Fatalf("check aa: exit %d; want %d", code, ExitFailed)
	}
	out := h.out()
	_, after, _ := strings.Cut(out, "✗ aa.2")
	h.mustContain("aa.2's report", after, "aa.1 failed above, and these failures are in its code (exercises/aa_pkg/one.go): fix aa.1 first")
	if strings.Contains(after, "edit exercises/aa_pkg/two.go") {
		t.Errorf("aa.2's failure in aa.1's code still sends the learner to its own file:\n%s", out)
	}
	h.mustContain("aa.1's report", out, "edit exercises/aa_pkg/one.go")

	// A failure of aa.2's own: its own advice.
	two = "aa_test.go:9: Two() = 3, want 2"
	h.stdout.Reset()
	h.exec("check", "aa")
	_, after, _ = strings.Cut(h.out(), "✗ aa.2")
	h.mustContain("aa.2's own failure", after, "edit exercises/aa_pkg/two.go")
	if strings.Contains(after, "failed above") {
		t.Errorf("aa.2's own failure is sent to aa.1:\n%s", h.out())
	}
}

func TestCheckJSON(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("check", "aa", "--json"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, h.errOut())
	}
	var got []struct {
		Step   string
		Status string
		Files  []string
		Tests  []struct{ Name string }
	}
	if err := json.Unmarshal(h.stdout.Bytes(), &got); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, h.out())
	}
	if len(got) != 2 || got[0].Step != "aa.1" || got[0].Status != "passed" || got[1].Files[0] != "exercises/aa_pkg/two.go" || got[0].Tests[0].Name != "TestOne" {
		t.Fatalf("--json = %+v", got)
	}
	if !strings.Contains(h.out(), `"status": "passed"`) {
		t.Errorf("status should read as a word: %s", h.out())
	}
}

func TestCheckCtrlCStopsTheRun(t *testing.T) {
	h := newHarness(t)
	entered := make(chan struct{})
	h.run = func(ctx context.Context, req runner.Request) ([]runner.Verdict, error) {
		close(entered)
		<-ctx.Done() // the runner kills go test's process group here
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() { code <- Run(ctx, h.envFor(h.root), "check", "aa.1") }()
	select {
	case <-entered:
	case c := <-code:
		t.Fatalf("check ended (exit %d) without running the tests: %s", c, h.errOut())
	}
	cancel()
	if c := <-code; c != ExitInterrupted {
		t.Fatalf("check cancelled: exit %d; want %d", c, ExitInterrupted)
	}
}

func TestHintLevelsAdvance(t *testing.T) {
	h := newHarness(t)
	wants := []string{"Hint 1 of 2", "Hint 2 of 2", "Hint 2 of 2"}
	texts := []string{"nudge one", "answer one", "answer one"}
	for i, want := range wants {
		if code := h.exec("hint", "aa.1"); code != ExitOK {
			t.Fatalf("hint: exit %d: %s", code, h.errOut())
		}
		h.mustContain("hint #"+string(rune('1'+i)), h.out(), want, texts[i])
	}
	h.mustContain("last hint", h.out(), "That was the last hint")
	if got := h.state().HintsSeen("aa.1"); got != 2 {
		t.Errorf("HintsSeen = %d; want 2", got)
	}
	if code := h.exec("hint", "aa.2", "--all"); code != ExitOK {
		t.Fatal(h.errOut())
	}
	h.mustContain("hint --all", h.out(), "1 of 3", "2 of 3", "3 of 3")
	// A chapter means its first pending step; no ID the next pending one.
	if code := h.exec("hint", "aa"); code != ExitOK || !strings.Contains(h.out(), "aa.1") {
		t.Errorf("hint aa: exit %d\n%s", code, h.out())
	}
}

func TestSolutionOnlyAfterPass(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("solution", "aa.1"); code != ExitError {
		t.Fatalf("solution before passing: exit %d; want %d", code, ExitError)
	}
	h.mustContain("stderr", h.errOut(), "not passed aa.1 yet", "otpgo check aa.1", "--force")
	if strings.Contains(h.out(), "return 1") {
		t.Fatal("the solution was shown before the step passed")
	}
	if code := h.exec("solution", "aa.1", "--force"); code != ExitOK {
		t.Fatalf("solution --force: exit %d", code)
	}
	h.mustContain("solution --force", h.out(), "--- exercises/aa_pkg/one.go before aa.1", "+++ exercises/aa_pkg/one.go as of aa.1", "+func One() int { return 1 }")

	if err := progress.Open(filepath.Join(h.root, ".otpgo")).MarkPassed("aa.1"); err != nil {
		t.Fatal(err)
	}
	if code := h.exec("solution", "aa.1", "--diff"); code != ExitOK {
		t.Fatalf("solution --diff: exit %d: %s", code, h.errOut())
	}
	h.mustContain("--diff", h.out(), "--- exercises/aa_pkg/one.go (yours)", "+++ exercises/aa_pkg/one.go as of aa.1 (ours)", `-func One() int { panic("TODO(aa.1)") }`, "+func One() int { return 1 }")
}

// A chapter's reset asks as a step's does: without a terminal it needs
// --yes, on one it lists the files and a no changes nothing.
func TestResetChapterAsksFirst(t *testing.T) {
	h := newHarness(t)
	mine := "package aa\n\nfunc One() int { return 41 + 1 } // my work\n"
	h.write("exercises/aa_pkg/one.go", mine)
	if code := h.exec("reset", "aa"); code != ExitError {
		t.Fatalf("reset aa without --yes: exit %d; want %d", code, ExitError)
	}
	h.mustContain("stderr", h.errOut(), "reset aa", "--yes", "exercises/aa_pkg/one.go", ".otpgo/backup/")
	h.tty, h.stdin = true, "n\n"
	if code := h.exec("reset", "aa"); code != ExitOK {
		t.Fatalf("reset aa answered no: exit %d: %s", code, h.errOut())
	}
	h.mustContain("prompt", h.errOut(), "Reset aa?", "exercises/aa_pkg/one.go", "[y/N]", "Nothing changed")
	if h.read("exercises/aa_pkg/one.go") != mine {
		t.Fatal("reset aa without a yes changed the learner's file")
	}
}

func TestResetBacksUpThenRestores(t *testing.T) {
	h := newHarness(t)
	mine := "package aa\n\nfunc One() int { return 41 + 1 } // my work\n"
	h.write("exercises/aa_pkg/one.go", mine)

	// Not a terminal and no --yes: refuse, change nothing.
	if code := h.exec("reset", "aa.1"); code != ExitError {
		t.Fatalf("reset without --yes: exit %d; want %d", code, ExitError)
	}
	h.mustContain("stderr", h.errOut(), "--yes", "exercises/aa_pkg/one.go")
	if h.read("exercises/aa_pkg/one.go") != mine {
		t.Fatal("reset without --yes changed the learner's file")
	}

	// On a terminal, answering no changes nothing either.
	h.tty, h.stdin = true, "n\n"
	if code := h.exec("reset", "aa.1"); code != ExitOK || h.read("exercises/aa_pkg/one.go") != mine {
		t.Fatalf("reset answered no: exit %d, file changed: %v", code, h.read("exercises/aa_pkg/one.go") != mine)
	}
	h.mustContain("prompt", h.errOut(), "[y/N]", "Nothing changed")

	h.stdin = "y\n"
	if code := h.exec("reset", "aa.1"); code != ExitOK {
		t.Fatalf("reset answered yes: exit %d: %s", code, h.errOut())
	}
	if got := h.read("exercises/aa_pkg/one.go"); got != string(h.fsys["exercises/aa_pkg/one.go"].Data) {
		t.Fatalf("after reset one.go = %q; want the skeleton", got)
	}
	backups, _ := filepath.Glob(filepath.Join(h.root, ".otpgo", "backup", "*", "exercises", "aa_pkg", "one.go"))
	if len(backups) != 1 {
		t.Fatalf("backups = %v; want one copy of one.go", backups)
	}
	if data, _ := os.ReadFile(backups[0]); string(data) != mine {
		t.Errorf("backup holds %q; want the learner's version", data)
	}
	// two.go was untouched (a step reset touches only its files).
	if h.read("exercises/aa_pkg/two.go") != string(h.fsys["exercises/aa_pkg/two.go"].Data) {
		t.Error("reset aa.1 touched two.go")
	}
	// Resetting again has nothing to do.
	h.tty = false
	if code := h.exec("reset", "aa.1"); code != ExitOK {
		t.Fatalf("second reset: exit %d: %s", code, h.errOut())
	}
	h.mustContain("second reset", h.out(), "Nothing to reset")

	// --all with --yes restores a deleted file too.
	if err := os.Remove(filepath.Join(h.root, "exercises", "aa_pkg", "two.go")); err != nil {
		t.Fatal(err)
	}
	if code := h.exec("reset", "--all", "--yes"); code != ExitOK {
		t.Fatalf("reset --all --yes: exit %d: %s", code, h.errOut())
	}
	if h.read("exercises/aa_pkg/two.go") == "" {
		t.Error("reset --all did not restore two.go")
	}
	if code := h.exec("reset", "aa.1", "--all"); code != ExitError {
		t.Errorf("reset ID --all: exit %d; want %d", code, ExitError)
	}
}

func TestOnlyResetWritesExercises(t *testing.T) {
	h := newHarness(t)
	h.write("exercises/aa_pkg/one.go", "package aa\n// learner's\n")
	before := snapshot(t, filepath.Join(h.root, "exercises"))
	for _, args := range [][]string{
		{}, {"lesson", "list"}, {"lesson", "show", "aa"}, {"check"}, {"check", "aa"}, {"hint", "aa.1"},
		{"solution", "aa.1", "--diff"}, {"progress"}, {"verify"}, {"doctor"}, {"version"}, {"reset", "aa.1"},
	} {
		h.exec(args...)
		if after := snapshot(t, filepath.Join(h.root, "exercises")); after != before {
			t.Fatalf("otpgo %v changed exercises/", args)
		}
	}
}

func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		b.WriteString(p + "\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCorruptProgressIsSurvived(t *testing.T) {
	h := newHarness(t)
	h.write(".otpgo/progress.json", "{not json")
	if code := h.exec("progress"); code != ExitOK {
		t.Fatalf("progress over a corrupt file: exit %d: %s", code, h.errOut())
	}
	h.mustContain("stderr", h.errOut(), "warning:", "moved it to progress.json.corrupt-")
	h.mustContain("stdout", h.out(), "0 of 2 steps passed")
	if matches, _ := filepath.Glob(filepath.Join(h.root, ".otpgo", "progress.json.corrupt-*")); len(matches) != 1 {
		t.Errorf("corrupt copies: %v", matches)
	}
}

func TestPlainOutputWithoutTTYOrWithNoColor(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		tty     bool
		noColor string
	}{{false, ""}, {true, "1"}} {
		h.tty, h.env["NO_COLOR"] = tc.tty, tc.noColor
		for _, args := range [][]string{{"lesson", "list"}, {"lesson", "show", "aa"}, {"progress"}, {"check", "aa"}} {
			h.exec(args...)
			if strings.Contains(h.out()+h.errOut(), "\x1b[") {
				t.Errorf("tty=%v NO_COLOR=%q: otpgo %v printed escape codes:\n%q", tc.tty, tc.noColor, args, h.out()+h.errOut())
			}
		}
	}
	// Piped lesson show is plain text: no markdown markers.
	h.tty = false
	h.exec("lesson", "show", "aa")
	if got := h.out(); strings.Contains(got, "#") || !strings.Contains(got, "Alpha") || !strings.Contains(got, "Step aa.1: first") {
		t.Errorf("lesson show, not a TTY = %q; want plain text without # markers", got)
	}
	// On a colour terminal it is rendered.
	h.tty, h.env["NO_COLOR"] = true, ""
	h.exec("lesson", "show", "aa")
	if !strings.Contains(h.out(), "\x1b[") {
		t.Error("lesson show on a colour terminal should be rendered by glamour")
	}
}

func TestLessonShowStep(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("lesson", "show", "aa.2"); code != ExitOK {
		t.Fatal(h.errOut())
	}
	h.mustContain("lesson show aa.2", h.out(), "aa.2 Second", "exercises/aa_pkg/two.go", "otpgo check aa.2", "Do two.")
	if strings.Contains(h.out(), "Do one.") {
		t.Errorf("lesson show aa.2 shows aa.1's section:\n%s", h.out())
	}
}

func TestLessonListJSON(t *testing.T) {
	h := newHarness(t)
	if err := progress.Open(filepath.Join(h.root, ".otpgo")).MarkPassed("aa.1"); err != nil {
		t.Fatal(err)
	}
	if code := h.exec("lesson", "list", "--json"); code != ExitOK {
		t.Fatal(h.errOut())
	}
	var ov overview
	if err := json.Unmarshal(h.stdout.Bytes(), &ov); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, h.out())
	}
	if ov.Done != 1 || ov.Total != 2 || ov.Next != "aa.2" || len(ov.Chapters) != 3 || !ov.Chapters[2].Coming {
		t.Fatalf("overview = %+v", ov)
	}
	if code := h.exec("progress", "--json"); code != ExitOK || !json.Valid(h.stdout.Bytes()) {
		t.Fatalf("progress --json: exit %d, %s", code, h.out())
	}
}

func TestCompletion(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("__complete", "check", "a"); code != ExitOK {
		t.Fatal(h.errOut())
	}
	h.mustContain("completion", h.out(), "aa\tAlpha", "aa.1\tFirst", "aa.2\tSecond")
	if strings.Contains(h.out(), "rd") || strings.Contains(h.out(), "zz") {
		t.Errorf("check completes ungraded or coming IDs:\n%s", h.out())
	}
}

func TestVerify(t *testing.T) {
	h := newHarness(t)
	// Skeleton runs (exercises/) fail, solution runs pass, checkpoint aa.1
	// passes aa.1 and fails aa.2: all good.
	h.run = func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		var vs []runner.Verdict
		for _, s := range req.Steps {
			st := runner.Passed
			if strings.HasPrefix(req.Dir, "exercises/") || req.Dir == "_otpgo_checkpoints/aa_pkg/aa.1" && s.ID == "aa.2" {
				st = runner.Failed
			}
			vs = append(vs, runner.Verdict{Step: s.ID, Status: st})
		}
		return vs, nil
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // where the mirror goes
	if code := h.exec("verify"); code != ExitOK {
		t.Fatalf("verify: exit %d\n%s%s", code, h.out(), h.errOut())
	}
	h.mustContain("verify", h.out(), "STEP", "aa.1", "aa.2", "2 step(s) ok, 0 mismatched")
	for _, r := range h.reqs {
		if r.Root == h.root {
			t.Errorf("verify ran in the checkout itself (%s); it must use the pristine mirror", r.Dir)
		}
		if strings.HasPrefix(r.Dir, "solutions/") && r.Count != 3 {
			t.Errorf("solution run count = %d; want 3", r.Count)
		}
	}
	// A skeleton that passes is a mismatch: exit 1, and --json says so.
	h.run = passAll
	if code := h.exec("verify", "aa.1", "--json"); code != ExitFailed {
		t.Fatalf("verify with a passing skeleton: exit %d; want %d", code, ExitFailed)
	}
	var res struct {
		OK      bool
		Results []struct {
			Step    string
			OK      bool
			Problem string
		}
	}
	if err := json.Unmarshal(h.stdout.Bytes(), &res); err != nil {
		t.Fatal(err, h.out())
	}
	if res.OK || len(res.Results) != 1 || res.Results[0].OK || !strings.Contains(res.Results[0].Problem, "skeleton") {
		t.Fatalf("verify --json = %+v", res)
	}
}

func TestVerifyMutants(t *testing.T) {
	h := newHarness(t)
	h.fsys["solutions/aa_pkg/_mutants/aa.1/returns-two.diff"] = &fstest.MapFile{Data: []byte(`mistake: One returns two
expect: One() = 2, want 1
--- one.go
+++ one.go
@@ @@
-func One() int { return 1 }
+func One() int { return 2 }
`)}
	// The mutant's package fails TestOne with the expected message.
	caught := func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		if !strings.HasPrefix(req.Dir, "_otpgo_mutants/aa_pkg/aa.1/returns-two") {
			return passAll(nil, req)
		}
		return []runner.Verdict{{Step: "aa.1", Status: runner.Failed, Tests: []runner.TestOutcome{
			{Name: "TestOne", Message: "one_test.go:9: One() = 2,\n\twant 1"}}}}, nil
	}
	h.run = caught
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if code := h.exec("verify", "--mutants", "aa"); code != ExitOK {
		t.Fatalf("verify --mutants: exit %d\n%s%s", code, h.out(), h.errOut())
	}
	h.mustContain("verify --mutants", h.out(), "aa.1/returns-two", "rejected", "1 mutants rejected")
	if len(h.reqs) != 1 {
		t.Fatalf("verify --mutants ran %d go tests; want the mutant's alone", len(h.reqs))
	}
	// The mistake applied: the mirror's mutant package holds it.
	mirrored := false
	for _, r := range h.reqs {
		data, err := os.ReadFile(filepath.Join(r.Root, "_otpgo_mutants/aa_pkg/aa.1/returns-two/one.go"))
		mirrored = mirrored || err == nil && strings.Contains(string(data), "return 2")
	}
	if !mirrored {
		t.Error("the mutant's package in the mirror does not hold the mistake")
	}

	// A mutant the tests let through fails verify, which names it.
	h.run = passAll
	if code := h.exec("verify", "--mutants", "aa.1"); code != ExitFailed {
		t.Fatalf("verify with a passing mutant: exit %d; want %d\n%s", code, ExitFailed, h.out())
	}
	h.mustContain("passing mutant", h.out(), "NOT REJECTED", "aa.1/returns-two (One returns two) PASSES the tests", "1 NOT rejected")
	// The full verify counts it too, and --json lists each mutant.
	if code := h.exec("verify", "--json"); code != ExitFailed {
		t.Fatalf("verify --json with a passing mutant: exit %d", code)
	}
	var res struct {
		OK      bool
		Results []struct {
			Step    string
			Mutants []struct {
				Mutant  string
				OK      bool
				Problem string
			}
		}
	}
	if err := json.Unmarshal(h.stdout.Bytes(), &res); err != nil {
		t.Fatal(err, h.out())
	}
	if res.OK || len(res.Results) != 2 || len(res.Results[0].Mutants) != 1 || res.Results[0].Mutants[0].OK ||
		!strings.Contains(res.Results[0].Mutants[0].Problem, "PASSES") {
		t.Fatalf("verify --json = %+v", res)
	}
	// With the right failure but without the phrase, it is still a mismatch.
	h.run = func(ctx context.Context, req runner.Request) ([]runner.Verdict, error) {
		vs, err := caught(ctx, req)
		if err == nil && len(vs[0].Tests) > 0 {
			vs[0].Tests[0].Message = "TestOne failed"
		}
		return vs, err
	}
	if code := h.exec("verify", "--mutants", "aa.1"); code != ExitFailed {
		t.Fatalf("verify with a mutant failing for another reason: exit %d", code)
	}
	h.mustContain("wrong message", h.out(), `failed without saying "One() = 2, want 1"`, "TestOne failed")
}

func TestUsageErrorsSayWhatToType(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"lesson", "show"}, {"check", "--frobnicate"}, {"frobnicate"}, {"reset"}} {
		if code := h.exec(args...); code != ExitError {
			t.Errorf("%v: exit %d; want %d", args, code, ExitError)
		}
		if !strings.Contains(h.errOut(), "--help") && !strings.Contains(h.errOut(), "say what to reset") {
			t.Errorf("%v: %q does not say where to look", args, h.errOut())
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// No content of progress.json crashes a command: a null step used to
// panic in every command that reads progress.
func TestNullStepInProgressCrashesNothing(t *testing.T) {
	for _, args := range [][]string{{}, {"progress"}, {"lesson", "list"}, {"hint"}, {"check"}, {"solution", "aa.1"}} {
		t.Run(strings.Join(append([]string{"otpgo"}, args...), " "), func(t *testing.T) {
			h := newHarness(t)
			h.write(".otpgo/progress.json", `{"version":1,"steps":{"aa.1":null}}`)
			code := h.exec(args...)
			want := ExitOK
			if len(args) > 0 && args[0] == "solution" {
				want = ExitError // aa.1 is not passed: the solution stays hidden
			}
			if code != want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, want, h.errOut())
			}
			h.mustContain("stderr", h.errOut(), "warning:", `step "aa.1" is null`, "moved it to progress.json.corrupt-")
		})
	}
}

// Reading commands work when nothing in .otpgo can be written, and a
// hint whose record cannot be saved is still shown. The lock path is made
// a directory: opening it fails for root too, as on a read-only disk.
func TestReadingWorksWhenProgressCannotBeWritten(t *testing.T) {
	h := newHarness(t)
	if code := h.exec("check", "aa.1"); code != ExitOK {
		t.Fatalf("check aa.1: exit %d: %s", code, h.errOut())
	}
	lock := filepath.Join(h.root, ".otpgo", progress.LockName)
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(lock, 0o755); err != nil {
		t.Fatal(err)
	}
	before := h.read(".otpgo/progress.json")
	for _, args := range [][]string{{}, {"progress"}, {"lesson", "list"}} {
		if code := h.exec(args...); code != ExitOK {
			t.Fatalf("otpgo %s: exit %d; stderr:\n%s", strings.Join(args, " "), code, h.errOut())
		}
		h.mustContain(strings.Join(append([]string{"otpgo"}, args...), " "), h.out(), "1 of 2 steps")
	}
	if code := h.exec("hint", "aa.2"); code != ExitOK {
		t.Fatalf("hint: exit %d; stderr:\n%s", code, h.errOut())
	}
	h.mustContain("hint's stdout", h.out(), "Hint 1 of 3", "a")
	h.mustContain("hint's stderr", h.errOut(), "warning: could not record", "save progress")
	if code := h.exec("hint", "aa.2", "--all"); code != ExitOK {
		t.Fatalf("hint --all: exit %d; stderr:\n%s", code, h.errOut())
	}
	h.mustContain("hint --all's stdout", h.out(), "3 of 3")
	h.mustContain("hint --all's stderr", h.errOut(), "warning: could not record")
	if after := h.read(".otpgo/progress.json"); after != before {
		t.Errorf("progress.json changed:\n%s\nwas:\n%s", after, before)
	}
}

// TestRaceFixNamesWhatEachPlatformNeeds: on Windows cgo is off without a
// compiler, so the advice must name both the compiler and CGO_ENABLED.
func TestRaceFixNamesWhatEachPlatformNeeds(t *testing.T) {
	for goos, want := range map[string][]string{
		"windows": {"gcc", "CGO_ENABLED=1"},
		"darwin":  {"xcode-select --install"},
		"linux":   {"gcc or clang", "CGO_ENABLED"},
	} {
		got := raceFix(goos)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("raceFix(%q) = %q, want it to mention %q", goos, got, w)
			}
		}
	}
}

// A go that hangs while otpgo asks it its version must not keep otpgo
// alive after Ctrl-C.
func TestCheckCtrlCStopsTheToolchainProbe(t *testing.T) {
	h := newHarness(t)
	asked := make(chan struct{})
	env := h.envFor(h.root)
	env.Toolchain = func(ctx context.Context) (string, error) {
		close(asked)
		<-ctx.Done()
		return "", ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	go func() { code <- Run(ctx, env, "check", "aa.1") }()
	select {
	case <-asked:
	case c := <-code:
		t.Fatalf("check ended (exit %d) without asking for the toolchain: %s", c, h.errOut())
	}
	cancel()
	select {
	case c := <-code:
		if c != ExitInterrupted {
			t.Fatalf("check cancelled during the toolchain probe: exit %d; want %d", c, ExitInterrupted)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Ctrl-C did not stop otpgo check while it asked go for its version")
	}
}
