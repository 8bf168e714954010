package runner

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// session is the state of one Run over its invocations of go test.
type session struct {
	req      Request
	paths    paths
	records  map[string]*record
	declared map[string]bool // top-level Test functions the hidden tests declare
	order    []string        // every test, in the order the steps list them
	stored   int             // output bytes kept over all records
	pkgLines []string        // package-level output (init, TestMain), capped
	build    string          // the compiler's messages, if the package did not build
	after    string          // why the binary failed although every test passed
	running  func()          // called when a test starts
	limits   limits
}

const maxPkgLines = 400

// keep stores one output line of a test's current run, within the limits.
func (s *session) keep(rec *record, test, line string) {
	n := len(line) + 1
	if rec.outSize+n > perTestLimit || s.stored+n > totalLimit {
		rec.cut = true
		return
	}
	rec.out = append(rec.out, outLine{test, line})
	rec.outSize += n
	s.stored += n
}

// startRun forgets the previous run's output (it passed, or its failure
// is already in rec.res).
func (s *session) startRun(rec *record) {
	s.stored -= rec.outSize
	rec.out, rec.outSize, rec.cut, rec.passedSub, rec.ended = nil, 0, false, nil, false
}

func (s *session) pkgLine(line string) {
	t := strings.TrimSpace(line)
	if t == "" || t == "PASS" || t == "FAIL" || strings.HasPrefix(t, "FAIL\t") || strings.HasPrefix(t, "ok ") ||
		strings.HasPrefix(t, "testing: warning: no tests to run") ||
		len(s.pkgLines) >= maxPkgLines || s.stored+len(line) > totalLimit {
		return
	}
	s.pkgLines = append(s.pkgLines, line)
	s.stored += len(line) + 1
}

// testMarkerRE matches the lines testing prints around a test's own
// output; they are noise in a message.
var testMarkerRE = regexp.MustCompile(`^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (FAIL|PASS|SKIP):)`)

// message is what a failed run printed: its t.Error/t.Fatal lines (and its
// failing subtests'), without testing's markers, dedented, with the hidden
// files' names as the learner knows them and stacks trimmed to their code.
func (s *session) message(rec *record) string {
	var lines []string
	lastSub := ""
	for _, l := range rec.out {
		if testMarkerRE.MatchString(l.text) || rec.passedSub[l.test] || passedParent(rec, l.test) || s.goTestSummary(l.text) {
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
	lines = trimFrames(&s.paths, explainRaces(&s.paths, lines))
	msg := strings.ReplaceAll(strings.Trim(strings.Join(lines, "\n"), "\n"), HiddenPrefix, "")
	if rec.cut {
		msg += fmt.Sprintf("\n[output cut: otpgo keeps %d KiB per test]", perTestLimit>>10)
	}
	return msg
}

// goTestSummary reports whether line is cmd/go's own "ok  \tpkg\t0.1s" or
// "FAIL\tpkg" line, which test2json files under the test that was running
// when the binary exited.
func (s *session) goTestSummary(line string) bool {
	ip := s.paths.importPath
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

// settle turns the end of an invocation into results for the tests that
// were running when the binary ended, and returns the tests to run again:
// those that never started because the binary died before reaching them.
func (s *session) settle(iv *invocation, timeout time.Duration) (rerun []string) {
	why := iv.p.killedFor()
	var running []*record
	for _, name := range iv.tests {
		if r := s.records[name]; r.running {
			running = append(running, r)
		}
	}
	if r := iv.panicRec; r != nil && iv.trace != nil {
		r.res.short = panicShort(r.name+" panicked", iv.trace.value())
		r.res.msg = joinMsg(r.res.msg, iv.trace.render())
	}
	// Only the package-level result proves that the binary ran to its end.
	died := len(running) > 0 || why != notKilled || iv.trace != nil || !iv.pkgDone
	for _, r := range running {
		r.running = false
		if r.res != nil && r.res.kind != kindFail {
			continue
		}
		r.res = s.death(iv, r, why, timeout)
	}
	var pending []*record
	for _, name := range iv.tests {
		if r := s.records[name]; r.started == 0 && r.res == nil {
			pending = append(pending, r)
		}
	}
	if !died && iv.pkgFailed && s.after == "" && allPassed(s, iv.tests) {
		// Every test passed, yet the binary failed: TestMain, or a race or
		// a goroutine of the learner's that outlived its test.
		s.after = joinMsg("every test passed, but the test binary failed after them (in TestMain, or in a goroutine your code left running):",
			strings.Join(trimFrames(&s.paths, s.pkgLines), "\n"))
	}
	switch {
	case len(pending) == 0:
		return nil
	case !died:
		for _, r := range pending {
			r.res = &result{kind: kindMissing, msg: s.neverRan(r.name)}
		}
		return nil
	case iv.progressed:
		// The binary died in an earlier test; the others deserve a run.
		for _, r := range pending {
			rerun = append(rerun, r.name)
		}
		return rerun
	}
	// Died before any test started: init, a package variable or TestMain.
	res := s.death(iv, nil, why, timeout)
	for _, r := range pending {
		r.res = res
	}
	return nil
}

// neverRan explains a test that the binary, which ended normally, never
// started. If the hidden tests declare it, the learner's code kept it from
// running; only otherwise is the course at fault.
func (s *session) neverRan(name string) string {
	if !s.declared[name] {
		return fmt.Sprintf("there is no test %s in the hidden tests of %s: the course's chapter.json is wrong; please report it", name, s.req.Dir)
	}
	if file := learnerTestMain(s.paths.pkgAbs); file != "" {
		return fmt.Sprintf("%s never ran: your TestMain in %s returned without running the tests. Run them and report their result with os.Exit(m.Run()), or delete that TestMain.",
			name, s.paths.display(file))
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

func allPassed(s *session, tests []string) bool {
	for _, name := range tests {
		if r := s.records[name]; r.res != nil || r.started == 0 {
			return false
		}
	}
	return true
}

// death explains how the binary ended while r was running (r is nil when
// no test had started).
func (s *session) death(iv *invocation, r *record, why killReason, timeout time.Duration) *result {
	subject := "the package"
	when := "before any test started (in an init function, a package-level variable or TestMain)"
	prior := ""
	if r != nil {
		subject = r.name
		when = "while " + r.name + " was running"
		prior = s.message(r)
	} else if len(s.pkgLines) > 0 {
		prior = strings.Join(s.pkgLines, "\n")
	}
	res := &result{}
	var explain, dump string
	switch {
	case why == killFlood && (r == nil || iv.flooder == r.name || iv.flooder == ""):
		res.kind = kindFlood
		res.short = fmt.Sprintf("%s printed more than %d MiB of output; otpgo stopped it", subject, floodLimit>>20)
		explain = "Is something printing in a loop? It began with:"
		prior = head(prior, 10, 160)
	case why == killFlood:
		res.kind = kindNotRun
		res.short = fmt.Sprintf("not finished: otpgo stopped the tests because %s printed too much", iv.flooder)
	case why == killDeadline:
		res.kind = kindTimeout
		res.short = fmt.Sprintf("otpgo killed the test binary after %s, %s", timeout+s.limits.grace, when)
		explain = "go test's own -timeout did not stop it: is TestMain or an init function stuck?"
	case iv.trace != nil && iv.trace.timedOut():
		res.kind = kindTimeout
		res.short = fmt.Sprintf("%s did not finish within %s (the step's timeout)", subject, timeout)
		explain = iv.trace.stuckHint()
		dump = iv.trace.render()
	case iv.trace != nil && iv.trace.fatal():
		res.kind = kindCrash
		res.short = fmt.Sprintf("the Go runtime stopped the program %s: %s", when, iv.trace.value())
		dump = iv.trace.render()
	case iv.trace != nil:
		res.kind = kindPanic
		where := "a goroutine"
		if r == nil {
			where = "the package"
		}
		res.short = panicShort(where+" panicked "+when, iv.trace.value())
		dump = iv.trace.render()
	default:
		res.kind = kindCrash
		res.short = fmt.Sprintf("the test binary exited %s without reporting a result", when)
		explain = "Does your code call os.Exit, syscall.Exit or log.Fatal? Only main should end a program."
	}
	res.msg = joinMsg(joinMsg(joinMsg(res.short, explain), prior), dump)
	return res
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

// statusOf maps a test's kind to the step status it implies.
var statusOf = map[kind]Status{
	kindPass:    Passed,
	kindFail:    Failed,
	kindSkip:    Failed,
	kindFlood:   Failed,
	kindMissing: Failed,
	kindPanic:   Panicked,
	kindTimeout: TimedOut,
	kindCrash:   Crashed,
	kindNotRun:  Crashed,
}

// verdicts builds one Verdict per step from the records.
func (s *session) verdicts(count int) []Verdict {
	out := make([]Verdict, 0, len(s.req.Steps))
	for _, st := range s.req.Steps {
		v := Verdict{Step: st.ID, Status: Passed}
		if s.build != "" {
			v.Status = BuildError
			v.Detail = s.build
			for _, name := range st.Tests {
				v.Tests = append(v.Tests, TestOutcome{Name: name, Message: "not run: the package did not compile"})
			}
			out = append(out, v)
			continue
		}
		worst := kindPass
		var bad []string
		for _, name := range st.Tests {
			r := s.records[name]
			k, msg := kindPass, ""
			switch {
			case r.res != nil:
				k, msg = r.res.kind, r.res.msg
			case r.passed < count:
				k, msg = kindNotRun, fmt.Sprintf("ran %d of %d times", r.passed, count)
			}
			v.Tests = append(v.Tests, TestOutcome{Name: name, Passed: k == kindPass, Message: msg})
			if k != kindPass {
				bad = append(bad, name)
			}
			if k > worst {
				worst = k
			}
		}
		v.Status = statusOf[worst]
		switch {
		case v.Status != Passed:
			v.Detail = s.summary(v, bad, worst)
		case s.after != "":
			v.Status, v.Detail = Failed, s.after
		}
		out = append(out, v)
	}
	return out
}

// summary is the one-line Detail of a step that did not pass: the headline
// of its worst test, or which tests failed.
func (s *session) summary(v Verdict, bad []string, worst kind) string {
	for _, t := range v.Tests {
		if r := s.records[t.Name]; r.res != nil && r.res.kind == worst && r.res.short != "" {
			return r.res.short
		}
	}
	if len(bad) == 1 {
		return bad[0] + " failed"
	}
	return fmt.Sprintf("%d of %d tests failed: %s", len(bad), len(v.Tests), strings.Join(bad, ", "))
}

var undefinedRE = regexp.MustCompile(`^hidden test \S+: undefined: (\w+)`)

// buildDetail is the Detail of a BuildError: the compiler's (or vet's)
// messages with the learner's paths, and what to do when the hidden tests
// are the ones that don't compile.
func buildDetail(iv *invocation, dir string) string {
	lines := iv.build
	if len(lines) == 0 {
		lines = []string{"go test reported a build failure without a message"}
	}
	var b strings.Builder
	if iv.vet {
		b.WriteString("go vet (which go test runs first) reported:\n")
	}
	b.WriteString(strings.Join(lines, "\n"))
	var names []string
	hidden := false
	for _, l := range lines {
		if strings.HasPrefix(l, "hidden test ") {
			hidden = true
			if m := undefinedRE.FindStringSubmatch(l); m != nil && !slices.Contains(names, m[1]) {
				names = append(names, m[1])
			}
		}
	}
	switch {
	case len(names) > 0:
		fmt.Fprintf(&b, "\n\nThe hidden tests use %s, which %s does not define. Keep the names and signatures the skeleton gave you.", strings.Join(names, ", "), dir)
	case hidden:
		fmt.Fprintf(&b, "\n\nThe hidden tests don't compile against %s: its exported names or signatures differ from the skeleton's.", dir)
	}
	return b.String()
}
