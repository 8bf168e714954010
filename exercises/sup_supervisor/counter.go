package sup

import (
	"github.com/otpgo/otpgo/internal/actor"
)

// counter is a GenServer holding an int.
type counter struct {
	actor.BaseServer
	// TODO(sup.2): the count.
}

// CounterSpec returns the child spec of a counter registered as name,
// starting at initial. Restarted, the counter starts at initial again:
// its state died with its process.
//
// Step sup.2. ID: name. Start: sup.StartLinkServer(&counter{...},
// actor.Name(name)); the closure captures name and initial.
func CounterSpec(name string, initial int) ChildSpec {
	panic("TODO(sup.2): a ChildSpec whose Start starts a counter GenServer registered as name")
}

// Value returns the value of the counter registered as name.
//
// Step sup.2. actor.WhereIs(name), then actor.Call it.
func Value(name string) (int, error) {
	panic("TODO(sup.2): find the counter by name and ask for its value")
}

// Incr adds one to the counter registered as name and returns the new
// value.
func Incr(name string) (int, error) {
	panic("TODO(sup.2): find the counter by name and ask it to add one")
}

// HandleCall answers Value and Incr.
func (c *counter) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	panic("TODO(sup.2): answer the value and increment requests")
}
