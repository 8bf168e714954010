// Command table prints `otpgo bench 03`'s table: chapter 03's reference
// clients beside go-redis and, with -learner, the learner's own clients.
// otpgo runs it with `go run` in the checkout, so go-redis and miniredis
// are compiled only by a learner who asks for the benchmark, never into
// otpgo itself. Run it by hand from the checkout root with
//
//	go run ./internal/bench/redis03/table -duration 500ms -learner
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/otpgo/otpgo/internal/bench/redis03"
)

func main() {
	learner := flag.Bool("learner", false, "also measure exercises/03_redis (compiled now with go run; run from the checkout root)")
	d := flag.Duration("duration", redis03.DefaultOptions.Duration, "how long each measurement lasts")
	flag.Parse()
	if *d <= 0 {
		fmt.Fprintf(os.Stderr, "-duration %v: give a positive duration, e.g. -duration 500ms\n", *d)
		os.Exit(2)
	}
	// otpgo kills the whole process group on Ctrl-C; by hand, Ctrl-C or a
	// TERM/HUP stops the measurements and go run of the learner's code.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := run(ctx, *learner, *d); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, learner bool, d time.Duration) error {
	opts := redis03.DefaultOptions
	opts.Duration = d
	contenders := redis03.Reference()
	cells := len(contenders) * len(opts.Callers) * len(opts.RTTs)
	if learner {
		cells += 3 * len(opts.Callers) * len(opts.RTTs)
	}
	fmt.Fprintf(os.Stderr, "Measuring %d combinations for %v each (about %v)...\n",
		cells, opts.Duration, (time.Duration(cells) * (opts.Duration + opts.Duration/5)).Round(time.Second))
	results, err := redis03.Run(ctx, contenders, opts, nil)
	if err != nil {
		return err
	}
	var learnerErr error
	if learner {
		fmt.Fprintln(os.Stderr, "Now yours: compiling exercises/03_redis with go run...")
		root, err := os.Getwd()
		if err != nil {
			return fmt.Errorf("bench 03 --learner: %w", err)
		}
		mine, err := redis03.RunLearner(ctx, root, opts, nil)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		results = append(results, mine...)
		learnerErr = err
	}
	if err := redis03.WriteTable(os.Stdout, results, opts.Callers); err != nil {
		return err
	}
	if learnerErr != nil {
		fmt.Fprintln(os.Stderr)
		return learnerErr
	}
	return nil
}
