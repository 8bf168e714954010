// Package check grades steps: it builds the runner.Request that injects a
// chapter's hidden tests (from the course: the checkout's own, or the
// one built in) into the learner's
// exercises/<dir>, runs it, and returns one runner.Verdict per step. It is
// what `otpgo check` and the TUI share; `otpgo verify` (verify.go) uses the
// same requests against the course's skeletons and solutions.
//
// Nothing here writes to exercises/: the hidden tests reach the package
// through `go test -overlay` only.
package check

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/runner"
)

// RunFunc runs a request; runner.Run is the real one.
type RunFunc func(context.Context, runner.Request) ([]runner.Verdict, error)

// Grader grades steps of the course in one checkout.
type Grader struct {
	Root string // absolute root of the checkout
	FS   fs.FS  // the course (cli.App.CourseSource): hidden tests, skeletons, solutions
	Run  RunFunc
}

// Options say how to run the tests.
type Options struct {
	Race     bool               // go test -race (see runner.RaceSupported)
	Count    int                // go test -count; 0 means 1
	Progress func(runner.Phase) // told when compiling starts and tests run
}

// hiddenTests returns the chapter's hidden tests: every _test.go file of
// the course's solutions/<dir>, keyed by its name (the runner injects it
// as runner.HiddenPrefix + name).
func hiddenTests(fsys fs.FS, ch *catalog.Chapter) (map[string][]byte, error) {
	dir := path.Join("solutions", ch.Dir)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read the course's %s: %w", dir, err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read the course's %s: %w", e.Name(), err)
		}
		out[e.Name()] = data
	}
	return out, nil
}

// Request builds the request that grades steps, which must all be gradable
// steps of one chapter, against the learner's files in exercises/<dir>.
func (g *Grader) Request(steps []*catalog.Step, opts Options) (runner.Request, error) {
	ch, err := oneChapter(steps)
	if err != nil {
		return runner.Request{}, err
	}
	hidden, err := hiddenTests(g.FS, ch)
	if err != nil {
		return runner.Request{}, fmt.Errorf("check %s: %w", ch.ID, err)
	}
	return g.request(path.Join("exercises", ch.Dir), hidden, steps, opts), nil
}

func (g *Grader) request(dir string, overlay map[string][]byte, steps []*catalog.Step, opts Options) runner.Request {
	count := max(opts.Count, 1)
	req := runner.Request{
		Root:     g.Root,
		Dir:      dir,
		Overlay:  overlay,
		Race:     opts.Race,
		Count:    count,
		Progress: opts.Progress,
	}
	var timeout time.Duration
	for _, s := range steps {
		req.Steps = append(req.Steps, runner.Step{ID: s.ID, Tests: slices.Clone(s.Tests)})
		timeout += s.Timeout
	}
	// The tests of all the steps run one after another, count times over.
	req.Timeout = timeout * time.Duration(count)
	return req
}

func oneChapter(steps []*catalog.Step) (*catalog.Chapter, error) {
	if len(steps) == 0 {
		return nil, fmt.Errorf("no steps to check")
	}
	ch := steps[0].Chapter
	for _, s := range steps {
		if s.Chapter != ch {
			return nil, fmt.Errorf("steps %s and %s are in different chapters; check one chapter per request", steps[0].ID, s.ID)
		}
		if !s.Gradable() {
			return nil, fmt.Errorf("step %s has no tests: it is read, not graded", s.ID)
		}
	}
	return ch, nil
}

// Check grades steps (from any chapters) against the learner's code: one
// `go test` per chapter, chapters in the order they first appear. It
// returns one verdict per step, in the order of steps. The error is for
// the machinery (no Go toolchain, cancelled); a failing step is a verdict.
func (g *Grader) Check(ctx context.Context, steps []*catalog.Step, opts Options) ([]runner.Verdict, error) {
	var out []runner.Verdict
	for _, group := range byChapter(steps) {
		req, err := g.Request(group, opts)
		if err != nil {
			return out, err
		}
		vs, err := g.run(ctx, req)
		if err != nil {
			return out, fmt.Errorf("check %s: %w", group[0].Chapter.ID, err)
		}
		out = append(out, vs...)
	}
	return out, nil
}

// run calls the runner and makes sure there is one verdict per step, in
// order, whatever the runner returned.
func (g *Grader) run(ctx context.Context, req runner.Request) ([]runner.Verdict, error) {
	run := g.Run
	if run == nil {
		run = runner.Run
	}
	vs, err := run(ctx, req)
	if err != nil {
		return nil, err
	}
	byStep := map[string]runner.Verdict{}
	for _, v := range vs {
		byStep[v.Step] = v
	}
	out := make([]runner.Verdict, 0, len(req.Steps))
	for _, s := range req.Steps {
		v, ok := byStep[s.ID]
		if !ok {
			v = runner.Verdict{Step: s.ID, Status: runner.Crashed, Detail: "the runner returned no verdict for this step"}
		}
		out = append(out, v)
	}
	return out, nil
}

// byChapter splits steps into runs of one chapter each, keeping the first
// appearance order of chapters and the order of steps within each.
func byChapter(steps []*catalog.Step) [][]*catalog.Step {
	var groups [][]*catalog.Step
	idx := map[*catalog.Chapter]int{}
	for _, s := range steps {
		i, ok := idx[s.Chapter]
		if !ok {
			i = len(groups)
			idx[s.Chapter] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], s)
	}
	return groups
}

// PassedIDs returns the steps whose verdict is Passed, for
// progress.Store.MarkPassed.
func PassedIDs(vs []runner.Verdict) []string {
	var ids []string
	for _, v := range vs {
		if v.Status == runner.Passed {
			ids = append(ids, v.Step)
		}
	}
	return ids
}

// AllPassed reports whether there is at least one verdict and all passed.
func AllPassed(vs []runner.Verdict) bool {
	if len(vs) == 0 {
		return false
	}
	for _, v := range vs {
		if v.Status != runner.Passed {
			return false
		}
	}
	return true
}
