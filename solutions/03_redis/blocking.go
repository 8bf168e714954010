package redis

import (
	"bufio"
	"context"
	"fmt"
	"net"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/otpgo/otpgo/internal/resp"
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
func (c *Blocking) Command(args ...string) (any, error) {
	if len(args) == 0 {
		return nil, errEmptyCommand
	}
	v, err := actor.Call(c.pid, command(args), Timeout)
	if err != nil {
		return nil, fmt.Errorf("redis %s: %w", args[0], err)
	}
	if err, ok := v.(error); ok { // *resp.Error: Redis said no
		return nil, err
	}
	return v, nil
}

// blockingServer is the GenServer behind Blocking.
type blockingServer struct {
	actor.BaseServer
	addr string
	conn net.Conn
	br   *bufio.Reader // kept across calls: it may hold bytes already read
	buf  []byte        // reused for encoding
}

func (s *blockingServer) Init(p *actor.Process) error {
	conn, err := net.DialTimeout("tcp", s.addr, DialTimeout)
	if err != nil {
		return err
	}
	s.conn, s.br = conn, bufio.NewReader(conn)
	// However the process ends (Stop, a crash, a kill), the socket closes,
	// which also frees a process stuck reading it.
	context.AfterFunc(p.Context(), func() { conn.Close() })
	return nil
}

func (s *blockingServer) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	s.buf = resp.AppendCommand(s.buf[:0], req.(command)...)
	if _, err := s.conn.Write(s.buf); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDisconnected, err) // stops the server
	}
	// The whole server waits here, one round trip, while other callers queue
	// in its mailbox.
	v, err := resp.ReadReply(s.br)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDisconnected, err)
	}
	return v, nil
}
