package concurrency

import (
	"fmt"

	"github.com/otpgo/otpgo/internal/actor"
)

// ParallelMap returns fn(child, item) for every item, in input order, each
// computed by a monitored task in its own process. If a call crashes,
// ParallelMap kills the tasks still running and returns the crash as an
// error.
func ParallelMap[T, R any](p *actor.Process, items []T, fn func(p *actor.Process, item T) R) ([]R, error) {
	tasks := make([]Task[R], len(items))
	for i, item := range items {
		tasks[i] = ExecuteAsyncMonitored(p, func(child *actor.Process) R { return fn(child, item) })
	}
	out := make([]R, len(items))
	for i, t := range tasks {
		v, err := AwaitOrKillMonitored(p, t, actor.Infinity)
		if err != nil {
			for _, rest := range tasks[i+1:] {
				actor.Exit(rest.pid, actor.Kill)
				p.Demonitor(rest.mon, true)
				_, _ = p.ReceiveMatch(rest.matchReply, 0)
			}
			return nil, fmt.Errorf("parallel map, item %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}
