package config

import (
	"github.com/otpgo/otpgo/internal/actor"
)

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

// Start starts a greeter: a GenServer (embed actor.BaseServer) that reads
// its configuration when it starts, in Init, and keeps it in its state:
// the greeting is opts.Greeting if set, else $GREETER_GREETING as it is
// now (unset or empty counts as unset), else DefaultGreeting;
// Config.Version is Version as it is now. Pass startOpts (actor.Name, ...)
// on to actor.StartServer.
func Start(opts Options, startOpts ...actor.StartOption) (actor.PID, error) {
	panic("TODO(07.2): start a GenServer whose Init resolves a Config from opts, the environment and DefaultGreeting")
}

// Greet asks the greeter pid to greet name: "Bonjour, Ann!". The answer
// comes from the greeter's state, never from the environment.
func Greet(pid actor.PID, name string) (string, error) {
	panic("TODO(07.2): actor.Call the greeter and return its greeting for name")
}

// CurrentConfig returns the configuration the greeter pid is running
// with.
func CurrentConfig(pid actor.PID) (Config, error) {
	panic("TODO(07.2): actor.Call the greeter and return the Config in its state")
}
