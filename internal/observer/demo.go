package observer

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// The demo application that `otpgo observe` looks at, three levels deep:
//
//	demo            one_for_one: its children fail independently
//	├─ cache        a GenServer holding the latest results
//	├─ pool         one_for_all: workers share a batch, so one crash voids it
//	│  ├─ worker-1
//	│  └─ ...
//	├─ feed         rest_for_one: the aggregator depends on the source
//	│  ├─ source    a plain process ticking every 200ms
//	│  └─ aggregator
//	└─ load         the load generator the observer toggles with "l"
//
// Every process is an ordinary actor: nothing here knows it is observed.

// Crash, sent to a demo process, makes it panic as if it had hit a bug: its
// exit reason is an *actor.PanicError and its supervisor restarts it.
type Crash struct{}

// DemoConfig sizes the demo application. The zero value is the default.
type DemoConfig struct {
	// Workers in the pool (default 4).
	Workers int
	// JobCost is how long a worker spends on one job (default 2ms): the
	// load generator sends bursts larger than a worker clears in one
	// refresh, so mailboxes visibly fill and drain.
	JobCost time.Duration
	// Prefix goes before every registered name, so that several demos
	// can run in one program (tests). Default "".
	Prefix string
}

// Demo is a running demo application.
type Demo struct {
	cfg  DemoConfig
	mu   sync.Mutex
	root actor.PID
	load bool
}

// Strategy names of the demo's supervisors, by child id (or root name).
var demoStrategies = map[string]string{
	"demo": "one_for_one",
	"pool": "one_for_all",
	"feed": "rest_for_one",
}

// StartDemo starts the demo application and returns once every process is
// running.
func StartDemo(cfg DemoConfig) (*Demo, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.JobCost <= 0 {
		cfg.JobCost = 2 * time.Millisecond
	}
	d := &Demo{cfg: cfg}
	if err := d.start(); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Demo) name(s string) string { return d.cfg.Prefix + s }

func (d *Demo) start() error {
	workers := make([]actor.ChildSpec, d.cfg.Workers)
	for i := range workers {
		id := "worker-" + strconv.Itoa(i+1)
		workers[i] = actor.ChildSpec{
			ID: id,
			Start: func() (actor.PID, error) {
				return actor.StartServer(&worker{cost: d.cfg.JobCost, cache: d.name("cache")}, actor.Name(d.name(id)))
			},
			Shutdown: actor.Timeout(time.Second),
		}
	}
	spec := actor.SupervisorSpec{
		Strategy: actor.OneForOne,
		// Forgiving, so a class can kill things for a while; the lesson
		// shows how to exceed it on purpose.
		MaxRestarts: new(10),
		Within:      10 * time.Second,
		Children: []actor.ChildSpec{
			{ID: "cache", Start: func() (actor.PID, error) {
				return actor.StartServer(&cache{}, actor.Name(d.name("cache")))
			}},
			{ID: "pool", Supervisor: true, Start: func() (actor.PID, error) {
				return actor.StartSupervisor(actor.SupervisorSpec{
					Strategy: actor.OneForAll, MaxRestarts: new(5), Within: 10 * time.Second, Children: workers,
				})
			}},
			{ID: "feed", Supervisor: true, Start: func() (actor.PID, error) {
				return actor.StartSupervisor(actor.SupervisorSpec{
					Strategy: actor.RestForOne, MaxRestarts: new(5), Within: 10 * time.Second,
					Children: []actor.ChildSpec{
						{ID: "source", Start: func() (actor.PID, error) {
							return actor.Spawn(d.source, actor.Name(d.name("source")), actor.Kind("process")), nil
						}},
						{ID: "aggregator", Start: func() (actor.PID, error) {
							return actor.StartServer(&aggregator{cache: d.name("cache")}, actor.Name(d.name("aggregator")))
						}},
					},
				})
			}},
			{ID: "load", Start: func() (actor.PID, error) {
				d.mu.Lock()
				on := d.load
				d.mu.Unlock()
				return actor.StartServer(&loadgen{d: d, on: on}, actor.Name(d.name("load")))
			}},
		},
	}
	root, err := actor.StartSupervisor(spec, actor.Name(d.name("demo")))
	if err != nil {
		return fmt.Errorf("start the demo application: %w", err)
	}
	d.mu.Lock()
	d.root = root
	d.mu.Unlock()
	return nil
}

// Root is the pid of the demo's top supervisor.
func (d *Demo) Root() actor.PID {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.root
}

// Running reports whether the demo's top supervisor is alive. It is not
// once a child restarted too often and the supervisor gave up.
func (d *Demo) Running() bool { return actor.Alive(d.Root()) }

// Restart starts the demo again after its top supervisor gave up.
func (d *Demo) Restart() error {
	if d.Running() {
		return nil
	}
	return d.start()
}

// Load reports whether the load generator is on.
func (d *Demo) Load() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.load
}

// SetLoad turns the load generator on or off. The setting survives a
// restart of the generator.
func (d *Demo) SetLoad(on bool) {
	d.mu.Lock()
	d.load = on
	d.mu.Unlock()
	if pid, ok := actor.WhereIs(d.name("load")); ok {
		actor.Cast(pid, setLoad(on))
	}
}

// Strategy labels a supervisor of the demo with its restart strategy, for
// the tree view; "" for anything else.
func (d *Demo) Strategy(p actor.ProcessInfo) string {
	if p.Kind != "supervisor" {
		return ""
	}
	if p.Name == d.name("demo") {
		return demoStrategies["demo"]
	}
	return demoStrategies[p.ChildID]
}

// Stop stops the whole application and waits for it.
func (d *Demo) Stop() error {
	root := d.Root()
	if !actor.Alive(root) {
		return nil
	}
	if err := actor.Stop(root, actor.Shutdown, 10*time.Second); err != nil && !errors.Is(err, actor.NoProc) {
		return fmt.Errorf("stop the demo application: %w", err)
	}
	return nil
}

// crashOn panics on Crash: the bug the observer's "c" key plants.
func crashOn(msg any) {
	if _, ok := msg.(Crash); ok {
		panic("crashed on purpose from the observer")
	}
}

// cache is a GenServer holding recent results (see chapter 02 for a real one).
type cache struct {
	actor.BaseServer
	data map[string]any
}

type put struct {
	key string
	val any
}

func (c *cache) Init(*actor.Process) error { c.data = map[string]any{}; return nil }

func (c *cache) HandleCast(_ *actor.Process, msg any) error {
	if m, ok := msg.(put); ok {
		c.data[m.key] = m.val
	}
	return nil
}

func (c *cache) HandleInfo(_ *actor.Process, msg any) error { crashOn(msg); return nil }

// worker does one job per message, slowly, and reports to the cache.
type worker struct {
	actor.BaseServer
	cost  time.Duration
	cache string
	done  int
}

type job struct{ n int }

func (w *worker) HandleCast(p *actor.Process, msg any) error {
	if j, ok := msg.(job); ok {
		// Stands for real work; kept short so a kill takes effect soon.
		time.Sleep(w.cost)
		w.done++
		if pid, ok := actor.WhereIs(w.cache); ok && j.n%10 == 0 {
			actor.Cast(pid, put{key: p.Self().String(), val: w.done})
		}
	}
	return nil
}

func (w *worker) HandleInfo(_ *actor.Process, msg any) error { crashOn(msg); return nil }

type tick struct{}

// source is a plain process (no GenServer) that ticks every 200ms.
func (d *Demo) source(p *actor.Process) error {
	for {
		msg, err := p.Receive(200 * time.Millisecond)
		if errors.Is(err, actor.ErrTimeout) {
			if pid, ok := actor.WhereIs(d.name("aggregator")); ok {
				actor.Send(pid, tick{})
			}
			continue
		}
		if err != nil {
			return err
		}
		crashOn(msg)
	}
}

// aggregator counts the source's ticks into the cache.
type aggregator struct {
	actor.BaseServer
	cache string
	n     int
}

func (a *aggregator) HandleInfo(_ *actor.Process, msg any) error {
	crashOn(msg)
	if _, ok := msg.(tick); ok {
		a.n++
		if pid, ok := actor.WhereIs(a.cache); ok {
			actor.Cast(pid, put{key: "ticks", val: a.n})
		}
	}
	return nil
}

// loadgen sends bursts of jobs to random workers every 100ms while on.
type loadgen struct {
	actor.BaseServer
	d  *Demo
	on bool
}

type setLoad bool

type burst struct{}

func (l *loadgen) Init(p *actor.Process) error {
	actor.SendAfter(p.Self(), burst{}, 100*time.Millisecond)
	return nil
}

func (l *loadgen) HandleCast(_ *actor.Process, msg any) error {
	if on, ok := msg.(setLoad); ok {
		l.on = bool(on)
	}
	return nil
}

func (l *loadgen) HandleInfo(p *actor.Process, msg any) error {
	crashOn(msg)
	if _, ok := msg.(burst); !ok {
		return nil
	}
	actor.SendAfter(p.Self(), burst{}, 100*time.Millisecond)
	if !l.on {
		return nil
	}
	// One worker gets a burst bigger than it clears before the next
	// refresh; the others drain theirs.
	id := "worker-" + strconv.Itoa(1+rand.IntN(l.d.cfg.Workers))
	if pid, ok := actor.WhereIs(l.d.name(id)); ok {
		for i := range 40 + rand.IntN(120) {
			actor.Cast(pid, job{n: i})
		}
	}
	return nil
}
