package runner

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// HiddenPrefix is put before the name of every file Run injects (see
// Request.Overlay), so it can't clash with a learner's file and can be
// recognised in any message.
const HiddenPrefix = "zz_otpgo_hidden_"

// HiddenNamePrefixes are the prefixes every top-level name of a hidden test
// starts with (catalog validation enforces it). The hidden tests are
// compiled into the learner's package, so any other name could clash with
// one the learner chose, a build error about a name they cannot see.
var HiddenNamePrefixes = []string{"zz", "hidden"}

// IsHiddenName reports whether name carries a hidden prefix.
func IsHiddenName(name string) bool {
	return slices.ContainsFunc(HiddenNamePrefixes, func(pre string) bool { return strings.HasPrefix(name, pre) })
}

// hiddenPathRE matches a path to an injected file in any form the tools
// print it (absolute temp path, ./relative, bare name).
var hiddenPathRE = regexp.MustCompile(`(?:[^\s:]*/)?` + HiddenPrefix + `([^\s/:]+\.go)`)

// paths turns the tools' file names into the ones a learner sees.
type paths struct {
	root       string // absolute module root
	dir        string // package dir relative to root, slash-separated
	pkgAbs     string // root/dir
	importPath string // the package's import path, learned from the first event
}

// inPkg reports whether file (as printed in a stack trace, absolute or
// -trimpath'd) is a file of the graded package: the learner's code or the
// hidden tests.
func (p *paths) inPkg(file string) bool {
	if filepath.Dir(file) == p.pkgAbs {
		return true
	}
	return p.importPath != "" && path.Dir(file) == p.importPath
}

// display names file the way the learner knows it: exercises/02_cache/cache.go
// for their code, "hidden test cache_test.go" for an injected test.
func (p *paths) display(file string) string {
	base := filepath.Base(file)
	if name, ok := strings.CutPrefix(base, HiddenPrefix); ok {
		return "hidden test " + name
	}
	if rel, ok := strings.CutPrefix(file, p.root+string(filepath.Separator)); ok {
		return filepath.ToSlash(rel)
	}
	if p.importPath != "" && path.Dir(file) == p.importPath {
		return p.dir + "/" + base
	}
	return file
}

// rewrite fixes the file names inside a compiler or vet message.
func (p *paths) rewrite(line string) string {
	line = hiddenPathRE.ReplaceAllString(line, "hidden test $1")
	return strings.ReplaceAll(line, p.root+string(filepath.Separator), "")
}

// shortFunc drops the package path from a function name in a stack trace
// ("example.com/m/exercises/x.(*S).loop(0xc0001, ...)" -> "x.(*S).loop")
// and the argument words, which mean nothing to a learner.
func shortFunc(fn string) string {
	fn = strings.TrimPrefix(fn, "created by ")
	if i := strings.Index(fn, " in goroutine "); i >= 0 {
		fn = fn[:i]
	}
	if strings.HasSuffix(fn, ")") {
		// Drop the trailing argument list; method receivers "(*S)" stay.
		depth := 0
		for i := len(fn) - 1; i >= 0; i-- {
			switch fn[i] {
			case ')':
				depth++
			case '(':
				depth--
			}
			if depth == 0 {
				fn = fn[:i]
				break
			}
		}
	}
	// The package path ends before the first '[' (type arguments) or '('
	// (a method's receiver): a '/' after that is inside a type argument
	// (pkg.(*table[string,example.com/x.entry]).insert), not the path.
	end := len(fn)
	if i := strings.IndexAny(fn, "[("); i >= 0 {
		end = i
	}
	if i := strings.LastIndexByte(fn[:end], '/'); i >= 0 {
		fn = fn[i+1:]
	}
	return elideTypeArgs(fn)
}

// elideTypeArgs writes a generic's type arguments as [...], as Go's own
// tracebacks do: the race detector spells them out in full (go.shape.struct
// { v int; until int64 }), which hides the function's name.
func elideTypeArgs(fn string) string {
	if !strings.Contains(fn, "[") {
		return fn
	}
	var b strings.Builder
	depth := 0
	for _, r := range fn {
		switch {
		case r == '[':
			if depth == 0 {
				b.WriteString("[...]")
			}
			depth++
		case r == ']':
			if depth > 0 {
				depth--
			}
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// testFuncRE matches a top-level test function's declaration.
var testFuncRE = regexp.MustCompile(`(?m)^func\s+(Test\w*)\s*\(`)

// declaredTests lists the top-level Test functions of the hidden tests.
func declaredTests(overlay map[string][]byte) map[string]bool {
	names := map[string]bool{}
	for _, src := range overlay {
		for _, m := range testFuncRE.FindAllSubmatch(src, -1) {
			names[string(m[1])] = true
		}
	}
	return names
}

// learnerFileLimit bounds how much of a learner's test file is searched.
const learnerFileLimit = 1 << 20

var testMainRE = regexp.MustCompile(`(?m)^func\s+TestMain\s*\(`)

// learnerTestMain returns the learner's own _test.go file in pkgAbs that
// declares TestMain, or "". The files are the learner's: only the first
// learnerFileLimit bytes of each are read, and errors mean "none".
func learnerTestMain(pkgAbs string) string {
	files, err := filepath.Glob(filepath.Join(pkgAbs, "*_test.go"))
	if err != nil {
		return ""
	}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		src, err := io.ReadAll(io.LimitReader(f, learnerFileLimit))
		f.Close()
		if err == nil && testMainRE.Match(src) {
			return file
		}
	}
	return ""
}
