package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/checkpoint"
)

func init() { register(newResetCommand) }

// newResetCommand builds `otpgo reset ID|--all`: the only command that
// writes to exercises/.
func newResetCommand(a *App) *cobra.Command {
	var all, yes bool
	cmd := &cobra.Command{
		Use:   "reset ID | --all",
		Short: "Undo a step (your files are backed up first), or put a chapter's skeleton back",
		Long: `Undo one step (02.2): each file of the step goes back to how it stood when
the step began: your own copy from passing the step before that changed the
file, or that step's reference code if you never passed it (reset says
which). The progress of the step, and of later steps that change the same
files, is cleared.

A chapter (gs), or every chapter (--all), goes back to the original
skeleton; progress is left alone.

Your current files are first copied to .otpgo/backup/<timestamp>/, so
nothing is lost. Files you added yourself are left alone.

On a terminal reset asks before it writes; elsewhere it needs --yes.`,
		Example: `  otpgo reset gs.1
  otpgo reset --all --yes`,
		GroupID:           groupLearn,
		ValidArgsFunction: a.completeIDs(false),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case all && len(args) > 0:
				return usageError{cmd: cmd, err: errors.New("give an ID or --all, not both")}
			case !all && len(args) != 1:
				return usageError{cmd: cmd, err: errors.New("say what to reset: a step (gs.1), a chapter (gs), or --all")}
			}
			return runReset(cmd.Context(), a, args, all, yes)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "reset every chapter")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

// restore is one file to put back: its path in the embedded tree (and,
// from the root, on disk) and the skeleton's content.
type restore struct {
	rel      string
	skeleton []byte
	existed  bool
}

func runReset(ctx context.Context, a *App, args []string, all, yes bool) error {
	c, err := a.Course()
	if err != nil {
		return err
	}
	sess, err := a.Session()
	if err != nil {
		return err
	}
	var rels []string
	what := "every chapter"
	if all {
		for _, ch := range c.Chapters {
			if !ch.Coming && ch.Dir != "" {
				files, err := skeletonFiles(a.FS, ch)
				if err != nil {
					return err
				}
				rels = append(rels, files...)
			}
		}
	} else {
		t, err := c.Resolve(args[0])
		if err != nil {
			return err
		}
		what = t.ID()
		if t.Step != nil {
			return runResetStep(ctx, a, t.Step, yes)
		} else if t.Chapter.Dir != "" {
			if rels, err = skeletonFiles(a.FS, t.Chapter); err != nil {
				return err
			}
		}
		if len(rels) == 0 {
			return fmt.Errorf("%s has no files to reset", t.ID())
		}
	}

	plan, err := sess.PlanReset(rels)
	if err != nil {
		return err
	}
	todo := plan.Files()
	if plan.Empty() {
		fmt.Fprintf(a.Out, "Nothing to reset: the files of %s are already the original skeleton.\n", what)
		return nil
	}

	if ok, err := a.confirmWrite("reset "+what, todo, yes); err != nil || !ok {
		return err
	}

	backup, err := plan.Apply()
	if err != nil {
		if backup != "" {
			fmt.Fprintf(a.Out, "Saved your version of %d file(s) to %s\n", plan.BacksUp(), backup)
		}
		return err
	}
	if backup != "" {
		fmt.Fprintf(a.Out, "Saved your version of %d file(s) to %s\n", plan.BacksUp(), backup)
	}
	fmt.Fprintf(a.Out, "Restored the skeleton of %s: %s\n", what, strings.Join(todo, ", "))
	fmt.Fprintln(a.Out, "Your progress is unchanged (otpgo progress).")
	return nil
}

// skeletonFiles lists the embedded files of exercises/<dir>.
func skeletonFiles(fsys fs.FS, ch *catalog.Chapter) ([]string, error) {
	dir := ch.ExercisePath("")
	var out []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reset %s: %w", ch.ID, err)
	}
	return out, nil
}

// runResetStep undoes one step: see the command's help.
func runResetStep(ctx context.Context, a *App, step *catalog.Step, yes bool) error {
	step, ws, err := a.resolveStepFor("reset", step.ID)
	if err != nil {
		return err
	}
	store, st, err := a.loadProgress()
	if err != nil {
		return err
	}
	plan, err := checkpoint.Reset(a.FS, checkpoint.Store{Root: ws.Root, StateDir: ws.StateDir()}, step, st.Done)
	if err != nil {
		return err
	}
	var lines []string
	for _, w := range checkpoint.Pending(ws.Root, plan) {
		lines = append(lines, fmt.Sprintf("%s  <- %s", step.Chapter.ExercisePath(w.File), w.From))
	}
	if len(lines) == 0 {
		fmt.Fprintf(a.Out, "Nothing to reset: the files of %s already stand as they did when it began.\n", step.ID)
		return nil
	}
	ok, err := a.confirmWrite("reset "+step.ID, lines, yes)
	if err != nil || !ok {
		return err
	}
	if err := a.applyPlan(ctx, ws, plan); err != nil {
		return err
	}
	var cleared []string
	for _, id := range plan.Clear {
		if st.Settled(id) {
			cleared = append(cleared, id)
		}
	}
	if len(cleared) > 0 {
		if err := store.Clear(cleared...); err != nil {
			return fmt.Errorf("your files are reset, but clearing the progress of %s failed: %w", strings.Join(cleared, ", "), err)
		}
		fmt.Fprintf(a.Out, "Cleared the progress of %s: their code is gone from these files.\n", strings.Join(cleared, ", "))
	}
	return nil
}
