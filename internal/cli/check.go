package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/runner"
)

func init() { register(newCheckCommand) }

// newCheckCommand builds `otpgo check [ID...]`.
func newCheckCommand(a *App) *cobra.Command {
	var noRace, asJSON, verbose bool
	cmd := &cobra.Command{
		Use:   "check [ID...]",
		Short: "Grade your code: a chapter (gs), a step (gs.1), or the next pending step",
		Long: `Grade your code in exercises/ with the hidden tests of a chapter or a step.
With no ID, check grades the next step you have not passed yet.

The exit code is 0 only when every checked step passed. Tests run with
-race when this machine supports it (--no-race turns it off). Ctrl-C stops
the tests and leaves nothing running.`,
		Example: `  otpgo check           # the next pending step
  otpgo check gs        # every step of chapter gs
  otpgo check gs.1 gs.2 # two steps`,
		GroupID:           groupLearn,
		ValidArgsFunction: a.completeIDs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), a, args, checkFlags{noRace: noRace, json: asJSON, verbose: verbose})
		},
	}
	cmd.Flags().BoolVar(&noRace, "no-race", false, "run the tests without the race detector (faster, catches less)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the verdicts as JSON")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "show every line of long failure messages")
	return cmd
}

type checkFlags struct{ noRace, json, verbose bool }

// checkJSON is the --json shape of one verdict.
type checkJSON struct {
	Step   string          `json:"step"`
	Title  string          `json:"title"`
	Status runner.Status   `json:"status"`
	Tests  []checkTestJSON `json:"tests"`
	Detail string          `json:"detail,omitempty"`
	Files  []string        `json:"files"`
}

type checkTestJSON struct {
	Name    string `json:"name"`
	Passed  bool   `json:"passed"`
	Message string `json:"message,omitempty"`
}

func runCheck(ctx context.Context, a *App, ids []string, f checkFlags) error {
	c, targets, err := a.resolveAll(ids)
	if err != nil {
		return err
	}
	g, err := a.Grader()
	if err != nil {
		return err
	}
	store, err := a.Progress()
	if err != nil {
		return err
	}
	if err := a.requireGo(ctx, "otpgo check"); err != nil {
		return err
	}
	var steps []*catalog.Step
	if len(ids) == 0 {
		st, err := store.Load()
		if err != nil {
			return err
		}
		next := c.NextPendingAfter(st.Frontier(), st.Done)
		if next == nil {
			if f.json {
				return writeJSON(a, []checkJSON{})
			}
			fmt.Fprintln(a.Out, "Every written step passes: nothing pending. Check one again by ID (otpgo check gs.1), or see otpgo lesson list.")
			return nil
		}
		steps = []*catalog.Step{next}
		if !f.json {
			fmt.Fprintf(a.Err, "No ID given: checking the next pending step, %s (%s).\n", next.ID, next.Title)
		}
	} else if steps, err = stepsOf(targets); err != nil {
		return err
	}

	race := !f.noRace && a.RaceSupported(ctx)
	if !f.noRace && !race && !f.json {
		fmt.Fprintln(a.Err, "The race detector does not work here (it needs cgo and a C compiler); checking without -race. otpgo doctor says more.")
	}
	act := a.startActivity(fmt.Sprintf("checking %s: compiling (on a cold build cache the long part; otpgo doctor --warm does it ahead)...", idList(steps)))
	var once sync.Once
	verdicts, err := g.Check(ctx, steps, check.Options{
		Race: race,
		Progress: func(p runner.Phase) {
			if p == runner.PhaseRunning {
				once.Do(func() { act.set(fmt.Sprintf("checking %s: running the tests...", idList(steps))) })
			}
		},
	})
	act.stopActivity()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if passed := check.PassedIDs(verdicts); len(passed) > 0 {
		if err := store.MarkPassed(passed...); err != nil {
			fmt.Fprintf(a.Err, "warning: could not record your progress: %v\n", err)
		}
	}
	a.reportToClass(ctx, verdicts)
	if f.json {
		if err := writeJSON(a, verdictsJSON(steps, verdicts)); err != nil {
			return err
		}
	} else {
		a.printVerdicts(c, steps, verdicts, f.verbose)
	}
	if !check.AllPassed(verdicts) {
		return errFailed
	}
	return nil
}

func idList(steps []*catalog.Step) string {
	ids := make([]string, len(steps))
	for i, s := range steps {
		ids[i] = s.ID
	}
	if len(ids) > 4 {
		return fmt.Sprintf("%s ... %s (%d steps)", ids[0], ids[len(ids)-1], len(ids))
	}
	return strings.Join(ids, ", ")
}

func verdictsJSON(steps []*catalog.Step, vs []runner.Verdict) []checkJSON {
	out := make([]checkJSON, 0, len(vs))
	for i, v := range vs {
		j := checkJSON{Step: v.Step, Status: v.Status, Detail: v.Detail, Tests: []checkTestJSON{}}
		if i < len(steps) {
			j.Title = steps[i].Title
			j.Files = exerciseFiles(steps[i])
		}
		for _, t := range v.Tests {
			j.Tests = append(j.Tests, checkTestJSON{Name: t.Name, Passed: t.Passed, Message: cleanMessage(t.Message)})
		}
		out = append(out, j)
	}
	return out
}

// cleanMessage shows a hidden test file under its own name: the learner
// has no zz_otpgo_hidden_x_test.go, and can read x_test.go in solutions/.
func cleanMessage(s string) string {
	return strings.ReplaceAll(s, runner.HiddenPrefix, "")
}

// maxMessageLines caps each failure message (a panic's stack, a hang's
// goroutines) unless --verbose.
const maxMessageLines = 20

// printVerdicts explains each verdict so that it teaches: what failed,
// where, and what to do next.
func (a *App) printVerdicts(c *catalog.Course, steps []*catalog.Step, vs []runner.Verdict, verbose bool) {
	s := a.style()
	w := a.Out
	passed := 0
	var firstFailed *catalog.Step
	for i, v := range vs {
		step := steps[i]
		if v.Status == runner.Passed {
			passed++
			fmt.Fprintf(w, "%s %s %s %s\n", s.green("✓"), s.bold(step.ID), step.Title, s.dim(fmt.Sprintf("(%d tests passed)", len(v.Tests))))
			continue
		}
		if firstFailed == nil {
			firstFailed = step
		}
		fmt.Fprintf(w, "%s %s %s: %s\n", s.red("✗"), s.bold(step.ID), step.Title, s.red(statusPhrase(v.Status)))
		shown := ""
		if v.Status != runner.BuildError { // then every test is "not run": the compiler's messages are the news
			shown = a.printFailedTests(v, verbose)
		}
		// The detail adds to the tests' own messages for a build error, a
		// hang (the stuck goroutines) or a crash; for a plain failure or a
		// panic the messages above already say it all.
		needDetail := shown == "" || v.Status == runner.BuildError || v.Status == runner.TimedOut || v.Status == runner.Crashed
		if d := cleanMessage(strings.TrimSpace(v.Detail)); d != "" && needDetail && !strings.Contains(shown, firstLineOf(d)) {
			fmt.Fprintln(w, indent(capLines(d, maxMessageLines, verbose), "    "))
		} else if shown == "" {
			fmt.Fprintln(w, "    "+statusAdvice(v.Status))
		}
		ok := 0
		for _, t := range v.Tests {
			if t.Passed {
				ok++
			}
		}
		if ok > 0 {
			fmt.Fprintf(w, "    %s\n", s.dim(fmt.Sprintf("(%d of the step's tests passed)", ok)))
		}
		fmt.Fprintf(w, "    %s edit %s · %s · %s\n", s.dim("→"), strings.Join(exerciseFiles(step), ", "),
			"otpgo hint "+step.ID, "otpgo lesson show "+step.ID)
		a.traceAdvice(w, step, v)
	}
	fmt.Fprintln(w)
	switch {
	case passed == len(vs):
		msg := fmt.Sprintf("All %d checked step(s) pass.", passed)
		if passed == 1 {
			msg = "Step " + steps[0].ID + " passes."
		}
		fmt.Fprintln(w, s.green(msg)+" Compare with ours: otpgo solution "+steps[0].ID+" --diff")
		if st, err := a.State(); err == nil {
			if next := c.NextPendingAfter(st.Frontier(), st.Done); next != nil {
				fmt.Fprintf(w, "Next: %s %s: otpgo lesson show %s, then otpgo check %s\n", next.ID, next.Title, next.ID, next.ID)
			} else {
				fmt.Fprintln(w, "That was the last pending step. Well done.")
			}
		}
	default:
		fmt.Fprintf(w, "%d of %d step(s) pass. Fix %s first, then run otpgo check %s again.\n", passed, len(vs), firstFailed.ID, firstFailed.ID)
	}
}

// printFailedTests prints the failed tests of a verdict: the first in
// full, later ones that failed the same way (say, the same TODO panic)
// as one line of names, others briefly; everything with --verbose. It
// returns the text it showed, so the step's detail is not repeated.
func (a *App) printFailedTests(v runner.Verdict, verbose bool) string {
	s := a.style()
	var shown strings.Builder
	seen := map[string]bool{} // first lines already shown, test name masked
	var same []string
	first := true
	for _, t := range v.Tests {
		if t.Passed {
			continue
		}
		msg := cleanMessage(strings.TrimSpace(t.Message))
		key := strings.ReplaceAll(firstLineOf(msg), t.Name, "\x00")
		if !verbose && msg != "" && seen[key] {
			same = append(same, t.Name)
			continue
		}
		seen[key] = true
		limit := maxMessageLines
		if !first {
			limit = 6
		}
		first = false
		fmt.Fprintf(a.Out, "    %s %s\n", s.red("✗"), s.bold(t.Name))
		if msg != "" {
			body := capLines(msg, limit, verbose)
			fmt.Fprintln(a.Out, indent(body, "        "))
			shown.WriteString(body + "\n")
		}
	}
	if len(same) > 0 {
		fmt.Fprintf(a.Out, "    %s %s\n", s.red("✗"), s.dim(fmt.Sprintf("%d more failed the same way: %s", len(same), strings.Join(same, ", "))))
	}
	return shown.String()
}

func statusPhrase(st runner.Status) string {
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

func statusAdvice(st runner.Status) string {
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

// capLines keeps the first n lines of s unless all is set.
func capLines(s string, n int, all bool) string {
	lines := strings.Split(s, "\n")
	if all || len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n... %d more lines (otpgo check -v shows them)", len(lines)-n)
}
