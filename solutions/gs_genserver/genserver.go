// Package genserver is a GenServer-like behaviour built by hand from a
// goroutine and channels, the way OTP's gen_server is built from spawn,
// send and receive. It is deliberately small: one loop, one mailbox, and
// the three things every client needs (Call, Cast, Send).
package genserver

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ErrTimeout is returned by Call when no reply arrived in time.
var ErrTimeout = errors.New("genserver: call timed out")

// ErrNoProc is returned by Call and Stop when the server is not running
// (it was stopped, or a callback panicked).
var ErrNoProc = errors.New("genserver: no process")

// Callbacks is the module a server runs, like a module that says
// `use GenServer` in Elixir. State is whatever Init returns; each callback
// gets the current state and returns the next one.
type Callbacks interface {
	// Init runs inside the new server before Start returns. An error
	// makes Start fail and the server never runs.
	Init(arg any) (state any, err error)
	// HandleCall answers a Call: reply goes back to the caller.
	HandleCall(req any, state any) (reply any, newState any)
	// HandleCast handles a Cast; nobody waits for it.
	HandleCast(msg any, state any) (newState any)
}

// InfoHandler is implemented by Callbacks that want the messages that are
// neither calls nor casts (anything sent with Send). Without it, the server
// logs each such message as an unknown message and carries on.
type InfoHandler interface {
	HandleInfo(msg any, state any) (newState any)
}

// Option configures Start.
type Option func(*config)

type config struct {
	logger *slog.Logger
}

// WithLogger sets the logger the server reports unknown messages and
// crashes to. The default is slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// mailboxSize bounds the mailbox: a Go channel is a fixed-size queue, unlike
// an Erlang mailbox, so a sender waits when the server is this far behind.
const mailboxSize = 64

// Server is a running server. Its zero value is not usable: call Start.
type Server struct {
	mailbox chan any
	done    chan struct{} // closed when the loop has exited
	logger  *slog.Logger
}

// The envelopes that tell a call and a cast apart from a plain message,
// like the {:"$gen_call", from, req} tuples of OTP.
type callMsg struct {
	req   any
	reply chan any // buffered (1): a late reply never blocks the server
}

type castMsg struct{ msg any }

type stopMsg struct{}

// Start runs cb in a new goroutine: Init(arg) runs there first, and Start
// returns only once Init has finished. If Init fails, Start returns its
// error and nothing is left running.
func Start(cb Callbacks, arg any, opts ...Option) (*Server, error) {
	cfg := config{logger: slog.Default()}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		mailbox: make(chan any, mailboxSize),
		done:    make(chan struct{}),
		logger:  cfg.logger,
	}
	initDone := make(chan error, 1)
	go s.loop(cb, arg, initDone)
	if err := <-initDone; err != nil {
		return nil, fmt.Errorf("genserver: init: %w", err)
	}
	return s, nil
}

func (s *Server) loop(cb Callbacks, arg any, initDone chan<- error) {
	defer close(s.done)
	state, err := safeInit(cb, arg)
	initDone <- err
	if err != nil {
		return
	}
	// A panic in a callback would end the whole program: recover it and
	// end only this server, as a crashed process would in Erlang.
	defer func() {
		if r := recover(); r != nil {
			s.logger.Error("genserver crashed", "reason", r)
		}
	}()
	for m := range s.mailbox {
		switch m := m.(type) {
		case stopMsg:
			return
		case callMsg:
			var reply any
			reply, state = cb.HandleCall(m.req, state)
			m.reply <- reply
		case castMsg:
			state = cb.HandleCast(m.msg, state)
		default:
			if h, ok := cb.(InfoHandler); ok {
				state = h.HandleInfo(m, state)
			} else {
				s.logger.Warn("unknown message", "msg", m)
			}
		}
	}
}

func safeInit(cb Callbacks, arg any) (state any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("init panicked: %v", r)
		}
	}()
	return cb.Init(arg)
}

// Call sends req to the server and waits for the reply of HandleCall.
// It returns ErrTimeout if no reply came within timeout, and ErrNoProc if
// the server is not running or dies before replying: it never hangs on a
// dead server.
func (s *Server) Call(req any, timeout time.Duration) (any, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	m := callMsg{req: req, reply: make(chan any, 1)}
	select {
	case s.mailbox <- m:
	case <-s.done:
		return nil, ErrNoProc
	case <-t.C:
		return nil, ErrTimeout
	}
	select {
	case r := <-m.reply:
		return r, nil
	case <-s.done:
		return nil, ErrNoProc
	case <-t.C:
		return nil, ErrTimeout
	}
}

// Cast sends msg to the server's HandleCast and returns at once. A cast
// to a dead server is dropped, as a send to a dead pid is in Erlang.
func (s *Server) Cast(msg any) {
	s.Send(castMsg{msg: msg})
}

// Send puts a plain message in the server's mailbox, like send/2. It is
// neither a call nor a cast, so it goes to HandleInfo. Sending to a dead
// server is a no-op.
func (s *Server) Send(msg any) {
	select {
	case s.mailbox <- msg:
	case <-s.done:
	}
}

// Stop asks the server to exit and waits until it has. The request goes
// through the mailbox, so messages sent before it are handled first.
// Stopping a server that is not running returns ErrNoProc.
func (s *Server) Stop() error {
	// Check done first: a select with both cases ready picks at random,
	// and the mailbox of a dead server may still have room.
	select {
	case <-s.done:
		return ErrNoProc
	default:
	}
	select {
	case s.mailbox <- stopMsg{}:
	case <-s.done:
		return ErrNoProc
	}
	<-s.done
	return nil
}
