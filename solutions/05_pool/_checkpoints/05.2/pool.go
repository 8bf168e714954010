package pool

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/otpgo/otpgo/internal/actor"
)

// ErrNoPool is returned (wrapped) by Command and Stop for a pool that is
// not running.
var ErrNoPool = errors.New("pool: no such pool")

// Options configure a pool.
type Options struct {
	Name string // the pool's name: its supervisor is registered under it
	Addr string // the Redis server, host:port
	Size int    // how many connections
}

// ConnName is the registered name of connection i (0 <= i < Size) of the
// pool called pool.
func ConnName(pool string, i int) string { return pool + "/conn/" + strconv.Itoa(i) }

// sizes is the read-mostly global, like :persistent_term: every Command
// reads it without a lock; Start and Stop replace the whole map.
var (
	sizes   atomic.Pointer[map[string]int]
	sizesMu sync.Mutex // serialises writers; readers never take it
)

// setSize records pool's size, or forgets the pool if n is 0.
func setSize(pool string, n int) {
	sizesMu.Lock()
	defer sizesMu.Unlock()
	next := map[string]int{}
	if cur := sizes.Load(); cur != nil {
		for k, v := range *cur {
			next[k] = v
		}
	}
	if n > 0 {
		next[pool] = n
	} else {
		delete(next, pool)
	}
	sizes.Store(&next)
}

// Size is the number of connections of the running pool called pool, or 0.
func Size(pool string) int {
	if m := sizes.Load(); m != nil {
		return (*m)[pool]
	}
	return 0
}

// Start starts a pool: a one_for_one supervisor, registered as opts.Name,
// of opts.Size connection processes to opts.Addr, connection i registered
// as ConnName(opts.Name, i). It records the size where Size and Command
// read it. Start returns once every connection is up.
func Start(opts Options) (actor.PID, error) {
	if opts.Size < 1 {
		return actor.PID{}, fmt.Errorf("start pool %q: size %d, want at least 1", opts.Name, opts.Size)
	}
	children := make([]actor.ChildSpec, opts.Size)
	for i := range children {
		name := ConnName(opts.Name, i)
		children[i] = actor.ChildSpec{
			ID:    name,
			Start: func() (actor.PID, error) { return StartConn(opts.Addr, actor.Name(name)) },
		}
	}
	sup, err := actor.StartSupervisor(actor.SupervisorSpec{
		Strategy: actor.OneForOne,
		Children: children,
	}, actor.Name(opts.Name))
	if err != nil {
		return actor.PID{}, fmt.Errorf("start pool %q: %w", opts.Name, err)
	}
	setSize(opts.Name, opts.Size)
	return sup, nil
}

// Command runs one command on a connection of the pool called pool,
// chosen at random, and returns Redis's reply as Do does. It fails with
// ErrNoPool if the pool is not running, and with an error if the chosen
// connection is being restarted.
func Command(pool string, args ...any) (any, error) {
	n := Size(pool)
	if n == 0 {
		return nil, fmt.Errorf("redis %v on pool %q: %w", args, pool, ErrNoPool)
	}
	name := ConnName(pool, rand.IntN(n))
	c, ok := actor.WhereIs(name)
	if !ok {
		return nil, fmt.Errorf("redis %v: connection %s is not running: %w", args, name, actor.NoProc)
	}
	return Do(c, args...)
}

// Stop stops the pool called pool: its supervisor stops every connection,
// each closing its client, and the pool's size is forgotten. It returns
// ErrNoPool if the pool is not running.
func Stop(pool string) error {
	panic("TODO(05.3): forget the pool's size, then actor.Stop its supervisor (registered as pool)")
}
