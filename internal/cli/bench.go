package cli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/otpgo/otpgo/internal/bench/redis03"
)

func init() { register(newBenchCommand) }

// benches are the chapters with a benchmark, by chapter ID.
var benches = map[string]func(a *App, cmd *cobra.Command, o benchOptions) error{
	"03": benchRedis,
}

type benchOptions struct {
	learner  bool
	duration time.Duration
}

// newBenchCommand builds `otpgo bench <chapter>`.
func newBenchCommand(a *App) *cobra.Command {
	var o benchOptions
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range benches {
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
      over loopback, and through a proxy adding 1ms to each round trip.`,
		Example: `  otpgo bench 03
  otpgo bench 03 --learner`,
		GroupID: groupPlay,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			run, ok := benches[args[0]]
			if !ok {
				return fmt.Errorf("no benchmark for chapter %q; chapters with one: %s", args[0], strings.Join(ids, ", "))
			}
			if o.duration <= 0 {
				return fmt.Errorf("--duration %v: give a positive duration, e.g. --duration 500ms", o.duration)
			}
			return run(a, cmd, o)
		},
	}
	cmd.Flags().BoolVar(&o.learner, "learner", false, "also measure your own code in exercises/ (compiled now with go run)")
	cmd.Flags().DurationVar(&o.duration, "duration", redis03.DefaultOptions.Duration, "how long each measurement lasts")
	return cmd
}

// benchRedis is `otpgo bench 03`.
func benchRedis(a *App, cmd *cobra.Command, o benchOptions) error {
	ctx := cmd.Context()
	opts := redis03.DefaultOptions
	opts.Duration = o.duration
	var root string
	if o.learner {
		if err := a.requireGo(ctx, "otpgo bench 03 --learner"); err != nil {
			return err
		}
		ws, err := a.Workspace()
		if err != nil {
			return err
		}
		root = ws.Root
	}
	contenders := redis03.Reference()
	cells := len(contenders) * len(opts.Callers) * len(opts.RTTs)
	if o.learner {
		cells += 3 * len(opts.Callers) * len(opts.RTTs)
	}
	fmt.Fprintf(a.Err, "Measuring %d combinations for %v each (about %v)...\n",
		cells, opts.Duration, (time.Duration(cells) * (opts.Duration + opts.Duration/5)).Round(time.Second))
	results, err := redis03.Run(ctx, contenders, opts, nil)
	if err != nil {
		return err
	}
	var learnerErr error
	if o.learner {
		fmt.Fprintln(a.Err, "Now yours: compiling exercises/03_redis with go run...")
		mine, err := redis03.RunLearner(ctx, root, opts, nil)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		results = append(results, mine...)
		learnerErr = err
	}
	if err := redis03.WriteTable(a.Out, results, opts.Callers); err != nil {
		return err
	}
	if learnerErr != nil {
		fmt.Fprintln(a.Err)
		return learnerErr
	}
	return nil
}
