package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/mine"
	"github.com/otpgo/otpgo/internal/observer"
)

func init() { register(newObserveCommand) }

// newObserveCommand builds `otpgo observe` (chapter 06).
func newObserveCommand(a *App) *cobra.Command {
	var workers int
	var chapter string
	cmd := &cobra.Command{
		Use:   "observe",
		Short: "Watch a live supervision tree; kill and crash its processes (chapter 06)",
		Long: `observe starts a small demo application on otpgo's actor runtime and shows
its supervision tree live: each process's status, mailbox, message count and
restarts. Select a process and press k to kill it or c to crash it, and watch
its supervisor restart it; l puts load on the workers. Lesson: otpgo lesson show 06

With --mine CHAPTER it shows your own tree instead: otpgo compiles your
exercises/ package of that chapter (` + strings.Join(mine.Chapters(), ", ") + `) into a small program that
starts it (with an embedded Redis where it needs one) under the observer,
so you can kill and crash your processes and watch your strategy act.`,
		GroupID: groupPlay,
		Example: `  otpgo observe
  otpgo observe --mine 04`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// What was asked is checked first: a wrong chapter is worth
			// knowing before where it runs.
			if cmd.Flags().Changed("mine") {
				if _, err := mine.Source(chapter); err != nil {
					return usageError{cmd: cmd, err: err}
				}
			} else if workers < 1 || workers > 64 {
				return usageError{cmd: cmd, err: fmt.Errorf("--workers must be between 1 and 64; got %d", workers)}
			}
			if !a.Interactive() || !a.IsTerminal(a.Stdin) {
				return errors.New("otpgo observe is a full-screen view: run it in a terminal (not through a pipe or a file)")
			}
			if cmd.Flags().Changed("mine") {
				return observeMine(a, cmd, chapter)
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
	cmd.Flags().StringVar(&chapter, "mine", "", "observe your own tree of this chapter ("+strings.Join(mine.Chapters(), ", ")+") from exercises/")
	return cmd
}

// observeMine builds the program that runs the learner's own tree under the
// observer, then hands it the terminal.
func observeMine(a *App, cmd *cobra.Command, chapter string) error {
	ctx := cmd.Context()
	what := "otpgo observe --mine " + chapter
	if err := a.requireGo(ctx, what); err != nil {
		return err
	}
	ws, err := a.Workspace()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "otpgo-observe-mine-")
	if err != nil {
		return fmt.Errorf("%s: make a directory for the program: %w", what, err)
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(a.Err, "Building your chapter %s with the observer (go build; the first time compiles the observer and miniredis)...\n", chapter)
	started := a.Now()
	b := &buildProgress{a: a, what: "go build", started: started, done: make(chan struct{})}
	ticker := make(chan struct{})
	go func() {
		defer close(ticker)
		b.tick()
	}()
	bin, err := mine.Build(ctx, ws.Root, dir, chapter, nil)
	b.stop()
	<-ticker
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Err, "Built in %.1fs.\n", a.Now().Sub(started).Seconds())
	return mine.Run(ctx, chapter, bin, a.Stdin, a.Out)
}
