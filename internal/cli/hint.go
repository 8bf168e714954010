package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/present"
	"github.com/otpgo/otpgo/internal/progress"
	"github.com/otpgo/otpgo/internal/session"
)

func init() { register(newHintCommand) }

// newHintCommand builds `otpgo hint [ID]`.
func newHintCommand(a *App) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "hint [ID]",
		Short: "One more hint for a step: a nudge first, nearly the answer last",
		Long: `Show the next hint of a step each time you ask, from a nudge to nearly the
answer. With a chapter ID, the chapter's first pending step; with no ID, the
next pending step. --all shows every hint at once.`,
		Example: `  otpgo hint gs.1
  otpgo hint gs.1 --all`,
		GroupID:           groupLearn,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: a.completeIDs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHint(a, args, all)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "show every hint of the step")
	return cmd
}

func runHint(a *App, args []string, all bool) error {
	c, err := a.Course()
	if err != nil {
		return err
	}
	store, st, err := a.loadProgress()
	if err != nil {
		return err
	}
	var step *catalog.Step
	if len(args) == 0 {
		if step = session.NextStep(c, st); step == nil {
			return fmt.Errorf("every written step passes, so there is no pending step to hint at; name one: otpgo hint gs.1")
		}
	} else {
		t, err := c.Resolve(args[0])
		if err != nil {
			return err
		}
		step = t.Step
		if step == nil {
			// A chapter: its first pending step, else its first step.
			for _, s := range t.Chapter.Steps {
				if len(s.Hints) > 0 && (step == nil || !st.Done(s.ID) && st.Done(step.ID)) {
					step = s
				}
			}
		}
	}
	if step == nil || len(step.Hints) == 0 {
		id := args[0]
		if step != nil {
			id = step.ID
		}
		return fmt.Errorf("%s has no hints; read the lesson: otpgo lesson show %s", id, id)
	}
	s := a.style()
	n := len(step.Hints)
	// The hint is shown even when its record cannot be saved (read-only or
	// full disk): a learner who asks for help gets it.
	notSaved := func(err error) {
		fmt.Fprintf(a.Err, "warning: could not record which hints of %s you saw, so otpgo hint will not move on: %v\n", step.ID, err)
	}
	if all {
		if err := store.SawHints(step.ID, n); err != nil {
			if errors.Is(err, progress.ErrNewerFormat) {
				return err
			}
			notSaved(err)
		}
		fmt.Fprintf(a.Out, "Hints for %s %s:\n", s.bold(step.ID), step.Title)
		for i, h := range step.Hints {
			fmt.Fprintf(a.Out, "\n%s\n%s\n", s.cyan(fmt.Sprintf("%d of %d", i+1, n)), a.renderHint(h))
		}
		return nil
	}
	sess := &session.Session{Course: c, Store: store}
	level, warn, err := sess.Hint(step)
	if err != nil {
		return err
	}
	if warn != nil {
		fmt.Fprintf(a.Err, "warning: %v\n", warn)
	}
	fmt.Fprintf(a.Out, "%s for %s %s:\n\n%s\n\n", s.cyan(fmt.Sprintf("Hint %d of %d", level, n)), s.bold(step.ID), step.Title, a.renderHint(step.Hints[level-1]))
	if level < n {
		fmt.Fprintln(a.Out, s.dim(fmt.Sprintf("Still stuck? otpgo hint %s shows hint %d of %d.", step.ID, level+1, n)))
	} else {
		fmt.Fprintln(a.Out, s.dim(fmt.Sprintf("That was the last hint. The lesson walks through it too: otpgo lesson show %s", step.ID)))
	}
	return nil
}

// renderHint renders a hint's markdown at 78 columns, code blocks as
// code: coloured on a colour terminal, plain text otherwise. A hint that
// does not render is shown as written.
func (a *App) renderHint(md string) string {
	st := present.Plain
	if a.Color() {
		st = a.lessonStyle()
	}
	out, err := present.Render(md, 78, st)
	if err != nil {
		return indent(wrapText(md, 76), "  ")
	}
	return strings.Trim(out, "\n")
}
