package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/checkpoint"
)

func init() { register(newSolutionCommand) }

// newSolutionCommand builds `otpgo solution ID`.
func newSolutionCommand(a *App) *cobra.Command {
	var force, diff, file bool
	cmd := &cobra.Command{
		Use:   "solution ID",
		Short: "Show what a step you have passed asks for, as a diff (--file: whole files; --diff: against yours)",
		Long: `Show what a step itself asks for, once you have passed it: the change from
the step before's reference code (checkpoint N-1) to this step's
(checkpoint N), as a diff, coloured on a terminal and paged when longer than
the screen. Later steps' code is not in it.
--file shows the step's files whole, as they stand when the step is done.
--diff shows a diff from your file to that same state.
--force shows it before you pass (for a trainer at the front of the room).`,
		Example: `  otpgo solution 02.1
  otpgo solution 02.1 --file
  otpgo solution gs.1 --diff
  otpgo solution gs --force`,
		GroupID:           groupLearn,
		Args:              exactlyOneID,
		ValidArgsFunction: a.completeIDs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file && diff {
				return usageError{cmd: cmd, err: errors.New("give --file or --diff, not both")}
			}
			return runSolution(cmd.Context(), a, args[0], force, diff, file)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "show it even if the step has not passed (trainers)")
	cmd.Flags().BoolVar(&diff, "diff", false, "show a diff from your file to the step's reference")
	cmd.Flags().BoolVar(&file, "file", false, "show the step's files whole, as they stand when the step is done")
	return cmd
}

func runSolution(ctx context.Context, a *App, id string, force, diff, file bool) error {
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
	var out strings.Builder
	for _, s := range steps {
		changes, err := checkpoint.StepChange(a.FS, s)
		if err != nil {
			return fmt.Errorf("solution %s: %w", s.ID, err)
		}
		for _, c := range changes {
			ref := fmt.Sprintf("%s as of %s", s.Chapter.ExercisePath(c.File), s.ID)
			switch {
			case file:
				fmt.Fprintf(&out, "%s\n%s\n", sty.dim("// "+ref), strings.TrimRight(string(c.After), "\n"))
			case diff:
				mine, err := os.ReadFile(ws.Path(s.Chapter.ExercisePath(c.File)))
				if err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("read your %s: %w", c.File, err)
				}
				a.writeDiff(&out, s.Chapter.ExercisePath(c.File)+" (yours)", ref+" (ours)", string(mine), string(c.After),
					s.Chapter.ExercisePath(c.File)+": yours is the same as ours.")
			default:
				before := s.Chapter.ExercisePath(c.File) + " before " + s.ID
				a.writeDiff(&out, before, ref, string(c.Before), string(c.After),
					s.Chapter.ExercisePath(c.File)+": "+s.ID+" does not change it.")
			}
		}
	}
	return a.show(ctx, "otpgo solution "+id, out.String())
}

// show prints text, through the pager when it is longer than the
// terminal (and both ends are terminals).
func (a *App) show(ctx context.Context, title, text string) error {
	height := 0
	if f, ok := a.Out.(*os.File); ok {
		if _, h, err := term.GetSize(f.Fd()); err == nil {
			height = h
		}
	}
	if height == 0 || strings.Count(text, "\n") < height || !a.IsTerminal(a.Stdin) {
		_, err := fmt.Fprint(a.Out, text)
		return err
	}
	return a.page(ctx, title, text, nil)
}

// writeDiff writes a unified diff from one text to another, coloured on
// a terminal, or same when they are equal.
func (a *App) writeDiff(w io.Writer, fromName, toName, from, to, same string) {
	sty := a.style()
	d := udiff.Unified(fromName, toName, from, to)
	if d == "" {
		fmt.Fprintln(w, same)
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
		fmt.Fprintln(w, l)
	}
}
