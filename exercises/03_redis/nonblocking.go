package redis

import (
	"fmt"
	"net"

	"github.com/otpgo/otpgo/internal/actor"
)

// NonBlocking is the 03.2 client: a GenServer that never waits on the
// socket. HandleCall writes the command, queues the caller and returns
// actor.NoReply; a reader goroutine decodes replies and sends them to the
// server, which answers the oldest waiting caller with actor.Reply. Many
// commands are in flight at once on the one connection (pipelining).
type NonBlocking struct {
	pid actor.PID
}

// StartNonBlocking starts the client's server process, which connects to
// addr and starts its reader in Init.
func StartNonBlocking(addr string) (*NonBlocking, error) {
	pid, err := actor.StartServer(&nonBlockingServer{addr: addr}, actor.Kind("redis.NonBlocking"))
	if err != nil {
		return nil, fmt.Errorf("redis: start non-blocking client for %s: %w", addr, err)
	}
	return &NonBlocking{pid: pid}, nil
}

// PID is the client's server process.
func (c *NonBlocking) PID() actor.PID { return c.pid }

// Close stops the server process, which closes the connection and so ends
// the reader.
func (c *NonBlocking) Close() error { return stop(c.pid) }

// Command sends args as one command and returns Redis's reply; an error
// reply comes back as a *resp.Error, a lost connection as an error wrapping
// ErrDisconnected. It is the same as Blocking.Command, errEmptyCommand
// included: the difference is all in the server.
func (c *NonBlocking) Command(args ...string) (any, error) {
	panic("TODO(03.2): as Blocking.Command: reject empty args, actor.Call the server with command(args), return an error reply as the error")
}

// Messages from the reader to the server.
type (
	// received is one decoded reply.
	received struct{ v any }
	// readFailed says the connection broke; no more replies will come.
	readFailed struct{ err error }
)

// nonBlockingServer is the GenServer behind NonBlocking.
type nonBlockingServer struct {
	actor.BaseServer
	addr    string
	conn    net.Conn
	buf     []byte
	waiting []actor.From // callers in the order their commands were sent
}

// Init dials s.addr, makes sure the connection closes when the process
// ends (context.AfterFunc on p.Context()), and starts the reader:
// go readReplies(conn, p.Self()).
func (s *nonBlockingServer) Init(p *actor.Process) error {
	panic("TODO(03.2): dial, close the conn when p.Context() is done, start go readReplies(conn, p.Self())")
}

// readReplies is the reader: it loops over resp.ReadReply on ONE
// bufio.Reader for the connection and sends each reply to owner as a
// received message. When ReadReply fails, it sends readFailed and returns.
// This is the Go version of a socket in active mode.
func readReplies(conn net.Conn, owner actor.PID) {
	panic("TODO(03.2): loop: v, err := resp.ReadReply(br); send received{v} to owner, or readFailed{err} and return")
}

// HandleCall writes the command and does NOT wait for the reply: it
// appends from to s.waiting and returns actor.NoReply. If the write fails,
// answer this caller at once: return an error wrapping ErrDisconnected as
// the reply, with a nil error. The reader sees the broken connection too,
// and its readFailed stops the server and fails everyone waiting.
func (s *nonBlockingServer) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	panic("TODO(03.2): write the command, append from to s.waiting, return actor.NoReply")
}

// HandleInfo gets the reader's messages. received: answer the OLDEST
// waiting caller with actor.Reply (Redis replies in order). readFailed:
// Reply an error wrapping ErrDisconnected to every waiting caller, then
// return an error to stop the server.
func (s *nonBlockingServer) HandleInfo(p *actor.Process, msg any) error {
	panic("TODO(03.2): received -> actor.Reply(oldest caller, v); readFailed -> fail every waiting caller and stop")
}
