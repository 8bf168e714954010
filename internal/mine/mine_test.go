package mine

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/otpgo/otpgo"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// buildWait bounds a build of the observing program (a cold cache compiles
// bubbletea and miniredis).
const buildWait = 8 * time.Minute

// checkout is the root of this checkout (the module), from the package dir.
func checkout(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("go is not on PATH: %v", err)
	}
	return root
}

// An exercise that does not compile: the learner reads the compiler's
// message at their own file, relative to the checkout, and what to do.
func TestANonBuildingExerciseSaysWhyAtTheLearnersLine(t *testing.T) {
	root := checkout(t)
	dir := t.TempDir()
	broken := filepath.Join(dir, "one_for_one.go")
	src := "package supervision\n\nfunc StartCaches(sink Sink) (actor.PID, error) {\n\treturn nope, nil\n}\n"
	if err := os.WriteFile(broken, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildWait)
	defer cancel()
	_, err := Build(ctx, root, dir, "04", map[string]string{
		filepath.Join(root, "exercises/04_supervision/one_for_one.go"): broken,
	})
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("Build of a broken exercise: %v, want a *BuildError", err)
	}
	msg := err.Error()
	for _, want := range []string{"exercises/04_supervision does not build", "exercises/04_supervision/one_for_one.go:", "otpgo observe --mine 04 again"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, root+"/") || strings.Contains(msg, dir) {
		t.Errorf("message shows absolute paths:\n%s", msg)
	}
}

// The skeleton (exercises/ as committed) builds, but its StartApp is a TODO: the program exits at
// once, before touching the terminal, and says which TODO stopped it.
func TestASkeletonTreeThatDoesNotStartSaysWhy(t *testing.T) {
	root := checkout(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), buildWait)
	defer cancel()
	bin, err := Build(ctx, root, dir, "04", nil)
	if err != nil {
		t.Fatal(err)
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	runCtx, cancelRun := context.WithTimeout(context.Background(), time.Minute)
	defer cancelRun()
	err = Run(runCtx, "04", bin, null, null)
	var se *StartError
	if !errors.As(err, &se) {
		t.Fatalf("Run of a tree that panics at start: %v, want a *StartError", err)
	}
	for _, want := range []string{"your tree did not start", "TODO(04.5)", "exercises/04_supervision/", "otpgo check 04"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%s", want, err)
		}
	}
}

func TestUnknownChapterListsTheChoices(t *testing.T) {
	_, err := Source("06")
	if err == nil || !strings.Contains(err.Error(), "04, 05, 07, sup") {
		t.Fatalf("Source(06): %v, want the chapters to choose from", err)
	}
}

// solved lays chapter's solution over its exercise, as a learner who
// finished it has it.
func solved(t *testing.T, root, chapter string) map[string]string {
	t.Helper()
	e := entries[chapter]
	overlay := map[string]string{}
	files, err := filepath.Glob(filepath.Join(root, "solutions", e.dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			overlay[filepath.Join(root, "exercises", e.dir, filepath.Base(f))] = f
		}
	}
	return overlay
}

// Every chapter's generated program compiles against the reference
// solution: the entry points in the table exist with those signatures.
func TestEveryEntryPointMatchesItsSolution(t *testing.T) {
	root := checkout(t)
	for _, ch := range Chapters() {
		t.Run(ch, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), buildWait)
			defer cancel()
			if _, err := Build(ctx, root, t.TempDir(), ch, solved(t, root, ch)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// otpgo interrupted while the learner's tree runs: the program is asked to
// stop (SIGTERM), and stops in order, handing the terminal back (it shows
// the cursor again), rather than being killed with the terminal raw.
func TestInterruptedProgramStopsInOrder(t *testing.T) {
	root := checkout(t)
	buildCtx, cancelBuild := context.WithTimeout(context.Background(), buildWait)
	defer cancelBuild()
	bin, err := Build(buildCtx, root, t.TempDir(), "04", solved(t, root, "04"))
	if err != nil {
		t.Fatal(err)
	}
	// A pipe nobody writes to stands for a terminal with no key pressed.
	keys, keysW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()
	defer keysW.Close()
	// The program enters the alternate screen once the tree is up (with no
	// terminal to ask the size of, it draws no tree).
	screen := &watched{want: enterAlt, seen: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, "04", bin, keys, screen) }()
	select {
	case <-screen.seen:
	case err := <-done:
		t.Fatalf("the program ended before taking the screen: %v\n%q", err, screen.String())
	case <-time.After(time.Minute):
		t.Fatalf("the program never took the screen:\n%q", screen.String())
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel: %v, want context.Canceled", err)
	}
	if out := screen.String(); !strings.Contains(out[strings.Index(out, enterAlt):], leaveAlt) {
		t.Errorf("the program did not give the terminal back (it never left the alternate screen): %q", out)
	}
}

// The escape sequences that enter and leave the alternate screen.
const (
	enterAlt = "\x1b[?1049h"
	leaveAlt = "\x1b[?1049l"
)

// watched is a screen that signals once want has been drawn.
type watched struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func (w *watched) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestCappedKeepsTheStartAndCountsTheRest(t *testing.T) {
	c := capped{max: 4}
	for _, s := range []string{"ab", "cde", "fgh"} {
		if n, err := c.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if got, want := c.String(), "abcd\n... (4 more bytes not shown)"; got != want {
		t.Errorf("capped = %q, want %q", got, want)
	}
}

// TestLessonSaysTheIntensityMineGives: chapter 04's lesson tells the
// learner how many kills within how long make --mine 04's pipeline give
// up; it must be what the table here passes.
func TestLessonSaysTheIntensityMineGives(t *testing.T) {
	m := regexp.MustCompile(`MaxRestarts: (\d+), Within: (\d+) \* time\.Second`).FindStringSubmatch(entries["04"].start)
	if m == nil {
		t.Fatalf("04's entry gives no MaxRestarts and Within in seconds: %s", entries["04"].start)
	}
	lesson, err := fs.ReadFile(otpgo.FS, "content/04/lesson.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(lesson)), " ") // its lines unwrapped
	if want := "`--mine` gives the pipeline " + m[1] + " restarts in " + m[2] + " s"; !strings.Contains(text, want) {
		t.Errorf("content/04/lesson.md does not say %q, the intensity observe --mine 04 gives the pipeline", want)
	}
}
