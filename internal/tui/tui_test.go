package tui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"go.uber.org/goleak"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
	"github.com/otpgo/otpgo/internal/tui/tuitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, tuitest.IgnoreTeatest()) }

// testCourse is a small course: a graded chapter, an ungraded one (like
// 06), and one still to come.
func testCourse(t testing.TB) *catalog.Course {
	t.Helper()
	fsys := fstest.MapFS{
		"content/course.json": {Data: []byte(`{"chapters": [
			{"id": "01", "title": "Concurrency foundations"},
			{"id": "06", "title": "Observer"},
			{"id": "09", "title": "Later"}]}`)},
		"content/01/chapter.json": {Data: []byte(`{
			"id": "01", "title": "Concurrency foundations", "dir": "01_c",
			"summary": "Processes, messages and monitors.",
			"steps": [
				{"id": "01.1", "title": "Parallel each", "files": ["each.go"], "tests": ["TestEach"],
				 "hints": ["Spawn one process per item.", "Wait for N replies.", "for range items { p.Receive(...) }"]},
				{"id": "01.2", "title": "Async and await", "files": ["async.go"], "tests": ["TestAwait", "TestTimeout"],
				 "hints": ["A task is a pid.", "AwaitTimeout uses Receive with a timeout."]}
			]}`)},
		"content/01/lesson.md":        {Data: []byte("# Concurrency foundations\n\nA process is a function with a **mailbox**.\n\n## Try it\n\n```go\npid := actor.Spawn(f)\n```\n")},
		"exercises/01_c/each.go":      {Data: []byte("package c\n\nfunc Each() { panic(\"TODO(01.1)\") }\n")},
		"exercises/01_c/async.go":     {Data: []byte("package c\n\nfunc Await() { panic(\"TODO(01.2)\") }\n")},
		"solutions/01_c/each.go":      {Data: []byte("package c\n\nfunc Each() {}\n")},
		"solutions/01_c/async.go":     {Data: []byte("package c\n\nfunc Await() {}\n")},
		"solutions/01_c/each_test.go": {Data: []byte("package c\n\nimport \"testing\"\n\nfunc TestEach(t *testing.T) {}\nfunc TestAwait(t *testing.T) {}\nfunc TestTimeout(t *testing.T) {}\n")},
		"content/06/chapter.json":     {Data: []byte(`{"id": "06", "title": "Observer", "dir": "", "summary": "Watch a tree.", "steps": [{"id": "06.1", "title": "Read the tree", "tests": []}]}`)},
		"content/06/lesson.md":        {Data: []byte("# Observer\n\nRun otpgo observe.\n")},
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fakeBackend grades nothing: each Check waits for the test to hand it a
// verdict, so a test controls exactly when a check ends.
type fakeBackend struct {
	dir      string
	verdicts chan runner.Verdict

	mu     sync.Mutex
	calls  []string
	passed map[string]bool
	// slowProgress: passes are not in Progress yet, as when the progress
	// file is read back after the learner's next key press.
	slowProgress bool
	hints        map[string]int
	resets       int
	// readOnly: progress cannot be saved (a read-only or full disk).
	readOnly bool
	catchups int
}

func newFake(t *testing.T) *fakeBackend {
	dir := t.TempDir()
	for _, f := range []string{"each.go", "async.go"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("package c\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &fakeBackend{dir: dir, verdicts: make(chan runner.Verdict), passed: map[string]bool{}, hints: map[string]int{}}
}

func (f *fakeBackend) Progress() (*progress.State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := &progress.State{Version: progress.Version, Steps: map[string]*progress.StepState{}}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for id, ok := range f.passed {
		if ok {
			st.Steps[id] = &progress.StepState{PassedAt: &at}
		}
	}
	for id, n := range f.hints {
		if st.Steps[id] == nil {
			st.Steps[id] = &progress.StepState{}
		}
		st.Steps[id].HintsSeen = n
	}
	return st, nil
}

func (f *fakeBackend) Check(ctx context.Context, s *catalog.Step, phase func(runner.Phase)) (runner.Verdict, error) {
	f.mu.Lock()
	f.calls = append(f.calls, s.ID)
	f.mu.Unlock()
	phase(runner.PhaseCompiling)
	select {
	case v := <-f.verdicts:
		v.Step = s.ID
		if v.Status == runner.Passed {
			f.mu.Lock()
			f.passed[s.ID] = !f.slowProgress
			f.mu.Unlock()
		}
		return v, nil
	case <-ctx.Done():
		return runner.Verdict{}, ctx.Err()
	}
}

func (f *fakeBackend) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeBackend) NextHint(s *catalog.Step) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.readOnly {
		return min(f.hints[s.ID]+1, len(s.Hints)), session.HintNotSaved(s, errors.New("read-only file system"))
	}
	f.hints[s.ID] = min(f.hints[s.ID]+1, len(s.Hints))
	return f.hints[s.ID], nil
}

func (f *fakeBackend) Solution(s *catalog.Step) ([]File, error) {
	return []File{{Name: s.Files[0], Content: "package c\n\nfunc Each() {} // the solution\n"}}, nil
}

func (f *fakeBackend) Reset(s *catalog.Step) (string, error) {
	f.mu.Lock()
	f.resets++
	f.mu.Unlock()
	return ".otpgo/backup/20260102-030405/", nil
}

func (f *fakeBackend) Catchup(s *catalog.Step) (string, error) {
	f.mu.Lock()
	f.catchups++
	f.mu.Unlock()
	return "caught up to " + s.ID + "; your versions are in .otpgo/backup/20260102-030405/", nil
}

func (f *fakeBackend) Dir(*catalog.Step) string { return f.dir }
func (f *fakeBackend) StateDir() string         { return filepath.Join(f.dir, ".otpgo") }

func failing() runner.Verdict {
	return runner.Verdict{Status: runner.Failed, Detail: "TestTimeout failed", Tests: []runner.TestOutcome{
		{Name: "TestAwait", Passed: true},
		{Name: "TestTimeout", Message: "zz_otpgo_hidden_async_test.go:41: AwaitTimeout(task, 50ms) = 42, want ErrTimeout\n" +
			"    panic at exercises/01_c/async.go:17"},
	}}
}

func passing() runner.Verdict {
	return runner.Verdict{Status: runner.Passed, Tests: []runner.TestOutcome{{Name: "TestAwait", Passed: true}, {Name: "TestTimeout", Passed: true}}}
}

type harness struct {
	t    *testing.T
	fake *fakeBackend
	rec  tuitest.Recorder
	tm   *teatest.TestModel
	done bool
}

func start(t *testing.T, opts Options, w, h int) *harness {
	t.Helper()
	fake := newFake(t)
	opts.Course = testCourse(t)
	opts.Backend = fake
	if opts.LessonStyle == "" {
		opts.LessonStyle = "notty"
	}
	rec := tuitest.Record(New(opts))
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(w, h))
	hs := &harness{t: t, fake: fake, rec: rec, tm: tm}
	t.Cleanup(func() { hs.quit() })
	return hs
}

func (h *harness) key(s string) {
	switch s {
	case "enter":
		h.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	case "esc":
		h.tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	case "down":
		h.tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	case "up":
		h.tm.Send(tea.KeyPressMsg{Code: tea.KeyUp})
	default:
		h.tm.Type(s)
	}
}

func (h *harness) wait(what string) string {
	h.t.Helper()
	return h.rec.WaitFor(h.t, 5*time.Second, what, tuitest.Contains(what))
}

// waitSelected waits for the home screen's cursor (▸) to be on the line
// of what. The cursor moves to the current step once progress is loaded,
// so this is how a test knows keys will act on the loaded list.
func (h *harness) waitSelected(what string) string {
	h.t.Helper()
	return h.rec.WaitFor(h.t, 5*time.Second, "the cursor on "+what, func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "▸") && strings.Contains(l, what) {
				return true
			}
		}
		return false
	})
}

// quit ends the program and returns its last frame.
func (h *harness) quit() string {
	if h.done {
		return ""
	}
	h.done = true
	h.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := h.tm.FinalModel(h.t, teatest.WithFinalTimeout(5*time.Second)).(tuitest.Recorder)
	app := final.Model.(App)
	app.Close()
	return tuitest.Plain(app.View().Content)
}

func TestHomeScreen(t *testing.T) {
	h := start(t, Options{}, 80, 24)
	h.waitSelected("01.1 Parallel each")
	golden.RequireEqual(t, h.quit())
}

func TestLessonScreen(t *testing.T) {
	h := start(t, Options{}, 80, 24)
	h.waitSelected("01.1 Parallel each") // progress loaded: the cursor is on the current step
	h.key("enter")
	h.wait("press enter to check")
	h.key("l")
	h.wait("A process is a function")
	golden.RequireEqual(t, h.quit())
}

func TestPickAStepCheckItSeeTheVerdictOpenAHint(t *testing.T) {
	h := start(t, Options{NoWatch: true}, 100, 30)
	h.waitSelected("01.1 Parallel each") // progress loaded
	h.key("down")                        // 01.1 -> 01.2
	h.key("enter")
	h.wait("press enter to check")
	h.key("enter") // check
	h.wait("checking 01.2: compiling")
	h.fake.verdicts <- failing()
	h.wait("✗ FAILED")
	h.key("h")
	h.wait("1/2 A task is a pid.")
	screen := h.quit()
	for _, want := range []string{
		"check 1 of this step, because you asked",
		"✓ TestAwait",
		"AwaitTimeout(task, 50ms) = 42, want ErrTimeout",
		"exercises/01_c/async.go:17",
		"(h for the next hint)",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the step panel lacks %q:\n%s", want, screen)
		}
	}
	golden.RequireEqual(t, screen)
}

func TestPassOffersTheNextStepWithoutMovingOn(t *testing.T) {
	h := start(t, Options{NoWatch: true, Start: "01.1"}, 100, 30)
	h.fake.mu.Lock()
	h.fake.slowProgress = true // s and n must follow the verdict, not the progress file
	h.fake.mu.Unlock()
	h.wait("01.1 Parallel each")
	h.key("s")
	h.wait("the solution opens once the step passes")
	h.key("r")
	h.wait("checking 01.1")
	h.fake.verdicts <- passing()
	h.wait("Well done! Next: 01.2 Async and await (press n when you are ready).")
	if s := h.rec.Screen(); !strings.Contains(s, "01.1 Parallel each") {
		t.Fatalf("a pass moved away from the step:\n%s", s)
	}
	h.key("s")
	h.wait("// the solution")
	h.key("n")
	h.wait("01.2 Async and await · 01")
}

func TestResetAsksFirst(t *testing.T) {
	h := start(t, Options{NoWatch: true, Start: "01.2"}, 100, 30)
	h.wait("01.2 Async")
	h.key("x")
	h.wait("Undo 01.2? Its files (async.go) go back to how they stood when it began")
	h.key("n")
	h.wait("reset cancelled: nothing changed")
	h.key("x")
	h.key("y")
	h.wait("01.2 undone: its files (async.go) stand as when it began")
	h.fake.mu.Lock()
	defer h.fake.mu.Unlock()
	if h.fake.resets != 1 {
		t.Fatalf("%d resets after one confirmed and one cancelled", h.fake.resets)
	}
}

func TestSaveTriggersExactlyOneRecheck(t *testing.T) {
	h := start(t, Options{Start: "01.2"}, 100, 30)
	h.wait("watching · checks on save")
	h.wait("each save checks it") // the body says what watch mode does, as the header does
	file := filepath.Join(h.fake.dir, "async.go")
	if err := os.WriteFile(file, []byte("package c\n// edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.wait("checking 01.2")
	h.fake.verdicts <- failing()
	h.wait("check 1 of this step, because you saved async.go")

	// A save while a check runs queues one more; the queued check runs
	// when the first ends, and nothing else does.
	h.key("r")
	h.wait("checking 01.2")
	if err := os.WriteFile(file, []byte("package c\n// edited again\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.wait("1 more queued")
	h.fake.verdicts <- failing()
	h.rec.WaitFor(t, 5*time.Second, "the queued check to start", func(s string) bool {
		return strings.Contains(s, "checking 01.2") && !strings.Contains(s, "1 more queued")
	})
	h.fake.verdicts <- passing()
	h.wait("check 3 of this step, because you saved async.go")
	// A manual re-run now is the fourth call: no save was checked twice.
	// The send returns once the fake's Check has the verdict, so the
	// count below includes every check started so far.
	h.key("r")
	h.fake.verdicts <- passing()
	h.wait("check 4 of this step, because you asked")
	if n := h.fake.callCount(); n != 4 {
		t.Fatalf("%d checks for two saves and two key presses, want 4", n)
	}
}

func TestUngradedStepAndComingChapter(t *testing.T) {
	h := start(t, Options{}, 80, 24)
	s := h.waitSelected("01.1 Parallel each") // progress loaded
	if !strings.Contains(s, "09  Later") || !strings.Contains(s, "coming") {
		t.Fatalf("a coming chapter is not shown as coming:\n%s", s)
	}
	for range 3 { // 01.1 -> 01.2 -> 06 -> 06.1
		h.key("down")
	}
	h.wait("Nothing to check")
	h.key("enter")
	h.wait("This step is not graded")
	golden.RequireEqual(t, h.quit())
}

// sizeCounter closes sized once the program has delivered its two initial
// WindowSizeMsgs: teatest sends one, and bubbletea's Run sends another
// from a goroutine, which can land after a resize the test sends and
// undo it.
type sizeCounter struct {
	tea.Model
	n     *int
	sized chan struct{}
}

func (c sizeCounter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		if *c.n++; *c.n == 2 {
			close(c.sized)
		}
	}
	m, cmd := c.Model.Update(msg)
	return sizeCounter{Model: m, n: c.n, sized: c.sized}, cmd
}

func TestResizeReflows(t *testing.T) {
	opts := Options{Course: testCourse(t), Backend: newFake(t), LessonStyle: "notty"}
	rec := tuitest.Record(New(opts))
	sized := make(chan struct{})
	tm := teatest.NewTestModel(t, sizeCounter{Model: rec, n: new(int), sized: sized}, teatest.WithInitialTermSize(100, 30))
	t.Cleanup(func() {
		tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	select {
	case <-sized:
	case <-time.After(5 * time.Second):
		t.Fatal("the program never delivered its initial window sizes")
	}
	tm.Send(tea.WindowSizeMsg{Width: 50, Height: 12})
	rec.WaitFor(t, 5*time.Second, "a 50-column layout", func(s string) bool {
		lines := strings.Split(s, "\n")
		if len(lines) != 12 {
			return false
		}
		for _, l := range lines {
			if len([]rune(l)) > 50 {
				return false
			}
		}
		return true
	})
}

func TestLongMessagesWrapUnderTheirIndent(t *testing.T) {
	long := "a goroutine panicked while TestStartWaitsForInit was running in code that is still a skeleton: TODO(gs.1): start the server"
	got := tuitest.Plain(indent(indent("  ✗ TestX\n      "+long, "", 60), "", 60))
	for _, l := range strings.Split(got, "\n") {
		if len([]rune(l)) > 60 {
			t.Errorf("line wider than 60: %q", l)
		}
	}
	want := "  ✗ TestX\n" +
		"      a goroutine panicked while TestStartWaitsForInit was\n" +
		"        running in code that is still a skeleton:\n" +
		"        TODO(gs.1): start the server"
	if got != want {
		t.Errorf("wrapped twice or lost the indent:\n%s\nwant:\n%s", got, want)
	}
}

// A watcher whose start message never reaches Update (the learner quit
// while it was starting) still stops when the app's context ends.
func TestAWatcherStartedLateStopsWithTheApp(t *testing.T) {
	fake := newFake(t)
	step := testCourse(t).Chapters[0].Steps[0]
	ctx, cancel := context.WithCancel(context.Background())
	msg := startWatch(ctx, fake, step, true)().(watchStartedMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	cancel() // App.Close; the message is dropped
	select {
	case <-msg.wt.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the watcher outlived the app's context")
	}
	msg.wt.stop() // waits for the stop already under way
}

// lastLine is the screen's footer line.
func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	return lines[len(lines)-1]
}

func TestFooterFitsAndNamesQuitAfterAPass(t *testing.T) {
	h := start(t, Options{NoWatch: true, Start: "01.1"}, 100, 30)
	h.wait("press enter to check")
	h.key("r")
	h.wait("checking 01.1")
	h.fake.verdicts <- passing()
	s := h.wait("s solution") // every key of the step is enabled now
	if l := lastLine(s); !strings.Contains(l, "q quit") || len([]rune(l)) > 100 {
		t.Fatalf("the footer hides quit or overflows 100 columns:\n%q", l)
	}
}

func TestMoreKeysOnOneScreenKeepsEveryScreenInTheWindow(t *testing.T) {
	h := start(t, Options{Start: "01.1", NoWatch: true}, 100, 30)
	h.wait("press enter to check")
	h.key("l")
	h.wait("A process is a function")
	h.key("?") // the lesson's footer grows to several lines
	h.rec.WaitFor(t, 5*time.Second, "the full help", func(s string) bool { return strings.Contains(s, "page up") })
	h.key("e") // back to the same step, whose footer grew meanwhile
	s := h.wait("press enter to check")
	if n := len(strings.Split(s, "\n")); n != 30 {
		t.Fatalf("the step screen is %d lines in a 30-line window:\n%s", n, s)
	}
	if !strings.Contains(s, "q quit") || !strings.Contains(s, "x   reset") {
		t.Fatalf("the full help is cut off at the bottom:\n%s", s)
	}
}

func TestANarrowHeaderKeepsTheWatchState(t *testing.T) {
	got := tuitest.Plain(spread("01.2 Async: await, time out, kill · 01 Concurrency foundations", "watch off", 50))
	if want := "01.2 Async: await, time out, kill · 01 … watch off"; got != want || len([]rune(got)) > 50 {
		t.Fatalf("header %q, want %q", got, want)
	}
}

func TestTestsFailingTheSameWayShareOneLine(t *testing.T) {
	step := testCourse(t).Chapters[0].Steps[1]
	todo := "helpers_test.go:34: TODO(01.2): spawn a process that runs fn"
	v := runner.Verdict{Status: runner.Failed, Detail: "3 of 3 tests failed", Tests: []runner.TestOutcome{
		{Name: "TestAwait", Message: todo}, {Name: "TestTimeout", Message: todo}, {Name: "TestKill", Message: todo},
	}}
	rep := session.ReportOf(testCourse(t), []*catalog.Step{step}, []runner.Verdict{v}, nil, false)
	got := tuitest.Plain(renderVerdict(rep.Steps[0], 100))
	want := "✗ FAILED 3 of 3 tests failed\n" +
		"  ✗ TestAwait\n" +
		"      " + todo + "\n" +
		"  ✗ 2 more failed the same way: TestTimeout, TestKill"
	if got != want {
		t.Fatalf("verdict:\n%s\nwant:\n%s", got, want)
	}
}

// A learner who asks for a hint gets it even when progress cannot be
// saved, with a warning, as otpgo hint does.
func TestHintShowsWhenProgressCannotBeSaved(t *testing.T) {
	h := start(t, Options{NoWatch: true}, 100, 30)
	h.fake.mu.Lock()
	h.fake.readOnly = true
	h.fake.mu.Unlock()
	h.waitSelected("01.1 Parallel each")
	h.key("down")
	h.key("enter")
	h.wait("press enter to check")
	h.key("h")
	screen := h.wait("1/2 A task is a pid.")
	if !strings.Contains(screen, "could not record which hints of 01.2") {
		t.Errorf("no warning that the hint was not recorded:\n%s", screen)
	}
}

// In a class, ! on a step raises the learner's hand for that step and
// says so; outside a class the key does nothing.
func TestRaiseHandFromTheApp(t *testing.T) {
	raised := make(chan string, 1)
	h := start(t, Options{NoWatch: true, RaiseHand: func(step string) (string, error) {
		raised <- step
		return "", nil
	}}, 100, 30)
	h.waitSelected("01.1 Parallel each")
	h.key("enter")
	h.wait("press enter to check")
	h.key("!")
	select {
	case step := <-raised:
		if step != "01.1" {
			t.Errorf("hand raised on %q, want 01.1", step)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("! did not raise a hand within 5s")
	}
	h.wait("hand raised on 01.1")
}
func TestCatchupAsksFirst(t *testing.T) {
	h := start(t, Options{NoWatch: true, Start: "01.2"}, 100, 30)
	h.wait("01.2 Async")
	h.key("c")
	h.wait("Catch up to 01.2?")
	h.key("n")
	h.wait("catchup cancelled: nothing changed")
	h.key("c")
	h.key("y")
	h.wait("caught up to 01.2; your versions are in .otpgo/backup/")
	h.fake.mu.Lock()
	defer h.fake.mu.Unlock()
	if h.fake.catchups != 1 {
		t.Fatalf("%d catch-ups after one confirmed and one cancelled", h.fake.catchups)
	}
}
