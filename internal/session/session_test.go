package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/workspace"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func courseFS() fstest.MapFS {
	return fstest.MapFS{
		"content/course.json": {Data: []byte(`{"chapters": [{"id": "aa", "title": "Alpha"}]}`)},
		"content/aa/chapter.json": {Data: []byte(`{"id": "aa", "title": "Alpha", "dir": "aa_pkg", "summary": "s",
			"steps": [
			  {"id": "aa.1", "title": "First", "files": ["one.go"], "tests": ["TestOne", "TestTwo", "TestThree"], "hints": ["n", "a"]},
			  {"id": "aa.2", "title": "Second", "files": ["two.go"], "tests": ["TestFour"], "hints": ["n", "a"]},
			  {"id": "aa.3", "title": "Third", "files": ["two.go"], "tests": ["TestFive"], "hints": ["n", "a"]}
			]}`)},
		"content/aa/lesson.md":    {Data: []byte("# Alpha\n\n## Step aa.1: first\n\n## Step aa.2: second\n\n## Step aa.3: third\n")},
		"exercises/aa_pkg/one.go": {Data: []byte("package aa\n\nfunc One() int { panic(\"TODO\") }\n")},
		"exercises/aa_pkg/two.go": {Data: []byte("package aa\n")},
		"solutions/aa_pkg/one.go": {Data: []byte("package aa\n\nfunc One() int { return 1 }\n")},
		"solutions/aa_pkg/two.go": {Data: []byte("package aa\n")},
		// two.go as aa.2 leaves it: aa.3 changes it again.
		"solutions/aa_pkg/_checkpoints/aa.2/two.go": {Data: []byte("package aa\n")},
		"solutions/aa_pkg/aa_test.go":               {Data: []byte("package aa\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) {}\nfunc TestTwo(t *testing.T) {}\nfunc TestThree(t *testing.T) {}\nfunc TestFour(t *testing.T) {}\nfunc TestFive(t *testing.T) {}\n")},
	}
}

// newSession is a session on a temp checkout whose runner returns run's verdicts.
func newSession(t *testing.T, run func(context.Context, runner.Request) ([]runner.Verdict, error)) *Session {
	t.Helper()
	fsys := courseFS()
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, f := range []string{"go.mod", "exercises/aa_pkg/one.go", "exercises/aa_pkg/two.go"} {
		data := []byte("module github.com/otpgo/otpgo\n\ngo 1.26\n")
		if f != "go.mod" {
			data = fsys[f].Data
		}
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := workspace.Find(root)
	if err != nil {
		t.Fatal(err)
	}
	return &Session{Course: c, FS: fsys, WS: ws, Store: progress.Open(ws.StateDir()),
		Grader: &check.Grader{Root: ws.Root, FS: fsys, Run: run}}
}

func pass(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
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

func step(s *Session, id string) *catalog.Step {
	for _, st := range s.Course.Steps() {
		if st.ID == id {
			return st
		}
	}
	panic("no step " + id)
}

// The next step is the first pending one after the frontier: after
// passing aa.1 when aa.2 passed before, it is aa.3, not aa.2; re-passing
// an old step does not move the learner back.
func TestNextStepIsPendingAfterTheFrontier(t *testing.T) {
	s := newSession(t, pass)
	ctx := context.Background()
	if _, err := s.Check(ctx, []*catalog.Step{step(s, "aa.2")}, check.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Check(ctx, []*catalog.Step{step(s, "aa.1")}, check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep := ReportOf(s.Course, []*catalog.Step{step(s, "aa.1")}, res.Verdicts, res.State, false); rep.Next == nil || rep.Next.ID != "aa.3" {
		t.Fatalf("next after passing aa.1 with aa.2 done: %v, want aa.3", rep.Next)
	}
	// A pass the state does not hold yet (the app, before it reloads)
	// counts the same.
	st, _ := s.Store.Load()
	if got := NextStep(s.Course, st); got == nil || got.ID != "aa.3" {
		t.Fatalf("NextStep = %v, want aa.3", got)
	}
	if _, err := s.Check(ctx, []*catalog.Step{step(s, "aa.3")}, check.Options{}); err != nil {
		t.Fatal(err)
	}
	if next, err := s.Next(); err != nil || next != nil {
		t.Fatalf("with every step passed Next = %v, %v; want nil", next, err)
	}
}

func TestNextStepCountsAPassNotYetRecorded(t *testing.T) {
	s := newSession(t, pass)
	if got := NextStep(s.Course, nil, "aa.1"); got == nil || got.ID != "aa.2" {
		t.Fatalf("NextStep(nil state, aa.1 just passed) = %v, want aa.2", got)
	}
}

func TestReportGroupsFailuresAndPicksTheDetail(t *testing.T) {
	s := newSession(t, pass)
	todo := runner.HiddenPrefix + "one_test.go:4: TODO(aa.1)"
	v := runner.Verdict{Step: "aa.1", Status: runner.Failed, Detail: "TestOne failed", Tests: []runner.TestOutcome{
		{Name: "TestOne", Message: todo}, {Name: "TestTwo", Message: todo}, {Name: "TestThree", Passed: true}}}
	rep := ReportOf(s.Course, []*catalog.Step{step(s, "aa.1")}, []runner.Verdict{v}, nil, false)
	sr := rep.Steps[0]
	if len(sr.Failures) != 1 || sr.Failures[0].Name != "TestOne" || strings.Join(sr.Failures[0].Same, ",") != "TestTwo" {
		t.Fatalf("failures %+v, want TestOne with TestTwo failing the same way", sr.Failures)
	}
	if strings.Contains(sr.Failures[0].Message, runner.HiddenPrefix) {
		t.Errorf("message keeps the hidden prefix: %q", sr.Failures[0].Message)
	}
	if sr.Detail != "" || sr.TestsPassed != 1 || rep.Passed != 0 || rep.FirstFailed == nil || rep.FirstFailed.ID != "aa.1" {
		t.Errorf("report %+v: want no detail (the messages say it), 1 test passed, aa.1 first failed", sr)
	}
	if all := ReportOf(s.Course, []*catalog.Step{step(s, "aa.1")}, []runner.Verdict{v}, nil, true); len(all.Steps[0].Failures) != 2 {
		t.Errorf("with all, failures are not grouped: %+v", all.Steps[0].Failures)
	}
	hang := runner.Verdict{Step: "aa.1", Status: runner.TimedOut, Detail: "goroutine 7 [chan receive]:"}
	if sr := ReportOf(s.Course, []*catalog.Step{step(s, "aa.1")}, []runner.Verdict{hang}, nil, false).Steps[0]; sr.Detail == "" {
		t.Errorf("a hang's goroutines are not shown: %+v", sr)
	}
	crash := runner.Verdict{Step: "aa.1", Status: runner.Crashed}
	if sr := ReportOf(s.Course, []*catalog.Step{step(s, "aa.1")}, []runner.Verdict{crash}, nil, false).Steps[0]; !strings.Contains(sr.Advice, "os.Exit") {
		t.Errorf("a silent crash has no advice: %+v", sr)
	}
}

// readOnly makes progress unwritable, for root too: the store's lock
// file is a directory, so no write can take the lock.
func readOnly(t *testing.T, s *Session) {
	t.Helper()
	lock := filepath.Join(s.WS.StateDir(), progress.LockName)
	if err := os.Remove(lock); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.MkdirAll(lock, 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestCheckKeepsTheVerdictWhenProgressCannotBeSaved(t *testing.T) {
	s := newSession(t, pass)
	readOnly(t, s)
	res, err := s.Check(context.Background(), []*catalog.Step{step(s, "aa.1")}, check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Verdicts) != 1 || res.Verdicts[0].Status != runner.Passed || res.RecordErr == nil {
		t.Fatalf("result %+v: want the pass with a warning", res)
	}
}

func TestHintIsGivenWhenItCannotBeRecorded(t *testing.T) {
	s := newSession(t, pass)
	st := step(s, "aa.1")
	if n, warn, err := s.Hint(st); n != 1 || warn != nil || err != nil {
		t.Fatalf("first hint: %d, %v, %v", n, warn, err)
	}
	readOnly(t, s)
	n, warn, err := s.Hint(st)
	if err != nil || n != 2 || warn == nil {
		t.Fatalf("hint on a read-only checkout: %d, %v, %v; want 2 with a warning", n, warn, err)
	}
	var nr *NotRecordedError
	if !errors.As(error(warn), &nr) {
		t.Fatalf("warning %v is not a NotRecordedError", warn)
	}
}

func TestResetBacksUpThenRestoresAndSolutionReadsOurs(t *testing.T) {
	s := newSession(t, pass)
	s.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	st := step(s, "aa.1")
	mine := []byte("package aa\n\nfunc One() int { return 1 } // mine\n")
	if err := os.WriteFile(s.WS.Path("exercises/aa_pkg/one.go"), mine, 0o644); err != nil {
		t.Fatal(err)
	}
	plan, err := s.PlanReset(StepFiles(st))
	if err != nil || plan.Empty() || plan.BacksUp() != 1 {
		t.Fatalf("plan %v, %v: want one file to back up", plan, err)
	}
	backup, err := plan.Apply()
	if err != nil || backup == "" {
		t.Fatalf("apply: %q, %v", backup, err)
	}
	if got, _ := os.ReadFile(filepath.Join(s.WS.Root, backup, "exercises/aa_pkg/one.go")); string(got) != string(mine) {
		t.Errorf("backup holds %q", got)
	}
	if got, _ := os.ReadFile(s.WS.Path("exercises/aa_pkg/one.go")); string(got) != string(courseFS()["exercises/aa_pkg/one.go"].Data) {
		t.Errorf("after reset one.go = %q", got)
	}
	if _, err := s.Reset(st); err == nil || !strings.Contains(err.Error(), "nothing to reset") {
		t.Errorf("second reset: %v", err)
	}
	files, err := s.Solution(st)
	if err != nil || len(files) != 1 || !strings.Contains(files[0].Content, "return 1") {
		t.Errorf("solution: %+v, %v", files, err)
	}
}

// A chapter directory the learner deleted gets the advice to restore it
// with otpgo reset of its chapter: the session's words, not the runner's.
func TestMissingChapterDirSaysHowToRestoreIt(t *testing.T) {
	s := newSession(t, runner.Run)
	if err := os.RemoveAll(s.Dir(step(s, "aa.1").Chapter)); err != nil {
		t.Fatal(err)
	}
	_, err := s.Check(context.Background(), []*catalog.Step{step(s, "aa.1")}, check.Options{})
	if err == nil || !strings.Contains(err.Error(), "otpgo reset aa") {
		t.Fatalf("error %v, want advice naming otpgo reset aa", err)
	}
}

// TestCapLinesKeepsAHeadingsFirstBlock: a cut right under a heading keeps
// the heading's first block (the first goroutine of a timeout); other
// cuts stay where they are.
func TestCapLinesKeepsAHeadingsFirstBlock(t *testing.T) {
	msg := "did not finish within 10s\n\nGoroutines in your package when the time ran out:\n\n" +
		"goroutine 7 [chan receive]:\n    Put  cache.go:66\n\ngoroutine 8 [select]:\n    loop  cache.go:90"
	got := CapLines(msg, 4, false)
	if !strings.Contains(got, "Put  cache.go:66") || strings.Contains(got, "goroutine 8") || !strings.HasSuffix(got, "... 3 more lines (otpgo check -v shows them)") {
		t.Errorf("CapLines(4) = %q; want the first goroutine shown, the second left out and counted", got)
	}
	if got := CapLines("a\nb\nc\nd", 2, false); got != "a\nb\n... 2 more lines (otpgo check -v shows them)" {
		t.Errorf("CapLines of plain lines = %q", got)
	}
	if got := CapLines(msg, 0, false); got != "... 9 more lines (otpgo check -v shows them)" {
		t.Errorf("CapLines(0) = %q; want only the count", got)
	}
	if got := CapLines(msg, 4, true); got != msg {
		t.Errorf("CapLines(all) = %q; want all of it", got)
	}
}

// TestTraceTestPassesOverTheSkeleton: the test worth tracing is the first
// that failed on the learner's code, not on the step's own TODO; none
// when nothing ran or the test binary crashed.
func TestTraceTestPassesOverTheSkeleton(t *testing.T) {
	todo := runner.TestOutcome{Name: "TestA", Message: "helpers_test.go:198: TODO(01.1): spawn a process per item"}
	real := runner.TestOutcome{Name: "TestB", Message: "ParallelEach never returned"}
	later := runner.TestOutcome{Name: "TestC", Message: "TODO(01.2): later step"}
	for _, c := range []struct {
		v    runner.Verdict
		want string
	}{
		{runner.Verdict{Status: runner.Failed, Tests: []runner.TestOutcome{todo, real}}, "TestB"},
		{runner.Verdict{Status: runner.Failed, Tests: []runner.TestOutcome{todo}}, ""},
		{runner.Verdict{Status: runner.Failed, Tests: []runner.TestOutcome{later}}, "TestC"}, // another step's TODO: a real failure here
		{runner.Verdict{Status: runner.Passed, Tests: []runner.TestOutcome{{Name: "TestA", Passed: true}}}, ""},
		{runner.Verdict{Status: runner.Panicked, Tests: []runner.TestOutcome{real}}, ""},   // a crashed binary wrote no trace
		{runner.Verdict{Status: runner.BuildError, Tests: []runner.TestOutcome{real}}, ""}, // nothing ran
		{runner.Verdict{Status: runner.TimedOut, Tests: []runner.TestOutcome{real}}, "TestB"},
	} {
		if got := TraceTest(c.v, "01.1"); got != c.want {
			t.Errorf("TraceTest(%v) = %q; want %q", c.v.Tests, got, c.want)
		}
	}
}
