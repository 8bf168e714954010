package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/seqdiag/browsertest"
)

// updateReal rewrites the goldens of the real traced runs:
// go test ./internal/cli -run TestTraceRealRun -update-real
var updateReal = flag.Bool("update-real", false, "rewrite testdata/trace/*.golden from real traced runs")

// repoRoot is this checkout's root: the course (content/, solutions/) and
// the packages the chapters import come from it.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// realCheckout is a learner's checkout for the real course, with files
// (exercises/<dir>/NAME -> source) as their code: its go.mod and go.sum
// are the repository's, internal/ links to the repository's, so the
// chapter builds as in a clone, and nothing is written to the repository.
func realCheckout(t *testing.T, files map[string]string) string {
	t.Helper()
	root := repoRoot(t)
	co := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(co, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "internal"), filepath.Join(co, "internal")); err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		p := filepath.Join(co, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return co
}

// solutionFiles reads a chapter's solution (its non-test files), as a
// learner who finished the chapter has them in exercises/.
func solutionFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	src := filepath.Join(repoRoot(t), "solutions", dir)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	files := make(map[string]string)
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files["exercises/"+dir+"/"+e.Name()] = string(data)
	}
	return files
}

// edit replaces old (which must be there once) with new in files[name].
func edit(t *testing.T, files map[string]string, name, old, new string) {
	t.Helper()
	if strings.Count(files[name], old) != 1 {
		t.Fatalf("%s does not hold exactly one %q: the solution changed, update this learner's mistake", name, old)
	}
	files[name] = strings.Replace(files[name], old, new, 1)
}

var (
	timeColumn = regexp.MustCompile(`(?m)^ *\+[0-9.hms]+(ns|µs|ms|s)`)
	durations  = regexp.MustCompile(`[0-9]+(\.[0-9]+)?(ns|µs|ms|s)\b`)
	svgTimes   = regexp.MustCompile(`(<text[^>]*class="t"[^>]*>)[^<]*(</text>)`)
	addresses  = regexp.MustCompile(`0x[0-9a-f]{4,}`)
	testLines  = regexp.MustCompile(`(_test\.go):[0-9]+`)
)

// normalise removes from a diagram what differs between two runs of the
// same code: the times, and the addresses of pointers inside messages; and
// the line numbers in the hidden tests, which move with any edit to them
// without changing what the diagram shows.
func normalise(s string) string {
	// A failure message is wrapped to the width before its times are
	// replaced, and a time's length varies ("1.0012s", "1.00123456s"):
	// the message is compared unwrapped.
	for {
		joined := messageLines.ReplaceAllString(s, "$1 $2")
		if joined == s {
			break
		}
		s = joined
	}
	s = testLines.ReplaceAllString(s, "${1}:L")
	s = timeColumn.ReplaceAllStringFunc(s, func(m string) string {
		return strings.Repeat(" ", len([]rune(m))-2) + "+T" // the column keeps its width
	})
	s = svgTimes.ReplaceAllString(s, "${1}T${2}")
	s = addresses.ReplaceAllString(s, "0xADDR")
	return durations.ReplaceAllString(s, "D")
}

// messageLines are two lines of a wrapped failure message: indented three
// spaces, unlike the lane names, and not a row's time ("   +12ms").
var messageLines = regexp.MustCompile(`(?m)^(   [^\s+].*)\n   ([^\s+])`)

func requireGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "trace", name+".golden")
	if *updateReal {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run %s -update-real to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from a real run (go test ./internal/cli -run %s -update-real rewrites it after a deliberate change):\n--- got\n%s\n--- want\n%s", path, t.Name(), got, want)
	}
}

// traceReal runs otpgo trace STEP TEST for real (go test with the race
// detector, the hidden tests of this checkout's course) on files, and
// returns its normalised terminal output and page. The page, opened in
// headless Chromium, must draw one lifeline per lane it declares, apart.
// OTPGO_TRACE_SCREENSHOT=DIR saves a PNG of each page there.
func traceReal(t *testing.T, files map[string]string, step, test string, wantCode int) (text, page string) {
	t.Helper()
	if testing.Short() {
		t.Skip("SKIPPED: otpgo trace on real code runs go test; without -short it does")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("SKIPPED: no go on PATH, so the real traced runs cannot run; install Go 1.26")
	}
	co := realCheckout(t, files)
	h := newHarness(t)
	h.root = co
	h.fsys = nil
	env := h.envFor(co)
	env.FS = os.DirFS(repoRoot(t))
	env.Run = runner.Run
	env.Toolchain = nil
	env.RaceSupported = nil
	html := filepath.Join(t.TempDir(), "trace.html")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if code := Run(ctx, env, "trace", step, test, "--html", html, "--no-pager"); code != wantCode {
		t.Fatalf("otpgo trace %s %s: exit %d, want %d\n%s%s", step, test, code, wantCode, h.out(), h.errOut())
	}
	data, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("chromium", func(t *testing.T) {
		lanes := strings.Count(string(data), `<g class="lane"`)
		if lanes < 2 {
			t.Fatalf("the page declares %d lanes; a traced test has its processes and the test's own goroutine", lanes)
		}
		p := browsertest.Open(t, html)
		if all, apart := p.Lifelines(); all != lanes || apart != lanes {
			t.Errorf("the page draws %d lifelines, %d apart with a height; want %d, one per process", all, apart, lanes)
		}
		if dir := os.Getenv("OTPGO_TRACE_SCREENSHOT"); dir != "" {
			t.Setenv("OTPGO_TRACE_SCREENSHOT", filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".png"))
			p.Screenshot("OTPGO_TRACE_SCREENSHOT")
		}
	})
	return normalise(strings.ReplaceAll(h.out(), html, "TRACE.html")), normalise(string(data))
}

// withoutDown is 01.3 partly solved: the task is monitored, but
// AwaitOrKillMonitored is still 01.2's AwaitOrKill, so a crashed task's
// DOWN arrives and the learner's code never receives it; Await waits its
// whole timeout.
func withoutDown(t *testing.T) map[string]string {
	files := solutionFiles(t, "01_concurrency")
	const name = "exercises/01_concurrency/monitored.go"
	src := files[name]
	i := strings.Index(src, "func AwaitOrKillMonitored")
	if i < 0 {
		t.Fatalf("%s has no AwaitOrKillMonitored: the solution changed, update this learner's mistake", name)
	}
	files[name] = strings.Replace(src[:i], "\t\"errors\"\n\t\"fmt\"\n", "", 1) +
		"func AwaitOrKillMonitored[T any](p *actor.Process, t Task[T], d time.Duration) (T, error) {\n\treturn AwaitOrKill(p, t, d)\n}\n"
	return files
}

func TestTraceRealRun01(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files func(*testing.T) map[string]string
		code  int
	}{
		{"01.3-passing", func(t *testing.T) map[string]string { return solutionFiles(t, "01_concurrency") }, ExitOK},
		{"01.3-down-never-received", withoutDown, ExitFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, page := traceReal(t, tc.files(t), "01.3", "TestMonitoredCrashGivesReason", tc.code)
			requireGolden(t, tc.name+".txt", []byte(text))
			requireGolden(t, tc.name+".html", []byte(page))
		})
	}
}

// callerForgotten is a 03.2 mistake: HandleCall sends the command and
// answers NoReply but does not remember the caller, so the reply arrives
// with no caller waiting and the server stops.
func callerForgotten(t *testing.T) map[string]string {
	files := solutionFiles(t, "03_redis")
	edit(t, files, "exercises/03_redis/nonblocking.go", "\ts.waiting = append(s.waiting, from)\n", "")
	return files
}

func TestTraceRealRun03(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files func(*testing.T) map[string]string
		code  int
	}{
		{"03.2-passing", func(t *testing.T) map[string]string { return solutionFiles(t, "03_redis") }, ExitOK},
		{"03.2-caller-forgotten", callerForgotten, ExitFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, page := traceReal(t, tc.files(t), "03.2", "TestNonBlockingCommands", tc.code)
			requireGolden(t, tc.name+".txt", []byte(text))
			requireGolden(t, tc.name+".html", []byte(page))
		})
	}
}
