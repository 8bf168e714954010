// Package pool is chapter 05 of otpgo: a pool of Redis connections under a
// supervisor, found by name, with the pool's size in a read-mostly global.
// Each connection is a process around one client of a real Redis library
// (go-redis), as the original training wrapped Elixir's Redix.
package pool

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
	"github.com/redis/go-redis/v9"
)

// callTimeout bounds a command sent to a connection process.
const callTimeout = 5 * time.Second

// conn is the GenServer behind StartConn: one process, one go-redis client,
// one TCP connection.
type conn struct {
	actor.BaseServer
	addr   string
	client *redis.Client
}

type doReq struct{ args []any }

// Init connects (and pings) before StartConn returns, so a connection that
// cannot reach Redis fails to start and its supervisor hears about it.
func (c *conn) Init(p *actor.Process) error {
	c.client = redis.NewClient(&redis.Options{
		Addr: c.addr,
		// One process, one connection: the pool is the supervisor's
		// children, not go-redis's internal pool.
		PoolSize: 1,
		// Fail fast and let the supervisor do the retrying: a retry loop
		// hidden in the client would only delay the crash the supervisor
		// is there to handle.
		MaxRetries:    -1,
		DialerRetries: 1,
	})
	// Go cannot close a socket when its owner dies, as the BEAM closes a
	// port linked to a dead process. The process's context can: it is
	// cancelled when the process exits for any reason, Kill included,
	// which skips Terminate.
	client := c.client
	context.AfterFunc(p.Context(), func() { client.Close() })
	if err := c.client.Ping(p.Context()).Err(); err != nil {
		return fmt.Errorf("connect to redis at %s: %w", c.addr, err)
	}
	return nil
}

// HandleCall runs one command on the connection.
func (c *conn) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	r, ok := req.(doReq)
	if !ok {
		return nil, fmt.Errorf("conn: unknown request %T", req)
	}
	v, err := c.client.Do(p.Context(), r.args...).Result()
	if errors.Is(err, redis.Nil) {
		return result{}, nil // a nil reply is an answer, not a failure
	}
	return result{v, err}, nil
}

// result carries a command's outcome back through Call: a Redis error
// belongs to the caller, it does not stop the connection.
type result struct {
	v   any
	err error
}

// StartConn starts a connection process: a GenServer owning one go-redis
// client (PoolSize 1) connected to the Redis server at addr. It connects
// in Init and fails to start if Redis does not answer. The client is
// closed when the process exits, however it exits. startOpts (actor.Name,
// ...) go to the process.
func StartConn(addr string, startOpts ...actor.StartOption) (actor.PID, error) {
	pid, err := actor.StartServer(&conn{addr: addr}, startOpts...)
	if err != nil {
		return actor.PID{}, fmt.Errorf("start redis connection: %w", err)
	}
	return pid, nil
}

// Do runs one command (Do(c, "SET", "k", "v")) on the connection process
// c and returns Redis's reply. A nil reply (GET of a missing key) is
// (nil, nil); an error reply is an error.
func Do(c actor.PID, args ...any) (any, error) {
	v, err := actor.Call(c, doReq{args}, callTimeout)
	if err != nil {
		return nil, fmt.Errorf("redis %v: %w", args, err)
	}
	r := v.(result)
	if r.err != nil {
		return nil, fmt.Errorf("redis %v: %w", args, r.err)
	}
	return r.v, nil
}
