package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
)

func init() { register(newSolutionCommand) }

// newSolutionCommand builds `otpgo solution ID`.
func newSolutionCommand(a *App) *cobra.Command {
	var force, diff bool
	cmd := &cobra.Command{
		Use:   "solution ID",
		Short: "Show our solution of a step you have passed (--diff: against yours)",
		Long: `Show the files of our solution of a step, once you have passed it.
--diff shows a unified diff from your file to ours instead.
--force shows it before you pass (for a trainer at the front of the room).`,
		Example: `  otpgo solution gs.1 --diff
  otpgo solution gs --force`,
		GroupID:           groupLearn,
		Args:              exactlyOneID,
		ValidArgsFunction: a.completeIDs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSolution(a, args[0], force, diff)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "show it even if the step has not passed (trainers)")
	cmd.Flags().BoolVar(&diff, "diff", false, "show a diff from your file to the solution")
	return cmd
}

func runSolution(a *App, id string, force, diff bool) error {
	_, targets, err := a.resolveAll([]string{id})
	if err != nil {
		return err
	}
	steps, err := stepsOf(targets)
	if err != nil {
		return err
	}
	ws, err := a.Workspace()
	if err != nil {
		return err
	}
	if !force {
		st, err := a.State()
		if err != nil {
			return err
		}
		for _, s := range steps {
			if !st.Done(s.ID) {
				return fmt.Errorf("you have not passed %s yet, so its solution stays hidden: solve it first (otpgo check %s), or ask for a hint (otpgo hint %s). A trainer can show it anyway with --force", s.ID, s.ID, s.ID)
			}
		}
	}
	sty := a.style()
	seen := map[string]bool{}
	for _, s := range steps {
		for _, f := range s.Files {
			if seen[f] {
				continue
			}
			seen[f] = true
			solPath := s.Chapter.SolutionPath(f)
			sol, err := fs.ReadFile(a.FS, solPath)
			if err != nil {
				return fmt.Errorf("solution %s: %w", s.ID, err)
			}
			if !diff {
				fmt.Fprintf(a.Out, "%s\n%s\n", sty.dim("// "+solPath+" ("+s.ID+")"), strings.TrimRight(string(sol), "\n"))
				continue
			}
			mine, err := os.ReadFile(ws.Path(s.Chapter.ExercisePath(f)))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("read your %s: %w", f, err)
			}
			a.printDiff(s, f, string(mine), string(sol))
		}
	}
	return nil
}

// printDiff prints a unified diff from the learner's file to ours,
// coloured on a terminal.
func (a *App) printDiff(s *catalog.Step, file, mine, sol string) {
	sty := a.style()
	yours, ours := s.Chapter.ExercisePath(file)+" (yours)", s.Chapter.SolutionPath(file)+" (ours)"
	d := udiff.Unified(yours, ours, mine, sol)
	if d == "" {
		fmt.Fprintf(a.Out, "%s: yours is the same as ours.\n", s.Chapter.ExercisePath(file))
		return
	}
	for _, l := range strings.Split(strings.TrimRight(d, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
			l = sty.bold(l)
		case strings.HasPrefix(l, "+"):
			l = sty.green(l)
		case strings.HasPrefix(l, "-"):
			l = sty.red(l)
		case strings.HasPrefix(l, "@@"):
			l = sty.cyan(l)
		}
		fmt.Fprintln(a.Out, l)
	}
}
