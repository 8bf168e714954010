package actor

import (
	"sync"
	"sync/atomic"
	"time"
)

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

type subscriber struct{ h func(Event) }

var (
	subsMu sync.Mutex
	subs   atomic.Pointer[[]*subscriber] // copy-on-write; nil when empty
)

// Subscribe calls h for every event from now on, until unsubscribe is
// called. h runs synchronously on the goroutine where the event happened,
// so it must be quick and must not block: hand the event to a buffered
// channel, and drop it if the channel is full. A handler that panics is
// unsubscribed (the panic is swallowed so the runtime stays consistent).
//
// Order: a process's Spawned event comes before anything it does, and its
// Exited event before its monitors' Downs, its links' signals, and before
// Run or Stop return; Restarted comes once the new child is running.
func Subscribe(h func(Event)) (unsubscribe func()) {
	s := &subscriber{h: h}
	subsMu.Lock()
	var list []*subscriber
	if old := subs.Load(); old != nil {
		list = append(list, *old...)
	}
	list = append(list, s)
	subs.Store(&list)
	subsMu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { removeSubscriber(s) }) }
}

func removeSubscriber(s *subscriber) {
	subsMu.Lock()
	defer subsMu.Unlock()
	old := subs.Load()
	if old == nil {
		return
	}
	var list []*subscriber
	for _, x := range *old {
		if x != s {
			list = append(list, x)
		}
	}
	if len(list) == 0 {
		subs.Store(nil)
		return
	}
	subs.Store(&list)
}

// hasSubscribers lets hot paths skip building events nobody reads.
func hasSubscribers() bool { return subs.Load() != nil }

func emit(ev Event) {
	list := subs.Load()
	if list == nil {
		return
	}
	ev.Time = time.Now()
	for _, s := range *list {
		deliverEvent(s, ev)
	}
}

func deliverEvent(s *subscriber, ev Event) {
	defer func() {
		if recover() != nil {
			removeSubscriber(s)
		}
	}()
	s.h(ev)
}
