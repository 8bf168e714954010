package cli

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
)

func init() { register(newVerifyCommand) }

// newVerifyCommand builds `otpgo verify [ID...]`.
func newVerifyCommand(a *App) *cobra.Command {
	var noRace, asJSON, mutantsOnly bool
	var count, parallel int
	cmd := &cobra.Command{
		Use:   "verify [ID...]",
		Short: "Prove every step's tests fail before the step and pass on its checkpoint and the solution",
		Long: `For authors and CI. For every graded step N of a chapter (or the chapters
and steps given), run its hidden tests against checkpoint N-1, the files as
they stand when the step before is done (the untouched skeleton for a
chapter's first step), which must FAIL them on a TODO, not a build error;
run the tests of every step up to N against checkpoint N, which must PASS
them; and run N's tests against the solution, which must PASS them (with
-race, -count=3). Then every mutant of the step (a committed wrong
solution, solutions/<dir>/_mutants/<step>/<name>.diff) on its checkpoint,
which must FAIL the step's tests with the message the mutant names.
--mutants runs only the mutants (for authors writing one). All of it comes from the copy embedded in this binary, so
your own edits in exercises/ do not matter. Steps run in parallel, bounded
by the CPUs.

Exit code 0 when every step verifies, 1 on any mismatch.`,
		GroupID:           groupTools,
		ValidArgsFunction: a.completeIDs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd.Context(), a, args, verifyFlags{noRace: noRace, json: asJSON, mutantsOnly: mutantsOnly, count: count, parallel: parallel})
		},
	}
	cmd.Flags().BoolVar(&noRace, "no-race", false, "run without the race detector")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	cmd.Flags().BoolVar(&mutantsOnly, "mutants", false, "run only the steps' mutants (committed wrong solutions)")
	cmd.Flags().IntVar(&count, "count", 3, "how many times the solution's tests run (go test -count)")
	cmd.Flags().IntVar(&parallel, "parallel", runtime.NumCPU(), "steps verified at once")
	return cmd
}

type verifyFlags struct {
	noRace, json, mutantsOnly bool
	count, parallel           int
}

func runVerify(ctx context.Context, a *App, ids []string, f verifyFlags) error {
	c, err := a.Course()
	if err != nil {
		// The course itself is invalid: that is verify's first finding.
		fmt.Fprintln(a.Err, err)
		return errFailed
	}
	var steps []*catalog.Step
	if len(ids) == 0 {
		for _, s := range c.Steps() {
			if !s.Chapter.Coming && s.Gradable() {
				steps = append(steps, s)
			}
		}
	} else {
		_, targets, err := a.resolveAll(ids)
		if err != nil {
			return err
		}
		if steps, err = stepsOf(targets); err != nil {
			return err
		}
	}
	if len(steps) == 0 {
		fmt.Fprintln(a.Out, "No graded steps to verify.")
		return nil
	}
	g, err := a.Grader()
	if err != nil {
		return err
	}
	if err := a.requireGo(ctx, "otpgo verify"); err != nil {
		return err
	}
	race := !f.noRace && a.RaceSupported(ctx)
	if !f.noRace && !race {
		fmt.Fprintln(a.Err, "warning: the race detector does not work here; verifying without -race")
	}
	if f.parallel < 1 {
		f.parallel = 1
	}
	mode, nMutants := check.WithMutants, 0
	if f.mutantsOnly {
		mode = check.OnlyMutants
	}
	for _, s := range steps {
		nMutants += len(s.Mutants)
	}
	if f.mutantsOnly && nMutants == 0 {
		fmt.Fprintf(a.Out, "No mutants to run: a step's are in solutions/<dir>/_mutants/<step>/ (see docs/CONTRACTS.md).\n")
		return nil
	}
	start := time.Now()
	what := fmt.Sprintf("%d step(s) and %d mutant(s)", len(steps), nMutants)
	if f.mutantsOnly {
		what = fmt.Sprintf("%d mutant(s)", nMutants)
	}
	act := a.startActivity(fmt.Sprintf("verifying %s, %d at a time (compiling; on a cold build cache the long part)...", what, f.parallel))
	var mu sync.Mutex
	steped, muted := 0, 0
	progress := func(last, mark string, took time.Duration) {
		done := fmt.Sprintf("%d/%d steps, %d/%d mutants", steped, len(steps), muted, nMutants)
		if f.mutantsOnly {
			done = fmt.Sprintf("%d/%d mutants", muted, nMutants)
		}
		act.set(fmt.Sprintf("verified %s; last: %s %s (%.1fs)", done, last, mark, took.Seconds()))
	}
	results, err := g.Verify(ctx, steps, check.VerifyOptions{
		Race:     race,
		Count:    f.count,
		Parallel: f.parallel,
		Mutants:  mode,
		OnResult: func(r check.VerifyResult) {
			mu.Lock()
			defer mu.Unlock()
			steped++
			progress(r.Step, okMark(r.OK, "MISMATCH"), r.Elapsed)
		},
		OnMutant: func(r check.MutantResult) {
			mu.Lock()
			defer mu.Unlock()
			muted++
			progress(r.Mutant, okMark(r.OK, "NOT REJECTED"), r.Elapsed)
		},
	})
	act.stopActivity()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	bad := 0
	for _, r := range results {
		if !r.OK {
			bad++
		}
	}
	if f.json {
		if err := writeJSON(a, struct {
			OK      bool                 `json:"ok"`
			Race    bool                 `json:"race"`
			Count   int                  `json:"count"`
			Results []check.VerifyResult `json:"results"`
		}{bad == 0, race, f.count, results}); err != nil {
			return err
		}
	} else {
		if !f.mutantsOnly {
			a.printVerifyTable(results, race, f.count)
		}
		a.printMutants(results, f.mutantsOnly)
		a.printVerifySummary(results, f.mutantsOnly, time.Since(start))
	}
	if bad > 0 {
		return errFailed
	}
	return nil
}

func okMark(ok bool, bad string) string {
	if ok {
		return "ok"
	}
	return bad
}

func (a *App) printVerifyTable(results []check.VerifyResult, race bool, count int) {
	s := a.style()
	tw := tabwriter.NewWriter(a.Out, 0, 0, 2, ' ', 0)
	solHeader := fmt.Sprintf("SOLUTION (x%d", count)
	if race {
		solHeader += ", -race"
	}
	solHeader += ")"
	fmt.Fprintf(tw, "STEP\tBEFORE (must fail)\tCHECKPOINT (must pass)\t%s\tTIME\tRESULT\n", solHeader)
	for _, r := range results {
		res := s.green("ok")
		switch {
		case r.Problem != "":
			res = s.red("MISMATCH")
		case !r.OK:
			res = s.red("A MUTANT PASSED") // listed below the table
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.1fs\t%s\n", r.Step, r.Skeleton.Status, checkpointColumn(r), r.Solution.Status, r.Elapsed.Seconds(), res)
	}
	tw.Flush()
	for _, r := range results {
		if r.Problem != "" {
			fmt.Fprintf(a.Out, "\n%s %s: %s\n", s.red("✗"), r.Step, r.Problem)
			if r.Solution.Status != runner.Passed {
				for _, t := range r.Solution.Tests {
					if !t.Passed && t.Message != "" {
						fmt.Fprintf(a.Out, "    %s:\n%s\n", t.Name, indent(session.CapLines(strings.TrimSpace(t.Message), session.FirstFailureLines, false), "      "))
					}
				}
				if d := strings.TrimSpace(r.Solution.Detail); d != "" {
					fmt.Fprintln(a.Out, indent(session.CapLines(d, session.FirstFailureLines, false), "    "))
				}
			}
		}
	}
}

// printMutants lists each mutant that was not rejected as it must be, and
// with all, every mutant.
func (a *App) printMutants(results []check.VerifyResult, all bool) {
	s := a.style()
	if all {
		tw := tabwriter.NewWriter(a.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "MUTANT\tTESTS\tTIME\tRESULT\n")
		for _, r := range results {
			for _, m := range r.Mutants {
				res, tests := s.green("rejected"), m.Status.String()
				switch {
				case m.Skipped != "":
					res, tests = "skipped", "-"
				case !m.OK:
					res = s.red("NOT REJECTED")
				}
				fmt.Fprintf(tw, "%s\t%s\t%.1fs\t%s\n", m.Mutant, tests, m.Elapsed.Seconds(), res)
			}
		}
		tw.Flush()
	}
	for _, r := range results {
		for _, m := range r.Mutants {
			if !m.OK {
				fmt.Fprintf(a.Out, "\n%s mutant %s (%s) %s\n", s.red("✗"), m.Mutant, m.Mistake, indent(m.Problem, "    ")[4:])
			}
		}
	}
}

func (a *App) printVerifySummary(results []check.VerifyResult, mutantsOnly bool, elapsed time.Duration) {
	var stepsBad, rejected, notRejected, skipped int
	for _, r := range results {
		if r.Problem != "" {
			stepsBad++
		}
		for _, m := range r.Mutants {
			switch {
			case m.Skipped != "":
				skipped++
			case m.OK:
				rejected++
			default:
				notRejected++
			}
		}
	}
	var parts []string
	if !mutantsOnly {
		parts = append(parts, fmt.Sprintf("%d step(s) ok, %d mismatched", len(results)-stepsBad, stepsBad))
	}
	parts = append(parts, fmt.Sprintf("%d mutants rejected", rejected))
	if notRejected > 0 {
		parts = append(parts, fmt.Sprintf("%d NOT rejected", notRejected))
	}
	if skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped (no race detector)", skipped))
	}
	fmt.Fprintf(a.Out, "\nverify: %s, in %.1fs\n", strings.Join(parts, ", "), elapsed.Seconds())
}

// checkpointColumn sums up a step's checkpoint run: "passed", the first
// status that is not, or "(solution)" for a chapter's last step, whose
// checkpoint is the solution.
func checkpointColumn(r check.VerifyResult) string {
	if len(r.Checkpoint) == 0 {
		return "(solution)"
	}
	for _, v := range r.Checkpoint {
		if v.Status != runner.Passed {
			return v.Step + " " + v.Status.String()
		}
	}
	if len(r.Checkpoint) == 1 {
		return "passed (1 step)"
	}
	return fmt.Sprintf("passed (%d steps)", len(r.Checkpoint))
}
