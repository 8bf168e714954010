package config

import (
	"fmt"
	"time"

	"github.com/otpgo/otpgo/internal/actor"
)

// callTimeout bounds every call to a greeter.
const callTimeout = 5 * time.Second

// Options configure one greeter. They are the child spec's arguments:
// fixed when written, passed again unchanged on every restart.
type Options struct {
	// Greeting, if not empty, wins over the environment.
	Greeting string
}

// Config is what a greeter read when it started, and keeps for its life.
type Config struct {
	Greeting string // from Options, else $GREETER_GREETING, else DefaultGreeting
	Version  string // Version when the greeter started
}

// greeter is the GenServer behind Start.
type greeter struct {
	actor.BaseServer
	opts Options
	cfg  Config
}

type greetReq struct{ name string }
type configReq struct{}

// Init reads the configuration once, in the new process, like init/1
// calling Application.get_env: every start (and every restart) reads it
// afresh, and the running process keeps what it read.
func (g *greeter) Init(p *actor.Process) error {
	g.cfg = Config{
		Greeting: g.opts.Greeting,
		Version:  Version,
	}
	if g.cfg.Greeting == "" {
		g.cfg.Greeting = greetingFromEnv(DefaultGreeting)
	}
	return nil
}

// HandleCall answers Greet and CurrentConfig from the state, never from
// the environment.
func (g *greeter) HandleCall(p *actor.Process, req any, from actor.From) (any, error) {
	switch r := req.(type) {
	case greetReq:
		return fmt.Sprintf("%s, %s!", g.cfg.Greeting, r.name), nil
	case configReq:
		return g.cfg, nil
	}
	return nil, fmt.Errorf("greeter: unknown request %T", req)
}

// Start starts a greeter. The greeter reads its configuration when it
// starts and keeps it: the greeting is opts.Greeting if set, else
// $GREETER_GREETING as it is now, else DefaultGreeting; Config.Version is
// Version as it is now. startOpts (actor.Name, ...) go to the process.
func Start(opts Options, startOpts ...actor.StartOption) (actor.PID, error) {
	pid, err := actor.StartServer(&greeter{opts: opts}, startOpts...)
	if err != nil {
		return actor.PID{}, fmt.Errorf("start greeter: %w", err)
	}
	return pid, nil
}

// Greet asks the greeter pid to greet name: "Bonjour, Ann!".
func Greet(pid actor.PID, name string) (string, error) {
	v, err := actor.Call(pid, greetReq{name}, callTimeout)
	if err != nil {
		return "", fmt.Errorf("greet %s: %w", name, err)
	}
	return v.(string), nil
}

// CurrentConfig returns the configuration the greeter pid is running
// with.
func CurrentConfig(pid actor.PID) (Config, error) {
	v, err := actor.Call(pid, configReq{}, callTimeout)
	if err != nil {
		return Config{}, fmt.Errorf("greeter config: %w", err)
	}
	return v.(Config), nil
}
