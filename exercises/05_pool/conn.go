// Package pool is chapter 05 of otpgo: a pool of Redis connections under a
// supervisor, found by name, with the pool's size in a read-mostly global.
// Each connection is a process around one client of a real Redis library
// (go-redis), as the original training wrapped Elixir's Redix.
package pool

import (
	"github.com/otpgo/otpgo/internal/actor"
)

// StartConn starts a connection process: a GenServer owning one go-redis
// client (redis.NewClient with PoolSize 1) connected to the Redis server
// at addr. It connects (PING) in Init, so it fails to start if Redis does
// not answer. The client is closed when the process exits, however it
// exits: Kill skips Terminate, but it does cancel the process's Context.
// startOpts (actor.Name, ...) go to actor.StartServer.
func StartConn(addr string, startOpts ...actor.StartOption) (actor.PID, error) {
	panic("TODO(05.1): start a GenServer whose Init creates the go-redis client, ties its Close to p.Context() and pings")
}

// Do runs one command (Do(c, "SET", "k", "v")) on the connection process
// c and returns Redis's reply. A nil reply (GET of a missing key) is
// (nil, nil); an error reply is an error, and does not stop the process.
//
// Step 05.1. HandleCall runs client.Do(p.Context(), args...).Result(): the
// process's context, so a killed connection abandons its command. A non-nil
// error from HandleCall would stop the server, so carry Redis's error back
// inside the reply value (a small struct{v any; err error}) and unpack it
// here; errors.Is(err, redis.Nil) is the nil reply.
func Do(c actor.PID, args ...any) (any, error) {
	panic("TODO(05.1): actor.Call the connection; its HandleCall runs client.Do(ctx, args...).Result()")
}
