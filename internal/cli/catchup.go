package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/checkpoint"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/workspace"
)

func init() { register(newCatchupCommand) }

// newCatchupCommand builds `otpgo catchup STEP`.
func newCatchupCommand(a *App) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "catchup STEP|CHAPTER",
		Short: "Catch up with the class: get the code of the steps before STEP that you have not passed",
		Long: `The trainer has moved on to STEP and you want to follow. catchup puts in
place the reference code of every step before STEP that you have not passed
(checkpoint STEP-1), keeps your own code wherever only steps you passed
changed the file, and records the caught-up steps as "given", not passed.
A step whose TODO is back in your file (the skeleton restored with git) is
caught up again; a pass stays recorded.
Every file it replaces is first copied to .otpgo/backup/<timestamp>/.

A CHAPTER instead of a step catches up through its end: every step of it,
as its solution stands (to go on with the next chapter, or to watch the
whole tree with otpgo observe --mine).

On a terminal catchup asks before it writes; elsewhere it needs --yes.`,
		Example: `  otpgo catchup 02.3
  otpgo catchup 02.3 --yes
  otpgo catchup 04`,
		GroupID:           groupLearn,
		Args:              exactlyOneID,
		ValidArgsFunction: a.completeIDs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCatchup(cmd.Context(), a, args[0], yes)
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func runCatchup(ctx context.Context, a *App, id string, yes bool) error {
	c, err := a.Course()
	if err != nil {
		return err
	}
	if t, err := c.Resolve(id); err == nil && t.Step == nil && t.Chapter.Dir != "" {
		return catchupChapter(ctx, a, t.Chapter, yes)
	}
	step, ws, err := a.resolveStepFor("catch up to", id)
	if err != nil {
		return err
	}
	store, st, err := a.loadProgress()
	if err != nil {
		return err
	}
	if step.Checkpoint() == 1 {
		fmt.Fprintf(a.Out, "%s is the first step of chapter %s: there is nothing before it to catch up on. Start with otpgo lesson show %s.\n", step.ID, step.Chapter.ID, step.ID)
		return nil
	}
	// A given step counts as done: its code is in place already, and the
	// learner may be working on top of it.
	plan, err := checkpoint.Catchup(a.FS, step, checkpoint.InPlace(ws.Root, step.Chapter, st.Settled), checkpoint.YoursIn(ws.Root, ws.StateDir(), st))
	if err != nil {
		return err
	}
	if len(plan.Writes) == 0 && len(plan.Given) == 0 {
		fmt.Fprintf(a.Out, "Nothing to catch up: you passed or caught up every step before %s. Go on with otpgo check %s.\n", step.ID, step.ID)
		return nil
	}
	var passedNote string
	if plan.Passed {
		passedNote = fmt.Sprintf("(%s is already passed or given: your own code in these files is replaced, after a backup)", step.ID)
	}
	done, err := a.catchupApply(ctx, ws, store, st, plan, fmt.Sprintf("catch up to %s", step.ID), "every step before "+step.ID, passedNote, yes)
	if err != nil || !done {
		return err
	}
	fmt.Fprintf(a.Out, "You are at the start of %s: otpgo lesson show %s, then otpgo check %s.\n", step.ID, step.ID, step.ID)
	return nil
}

// catchupChapter is `otpgo catchup CHAPTER`: every step of it done.
func catchupChapter(ctx context.Context, a *App, ch *catalog.Chapter, yes bool) error {
	ws, err := a.Workspace()
	if err != nil {
		return err
	}
	store, st, err := a.loadProgress()
	if err != nil {
		return err
	}
	plan, err := checkpoint.CatchupChapter(a.FS, ch, checkpoint.InPlace(ws.Root, ch, st.Settled), checkpoint.YoursIn(ws.Root, ws.StateDir(), st))
	if err != nil {
		return err
	}
	if len(plan.Writes) == 0 && len(plan.Given) == 0 {
		fmt.Fprintf(a.Out, "Nothing to catch up: you passed or caught up every step of chapter %s.\n", ch.ID)
		return nil
	}
	done, err := a.catchupApply(ctx, ws, store, st, plan, "catch up through chapter "+ch.ID, "every step of chapter "+ch.ID, "", yes)
	if err != nil || !done {
		return err
	}
	fmt.Fprintf(a.Out, "Chapter %s is done as its solution stands. otpgo lesson list shows what comes next.\n", ch.ID)
	return nil
}

// catchupApply asks, writes plan's files (after a backup) and records
// its given steps; it reports false when the learner said no. scope
// names the steps whose code replaces files ("every step before 02.3").
func (a *App) catchupApply(ctx context.Context, ws *workspace.Workspace, store *progress.Store, st *progress.State, plan *checkpoint.Plan, what, scope, note string, yes bool) (bool, error) {
	var lines []string
	for _, w := range checkpoint.Pending(ws.Root, plan) {
		lines = append(lines, fmt.Sprintf("%s  <- %s", plan.Chapter.ExercisePath(w.File), w.From))
	}
	if len(lines) > 0 && note != "" {
		lines = append(lines, note)
	}
	if len(lines) > 0 {
		ok, err := a.confirmWrite(what, lines, yes)
		if err != nil || !ok {
			return false, err
		}
		if err := a.applyPlan(ctx, ws, plan); err != nil {
			return false, err
		}
	}
	for _, f := range plan.Keep {
		fmt.Fprintf(a.Out, "Kept your %s: %s that changes it is passed or given.\n", plan.Chapter.ExercisePath(f), scope)
	}
	given, restored := plan.SplitGiven(func(id string) bool { return st.Status(id) == progress.Passed })
	own, ref := plan.SplitOwn(restored)
	if len(own) > 0 {
		fmt.Fprintf(a.Out, "Put back your own code from passing %s (the copy otpgo kept in .otpgo/checkpoints/): the TODO was back in your file. Your pass stays recorded.\n",
			strings.Join(own, ", "))
	}
	if len(ref) > 0 {
		fmt.Fprintf(a.Out, "Put back the reference code of %s: the TODO was back in your file. Your pass stays recorded, and your own passing code is kept in .otpgo/checkpoints/<step>/.\n",
			strings.Join(ref, ", "))
	}
	if len(given) > 0 {
		if err := store.MarkGiven(given...); err != nil {
			fmt.Fprintf(a.Err, "warning: your files are caught up, but recording %s as given failed: %v\n", strings.Join(given, ", "), err)
		} else {
			fmt.Fprintf(a.Out, "Recorded %s as given (caught up, not passed by you).\n", strings.Join(given, ", "))
		}
	}
	return true, nil
}
