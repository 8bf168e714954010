// Package catalog loads the course from content/ (course.json, then each
// content/<id>/chapter.json and lesson.md), checks it against the
// skeletons in exercises/ and the solutions and hidden tests in
// solutions/, and looks chapters and steps up by ID.
//
// The catalog reads from an fs.FS: inside a checkout the checkout's own
// course (OpenSource), elsewhere otpgo.FS, the tree built into the binary.
package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/otpgo/otpgo/internal/mutant"
	"github.com/otpgo/otpgo/internal/runner"
)

// DefaultTimeout is the `go test -timeout` of a step that names none: the
// runner's, so the fact lives in one place.
const DefaultTimeout = runner.DefaultTimeout

// Course is every chapter, in course order.
type Course struct {
	Chapters []*Chapter
}

// Chapter is one chapter of the course. A chapter listed in course.json
// without a chapter.json is Coming: it has a title and nothing else.
type Chapter struct {
	ID      string
	Title   string
	Dir     string // package dir under exercises/ and solutions/; "" if nothing is graded
	Summary string
	Lesson  string // lesson.md, markdown
	Steps   []*Step
	Coming  bool
}

// Step is one exercise of a chapter.
type Step struct {
	ID      string
	Title   string
	Files   []string // files the learner edits, relative to the chapter's Dir
	Tests   []string // top-level Test functions in solutions/<dir>/*_test.go
	Timeout time.Duration
	Hints   []string // nudge first, near-answer last
	// Mutants are the committed mistakes of the step, each checked to
	// apply to its checkpoint when the course loads; verify runs them.
	Mutants []*mutant.Mutant
	Chapter *Chapter
}

// Gradable reports whether the step has tests, i.e. `otpgo check` can
// grade it. Steps without tests (chapter 06) are read, not graded.
func (s *Step) Gradable() bool { return len(s.Tests) > 0 }

// Graded reports whether the chapter has files to grade. One without
// (chapter 06) is read and tried in the observer, not checked.
func (c *Chapter) Graded() bool { return c.Dir != "" }

// ExercisePath is the path of a step file in the embedded tree (and,
// relative to the workspace root, on disk): exercises/<dir>/<file>.
func (c *Chapter) ExercisePath(file string) string {
	return path.Join("exercises", c.Dir, file)
}

// SolutionPath is solutions/<dir>/<file>.
func (c *Chapter) SolutionPath(file string) string {
	return path.Join("solutions", c.Dir, file)
}

// Gradable returns the chapter's steps that have tests, in order.
func (c *Chapter) Gradable() []*Step {
	var out []*Step
	for _, s := range c.Steps {
		if s.Gradable() {
			out = append(out, s)
		}
	}
	return out
}

// Chapter returns the chapter with this ID.
func (c *Course) Chapter(id string) (*Chapter, bool) {
	for _, ch := range c.Chapters {
		if ch.ID == id {
			return ch, true
		}
	}
	return nil, false
}

// Step returns the step with this ID.
func (c *Course) Step(id string) (*Step, bool) {
	for _, ch := range c.Chapters {
		for _, s := range ch.Steps {
			if s.ID == id {
				return s, true
			}
		}
	}
	return nil, false
}

// Steps returns every step of every chapter, in course order.
func (c *Course) Steps() []*Step {
	var out []*Step
	for _, ch := range c.Chapters {
		out = append(out, ch.Steps...)
	}
	return out
}

// IDs returns every chapter and step ID, in course order (each chapter
// followed by its steps): the candidates for completion and suggestions.
func (c *Course) IDs() []string {
	var out []string
	for _, ch := range c.Chapters {
		out = append(out, ch.ID)
		for _, s := range ch.Steps {
			out = append(out, s.ID)
		}
	}
	return out
}

// NextPending returns the first gradable step, in course order, that done
// does not report as done, or nil when every one is done.
func (c *Course) NextPending(done func(stepID string) bool) *Step {
	return c.NextPendingAfter("", done)
}

// NextPendingAfter is NextPending starting after the step after and
// wrapping round to the start: a learner who has just passed 02.1 goes on
// to 02.2, not back to an 01 step they skipped. An empty or unknown after
// starts at the beginning.
func (c *Course) NextPendingAfter(after string, done func(stepID string) bool) *Step {
	steps := c.Steps()
	start := 0
	for i, s := range steps {
		if s.ID == after {
			start = i + 1
			break
		}
	}
	for i := range steps {
		if s := steps[(start+i)%len(steps)]; s.Gradable() && !done(s.ID) {
			return s
		}
	}
	return nil
}

// ErrUnknownID is wrapped by the errors of Resolve for an ID that is
// neither a chapter nor a step.
var ErrUnknownID = errors.New("unknown chapter or step")

// ErrComing is wrapped by the errors of Resolve for a chapter that is
// listed but not written yet.
var ErrComing = errors.New("chapter not written yet")

// UnknownIDError says an ID names nothing, and which IDs come closest.
type UnknownIDError struct {
	ID          string
	Suggestions []string
}

func (e *UnknownIDError) Error() string {
	msg := fmt.Sprintf("%q is not a chapter or step ID", e.ID)
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + orList(e.Suggestions) + "?"
	}
	return msg + " (otpgo lesson list shows them all)"
}

// Unwrap makes errors.Is(err, ErrUnknownID) true.
func (e *UnknownIDError) Unwrap() error { return ErrUnknownID }

// ComingError says a chapter exists in the course but is not written yet.
type ComingError struct{ Chapter *Chapter }

func (e *ComingError) Error() string {
	return fmt.Sprintf("chapter %s (%s) is coming: it is not written yet; otpgo lesson list shows the chapters you can do now", e.Chapter.ID, e.Chapter.Title)
}

// Unwrap makes errors.Is(err, ErrComing) true.
func (e *ComingError) Unwrap() error { return ErrComing }

// Target is what an ID names: a whole chapter (Step == nil) or one step.
type Target struct {
	Chapter *Chapter
	Step    *Step
}

// Steps is the step, or every step of the chapter.
func (t Target) Steps() []*Step {
	if t.Step != nil {
		return []*Step{t.Step}
	}
	return t.Chapter.Steps
}

// ID is the step's ID, or the chapter's.
func (t Target) ID() string {
	if t.Step != nil {
		return t.Step.ID
	}
	return t.Chapter.ID
}

// Resolve looks an ID up: a chapter ("gs") or a step ("gs.1"). The error
// is an *UnknownIDError (with the closest IDs) or a *ComingError.
func (c *Course) Resolve(id string) (Target, error) {
	id = strings.TrimSpace(id)
	if ch, ok := c.Chapter(id); ok {
		if ch.Coming {
			return Target{}, &ComingError{Chapter: ch}
		}
		return Target{Chapter: ch}, nil
	}
	if s, ok := c.Step(id); ok {
		return Target{Chapter: s.Chapter, Step: s}, nil
	}
	// "03.2" of a coming chapter 03: say it is coming, not unknown.
	if chID, _, found := strings.Cut(id, "."); found {
		if ch, ok := c.Chapter(chID); ok && ch.Coming {
			return Target{}, &ComingError{Chapter: ch}
		}
	}
	return Target{}, &UnknownIDError{ID: id, Suggestions: Suggest(id, c.IDs(), 3)}
}

func orList(ids []string) string {
	switch len(ids) {
	case 0:
		return ""
	case 1:
		return ids[0]
	}
	return strings.Join(ids[:len(ids)-1], ", ") + " or " + ids[len(ids)-1]
}

// Suggest returns up to n candidates closest to id: those within a small
// edit distance (case-insensitive), best first, ties in candidate order.
func Suggest(id string, candidates []string, n int) []string {
	type scored struct {
		id   string
		dist int
		pos  int
	}
	lid := strings.ToLower(id)
	var out []scored
	for i, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein(lid, lc)
		// A prefix ("g" for "gs.1") or a chapter for a step ID with a
		// bad step number ("gs.9" -> "gs") also count as close.
		if strings.HasPrefix(lc, lid) || strings.HasPrefix(lid, lc+".") {
			d = min(d, 1)
		}
		limit := max(2, len(lid)/2)
		if d <= limit {
			out = append(out, scored{c, d, i})
		}
	}
	slices.SortStableFunc(out, func(a, b scored) int { return a.dist - b.dist })
	var ids []string
	for i := 0; i < len(out) && i < n; i++ {
		ids = append(ids, out[i].id)
	}
	return ids
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// The JSON shapes of content/course.json and content/<id>/chapter.json.
type courseFile struct {
	Format   int `json:"format"` // absent = 1; see Format
	Chapters []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"chapters"`
}

type chapterFile struct {
	ID      string     `json:"id"`
	Title   string     `json:"title"`
	Dir     string     `json:"dir"`
	Summary string     `json:"summary"`
	Steps   []stepFile `json:"steps"`
}

type stepFile struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Files   []string `json:"files"`
	Tests   []string `json:"tests"`
	Timeout string   `json:"timeout"`
	Hints   []string `json:"hints"`
}

// Load reads and validates the course in fsys (a tree holding content/,
// exercises/ and solutions/). If anything is wrong it returns a
// *ValidationError listing every problem with the file it is in; the
// course is returned too, as far as it could be read.
func Load(fsys fs.FS) (*Course, error) {
	v := &validator{fsys: fsys}
	course := v.load()
	if len(v.problems) > 0 {
		return course, &ValidationError{Problems: v.problems}
	}
	return course, nil
}

// Problem is one thing wrong with the course, in one file.
type Problem struct {
	File string // e.g. "content/gs/chapter.json"
	Msg  string
}

func (p Problem) String() string { return p.File + ": " + p.Msg }

// ValidationError lists every problem Load found.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the course content has %d problem(s):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

// MentionsStep reports whether id occurs in s not followed by a digit or
// a dot, so a heading naming "02.10" is not taken for "02.1".
func MentionsStep(s, id string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], id)
		if j < 0 {
			return false
		}
		end := i + j + len(id)
		if end == len(s) || !strings.ContainsRune("0123456789.", rune(s[end])) {
			return true
		}
		i = end
	}
}
