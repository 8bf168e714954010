package redis

import (
	"fmt"
	"net"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// Backoff says how long the StateMachine client waits between attempts to
// reconnect: Min after the connection is lost, then twice as long after
// each failed attempt, up to Max. Zero fields take the defaults.
type Backoff struct {
	Min time.Duration // default 100ms
	Max time.Duration // default 5s
}

// The states of the machine.
const (
	stateDisconnected = "disconnected"
	stateConnected    = "connected"
)

// StateMachine is the 03.3 client: the NonBlocking client rewritten as a
// state machine with two states. Connected, it pipelines like NonBlocking.
// When the connection breaks it fails every waiting caller with
// ErrDisconnected, moves to disconnected, answers every Command at once
// with ErrDisconnected, and tries to reconnect each time its state timeout
// fires, backing off between attempts.
type StateMachine struct {
	pid actor.PID
}

// StartStateMachine starts the client. It makes its first connection
// attempt at once but succeeds even if Redis is not up yet: it then starts
// disconnected and keeps trying.
func StartStateMachine(addr string, b Backoff) (*StateMachine, error) {
	if b.Min <= 0 {
		b.Min = 100 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 5 * time.Second
	}
	b.Max = max(b.Max, b.Min)
	pid, err := actor.StartStateMachine(&machine{addr: addr, backoff: b}, actor.Kind("redis.StateMachine"))
	if err != nil {
		return nil, fmt.Errorf("redis: start state machine client for %s: %w", addr, err)
	}
	return &StateMachine{pid: pid}, nil
}

// PID is the client's state machine process.
func (c *StateMachine) PID() actor.PID { return c.pid }

// Close stops the state machine, which closes the connection if it has one.
func (c *StateMachine) Close() error { return stop(c.pid) }

// Command sends args as one command and returns Redis's reply; an error
// reply comes back as a *resp.Error. While the client is disconnected, or
// if the connection breaks before the reply, it returns an error wrapping
// ErrDisconnected at once.
func (c *StateMachine) Command(args ...string) (any, error) {
	panic("TODO(03.3): actor.Call the machine with command(args); return an error reply as the error")
}

// Messages from a connection's reader. Each carries its connection, so that
// a late message from a connection already given up is recognised and
// dropped instead of being taken for a reply on the new one.
type (
	connReply struct {
		conn net.Conn
		v    any
	}
	connLost struct {
		conn net.Conn
		err  error
	}
)

// reconnect is the state timeout's message: time to try again.
type reconnect struct{}

// machine is the StateMachine behind the client. Its fields are the
// machine's data; the state is the machine's current state name.
type machine struct {
	actor.BaseStateMachine
	addr      string
	backoff   Backoff
	wait      time.Duration // the next backoff
	conn      net.Conn      // nil while disconnected
	closeConn func() bool   // stops the context.AfterFunc that closes conn
	buf       []byte
	waiting   []actor.From
}

// Init starts in stateDisconnected with a state timeout that fires at
// once (After: 0), so the first connection attempt takes the same path as
// every later one.
func (m *machine) Init(p *actor.Process) (actor.Transition, error) {
	panic("TODO(03.3): m.wait = m.backoff.Min; go to stateDisconnected with actor.StateTimeout{After: 0, Msg: reconnect{}}")
}

// States maps each state to its function.
func (m *machine) States() map[string]actor.StateFunc {
	return map[string]actor.StateFunc{
		stateDisconnected: m.disconnected,
		stateConnected:    m.connected,
	}
}

// disconnected: a CallEvent is answered at once with ErrDisconnected
// (actor.ReplyTo). A StateTimeoutEvent means "try now": dial; on failure
// keep the state with a new StateTimeout of the current backoff (and double
// it, up to Max); on success start a reader for the connection (like
// readReplies, but tagging each message with conn) and go to
// stateConnected. Never time.Sleep here: a sleeping process answers nobody.
func (m *machine) disconnected(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
	panic("TODO(03.3): answer calls with ErrDisconnected; on the state timeout, dial and connect or back off")
}

// connected works like the NonBlocking server: a CallEvent writes the
// command and queues ev.From; an InfoEvent connReply answers the oldest
// caller; connLost fails every waiting caller with ErrDisconnected, closes
// the connection and goes to stateDisconnected with a StateTimeout for the
// first reconnection attempt. Ignore messages whose conn is not m.conn.
func (m *machine) connected(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
	panic("TODO(03.3): write and queue calls, answer replies in order, on connLost fail the callers and disconnect")
}
