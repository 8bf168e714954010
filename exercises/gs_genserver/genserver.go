// Package genserver is a GenServer-like behaviour built by hand from a
// goroutine and channels, the way OTP's gen_server is built from spawn,
// send and receive. Chapter gs of otpgo: `otpgo lesson show gs`.
//
// Step gs.1: write Start, Call, Cast, Send and Stop below. The types and
// errors that are already here are part of the API the tests use: keep
// them. Everything else about Server is yours to design.
package genserver

import (
	"errors"
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

// Server is a running server. Its zero value is not usable: call Start.
type Server struct {
	// TODO(gs.1): what does a running server need? A mailbox (a channel
	// of any), a way for callers to see that the loop has exited (a
	// channel closed when it returns), and the logger.
}

// Start runs cb in a new goroutine: Init(arg) runs there first, and Start
// returns only once Init has finished. If Init fails, Start returns its
// error (wrapped) and a nil *Server, and nothing is left running.
//
// After Init, the goroutine loops over its mailbox, one message at a time:
// a call goes to HandleCall and its reply back to the caller, a cast to
// HandleCast, a stop request ends the loop, and anything else goes to
// HandleInfo if cb implements InfoHandler, or is logged as an "unknown
// message" (with the message) otherwise. A panic in a callback must end
// this server only, not the whole program: recover it in the loop.
func Start(cb Callbacks, arg any, opts ...Option) (*Server, error) {
	panic("TODO(gs.1): start the server's goroutine, run Init there and wait for its result")
}

// Call sends req to the server and waits for the reply of HandleCall.
// It returns ErrTimeout if no reply came within timeout, and ErrNoProc if
// the server is not running or dies before replying: it never hangs on a
// dead server.
func (s *Server) Call(req any, timeout time.Duration) (any, error) {
	panic("TODO(gs.1): send a call envelope with its own reply channel; wait for the reply, the timeout or the server's death")
}

// Cast sends msg to the server's HandleCast and returns at once. A cast
// to a dead server is dropped, as a send to a dead pid is in Erlang.
func (s *Server) Cast(msg any) {
	panic("TODO(gs.1): put a cast envelope in the mailbox without waiting for HandleCast")
}

// Send puts a plain message in the server's mailbox, like send/2. It is
// neither a call nor a cast, so it goes to HandleInfo. Sending to a dead
// server is a no-op.
func (s *Server) Send(msg any) {
	panic("TODO(gs.1): put msg in the mailbox as it is, unless the server is dead")
}

// Stop asks the server to exit and waits until it has. The request goes
// through the mailbox, so messages sent before it are handled first.
// Stopping a server that is not running returns ErrNoProc.
func (s *Server) Stop() error {
	panic("TODO(gs.1): send a stop request and wait until the loop has exited")
}
