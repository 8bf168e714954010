package actor

import (
	"fmt"
	"time"
)

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
// "cast", "info", "state_timeout", "timeout" or "generic_timeout".
func (t EventType) String() string {
	switch t {
	case InternalEvent:
		return "internal"
	case CallEvent:
		return "call"
	case CastEvent:
		return "cast"
	case InfoEvent:
		return "info"
	case StateTimeoutEvent:
		return "state_timeout"
	case EventTimeoutEvent:
		return "timeout"
	case TimeoutEvent:
		return "generic_timeout"
	}
	return "EventType(?)"
}

// StateEvent is one event given to a StateFunc.
type StateEvent struct {
	Type    EventType
	From    From   // the caller, for a CallEvent
	Content any    // the request, message or timeout message
	Name    string // the timer's name, for a TimeoutEvent
}

// StateFunc handles one event in one state. It returns the transition to
// make; a non-nil error stops the machine with that reason: of the
// transition, only the ReplyTo actions are performed, then Terminate runs
// in the current state ({stop_and_reply, Reason, Replies}).
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
func StartStateMachine(m StateMachine, opts ...StartOption) (PID, error) {
	return startMachine(nil, m, opts)
}

// StartLinkStateMachine is StartStateMachine with the machine linked to p
// and p as its parent (gen_statem:start_link/3).
func (p *Process) StartLinkStateMachine(m StateMachine, opts ...StartOption) (PID, error) {
	return startMachine(p, m, opts)
}

func startMachine(parent *Process, m StateMachine, opts []StartOption) (PID, error) {
	return start(parent, spawnReq{kind: "statemachine", opts: opts}, func(p *Process, ready chan<- error) error {
		sm := &machine{p: p, m: m}
		return sm.run(ready)
	})
}

// machine is the state of a state machine process: gen_statem's loop
// data.
type machine struct {
	p      *Process
	m      StateMachine
	states map[string]StateFunc
	state  string
	// queue holds events to handle before the mailbox: inserted
	// NextEvents, replayed postponed events and zero-time timeouts
	// (StateEvent or timeout values).
	queue     []any
	postponed []StateEvent
	stateT    timeoutSlot
	eventT    timeoutSlot
	generic   map[string]*timeoutSlot
}

// timeoutSlot is one running timeout. A timeout message whose ref is not
// the slot's current ref was cancelled or replaced, and is dropped.
type timeoutSlot struct {
	ref   Ref
	timer *Timer
}

// timeout is the message a timeout sends to its machine.
type timeout struct {
	typ  EventType
	name string
	ref  Ref
	msg  any
}

// String is how a trace shows the message, as gen_statem writes the
// event: {state_timeout, Msg}, a generic timeout with its name.
func (t timeout) String() string {
	s := "{" + t.typ.String()
	if t.name != "" {
		s += " " + t.name
	}
	if t.msg != nil {
		s += ", " + fmt.Sprint(t.msg)
	}
	return s + "}"
}

func (sm *machine) run(ready chan<- error) error {
	return behave(sm.p, sm, ready, sm.next)
}

func (sm *machine) init(p *Process) error {
	tr, err := sm.m.Init(p)
	if err != nil {
		return err
	}
	sm.states = sm.m.States()
	if sm.states[tr.Next] == nil {
		return fmt.Errorf("statemachine: Init returned state %q, which has no StateFunc in States()", tr.Next)
	}
	sm.enter(tr.Next)
	return sm.perform(nil, Transition{Actions: tr.Actions})
}

// next returns the next message: first the events the machine queued
// itself (StateEvent or timeout values), then the mailbox.
func (sm *machine) next() (any, error) {
	if len(sm.queue) > 0 {
		msg := sm.queue[0]
		sm.queue[0] = nil
		sm.queue = sm.queue[1:]
		return msg, nil
	}
	return sm.p.Receive(Infinity)
}

func (sm *machine) handleCall(p *Process, c *call) error {
	return sm.handle(StateEvent{Type: CallEvent, From: From{c}, Content: c.req})
}

func (sm *machine) handleCast(p *Process, msg any) error {
	return sm.handle(StateEvent{Type: CastEvent, Content: msg})
}

func (sm *machine) handleInfo(p *Process, msg any) error {
	switch m := msg.(type) {
	case StateEvent: // inserted or postponed, from the queue
		return sm.handle(m)
	case timeout:
		slot := sm.slot(m.typ, m.name)
		if slot == nil || slot.ref != m.ref {
			return nil // cancelled or replaced
		}
		*slot = timeoutSlot{}
		return sm.handle(StateEvent{Type: m.typ, Content: m.msg, Name: m.name})
	}
	return sm.handle(StateEvent{Type: InfoEvent, Content: msg})
}

func (sm *machine) terminate(p *Process, reason error) { sm.m.Terminate(p, sm.state, reason) }

// handle gives ev to the current state's function and performs the
// transition it returns.
func (sm *machine) handle(ev StateEvent) error {
	sm.cancel(&sm.eventT) // any event cancels the event timeout
	tr, err := sm.states[sm.state](sm.p, ev)
	if err != nil {
		// {stop_and_reply, Reason, Replies}: no state change, no
		// timers, only the replies.
		for _, a := range tr.Actions {
			if r, ok := a.(ReplyTo); ok {
				Reply(r.From, r.Value)
			}
		}
		return err
	}
	return sm.perform(&ev, tr)
}

// perform carries out a transition: the actions in order, then the state
// change. ev is the event being handled (nil for Init's actions). It
// returns a non-nil error if the transition is invalid.
func (sm *machine) perform(ev *StateEvent, tr Transition) error {
	var (
		postpone bool
		inserted []any
		stateT   *StateTimeout
		eventT   *EventTimeout
	)
	for _, a := range tr.Actions {
		switch a := a.(type) {
		case ReplyTo:
			Reply(a.From, a.Value)
		case NextEvent:
			inserted = append(inserted, StateEvent{Type: a.Type, Content: a.Content})
		case Postpone:
			postpone = ev != nil
		case StateTimeout:
			stateT = &a
		case EventTimeout:
			eventT = &a
		case GenericTimeout:
			if sm.generic == nil {
				sm.generic = make(map[string]*timeoutSlot)
			}
			if sm.generic[a.Name] == nil {
				sm.generic[a.Name] = &timeoutSlot{}
			}
			sm.arm(sm.generic[a.Name], TimeoutEvent, a.Name, a.After, a.Msg)
		}
	}
	if postpone {
		sm.postponed = append(sm.postponed, *ev)
	}
	next := tr.Next
	if next == "" {
		next = sm.state
	}
	if sm.states[next] == nil {
		return fmt.Errorf("statemachine %v: state %q went to state %q, which has no StateFunc in States()",
			sm.p.Self(), sm.state, next)
	}
	if next != sm.state {
		sm.enter(next)
		sm.cancel(&sm.stateT)
		for _, e := range sm.postponed {
			inserted = append(inserted, e)
		}
		sm.postponed = nil
	}
	if len(inserted) > 0 {
		sm.queue = append(inserted, sm.queue...)
	}
	if stateT != nil {
		sm.arm(&sm.stateT, StateTimeoutEvent, "", stateT.After, stateT.Msg)
	}
	if eventT != nil {
		sm.cancel(&sm.eventT)
		// An event timeout only fires if nothing else happens first, so
		// one of zero time fires only when no event is waiting.
		if eventT.After != 0 || (len(sm.queue) == 0 && sm.p.mailboxEmpty()) {
			sm.arm(&sm.eventT, EventTimeoutEvent, "", eventT.After, eventT.Msg)
		}
	}
	return nil
}

// arm (re)starts the timeout in slot; After Infinity only cancels it, and
// After 0 queues it before any external event.
func (sm *machine) arm(slot *timeoutSlot, typ EventType, name string, after time.Duration, msg any) {
	sm.cancel(slot)
	if after < 0 {
		return
	}
	slot.ref = MakeRef()
	t := timeout{typ: typ, name: name, ref: slot.ref, msg: msg}
	if after == 0 {
		sm.queue = append(sm.queue, t)
		return
	}
	slot.timer = SendAfter(sm.p.Self(), t, after)
}

func (sm *machine) cancel(slot *timeoutSlot) {
	if slot.timer != nil {
		slot.timer.Cancel()
	}
	*slot = timeoutSlot{}
}

func (sm *machine) slot(typ EventType, name string) *timeoutSlot {
	switch typ {
	case StateTimeoutEvent:
		return &sm.stateT
	case EventTimeoutEvent:
		return &sm.eventT
	}
	return sm.generic[name]
}

// enter makes state current and shows it in Processes().
func (sm *machine) enter(state string) {
	sm.state = state
	sm.p.mu.Lock()
	sm.p.x().smState = state
	sm.p.mu.Unlock()
}
