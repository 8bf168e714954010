package cli

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/observer"
)

func init() { register(newObserveCommand) }

// newObserveCommand builds `otpgo observe` (chapter 06).
func newObserveCommand(a *App) *cobra.Command {
	var workers int
	cmd := &cobra.Command{
		Use:   "observe",
		Short: "Watch a live supervision tree; kill and crash its processes (chapter 06)",
		Long: `observe starts a small demo application on otpgo's actor runtime and shows
its supervision tree live: each process's status, mailbox, message count and
restarts. Select a process and press k to kill it or c to crash it, and watch
its supervisor restart it; l puts load on the workers. Lesson: otpgo lesson show 06`,
		GroupID: groupPlay,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !a.Interactive() || !a.IsTerminal(a.Stdin) {
				return errors.New("otpgo observe is a full-screen view: run it in a terminal (not through a pipe or a file)")
			}
			if workers < 1 || workers > 64 {
				return usageError{cmd: cmd, err: fmt.Errorf("--workers must be between 1 and 64; got %d", workers)}
			}
			// Subscribe before the demo starts, so its spawns are in the log.
			feed := observer.NewFeed(actor.Subscribe)
			defer feed.Close()
			demo, err := observer.StartDemo(observer.DemoConfig{Workers: workers})
			if err != nil {
				return err
			}
			m := observer.New(observer.Options{Demo: demo, Feed: feed})
			_, runErr := tea.NewProgram(m, tea.WithContext(cmd.Context()), tea.WithInput(a.Stdin), tea.WithOutput(a.Out)).Run()
			stopErr := demo.Stop()
			if runErr != nil {
				if ctxErr := cmd.Context().Err(); ctxErr != nil {
					return ctxErr
				}
				return fmt.Errorf("observe: %w", runErr)
			}
			return stopErr
		},
	}
	cmd.Flags().IntVar(&workers, "workers", 4, "workers in the demo's pool")
	return cmd
}
