package redis

import (
	"bufio"
	"fmt"
	"net"

	"github.com/otpgo/otpgo/internal/actor"
)

// Blocking is the 03.1 client: a GenServer that owns the connection and,
// for each Call, writes the command and reads the reply before it returns.
// While it waits on the socket it handles nothing else, so callers are
// served one round trip at a time.
type Blocking struct {
	pid actor.PID
}

// StartBlocking starts the client's server process, which connects to addr
// in Init: StartBlocking fails if Redis is not there.
func StartBlocking(addr string) (*Blocking, error) {
	pid, err := actor.StartServer(&blockingServer{addr: addr}, actor.Kind("redis.Blocking"))
	if err != nil {
		return nil, fmt.Errorf("redis: start blocking client for %s: %w", addr, err)
	}
	return &Blocking{pid: pid}, nil
}

// PID is the client's server process.
func (c *Blocking) PID() actor.PID { return c.pid }

// Close stops the server process, which closes the connection. Closing a
// client whose process has already exited returns nil.
func (c *Blocking) Close() error { return stop(c.pid) }

// Command sends args as one command and returns Redis's reply; an error
// reply comes back as a *resp.Error.
//
// Build it: Command() with no arguments returns errEmptyCommand without
// calling the server: Redis sends no reply to an empty command, so the
// caller would wait out its Timeout and every later reply would go to the
// wrong caller. Otherwise Call the server with the request command(args)
// and Timeout. The reply is whatever HandleCall returned: a value from
// resp.ReadReply, which for an error reply from Redis is a *resp.Error.
// Return that as Command's error (with a nil value), not as a value.
func (c *Blocking) Command(args ...string) (any, error) {
	panic("TODO(03.1): reject empty args (errEmptyCommand); actor.Call the server with command(args); return a *resp.Error reply as the error")
}

// blockingServer is the GenServer behind Blocking.
type blockingServer struct {
	actor.BaseServer
	addr string
	conn net.Conn
	br   *bufio.Reader // keep ONE for the connection: it may hold bytes already read
	buf  []byte        // reuse it with resp.AppendCommand(s.buf[:0], ...)
}

// Init dials s.addr (net.DialTimeout with DialTimeout) and keeps the
// connection and a bufio.Reader on it. Make sure the socket is closed
// however the process ends: context.AfterFunc(p.Context(), ...) runs a
// function when the process dies, even if it is killed.
func (s *blockingServer) Init(p *actor.Process) error {
	panic("TODO(03.1): dial s.addr, keep the conn and a bufio.Reader, close the conn when p.Context() is done")
}

// HandleCall writes the command (resp.AppendCommand) and reads one reply
// (resp.ReadReply), and returns it. A Redis error reply is an ordinary
// reply here. A failed write or read means the connection is gone: return
// it as the error, wrapped with fmt.Errorf("%w: %w", ErrDisconnected, err).
// That stops the server, and the caller's Call returns an error wrapping
// it, so errors.Is(err, ErrDisconnected) holds, as Client promises.
func (s *blockingServer) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	panic("TODO(03.1): write req.(command) with resp.AppendCommand, read the reply with resp.ReadReply, return it")
}
