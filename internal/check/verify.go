package check

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
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
	// Mutants says whether the steps' mutants run: with the rest (the
	// zero value), alone, or not at all.
	Mutants MutantRuns
	// OnMutant is called as each mutant finishes (any goroutine, one at a
	// time, never at once with OnResult).
	OnMutant func(MutantResult)
}

// MutantRuns says which of verify's runs include the mutants.
type MutantRuns int

// The choices of VerifyOptions.Mutants.
const (
	WithMutants MutantRuns = iota // the steps' checks and their mutants
	OnlyMutants                   // the mutants alone (otpgo verify --mutants)
	NoMutants                     // the steps' checks alone
)

// Side is which code a verify run grades.
type Side string

// The two sides of a verify.
const (
	Skeleton Side = "skeleton"
	Solution Side = "solution"
)

// VerifyResult is the outcome of verifying one step.
type VerifyResult struct {
	Step string `json:"step"`
	OK   bool   `json:"ok"`
	// Problem says why not OK.
	Problem string `json:"problem,omitempty"`
	// Skeleton is the step's tests on the state before the step: the
	// checkpoint of the step before it, the untouched skeleton for a
	// chapter's first step. It must fail, on a TODO, not a build error.
	Skeleton runner.Verdict `json:"skeleton,omitzero"`
	// Solution is the step's tests on the chapter's solution: must pass.
	Solution runner.Verdict `json:"solution,omitzero"`
	// Checkpoint is every step up to this one on this step's checkpoint
	// (none for a chapter's last step, whose checkpoint is the solution):
	// each must pass.
	Checkpoint []runner.Verdict `json:"checkpoint,omitempty"`
	// Mutants is each of the step's mutants on its checkpoint: each must
	// fail with its expected phrase. OK is false if one does not.
	Mutants []MutantResult `json:"mutants,omitempty"`
	Elapsed time.Duration  `json:"elapsed_ns"`
}

// MutantResult is the outcome of one mutant: the step's checkpoint with
// the mistake applied, graded by the step's tests.
type MutantResult struct {
	Mutant  string `json:"mutant"` // <step>/<name>
	Mistake string `json:"mistake"`
	// OK is true when the tests rejected the mistake with every expected
	// phrase (or the mutant was skipped, see Skipped).
	OK      bool          `json:"ok"`
	Skipped string        `json:"skipped,omitempty"` // why it did not run
	Problem string        `json:"problem,omitempty"` // why not OK
	Status  runner.Status `json:"status,omitempty"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Verify proves, for each gradable step N of a chapter, that checkpoint
// N-1 (the untouched skeleton for N = 1) FAILS the step's tests on a TODO,
// that checkpoint N PASSES the tests of every step up to N, and that the
// course's solution PASSES the step's tests (opts.Count times). All run in
// a mirror of the checkout whose content/, exercises/ and solutions/ come
// from the course FS, so nothing the learner edited or added matters:
// the skeleton in exercises/<dir> and each intermediate checkpoint in a
// package directory of its own with the hidden tests injected, the
// solution in solutions/<dir> with its own tests. Steps run in parallel,
// bounded by opts.Parallel. Results come back in step order. The error is
// for the machinery only (no Go, cancelled, a checkpoint that cannot be
// built from the course).
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
	extra, err := checkpointTrees(g.FS, steps)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	if err := syncMirror(g.Root, g.FS, opts.MirrorDir, extra); err != nil {
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
	mutants := make([][]MutantResult, len(steps))
	var (
		mu       sync.Mutex // guards firstErr and the On* calls
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, opts.Parallel)
	// spawn runs job in the pool; an error cancels the rest.
	spawn := func(id string, job func() error) {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if err := job(); err != nil {
				mu.Lock()
				defer mu.Unlock()
				if firstErr == nil {
					firstErr = fmt.Errorf("verify %s: %w", id, err)
					cancel()
				}
			}
		})
	}
	if opts.Mutants != OnlyMutants {
		for i, s := range steps {
			spawn(s.ID, func() error {
				r, err := g.verifyStep(ctx, s, opts)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				results[i] = r
				if opts.OnResult != nil {
					opts.OnResult(r)
				}
				return nil
			})
		}
	}
	if opts.Mutants != NoMutants {
		for i, s := range steps {
			mutants[i] = make([]MutantResult, len(s.Mutants))
			for j, m := range s.Mutants {
				spawn(m.ID(), func() error {
					r, err := g.verifyMutant(ctx, s, m, opts)
					if err != nil {
						return err
					}
					mu.Lock()
					defer mu.Unlock()
					mutants[i][j] = r
					if opts.OnMutant != nil {
						opts.OnMutant(r)
					}
					return nil
				})
			}
		}
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, s := range steps {
		r := &results[i]
		if opts.Mutants == OnlyMutants {
			*r = VerifyResult{Step: s.ID, OK: true}
		}
		r.Mutants = mutants[i]
		for _, m := range r.Mutants {
			r.OK = r.OK && m.OK
			if opts.Mutants == OnlyMutants {
				r.Elapsed += m.Elapsed
			}
		}
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

	skelReq, solReq, atReq, err := g.verifyRequests(s, Options{Race: opts.Race}, opts.Count)
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
	if len(atReq.Steps) > 0 {
		if res.Checkpoint, err = g.run(ctx, atReq); err != nil {
			return res, err
		}
	}
	res.Skeleton, res.Solution = skel[0], sol[0]
	res.Elapsed = time.Since(start)

	var problems []string
	n := s.Checkpoint()
	before := fmt.Sprintf("the untouched skeleton in exercises/%s", ch.Dir)
	if n > 1 {
		prev := ch.Steps[n-2].ID
		before = fmt.Sprintf("checkpoint %s (the files when %s is done, see %s)", prev, prev, checkpointSources(ch, n-1))
	}
	switch res.Skeleton.Status {
	case runner.Passed:
		problems = append(problems, fmt.Sprintf("%s PASSES %s's tests; they prove nothing", before, s.ID))
	case runner.BuildError:
		problems = append(problems, fmt.Sprintf("%s does not compile with the hidden tests (it must fail %s on a TODO): %s", before, s.ID, firstLine(res.Skeleton.Detail)))
	}
	if res.Solution.Status != runner.Passed {
		problems = append(problems, fmt.Sprintf("the solution in solutions/%s %s: %s", ch.Dir, res.Solution.Status, whyFailed(res.Solution)))
	}
	for _, v := range res.Checkpoint {
		if v.Status != runner.Passed {
			problems = append(problems, fmt.Sprintf("checkpoint %s (the files when %s is done, see %s) %s step %s: %s", s.ID, s.ID, checkpointSources(ch, n), v.Status, v.Step, whyFailed(v)))
		}
	}
	res.OK = len(problems) == 0
	res.Problem = strings.Join(problems, "; ")
	return res, nil
}

// verifyRequests returns the requests verify runs for step s (checkpoint
// n) in the mirror at g.Root, each with the hidden tests injected but the
// solution's: before, checkpoint n-1 (exercises/<dir> for n = 1) on s's
// tests (count 1); solution, solutions/<dir> with its own tests (count
// times); at, checkpoint n on every step up to s (count 1), with no steps
// for the chapter's last step, whose checkpoint is the solution.
func (g *Grader) verifyRequests(s *catalog.Step, opts Options, count int) (before, solution, at runner.Request, err error) {
	steps := []*catalog.Step{s}
	ch, err := oneChapter(steps)
	if err != nil {
		return before, solution, at, err
	}
	hidden, err := hiddenTests(g.FS, ch)
	if err != nil {
		return before, solution, at, err
	}
	n := s.Checkpoint()
	before = g.request(checkpointDir(ch, n-1), hidden, steps, Options{Race: opts.Race, Count: 1})
	solution = g.request(path.Join("solutions", ch.Dir), nil, steps, Options{Race: opts.Race, Count: count})
	if n < len(ch.Steps) {
		var upTo []*catalog.Step
		for _, e := range ch.Steps[:n] {
			if e.Gradable() {
				upTo = append(upTo, e)
			}
		}
		at = g.request(checkpointDir(ch, n), hidden, upTo, Options{Race: opts.Race, Count: 1})
	}
	return before, solution, at, nil
}

// checkpointTree is where, in the mirror, verify writes each intermediate
// checkpoint as a package directory of its own: <tree>/<dir>/<step ID>/.
// The "_" keeps `go build ./...` in the mirror away from it.
const checkpointTree = "_otpgo_checkpoints"

// checkpointDir is the mirror's package directory holding checkpoint k of
// ch: the skeleton's for 0, the solution's for the last.
func checkpointDir(ch *catalog.Chapter, k int) string {
	switch {
	case k == 0:
		return path.Join("exercises", ch.Dir)
	case k >= len(ch.Steps):
		return path.Join("solutions", ch.Dir)
	}
	return path.Join(checkpointTree, ch.Dir, ch.Steps[k-1].ID)
}

// checkpointTrees returns the files of every intermediate checkpoint of
// the chapters of steps, and of each of the steps' mutants, keyed by their
// path in the mirror.
func checkpointTrees(fsys fs.FS, steps []*catalog.Step) (map[string][]byte, error) {
	out := map[string][]byte{}
	done := map[*catalog.Chapter]bool{}
	for _, s := range steps {
		ch := s.Chapter
		if done[ch] {
			continue
		}
		done[ch] = true
		for k := 1; k < len(ch.Steps); k++ {
			files, err := ch.CheckpointFiles(fsys, k)
			if err != nil {
				return nil, err
			}
			for f, data := range files {
				out[path.Join(checkpointDir(ch, k), f)] = data
			}
		}
	}
	for _, s := range steps {
		if len(s.Mutants) == 0 {
			continue
		}
		at, err := s.Chapter.CheckpointFiles(fsys, s.Checkpoint())
		if err != nil {
			return nil, err
		}
		for _, m := range s.Mutants {
			files, err := m.Apply(at)
			if err != nil {
				return nil, fmt.Errorf("mutant %s: %w", m.ID(), err)
			}
			for f, data := range files {
				out[path.Join(mutantDir(s, m), f)] = data
			}
		}
	}
	return out, nil
}

// checkpointSources names where checkpoint k's own states are authored,
// for a message: the overlays of steps up to k, or the skeleton and the
// solution when it has none.
func checkpointSources(ch *catalog.Chapter, k int) string {
	var dirs []string
	for _, s := range ch.Steps[:k] {
		for _, f := range s.Files {
			if p := ch.CheckpointPath(k, f); strings.Contains(p, "/"+catalog.CheckpointDir+"/") && !slices.Contains(dirs, p) {
				dirs = append(dirs, p)
			}
		}
	}
	if len(dirs) == 0 {
		return fmt.Sprintf("solutions/%s for the files of steps up to %s, exercises/%s for the rest", ch.Dir, ch.Steps[k-1].ID, ch.Dir)
	}
	return strings.Join(dirs, ", ") + fmt.Sprintf(" over solutions/%s and exercises/%s", ch.Dir, ch.Dir)
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
