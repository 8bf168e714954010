package check

import (
	"context"
	"fmt"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/runner"
)

// VerifyOptions say how to verify.
type VerifyOptions struct {
	Race     bool                                             // run both sides with -race
	Count    int                                              // -count for the solution; 0 means 3
	Parallel int                                              // steps verified at once; 0 means runtime.NumCPU()
	OnResult func(VerifyResult)                               // called as each step finishes (any goroutine, one at a time)
	Progress func(step string, phase runner.Phase, side Side) // optional
	// MirrorDir is where the pristine copy of the checkout is kept (see
	// mirror.go); "" means DefaultMirrorDir(Root).
	MirrorDir string
}

// Side is which code a verify run grades.
type Side string

// The two sides of a verify.
const (
	Skeleton Side = "skeleton"
	Solution Side = "solution"
)

// VerifyResult is the outcome of verifying one step.
type VerifyResult struct {
	Step     string         `json:"step"`
	OK       bool           `json:"ok"`
	Problem  string         `json:"problem,omitempty"` // why not OK
	Skeleton runner.Verdict `json:"skeleton"`          // must not pass
	Solution runner.Verdict `json:"solution"`          // must pass
	Elapsed  time.Duration  `json:"elapsed_ns"`
}

// Verify proves, for each gradable step, that the course's untouched
// skeleton FAILS the step's tests and its solution PASSES them.
// Both run in a mirror of the checkout whose content/, exercises/ and
// solutions/ come from the course FS, so nothing the learner edited or
// added matters: the skeleton in exercises/<dir> with the hidden tests
// injected, the solution in solutions/<dir> with its own tests. Steps run
// in parallel, bounded by opts.Parallel. Results come back in step order.
// The error is for the machinery only (no Go, cancelled).
func (g *Grader) Verify(ctx context.Context, steps []*catalog.Step, opts VerifyOptions) ([]VerifyResult, error) {
	if opts.Count <= 0 {
		opts.Count = 3
	}
	if opts.Parallel <= 0 {
		opts.Parallel = runtime.NumCPU()
	}
	if opts.MirrorDir == "" {
		opts.MirrorDir = DefaultMirrorDir(g.Root)
	}
	if err := syncMirror(g.Root, g.FS, opts.MirrorDir); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	mirror := *g
	mirror.Root = opts.MirrorDir
	return mirror.verify(ctx, steps, opts)
}

func (g *Grader) verify(ctx context.Context, steps []*catalog.Step, opts VerifyOptions) ([]VerifyResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	results := make([]VerifyResult, len(steps))
	var (
		mu       sync.Mutex // guards firstErr and OnResult calls
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, opts.Parallel)
	for i, s := range steps {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			r, err := g.verifyStep(ctx, s, opts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("verify %s: %w", s.ID, err)
					cancel()
				}
				return
			}
			results[i] = r
			if opts.OnResult != nil {
				opts.OnResult(r)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}

func (g *Grader) verifyStep(ctx context.Context, s *catalog.Step, opts VerifyOptions) (VerifyResult, error) {
	start := time.Now()
	res := VerifyResult{Step: s.ID}
	ch := s.Chapter
	if !s.Gradable() {
		return res, fmt.Errorf("step %s has no tests", s.ID)
	}

	skelReq, solReq, err := g.verifyRequests(s, Options{Race: opts.Race}, opts.Count)
	if err != nil {
		return res, err
	}
	if opts.Progress != nil {
		skelReq.Progress = func(p runner.Phase) { opts.Progress(s.ID, p, Skeleton) }
		solReq.Progress = func(p runner.Phase) { opts.Progress(s.ID, p, Solution) }
	}
	skel, err := g.run(ctx, skelReq)
	if err != nil {
		return res, err
	}
	sol, err := g.run(ctx, solReq)
	if err != nil {
		return res, err
	}
	res.Skeleton, res.Solution = skel[0], sol[0]
	res.Elapsed = time.Since(start)

	var problems []string
	switch res.Skeleton.Status {
	case runner.Passed:
		problems = append(problems, fmt.Sprintf("the untouched skeleton in exercises/%s PASSES; the tests prove nothing", ch.Dir))
	case runner.BuildError:
		problems = append(problems, fmt.Sprintf("the skeleton in exercises/%s does not compile with the hidden tests: %s", ch.Dir, firstLine(res.Skeleton.Detail)))
	}
	if res.Solution.Status != runner.Passed {
		problems = append(problems, fmt.Sprintf("the solution in solutions/%s %s: %s", ch.Dir, res.Solution.Status, whyFailed(res.Solution)))
	}
	res.OK = len(problems) == 0
	res.Problem = strings.Join(problems, "; ")
	return res, nil
}

// verifyRequests returns the two requests verify runs for step s in the
// mirror at g.Root: the skeleton in exercises/<dir> with the hidden tests
// injected (count 1), and the solution in solutions/<dir> with its own
// tests (count times).
func (g *Grader) verifyRequests(s *catalog.Step, opts Options, count int) (skeleton, solution runner.Request, err error) {
	steps := []*catalog.Step{s}
	ch, err := oneChapter(steps)
	if err != nil {
		return skeleton, solution, err
	}
	hidden, err := hiddenTests(g.FS, ch)
	if err != nil {
		return skeleton, solution, err
	}
	skeleton = g.request(path.Join("exercises", ch.Dir), hidden, steps, Options{Race: opts.Race, Count: 1})
	solution = g.request(path.Join("solutions", ch.Dir), nil, steps, Options{Race: opts.Race, Count: count})
	return skeleton, solution, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// whyFailed is a one-line reason for a verdict that did not pass.
func whyFailed(v runner.Verdict) string {
	for _, t := range v.Tests {
		if !t.Passed {
			return t.Name + ": " + firstLine(t.Message)
		}
	}
	if v.Detail != "" {
		return firstLine(v.Detail)
	}
	return v.Status.String()
}
