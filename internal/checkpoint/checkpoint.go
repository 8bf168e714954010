// Package checkpoint moves a learner's files between the states of a
// chapter, step by step. The reference states (checkpoint N: the files
// when step N is done) come from the course, see catalog.Chapter's
// CheckpointFiles; this package adds the learner's own checkpoints (a copy
// of a step's files each time it passes, under .otpgo/checkpoints/) and
// the plans that `reset STEP`, `catchup STEP` and `solution STEP` carry
// out: which file gets which content, from where, and which steps' progress
// changes. Plans are pure; Apply writes one to disk, backing up first.
package checkpoint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/otpgo/otpgo/internal/catalog"
)

// MaxFile bounds a learner file otpgo copies or reads back from .otpgo/:
// a skeleton file is a few KiB, so anything this big is not one.
const MaxFile = 1 << 20

// Dir is the directory, under the workspace's .otpgo/, of the learner's
// own checkpoints: <Dir>/<step ID>/<file>, the step's files as they were
// at its latest pass.
const Dir = "checkpoints"

// Store keeps the learner's own checkpoints of one workspace.
type Store struct {
	Root     string // the workspace root: exercises/ is under it
	StateDir string // the workspace's .otpgo/
}

// stepDir is where the copy of step id lives.
func (s Store) stepDir(id string) string { return filepath.Join(s.StateDir, Dir, id) }

// Save copies the learner's files of step, as they are now, to
// .otpgo/checkpoints/<step ID>/, replacing the copy of an earlier pass. The
// session layer calls it right after recording a pass. The copy is built
// in a temp directory and renamed into place, so a reader sees the old
// copy or the new one, never half of one. It returns the directory.
func (s Store) Save(step *catalog.Step) (string, error) {
	parent := filepath.Join(s.StateDir, Dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("save checkpoint of %s: %w", step.ID, err)
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-"+step.ID+"-")
	if err != nil {
		return "", fmt.Errorf("save checkpoint of %s: %w", step.ID, err)
	}
	defer os.RemoveAll(tmp) // after a successful rename there is nothing left here
	for _, f := range step.Files {
		src := filepath.Join(s.Root, filepath.FromSlash(step.Chapter.ExercisePath(f)))
		data, err := readLimited(src)
		if err != nil {
			return "", fmt.Errorf("save checkpoint of %s: %w", step.ID, err)
		}
		dst := filepath.Join(tmp, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", fmt.Errorf("save checkpoint of %s: %w", step.ID, err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return "", fmt.Errorf("save checkpoint of %s: %w", step.ID, err)
		}
	}
	dir := s.stepDir(step.ID)
	old := dir + ".old"
	_ = os.RemoveAll(old)
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("save checkpoint of %s: %w", step.ID, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Rename(old, dir) // put the previous copy back
		return "", fmt.Errorf("save checkpoint of %s: %w", step.ID, err)
	}
	_ = os.RemoveAll(old)
	return dir, nil
}

// Own returns the learner's copy of file (relative to the chapter's Dir)
// from their latest pass of step stepID. ok is false when there is none.
// The copy lives in .otpgo/, which anything may have written: a copy that
// is not a regular file or is over MaxFile is an error, not content.
func (s Store) Own(stepID, file string) (data []byte, ok bool, err error) {
	if !catalogSafe(stepID) || !catalogSafe(file) {
		return nil, false, fmt.Errorf("checkpoint %s/%s: not a plain relative path", stepID, file)
	}
	data, err = readLimited(filepath.Join(s.stepDir(stepID), filepath.FromSlash(file)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("your checkpoint of %s: %w", stepID, err)
	}
	return data, true, nil
}

// catalogSafe reports whether p is a relative slash path with no ".."
// (IDs and file names come from the catalog, but say so where it matters).
func catalogSafe(p string) bool {
	return p != "" && fs.ValidPath(p) && !strings.Contains(p, "\\")
}

// readLimited reads a regular file of at most MaxFile bytes.
func readLimited(p string) ([]byte, error) {
	info, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	if info.Size() > MaxFile {
		return nil, fmt.Errorf("%s is %d bytes, over the %d a course file can be", p, info.Size(), MaxFile)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFile {
		return nil, fmt.Errorf("%s grew over %d bytes while read", p, MaxFile)
	}
	return data, nil
}

// Change is one file of a step's change: the file as it stands at the
// checkpoint before the step and at the step's own.
type Change struct {
	File          string // relative to the chapter's Dir
	Before, After []byte
}

// StepChange returns what step itself asks for: each of its files at
// checkpoint N-1 and at checkpoint N, in the step's order.
func StepChange(fsys fs.FS, step *catalog.Step) ([]Change, error) {
	ch, n := step.Chapter, step.Checkpoint()
	before, err := ch.CheckpointFiles(fsys, n-1)
	if err != nil {
		return nil, err
	}
	after, err := ch.CheckpointFiles(fsys, n)
	if err != nil {
		return nil, err
	}
	out := make([]Change, 0, len(step.Files))
	for _, f := range step.Files {
		out = append(out, Change{File: f, Before: before[f], After: after[f]})
	}
	return out, nil
}

// touchingBefore returns the steps before step (in its chapter) that
// change file.
func touchingBefore(step *catalog.Step, file string) []*catalog.Step {
	return touchingThrough(step.Chapter, step.Checkpoint()-1, file)
}

// touchingThrough returns the first k steps of ch that change file.
func touchingThrough(ch *catalog.Chapter, k int, file string) []*catalog.Step {
	var out []*catalog.Step
	for _, s := range ch.Touching(file) {
		if s.Checkpoint() <= k {
			out = append(out, s)
		}
	}
	return out
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
