// Package session is what a learner does with a checkout: check steps and
// record the passes, ask for the next step, a hint or a solution, reset a
// step's files. The CLI and the app both call it and render its answers;
// neither decides a policy of its own.
package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/checkpoint"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/workspace"
)

// Session is one learner's checkout with the course it follows.
type Session struct {
	// Course is the course; FS is the tree its skeletons and solutions are
	// read from (exercises/, solutions/), embedded or on disk.
	Course *catalog.Course
	FS     fs.FS
	WS     *workspace.Workspace
	Store  *progress.Store
	Grader *check.Grader
	// Now stamps backups; nil means time.Now.
	Now func() time.Time
	// Recorded, if set, is called after each check's passes are recorded:
	// the hook for reporting verdicts elsewhere (a class board). It must
	// not fail the check.
	Recorded func(ctx context.Context, vs []runner.Verdict)
}

// NextStep is the one answer to "what next?": the first step not passed
// yet after the learner's frontier (the step they last passed for the
// first time), wrapping round. passed are steps that just passed and may
// not be in st yet (the app shows a pass before it reloads progress).
// A learner who re-checks an old step is sent on from where they are,
// never to a step they already passed. nil: every graded step passed.
func NextStep(c *catalog.Course, st *progress.State, passed ...string) *catalog.Step {
	done := func(id string) bool {
		for _, p := range passed {
			if p == id {
				return true
			}
		}
		return st != nil && st.Settled(id) // a given (caught-up) step is not pending
	}
	after := ""
	if st != nil {
		after = st.Frontier()
	}
	// A first pass moves the frontier; a pass of an old step does not.
	for _, p := range passed {
		if st == nil || !st.Done(p) {
			after = p
		}
	}
	return c.NextPendingAfter(after, done)
}

// Next is NextStep with the recorded progress.
func (s *Session) Next() (*catalog.Step, error) {
	st, err := s.Store.Load()
	if err != nil {
		return nil, err
	}
	return NextStep(s.Course, st), nil
}

// Result is what a check found.
type Result struct {
	Verdicts []runner.Verdict
	// RecordErr is set when the verdicts are true but the passes could not
	// be saved: callers show it as a warning, never instead of the verdict.
	RecordErr *NotRecordedError
	// State is the progress after recording (nil if it could not be read).
	State *progress.State
}

// Check grades steps and records the passes. An error is for the
// machinery (cancelled, no toolchain); a failing step is a verdict.
func (s *Session) Check(ctx context.Context, steps []*catalog.Step, opts check.Options) (Result, error) {
	vs, err := s.Grader.Check(ctx, steps, opts)
	var missing *runner.MissingDirError
	if errors.As(err, &missing) && len(steps) > 0 {
		return Result{}, fmt.Errorf("%w: restore it with `otpgo reset %s` or `git checkout -- %s`", err, steps[0].Chapter.ID, missing.Dir)
	}
	if err != nil {
		return Result{}, err
	}
	r := Result{Verdicts: vs}
	if passed := check.PassedIDs(vs); len(passed) > 0 {
		if err := s.Store.MarkPassed(passed...); err != nil {
			r.RecordErr = &NotRecordedError{What: "your progress", Err: err}
		} else {
			r.RecordErr = s.keepCheckpoints(passed)
		}
	}
	if s.Recorded != nil {
		s.Recorded(ctx, vs)
	}
	if st, err := s.Store.Load(); err == nil {
		r.State = st
	}
	return r, nil
}

// keepCheckpoints copies the files of each passed step to the learner's
// own checkpoints (.otpgo/checkpoints/), for a later reset of the step
// after it. A copy that cannot be saved is a warning: without it, that
// reset uses the reference code and says so.
func (s *Session) keepCheckpoints(passed []string) *NotRecordedError {
	own := checkpoint.Store{Root: s.WS.Root, StateDir: s.WS.StateDir()}
	for _, id := range passed {
		step, ok := s.Course.Step(id)
		if !ok || step.Chapter.Dir == "" {
			continue
		}
		if _, err := own.Save(step); err != nil {
			return &NotRecordedError{What: "a copy of your " + id + " code (a later otpgo reset will use the reference code instead)", Err: err}
		}
	}
	return nil
}

// Hint records that one more hint of step was shown and returns which
// (1-based). When the record cannot be saved the hint is still given:
// level is min(seen+1, n) and warn says why it will not move on. err is
// for a hint that cannot be given at all.
func (s *Session) Hint(step *catalog.Step) (level int, warn *NotRecordedError, err error) {
	n := len(step.Hints)
	if n == 0 {
		return 0, nil, fmt.Errorf("%s has no hints; read the lesson: otpgo lesson show %s", step.ID, step.ID)
	}
	level, err = s.Store.NextHint(step.ID, n)
	if err == nil {
		return level, nil, nil
	}
	if errors.Is(err, progress.ErrNewerFormat) {
		return 0, nil, err
	}
	seen := 0
	if st, lerr := s.Store.Load(); lerr == nil {
		seen = st.HintsSeen(step.ID)
	}
	return min(seen+1, n), HintNotSaved(step, err), nil
}

// HintNotSaved is the warning for a hint shown but not recorded.
func HintNotSaved(step *catalog.Step, err error) *NotRecordedError {
	return &NotRecordedError{What: "which hints of " + step.ID + " you saw, so the next hint will not move on", Err: err}
}

// NotRecordedError is a warning, not a failure: what the learner asked
// for was done (a verdict, a hint), but saving it to progress failed (a
// read-only or full disk). Show it beside the answer, never instead.
type NotRecordedError struct {
	What string
	Err  error
}

func (e *NotRecordedError) Error() string { return "could not record " + e.What + ": " + e.Err.Error() }

// Unwrap is the store's error.
func (e *NotRecordedError) Unwrap() error { return e.Err }

// File is one file's name and content.
type File struct {
	Name    string
	Content string
}

// Solution returns step's files as they stand when step is done
// (checkpoint N), file by file: not the chapter's end, so later steps'
// code stays hidden.
func (s *Session) Solution(step *catalog.Step) ([]File, error) {
	changes, err := checkpoint.StepChange(s.FS, step)
	if err != nil {
		return nil, fmt.Errorf("solution of %s: %w", step.ID, err)
	}
	out := make([]File, 0, len(changes))
	for _, c := range changes {
		out = append(out, File{Name: c.File, Content: string(c.After)})
	}
	return out, nil
}

// Dir is the absolute directory of a chapter's files in the checkout.
func (s *Session) Dir(ch *catalog.Chapter) string { return s.WS.Path(ch.ExercisePath("")) }

// StepFiles are step's files relative to the checkout root.
func StepFiles(step *catalog.Step) []string {
	out := make([]string, len(step.Files))
	for i, f := range step.Files {
		out[i] = step.Chapter.ExercisePath(f)
	}
	return out
}

// ResetPlan is what a reset would do: the files that differ from their
// skeleton (or are missing). Nothing is written until Apply.
type ResetPlan struct {
	s    *Session
	todo []restore
}

type restore struct {
	rel      string
	skeleton []byte
	existed  bool
}

// Files are the files the plan restores, relative to the checkout root.
func (p *ResetPlan) Files() []string {
	out := make([]string, len(p.todo))
	for i, r := range p.todo {
		out[i] = r.rel
	}
	return out
}

// Empty reports whether every file already is its skeleton.
func (p *ResetPlan) Empty() bool { return len(p.todo) == 0 }

// BacksUp is how many of the learner's files Apply saves first.
func (p *ResetPlan) BacksUp() int {
	n := 0
	for _, r := range p.todo {
		if r.existed {
			n++
		}
	}
	return n
}

// PlanReset plans putting back the skeleton of rels (paths relative to the
// checkout root, as StepFiles gives them).
func (s *Session) PlanReset(rels []string) (*ResetPlan, error) {
	p := &ResetPlan{s: s}
	for _, rel := range rels {
		skel, err := fs.ReadFile(s.FS, rel)
		if err != nil {
			return nil, fmt.Errorf("reset %s: the course's skeleton: %w", rel, err)
		}
		cur, err := os.ReadFile(s.WS.Path(rel))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			p.todo = append(p.todo, restore{rel: rel, skeleton: skel})
		case err != nil:
			return nil, fmt.Errorf("reset: read %s: %w", rel, err)
		case !bytes.Equal(cur, skel):
			p.todo = append(p.todo, restore{rel: rel, skeleton: skel, existed: true})
		}
	}
	return p, nil
}

// Apply backs up every planned file that exists to a new directory under
// .otpgo/backup/ and, only once all are saved, writes the skeletons. It
// returns that directory relative to the checkout root with a trailing
// slash, or "" when there was nothing of the learner's to save; a
// non-empty backup comes with any error that followed it.
func (p *ResetPlan) Apply() (backup string, err error) {
	now := time.Now
	if p.s.Now != nil {
		now = p.s.Now
	}
	dir := p.s.WS.BackupDir(now())
	saved := 0
	for _, r := range p.todo {
		if !r.existed {
			continue
		}
		if err := backupFile(p.s.WS, dir, r.rel); err != nil {
			return rel(p.s.WS, dir, saved), fmt.Errorf("reset: back up %s: %w (nothing was reset)", r.rel, err)
		}
		saved++
	}
	for _, r := range p.todo {
		if err := progress.WriteFileAtomic(p.s.WS.Path(r.rel), r.skeleton); err != nil {
			return rel(p.s.WS, dir, saved), fmt.Errorf("reset %s: %w", r.rel, err)
		}
	}
	return rel(p.s.WS, dir, saved), nil
}

func rel(ws *workspace.Workspace, dir string, saved int) string {
	if saved == 0 {
		return ""
	}
	return ws.Rel(dir) + "/"
}

// Reset undoes step, as `otpgo reset STEP --yes` does: each of its files
// goes back to how it stood when step began (the learner's own copy from
// passing the step before that changed it, else that step's reference; see
// checkpoint.Reset), after a backup; then the progress of step, and of
// later steps that change the same files, is cleared. It fails without
// writing when the files already stand so. The backup is "" when there was
// nothing of the learner's to save.
func (s *Session) Reset(step *catalog.Step) (backup string, err error) {
	st, err := s.Store.Load()
	if err != nil {
		return "", err
	}
	plan, err := checkpoint.Reset(s.FS, checkpoint.Store{Root: s.WS.Root, StateDir: s.WS.StateDir()}, step, st.Done)
	if err != nil {
		return "", err
	}
	if len(checkpoint.Pending(s.WS.Root, plan)) == 0 {
		return "", fmt.Errorf("nothing to reset: %s already stand as they did when %s began", strings.Join(StepFiles(step), ", "), step.ID)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	res, err := checkpoint.Apply(context.Background(), s.WS.Root, plan, s.WS.BackupDir(now()))
	if res.BackupDir != "" {
		backup = s.WS.Rel(res.BackupDir) + "/"
	}
	if err != nil {
		return backup, err
	}
	var cleared []string
	for _, id := range plan.Clear {
		if st.Settled(id) {
			cleared = append(cleared, id)
		}
	}
	if err := s.Store.Clear(cleared...); err != nil {
		return backup, fmt.Errorf("files reset, but clearing the progress of %s failed: %w", strings.Join(cleared, ", "), err)
	}
	return backup, nil
}

// Catchup is `otpgo catchup STEP --yes` in one call, for the app (which
// asked first): the reference code of the earlier steps of step's chapter
// not passed or given goes in place (after a backup; see
// checkpoint.Catchup) and those steps are recorded as given. It returns
// what it did, in a line.
func (s *Session) Catchup(step *catalog.Step) (string, error) {
	if step.Checkpoint() == 1 {
		return "", fmt.Errorf("%s is the first step of chapter %s: nothing before it to catch up on", step.ID, step.Chapter.ID)
	}
	st, err := s.Store.Load()
	if err != nil {
		return "", err
	}
	plan, err := checkpoint.Catchup(s.FS, step, checkpoint.InPlace(s.WS.Root, step.Chapter, st.Settled), // a given step's code is already in place
		checkpoint.YoursIn(s.WS.Root, s.WS.StateDir(), st))
	if err != nil {
		return "", err
	}
	var res checkpoint.Result
	if len(checkpoint.Pending(s.WS.Root, plan)) > 0 {
		now := time.Now
		if s.Now != nil {
			now = s.Now
		}
		if res, err = checkpoint.Apply(context.Background(), s.WS.Root, plan, s.WS.BackupDir(now())); err != nil {
			return "", err // it names the files written and the backup
		}
	}
	if len(res.Written) == 0 && len(plan.Given) == 0 {
		return fmt.Sprintf("nothing to catch up: you passed or caught up every step before %s", step.ID), nil
	}
	given, restored := plan.SplitGiven(func(id string) bool { return st.Status(id) == progress.Passed })
	if err := s.Store.MarkGiven(given...); err != nil {
		return "", fmt.Errorf("files caught up, but recording %s as given failed: %w", strings.Join(given, ", "), err)
	}
	msg := "caught up to " + step.ID
	if len(res.Written) > 0 {
		msg += ": wrote " + strings.Join(res.Written, ", ")
	}
	if len(given) > 0 {
		msg += "; given: " + strings.Join(given, ", ")
	}
	own, ref := plan.SplitOwn(restored)
	if len(own) > 0 {
		msg += "; your own passing code put back (TODO back in your file; pass kept): " + strings.Join(own, ", ")
	}
	if len(ref) > 0 {
		msg += "; reference code put back (TODO back in your file; pass kept, your code in .otpgo/checkpoints/): " + strings.Join(ref, ", ")
	}
	if res.BackupDir != "" {
		msg += "; your versions are in " + s.WS.Rel(res.BackupDir) + "/"
	}
	return msg, nil
}

// backupFile copies <root>/rel to <backup>/rel, keeping the layout.
func backupFile(ws *workspace.Workspace, backup, rel string) error {
	data, err := os.ReadFile(ws.Path(rel))
	if err != nil {
		return err
	}
	dst := filepath.Join(backup, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}
