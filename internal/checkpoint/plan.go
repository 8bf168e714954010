package checkpoint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
)

// Write is one file a plan puts in place.
type Write struct {
	File string // relative to the chapter's Dir
	Data []byte
	// From says where Data comes from, for the learner: "your copy from
	// passing 02.1", "checkpoint 02.1 (reference)", "the skeleton".
	From string
	// Reference is true when Data is the course's, not the learner's own.
	Reference bool
}

// Plan is what `reset STEP` or `catchup STEP` will do to a chapter.
type Plan struct {
	Chapter *catalog.Chapter
	Step    *catalog.Step
	Writes  []Write  // every file the plan sets, in file order
	Keep    []string // files left as they are: the learner's own code
	Clear   []string // steps whose progress goes (reset): they were built on what is replaced
	Given   []string // steps to record as given (catchup): caught up, not passed
	// Passed is set when Step itself is already passed: the plan replaces
	// the learner's own passing code, so a command asks first.
	Passed bool
}

// Reset plans `otpgo reset STEP`: each file of step goes back to how it
// stood when step began. That is the learner's own copy from passing the
// previous step that changed the file, or, if they never passed it (or
// the copy is gone), the reference checkpoint of that step; the skeleton
// when no earlier step changes the file. Progress of step, and of every
// later step that changes one of its files, is cleared.
func Reset(fsys fs.FS, own Store, step *catalog.Step, passed func(stepID string) bool) (*Plan, error) {
	ch := step.Chapter
	if !step.Gradable() || ch.Dir == "" {
		return nil, fmt.Errorf("%s has no files to reset", step.ID)
	}
	ref, err := ch.CheckpointFiles(fsys, step.Checkpoint()-1)
	if err != nil {
		return nil, err
	}
	p := &Plan{Chapter: ch, Step: step, Passed: passed(step.ID)}
	for _, f := range step.Files {
		w := Write{File: f, Data: ref[f], Reference: true, From: "the skeleton"}
		if before := touchingBefore(step, f); len(before) > 0 {
			prev := before[len(before)-1]
			w.From = fmt.Sprintf("checkpoint %s (reference: you have not passed %s)", prev.ID, prev.ID)
			if passed(prev.ID) {
				data, ok, err := own.Own(prev.ID, f)
				switch {
				case err != nil:
					return nil, err
				case ok:
					w = Write{File: f, Data: data, From: "your copy from passing " + prev.ID}
				default:
					w.From = fmt.Sprintf("checkpoint %s (reference: otpgo kept no copy of your pass)", prev.ID)
				}
			}
		}
		p.Writes = append(p.Writes, w)
	}
	p.Clear = append(p.Clear, step.ID)
	for _, later := range ch.Steps[step.Checkpoint():] {
		if slices.ContainsFunc(later.Files, func(f string) bool { return slices.Contains(step.Files, f) }) {
			p.Clear = append(p.Clear, later.ID)
		}
	}
	return p, nil
}

// Catchup plans `otpgo catchup STEP`: the learner's files of the chapter
// become checkpoint STEP-1 wherever a step before STEP is not passed.
// A file that only passed steps (or no step before STEP) changed stays as
// the learner has it; a file that an unpassed step changes gets its
// reference state at checkpoint STEP-1, which holds the earlier steps'
// code too. Every unpassed step before STEP is to be recorded as given.
// Callers pass "passed or given" as passed: a given step's code is in
// place already, and the learner may be working on top of it. With
// yours, a file whose last change before STEP is a step the learner
// passed gets their own copy from that pass, not the reference.
func Catchup(fsys fs.FS, step *catalog.Step, passed func(stepID string) bool, yours *Yours) (*Plan, error) {
	if step.Chapter.Dir == "" {
		return nil, fmt.Errorf("%s has no files to catch up", step.ID)
	}
	p, err := catchupTo(fsys, step.Chapter, step.Checkpoint()-1, passed, yours)
	if err != nil {
		return nil, err
	}
	p.Step, p.Passed = step, passed(step.ID)
	return p, nil
}

// CatchupChapter plans `otpgo catchup CHAPTER`: the whole chapter done,
// as Catchup does it for the steps before one (Plan.Step is nil).
func CatchupChapter(fsys fs.FS, ch *catalog.Chapter, passed func(stepID string) bool, yours *Yours) (*Plan, error) {
	if ch.Dir == "" {
		return nil, fmt.Errorf("chapter %s has no files to catch up", ch.ID)
	}
	return catchupTo(fsys, ch, len(ch.Steps), passed, yours)
}

// Yours lets a catch-up put back the learner's own code: a step they
// passed whose TODO is back in its file (InPlace) is caught up again,
// and the copy otpgo kept of their pass is their work, which the
// reference would replace.
type Yours struct {
	Own    Store
	Passed func(stepID string) bool // passed by the learner: recorded, not given
}

// YoursIn is Yours for the workspace at root, whose state (progress and
// own copies) is in stateDir, st its progress.
func YoursIn(root, stateDir string, st *progress.State) *Yours {
	return &Yours{
		Own:    Store{Root: root, StateDir: stateDir},
		Passed: func(id string) bool { return st.Status(id) == progress.Passed },
	}
}

// copyOf returns the learner's copy of file from passing last, when they
// passed it and the copy holds none of the TODO stubs of the steps
// (before, last among them) whose code the file must hold.
func (y *Yours) copyOf(last *catalog.Step, file string, before []*catalog.Step) ([]byte, bool) {
	if y == nil || !y.Passed(last.ID) {
		return nil, false
	}
	data, ok, err := y.Own.Own(last.ID, file)
	if err != nil || !ok {
		return nil, false // a copy that cannot be read is no copy: the reference goes in
	}
	for _, s := range before {
		if bytes.Contains(data, []byte(runner.TodoStub(s.ID))) {
			return nil, false
		}
	}
	return data, true
}

// catchupTo plans putting ch's files as they stand at checkpoint k, the
// first k steps done.
func catchupTo(fsys fs.FS, ch *catalog.Chapter, k int, passed func(stepID string) bool, yours *Yours) (*Plan, error) {
	ref, err := ch.CheckpointFiles(fsys, k)
	if err != nil {
		return nil, err
	}
	p := &Plan{Chapter: ch}
	for _, e := range ch.Steps[:k] {
		if e.Gradable() && !passed(e.ID) {
			p.Given = append(p.Given, e.ID)
		}
	}
	for _, f := range sortedKeys(ref) {
		before := touchingThrough(ch, k, f)
		if len(before) == 0 {
			continue // no earlier step changes it: the learner's, whatever it holds
		}
		if !slices.ContainsFunc(before, func(s *catalog.Step) bool { return !passed(s.ID) }) {
			p.Keep = append(p.Keep, f)
			continue
		}
		last := before[len(before)-1]
		if data, ok := yours.copyOf(last, f, before); ok {
			p.Writes = append(p.Writes, Write{File: f, Data: data, From: "your copy from passing " + last.ID})
			continue
		}
		p.Writes = append(p.Writes, Write{File: f, Data: ref[f], Reference: true, From: fmt.Sprintf("checkpoint %s", last.ID)})
	}
	return p, nil
}

// InPlace wraps settled (passed or given) for a catch-up in the
// workspace at root: a step of ch whose TODO stub is back in one of its
// files (the learner restored the skeleton with git, or copied it over)
// is not done, whatever progress says, so its code is put back. MarkGiven
// keeps a recorded pass.
func InPlace(root string, ch *catalog.Chapter, settled func(stepID string) bool) func(stepID string) bool {
	return func(id string) bool {
		if !settled(id) {
			return false
		}
		i := slices.IndexFunc(ch.Steps, func(s *catalog.Step) bool { return s.ID == id })
		if i < 0 {
			return true
		}
		for _, f := range ch.Steps[i].Files {
			if todoIn(filepath.Join(root, filepath.FromSlash(ch.ExercisePath(f))), id) {
				return false
			}
		}
		return true
	}
}

// todoIn reports whether the file at path holds step id's TODO stub
// (runner.TodoStub): a comment naming the TODO, which a learner may keep
// above code that works, does not count. Only the
// file's first MiB is read: a skeleton is small, and a file that big is
// the learner's.
func todoIn(path, id string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	data, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	return bytes.Contains(data, []byte(runner.TodoStub(id)))
}

// SplitGiven splits the steps a catch-up records as given into those
// given now and those whose code it put back although passed before
// (InPlace), whose pass MarkGiven keeps.
func (p *Plan) SplitGiven(passed func(stepID string) bool) (given, restored []string) {
	for _, id := range p.Given {
		if passed(id) {
			restored = append(restored, id)
		} else {
			given = append(given, id)
		}
	}
	return given, restored
}

// SplitOwn splits steps put back although passed (SplitGiven's
// restored) into those whose files the plan fills from the learner's own
// copies and those it fills, at least in part, from the reference: each
// is said to be put back as it is.
func (p *Plan) SplitOwn(restored []string) (own, reference []string) {
	for _, id := range restored {
		if p.OwnCopy(id) {
			own = append(own, id)
		} else {
			reference = append(reference, id)
		}
	}
	return own, reference
}

// OwnCopy reports whether the plan fills step id's files it writes from
// the learner's own copies, none from the reference.
func (p *Plan) OwnCopy(id string) bool {
	i := slices.IndexFunc(p.Chapter.Steps, func(s *catalog.Step) bool { return s.ID == id })
	if i < 0 {
		return false
	}
	own := false
	for _, w := range p.Writes {
		if slices.Contains(p.Chapter.Steps[i].Files, w.File) {
			if w.Reference {
				return false
			}
			own = true
		}
	}
	return own
}

// Result is what Apply did.
type Result struct {
	Written   []string // files replaced or created, relative to the workspace root
	Unchanged []string // files that already held the planned content
	BackupDir string   // where the replaced files were saved; "" if none were
}

// ReadOnlyError says a file the plan must replace is read-only, so the
// plan was not applied at all.
type ReadOnlyError struct{ Path string }

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("%s is read-only, so otpgo will not replace it; make it writable (chmod u+w %s) and run the command again. Nothing was changed", e.Path, e.Path)
}

// Apply carries plan out in the workspace at root: it first copies every
// file it will replace to backupDir (keeping the layout), whatever the
// file holds, even code that no longer compiles; only once every copy is
// saved does it write, each file through a temp file and a rename, so a
// file is never half-written (progress.WriteFileAtomic). It stops between files when ctx is done; the
// error then says which files were written, and the backup holds the rest
// of the learner's versions.
func Apply(ctx context.Context, root string, plan *Plan, backupDir string) (Result, error) {
	var res Result
	type job struct {
		rel, abs string
		data     []byte
		exists   bool
	}
	var jobs []job
	for _, w := range plan.Writes {
		rel := filepath.ToSlash(plan.Chapter.ExercisePath(w.File))
		abs := filepath.Join(root, filepath.FromSlash(rel))
		info, err := os.Lstat(abs)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			jobs = append(jobs, job{rel: rel, abs: abs, data: w.Data})
			continue
		case err != nil:
			return res, fmt.Errorf("%s: %w (nothing was changed)", rel, err)
		case !info.Mode().IsRegular():
			return res, fmt.Errorf("%s is not a regular file; move it away and run the command again (nothing was changed)", rel)
		case info.Mode().Perm()&0o200 == 0:
			return res, &ReadOnlyError{Path: rel}
		}
		cur, err := readLimited(abs)
		if err != nil {
			return res, fmt.Errorf("%w (nothing was changed)", err)
		}
		if bytes.Equal(cur, w.Data) {
			res.Unchanged = append(res.Unchanged, rel)
			continue
		}
		jobs = append(jobs, job{rel: rel, abs: abs, data: w.Data, exists: true})
	}
	for _, j := range jobs {
		if !j.exists {
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("stopped before changing anything: %w", err)
		}
		if err := copyFile(j.abs, filepath.Join(backupDir, filepath.FromSlash(j.rel))); err != nil {
			return res, fmt.Errorf("back up %s: %w (nothing was changed)", j.rel, err)
		}
		res.BackupDir = backupDir
	}
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("stopped after writing %d of %d files (%v); your versions are in %s: %w", len(res.Written), len(jobs), res.Written, backupDir, err)
		}
		if err := progress.WriteFileAtomic(j.abs, j.data); err != nil {
			return res, fmt.Errorf("write %s: %w; %d of %d files were written (%v), and your versions are in %s", j.rel, err, len(res.Written), len(jobs), res.Written, backupDir)
		}
		res.Written = append(res.Written, j.rel)
	}
	return res, nil
}

// copyFile copies src to dst, creating dst's directory.
func copyFile(src, dst string) error {
	data, err := readLimited(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return progress.WriteFileAtomic(dst, data)
}

// Pending returns the writes of plan whose file, in the workspace at root,
// is missing or differs from what the plan puts there: what a command
// lists before asking. A file that cannot be read counts as pending, so
// Apply reports the problem.
func Pending(root string, plan *Plan) []Write {
	var out []Write
	for _, w := range plan.Writes {
		cur, err := readLimited(filepath.Join(root, filepath.FromSlash(plan.Chapter.ExercisePath(w.File))))
		if err != nil || !bytes.Equal(cur, w.Data) {
			out = append(out, w)
		}
	}
	return out
}
