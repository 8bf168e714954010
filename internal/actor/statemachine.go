package actor

import "time"

// This file is gen_statem in state-functions mode.
//
// A state machine is a process with a current state (a string, like an
// Erlang atom) and one StateFunc per state. Every event (a Call, a Cast,
// any other message, a timeout, or an event the machine inserted itself)
// goes to the current state's function, which returns a Transition: the
// next state (or "" to keep the current one) and a list of typed actions.
// The data lives in the fields of the type implementing StateMachine.
//
//	type door struct{ actor.BaseStateMachine; code string }
//
//	func (d *door) Init(p *actor.Process) (actor.Transition, error) {
//		return actor.NextState("locked"), nil
//	}
//
//	func (d *door) States() map[string]actor.StateFunc {
//		return map[string]actor.StateFunc{"locked": d.locked, "open": d.open}
//	}
//
//	func (d *door) locked(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
//		if ev.Type == actor.CallEvent && ev.Content == d.code {
//			return actor.NextState("open",
//				actor.ReplyTo{From: ev.From, Value: "opened"},
//				actor.StateTimeout{After: 10 * time.Second, Msg: "lock"}), nil
//		}
//		if ev.Type == actor.CallEvent {
//			return actor.KeepState(actor.ReplyTo{From: ev.From, Value: "wrong code"}), nil
//		}
//		return actor.KeepState(), nil
//	}
//
//	func (d *door) open(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
//		switch ev.Type {
//		case actor.StateTimeoutEvent: // ten seconds in "open"
//			return actor.NextState("locked"), nil
//		case actor.CallEvent: // wait until locked again
//			return actor.KeepState(actor.Postpone{}), nil
//		}
//		return actor.KeepState(), nil
//	}
//
// Events are handled in this order after each transition: events inserted
// with NextEvent (in action order), then, if the state changed, the
// postponed events (in arrival order), then the mailbox.

// EventType is the type of a StateEvent.
type EventType int

const (
	// InternalEvent is an event inserted with a NextEvent action (the zero
	// EventType, so NextEvent{Content: x} is internal).
	InternalEvent EventType = iota
	// CallEvent is a Call; answer it with a ReplyTo action or Reply.
	CallEvent
	// CastEvent is a Cast.
	CastEvent
	// InfoEvent is any other message: Send, Down, ExitMsg, SendAfter.
	InfoEvent
	// StateTimeoutEvent is a StateTimeout that fired.
	StateTimeoutEvent
	// EventTimeoutEvent is an EventTimeout that fired.
	EventTimeoutEvent
	// TimeoutEvent is a named GenericTimeout that fired; StateEvent.Name
	// says which.
	TimeoutEvent
)

// String returns the Erlang name of the event type: "internal", "call",
// "cast", "info", "state_timeout", "timeout" or "{timeout,Name}".
func (t EventType) String() string { panic(notYet) }

// StateEvent is one event given to a StateFunc.
type StateEvent struct {
	Type    EventType
	From    From   // the caller, for a CallEvent
	Content any    // the request, message or timeout message
	Name    string // the timer's name, for a TimeoutEvent
}

// StateFunc handles one event in one state. It returns the transition to
// make; a non-nil error stops the machine with that reason (Terminate
// runs; ReplyTo actions in the transition are still performed first).
type StateFunc func(p *Process, ev StateEvent) (Transition, error)

// Transition is what a StateFunc returns: the next state ("" keeps the
// current state) and actions to perform, in order.
type Transition struct {
	Next    string
	Actions []Action
}

// NextState goes to state ({next_state, State, Data, Actions}). Going to
// the current state is not a state change: postponed events stay
// postponed and the state timeout keeps running.
func NextState(state string, actions ...Action) Transition {
	return Transition{Next: state, Actions: actions}
}

// KeepState stays in the current state ({keep_state, Data, Actions}).
func KeepState(actions ...Action) Transition { return Transition{Actions: actions} }

// Action is something a StateFunc asks the machine to do: ReplyTo,
// NextEvent, Postpone, StateTimeout, EventTimeout or GenericTimeout.
type Action interface{ isAction() }

// ReplyTo answers a call ({reply, From, Reply}).
type ReplyTo struct {
	From  From
	Value any
}

// NextEvent inserts an event to be handled next, before any event already
// queued ({next_event, Type, Content}). Type defaults to InternalEvent.
type NextEvent struct {
	Type    EventType
	Content any
}

// Postpone keeps the current event and handles it again after the next
// state change (postpone).
type Postpone struct{}

// StateTimeout delivers a StateTimeoutEvent with Msg after the machine has
// stayed After in the current state ({state_timeout, Time, Msg}). A state
// change cancels it; a new StateTimeout replaces it; After Infinity
// cancels it; After 0 delivers it before any queued external event.
type StateTimeout struct {
	After time.Duration
	Msg   any
}

// EventTimeout delivers an EventTimeoutEvent with Msg if no other event
// arrives within After ({timeout, Time, Msg}). Any event cancels it.
type EventTimeout struct {
	After time.Duration
	Msg   any
}

// GenericTimeout delivers a TimeoutEvent with Msg and Name after After
// ({{timeout, Name}, Time, Msg}). State changes do not cancel it; a new
// GenericTimeout with the same Name replaces it; After Infinity cancels
// it.
type GenericTimeout struct {
	Name  string
	After time.Duration
	Msg   any
}

func (ReplyTo) isAction()        {}
func (NextEvent) isAction()      {}
func (Postpone) isAction()       {}
func (StateTimeout) isAction()   {}
func (EventTimeout) isAction()   {}
func (GenericTimeout) isAction() {}

// StateMachine is a gen_statem callback module in state-functions mode.
// Embed BaseStateMachine for a default Terminate.
type StateMachine interface {
	// Init runs in the new process before StartStateMachine returns; the
	// Transition's Next is the initial state and its actions run first. A
	// non-nil error stops the machine and is returned by StartStateMachine.
	Init(p *Process) (Transition, error)
	// States maps each state name to its StateFunc. It is called once,
	// after Init.
	States() map[string]StateFunc
	// Terminate runs when the machine stops, as for Server.Terminate.
	Terminate(p *Process, state string, reason error)
}

// BaseStateMachine gives a StateMachine a Terminate that does nothing.
type BaseStateMachine struct{}

// Terminate does nothing.
func (BaseStateMachine) Terminate(p *Process, state string, reason error) {}

// StartStateMachine starts m in a new process (gen_statem:start/3) and
// returns once m.Init has returned. Talk to it with Call, Cast, Send and
// Stop.
func StartStateMachine(m StateMachine, opts ...StartOption) (PID, error) { panic(notYet) }

// StartLinkStateMachine is StartStateMachine with the machine linked to p
// and p as its parent (gen_statem:start_link/3).
func (p *Process) StartLinkStateMachine(m StateMachine, opts ...StartOption) (PID, error) {
	panic(notYet)
}
