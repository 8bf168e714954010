// Command learner measures the learner's own chapter 03 clients
// (exercises/03_redis) and prints one JSON Result per line. `otpgo bench 03
// --learner` runs it with `go run`, so that it compiles the exercise as it
// is now; run it by hand from the checkout root with
//
//	go run ./internal/bench/redis03/learner -callers 1,16,64 -duration 500ms -rtts 0,1ms
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	redis "github.com/otpgo/otpgo/exercises/03_redis"
	"github.com/otpgo/otpgo/internal/bench/redis03"
)

func main() {
	callers := flag.String("callers", "1,16,64", "comma-separated numbers of concurrent callers")
	d := flag.Duration("duration", redis03.DefaultOptions.Duration, "how long to measure each client at each number of callers")
	rtts := flag.String("rtts", "0,1ms", "comma-separated round trips to add with a delay proxy (0: loopback)")
	flag.Parse()
	opts := redis03.Options{Duration: *d}
	for _, f := range strings.Split(*rtts, ",") {
		rtt, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || rtt < 0 {
			fmt.Fprintf(os.Stderr, "learner bench: -rtts %q: want durations like 0,1ms\n", *rtts)
			os.Exit(2)
		}
		opts.RTTs = append(opts.RTTs, rtt)
	}
	for _, f := range strings.Split(*callers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "learner bench: -callers %q: want positive numbers like 1,16,64\n", *callers)
			os.Exit(2)
		}
		opts.Callers = append(opts.Callers, n)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	contenders := []redis03.Contender{
		{Name: redis03.LearnerPrefix + redis03.Blocking, Start: func(addr string) (redis03.Client, error) { return redis.StartBlocking(addr) }},
		{Name: redis03.LearnerPrefix + redis03.NonBlocking, Start: func(addr string) (redis03.Client, error) { return redis.StartNonBlocking(addr) }},
		{Name: redis03.LearnerPrefix + redis03.StateMachine, Start: func(addr string) (redis03.Client, error) {
			return redis.StartStateMachine(addr, redis.Backoff{})
		}},
	}
	enc := json.NewEncoder(os.Stdout)
	_, err := redis03.Run(ctx, contenders, opts, func(r redis03.Result) {
		_ = enc.Encode(redis03.Wire(r))
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "learner bench:", err)
		os.Exit(1)
	}
}
