package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/checkpoint"
	"github.com/otpgo/otpgo/internal/workspace"
)

func init() { register(newCatchupCommand) }

// newCatchupCommand builds `otpgo catchup STEP`.
func newCatchupCommand(a *App) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "catchup STEP",
		Short: "Catch up with the class: get the code of the steps before STEP that you have not passed",
		Long: `The trainer has moved on to STEP and you want to follow. catchup puts in
place the reference code of every step before STEP that you have not passed
(checkpoint STEP-1), keeps your own code wherever only steps you passed
changed the file, and records the caught-up steps as "given", not passed.
Every file it replaces is first copied to .otpgo/backup/<timestamp>/.

On a terminal catchup asks before it writes; elsewhere it needs --yes.`,
		Example: `  otpgo catchup 02.3
  otpgo catchup 02.3 --yes`,
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
	step, ws, err := a.resolveStepFor("catch up to", id)
	if err != nil {
		return err
	}
	store, err := a.Progress()
	if err != nil {
		return err
	}
	st, err := store.Load()
	if err != nil {
		return err
	}
	if step.Checkpoint() == 1 {
		fmt.Fprintf(a.Out, "%s is the first step of chapter %s: there is nothing before it to catch up on. Start with otpgo lesson show %s.\n", step.ID, step.Chapter.ID, step.ID)
		return nil
	}
	// A given step counts as done: its code is in place already, and the
	// learner may be working on top of it.
	plan, err := checkpoint.Catchup(a.FS, step, st.Settled)
	if err != nil {
		return err
	}
	if len(plan.Writes) == 0 && len(plan.Given) == 0 {
		fmt.Fprintf(a.Out, "Nothing to catch up: you passed or caught up every step before %s. Go on with otpgo check %s.\n", step.ID, step.ID)
		return nil
	}
	what := fmt.Sprintf("catch up to %s", step.ID)
	var lines []string
	for _, w := range checkpoint.Pending(ws.Root, plan) {
		lines = append(lines, fmt.Sprintf("%s  <- %s", step.Chapter.ExercisePath(w.File), w.From))
	}
	if len(lines) > 0 && plan.Passed {
		lines = append(lines, fmt.Sprintf("(%s is already passed or given: your own code in these files is replaced, after a backup)", step.ID))
	}
	if len(lines) > 0 {
		ok, err := a.confirmWrite(what, lines, yes)
		if err != nil || !ok {
			return err
		}
		if err := a.applyPlan(ctx, ws, plan); err != nil {
			return err
		}
	}
	for _, f := range plan.Keep {
		fmt.Fprintf(a.Out, "Kept your %s: every step before %s that changes it is passed or given.\n", step.Chapter.ExercisePath(f), step.ID)
	}
	if len(plan.Given) > 0 {
		if err := store.MarkGiven(plan.Given...); err != nil {
			fmt.Fprintf(a.Err, "warning: your files are caught up, but recording %s as given failed: %v\n", strings.Join(plan.Given, ", "), err)
		} else {
			fmt.Fprintf(a.Out, "Recorded %s as given (caught up, not passed by you).\n", strings.Join(plan.Given, ", "))
		}
	}
	fmt.Fprintf(a.Out, "You are at the start of %s: otpgo lesson show %s, then otpgo check %s.\n", step.ID, step.ID, step.ID)
	return nil
}

// resolveStepFor resolves id to a step with files to write, for verb
// ("catch up to", "reset"): a chapter, a step without files, a coming or
// unknown ID are errors saying what to give instead.
func (a *App) resolveStepFor(verb, id string) (*catalog.Step, *workspace.Workspace, error) {
	c, err := a.Course()
	if err != nil {
		return nil, nil, err
	}
	t, err := c.Resolve(id)
	if err != nil {
		return nil, nil, err
	}
	if t.Step == nil {
		var ids []string
		for _, s := range t.Chapter.Gradable() {
			ids = append(ids, s.ID)
		}
		if len(ids) == 0 {
			return nil, nil, fmt.Errorf("chapter %s has no graded steps to %s", t.Chapter.ID, verb)
		}
		return nil, nil, fmt.Errorf("%s a step, not a chapter: one of %s", verb, strings.Join(ids, ", "))
	}
	if !t.Step.Gradable() || t.Chapter.Dir == "" {
		return nil, nil, fmt.Errorf("%s has no code to %s: it is read, not graded", t.Step.ID, verb)
	}
	ws, err := a.Workspace()
	if err != nil {
		return nil, nil, err
	}
	return t.Step, ws, nil
}

// confirmWrite asks before a command writes the learner's files: on a
// terminal it lists lines and asks; elsewhere it needs --yes.
func (a *App) confirmWrite(what string, lines []string, yes bool) (bool, error) {
	if yes {
		return true, nil
	}
	if !a.IsTerminal(a.Stdin) {
		return false, fmt.Errorf("%s would write %d file(s) in exercises/ (%s); run it again with --yes to confirm. Your versions are backed up to .otpgo/backup/ first", what, len(lines), strings.Join(lines, "; "))
	}
	fmt.Fprintf(a.Err, "%s? This writes:\n", capitalize(what))
	for _, l := range lines {
		fmt.Fprintf(a.Err, "  %s\n", l)
	}
	fmt.Fprint(a.Err, "Your versions are saved to .otpgo/backup/ first. Go ahead? [y/N] ")
	answer, _ := bufio.NewReader(a.Stdin).ReadString('\n')
	if ans := strings.ToLower(strings.TrimSpace(answer)); ans != "y" && ans != "yes" {
		fmt.Fprintln(a.Err, "Nothing changed.")
		return false, nil
	}
	return true, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// applyPlan writes plan in the workspace and says what it did: the backup
// first (its path, so nothing is lost), then each file and where it came
// from.
func (a *App) applyPlan(ctx context.Context, ws *workspace.Workspace, plan *checkpoint.Plan) error {
	backup := ws.BackupDir(a.Now())
	res, err := checkpoint.Apply(ctx, ws.Root, plan, backup)
	if res.BackupDir != "" {
		fmt.Fprintf(a.Out, "Saved your version of the files it replaces to %s\n", ws.Rel(res.BackupDir)+"/")
	}
	from := map[string]string{}
	for _, w := range plan.Writes {
		from[plan.Chapter.ExercisePath(w.File)] = w.From
	}
	for _, rel := range res.Written {
		fmt.Fprintf(a.Out, "Wrote %s from %s\n", rel, from[rel])
	}
	for _, rel := range res.Unchanged {
		fmt.Fprintf(a.Out, "%s already is %s\n", rel, from[rel])
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted: %w", err)
		}
		return err
	}
	return nil
}
