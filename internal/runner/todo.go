package runner

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// todoLineRE is a test's report of a skeleton's TODO panic, made where
// the hidden test caught it ("helpers_test.go:198: TODO(01.1): spawn ...").
var todoLineRE = regexp.MustCompile(`^(\s*)\S+_test\.go:\d+: (TODO\(([^)\s]{1,16})\): .*)$`)

// placeTodos puts a reported TODO where the learner will find it: at the
// stub in their file ("exercises/01_concurrency/each.go:19: TODO(01.1):
// ..."), not at the hidden test's line that caught the panic, which they
// have no file for.
func (tr *testRun) placeTodos(lines []string) []string {
	for i, l := range lines {
		m := todoLineRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if tr.todos == nil {
			tr.todos = scanTodos(&tr.paths)
		}
		if at, ok := tr.todos[m[3]]; ok {
			lines[i] = m[1] + at + ": " + m[2]
		}
	}
	return lines
}

// TodoStub is how a skeleton's stub for step id begins, the one form
// otpgo looks for (a comment naming the TODO is not one): panic("TODO(01.1).
func TodoStub(id string) string { return `panic("TODO(` + id + `)` }

// todoFileMax bounds how much of each of the learner's files is scanned
// for TODO stubs: a skeleton is small.
const todoFileMax = 1 << 20

// scanTodos finds the first stub, panic("TODO(ID), of each step ID in the
// package's own (non-test) files, as "dir/file.go:line".
func scanTodos(p *paths) map[string]string {
	at := map[string]string{}
	entries, err := os.ReadDir(p.pkgAbs)
	if err != nil {
		return at
	}
	stub := strings.TrimSuffix(TodoStub(""), ")")
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file := filepath.Join(p.pkgAbs, name)
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(io.LimitReader(f, todoFileMax))
		sc.Buffer(make([]byte, 64<<10), todoFileMax)
		for n := 1; sc.Scan(); n++ {
			_, rest, found := strings.Cut(sc.Text(), stub)
			if !found {
				continue
			}
			id, _, ok := strings.Cut(rest, ")")
			if _, seen := at[id]; ok && !seen && len(id) <= 16 {
				at[id] = p.display(file) + ":" + strconv.Itoa(n)
			}
		}
		f.Close()
	}
	return at
}
