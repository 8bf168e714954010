package pool

import (
	"errors"
	"strconv"

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

// Size is the number of connections of the running pool called pool, or
// 0. It reads a read-mostly global (the :persistent_term idea): an
// atomic.Pointer to a map from pool name to size, which readers load
// without a lock and writers (Start, Stop) replace with a new map.
func Size(pool string) int {
	panic("TODO(05.2): load the map from the global atomic.Pointer and look pool up")
}

// Start starts a pool: a one_for_one supervisor, registered as opts.Name,
// of opts.Size connection processes to opts.Addr, connection i registered
// as ConnName(opts.Name, i). It records the size where Size and Command
// read it. Start returns once every connection is up.
func Start(opts Options) (actor.PID, error) {
	panic("TODO(05.2): start a supervisor of opts.Size StartConn children, each registered as ConnName(opts.Name, i), then record the size")
}

// Command runs one command on a connection of the pool called pool,
// chosen at random, and returns Redis's reply as Do does. It fails with
// ErrNoPool if the pool is not running, and with an error if the chosen
// connection is being restarted.
func Command(pool string, args ...any) (any, error) {
	panic("TODO(05.2): pick i := rand.IntN(Size(pool)), find ConnName(pool, i) with actor.WhereIs, and Do the command there")
}

// Stop stops the pool called pool: its supervisor stops every connection,
// each closing its client, and the pool's size is forgotten. It returns
// ErrNoPool if the pool is not running.
func Stop(pool string) error {
	panic("TODO(05.3): forget the pool's size, then actor.Stop its supervisor (registered as pool)")
}
