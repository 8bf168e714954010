package actor

import "time"

// EventKind is the kind of an Event.
type EventKind int

const (
	// Spawned: a process started.
	Spawned EventKind = iota
	// Exited: a process exited (or was terminated: its goroutine may still
	// run as a zombie).
	Exited
	// Restarted: a supervisor restarted a child; PID is the new process.
	Restarted
)

// String returns "spawned", "exited" or "restarted".
func (k EventKind) String() string {
	switch k {
	case Spawned:
		return "spawned"
	case Exited:
		return "exited"
	case Restarted:
		return "restarted"
	}
	return "EventKind(?)"
}

// Event is one lifecycle event, delivered to Subscribe handlers.
type Event struct {
	Kind     EventKind
	PID      PID
	Name     string // registered name (at exit, the name it had)
	Parent   PID
	Reason   error // Exited: the exit reason; Restarted: why the previous child exited
	Time     time.Time
	ProcKind string // the process's kind, as in ProcessInfo.Kind
	ChildID  string // Restarted: the child's id in its supervisor
	Old      PID    // Restarted: the child that exited
}

// Subscribe calls h for every event from now on, until unsubscribe is
// called. h runs synchronously on the goroutine where the event happened,
// so it must be quick and must not block: hand the event to a buffered
// channel, and drop it if the channel is full.
func Subscribe(h func(Event)) (unsubscribe func()) { panic(notYet) }
