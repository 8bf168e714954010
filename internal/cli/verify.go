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
	var noRace, asJSON bool
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
-race, -count=3). All of it comes from the copy embedded in this binary, so
your own edits in exercises/ do not matter. Steps run in parallel, bounded
by the CPUs.

Exit code 0 when every step verifies, 1 on any mismatch.`,
		GroupID:           groupTools,
		ValidArgsFunction: a.completeIDs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd.Context(), a, args, verifyFlags{noRace: noRace, json: asJSON, count: count, parallel: parallel})
		},
	}
	cmd.Flags().BoolVar(&noRace, "no-race", false, "run without the race detector")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	cmd.Flags().IntVar(&count, "count", 3, "how many times the solution's tests run (go test -count)")
	cmd.Flags().IntVar(&parallel, "parallel", runtime.NumCPU(), "steps verified at once")
	return cmd
}

type verifyFlags struct {
	noRace, json    bool
	count, parallel int
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
	start := time.Now()
	act := a.startActivity(fmt.Sprintf("verifying %d step(s), %d at a time (compiling; on a cold build cache the long part)...", len(steps), f.parallel))
	var mu sync.Mutex
	done := 0
	results, err := g.Verify(ctx, steps, check.VerifyOptions{
		Race:     race,
		Count:    f.count,
		Parallel: f.parallel,
		OnResult: func(r check.VerifyResult) {
			mu.Lock()
			defer mu.Unlock()
			done++
			mark := "ok"
			if !r.OK {
				mark = "MISMATCH"
			}
			act.set(fmt.Sprintf("verified %d/%d: %s %s (%.1fs)", done, len(steps), r.Step, mark, r.Elapsed.Seconds()))
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
		a.printVerifyTable(results, race, f.count, time.Since(start))
	}
	if bad > 0 {
		return errFailed
	}
	return nil
}

func (a *App) printVerifyTable(results []check.VerifyResult, race bool, count int, elapsed time.Duration) {
	s := a.style()
	tw := tabwriter.NewWriter(a.Out, 0, 0, 2, ' ', 0)
	solHeader := fmt.Sprintf("SOLUTION (x%d", count)
	if race {
		solHeader += ", -race"
	}
	solHeader += ")"
	fmt.Fprintf(tw, "STEP\tBEFORE (must fail)\tCHECKPOINT (must pass)\t%s\tTIME\tRESULT\n", solHeader)
	bad := 0
	for _, r := range results {
		res := s.green("ok")
		if !r.OK {
			res = s.red("MISMATCH")
			bad++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.1fs\t%s\n", r.Step, r.Skeleton.Status, checkpointColumn(r), r.Solution.Status, r.Elapsed.Seconds(), res)
	}
	tw.Flush()
	for _, r := range results {
		if !r.OK {
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
	fmt.Fprintf(a.Out, "\nverify: %d step(s) ok, %d mismatched, in %.1fs\n", len(results)-bad, bad, elapsed.Seconds())
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
