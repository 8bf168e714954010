package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/present"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/seqdiag"
	"github.com/otpgo/otpgo/internal/session"
)

func init() { register(newTraceCommand) }

// traceOverlayName is the file (in the chapter's package, beside the
// hidden tests) that starts the recorder and writes the trace.
const traceOverlayName = "zz_trace_test.go"

// newTraceCommand builds `otpgo trace STEP [TEST]`.
func newTraceCommand(a *App) *cobra.Command {
	var htmlFile string
	var noRace bool
	var pg pageFlags
	cmd := &cobra.Command{
		Use:   "trace [STEP] [TEST]",
		Short: "See the messages: a step's tests on your code, drawn as sequence diagrams",
		Long: `Run a step's hidden tests (or one of them) on your code in exercises/ with
the actor runtime's tracing on, and draw what your processes did: one
lifeline per process, an arrow per message (DOWN and EXIT in red or ═══),
calls paired with their replies, time going down. A message that was sent
but never received is marked ✗.

With no STEP, the next pending step (the one otpgo check would grade).
A test's name alone finds its step.

--html FILE also writes the diagrams as a self-contained web page.`,
		Example: `  otpgo trace 01.3
  otpgo trace 01.3 TestMonitoredCrashGivesReason
  otpgo trace 01.3 --html trace.html`,
		GroupID:           groupLearn,
		Args:              cobra.RangeArgs(0, 2),
		ValidArgsFunction: a.completeIDs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, test := "", ""
			switch len(args) {
			case 2:
				id, test = args[0], args[1]
			case 1:
				id = args[0]
			}
			return runTrace(cmd.Context(), a, id, test, htmlFile, noRace, pg)
		},
	}
	cmd.Flags().StringVar(&htmlFile, "html", "", "also write the diagrams to `FILE` as a web page")
	cmd.Flags().BoolVar(&noRace, "no-race", false, "run the tests without the race detector")
	cmd.Flags().BoolVar(&pg.always, "page", false, "show the diagrams in the pager even when they fit the screen (the app uses it)")
	cmd.Flags().BoolVar(&pg.never, "no-pager", false, "print the diagrams without paging them")
	return cmd
}

// tracedTest is one test's run.
type tracedTest struct {
	name    string
	outcome runner.TestOutcome
	status  runner.Status
	log     seqdiag.Section
	err     error // the trace could not be read
}

// heading is how the terminal and the page head a test's diagram: its
// verdict, and for a failure what the test said (its first lines).
func (r tracedTest) heading() (verdict, msg string) {
	if r.outcome.Passed {
		return "passed", ""
	}
	verdict = session.StatusPhrase(r.status)
	if r.status == runner.Passed || r.status == runner.Failed {
		verdict = "failed"
	}
	// Not only the first line: a test that lists what it expected and
	// what it got says so over several. A timeout's goroutines are check's.
	return verdict, session.CapLines(session.CleanMessage(strings.TrimSpace(r.outcome.Message)), traceMessageLines, false)
}

// traceMessageLines bounds the failing test's message above its diagram.
const traceMessageLines = 12

// noDiagram is why r's trace has nothing to draw: an empty diagram says
// nothing.
func (r tracedTest) noDiagram() string {
	if r.status == runner.Panicked {
		return "the test binary crashed before it could write the trace: the panic above says where"
	}
	return "this test started no process (or none before it stopped): what it said above is all there is to see"
}

// pageFlags say when trace pages its output on a terminal.
type pageFlags struct{ always, never bool }

func runTrace(ctx context.Context, a *App, id, test, htmlFile string, noRace bool, pg pageFlags) error {
	step, err := a.traceStep(id, &test)
	if err != nil {
		return err
	}
	if !step.Gradable() {
		return fmt.Errorf("step %s has no tests: it is read, not graded", step.ID)
	}
	tests := step.Tests
	if test != "" {
		if !slices.Contains(step.Tests, test) {
			msg := fmt.Sprintf("step %s has no test %s", step.ID, test)
			c, err := a.Course()
			if err != nil {
				return err
			}
			if other := stepWithTest(c, test); other != nil {
				return fmt.Errorf("%s: it is a test of step %s; run otpgo trace %s %s", msg, other.ID, other.ID, test)
			}
			if s := catalog.Suggest(test, step.Tests, 1); len(s) > 0 {
				msg += fmt.Sprintf("; did you mean %s?", s[0])
			}
			return fmt.Errorf("%s (its tests: %s)", msg, strings.Join(step.Tests, ", "))
		}
		tests = []string{test}
	}
	if err := checkHTMLPath(htmlFile); err != nil {
		return err
	}
	if !usesActor(a.FS, step.Chapter) {
		return fmt.Errorf("chapter %s does not use internal/actor, so there are no process events to draw; otpgo check %s grades it", step.Chapter.ID, step.ID)
	}
	g, err := a.Grader()
	if err != nil {
		return err
	}
	if err := a.requireGo(ctx, "otpgo trace"); err != nil {
		return err
	}
	base, err := g.Request([]*catalog.Step{step}, check.Options{Race: !noRace && a.RaceSupported(ctx)})
	if err != nil {
		return err
	}
	pkg, err := packageName(base.Overlay)
	if err != nil {
		return fmt.Errorf("trace %s: %w", step.ID, err)
	}
	dir, err := os.MkdirTemp("", "otpgo-trace-")
	if err != nil {
		return fmt.Errorf("trace %s: %w", step.ID, err)
	}
	defer os.RemoveAll(dir)

	var runs []tracedTest
	for i, name := range tests {
		act := a.startActivity(fmt.Sprintf("tracing %s %s (%d of %d)...", step.ID, name, i+1, len(tests)))
		tt, err := traceOne(ctx, a, base, pkg, step.ID, name, filepath.Join(dir, fmt.Sprintf("trace-%d.jsonl", i)))
		act.stopActivity()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if tt.status == runner.BuildError {
			fmt.Fprintf(a.Out, "%s does not compile, so there is nothing to trace; otpgo check %s shows the compiler's message.\n", step.ID, step.ID)
			return errFailed
		}
		runs = append(runs, tt)
	}
	if htmlFile != "" {
		if err := writeTraceHTML(htmlFile, step, runs); err != nil {
			return err
		}
	}
	if err := a.printTraces(ctx, "otpgo trace "+step.ID, runs, pg); err != nil {
		return err
	}
	if htmlFile != "" {
		fmt.Fprintf(a.Out, "Wrote %s: open it in a browser.\n", htmlFile)
	}
	for _, r := range runs {
		if !r.outcome.Passed {
			return errFailed
		}
	}
	return nil
}

// traceOne runs one test with tracing on and reads what it recorded.
func traceOne(ctx context.Context, a *App, base runner.Request, pkg, stepID, test, file string) (tracedTest, error) {
	req := base
	req.Overlay = make(map[string][]byte, len(base.Overlay)+1)
	for k, v := range base.Overlay {
		req.Overlay[k] = v
	}
	req.Overlay[traceOverlayName] = seqdiag.HookSource(pkg)
	// The hook's test runs after the learner's (it is in the last file),
	// and writes the trace. A test that hangs is stopped by go test's
	// timeout: the hook writes what it has a little before that.
	req.Steps = []runner.Step{{ID: stepID, Tests: []string{test, seqdiag.HookTest}}}
	req.Env = []string{seqdiag.EnvFile + "=" + file, seqdiag.EnvDeadline + "=" + (req.Timeout * 9 / 10).String()}
	req.Progress = nil
	run := a.Run
	if run == nil {
		run = runner.Run
	}
	vs, err := run(ctx, req)
	if err != nil {
		return tracedTest{}, fmt.Errorf("trace %s %s: %w", stepID, test, err)
	}
	tt := tracedTest{name: test, status: runner.Crashed, outcome: runner.TestOutcome{Name: test}}
	if len(vs) > 0 {
		tt.status = vs[0].Status
		for _, o := range vs[0].Tests {
			if o.Name == test {
				tt.outcome = o
			}
		}
		if tt.outcome.Message == "" && !tt.outcome.Passed {
			tt.outcome.Message = vs[0].Detail
		}
	}
	tt.log.Title = test
	tt.log.Log, tt.err = seqdiag.ReadFile(file)
	if os.IsNotExist(unwrapAll(tt.err)) {
		tt.err = fmt.Errorf("the test program wrote no trace (it %s before the end)", runner.Crashed)
	}
	return tt, nil
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		next := u.Unwrap()
		if next == nil {
			return err
		}
		err = next
	}
}

// printTraces renders each run's diagram for the terminal, or plainly
// for a pipe. On a terminal, diagrams taller than the screen (or any,
// with --page) are shown in the pager.
func (a *App) printTraces(ctx context.Context, title string, runs []tracedTest, pg pageFlags) error {
	s := a.style()
	// A pipe has no size: COLUMNS, when exported, says what it feeds.
	width, height := 100, 0
	if c, err := strconv.Atoi(a.Getenv("COLUMNS")); err == nil && c > 40 {
		width = c - 1
	}
	if f, ok := a.Out.(*os.File); ok && a.Interactive() {
		if w, h, err := term.GetSize(f.Fd()); err == nil && w > 40 {
			width, height = w-1, h
		}
	}
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	var headers []pinnedHeader // each diagram's lane names, kept in sight by the pager
	// lines counts out's lines (flushed), reading each byte once.
	counted, n := 0, 0
	lines := func() int {
		n += bytes.Count(out.Bytes()[counted:], []byte("\n"))
		counted = out.Len()
		return n
	}
	for i, r := range runs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		verdict, msg := r.heading()
		if r.outcome.Passed {
			verdict = s.green(verdict)
		} else {
			verdict = s.red(verdict)
		}
		fmt.Fprintf(w, "%s %s: %s\n", s.bold("──"), s.bold(r.name), verdict)
		if msg != "" {
			// Wrapped: the pager cuts long lines, and this one says why
			// the test failed.
			fmt.Fprintln(w, indent(wrapLines(msg, width-3), "   "))
		}
		if r.err != nil {
			fmt.Fprintf(w, "   no diagram: %v\n", r.err)
			continue
		}
		if err := w.Flush(); err != nil {
			return err
		}
		start, key, header := lines(), -1, -1
		opt := seqdiag.TextOptions{Width: width, Color: a.Color(), Header: func(k, l int) { key, header = k, l }, Empty: r.noDiagram()}
		if err := seqdiag.Text(w, r.log.Log, opt); err != nil {
			return fmt.Errorf("draw the trace of %s: %w", r.name, err)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if header >= 0 {
			headers = append(headers, pinnedHeader{key: start + key, line: start + header, end: lines()})
		}
	}
	for _, l := range seqdiag.LegendLines(width) {
		fmt.Fprintln(w, s.dim(l))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	tall := height > 0 && lines() >= height
	if !pg.never && (tall || pg.always) && a.Interactive() && a.IsTerminal(a.Stdin) {
		text := out.String()
		return a.page(ctx, title, text, pinHeaders(strings.Split(text, "\n"), headers))
	}
	_, err := a.Out.Write(out.Bytes())
	return err
}

// pinnedHeader is where a diagram's header line is in the text, the
// first line of the key above it (line itself when there is none), and
// the line after the diagram's last.
type pinnedHeader struct{ key, line, end int }

// pinHeaders keeps a diagram's lane names, and the key that says whose
// each numbered lane is, above the pager's view while the view is inside
// that diagram, below its header.
func pinHeaders(lines []string, headers []pinnedHeader) present.Pin {
	return func(top int) string {
		for _, h := range headers {
			if top > h.line && top < h.end && h.line < len(lines) {
				return strings.Join(lines[min(h.key, h.line):h.line+1], "\n")
			}
		}
		return ""
	}
}

// traceStep is the step trace runs: id's, or with no id the next
// pending step, as check picks it; an id that names a test instead (it
// starts with Test and is no step) moves to *test, and its step is found.
func (a *App) traceStep(id string, test *string) (*catalog.Step, error) {
	c, err := a.Course()
	if err != nil {
		return nil, err
	}
	if id == "" {
		sess, err := a.Session()
		if err != nil {
			return nil, err
		}
		next, err := sess.Next()
		if err != nil {
			return nil, err
		}
		if next == nil {
			return nil, errors.New("every written step passes, so there is no pending step to trace; name one: otpgo trace 01.3")
		}
		fmt.Fprintf(a.Err, "No step given: tracing the next pending step, %s (%s).\n", next.ID, next.Title)
		return next, nil
	}
	if *test == "" && strings.HasPrefix(id, "Test") {
		if s := stepWithTest(c, id); s != nil {
			*test = id
			return s, nil
		}
	}
	_, targets, err := a.resolveAll([]string{id})
	if err != nil {
		return nil, err
	}
	if targets[0].Step == nil {
		return nil, fmt.Errorf("trace takes one step, not chapter %s: try otpgo trace %s", id, firstGradable(targets[0].Chapter))
	}
	return targets[0].Step, nil
}

// stepWithTest is the step whose hidden tests include test, or nil.
func stepWithTest(c *catalog.Course, test string) *catalog.Step {
	for _, ch := range c.Chapters {
		for _, s := range ch.Steps {
			if slices.Contains(s.Tests, test) {
				return s
			}
		}
	}
	return nil
}

// checkHTMLPath fails early, before any test runs, when --html names a
// file that cannot be written: a directory, or one in a missing folder.
func checkHTMLPath(file string) error {
	if file == "" {
		return nil
	}
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		return fmt.Errorf("--html %s is a directory; give a file name, e.g. --html %s", file, filepath.Join(file, "trace.html"))
	}
	dir := filepath.Dir(file)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("--html %s: folder %s does not exist; create it or choose another path", file, dir)
	}
	return nil
}

func writeTraceHTML(file string, step *catalog.Step, runs []tracedTest) error {
	var buf bytes.Buffer
	var sections []seqdiag.Section
	for _, r := range runs {
		sec := r.log
		verdict, msg := r.heading()
		sec.Title, sec.Detail, sec.Empty = r.name+": "+verdict, msg, r.noDiagram()
		sections = append(sections, sec)
	}
	if err := seqdiag.HTML(&buf, "otpgo trace "+step.ID+" "+step.Title, sections); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write the page: %w; choose a writable --html path", err)
	}
	return nil
}

// packageName reads the Go package name of the hidden tests.
func packageName(overlay map[string][]byte) (string, error) {
	names := make([]string, 0, len(overlay))
	for n := range overlay {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		sc := bufio.NewScanner(bytes.NewReader(overlay[n]))
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "package "); ok {
				return strings.TrimSpace(rest), nil
			}
		}
	}
	return "", fmt.Errorf("no package clause in the hidden tests")
}

// usesActor reports whether a chapter's skeleton imports internal/actor.
func usesActor(fsys fs.FS, ch *catalog.Chapter) bool {
	if ch == nil || ch.Dir == "" {
		return false
	}
	entries, err := fs.ReadDir(fsys, ch.ExercisePath(""))
	if err != nil {
		return false
	}
	for _, e := range entries {
		if data, err := fs.ReadFile(fsys, ch.ExercisePath(e.Name())); err == nil &&
			bytes.Contains(data, []byte(`"github.com/otpgo/otpgo/internal/actor"`)) {
			return true
		}
	}
	return false
}

func firstGradable(ch *catalog.Chapter) string {
	for _, s := range ch.Steps {
		if s.Gradable() {
			return s.ID
		}
	}
	return ch.ID + ".1"
}

// traceAdvice is the line check adds under a failed step of a chapter
// that uses internal/actor: the trace command for its first failing test.
func (a *App) traceAdvice(w io.Writer, step *catalog.Step, v runner.Verdict) {
	if !usesActor(a.FS, step.Chapter) {
		return
	}
	if name := session.TraceTest(v, step.ID); name != "" {
		fmt.Fprintf(w, "    %s see the messages: otpgo trace %s %s\n", a.style().dim("→"), step.ID, name)
	}
}
