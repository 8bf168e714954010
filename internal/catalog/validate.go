package catalog

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// validator loads the course and collects every problem it finds instead
// of stopping at the first, so an author fixes them in one go.
type validator struct {
	fsys     fs.FS
	problems []Problem
	stepIDs  map[string]string // step ID -> file that declared it
}

func (v *validator) addf(file, format string, args ...any) {
	v.problems = append(v.problems, Problem{File: file, Msg: fmt.Sprintf(format, args...)})
}

const courseFileName = "content/course.json"

func (v *validator) load() *Course {
	course := &Course{}
	data, err := fs.ReadFile(v.fsys, courseFileName)
	if err != nil {
		v.addf(courseFileName, "cannot read it: %v", err)
		return course
	}
	var cf courseFile
	if err := decodeStrict(data, &cf); err != nil {
		v.addf(courseFileName, "invalid JSON: %v", err)
		return course
	}
	if len(cf.Chapters) == 0 {
		v.addf(courseFileName, "lists no chapters")
	}
	v.stepIDs = map[string]string{}
	seen := map[string]bool{}
	for i, c := range cf.Chapters {
		if c.ID == "" || strings.ContainsAny(c.ID, "./ \t") {
			v.addf(courseFileName, "chapter #%d has id %q; want a short ID without dots, slashes or spaces, e.g. \"03\"", i+1, c.ID)
			continue
		}
		if seen[c.ID] {
			v.addf(courseFileName, "chapter %s is listed twice", c.ID)
			continue
		}
		seen[c.ID] = true
		if c.Title == "" {
			v.addf(courseFileName, "chapter %s has no title", c.ID)
		}
		course.Chapters = append(course.Chapters, v.loadChapter(c.ID, c.Title))
	}
	return course
}

func (v *validator) loadChapter(id, title string) *Chapter {
	ch := &Chapter{ID: id, Title: title}
	file := path.Join("content", id, "chapter.json")
	data, err := fs.ReadFile(v.fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		ch.Coming = true
		return ch
	}
	if err != nil {
		v.addf(file, "cannot read it: %v", err)
		ch.Coming = true
		return ch
	}
	var cf chapterFile
	if err := decodeStrict(data, &cf); err != nil {
		v.addf(file, "invalid JSON: %v", err)
		ch.Coming = true
		return ch
	}
	if cf.ID != id {
		v.addf(file, "id is %q; want %q, the ID course.json lists for content/%s/", cf.ID, id, id)
	}
	if cf.Title != title {
		v.addf(file, "title is %q but content/course.json says %q; make them the same", cf.Title, title)
	}
	ch.Dir, ch.Summary = cf.Dir, cf.Summary

	lessonFile := path.Join("content", id, "lesson.md")
	lesson, err := fs.ReadFile(v.fsys, lessonFile)
	switch {
	case err != nil:
		v.addf(lessonFile, "missing: every written chapter needs a lesson (%v)", err)
	case len(strings.TrimSpace(string(lesson))) == 0:
		v.addf(lessonFile, "is empty")
	}
	ch.Lesson = string(lesson)

	if len(cf.Steps) == 0 {
		v.addf(file, "has no steps")
	}
	graded := slices.ContainsFunc(cf.Steps, func(s stepFile) bool { return len(s.Tests) > 0 })
	var pkg *packageInfo
	if graded || ch.Dir != "" {
		pkg = v.checkDirs(file, ch.Dir)
	}
	testOwner := map[string]string{} // test name -> step ID
	for i, sf := range cf.Steps {
		s := v.loadStep(file, ch, i, sf, pkg)
		for _, t := range s.Tests {
			if other, ok := testOwner[t]; ok && other != s.ID {
				v.addf(file, "test %s grades both step %s and step %s; a test belongs to one step", t, other, s.ID)
			}
			testOwner[t] = s.ID
		}
		ch.Steps = append(ch.Steps, s)
	}
	return ch
}

// packageInfo is what the validator learned about exercises/<dir> and
// solutions/<dir>; nil fields mean the directory could not be read.
type packageInfo struct {
	exercises map[string]bool // file names in exercises/<dir>
	solutions map[string]bool // file names in solutions/<dir>
	tests     map[string]bool // top-level Test funcs in solutions/<dir>/*_test.go
	testFile  string          // where to look, for messages
}

// checkDirs checks the chapter's package in exercises/ and solutions/ and
// collects its files and hidden tests.
func (v *validator) checkDirs(chapterFile, dir string) *packageInfo {
	if dir == "" {
		v.addf(chapterFile, "steps have tests but \"dir\" is empty; set it to the package directory under exercises/ and solutions/")
		return nil
	}
	if path.Clean(dir) != dir || strings.Contains(dir, "/") || strings.HasPrefix(dir, ".") {
		v.addf(chapterFile, "dir %q must be one plain directory name, e.g. \"02_cache\"", dir)
		return nil
	}
	info := &packageInfo{testFile: path.Join("solutions", dir, "*_test.go")}
	exDir, solDir := path.Join("exercises", dir), path.Join("solutions", dir)
	info.exercises = v.listDir(chapterFile, exDir)
	info.solutions = v.listDir(chapterFile, solDir)

	// Nothing test-shaped may ever sit in exercises/: walk the whole dir.
	if info.exercises != nil {
		_ = fs.WalkDir(v.fsys, exDir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, "_test.go") {
				v.addf(p, "a test file in exercises/: hidden tests belong in %s/ (the learner must never see or edit them)", solDir)
			}
			return nil
		})
	}
	exPkg := v.packageName(exDir, info.exercises, false)
	solPkg := v.packageName(solDir, info.solutions, false)
	if exPkg != "" && solPkg != "" && exPkg != solPkg {
		v.addf(exDir, "package %s, but %s is package %s; the skeleton and the solution must be the same package", exPkg, solDir, solPkg)
	}
	if info.solutions != nil {
		info.tests = v.testFuncs(solDir, info.solutions, solPkg)
	}
	return info
}

func (v *validator) listDir(chapterFile, dir string) map[string]bool {
	entries, err := fs.ReadDir(v.fsys, dir)
	if err != nil {
		v.addf(chapterFile, "directory %s/ is missing (%v)", dir, errors.Unwrap(err))
		return nil
	}
	files := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() {
			files[e.Name()] = true
		}
	}
	return files
}

// packageName returns the package clause shared by the non-test (or
// test) .go files of dir, reporting files that disagree.
func (v *validator) packageName(dir string, files map[string]bool, tests bool) string {
	names := sortedKeys(files)
	var pkg, first string
	for _, n := range names {
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") != tests {
			continue
		}
		p := path.Join(dir, n)
		f := v.parse(p, parser.PackageClauseOnly)
		if f == nil {
			continue
		}
		if pkg == "" {
			pkg, first = f.Name.Name, n
		} else if f.Name.Name != pkg {
			v.addf(p, "package %s, but %s is package %s", f.Name.Name, first, pkg)
		}
	}
	return pkg
}

func (v *validator) parse(p string, mode parser.Mode) *ast.File {
	src, err := fs.ReadFile(v.fsys, p)
	if err != nil {
		v.addf(p, "cannot read it: %v", err)
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), p, src, mode|parser.SkipObjectResolution)
	if err != nil {
		v.addf(p, "does not parse: %v", err)
		return nil
	}
	return f
}

// testFuncs returns the top-level TestXxx(t *testing.T) functions of the
// _test.go files of dir, checking they are in the code's own package (the
// runner injects them into exercises/<dir>, so an external _test package
// could not see unexported names, and would not be the same package).
func (v *validator) testFuncs(dir string, files map[string]bool, pkg string) map[string]bool {
	tests := map[string]bool{}
	for _, n := range sortedKeys(files) {
		if !strings.HasSuffix(n, "_test.go") {
			continue
		}
		p := path.Join(dir, n)
		f := v.parse(p, 0)
		if f == nil {
			continue
		}
		if pkg != "" && f.Name.Name != pkg {
			v.addf(p, "package %s; hidden tests must be in the code's package %s (not an external _test package) so they can be injected into exercises/", f.Name.Name, pkg)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !strings.HasPrefix(fd.Name.Name, "Test") || fd.Name.Name == "TestMain" {
				continue
			}
			tests[fd.Name.Name] = true
		}
	}
	return tests
}

func (v *validator) loadStep(file string, ch *Chapter, i int, sf stepFile, pkg *packageInfo) *Step {
	s := &Step{ID: sf.ID, Title: sf.Title, Files: sf.Files, Tests: sf.Tests, Hints: sf.Hints, Chapter: ch, Timeout: DefaultTimeout}
	where := fmt.Sprintf("step %s", sf.ID)
	switch {
	case sf.ID == "":
		where = fmt.Sprintf("step #%d", i+1)
		v.addf(file, "%s has no id; want %s.%d", where, ch.ID, i+1)
	case !strings.HasPrefix(sf.ID, ch.ID+".") || len(sf.ID) == len(ch.ID)+1:
		v.addf(file, "%s: id must be the chapter ID, a dot and a number, e.g. %s.%d", where, ch.ID, i+1)
	}
	if prev, dup := v.stepIDs[sf.ID]; dup && sf.ID != "" {
		v.addf(file, "%s: the same step ID is also used in %s", where, prev)
	}
	v.stepIDs[sf.ID] = file
	if sf.Title == "" {
		v.addf(file, "%s has no title", where)
	}
	if sf.Timeout != "" {
		d, err := time.ParseDuration(sf.Timeout)
		if err != nil || d <= 0 {
			v.addf(file, "%s: timeout %q is not a positive Go duration such as \"10s\"", where, sf.Timeout)
		} else {
			s.Timeout = d
		}
	}
	gradable := len(sf.Tests) > 0
	switch n := len(sf.Hints); {
	case gradable && (n < 2 || n > 3):
		v.addf(file, "%s has %d hints; want 2 or 3, from a nudge to a near-answer", where, n)
	case !gradable && n != 0 && (n < 2 || n > 3):
		v.addf(file, "%s has %d hints; want none, or 2 or 3", where, n)
	}
	for j, h := range sf.Hints {
		if strings.TrimSpace(h) == "" {
			v.addf(file, "%s: hint %d is empty", where, j+1)
		}
	}
	if !gradable {
		return s
	}
	if len(sf.Files) == 0 {
		v.addf(file, "%s has tests but no files: list the files the learner edits", where)
	}
	seenTest := map[string]bool{}
	for _, t := range sf.Tests {
		if seenTest[t] {
			v.addf(file, "%s lists test %s twice", where, t)
		}
		seenTest[t] = true
		if pkg != nil && pkg.tests != nil && !pkg.tests[t] {
			hint := ""
			if near := Suggest(t, sortedKeys(pkg.tests), 1); len(near) > 0 {
				hint = fmt.Sprintf(" (did you mean %s?)", near[0])
			}
			v.addf(file, "%s: test %s is not a top-level Test function in %s%s", where, t, pkg.testFile, hint)
		}
	}
	for _, f := range sf.Files {
		if f == "" || path.Clean(f) != f || path.IsAbs(f) || strings.HasPrefix(f, "..") || strings.Contains(f, "/") {
			v.addf(file, "%s: file %q must be a plain file name in the chapter's directory", where, f)
			continue
		}
		if strings.HasSuffix(f, "_test.go") {
			v.addf(file, "%s: file %s is a test file; learners edit code, the tests stay hidden", where, f)
			continue
		}
		if pkg == nil {
			continue
		}
		if pkg.exercises != nil && !pkg.exercises[f] {
			v.addf(file, "%s: file %s is not in exercises/%s/ (the skeleton)", where, f, ch.Dir)
		}
		if pkg.solutions != nil && !pkg.solutions[f] {
			v.addf(file, "%s: file %s is not in solutions/%s/ (the solution)", where, f, ch.Dir)
		}
	}
	return s
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
