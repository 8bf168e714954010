package sup

import (
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// counter is a GenServer holding an int.
type counter struct {
	actor.BaseServer
	n int
}

type (
	valueReq struct{}
	incrReq  struct{}
)

// CounterSpec returns the child spec of a counter registered as name,
// starting at initial. Restarted, the counter starts at initial again:
// its state died with its process.
func CounterSpec(name string, initial int) ChildSpec {
	return ChildSpec{
		ID: name,
		Start: func(sup *actor.Process) (actor.PID, error) {
			return sup.StartLinkServer(&counter{n: initial}, actor.Name(name), actor.Kind("counter"))
		},
	}
}

// Value returns the value of the counter registered as name.
func Value(name string) (int, error) { return call(name, valueReq{}) }

// Incr adds one to the counter registered as name and returns the new
// value.
func Incr(name string) (int, error) { return call(name, incrReq{}) }

func call(name string, req any) (int, error) {
	pid, ok := actor.WhereIs(name)
	if !ok {
		return 0, fmt.Errorf("counter %q: %w", name, actor.NoProc)
	}
	v, err := actor.Call(pid, req, time.Second)
	if err != nil {
		return 0, fmt.Errorf("counter %q: %w", name, err)
	}
	return v.(int), nil
}

// HandleCall answers Value and Incr.
func (c *counter) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	switch req.(type) {
	case valueReq:
		return c.n, nil
	case incrReq:
		c.n++
		return c.n, nil
	}
	return nil, fmt.Errorf("counter: unknown request %T", req)
}
