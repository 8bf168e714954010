// Package mutant reads the course's committed wrong solutions: one
// plausible mistake a learner makes on a step, kept as a patch against the
// step's checkpoint, with the phrase the hidden tests must answer it with.
// `otpgo verify` applies each to its checkpoint and requires the step's
// tests to fail with that phrase, so a later change to a test cannot let
// the mistake through again unnoticed.
//
// A mutant file is a header of "key: value" lines followed by a unified
// diff (what `diff -u` prints); docs/CONTRACTS.md has the format. Hunks
// apply by content, not by line number: each hunk's old text must occur
// exactly once in its file, so a mutant whose spot moved is an error that
// names it, never a silent test of something else.
package mutant

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Dir is the directory, under solutions/<dir>/, of a chapter's mutants:
// <Dir>/<step ID>/<name>.diff.
const Dir = "_mutants"

// Ext is a mutant file's extension.
const Ext = ".diff"

// MaxSize bounds a mutant file: one mistake is a few lines of diff.
const MaxSize = 64 << 10

// Mutant is one committed mistake.
type Mutant struct {
	Step string // the step it is a mistake of, from its directory
	Name string // its file name without Ext: a slug of the mistake

	Mistake string   // the mistake, in one line
	Expect  []string // phrases the failure must contain, each
	Tests   []string // tests to run, each of which must fail; none: all the step's, one must fail
	Pass    []string // tests of the step that must still pass
	Race    bool     // a data race: needs the race detector
	Build   bool     // expected to stop the build (a clash with a hidden name)

	Files []Patch // in the order of the diff
}

// ID is "<step>/<name>", how messages name a mutant.
func (m *Mutant) ID() string { return m.Step + "/" + m.Name }

// Patch is the change to one file.
type Patch struct {
	File  string // relative to the chapter's directory
	New   bool   // the file does not exist at the checkpoint
	Hunks []Hunk
}

// Hunk replaces Old, which must occur once in the file, with New.
type Hunk struct {
	Old, New string
}

var validName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse reads a mutant of step named name (its file name without Ext).
func Parse(step, name string, data []byte) (*Mutant, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%d bytes, over the %d a mutant can be", len(data), MaxSize)
	}
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("name %q: use lower-case words joined by dashes, naming the mistake", name)
	}
	m := &Mutant{Step: step, Name: name}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	i := 0
	for ; i < len(lines) && !strings.HasPrefix(lines[i], "--- ") && !strings.HasPrefix(lines[i], "diff "); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		if !ok || val == "" {
			return nil, fmt.Errorf("line %d: %q is not \"key: value\" (mistake, expect, test, pass, race, build)", i+1, line)
		}
		switch strings.TrimSpace(key) {
		case "mistake":
			if m.Mistake != "" {
				return nil, fmt.Errorf("line %d: a second mistake: a mutant is one mistake", i+1)
			}
			m.Mistake = val
		case "expect":
			m.Expect = append(m.Expect, val)
		case "test":
			m.Tests = append(m.Tests, val)
		case "pass":
			m.Pass = append(m.Pass, val)
		case "race":
			m.Race = val == "true"
		case "build":
			m.Build = val == "true"
		default:
			return nil, fmt.Errorf("line %d: unknown key %q; the keys are mistake, expect, test, pass, race, build", i+1, key)
		}
	}
	if m.Mistake == "" {
		return nil, errors.New("no \"mistake:\" line saying what the mistake is")
	}
	if len(m.Expect) == 0 {
		return nil, errors.New("no \"expect:\" line: which phrase must the learner see?")
	}
	for _, t := range m.Pass {
		if slices.Contains(m.Tests, t) {
			return nil, fmt.Errorf("%s is both a test that must fail and one that must pass", t)
		}
	}
	files, err := parseDiff(lines[i:], i)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("no diff after the header: add the output of `diff -u checkpoint-file wrong-file`")
	}
	m.Files = files
	return m, nil
}

// parseDiff reads unified diff lines; first is the line number (0-based)
// of lines[0] in the file, for messages.
func parseDiff(lines []string, first int) ([]Patch, error) {
	var files []Patch
	var cur *Patch
	var h *Hunk
	var inHunk bool
	lastWasNew := false // which side the line before "\ No newline" was on
	endHunk := func() error {
		if h == nil {
			return nil
		}
		if h.Old == h.New {
			return errors.New("a hunk that changes nothing")
		}
		if h.Old == "" && !cur.New {
			return errors.New("a hunk with no old text: add a context line so it has a place to go")
		}
		cur.Hunks = append(cur.Hunks, *h)
		h = nil
		return nil
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		n := first + i + 1
		switch {
		case strings.HasPrefix(line, "diff ") || strings.HasPrefix(line, "index ") ||
			strings.HasPrefix(line, "new file mode") || strings.HasPrefix(line, "similarity"):
			// git's extended header lines: nothing to apply.
			inHunk = false
		case strings.HasPrefix(line, "--- ") && (!inHunk || (i+1 < len(lines) && strings.HasPrefix(lines[i+1], "+++ "))):
			if err := endHunk(); err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "+++ ") {
				return nil, fmt.Errorf("line %d: a \"--- file\" line with no \"+++ file\" line after it", n)
			}
			oldName, newName := diffPath(line[4:]), diffPath(lines[i+1][4:])
			p := Patch{File: newName}
			switch {
			case newName == "/dev/null":
				return nil, fmt.Errorf("line %d: deleting %s: a mutant changes files, it does not delete them", n, oldName)
			case oldName == "/dev/null":
				p.New = true
			case oldName != newName:
				return nil, fmt.Errorf("line %d: %s becomes %s: a mutant changes a file in place", n, oldName, newName)
			}
			if !validFile(p.File) {
				return nil, fmt.Errorf("line %d: %q is not a file name relative to the chapter's directory", n, p.File)
			}
			for _, f := range files {
				if f.File == p.File {
					return nil, fmt.Errorf("line %d: %s is patched twice; put its hunks under one header", n, p.File)
				}
			}
			files = append(files, p)
			cur = &files[len(files)-1]
			inHunk = false
			i++
		case strings.HasPrefix(line, "@@"):
			if cur == nil {
				return nil, fmt.Errorf("line %d: a hunk before any \"--- file\" line", n)
			}
			if err := endHunk(); err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			h = &Hunk{}
			inHunk = true
		case inHunk && strings.HasPrefix(line, `\`):
			// "\ No newline at end of file": the line before has no newline.
			if lastWasNew {
				h.New = strings.TrimSuffix(h.New, "\n")
			} else {
				h.Old = strings.TrimSuffix(h.Old, "\n")
			}
		case inHunk && strings.HasPrefix(line, "-"):
			h.Old += line[1:] + "\n"
			lastWasNew = false
		case inHunk && strings.HasPrefix(line, "+"):
			h.New += line[1:] + "\n"
			lastWasNew = true
		case inHunk && (strings.HasPrefix(line, " ") || line == ""):
			if line == "" && i == len(lines)-1 {
				continue // the file's final newline
			}
			text := strings.TrimPrefix(line, " ") + "\n"
			h.Old += text
			h.New += text
			lastWasNew = false
		case strings.TrimSpace(line) == "":
		default:
			return nil, fmt.Errorf("line %d: %q is not part of a unified diff", n, line)
		}
	}
	if err := endHunk(); err != nil {
		return nil, fmt.Errorf("at the end: %w", err)
	}
	for _, f := range files {
		if len(f.Hunks) == 0 {
			return nil, fmt.Errorf("%s has a header but no hunk", f.File)
		}
		if f.New && len(f.Hunks) != 1 {
			return nil, fmt.Errorf("%s is new, so its diff is one hunk", f.File)
		}
	}
	return files, nil
}

// diffPath is the file name of a "---"/"+++" line: without the tab and
// timestamp diff -u adds, and without git's a/ or b/.
func diffPath(s string) string {
	s, _, _ = strings.Cut(s, "\t")
	s = strings.TrimSpace(s)
	if s == "/dev/null" {
		return s
	}
	for _, p := range []string{"a/", "b/"} {
		if strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}

func validFile(f string) bool {
	return f != "" && !strings.HasPrefix(f, "/") && !strings.Contains(f, "\\") &&
		!slices.Contains(strings.Split(f, "/"), "..") && !slices.Contains(strings.Split(f, "/"), ".")
}

// Apply returns files (name -> content, the checkpoint) with the mutant's
// patches applied; files itself is not changed. A hunk whose old text is
// not in its file exactly once is an error naming it.
func (m *Mutant) Apply(files map[string][]byte) (map[string][]byte, error) {
	out := make(map[string][]byte, len(files)+len(m.Files))
	for k, v := range files {
		out[k] = v
	}
	for _, p := range m.Files {
		data, ok := files[p.File]
		switch {
		case p.New && ok:
			return nil, fmt.Errorf("%s: the diff creates it, but the checkpoint has it already", p.File)
		case p.New:
			out[p.File] = []byte(p.Hunks[0].New)
			continue
		case !ok:
			return nil, fmt.Errorf("%s: not a file of the chapter (%s)", p.File, strings.Join(sortedNames(files), ", "))
		}
		s := string(data)
		for i, h := range p.Hunks {
			switch c := strings.Count(s, h.Old); c {
			case 1:
				s = strings.Replace(s, h.Old, h.New, 1)
			case 0:
				return nil, fmt.Errorf("%s: hunk %d's old text is not in the checkpoint (did the code it changes move?); it begins %q", p.File, i+1, firstLine(h.Old))
			default:
				return nil, fmt.Errorf("%s: hunk %d's old text occurs %d times; add context lines so it occurs once; it begins %q", p.File, i+1, c, firstLine(h.Old))
			}
		}
		out[p.File] = []byte(s)
	}
	return out, nil
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for k := range files {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Says reports whether text contains phrase, with every run of white
// space in both taken as one space: a message wrapped over lines still
// says the phrase.
func Says(text, phrase string) bool {
	return strings.Contains(strings.Join(strings.Fields(text), " "), strings.Join(strings.Fields(phrase), " "))
}
