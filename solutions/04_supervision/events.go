// Package supervision is chapter 04 of otpgo: a playground for supervisors
// and supervision trees. Workers report when they start and terminate;
// trees of them are built with each restart strategy, and then broken on
// purpose to watch what the supervisors do.
package supervision

import (
	"fmt"

	"github.com/otpgo/otpgo/internal/actor"
)

// EventKind says what happened to a worker.
type EventKind int

const (
	// Started: the worker's Init ran.
	Started EventKind = iota + 1
	// Terminated: the worker's Terminate ran.
	Terminated
)

// String returns "started" or "terminated".
func (k EventKind) String() string {
	switch k {
	case Started:
		return "started"
	case Terminated:
		return "terminated"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is what a worker reports to its Sink.
type Event struct {
	Kind   EventKind
	ID     string    // the worker's id, the same as its child spec's ID
	PID    actor.PID // the worker's process
	Reason error     // Terminated: the reason Terminate was given
}

// String formats e as "started orders <0.12>" or
// "terminated orders <0.12>: boom".
func (e Event) String() string {
	if e.Kind == Terminated {
		return fmt.Sprintf("%s %s %v: %v", e.Kind, e.ID, e.PID, e.Reason)
	}
	return fmt.Sprintf("%s %s %v", e.Kind, e.ID, e.PID)
}

// Sink receives a worker's events. It is called from the worker's own
// process, so it must be quick and must not block: print, append under a
// mutex, or hand the event to a buffered channel.
type Sink func(Event)
