// Package redis is chapter 03 of otpgo: a Redis client written three times,
// each a process that owns one TCP connection.
//
//   - Blocking (03.1): a GenServer that writes a command and waits for its
//     reply inside HandleCall. Simple, and it serialises every caller.
//   - NonBlocking (03.2): the same GenServer never waits on the socket. A
//     reader delivers replies to it as messages; it keeps a FIFO of callers
//     and answers each one later with actor.Reply.
//   - StateMachine (03.3): a gen_statem-style machine, connected or
//     disconnected, that fails callers at once while the server is away and
//     reconnects with a backoff driven by a state timeout.
//
// The wire protocol is done for you in internal/resp: resp.AppendCommand
// encodes a command, resp.ReadReply decodes one reply from a bufio.Reader.
// Try any of the clients by hand against `otpgo redis`.
package redis

import (
	"errors"
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// Client is what the three clients share; `otpgo bench 03` drives them
// through it.
type Client interface {
	// Command sends one command, such as Command("SET", "k", "v"), and
	// returns the reply as resp.ReadReply decodes it: a string, an int64,
	// nil, or a []any. An error reply from Redis comes back as an error
	// (a *resp.Error), and so does a failure of the connection.
	Command(args ...string) (any, error)
	// Close stops the client's process and closes its connection.
	Close() error
}

// Timeout bounds how long Command waits for its reply.
const Timeout = 5 * time.Second

// DialTimeout bounds how long connecting to Redis may take. A process that
// dials is busy while it dials: keep this short.
const DialTimeout = 500 * time.Millisecond

// ErrDisconnected is the error (test it with errors.Is) of a Command that
// could not be answered because the connection to Redis was lost, or, for
// the StateMachine client, is down right now.
var ErrDisconnected = errors.New("redis: disconnected")

// errEmptyCommand is Command's answer to Command() with no arguments.
var errEmptyCommand = errors.New("redis: empty command: pass at least the command name, as in Command(\"PING\")")

// command is the request a client's Command sends to its process.
type command []string

// stop is Close for all three clients: stop the process, which closes the
// connection; a process that is already gone is not an error.
func stop(pid actor.PID) error {
	if err := actor.Stop(pid, actor.Shutdown, Timeout); err != nil && !errors.Is(err, actor.NoProc) {
		return fmt.Errorf("redis: close: %w", err)
	}
	return nil
}
