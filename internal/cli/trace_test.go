package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/seqdiag"
)

// actorHarness is the fixture course with chapter aa using internal/actor.
func actorHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.fsys["exercises/aa_pkg/one.go"].Data = []byte("package aa\n\nimport \"github.com/otpgo/otpgo/internal/actor\"\n\n// One is TODO.\nfunc One(p *actor.Process) int { panic(\"TODO(aa.1)\") }\n")
	return h
}

// downNeverTaken is what a test binary records when the learner's code
// ignores a crashed task's DOWN.
func downNeverTaken() actor.TraceLog {
	ms := time.Millisecond
	return actor.TraceLog{Events: []actor.TraceEvent{
		{Seq: 1, At: 1 * ms, Kind: actor.TraceSpawn, PID: 1, Type: "process"},
		{Seq: 2, At: 2 * ms, Kind: actor.TraceMonitor, PID: 1, Peer: 2},
		{Seq: 3, At: 2 * ms, Kind: actor.TraceSpawn, PID: 2, Peer: 1, Type: "process"},
		{Seq: 4, At: 3 * ms, Kind: actor.TraceExit, PID: 2, Reason: "boom"},
		{Seq: 5, At: 3 * ms, Kind: actor.TraceDown, PID: 2, Peer: 1, Type: "DOWN", Msg: 1, Reason: "boom"},
		{Seq: 6, At: 1003 * ms, Kind: actor.TraceExit, PID: 1, Reason: "normal"},
	}}
}

// traceRun is a fake runner for trace: it writes log where the request's
// environment says, and fails the traced test.
func traceRun(t *testing.T, log actor.TraceLog, raw []byte) func(context.Context, runner.Request) ([]runner.Verdict, error) {
	return func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		var file string
		for _, kv := range req.Env {
			if v, ok := strings.CutPrefix(kv, seqdiag.EnvFile+"="); ok {
				file = v
			}
		}
		if file == "" {
			t.Errorf("the request's Env %q does not name a trace file", req.Env)
		}
		if raw != nil {
			if err := os.WriteFile(file, raw, 0o644); err != nil {
				t.Error(err)
			}
		} else if err := seqdiag.WriteFile(file, log); err != nil {
			t.Error(err)
		}
		tests := req.Steps[0].Tests
		return []runner.Verdict{{Step: req.Steps[0].ID, Status: runner.Failed, Tests: []runner.TestOutcome{
			{Name: tests[0], Message: "zz_otpgo_hidden_aa_test.go:9: the task crashed and Await waited its whole timeout"},
			{Name: tests[1], Passed: true},
		}}}, nil
	}
}

// TestTraceSaysWhyThereIsNoDiagram: a test that started no process gets
// a line saying so, in the terminal and on the page, not an empty
// diagram.
func TestTraceSaysWhyThereIsNoDiagram(t *testing.T) {
	h := actorHarness(t)
	h.run = traceRun(t, actor.TraceLog{}, nil)
	page := filepath.Join(t.TempDir(), "trace.html")
	h.exec("trace", "aa.1", "--no-pager", "--html", page)
	h.mustContain("stdout", h.out(), "no diagram: this test started no process")
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	h.mustContain("the page", string(html), "no diagram: this test started no process")
	if strings.Contains(h.out()+string(html), seqdiag.NoEvents) {
		t.Errorf("the trace still says only that nothing was recorded:\n%s", h.out())
	}
}

func TestTraceDrawsTheFailingTest(t *testing.T) {
	h := actorHarness(t)
	h.run = traceRun(t, downNeverTaken(), nil)
	page := filepath.Join(t.TempDir(), "trace.html")
	if code := h.exec("trace", "aa.1", "--html", page); code != ExitFailed {
		t.Fatalf("trace of a failing test: exit %d; want %d\n%s%s", code, ExitFailed, h.out(), h.errOut())
	}
	req := h.reqs[len(h.reqs)-1]
	if got := req.Steps[0].Tests; !slices.Equal(got, []string{"TestOne", seqdiag.HookTest}) {
		t.Errorf("ran tests %v; want TestOne then the trace hook", got)
	}
	if src := string(req.Overlay["zz_trace_test.go"]); !strings.HasPrefix(src, "package aa\n") {
		t.Errorf("the trace hook is not in the chapter's package:\n%s", src)
	}
	if _, ok := req.Overlay["aa_test.go"]; !ok {
		t.Error("the hidden tests are missing from the traced run")
	}
	golden.RequireEqual(t, []byte(strings.ReplaceAll(h.out(), page, "TRACE.html")))
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `class="arrow signal lost"`) || !strings.Contains(string(html), "never received") {
		t.Errorf("the page does not mark the DOWN as never received:\n%s", html)
	}
}

func TestTraceRefusesBadInput(t *testing.T) {
	h := actorHarness(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"trace", "aa.1", "TestOen"}, "did you mean TestOne?"},
		{[]string{"trace", "aa"}, "try otpgo trace aa.1"},
		{[]string{"trace", "rd.1"}, "read, not graded"},
		{[]string{"trace", "aa.1", "TestTwo"}, "it is a test of step aa.2; run otpgo trace aa.2 TestTwo"},
		{[]string{"trace", "aa.1", "--html", filepath.Join(t.TempDir(), "missing", "t.html")}, "does not exist; create it"},
		{[]string{"trace", "aa.1", "--html", t.TempDir()}, "is a directory; give a file name"},
	} {
		if code := h.exec(tc.args...); code != ExitError {
			t.Errorf("%v: exit %d; want %d", tc.args, code, ExitError)
		}
		h.mustContain(strings.Join(tc.args, " "), h.errOut(), tc.want)
	}
	if len(h.reqs) != 0 {
		t.Errorf("bad input ran %d test request(s); it must be refused before any test runs", len(h.reqs))
	}
	plain := newHarness(t) // aa does not import internal/actor there
	if code := plain.exec("trace", "aa.1"); code != ExitError {
		t.Errorf("trace on a chapter without actors: exit %d; want %d", code, ExitError)
	}
	plain.mustContain("stderr", plain.errOut(), "does not use internal/actor")
}

// TestTraceFindsTheStep: with no step, trace takes the next pending one,
// as check does; a test's name alone finds its step.
func TestTraceFindsTheStep(t *testing.T) {
	h := actorHarness(t)
	h.run = traceRun(t, downNeverTaken(), nil)
	h.exec("trace", "--no-pager")
	h.mustContain("bare trace", h.errOut(), "No step given: tracing the next pending step, aa.1")
	h.exec("trace", "TestTwo", "--no-pager")
	req := h.reqs[len(h.reqs)-1]
	if req.Steps[0].ID != "aa.2" || !slices.Equal(req.Steps[0].Tests, []string{"TestTwo", seqdiag.HookTest}) {
		t.Errorf("trace TestTwo ran %s %v; want aa.2 [TestTwo %s]", req.Steps[0].ID, req.Steps[0].Tests, seqdiag.HookTest)
	}
}

// TestTraceSurvivesAHostileTraceFile: a file the learner's program
// garbled is reported, not trusted, and the verdict still shows.
func TestTraceSurvivesAHostileTraceFile(t *testing.T) {
	h := actorHarness(t)
	h.run = traceRun(t, actor.TraceLog{}, []byte(`{"dropped":0}`+"\n"+`{"seq":1,"kind":"send","name":`+strings.Repeat("[", 10000)+"\n"))
	if code := h.exec("trace", "aa.1", "TestOne"); code != ExitFailed {
		t.Fatalf("exit %d; want %d", code, ExitFailed)
	}
	h.mustContain("stdout", h.out(), "TestOne: failed", "no diagram:", "bad trace file")
}

func TestCheckNamesTheTraceCommand(t *testing.T) {
	h := actorHarness(t)
	h.run = func(_ context.Context, req runner.Request) ([]runner.Verdict, error) {
		return []runner.Verdict{{Step: "aa.1", Status: runner.TimedOut, Tests: []runner.TestOutcome{
			{Name: "TestOne", Message: "hung"},
		}}}, nil
	}
	if code := h.exec("check", "aa.1"); code != ExitFailed {
		t.Fatalf("exit %d; want %d", code, ExitFailed)
	}
	h.mustContain("stdout", h.out(), "otpgo trace aa.1 TestOne")

	plain := newHarness(t)
	plain.run = h.run
	plain.exec("check", "aa.1")
	if strings.Contains(plain.out(), "otpgo trace") {
		t.Errorf("check offers a trace for a chapter without actors:\n%s", plain.out())
	}
}

// TestPinHeadersKeepsEachDiagramsLanes: the pager's pinned lines are the
// lane names of the diagram the view is in, once they are scrolled away,
// under the key of its numbered lanes if it has one.
func TestPinHeadersKeepsEachDiagramsLanes(t *testing.T) {
	lines := []string{"── A", "lanes A", "a1", "a2", "", "── B", "Lanes: 1 x", "1", "b1", "legend"}
	pin := pinHeaders(lines, []pinnedHeader{{key: 1, line: 1, end: 4}, {key: 6, line: 7, end: 9}})
	for top, want := range []string{"", "", "lanes A", "lanes A", "", "", "", "", "Lanes: 1 x\n1", ""} {
		if got := pin(top); got != want {
			t.Errorf("top %d: pinned %q; want %q", top, got, want)
		}
	}
}

// TestWrapTextCountsRunes: a line of a wrapped message is at most width
// columns, counting runes, not bytes (a "→" or "é" is one column).
func TestWrapTextCountsRunes(t *testing.T) {
	s := strings.Repeat("héllo → wörld ", 20)
	for _, l := range strings.Split(wrapText(s, 30), "\n") {
		if n := utf8.RuneCountInString(l); n > 30 || n < 20 {
			t.Errorf("line %q is %d columns; want 20 to 30", l, n)
		}
	}
}

// TestTraceHeadingKeepsTheWholeMessage: a test that lists what it
// expected over several lines keeps them above its diagram, each wrapped
// to the width with its indent (only the first line was shown).
func TestTraceHeadingKeepsTheWholeMessage(t *testing.T) {
	msg := "worker_test.go:90: after their supervisor stopped, the workers should report exactly:\n" +
		"    terminated clock: shutdown\n    terminated cache: shutdown\n" +
		"but they reported:\n    terminated clock: shutdown and a long tail that goes past the edge of a narrow terminal window"
	r := tracedTest{name: "TestWorkerTerminatesWhenSupervisorStops", status: runner.Failed, outcome: runner.TestOutcome{Message: msg}}
	_, got := r.heading()
	for _, want := range []string{"should report exactly:", "    terminated cache: shutdown", "but they reported:"} {
		if !strings.Contains(got, want) {
			t.Errorf("heading lacks %q:\n%s", want, got)
		}
	}
	for _, l := range strings.Split(wrapLines(got, 50), "\n") {
		if utf8.RuneCountInString(l) > 50 {
			t.Errorf("line %q is over 50 columns", l)
		}
	}
	w := wrapLines(got, 50)
	_, tail, _ := strings.Cut(w, "but they reported:\n")
	if lines := strings.Split(tail, "\n"); len(lines) < 2 || slices.ContainsFunc(lines, func(l string) bool { return !strings.HasPrefix(l, "    ") }) {
		t.Errorf("the wrapped line should go on over several lines, each with its indent:\n%s", w)
	}
}
