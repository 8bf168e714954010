package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/present"
)

func init() { register(newPresentCommand) }

// newPresentCommand builds `otpgo present CHAPTER`.
func newPresentCommand(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "present ID",
		Short: "Show a chapter's lesson full screen, one slide per section (for a projector)",
		Long: `Show a lesson as slides: one per section, large and high-contrast, code
highlighted and never wrapped. → and ← move, s 2 enter jumps to step 2's
section, e shows the step's skeleton file (read-only), ? lists every key.
With a step ID (02.2) it opens on that step's section.`,
		Example:           "  otpgo present 02\n  otpgo present 02.2",
		GroupID:           groupLearn,
		Args:              exactlyOneID,
		ValidArgsFunction: a.completeIDs(false),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPresent(a, cmd, args[0])
		},
	}
}

func runPresent(a *App, cmd *cobra.Command, id string) error {
	c, err := a.Course()
	if err != nil {
		return err
	}
	t, err := c.Resolve(id)
	if err != nil {
		return err
	}
	if !a.Interactive() || !a.IsTerminal(a.Stdin) || a.Getenv("TERM") == "dumb" {
		return fmt.Errorf("otpgo present needs a terminal (it draws full screen); to print the lesson instead: otpgo lesson show %s", t.Chapter.ID)
	}
	opts := present.Options{Chapter: t.Chapter, FS: a.FS, Now: a.Now, Start: t.Step}
	if err := present.Run(cmd.Context(), a.Stdin, a.Out, opts); err != nil {
		if ctxErr := cmd.Context().Err(); ctxErr != nil {
			return ctxErr
		}
		return err
	}
	return nil
}
