package catalog

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/otpgo/otpgo/internal/runner"
)

//go:generate go run gen_actornames.go

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
	if cf.Format > Format {
		v.addf(courseFileName, "format %d, but this otpgo reads up to %d: update it with `go install ./cmd/otpgo` in the checkout", cf.Format, Format)
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
	var exFiles, solFiles map[string]bool
	if pkg != nil {
		exFiles, solFiles = pkg.exercises, pkg.solutions
	}
	voc := v.chapterVocabulary(ch.Dir, exFiles, solFiles, ch.Lesson)
	testOwner := map[string]string{} // test name -> step ID
	for i, sf := range cf.Steps {
		s := v.loadStep(file, ch, i, sf, pkg)
		v.checkHints(file, "step "+s.ID, s.Hints, voc)
		for _, t := range s.Tests {
			if other, ok := testOwner[t]; ok && other != s.ID {
				v.addf(file, "test %s grades both step %s and step %s; a test belongs to one step", t, other, s.ID)
			}
			testOwner[t] = s.ID
		}
		ch.Steps = append(ch.Steps, s)
	}
	if pkg != nil && pkg.exercises != nil && pkg.solutions != nil {
		v.checkCheckpoints(file, ch)
		v.loadMutants(ch)
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
		v.checkHiddenNames(p, f)
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

// checkHiddenNames reports every top-level name of the hidden test file p
// that lacks a hidden prefix (runner.IsHiddenName). The test functions go test looks for are
// exempt: the learner's own tests are never compiled beside them.
func (v *validator) checkHiddenNames(p string, f *ast.File) {
	check := func(id *ast.Ident) {
		n := id.Name
		if n == "_" || n == "TestMain" || runner.IsHiddenName(n) {
			return
		}
		v.addf(p, "top-level name %s has no hidden prefix; rename it to zz%s%s so it cannot clash with a name the learner picks", n, strings.ToUpper(n[:1]), n[1:])
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil || isTestingFunc(d.Name.Name) {
				continue
			}
			check(d.Name)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					check(s.Name)
				case *ast.ValueSpec:
					for _, id := range s.Names {
						check(id)
					}
				}
			}
		}
	}
}

// isTestingFunc reports whether go test treats a function so named as a
// test, benchmark, fuzz test or example (a prefix followed by nothing or a
// non-lowercase rune, as go test requires).
func isTestingFunc(name string) bool {
	for _, pre := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		if rest, ok := strings.CutPrefix(name, pre); ok && (rest == "" || !unicode.IsLower([]rune(rest)[0])) {
			return true
		}
	}
	return false
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

// Hints name only what the learner can see: a name in a hint's code (a
// `code span` or a fenced block) must be declared or used in the
// skeleton, appear in the lesson's code, be exported by internal/actor,
// or be declared by the hint's own code or an earlier hint of the step.
// A selector may also name an export of a library the skeletons or
// solutions import (now.Before), and pkg.X of a package the skeleton or
// the lesson's code imports is the compiler's business.
// Naming the reference solution's private types would send the learner
// looking for things their code does not have.

// maxHintBytes bounds a hint: hints are read on one screen.
const maxHintBytes = 4 << 10

// vocabulary is what a chapter's hints may name.
type vocabulary struct {
	names    map[string]bool // identifiers of the skeleton and of the lesson's code
	packages map[string]bool // import names of the skeleton and the lesson's code: pkg.X is the compiler's business
}

// chapterVocabulary collects the identifiers of exercises/<dir>/*.go and
// of the lesson's code, plus internal/actor's exports; and the packages
// the skeleton, the solution (time, once the learner needs it) and the
// lesson's code import.
func (v *validator) chapterVocabulary(dir string, exFiles, solFiles map[string]bool, lesson string) *vocabulary {
	voc := &vocabulary{names: map[string]bool{}, packages: map[string]bool{}}
	for _, n := range actorNames {
		voc.names[n] = true
	}
	goFiles := func(files map[string]bool) []string {
		var out []string
		for _, n := range sortedKeys(files) {
			if strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
				out = append(out, n)
			}
		}
		return out
	}
	for _, n := range goFiles(exFiles) {
		src, err := fs.ReadFile(v.fsys, path.Join("exercises", dir, n))
		if err != nil {
			continue // reported by the package checks
		}
		for _, id := range goIdents(string(src)) {
			voc.names[id] = true
		}
	}
	var imports []string
	for _, n := range goFiles(exFiles) {
		imports = append(imports, path.Join("exercises", dir, n))
	}
	for _, n := range goFiles(solFiles) {
		imports = append(imports, path.Join("solutions", dir, n))
	}
	for _, p := range imports {
		if f := v.parse(p, parser.ImportsOnly); f != nil {
			for _, imp := range f.Imports {
				name := strings.Trim(imp.Path.Value, `"`)
				name = name[strings.LastIndex(name, "/")+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				voc.packages[name] = true
			}
		}
	}
	for _, c := range markdownCode(lesson) {
		toks := goTokens(c.text)
		for i, t := range toks {
			switch t.tok {
			case token.IDENT:
				voc.names[t.lit] = true
			case token.IMPORT: // the lesson's imports count as the skeleton's
				for j := i + 1; j < len(toks) && toks[j].tok != token.RPAREN && toks[j].tok != token.FUNC; j++ {
					if toks[j].tok == token.STRING {
						name := strings.Trim(toks[j].lit, "\"`")
						voc.packages[name[strings.LastIndex(name, "/")+1:]] = true
					}
					if toks[j].tok == token.STRING && toks[i+1].tok != token.LPAREN {
						break
					}
				}
			}
		}
	}
	return voc
}

// checkHints reports each name in the step's hints' code that the
// vocabulary does not hold.
func (v *validator) checkHints(file, where string, hints []string, voc *vocabulary) {
	declared := map[string]bool{}
	for j, h := range hints {
		if len(h) > maxHintBytes {
			v.addf(file, "%s: hint %d is %d bytes; keep a hint under %d", where, j+1, len(h), maxHintBytes)
			continue
		}
		var unknown []string
		var pieces [][]goToken
		for _, c := range markdownCode(h) {
			if c.isGo() {
				pieces = append(pieces, goTokens(c.text))
			}
		}
		// A hint is read whole: what any of its code declares counts
		// everywhere in it, and in the hints after it.
		for _, toks := range pieces {
			for name := range hintDeclarations(toks) {
				declared[name] = true
			}
		}
		for _, toks := range pieces {
			for i, t := range toks {
				if t.tok != token.IDENT || declared[t.lit] || voc.names[t.lit] || voc.packages[t.lit] || universe[t.lit] {
					continue
				}
				// x.Method of a library the course uses (now.Before, mu.RLock).
				if i >= 1 && toks[i-1].tok == token.PERIOD && libNameSet[t.lit] {
					continue
				}
				// pkg.Name of a package the skeleton imports: the compiler knows it.
				if i >= 2 && toks[i-1].tok == token.PERIOD && toks[i-2].tok == token.IDENT && voc.packages[toks[i-2].lit] && toks[i-2].lit != "actor" {
					continue
				}
				if !slices.Contains(unknown, t.lit) {
					unknown = append(unknown, t.lit)
				}
			}
		}
		if len(unknown) > 0 {
			v.addf(file, "%s: hint %d names %s in code, which neither the skeleton, the lesson's code nor internal/actor defines; "+
				"use the learner's names, declare it in the hint's code (type x struct{...}), or say it in words",
				where, j+1, "`"+strings.Join(unknown, "`, `")+"`")
		}
	}
}

// codeText is one piece of code in markdown: a code span or a fenced block.
type codeText struct {
	text  string
	lang  string // the fence's info string; "" for spans
	block bool
}

// isGo reports whether the code is Go to check: a span that is not a
// shell command (otpgo ..., go ...) or a format verb (%w), or a fence
// marked go or unmarked.
func (c codeText) isGo() bool {
	if c.block {
		return c.lang == "" || c.lang == "go"
	}
	t := strings.TrimSpace(c.text)
	if strings.HasPrefix(t, "%") && !strings.ContainsAny(t, " ()") { // a format verb: %w, %+v
		return false
	}
	return !strings.HasPrefix(t, "otpgo ") && !strings.HasPrefix(t, "go ") && t != "otpgo"
}

// markdownCode returns the fenced blocks and code spans of md, in order.
// It scans lines once, without recursion: md may come from anywhere.
func markdownCode(md string) []codeText {
	var out []codeText
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, "```") {
			lang := strings.TrimSpace(strings.TrimLeft(t, "`"))
			var b strings.Builder
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				b.WriteString(lines[i] + "\n")
			}
			out = append(out, codeText{text: b.String(), lang: lang, block: true})
			continue
		}
		rest := lines[i]
		for {
			a := strings.IndexByte(rest, '`')
			if a < 0 {
				break
			}
			n := a
			for n < len(rest) && rest[n] == '`' {
				n++
			}
			fence := rest[a:n]
			end := strings.Index(rest[n:], fence)
			if end < 0 {
				break
			}
			out = append(out, codeText{text: rest[n : n+end]})
			rest = rest[n+end+len(fence):]
		}
	}
	return out
}

type goToken struct {
	tok token.Token
	lit string
}

// goTokens scans src as Go, ignoring errors: hints hold fragments.
func goTokens(src string) []goToken {
	var s scanner.Scanner
	fset := token.NewFileSet()
	f := fset.AddFile("", fset.Base(), len(src))
	s.Init(f, []byte(src), func(token.Position, string) {}, 0)
	var out []goToken
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		out = append(out, goToken{tok, lit})
	}
}

// goIdents returns the identifiers of src.
func goIdents(src string) []string {
	var out []string
	for _, t := range goTokens(src) {
		if t.tok == token.IDENT {
			out = append(out, t.lit)
		}
	}
	return out
}

// hintDeclarations finds the names a fragment declares: x, y := ...,
// var/const/type/func x, the parameters of a func, the fields of a
// struct type and the type parameters of a type.
func hintDeclarations(toks []goToken) map[string]bool {
	decl := map[string]bool{}
	at := func(i int) token.Token {
		if i < 0 || i >= len(toks) {
			return token.ILLEGAL
		}
		return toks[i].tok
	}
	// startsType: a token that can begin a type after a name.
	startsType := func(t token.Token) bool {
		return t == token.IDENT || t == token.MUL || t == token.LBRACK || t == token.FUNC || t == token.CHAN || t == token.MAP || t == token.STRUCT || t == token.INTERFACE || t == token.ELLIPSIS
	}
	for i, t := range toks {
		switch t.tok {
		case token.DEFINE:
			for j := i - 1; j >= 0 && at(j) == token.IDENT; j -= 2 {
				decl[toks[j].lit] = true
				if at(j-1) != token.COMMA {
					break
				}
			}
		case token.VAR, token.CONST, token.TYPE:
			if at(i+1) == token.IDENT {
				decl[toks[i+1].lit] = true
			}
			if t.tok == token.TYPE && at(i+2) == token.LBRACK { // type params
				for j := i + 3; j < len(toks) && at(j) != token.RBRACK; j++ {
					if at(j) == token.IDENT && (at(j-1) == token.LBRACK || at(j-1) == token.COMMA) {
						decl[toks[j].lit] = true
					}
				}
			}
		case token.FUNC:
			j := i + 1
			if at(j) == token.IDENT { // func name
				decl[toks[j].lit] = true
				j++
			}
			for k := 0; k < 2 && at(j) == token.LPAREN; k++ { // receiver, then parameters
				depth := 0
				for ; j < len(toks); j++ {
					switch at(j) {
					case token.LPAREN:
						depth++
					case token.RPAREN:
						depth--
					case token.IDENT:
						if depth == 1 && (at(j-1) == token.LPAREN || at(j-1) == token.COMMA) && startsType(at(j+1)) {
							decl[toks[j].lit] = true
						}
					}
					if depth == 0 {
						break
					}
				}
				j++
				if at(j) == token.IDENT && k == 0 { // method name after a receiver
					decl[toks[j].lit] = true
					j++
				}
			}
		case token.STRUCT:
			if at(i+1) != token.LBRACE {
				continue
			}
			depth := 0
			for j := i + 1; j < len(toks); j++ {
				switch at(j) {
				case token.LBRACE:
					depth++
				case token.RBRACE:
					depth--
				case token.IDENT:
					if depth == 1 && (at(j-1) == token.LBRACE || at(j-1) == token.SEMICOLON || at(j-1) == token.COMMA) && (startsType(at(j+1)) || at(j+1) == token.COMMA) {
						decl[toks[j].lit] = true
					}
				}
				if depth == 0 {
					break
				}
			}
		}
	}
	return decl
}

// libNameSet is libNames as a set.
var libNameSet = func() map[string]bool {
	m := make(map[string]bool, len(libNames))
	for _, n := range libNames {
		m[n] = true
	}
	return m
}()

// universe is Go's predeclared names.
var universe = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`any bool byte comparable complex64 complex128 error float32 float64
		int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr
		true false iota nil _
		append cap clear close complex copy delete imag len make max min new panic print println real recover`) {
		m[n] = true
	}
	return m
}()
