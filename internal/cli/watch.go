package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/catalog"
	"github.com/otpgo/otpgo/internal/check"
	"github.com/otpgo/otpgo/internal/runner"
	"github.com/otpgo/otpgo/internal/session"
	"github.com/otpgo/otpgo/internal/watch"
)

func init() { register(newWatchCommand) }

// newWatchCommand builds `otpgo watch [ID] [--poll]`.
func newWatchCommand(a *App) *cobra.Command {
	var poll, noRace bool
	cmd := &cobra.Command{
		Use:   "watch [ID]",
		Short: "Check a step again every time you save its files",
		Long: `watch checks a step (or every step of a chapter) once, then again each time
you save one of its files, until you press Ctrl-C. With no ID it watches the
next step you have not passed. When the step passes it says so and names the
next one, but it keeps watching this one: moving on is your decision.

Saves are noticed through file-system events; where those don't arrive
(WSL's /mnt, network drives, some containers) watch notices and polls
instead. --poll makes it poll from the start.`,
		Example: `  otpgo watch
  otpgo watch 02.1
  otpgo watch 03 --poll`,
		GroupID:           groupLearn,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: a.completeIDs(false),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWatch(cmd.Context(), a, args, poll, noRace)
		},
	}
	cmd.Flags().BoolVar(&poll, "poll", false, "poll the files instead of waiting for file-system events")
	cmd.Flags().BoolVar(&noRace, "no-race", false, "check without the race detector")
	return cmd
}

func runWatch(ctx context.Context, a *App, args []string, poll, noRace bool) error {
	sess, err := a.Session()
	if err != nil {
		return err
	}
	var steps []*catalog.Step
	if len(args) == 0 {
		next, err := sess.Next()
		if err != nil {
			return err
		}
		if next == nil {
			fmt.Fprintln(a.Out, "Every written step passes: nothing to watch. Watch one again by ID (otpgo watch gs.1).")
			return nil
		}
		steps = []*catalog.Step{next}
	} else {
		t, err := sess.Course.Resolve(args[0])
		if err != nil {
			return err
		}
		for _, s := range t.Steps() {
			if s.Gradable() {
				steps = append(steps, s)
			}
		}
		if len(steps) == 0 {
			return fmt.Errorf("%s has nothing to check: read it with otpgo lesson show %s (chapter 06 is otpgo observe)", t.ID(), t.ID())
		}
	}
	if err := a.requireGo(ctx, "otpgo watch"); err != nil {
		return err
	}
	ch := steps[0].Chapter
	var files []string
	for _, s := range steps {
		for _, f := range s.Files {
			if !slices.Contains(files, f) {
				files = append(files, f)
			}
		}
	}

	modes := make(chan string, 4)
	w, err := watch.New(watch.Options{
		Dir:      sess.Dir(ch),
		Files:    files,
		Poll:     poll,
		ProbeDir: sess.WS.StateDir(),
		OnMode: func(m watch.Mode, why string) {
			if m == watch.Poll {
				select {
				case modes <- why:
				default:
				}
			}
		},
	})
	if err != nil {
		return fmt.Errorf("watch %s: %w", ch.Dir, err)
	}
	defer w.Close()

	s := a.style()
	race := !noRace && a.RaceSupported(ctx)
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = ch.ExercisePath(f)
	}
	fmt.Fprintf(a.Out, "Watching %s for %s. Save to re-check; Ctrl-C stops.\n", strings.Join(paths, ", "), idList(steps))

	runOnce := func(why string) error {
		fmt.Fprintf(a.Out, "\n%s %s\n", s.dim(a.Now().Format("15:04:05")), s.dim("checking "+idList(steps)+" ("+why+")"))
		act := a.startActivity(session.PhaseText(runner.PhaseCompiling) + "...")
		res, err := sess.Check(ctx, steps, check.Options{Race: race, Progress: func(p runner.Phase) {
			if p == runner.PhaseRunning {
				act.set(session.PhaseText(p) + "...")
			}
		}})
		act.stopActivity()
		if err != nil {
			return err
		}
		if res.RecordErr != nil {
			fmt.Fprintf(a.Err, "warning: %v\n", res.RecordErr)
		}
		a.printWatchVerdicts(session.ReportOf(sess.Course, steps, res.Verdicts, res.State, false))
		return nil
	}

	if err := runOnce("first check"); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(a.Out, "\nStopped watching.")
			return ctx.Err()
		case why := <-modes:
			fmt.Fprintf(a.Err, "%s\n", s.yellow("watch: "+why))
		case change := <-w.Changes():
			// Saves during this check are merged into the watcher's one
			// pending Change: exactly one more check follows, never a pile.
			if err := runOnce("you saved " + strings.Join(change.Files, ", ")); err != nil {
				if ctx.Err() != nil {
					fmt.Fprintln(a.Out, "\nStopped watching.")
					return ctx.Err()
				}
				return err
			}
		}
	}
}

// printWatchVerdicts is printVerdicts for watch mode: the advice is to
// save again, and a pass names the next step without moving to it.
func (a *App) printWatchVerdicts(rep *session.Report) {
	s := a.style()
	w := a.Out
	a.printStepReports(rep, false, false)
	steps := make([]*catalog.Step, len(rep.Steps))
	for i, sr := range rep.Steps {
		steps[i] = sr.Step
	}
	if !rep.AllPassed() {
		fmt.Fprintln(w, s.dim("Waiting for your next save... (otpgo hint "+rep.FirstFailed.ID+" for a hint)"))
		return
	}
	msg := "All " + idList(steps) + " pass!"
	if len(steps) == 1 {
		msg = steps[0].ID + " passes!"
	}
	fmt.Fprintln(w, s.green(s.bold(msg)))
	if next := rep.Next; next != nil {
		fmt.Fprintf(w, "Next: %s %s. When you are ready: Ctrl-C, then %s (still watching %s until then)\n",
			next.ID, next.Title, s.bold("otpgo watch "+next.ID), idList(steps))
		return
	}
	fmt.Fprintln(w, "Every step passes. Well done. (Ctrl-C stops watching.)")
}
