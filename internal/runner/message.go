package runner

import (
	"fmt"
	"regexp"
	"strings"
)

// Message formatting: a test's kept output made into the message a
// learner reads.

// testMarkerRE matches the lines testing prints around a test's own
// output; they are noise in a message.
var testMarkerRE = regexp.MustCompile(`^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (FAIL|PASS|SKIP):)`)

// message is what a failed run printed: its t.Error/t.Fatal lines (and its
// failing subtests'), without testing's markers, dedented, with the hidden
// files' names as the learner knows them and stacks trimmed to their code.
func (tr *testRun) message(rec *record) string {
	var lines []string
	lastSub := ""
	for _, l := range rec.out {
		if testMarkerRE.MatchString(l.text) || rec.passedSub[l.test] || passedParent(rec, l.test) || tr.goTestSummary(l.text) {
			continue
		}
		depth := strings.Count(l.test, "/") + 1
		text := dedent(l.text, depth)
		if l.test != rec.name {
			if l.test != lastSub {
				lines = append(lines, l.test+":")
				lastSub = l.test
			}
			text = "    " + text
		} else {
			lastSub = ""
		}
		lines = append(lines, text)
	}
	lines = tr.placeTodos(explainLeaks(trimFrames(&tr.paths, explainRaces(&tr.paths, lines))))
	for i, l := range lines {
		// A check deferred past a t.Fatal runs as the test's goroutine
		// exits: testing names the runtime's file as its place.
		lines[i] = goexitSiteRE.ReplaceAllString(l, "${1}as the test ended: ")
	}
	msg := strings.ReplaceAll(strings.Trim(strings.Join(lines, "\n"), "\n"), HiddenPrefix, "")
	if rec.cut {
		msg += fmt.Sprintf("\n[output cut: otpgo keeps %d KiB per test]", perTestLimit>>10)
	}
	return msg
}

// goexitSiteRE matches the place testing gives a line logged by a
// deferred check while the test's goroutine exits (after a t.Fatal):
// "panic.go:694: ", a file of the Go runtime, not of the test.
var goexitSiteRE = regexp.MustCompile(`^(\s*)panic\.go:\d+: `)

// goTestSummary reports whether line is cmd/go's own "ok  \tpkg\t0.1s" or
// "FAIL\tpkg" line, which test2json files under the test that was running
// when the binary exited.
func (tr *testRun) goTestSummary(line string) bool {
	ip := tr.paths.importPath
	return ip != "" && (strings.HasPrefix(line, "ok  \t"+ip+"\t") || strings.HasPrefix(line, "FAIL\t"+ip+"\t") || line == "FAIL\t"+ip)
}

// passedParent reports whether test is inside a subtest that passed.
func passedParent(rec *record, test string) bool {
	for p := range rec.passedSub {
		if strings.HasPrefix(test, p+"/") {
			return true
		}
	}
	return false
}

// dedent removes the 4 spaces per level that testing puts before t.Log
// output (a subtest of depth 2 is indented by 8).
func dedent(s string, depth int) string {
	for range depth {
		if !strings.HasPrefix(s, "    ") {
			break
		}
		s = s[4:]
	}
	return s
}

// neverRan explains a test that the binary, which ended normally, never
// started. If the hidden tests declare it, the learner's code kept it from
// running; only otherwise is the course at fault.
func (tr *testRun) neverRan(name string) string {
	if !tr.declared[name] {
		return fmt.Sprintf("there is no test %s in the hidden tests of %s: the course's chapter.json is wrong; please report it", name, tr.req.Dir)
	}
	if file := learnerTestMain(tr.paths.pkgAbs); file != "" {
		return fmt.Sprintf("%s never ran: your TestMain in %s returned without running the tests. Run them and report their result with os.Exit(m.Run()), or delete that TestMain.",
			name, tr.paths.display(file))
	}
	return fmt.Sprintf("%s never ran: the test program ended, reporting success, before it started. Does your code end the program early (os.Exit, syscall.Exit or log.Fatal in an init function or a goroutine)? Only main should end a program.", name)
}

// panicShort words a panic's headline; the skeletons' panic("TODO(...)")
// means the learner has not written that part yet, not that it is wrong.
func panicShort(what, value string) string {
	if strings.HasPrefix(value, "TODO(") {
		return what + " in code that is still a skeleton: " + value
	}
	return what + ": " + value
}

// head keeps the first n lines of s, each cut to width bytes.
func head(s string, n, width int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines[n] = "..."
	}
	for i, l := range lines {
		if len(l) > width {
			lines[i] = l[:width] + "..."
		}
	}
	return strings.Join(lines, "\n")
}

func joinMsg(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}

// summary is the one-line Detail of a step that did not pass: the headline
// of its worst test, or which tests failed.
func (tr *testRun) summary(v Verdict, bad []string) string {
	for _, t := range v.Tests {
		if r := tr.records[t.Name]; r.res != nil && r.res.status == v.Status && r.res.short != "" {
			return r.res.short
		}
	}
	if len(bad) == 1 {
		return bad[0] + " failed"
	}
	return fmt.Sprintf("%d of %d tests failed: %s", len(bad), len(v.Tests), strings.Join(bad, ", "))
}
