package cli

import (
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/gocmd"
)

func init() { register(newBenchCommand) }

// benchPackages are the measuring programs of the chapters with a
// benchmark, by chapter ID. Each is a main package of the checkout that
// `otpgo bench` runs with go run: what they measure against (go-redis,
// miniredis) then never weighs on otpgo's own build.
var benchPackages = map[string]string{
	"03": "./internal/bench/redis03/table",
}

// defaultBenchDuration is the measuring programs' own default.
const defaultBenchDuration = 500 * time.Millisecond

type benchOptions struct {
	learner  bool
	duration time.Duration
}

// newBenchCommand builds `otpgo bench <chapter>`.
func newBenchCommand(a *App) *cobra.Command {
	var o benchOptions
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range benchPackages {
			if !yield(id) {
				return
			}
		}
	})
	cmd := &cobra.Command{
		Use:   "bench <chapter>",
		Short: "Measure a chapter's reference code (and yours, with --learner)",
		Long: `Measure a chapter's reference implementations side by side with their
baselines, and with --learner your own code from exercises/ in the same
table. Chapters with a benchmark: ` + strings.Join(ids, ", ") + `.

  03  the blocking, non-blocking and state machine Redis clients and go-redis,
      at 1, 16 and 64 concurrent callers, on an embedded miniredis: straight
      over loopback, and through a proxy adding 1ms to each round trip.

The measuring program is built from your checkout with go run the first
time (go-redis and miniredis take a minute or so to compile on a cold build
cache; otpgo shows how long it has been building).`,
		Example: `  otpgo bench 03
  otpgo bench 03 --learner`,
		GroupID: groupPlay,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pkg, ok := benchPackages[args[0]]
			if !ok {
				return fmt.Errorf("no benchmark for chapter %q; chapters with one: %s", args[0], strings.Join(ids, ", "))
			}
			if o.duration <= 0 {
				return fmt.Errorf("--duration %v: give a positive duration, e.g. --duration 500ms", o.duration)
			}
			return runBench(a, cmd, args[0], pkg, o)
		},
	}
	cmd.Flags().BoolVar(&o.learner, "learner", false, "also measure your own code in exercises/ (compiled now with go run)")
	cmd.Flags().DurationVar(&o.duration, "duration", defaultBenchDuration, "how long each measurement lasts")
	return cmd
}

// runBench runs a chapter's measuring program with go run in the checkout,
// passing its table through, and says how long the build has taken until
// the program speaks.
func runBench(a *App, cmd *cobra.Command, chapter, pkg string, o benchOptions) error {
	ctx := cmd.Context()
	if err := a.requireGo(ctx, "otpgo bench "+chapter); err != nil {
		return err
	}
	ws, err := a.Workspace()
	if err != nil {
		return err
	}
	args := []string{"run", pkg, "-duration", o.duration.String()}
	if o.learner {
		args = append(args, "-learner")
	}
	c := gocmd.Command(ctx, ws.Root, args...)
	started := a.Now()
	b := &buildProgress{a: a, what: "go run " + pkg, started: started, done: make(chan struct{})}
	c.Stdout = b.writer(a.Out)
	c.Stderr = b.writer(a.Err)
	fmt.Fprintf(a.Err, "Building the measuring program (go run %s; the first time compiles go-redis and miniredis)...\n", pkg)
	if err := c.Start(); err != nil {
		return fmt.Errorf("otpgo bench %s: start go run: %w", chapter, err)
	}
	ticker := make(chan struct{})
	go func() {
		defer close(ticker)
		b.tick()
	}()
	err = c.Wait()
	b.stop()
	<-ticker
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("otpgo bench %s: go run %s exited with status %d (its message is above)", chapter, pkg, ee.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("otpgo bench %s: go run %s: %w", chapter, pkg, err)
	}
	return nil
}
