package redis

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/resp"
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
	if len(args) == 0 {
		return nil, errEmptyCommand
	}
	v, err := actor.Call(c.pid, command(args), Timeout)
	if err != nil {
		return nil, fmt.Errorf("redis %s: %w", args[0], err)
	}
	if err, ok := v.(error); ok {
		return nil, err
	}
	return v, nil
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

func (m *machine) Init(p *actor.Process) (actor.Transition, error) {
	m.wait = m.backoff.Min
	// A state timeout of 0 fires before any call is handled: the first
	// connection attempt happens now, on the same path as every later one.
	return actor.NextState(stateDisconnected, actor.StateTimeout{After: 0, Msg: reconnect{}}), nil
}

func (m *machine) States() map[string]actor.StateFunc {
	return map[string]actor.StateFunc{
		stateDisconnected: m.disconnected,
		stateConnected:    m.connected,
	}
}

func (m *machine) disconnected(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
	switch ev.Type {
	case actor.StateTimeoutEvent:
		conn, err := net.DialTimeout("tcp", m.addr, DialTimeout)
		if err != nil {
			// Not a sleep: the machine goes back to its mailbox, answering
			// calls, until the new state timeout fires.
			after := m.wait
			m.wait = min(2*m.wait, m.backoff.Max)
			return actor.KeepState(actor.StateTimeout{After: after, Msg: reconnect{}}), nil
		}
		m.wait = m.backoff.Min
		m.conn = conn
		m.closeConn = context.AfterFunc(p.Context(), func() { conn.Close() })
		go readConn(conn, p.Self())
		return actor.NextState(stateConnected), nil
	case actor.CallEvent:
		return actor.KeepState(actor.ReplyTo{From: ev.From, Value: ErrDisconnected}), nil
	}
	return actor.KeepState(), nil // late messages from a lost connection
}

func (m *machine) connected(p *actor.Process, ev actor.StateEvent) (actor.Transition, error) {
	switch ev.Type {
	case actor.CallEvent:
		m.buf = resp.AppendCommand(m.buf[:0], ev.Content.(command)...)
		if _, err := m.conn.Write(m.buf); err != nil {
			return m.lose(err, actor.ReplyTo{From: ev.From, Value: fmt.Errorf("%w: %w", ErrDisconnected, err)})
		}
		m.waiting = append(m.waiting, ev.From)
	case actor.InfoEvent:
		switch msg := ev.Content.(type) {
		case connReply:
			if msg.conn != m.conn || len(m.waiting) == 0 {
				return actor.KeepState(), nil
			}
			from := m.waiting[0]
			m.waiting[0] = actor.From{}
			m.waiting = m.waiting[1:]
			return actor.KeepState(actor.ReplyTo{From: from, Value: msg.v}), nil
		case connLost:
			if msg.conn == m.conn {
				return m.lose(msg.err)
			}
		}
	}
	return actor.KeepState(), nil
}

// lose gives up the connection: every waiting caller gets ErrDisconnected
// now, and the machine moves to disconnected with a state timeout for the
// first reconnection attempt.
func (m *machine) lose(cause error, actions ...actor.Action) (actor.Transition, error) {
	err := fmt.Errorf("%w: %w", ErrDisconnected, cause)
	for _, from := range m.waiting {
		actions = append(actions, actor.ReplyTo{From: from, Value: err})
	}
	m.waiting = nil
	m.closeConn()
	m.conn.Close() // ends the reader
	m.conn = nil
	after := m.wait
	m.wait = min(2*m.wait, m.backoff.Max)
	actions = append(actions, actor.StateTimeout{After: after, Msg: reconnect{}})
	return actor.NextState(stateDisconnected, actions...), nil
}

// readConn is readReplies with each message tagged with its connection.
func readConn(conn net.Conn, owner actor.PID) {
	br := bufio.NewReader(conn)
	for {
		v, err := resp.ReadReply(br)
		if err != nil {
			actor.Send(owner, connLost{conn, err})
			return
		}
		actor.Send(owner, connReply{conn, v})
	}
}
