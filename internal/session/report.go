package session

import (
	"fmt"
	"strings"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/runner"
)

// Report is a check explained, for any presentation: what failed and how,
// grouped; which detail adds news; the advice; the next step.
type Report struct {
	Steps []StepReport
	// Passed counts the steps that passed; FirstFailed is the first that
	// did not (nil when all passed).
	Passed      int
	FirstFailed *catalog.Step
	// Next is NextStep after this check: nil when every step passed.
	Next *catalog.Step
}

// AllPassed reports whether every checked step passed.
func (r *Report) AllPassed() bool { return r.Passed == len(r.Steps) }

// StepReport is one step's verdict explained.
type StepReport struct {
	Step    *catalog.Step
	Verdict runner.Verdict
	// Failures are the failed tests, grouped: tests that failed the same
	// way (a skeleton's TODO fails them all) are Same of the first. Empty
	// for a build error, where no test ran and the compiler is the news.
	Failures []Failure
	// Detail is the step's own message (compiler output, stuck
	// goroutines) when it adds to the failures' messages, else "".
	Detail string
	// Advice is said when neither failures nor detail explain.
	Advice string
	// TestsPassed counts the step's tests that passed.
	TestsPassed int
}

// Mentions reports whether the step's failures or detail name one of
// files (exercise paths, as messages show them: a stuck goroutine's
// frame, a leak, a panic's stack).
func (sr StepReport) Mentions(files []string) bool {
	for _, f := range files {
		if strings.Contains(sr.Detail, f) {
			return true
		}
		for _, fl := range sr.Failures {
			if strings.Contains(fl.Message, f) {
				return true
			}
		}
	}
	return false
}

// Failure is a failed test, with the tests that failed the same way.
type Failure struct {
	Name    string
	Message string // hidden-file prefix removed
	// Lines is how many lines of Message to show unless asked for all:
	// the first failure in full, later ones briefly.
	Lines int
	Same  []string
}

// Lines shown of a failure message (a panic's stack, a hang's goroutines)
// unless the learner asks for all.
const (
	FirstFailureLines = 20
	OtherFailureLines = 6
)

// ReportOf explains verdicts (one per step, in order) given the progress
// after they were recorded. all keeps every failure apart instead of
// grouping those that failed the same way.
func ReportOf(c *catalog.Course, steps []*catalog.Step, vs []runner.Verdict, st *progress.State, all bool) *Report {
	r := &Report{}
	var passed []string
	for i, v := range vs {
		if i >= len(steps) {
			break
		}
		sr := StepReport{Step: steps[i], Verdict: v}
		for _, t := range v.Tests {
			if t.Passed {
				sr.TestsPassed++
			}
		}
		if v.Status == runner.Passed {
			r.Passed++
			passed = append(passed, steps[i].ID)
			r.Steps = append(r.Steps, sr)
			continue
		}
		if r.FirstFailed == nil {
			r.FirstFailed = steps[i]
		}
		shown := ""
		if v.Status != runner.BuildError {
			sr.Failures = group(v.Tests, all)
			for _, f := range sr.Failures {
				shown += CapLines(f.Message, f.Lines, all) + "\n"
			}
		}
		// The detail adds to the tests' own messages for a build error, a
		// hang (the stuck goroutines) or a crash; for a plain failure or a
		// panic the messages already say it all.
		needDetail := shown == "" || v.Status == runner.BuildError || v.Status == runner.TimedOut || v.Status == runner.Crashed
		if d := CleanMessage(strings.TrimSpace(v.Detail)); d != "" && needDetail && !strings.Contains(shown, firstLine(d)) {
			sr.Detail = d
		} else if shown == "" {
			sr.Advice = advice(v.Status)
		}
		r.Steps = append(r.Steps, sr)
	}
	r.Next = NextStep(c, st, passed...)
	return r
}

func group(tests []runner.TestOutcome, all bool) []Failure {
	var out []Failure
	seen := map[string]int{} // first line, test name masked -> index in out
	for _, t := range tests {
		if t.Passed {
			continue
		}
		msg := CleanMessage(strings.TrimSpace(t.Message))
		key := strings.ReplaceAll(firstLine(msg), t.Name, "\x00")
		if i, ok := seen[key]; ok && !all && msg != "" {
			out[i].Same = append(out[i].Same, t.Name)
			continue
		}
		seen[key] = len(out)
		lines := OtherFailureLines
		if len(out) == 0 {
			lines = FirstFailureLines
		}
		out = append(out, Failure{Name: t.Name, Message: msg, Lines: lines})
	}
	return out
}

// CleanMessage shows a hidden test file under its own name: the learner
// has no zz_otpgo_hidden_x_test.go, and can read x_test.go in solutions/.
func CleanMessage(s string) string {
	return strings.ReplaceAll(s, runner.HiddenPrefix, "")
}

// CapLines keeps the first n lines of s unless all is set, saying how
// many it left out. A cut that would leave a heading with nothing under
// it ("Goroutines in your package when the time ran out:") keeps the
// heading's first block, up to capBlockMax lines more: a heading alone
// says nothing.
func CapLines(s string, n int, all bool) string {
	lines := strings.Split(s, "\n")
	if all || len(lines) <= n {
		return s
	}
	if n <= 0 {
		return fmt.Sprintf("... %d more lines (otpgo check -v shows them)", len(lines))
	}
	last := n - 1
	for last > 0 && strings.TrimSpace(lines[last]) == "" {
		last--
	}
	if strings.HasSuffix(strings.TrimSpace(lines[last]), ":") {
		end := last + 1
		for end < len(lines) && strings.TrimSpace(lines[end]) == "" {
			end++
		}
		for end < len(lines) && end-n < capBlockMax && strings.TrimSpace(lines[end]) != "" {
			end++
		}
		n = end
		if n >= len(lines) {
			return s
		}
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n... %d more lines (otpgo check -v shows them)", len(lines)-n)
}

// capBlockMax bounds what CapLines adds to show a heading's first block.
const capBlockMax = 12

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// PhaseText says what a check is doing, for the line shown while it runs:
// compiling is the long part on a cold build cache (the first check of a
// checkout), so its words name what does it ahead. Short, to fit the
// app's status line beside "checking 01.2: " and "· 1 more queued".
func PhaseText(p runner.Phase) string {
	if p == runner.PhaseCompiling {
		return "compiling (slow on a cold cache; otpgo doctor --warm)"
	}
	return "running the tests"
}

// ColdBuildText is PhaseText(runner.PhaseCompiling) once a check has
// measured how far its cold build has got (progress: "N of M packages
// built").
func ColdBuildText(progress string) string {
	return "compiling what it needs the first time: " + progress + " (otpgo doctor --warm does it ahead)"
}

// StatusPhrase says how a step's run ended, for a headline.
func StatusPhrase(st runner.Status) string {
	switch st {
	case runner.Failed:
		return "a test failed"
	case runner.BuildError:
		return "does not compile"
	case runner.Panicked:
		return "panicked"
	case runner.TimedOut:
		return "timed out (something never returned)"
	case runner.Crashed:
		return "crashed (the test program died)"
	}
	return st.String()
}

func advice(st runner.Status) string {
	switch st {
	case runner.TimedOut:
		return "A call never returned: look for a receive or send nobody answers, or a loop that never ends."
	case runner.Crashed:
		return "The test program exited: does your code call os.Exit or log.Fatal?"
	case runner.Panicked:
		return "Your code panicked: is there still a TODO panic in it?"
	}
	return ""
}

// TraceTest is the test of a failed verdict of step stepID worth tracing
// (otpgo trace): its first failed test, passing over those that failed
// on the step's own TODO (a skeleton, whose trace shows nothing); "" if
// there is none.
func TraceTest(v runner.Verdict, stepID string) string {
	if v.Status != runner.Failed && v.Status != runner.TimedOut {
		// Passed; or a build error, where nothing ran; or a crashed test
		// binary, which never writes its trace: its panic is the news.
		return ""
	}
	todo := "TODO(" + stepID + ")"
	for _, t := range v.Tests {
		if !t.Passed && !strings.Contains(t.Message, todo) {
			return t.Name
		}
	}
	return ""
}
