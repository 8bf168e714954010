package redis

import (
	"bufio"
	"context"
	"fmt"
	"net"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/resp"
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
// ErrDisconnected.
func (c *NonBlocking) Command(args ...string) (any, error) {
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

func (s *nonBlockingServer) Init(p *actor.Process) error {
	conn, err := net.DialTimeout("tcp", s.addr, DialTimeout)
	if err != nil {
		return err
	}
	s.conn = conn
	// Closing the socket when the process ends is also what stops the
	// reader: Go cannot kill a goroutine, but its Read fails.
	context.AfterFunc(p.Context(), func() { conn.Close() })
	go readReplies(conn, p.Self())
	return nil
}

// readReplies is the reader: the Go version of a socket in active mode,
// turning bytes into messages for the owner.
func readReplies(conn net.Conn, owner actor.PID) {
	br := bufio.NewReader(conn)
	for {
		v, err := resp.ReadReply(br)
		if err != nil {
			actor.Send(owner, readFailed{err})
			return
		}
		actor.Send(owner, received{v})
	}
}

func (s *nonBlockingServer) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	s.buf = resp.AppendCommand(s.buf[:0], req.(command)...)
	if _, err := s.conn.Write(s.buf); err != nil {
		// The reader sees the broken connection too and will stop us.
		return fmt.Errorf("%w: %w", ErrDisconnected, err), nil
	}
	// Redis answers in order, so this caller's reply is the one after the
	// replies of everyone already waiting.
	s.waiting = append(s.waiting, from)
	return actor.NoReply, nil
}

func (s *nonBlockingServer) HandleInfo(p *actor.Process, msg any) error {
	switch m := msg.(type) {
	case received:
		if len(s.waiting) == 0 {
			return fmt.Errorf("redis: reply %v arrived with no caller waiting: the stream is out of step", m.v)
		}
		from := s.waiting[0]
		s.waiting[0] = actor.From{} // let the slot be collected
		s.waiting = s.waiting[1:]
		actor.Reply(from, m.v)
	case readFailed:
		err := fmt.Errorf("%w: %w", ErrDisconnected, m.err)
		for _, from := range s.waiting {
			actor.Reply(from, err)
		}
		s.waiting = nil
		return err // nothing more will come: stop
	}
	return nil
}
