package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/otpgo/otpgo/internal/mutant"
)

// A chapter's checkpoints are the states of its learner files: checkpoint
// 0 is the skeleton (exercises/<dir>), checkpoint k the files as they
// stand when the chapter's k-th step is done, the last one solutions/<dir>.
//
// Each state of a file is written once. A file keeps the skeleton's text
// until the first step that lists it in "files", and the solution's text
// from the last such step on. Only the states in between, when a later
// step changes the file again, are written out, as overlays:
// solutions/<dir>/_checkpoints/<step ID>/<file> is the file when that step
// is done. The Go tools skip "_" directories, so overlays, which are
// partial packages, never break `go build ./...`. Validation demands
// exactly the overlays this rule needs: a missing one and a stale one are
// both errors that name the path.

// CheckpointDir is the directory, inside solutions/<dir>, that holds a
// chapter's per-step overlays.
const CheckpointDir = "_checkpoints"

// Checkpoint returns the step's checkpoint number within its chapter:
// 1 for the first step. Checkpoint 0 is the skeleton.
func (s *Step) Checkpoint() int {
	return slices.Index(s.Chapter.Steps, s) + 1
}

// Touching returns the chapter's steps that list file in "files", in
// order: the steps that change it.
func (c *Chapter) Touching(file string) []*Step {
	var out []*Step
	for _, s := range c.Steps {
		if slices.Contains(s.Files, file) {
			out = append(out, s)
		}
	}
	return out
}

// SharesFiles returns, for each file of s that another step also changes,
// those other steps' IDs in order (a trainer sees that 02.2 rewrites the
// cache.go of 02.1).
func (s *Step) SharesFiles() map[string][]string {
	out := map[string][]string{}
	for _, f := range s.Files {
		for _, o := range s.Chapter.Touching(f) {
			if o != s {
				out[f] = append(out[f], o.ID)
			}
		}
	}
	return out
}

// CheckpointPath returns where, in the course tree, file (relative to the
// chapter's Dir) is read from at checkpoint k (0 <= k <= len(c.Steps)).
func (c *Chapter) CheckpointPath(k int, file string) string {
	if k >= len(c.Steps) {
		return c.SolutionPath(file)
	}
	var last *Step // the last step at or before k that changes file
	touching := c.Touching(file)
	for _, s := range touching {
		if s.Checkpoint() <= k {
			last = s
		}
	}
	switch {
	case last == nil:
		return c.ExercisePath(file)
	case last == touching[len(touching)-1]:
		return c.SolutionPath(file)
	}
	return c.OverlayPath(last.ID, file)
}

// OverlayPath is solutions/<dir>/_checkpoints/<stepID>/<file>.
func (c *Chapter) OverlayPath(stepID, file string) string {
	return path.Join("solutions", c.Dir, CheckpointDir, stepID, file)
}

// LearnerFiles returns the chapter's learner files, relative to its Dir:
// every file of the skeleton, in every subdirectory (cmd/...), sorted.
func (c *Chapter) LearnerFiles(fsys fs.FS) ([]string, error) {
	root := path.Join("exercises", c.Dir)
	var out []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, strings.TrimPrefix(p, root+"/"))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", root, err)
	}
	return out, nil
}

// CheckpointFiles returns the chapter's learner files as they stand at
// checkpoint k, keyed by path relative to its Dir. At the last checkpoint
// that is solutions/<dir> without its tests and overlays.
func (c *Chapter) CheckpointFiles(fsys fs.FS, k int) (map[string][]byte, error) {
	if k < 0 || k > len(c.Steps) {
		return nil, fmt.Errorf("chapter %s has checkpoints 0 to %d, not %d", c.ID, len(c.Steps), k)
	}
	files, err := c.LearnerFiles(fsys)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, f := range files {
		p := c.CheckpointPath(k, f)
		data, err := fs.ReadFile(fsys, p)
		if errors.Is(err, fs.ErrNotExist) && k == len(c.Steps) {
			// A skeleton file the solution does without: keep the skeleton's.
			data, err = fs.ReadFile(fsys, c.ExercisePath(f))
		}
		if err != nil {
			return nil, fmt.Errorf("checkpoint %d of chapter %s: %w", k, c.ID, err)
		}
		out[f] = data
	}
	return out, nil
}

// checkCheckpoints reports every overlay the rule needs that is missing,
// and every file under _checkpoints/ it does not need.
func (v *validator) checkCheckpoints(chapterFile string, ch *Chapter) {
	need := map[string]string{} // overlay path -> why it is needed
	for _, s := range ch.Steps {
		for _, f := range s.Files {
			touching := ch.Touching(f)
			if s == touching[len(touching)-1] {
				continue
			}
			next := touching[slices.Index(touching, s)+1]
			need[ch.OverlayPath(s.ID, f)] = fmt.Sprintf("%s as it stands when %s is done (%s changes it again)", f, s.ID, next.ID)
		}
	}
	for p, why := range need {
		if _, err := fs.Stat(v.fsys, p); err != nil {
			v.addf(chapterFile, "checkpoint missing: write %s, %s", p, why)
		}
	}
	root := path.Join("solutions", ch.Dir, CheckpointDir)
	_ = fs.WalkDir(v.fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || need[p] != "" {
			return nil
		}
		rel := strings.TrimPrefix(p, root+"/")
		stepID, file, _ := strings.Cut(rel, "/")
		var msg string
		switch s := stepByID(ch, stepID); {
		case s == nil:
			msg = fmt.Sprintf("%s is not a step of chapter %s; the directories under %s are step IDs", stepID, ch.ID, root)
		case !slices.Contains(s.Files, file):
			msg = fmt.Sprintf("step %s does not list %s in its \"files\"; add it there if the step changes it, or delete this file", stepID, file)
		default:
			msg = fmt.Sprintf("not used: %s is the last step that changes %s, so its state is %s; delete this file", stepID, file, ch.SolutionPath(file))
		}
		v.addf(p, "%s", msg)
		return nil
	})
}

func stepByID(ch *Chapter, id string) *Step {
	for _, s := range ch.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// loadMutants reads the chapter's mutants (solutions/<dir>/_mutants/<step
// ID>/<name>.diff) onto their steps, and checks that each applies to its
// step's checkpoint: a mutant whose spot moved is found when the course
// loads, not when verify runs.
func (v *validator) loadMutants(ch *Chapter) {
	root := path.Join("solutions", ch.Dir, mutant.Dir)
	checkpoints := map[int]map[string][]byte{}
	_ = fs.WalkDir(v.fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != root || !errors.Is(err, fs.ErrNotExist) {
				v.addf(p, "cannot read it: %v", err)
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel := strings.TrimPrefix(p, root+"/")
		stepID, file, ok := strings.Cut(rel, "/")
		name, isDiff := strings.CutSuffix(file, mutant.Ext)
		s := stepByID(ch, stepID)
		switch {
		case !ok || strings.Contains(file, "/") || !isDiff:
			v.addf(p, "not a mutant: mutants are %s/<step ID>/<name>%s", root, mutant.Ext)
			return nil
		case s == nil:
			v.addf(p, "%s is not a step of chapter %s; the directories under %s are step IDs", stepID, ch.ID, root)
			return nil
		case !s.Gradable():
			v.addf(p, "step %s has no tests, so no mistake of it can be caught", stepID)
			return nil
		}
		data, err := readCourseFile(v.fsys, p, mutant.MaxSize)
		if err != nil {
			v.addf(p, "%v", err)
			return nil
		}
		m, err := mutant.Parse(stepID, name, data)
		if err != nil {
			v.addf(p, "%v", err)
			return nil
		}
		for _, t := range append(slices.Clone(m.Tests), m.Pass...) {
			if !slices.Contains(s.Tests, t) {
				v.addf(p, "%s is not one of step %s's tests (%s)", t, stepID, strings.Join(s.Tests, ", "))
			}
		}
		n := s.Checkpoint()
		if checkpoints[n] == nil {
			files, err := ch.CheckpointFiles(v.fsys, n)
			if err != nil {
				return nil // checkCheckpoints has said why
			}
			checkpoints[n] = files
		}
		if _, err := m.Apply(checkpoints[n]); err != nil {
			v.addf(p, "does not apply to checkpoint %s: %v", stepID, err)
			return nil
		}
		s.Mutants = append(s.Mutants, m)
		return nil
	})
}

// readCourseFile reads a course file of at most limit bytes.
func readCourseFile(fsys fs.FS, p string, limit int64) ([]byte, error) {
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, err
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%d bytes, over the %d it can be", info.Size(), limit)
	}
	return fs.ReadFile(fsys, p)
}
