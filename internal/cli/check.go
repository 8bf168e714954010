package cli

import (
	"context"
	"fmt"
	"sync"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
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
	_, targets, err := a.resolveAll(ids)
	if err != nil {
		return err
	}
	sess, err := a.Session()
	if err != nil {
		return err
	}
	if err := a.requireGo(ctx, "otpgo check"); err != nil {
		return err
	}
	var steps []*catalog.Step
	if len(ids) == 0 {
		next, err := sess.Next()
		if err != nil {
			return err
		}
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
	act := a.startActivity(fmt.Sprintf("checking %s: %s...", idList(steps), session.PhaseText(runner.PhaseCompiling)))
	stopFollow := a.followColdBuild(ctx, sess.WS, steps, race, func(progress string) {
		act.set(fmt.Sprintf("checking %s: %s...", idList(steps), session.ColdBuildText(progress)))
	})
	var once sync.Once
	res, err := sess.Check(ctx, steps, check.Options{
		Race: race,
		Progress: func(p runner.Phase) {
			if p == runner.PhaseRunning {
				once.Do(func() {
					stopFollow()
					act.set(fmt.Sprintf("checking %s: %s...", idList(steps), session.PhaseText(p)))
				})
			}
		},
	})
	stopFollow()
	act.stopActivity()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if res.RecordErr != nil {
		fmt.Fprintf(a.Err, "warning: %v\n", res.RecordErr)
	}
	if f.json {
		if err := writeJSON(a, verdictsJSON(steps, res.Verdicts)); err != nil {
			return err
		}
	} else {
		a.printVerdicts(session.ReportOf(sess.Course, steps, res.Verdicts, res.State, f.verbose), f.verbose)
	}
	if !check.AllPassed(res.Verdicts) {
		return errFailed
	}
	return nil
}

func verdictsJSON(steps []*catalog.Step, vs []runner.Verdict) []checkJSON {
	out := make([]checkJSON, 0, len(vs))
	for i, v := range vs {
		j := checkJSON{Step: v.Step, Status: v.Status, Detail: v.Detail, Tests: []checkTestJSON{}}
		if i < len(steps) {
			j.Title = steps[i].Title
			j.Files = session.StepFiles(steps[i])
		}
		for _, t := range v.Tests {
			j.Tests = append(j.Tests, checkTestJSON{Name: t.Name, Passed: t.Passed, Message: session.CleanMessage(t.Message)})
		}
		out = append(out, j)
	}
	return out
}

// printVerdicts explains each verdict so that it teaches: what failed,
// where, and what to do next.
func (a *App) printVerdicts(rep *session.Report, verbose bool) {
	s := a.style()
	w := a.Out
	a.printStepReports(rep, verbose, true)
	fmt.Fprintln(w)
	first := rep.Steps[0].Step
	switch {
	case rep.AllPassed():
		msg := fmt.Sprintf("All %d checked step(s) pass.", rep.Passed)
		if rep.Passed == 1 {
			msg = "Step " + first.ID + " passes."
		}
		fmt.Fprintln(w, s.green(msg)+" Compare with ours: otpgo solution "+first.ID+" --diff")
		if next := rep.Next; next != nil {
			fmt.Fprintf(w, "Next: %s %s: otpgo lesson show %s, then otpgo check %s\n", next.ID, next.Title, next.ID, next.ID)
		} else {
			fmt.Fprintln(w, "That was the last pending step. Well done.")
		}
	default:
		fmt.Fprintf(w, "%d of %d step(s) pass. Fix %s first, then run otpgo check %s again.\n", rep.Passed, len(rep.Steps), rep.FirstFailed.ID, rep.FirstFailed.ID)
	}
}
